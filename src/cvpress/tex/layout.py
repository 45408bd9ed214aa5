"""The layout knobs a build may turn: what fitting changes, and forced page breaks.

Templates never see these as options of their own: ``latex/_base`` applies
them through LaTeX's own commands (``\\vspace``, ``\\addvspace``, the size
commands, geometry), after the precompiled-preamble boundary, so every
template honours them and every fitting candidate reuses one format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Layout:
    """How one build lays out its pages (the default changes nothing)."""

    #: Vertical spacing, per mille of the template's.
    spacing: int = 1000
    #: Every size command (body text, headings), per mille of the template's.
    font_scale: int = 1000
    #: Millimetres taken off each page margin (never below ``margin_floor``).
    margin_cut: int = 0
    margin_floor: int = 15
    #: Log how full the pages are (``cvpress-fit:`` lines), for fitting.
    measure: bool = False
    #: Sections to start on a new page.
    break_sections: frozenset[str] = frozenset()
    #: Entries (of the selected résumé) to start on a new page.
    break_entries: tuple[Any, ...] = ()

    def breaks_before(self, entry: Any) -> bool:
        """This very entry object starts a new page (entries compare by identity)."""
        return any(entry is e for e in self.break_entries)
