"""The selected résumé read as headed sections of entries: what HTML and Word lay out.

The LaTeX templates lay out each section in Jinja macros over LaTeX macros;
the HTML and Word writers share this one reading instead, so the two agree on
what each section prints and in what order, and a field added here reaches
both. It mirrors ``latex/_base/sections.tex.j2`` field for field, because the
read-back check (:func:`cvpress.check.require_fields`) holds every output to
the same list of visible fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ..data.dates import PartialDate
from ..data.model import Resume
from ..data.variants import Variant
from ..tex import i18n
from ..tex.render import group_work, language_with_fluency, printable, section_order
from ..tex.texify import display_url


@dataclass(frozen=True, slots=True)
class Md:
    """Free text written in inline Markdown (a summary, a bullet): writers format it."""

    text: str


#: Plain text (printed as it is) or inline Markdown.
Text = str | Md
#: One end of a date range: the date (None for "present") and how it reads.
DatePart = tuple[PartialDate | None, str]


@dataclass(frozen=True, slots=True)
class Contact:
    """One item of the contact line: "GitHub: github.com/ada" links to the profile."""

    text: str
    url: str | None = None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """A job, a degree, a project: a heading line, then details and bullets."""

    title: str | None
    url: str | None = None
    place: str | None = None
    subtitle: str | None = None
    dates: tuple[DatePart, ...] = ()
    details: tuple[Text, ...] = ()
    bullets: tuple[Md, ...] = ()
    #: Positions held one after another at the organisation this entry names.
    roles: tuple[Entry, ...] = ()


@dataclass(frozen=True, slots=True)
class Item:
    """A labelled line: "Languages: Python, Go", or a quote and who said it."""

    label: str | None
    text: Text


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    heading: str
    kind: Literal["paragraph", "entries", "items", "quotes"]
    paragraph: Md | None = None
    entries: tuple[Entry, ...] = ()
    items: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    label: str | None
    title: str
    keywords: tuple[str, ...]
    contacts: tuple[Contact, ...]
    sections: tuple[Section, ...]


def layout(resume: Resume, variant: Variant, order: tuple[str, ...] | None) -> Layout:
    """``resume`` (already selected for ``variant``) as the sections ``order`` lists."""
    words = i18n.words(variant.locale)
    resume = _printable(resume)
    basics = resume.basics
    sections = tuple(
        _section(resume, name, words, variant.locale) for name in section_order(resume, order)
    )
    return Layout(
        name=basics.name or "",  # JSON Resume requires no name
        label=basics.label,
        title=variant.title
        or " – ".join(p for p in (basics.name, basics.label or words["cv"]) if p),
        keywords=tuple(k for skill in resume.skills for k in skill.keywords),
        contacts=_contacts(resume),
        sections=sections,
    )


def _join(parts: Iterable[str | None], separator: str = ", ") -> str:
    return separator.join(p for p in parts if p)


def _contacts(resume: Resume) -> tuple[Contact, ...]:
    basics = resume.basics
    out: list[Contact] = []
    where = basics.location
    if where and (where.address or where.city or where.region):
        out.append(Contact(_join([where.address, where.city, where.region, where.country_code])))
    if basics.email:
        out.append(Contact(basics.email, f"mailto:{basics.email}"))
    if basics.phone:
        out.append(Contact(basics.phone, "tel:" + basics.phone.replace(" ", "")))
    if basics.url:
        out.append(Contact(display_url(basics.url), basics.url))
    for p in basics.profiles:  # as the PDF: "network: username" linked, else the URL
        if p.username:
            out.append(Contact(_join([p.network, p.username], ": "), p.url))
        elif p.url:
            out.append(Contact(display_url(p.url), p.url, p.network))
        elif p.network:
            out.append(Contact(p.network))
    return tuple(out)


def _printable(resume: Resume) -> Resume:
    """``resume`` without the entries that hold nothing to print, as the PDF's templates
    leave them out (:func:`cvpress.tex.render.printable`)."""
    from ..data.model import SECTIONS

    update: dict[str, Any] = {
        name: tuple(printable(getattr(resume, name))) for name in SECTIONS if name != "summary"
    }
    update["custom"] = tuple(
        c.model_copy(update={"entries": tuple(printable(c.entries))}) for c in resume.custom
    )
    update["basics"] = resume.basics.model_copy(
        update={"profiles": tuple(printable(resume.basics.profiles))}
    )
    return resume.model_copy(update=update)


def _md(*texts: str | None) -> tuple[Md, ...]:
    return tuple(Md(t) for t in texts if t)


def _bullets(entry: Any) -> tuple[Md, ...]:
    return _md(*(b.text for b in entry.highlights))


def _span(entry: Any, locale: str) -> tuple[DatePart, ...]:
    return i18n.date_parts(entry.start_date, entry.end_date, locale)


def _on(date: PartialDate | None, locale: str) -> tuple[DatePart, ...]:
    return i18n.date_parts(date, None, locale, ongoing=False)


def _work(resume: Resume, locale: str, words: dict[str, str]) -> tuple[Entry, ...]:
    """Jobs; consecutive roles at one organisation under one heading, as the PDF has them."""
    entries: list[Entry] = []
    for group in group_work(resume.work):
        if len(group.roles) > 1:
            roles = tuple(
                Entry(
                    e.position,
                    None,
                    None,
                    None,
                    _span(e, locale),
                    _md(e.summary, e.description),
                    _bullets(e),
                )
                for e in group.roles
            )
            entries.append(Entry(group.name, group.url, group.location, roles=roles))
            continue
        (e,) = group.roles
        title, url, subtitle = (e.name, e.url, e.position) if e.name else (e.position, None, None)
        entries.append(
            Entry(
                title,
                url,
                e.location,
                subtitle,
                _span(e, locale),
                _md(e.summary, e.description),
                _bullets(e),
            )
        )
    return tuple(entries)


def _volunteer(resume: Resume, locale: str, words: dict[str, str]) -> tuple[Entry, ...]:
    return tuple(
        Entry(
            e.organization or e.position,
            e.url if e.organization else None,
            e.location,
            e.position if e.organization else None,
            _span(e, locale),
            _md(e.summary),
            _bullets(e),
        )
        for e in resume.volunteer
    )


def _education(resume: Resume, locale: str, words: dict[str, str]) -> tuple[Entry, ...]:
    return tuple(
        Entry(
            e.institution,
            e.url,
            e.location,
            _join([e.study_type, e.area, e.score]),
            _span(e, locale),
            (
                *((f"{words['courses']}: {_join(e.courses)}",) if e.courses else ()),
                *_md(e.summary),
            ),
            _bullets(e),
        )
        for e in resume.education
    )


def _projects(resume: Resume, locale: str, words: dict[str, str]) -> tuple[Entry, ...]:
    return tuple(
        Entry(
            e.name,
            e.url,
            e.type,
            _join([e.entity, _join(e.roles)]),
            _span(e, locale),
            (*_md(e.description), *((_join(e.keywords),) if e.keywords else ())),
            _bullets(e),
        )
        for e in resume.projects
    )


def _publications(resume: Resume, locale: str, words: dict[str, str]) -> tuple[Entry, ...]:
    return tuple(
        Entry(e.name, e.url, None, e.publisher, _on(e.release_date, locale), _md(e.summary))
        for e in resume.publications
    )


def _awards(resume: Resume, locale: str, words: dict[str, str]) -> tuple[Entry, ...]:
    return tuple(
        Entry(e.title, None, None, e.awarder, _on(e.date, locale), _md(e.summary))
        for e in resume.awards
    )


def _certificates(resume: Resume, locale: str, words: dict[str, str]) -> tuple[Entry, ...]:
    return tuple(
        Entry(e.name, e.url, None, e.issuer, _on(e.date, locale)) for e in resume.certificates
    )


def _skills(resume: Resume) -> tuple[Item, ...]:
    return tuple(
        Item(e.name, _join(e.keywords) + (f" ({e.level})" if e.level else ""))
        for e in resume.skills
    )


def _languages(resume: Resume) -> tuple[Item, ...]:
    return tuple(Item(None, language_with_fluency(e)) for e in resume.languages)


def _interests(resume: Resume) -> tuple[Item, ...]:
    return tuple(
        Item(e.name, _join(e.keywords)) if e.keywords else Item(None, e.name or "")
        for e in resume.interests
    )


_ENTRIES: dict[str, Callable[[Resume, str, dict[str, str]], tuple[Entry, ...]]] = {
    "work": _work,
    "volunteer": _volunteer,
    "education": _education,
    "projects": _projects,
    "publications": _publications,
    "awards": _awards,
    "certificates": _certificates,
}
_ITEMS: dict[str, Callable[[Resume], tuple[Item, ...]]] = {
    "skills": _skills,
    "languages": _languages,
    "interests": _interests,
}


def _section(resume: Resume, name: str, words: dict[str, str], locale: str) -> Section:
    heading = words.get(name, "")
    if name == "summary":
        return Section(name, heading, "paragraph", paragraph=Md(resume.basics.summary or ""))
    if name in _ENTRIES:
        return Section(name, heading, "entries", entries=_ENTRIES[name](resume, locale, words))
    if name in _ITEMS:
        return Section(name, heading, "items", items=_ITEMS[name](resume))
    if name == "references":
        quotes = tuple(Item(e.name, Md(e.reference or "")) for e in resume.references)
        return Section(name, heading, "quotes", items=quotes)
    custom = next(s for s in resume.custom if s.key == name)
    entries = tuple(
        Entry(
            e.title,
            e.url,
            e.location,
            e.subtitle,
            _span(e, locale),
            _md(e.summary),
            _bullets(e),
        )
        for e in custom.entries
    )
    return Section(name, custom.title, "entries", entries=entries)
