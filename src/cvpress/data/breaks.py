"""``page_break_before``: which sections and entries start a new page.

A name is a section (``education``, a custom section's key) or one entry of
it by its index in the data file as written (``work[3]``, ``talks[0]``, or
``custom[0].entries[1]``), the way errors name entries. Selection may drop or
renumber entries, so a name is mapped to the entry the variant shows; an
entry the variant does not show breaks nothing. A name that matches nothing
in the data is an error at its line of the variants file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Problem
from .load import format_path, parse_path
from .model import SECTIONS, Resume
from .variants import Variant

#: Sections whose entries may each start a page (``summary`` and ``languages`` are one block).
_ENTRY_SECTIONS = tuple(s for s in SECTIONS if s not in ("summary", "languages"))


@dataclass(frozen=True, slots=True)
class Target:
    """One parsed name: a whole section, or entry ``index`` (data numbering) of it."""

    section: str
    index: int | None = None
    #: For a custom section, its position in ``custom``.
    custom: int | None = None


def parse(name: str, resume: Resume) -> Target | str:
    """The target ``name`` means in ``resume``, or why it means nothing (a hint)."""
    keys = [s.key for s in resume.custom]
    known = [*SECTIONS, *keys]
    path = parse_path(name)
    if len(path) == 4 and path[0] == "custom" and path[2] == "entries":
        which, index = path[1], path[3]
        assert isinstance(which, int) and isinstance(index, int)
        if which >= len(resume.custom):
            return f"the data has {len(resume.custom)} custom sections"
        return _entry(keys[which], index, len(resume.custom[which].entries), which)
    if len(path) == 2 and isinstance(path[0], str) and isinstance(path[1], int):
        section, index = path[0], path[1]
        if section in keys:
            which = keys.index(section)
            return _entry(section, index, len(resume.custom[which].entries), which)
        if section in _ENTRY_SECTIONS:
            return _entry(section, index, len(getattr(resume, section)), None)
        return "entries of: " + ", ".join([*_ENTRY_SECTIONS, *keys])
    if name in known:
        return Target(name)
    return "sections: " + ", ".join(known) + "; an entry: work[0]"


def _entry(section: str, index: int, count: int, custom: int | None) -> Target | str:
    if index >= count:
        last = f"{section}[0] to {section}[{count - 1}]" if count else f"no {section} entries"
        return f"the data has {last}"
    return Target(section, index, custom)


def problems(names: Any, path: tuple[str | int, ...], source: Any, resume: Resume) -> list[Problem]:
    """Names in a variant's ``page_break_before`` that match nothing, at their lines."""
    out: list[Problem] = []
    if not isinstance(names, list):
        return out
    for i, name in enumerate(names):
        if not isinstance(name, str):
            continue
        found = parse(name, resume)
        if isinstance(found, str):
            out.append(
                Problem(
                    f"page_break_before names {name!r}, which is not in the data",
                    location=source.locate((*path, i)),
                    field_path=format_path((*path, i)),
                    hint=found,
                )
            )
    return out


def shown(resume: Resume, variant: Variant) -> tuple[frozenset[str], list[tuple[str, int]]]:
    """Sections to break before, and entries as (section, index in the variant's selection).

    Names were checked by :func:`problems`; one that parses to nothing here
    is skipped.
    """
    from . import select

    sections: set[str] = set()
    entries: list[tuple[str, int]] = []
    for name in variant.page_break_before:
        target = parse(name, resume)
        if isinstance(target, str):
            continue
        if target.index is None:
            sections.add(target.section)
            continue
        index = select.shown_index(resume, variant, target.section, target.index)
        if index is not None:
            entries.append((target.section, index))
    return frozenset(sections), entries


def entries(resume: Resume, positions: Sequence[tuple[str, int]]) -> tuple[Any, ...]:
    """The entry objects of ``resume`` (a selection) at ``positions``, for :class:`Layout`."""
    found: list[Any] = []
    custom = {s.key: s for s in resume.custom}
    for section, index in positions:
        items = custom[section].entries if section in custom else getattr(resume, section)
        if index < len(items):
            found.append(items[index])
    return tuple(found)
