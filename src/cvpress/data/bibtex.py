"""Publications from the ``.bib`` file a researcher already keeps.

A variant's ``bibliography: publications.bib`` adds every entry of that file
to ``publications``, as if written by hand:

==================  ==========================================================
``name``            ``title``
``publisher``       ``journal``, else ``booktitle``, else ``publisher``
``releaseDate``     ``year`` and ``month`` (a number, ``sep``, ``September``)
``url``             ``doi`` as ``https://doi.org/<doi>``, else ``url``
``authors``         ``author``, each name as "First von Last, Jr"
``tags``            ``keywords`` (split at commas and semicolons)
==================  ==========================================================

then sorts the section newest first (undated entries last; equal dates keep
their order, hand-written ones first).

Parsing: bibtexparser 2 (chosen over pybtex because it keeps the line of
every entry and field, reports a broken block without giving up on the rest,
and splits names by BibTeX's own rules). The ``.bib`` file is untrusted input
like the data: its LaTeX markup is never run. pylatexenc's LaTeX-to-text
conversion turns accents (``{\\'e}``), escapes (``\\&``), protective braces
(``{GPU}``) and dashes (``--``) into Unicode, which is then escaped like any
other text. A value holding LaTeX that is not text (a command pylatexenc does
not know, ``\\input``, a comment, an ``&``, an environment, display math)
prints exactly as written instead, with a warning: it is never dropped.

Every problem names the ``.bib`` file and line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry
from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, get_default_latex_context_db

from ..errors import InputError, Location, Problem, Warnings
from .files import MAX_BIB_BYTES, read_regular
from .load import PathKey, SourceMap
from .messages import MONTHS

# bibtexparser logs each broken block itself; they are reported here, with
# their lines, so its messages must not reach the terminal through logging's
# last-resort handler.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

#: Deepest brace nesting converted (a title needs two or three levels).
MAX_DEPTH = 16
#: Commands pylatexenc knows but that are not text: a title with them prints as written.
_NOT_TEXT = frozenset({"input", "include", "includeonly"})
_SPACE = re.compile(r"[ \t\r\n]+")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True, slots=True)
class Bibliography:
    """The ``.bib`` file's entries as ``publications`` items, with where each field is."""

    entries: tuple[dict[str, Any], ...]
    lines: tuple[dict[str, Location], ...]  # per entry: field name ("" = the entry) -> line


def read(path: Path, display: str, found: Warnings) -> Bibliography:
    """Parse the ``.bib`` file at ``path`` (``display`` names it in messages)."""
    text = _read_text(path, display)
    library = parse_string(text)
    problems = [_failed(block, display) for block in library.failed_blocks]
    if problems:
        raise InputError(problems[0].message, problems=problems)
    entries: list[dict[str, Any]] = []
    lines: list[dict[str, Location]] = []
    for entry in library.entries:
        item, where = _publication(entry, display, found)
        entries.append(item)
        lines.append(where)
    return Bibliography(tuple(entries), tuple(lines))


def _read_text(path: Path, display: str) -> str:
    if not path.exists():
        raise InputError(
            f"bibliography not found: {display}",
            location=Location(display),
            hint="`bibliography` is relative to the variants file",
        )
    # Only a regular file (a FIFO would block the open), at most one byte past the limit.
    raw = read_regular(path, MAX_BIB_BYTES, display=display, what="a .bib file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{display} is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            location=Location(display, raw[: exc.start].count(b"\n") + 1),
            hint="save the file as UTF-8 (accents may also be written as {\\'e})",
        ) from None


def _failed(block: Any, display: str) -> Problem:
    where = Location(display, block.start_line + 1)
    if isinstance(block, DuplicateBlockKeyBlock):
        return Problem(
            f"the key {block.key!r} is used by an earlier entry too",
            location=where,
            hint="give each entry its own key",
        )
    if isinstance(block, DuplicateFieldKeyBlock):
        return Problem(
            "an entry names one field twice",
            location=where,
            hint="keep one of the two; BibTeX would silently use one of them",
        )
    reason = getattr(block.error, "abort_reason", None) or str(block.error)
    return Problem(
        f"this block is not valid BibTeX: {reason}",
        location=where,
        hint="check the braces and the commas between fields",
    )


