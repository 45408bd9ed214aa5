"""The template's look outside TeX: font families, accent colour, paper, size.

A template names its font families for HTML and Word in its
``template.yaml`` (``fonts: {body: [...], headings: [...]}``, best first, a
CSS generic family last), because TeX names fonts by package or file and a
browser or Word needs family names with fallbacks for readers who lack the
TeX Gyre fonts. The accent colour is the variant's, darkened when needed so
that text in it stays readable (WCAG AA: contrast at least 4.5:1 on white).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..data.model import base_language
from ..data.variants import Variant
from ..errors import InputError, Location
from ..tex import templates

#: WCAG 2 AA for body-size text.
MIN_CONTRAST = 4.5
BACKGROUND = "FFFFFF"
#: Body text and secondary text (dates, places): both well above MIN_CONTRAST.
INK = "1A1A1A"
MUTED = "4A4A4A"
GENERIC = frozenset({"serif", "sans-serif", "monospace", "system-ui", "cursive"})
#: A family name that needs no quoting in CSS and no escaping in XML or HTML.
_FAMILY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*( [A-Za-z][A-Za-z0-9_-]*)*$")
_DEFAULT = ("Latin Modern Roman", "Georgia", "serif")
#: Languages written right to left.
_RTL = frozenset({"ar", "dv", "fa", "he", "ku", "ps", "sd", "ug", "ur", "yi"})


@dataclass(frozen=True, slots=True)
class Look:
    body: tuple[str, ...]
    headings: tuple[str, ...]
    #: Six hex digits, readable on white.
    accent: str
    #: The variant's accent when it had to be darkened to be readable, else None.
    darkened_from: str | None
    paper: str
    font_size: int


def look(variant: Variant, extra: Iterable[Path] = ()) -> Look:
    """The look of ``variant``: its template's fonts (``extra``: more template folders)."""
    fonts, where = templates.fonts(variant.template, extra)
    fonts = fonts or {}
    if not isinstance(fonts, dict):
        raise InputError(
            "must be a mapping (body: [...], headings: [...])",
            location=where,
            field_path="fonts",
            hint="for example: fonts: {body: [TeX Gyre Pagella, Palatino, serif]}",
        )
    body = _families(fonts.get("body") or _DEFAULT, "fonts.body", where)
    headings = (
        _families(fonts["headings"], "fonts.headings", where) if "headings" in fonts else body
    )
    accent = readable(variant.accent)
    return Look(
        body=body,
        headings=headings,
        accent=accent,
        darkened_from=variant.accent if accent != variant.accent else None,
        paper=variant.paper,
        font_size=variant.font_size,
    )


def _families(value: Any, path: str, where: Location | None) -> tuple[str, ...]:
    names = tuple(str(v) for v in value) if isinstance(value, list) else ()
    if not names or not all(_FAMILY.match(n) for n in names) or names[-1] not in GENERIC:
        raise InputError(
            f"is not a list of font families ending in a generic family: {value!r}",
            location=where,
            field_path=path,
            hint="family names of letters, digits, spaces, '-' and '_', the last one of "
            + ", ".join(sorted(GENERIC)),
        )
    return names


def css_families(families: Iterable[str]) -> str:
    """A CSS ``font-family`` value; names need no quotes (see ``_FAMILY``)."""
    return ", ".join(families)


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of six hex digits."""

    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str = BACKGROUND) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(colour: str) -> str:
    """``colour``, darkened step by step (hue kept) until it reaches MIN_CONTRAST on white."""
    while contrast(colour) < MIN_CONTRAST:
        colour = "".join(f"{int(int(colour[i : i + 2], 16) * 0.9):02X}" for i in (0, 2, 4))
    return colour


def right_to_left(locale: str) -> bool:
    """Is ``locale``'s language written right to left (the page's and document's direction)?"""
    return base_language(locale) in _RTL
