"""``cvpress new NAME``: a starter project that builds as it is.

Decision: ``NAME`` is a new folder holding ``data/resume.yaml``,
``data/variants.yaml``, a starter cover letter ``data/letters/example.md``,
a ``.gitignore`` (outputs, and ``data/private.yaml``: private details stay out
of the repository from the first commit) and ``schema/`` (the JSON Schemas
the first line of each data file points editors at), so ``cd NAME && cvpress
build`` works at once and the layout matches this repository's. Nothing is
overwritten: an existing ``NAME/data`` is an error. ``cvpress letter new
NAME`` writes another letter skeleton beside the first (:func:`new_letter`).

The starter files explain every field in comments, because the first file a
person edits is where they learn the format.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from . import schema

RESUME = """\
# yaml-language-server: $schema=../schema/resume.schema.json
# Your résumé, as data. This is a JSON Resume v1.0.0 document written in YAML
# (https://jsonresume.org/schema), so any resume.json works here too.
# Build it:   cvpress build          (writes build/cv.pdf)
# Check it:   cvpress validate       (every problem, with its line)
# Live:       cvpress watch          (rebuilds on every save)
#
# Text rules: quote text that contains ': ' or starts with a special
# character ("...", '...'). Dates are YYYY, YYYY-MM or YYYY-MM-DD.
# Free text (summary, highlights, description) may use inline Markdown:
# **bold**, *italic*, [a link](https://example.com) and `code`.

basics:
  name: Ada Lovelace                  # printed as the heading
  label: Analyst and Programmer       # a headline under the name
  email: ada@example.com              # becomes a mailto: link
  phone: "+44 20 7946 0000"           # printed as written; or keep it in data/private.yaml
                                      # (git-ignored; merged into local builds, not releases)
  # image: photo.jpg                  # a JPEG/PNG here, printed by variants with photo: true
  url: https://example.com/ada        # your website, with https://
  summary: >-                         # '>-' folds the lines below into one paragraph
    Mathematician who wrote the first published **algorithm** for a machine,
    and saw that computers could do more than arithmetic.
  location:
    city: London                      # city and region appear in the contact line
    region: England
    countryCode: GB                   # two letters, ISO 3166-1
  profiles:                           # links to your profiles (GitHub, LinkedIn...)
    - network: GitHub
      url: https://github.com/example

# newest first; consecutive roles at one company are grouped under it
work:
  - name: Analytical Engine Project   # the organisation
    position: Programmer              # your title
    location: London
    startDate: "1842-10"              # quote dates so YAML keeps them as text
    endDate: "1843-09"                # leave endDate out for a current job
    summary: Translated and annotated Menabrea's paper on the Analytical Engine.
    highlights:                       # bullets: text, or {text, tags} to pick per variant
      - Wrote Note G, an algorithm to compute Bernoulli numbers.
      - text: Described loops and conditional branching a century early.
        tags: [detail]                # tags only select; they are never printed

education:
  - institution: Private tutoring
    area: Mathematics                 # field of study
    studyType: Studies                # degree
    startDate: "1829"
    endDate: "1835"
    courses: [Calculus, Logic]        # a list written on one line

skills:
  - name: Mathematics                 # a group...
    keywords: [Analysis, Algorithms]  # ...and its skills

languages:
  - language: English
    fluency: Native

# Other sections, all optional: volunteer, awards, certificates, publications,
# interests, references, projects, and `custom` (talks, patents...):
# custom:
#   - title: Talks
#     entries:
#       - title: On the Analytical Engine
#         subtitle: Royal Society
#         startDate: "1843-06"
"""

VARIANTS = """\
# yaml-language-server: $schema=../schema/variants.schema.json
# What `cvpress build` makes from resume.yaml: one PDF per variant, build/<name>.pdf.
defaults:                 # options every variant starts from
  template: classic       # see `cvpress templates`
  paper: a4               # a4 or letter
  font_size: 11           # 10, 11 or 12
variants:
  cv: {}                  # everything in resume.yaml
  short:                  # a shorter one: drops bullets tagged 'detail'
    exclude_tags: [detail]
    max_pages: 1          # the build fails if it runs over one page
  letter:                 # a cover letter, in the look of its template
    letter: letters/example.md
# More options: photo: true, bibliography: papers.bib (publications from BibTeX),
# highlight_author, private: false, formats: [pdf, html, docx].
# See `cvpress schema --variants`.
"""


GITIGNORE = """\
build/
# Private details (phone, address): merged into local builds only, never committed.
data/private.yaml
"""

LETTER = """\
---
# A cover letter: this front matter, then the letter in Markdown below the
# second '---'. The sender (name, contacts) comes from resume.yaml's basics.
# EXAMPLE: the recipient is a placeholder; replace every line before sending.
to:
  name: "[Recipient's name]"          # every line of 'to' is optional
  title: "[Their position]"
  organisation: Example Company (placeholder)
  address: ["[Street and number]", "[Postcode and city]"]
# date: 2026-11-30                    # default: the date of the data's last commit
subject: "[Position applied for], ref. [number]"
opening: Dear [Recipient's name],
closing: Kind regards,
# signature: Ada                      # default: basics.name
---
[Why you are writing: the position, and where you saw it.]

[What you would bring, with **inline Markdown** if you like. A list works too:]

- [a result from your résumé]
- [another one]

[Why this organisation.]

Thank you for your time and consideration.
"""

#: Letter names become file names (and usually variant names): the variant name rule.
_LETTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def new(name: Path | str) -> list[Path]:
    """Write the starter project into folder ``name``; return the files written."""
    root = Path(name)
    data = root / "data"
    if data.exists():
        raise InputError(
            f"{data} already exists",
            hint="choose a new folder name; cvpress never overwrites your data",
        )
    if root.exists() and not root.is_dir():
        raise InputError(f"{root} exists and is not a folder", hint="choose another name")
    files = {
        data / "resume.yaml": RESUME,
        data / "variants.yaml": VARIANTS,
        data / "letters" / "example.md": LETTER,
        root / "schema" / "resume.schema.json": schema.resume_schema_json(),
        root / "schema" / "variants.schema.json": schema.variants_schema_json(),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # "x": never replace a file
            handle.write(text)
    return [*files, _ignore(root / ".gitignore")]


def _ignore(path: Path) -> Path:
    """Write ``.gitignore``, or add the lines it lacks to the one already there."""
    have = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    missing = [line for line in GITIGNORE.splitlines() if line not in have]
    if missing:
        with path.open("a", encoding="utf-8") as handle:
            if have and have[-1] != "":
                handle.write("\n")
            handle.write("\n".join(missing) + "\n")
    return path


def new_letter(variants_file: Path, name: str) -> Path:
    """Write the letter skeleton as ``letters/NAME.md`` beside ``variants_file``; never replace."""
    if not _LETTER_NAME.match(name):
        raise InputError(
            f"{name!r} cannot name a letter",
            hint="use letters, digits, '.', '_' and '-' (it becomes the file name), e.g. acme",
        )
    if not variants_file.is_file():
        raise InputError(
            f"no variants file at {variants_file}",
            hint="run this in a project made by `cvpress new`, or pass --variants FILE",
        )
    path = variants_file.parent / "letters" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": never replace a file
            handle.write(LETTER)
    except FileExistsError:
        raise InputError(
            f"{path} already exists", hint="choose another name; cvpress never overwrites a letter"
        ) from None
    return path