def _publication(
    entry: Entry, display: str, found: Warnings
) -> tuple[dict[str, Any], dict[str, Location]]:
    fields = {f.key.lower(): f for f in entry.fields}
    start = Location(display, (entry.start_line or 0) + 1)
    where = {
        name: Location(display, f.start_line + 1) if f.start_line is not None else start
        for name, f in fields.items()
    }

    def text(name: str) -> str | None:
        field = fields.get(name)
        if field is None or not str(field.value).strip():
            return None
        return to_text(str(field.value), where[name], f"{entry.key}.{name}", found)

    title = text("title")
    if title is None:
        raise InputError(
            f"entry {entry.key!r} has no title",
            location=start,
            hint="add title = {...} to the entry",
        )
    item: dict[str, Any] = {"name": title}
    lines = {"": start, "name": where["title"]}
    venue = next((n for n in ("journal", "booktitle", "publisher") if n in fields), None)
    if venue is not None and (published := text(venue)):
        item["publisher"] = published
        lines["publisher"] = where[venue]
    date = _date(fields, where, entry.key, found)
    if date is not None:
        item["releaseDate"] = date
        lines["releaseDate"] = where["year"]
    for source in ("doi", "url"):
        value = fields.get(source)
        if value is not None and str(value.value).strip():
            raw = _SPACE.sub("", str(value.value))
            item["url"] = "https://doi.org/" + _DOI_PREFIX.sub("", raw) if source == "doi" else raw
            lines["url"] = where[source]
            break
    if "author" in fields:
        item["authors"] = authors(str(fields["author"].value), where["author"], entry.key, found)
        lines["authors"] = where["author"]
    keywords = text("keywords")
    if keywords:
        item["tags"] = [k.strip() for k in re.split(r"[,;]", keywords) if k.strip()]
        lines["tags"] = where["keywords"]
    return item, lines


def _date(
    fields: dict[str, Any], where: dict[str, Location], key: str, found: Warnings
) -> str | None:
    year = fields.get("year")
    if year is None:
        return None
    written = str(year.value).strip()
    month = fields.get("month")
    if month is None:
        return written
    name = str(month.value).strip().strip(".").lower()
    number = int(name) if name.isdigit() else MONTHS.get(name, 0)
    if not 1 <= number <= 12:
        found.add(
            Problem(
                f"entry {key!r}: month {month.value!r} is not a month; the year alone is printed",
                location=where["month"],
                hint="write the month as a number (9), or as sep or September",
            )
        )
        return written
    return f"{written}-{number:02d}"


def authors(value: str, where: Location, key: str, found: Warnings) -> list[str]:
    """BibTeX's ``A and B and others`` as display names (``others`` -> ``et al.``)."""
    out: list[str] = []
    for person in split_multiple_persons_names(value):
        if person.strip().lower() == "others":
            out.append("et al.")
            continue
        parts = parse_single_name_into_parts(person)
        name = " ".join([*parts.first, *parts.von, *parts.last])
        if parts.jr:
            name += ", " + " ".join(parts.jr)
        out.append(to_text(name, where, f"{key}.author", found))
    return out


def to_text(value: str, where: Location, what: str, found: Warnings) -> str:
    """BibTeX's LaTeX as Unicode text; LaTeX that is not text prints as written (a warning)."""
    written = _SPACE.sub(" ", value).strip()
    reason = _not_text(written)
    if reason is None:
        try:
            return _SPACE.sub(" ", _converter().latex_to_text(written)).strip()
        except Exception:  # a converter bug met on hostile input: print it as written
            reason = "pylatexenc cannot convert it"
    found.add(
        Problem(
            f"{what}: {reason}, so it is printed as written, not converted",
            location=where,
            hint="BibTeX files hold text; LaTeX in them is never run",
        )
    )
    return written


