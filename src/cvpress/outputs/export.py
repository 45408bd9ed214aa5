"""Write the data back out: JSON Resume, Markdown, plain text.

JSON Resume is the ecosystem's exchange format, so ``jsonresume`` writes a
document that validates against the published v1.0.0 schema. Decisions that
make that possible (documented in the README, "JSON Resume"):

- highlights are written back as plain strings (their ``tags`` are dropped);
- ``tags`` are dropped everywhere: they only drive cvpress's selection, and a
  variant's selection has already been applied when ``--variant`` is given;
- ``custom`` sections go to ``meta.cvpress.custom`` (JSON Resume forbids new
  top-level keys); reading such a file back restores them (see
  ``model.Resume``), so cvpress → JSON Resume → cvpress keeps everything but tags;
- unknown keys inside entries are kept where they are (JSON Resume allows
  them); unknown top-level keys move to ``meta.cvpress.extra``;
- free text keeps its inline Markdown source, which JSON Resume themes render.

Markdown and text are for pasting into web forms: they show exactly what the
PDF of the same variant shows (same :func:`select.apply`, same section order,
same localized dates and headings).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from ..data import languages, select
from ..data.model import SECTIONS, CustomSection, Resume
from ..data.variants import Variant
from ..errors import InputError, Problem, Warnings
from ..tex import i18n
from ..tex.markdown import plain_markdown
from ..tex.texify import display_url

FORMATS = ("jsonresume", "markdown", "text")
JSONRESUME_SCHEMA = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
#: Top-level keys of JSON Resume v1.0.0 (its schema forbids any other).
_TOP_LEVEL = frozenset({"$schema", "basics", *SECTIONS[1:], "meta"})


def export(
    resume: Resume, fmt: str, variant: Variant | None = None, notes: list[Problem] | None = None
) -> str:
    """``resume`` in ``fmt``; with a variant, only what that variant's PDF shows.

    Text written in several languages is exported in the variant's language
    (missing translations are added to ``notes``), or without a variant in
    the document's default language: JSON Resume has one string per field.
    """
    order: tuple[str, ...] = ("summary", *SECTIONS[1:], *(s.key for s in resume.custom))
    if variant is not None:
        resume, order = select.apply(resume, variant, notes)
        locale = variant.locale
    else:
        locale = languages.default_locale(resume) or "en"
        resume, _ = languages.resolve(resume, locale, locale)
    if fmt == "jsonresume":
        return json.dumps(to_jsonresume(resume, order), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _Plain(resume, locale, markdown=True).render(order)
    if fmt == "text":
        return _Plain(resume, locale, markdown=False).render(order)
    raise ValueError(f"unknown export format {fmt!r}")


# ------------------------------------------------------------------- JSON Resume


def to_jsonresume(resume: Resume, order: tuple[str, ...] | None = None) -> dict[str, Any]:
    """A JSON Resume v1.0.0 document (a plain dict) of ``resume``."""
    data = _strip(resume.model_dump(mode="json", by_alias=True, exclude_none=True))
    shown = set(order) if order is not None else None
    out: dict[str, Any] = {"$schema": data.pop("$schema", JSONRESUME_SCHEMA)}
    meta: dict[str, Any] = dict(data.pop("meta", None) or {})
    cvpress_meta: dict[str, Any] = dict(meta.pop("cvpress", None) or {})
    custom = data.pop("custom", [])
    if shown is not None:
        custom = [c for c, model in zip(custom, resume.custom, strict=True) if model.key in shown]
    for key, value in data.items():
        if key == "basics":
            if shown is not None and "summary" not in shown:
                value.pop("summary", None)
            out[key] = value
        elif key in _TOP_LEVEL:
            if value and (shown is None or key in shown):
                out[key] = value
        else:
            cvpress_meta.setdefault("extra", {})[key] = value
    if custom:
        cvpress_meta["custom"] = custom
    if cvpress_meta:
        meta["cvpress"] = cvpress_meta
    if meta:
        out["meta"] = meta
    return out


def _strip(value: Any) -> Any:
    """Drop ``tags`` and empty values; bullets ``{text}`` become plain strings."""
    if isinstance(value, dict):
        if set(value) <= {"text", "tags"} and isinstance(value.get("text"), str):
            return value["text"]
        out = {}
        for key, item in value.items():
            if key == "tags":
                continue
            item = _strip(item)
            if item in (None, [], {}, ""):
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


# --------------------------------------------------------------- Markdown / text


class _Plain:
    """One renderer for both plain formats: they differ only in markup."""

    def __init__(self, resume: Resume, locale: str, *, markdown: bool) -> None:
        self.cv = resume
        self.locale = locale
        self.md = markdown
        self.words = i18n.words(locale)
        self.lines: list[str] = []

    # -- building blocks
    def text(self, value: str | None) -> str:
        """Free text: Markdown keeps its markup, plain text loses it."""
        if not value:
            return ""
        return value if self.md else plain_markdown(value)

    def heading(self, title: str, level: int) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        if self.md:
            self.lines.append(f"{'#' * level} {title}")
        else:
            self.lines.append(title.upper() if level == 2 else title)
            if level <= 2:
                self.lines.append(("=" if level == 1 else "-") * len(title))
        self.lines.append("")

    def para(self, value: str | None) -> None:
        if value:
            self.lines.append(value)

    def bullets(self, items: Any) -> None:
        for item in items:
            text = item.text if hasattr(item, "text") else str(item)
            self.lines.append(f"- {self.text(text)}" if self.md else f"  • {self.text(text)}")

    def dates(self, entry: Any) -> str:
        return i18n.date_range(
            getattr(entry, "start_date", None), getattr(entry, "end_date", None), self.locale
        )

    def link(self, url: str | None) -> str:
        if not url:
            return ""
        shown = display_url(url)
        return f"[{shown}]({url})" if self.md else shown

    def entry(self, title: str, *details: str | None) -> None:
        self.heading(" — ".join(p for p in (title, *details) if p) or "—", 3)

    # -- document
    def render(self, order: tuple[str, ...]) -> str:
        basics = self.cv.basics
        if basics.name:  # JSON Resume requires no name
            self.heading(basics.name, 1)
        self.para(basics.label)
        contacts: list[str] = []
        if basics.location is not None:
            place = ", ".join(p for p in (basics.location.city, basics.location.region) if p)
            if place:
                contacts.append(place)
        for value in (basics.email, basics.phone):
            if value:
                contacts.append(value)
        if basics.url:
            contacts.append(self.link(basics.url))
        for profile in basics.profiles:
            if profile.url:
                contacts.append(self.link(profile.url))
            elif profile.network and profile.username:
                contacts.append(f"{profile.network}: {profile.username}")
        if contacts:
            self.para(" · ".join(contacts))
        custom = {s.key: s for s in self.cv.custom}
        for name in order:
            if name == "summary":
                if basics.summary:
                    self.heading(self.words.get("summary", "Summary"), 2)
                    self.para(self.text(basics.summary))
            elif name in custom:
                self.custom(custom[name])
            elif name in SECTIONS and getattr(self.cv, name):
                self.heading(self.words.get(name, name.title()), 2)
                self._SECTION[name](self)
        return "\n".join(self.lines).rstrip() + "\n"

    def work(self) -> None:
        for e in self.cv.work:
            self.entry(e.position or e.name or "", e.name if e.position else None, self.dates(e))
            self.para(e.location)
            self.para(self.text(e.summary))
            self.para(self.text(e.description))
            self.bullets(e.highlights)

    def volunteer(self) -> None:
        for e in self.cv.volunteer:
            self.entry(
                e.position or e.organization or "",
                e.organization if e.position else None,
                self.dates(e),
            )
            self.para(self.text(e.summary))
            self.bullets(e.highlights)

    def education(self) -> None:
        for e in self.cv.education:
            degree = ", ".join(p for p in (e.study_type, e.area) if p)
            self.entry(e.institution or "", degree, self.dates(e))
            self.para(e.score)
            if e.courses:
                self.para(f"{self.words.get('courses', 'Courses')}: {', '.join(e.courses)}")
            self.para(self.text(e.summary))
            self.bullets(e.highlights)

    def projects(self) -> None:
        for e in self.cv.projects:
            self.entry(e.name or "", ", ".join(e.roles) or None, self.dates(e))
            self.para(self.text(e.description))
            self.bullets(e.highlights)
            if e.keywords:
                self.para(", ".join(e.keywords))
            self.para(self.link(e.url))

    def publications(self) -> None:
        for e in self.cv.publications:
            date = i18n.format_date(e.release_date, self.locale) if e.release_date else None
            self.entry(e.name or "", e.publisher, date)
            self.para(self.text(e.summary))
            self.para(self.link(e.url))

    def awards(self) -> None:
        for e in self.cv.awards:
            date = i18n.format_date(e.date, self.locale) if e.date else None
            self.entry(e.title or "", e.awarder, date)
            self.para(self.text(e.summary))

    def certificates(self) -> None:
        for e in self.cv.certificates:
            date = i18n.format_date(e.date, self.locale) if e.date else None
            self.entry(e.name or "", e.issuer, date)
            self.para(self.link(e.url))

    def skills(self) -> None:
        for e in self.cv.skills:
            level = f" ({e.level})" if e.level else ""
            label = f"**{e.name}**" if self.md and e.name else e.name
            self.lines.append(
                f"- {label}: {', '.join(e.keywords)}{level}"
                if label
                else f"- {', '.join(e.keywords)}"
            )

    def languages(self) -> None:
        for e in self.cv.languages:
            self.lines.append(f"- {e.language}" + (f" ({e.fluency})" if e.fluency else ""))

    def interests(self) -> None:
        for e in self.cv.interests:
            keywords = f": {', '.join(e.keywords)}" if e.keywords else ""
            self.lines.append(f"- {e.name or ''}{keywords}")

    def references(self) -> None:
        for e in self.cv.references:
            self.para(f"{self.text(e.reference)} — {e.name}" if e.name else self.text(e.reference))
            self.lines.append("")

    def custom(self, section: CustomSection) -> None:
        if not section.entries:
            return
        self.heading(section.title, 2)
        for e in section.entries:
            self.entry(e.title or "", e.subtitle, self.dates(e))
            self.para(e.location)
            self.para(self.text(e.summary))
            self.bullets(e.highlights)
            self.para(self.link(e.url))

    _SECTION: ClassVar[dict[str, Callable[[_Plain], None]]] = {
        "work": work,
        "volunteer": volunteer,
        "education": education,
        "projects": projects,
        "publications": publications,
        "awards": awards,
        "certificates": certificates,
        "skills": skills,
        "languages": languages,
        "interests": interests,
        "references": references,
    }


# ------------------------------------------------------------------ entry point


def export_file(
    fmt: str,
    *,
    variant_name: str | None = None,
    variants_file: Path = Path("data/variants.yaml"),
    data: Path | None = None,
    warnings: Warnings | None = None,
    private: bool = True,
) -> str:
    """What ``cvpress export`` prints: the data file (or a variant's) in ``fmt``.

    With a variant, what its PDF is made of: its data file (``data``
    overrides it) with its ``private.yaml`` merged (unless ``private`` is
    off, as ``build --no-private``) and its ``bibliography``, then its
    selection. Without one, the whole data file as written (``data`` or
    ``data/resume.yaml``).
    """
    from ..data import load, validate

    variant: Variant | None = None
    inside = None  # a data file named by the variants file is quoted only inside its folder
    if variant_name is not None:
        by_name = {v.name: v for v in validate.variants(variants_file)}
        if variant_name not in by_name:
            raise InputError(
                f"no variant named {variant_name!r} in {variants_file}",
                field_path="variants",
                hint="variants: " + ", ".join(by_name),
            )
        variant = by_name[variant_name]
        if data is None:
            data = variants_file.parent / variant.data
            inside = variants_file.parent
    if data is None:
        data = Path("data/resume.yaml")
    if variant is not None and not variant.letter:
        # What the variant's PDF is made of: private.yaml over the data, its .bib.
        from ..pipeline import sources, targets

        read_from = sources.of(
            targets.Target(variant, data.resolve(), variants_file),
            targets.Options(private=private),
        )
        document = sources.read(read_from, warnings if warnings is not None else Warnings())
        resume, source = document.resume, document.source
    else:
        loaded = load.load(data, inside=inside)
        resume, source = validate.resume(loaded, warnings), loaded.source
    if variant is not None and variant.letter:
        # The letter's sender block in the variant's language, like its PDF.
        shown, _ = languages.resolve(resume, variant.locale)
        return _letter(fmt, variant, variants_file.parent / variant.letter, data, shown, warnings)
    if variant is not None:
        select.require_known_sections(resume, variant)
    notes: list[Problem] = []
    text = export(resume, fmt, variant, notes)
    if warnings is not None and variant is not None:
        from ..data.fields import locate_field

        for note in notes:
            assert note.field_path is not None
            shown_path = note.field_path
            note.field_path = select.source_path(resume, variant, shown_path)
            note.message = note.message.replace(shown_path, note.field_path)
            note.location = locate_field(source, note.field_path)
            warnings.add(note)
    return text


def _letter(
    fmt: str,
    variant: Variant,
    path: Path,
    data: Path,
    resume: Resume,
    warnings: Warnings | None,
) -> str:
    """A letter variant's letter as Markdown or text, dated like its PDF."""
    import datetime

    from ..data import letter
    from ..data.dates import PartialDate
    from ..pipeline.dates import source_epoch
    from .letter_text import FORMATS, letter_text

    if fmt not in FORMATS:
        raise InputError(
            f"variant {variant.name!r} is a letter: it exports as markdown or text, not {fmt}",
            field_path=f"variants.{variant.name}.letter",
            hint="pass --format markdown or --format text",
        )
    loaded = letter.load(path, warnings)
    day = datetime.datetime.fromtimestamp(source_epoch(data, path), tz=datetime.UTC).date()
    return letter_text(
        loaded.letter,
        resume.basics,
        locale=variant.locale,
        today=PartialDate(day.year, day.month, day.day),
        markdown=fmt == "markdown",
    )
