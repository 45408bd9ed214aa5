"""What one variant shows: tags, sections, order and limits.

Selection is separate from rendering so that the PDF, the text export and the
text check all agree on exactly the same content: a section the variant does
not list is emptied here (and the summary dropped), so the check never asks
the PDF for text the variant chose to leave out.

Rules, in order:

* ``exclude_tags`` wins: an entry, bullet or custom section carrying any of
  them is dropped.
* ``include_tags``: an item that has tags must share one with the list; an
  untagged item is always kept (tags narrow what was tagged, they never hide
  the untagged basics such as education or languages).
* ``max_items`` keeps the first N entries of a section (after tag filtering),
  ``max_highlights`` the first N bullets of every entry.
* ``sections`` chooses which sections appear and in what order; ``summary``
  is a section like the others.
* Last, text written in several languages becomes the variant's
  ``locale``'s (:mod:`cvpress.data.languages`), so every later stage sees one
  language; a missing translation is a warning about what is shown only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from ..errors import InputError, Problem
from . import breaks, languages
from .load import format_path, parse_path
from .model import SECTIONS, Resume, Tagged
from .variants import Variant

T = TypeVar("T", bound=Tagged)


def keep(tags: Iterable[str], include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    """Keep an item with none of ``exclude`` and (no ``include``, no tags, or a shared tag)."""
    tagset = set(tags)
    if exclude and tagset & set(exclude):
        return False
    return not (include and tagset and not tagset & set(include))


def _kept(items: Sequence[Tagged], variant: Variant, limit: int | None = None) -> list[int]:
    """Indices in ``items`` of what the variant's tags keep, the first ``limit`` of them.

    :func:`apply` selects through it and :func:`source_path` replays it, so
    the two cannot disagree.
    """
    found = [
        i for i, x in enumerate(items) if keep(x.tags, variant.include_tags, variant.exclude_tags)
    ]
    return found[:limit] if limit is not None else found


def _custom_kept(resume: Resume, variant: Variant) -> list[int]:
    """Indices of the custom sections the variant shows (tags, and ``sections`` if given)."""
    shown = variant.sections
    kept = _kept(resume.custom, variant)
    return kept if shown is None else [i for i in kept if resume.custom[i].key in shown]


def _entry(entry: T, variant: Variant) -> T:
    highlights = getattr(entry, "highlights", None)
    if highlights:
        kept = _kept(highlights, variant, variant.max_highlights)
        return entry.model_copy(update={"highlights": tuple(highlights[i] for i in kept)})
    return entry


def _entries(items: Sequence[T], variant: Variant, limit: int | None) -> tuple[T, ...]:
    return tuple(_entry(items[i], variant) for i in _kept(items, variant, limit))


def section_names(resume: Resume) -> list[str]:
    """Every section name a variant may list: the standard ones, then custom keys."""
    return [*SECTIONS, *(s.key for s in resume.custom)]


def apply(
    resume: Resume, variant: Variant, notes: list[Problem] | None = None
) -> tuple[Resume, tuple[str, ...]]:
    """The résumé this variant shows, in its language, and its sections in order.

    Unknown names in ``sections`` or ``max_items`` are caught by
    :func:`require_known_sections` before this runs. Missing translations
    are added to ``notes`` as warnings, with the selected résumé's field paths
    (:func:`source_path` gives the data file's).
    """
    wanted = variant.sections if variant.sections is not None else section_names(resume)
    order = tuple(wanted)
    shown = set(order)
    update: dict[str, Any] = {}
    limits = variant.max_items
    for name in SECTIONS:
        if name != "summary":
            items = getattr(resume, name) if name in shown else ()
            update[name] = _entries(items, variant, limits.get(name))
    update["custom"] = tuple(
        section.model_copy(
            update={"entries": _entries(section.entries, variant, limits.get(section.key))}
        )
        for section in (resume.custom[i] for i in _custom_kept(resume, variant))
    )
    if "summary" not in shown and resume.basics.summary:
        update["basics"] = resume.basics.model_copy(update={"summary": None})
    selected = resume.model_copy(update=update)
    selected, fallbacks = languages.resolve(
        selected, variant.locale, languages.default_locale(resume)
    )
    if notes is not None:
        notes.extend(fallbacks)
    return selected, order


def source_path(resume: Resume, variant: Variant, path: str) -> str:
    """Where the field ``path`` of :func:`apply`'s résumé is in ``resume`` (the data file).

    Selection drops entries and bullets, so ``work[1]`` of what a variant
    shows may be ``work[3]`` of the data; an error found in the selected
    résumé (TeX's, the text check's) is reported at the data's own path and
    line through this. A path it cannot follow is returned unchanged.
    """
    parts: list[str | int] = list(parse_path(path))
    try:
        _remap(resume, variant, parts)
    except (IndexError, AttributeError, TypeError):
        return path
    return format_path(tuple(parts))


def _remap(resume: Resume, variant: Variant, parts: list[str | int]) -> None:
    """Rewrite the indices in ``parts`` (a selected-résumé path) in place."""
    if len(parts) < 2 or not isinstance(parts[1], int):
        return
    section = parts[0]
    if section == "custom":
        parts[1] = _custom_kept(resume, variant)[parts[1]]
        custom = resume.custom[parts[1]]
        if len(parts) < 4 or parts[2] != "entries" or not isinstance(parts[3], int):
            return
        parts[3] = _kept(custom.entries, variant, variant.max_items.get(custom.key))[parts[3]]
        entry: Any = custom.entries[parts[3]]
        rest = 4
    elif isinstance(section, str) and section in SECTIONS:
        entries = getattr(resume, section)
        parts[1] = _kept(entries, variant, variant.max_items.get(section))[parts[1]]
        entry = entries[parts[1]]
        rest = 2
    else:
        return
    if len(parts) > rest + 1 and parts[rest] == "highlights" and isinstance(parts[rest + 1], int):
        index = parts[rest + 1]
        assert isinstance(index, int)
        parts[rest + 1] = _kept(entry.highlights, variant, variant.max_highlights)[index]


def shown_index(resume: Resume, variant: Variant, section: str, index: int) -> int | None:
    """Where entry ``index`` of ``section`` (data numbering) is in the variant's selection.

    None when the variant does not show it. ``section`` is a standard name or
    a custom section's key.
    """
    keys = [s.key for s in resume.custom]
    if section in keys:
        if keys.index(section) not in _custom_kept(resume, variant):
            return None
        items: Sequence[Tagged] = resume.custom[keys.index(section)].entries
    else:
        if variant.sections is not None and section not in variant.sections:
            return None
        items = getattr(resume, section)
    kept = _kept(items, variant, variant.max_items.get(section))
    return kept.index(index) if index in kept else None


def unknown_sections(resume: Resume, variant: Variant) -> list[str]:
    """Names in ``sections``/``max_items`` that match no section (likely typos)."""
    known = set(section_names(resume))
    named = list(variant.sections or ()) + list(variant.max_items)
    return [n for n in named if n not in known]


def require_known_sections(resume: Resume, variant: Variant) -> None:
    """Refuse a variant whose ``sections``/``max_items``/``page_break_before`` name nothing."""
    unknown = unknown_sections(resume, variant)
    if unknown:
        raise InputError(
            f"variant {variant.name!r} names unknown section {unknown[0]!r}",
            field_path=f"variants.{variant.name}.sections",
            hint="sections: " + ", ".join(section_names(resume)),
        )
    for i, name in enumerate(variant.page_break_before):
        found = breaks.parse(name, resume)
        if isinstance(found, str):
            raise InputError(
                f"page_break_before names {name!r}, which is not in the data",
                field_path=f"variants.{variant.name}.page_break_before[{i}]",
                hint=found,
            )