def _not_text(value: str) -> str | None:
    """Why ``value`` does not convert to text (None when it does)."""
    if "\\" not in value and not re.search(r"[%&$]", value):
        return None
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth > MAX_DEPTH:
            return f"its braces nest deeper than {MAX_DEPTH}"
    try:
        nodes, _, _ = latexwalker.LatexWalker(value, tolerant_parsing=False).get_latex_nodes()
    except latexwalker.LatexWalkerError:
        return "it is not well-formed LaTeX"
    return _first_not_text(nodes)


def _first_not_text(nodes: Iterable[Any]) -> str | None:
    known = _known_macros()
    for node in nodes:
        if node is None:
            continue
        if node.isNodeType(latexwalker.LatexCommentNode):
            return "it holds a % comment"
        if node.isNodeType(latexwalker.LatexEnvironmentNode):
            return f"it holds the environment {node.environmentname}"
        if node.isNodeType(latexwalker.LatexSpecialsNode) and node.specials_chars == "&":
            return "it holds an alignment &"
        if node.isNodeType(latexwalker.LatexMathNode) and node.displaytype == "display":
            return "it holds display math"
        if node.isNodeType(latexwalker.LatexMacroNode):
            name = node.macroname
            if name in _NOT_TEXT or not known(name):
                return f"it holds the command \\{name}"
            arguments = node.nodeargd.argnlist if node.nodeargd else []
            reason = _first_not_text(arguments)
            if reason:
                return reason
        children = getattr(node, "nodelist", None)
        if children:
            reason = _first_not_text(children)
            if reason:
                return reason
    return None


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    return LatexNodes2Text()


@lru_cache(maxsize=1)
def _known_macros() -> Any:
    database = get_default_latex_context_db()
    return lambda name: database.get_macro_spec(name) is not None


def merge(
    data: dict[str, Any], source: SourceMap, bibliography: Bibliography
) -> tuple[dict[str, Any], SourceMap]:
    """``data`` with the bibliography's entries added to ``publications``, newest first.

    The source map follows: a hand-written entry keeps its lines in the data
    file, an imported one points at its ``.bib`` lines.
    """
    written = data.get("publications") or []
    if not isinstance(written, list):
        return data, source  # the model reports the wrong type, at its line
    merged: list[tuple[dict[str, Any], int | None, dict[str, Location] | None]] = [
        (item, index, None) for index, item in enumerate(written)
    ]
    merged += [
        (item, None, lines)
        for item, lines in zip(bibliography.entries, bibliography.lines, strict=True)
    ]
    order = sorted(range(len(merged)), key=lambda i: _newest_first(merged[i][0], i))
    keys = {k: v for k, v in source.keys.items() if k[:1] != ("publications",)}
    values = {k: v for k, v in source.values.items() if k[:1] != ("publications",)}
    for new, old in enumerate(order):
        _, index, lines = merged[old]
        if index is not None:
            for table, into in ((source.keys, keys), (source.values, values)):
                for path, loc in table.items():
                    if path[:2] == ("publications", index):
                        into[("publications", new, *path[2:])] = loc
        elif lines is not None:
            for name, loc in lines.items():
                at: PathKey = ("publications", new, name) if name else ("publications", new)
                keys[at] = loc
                values[at] = loc
    publications = [merged[i][0] for i in order]
    return {**data, "publications": publications}, SourceMap(source.file, keys, values)


def _newest_first(item: Any, position: int) -> tuple[int, int, int, int, int]:
    """Sort key: dated entries newest first, then undated ones, each in their order."""
    raw = item.get("releaseDate", item.get("release_date")) if isinstance(item, dict) else None
    match = _DATE.match(str(raw).strip()) if raw is not None else None
    if match is None:
        return (1, 0, 0, 0, position)
    year, month, day = (int(g) if g else 0 for g in match.groups())
    return (0, -year, -month, -day, position)
