"""Which characters each engine can print, and the refusal for those it cannot.

pdfLaTeX's measured character tables (printed *and* extracted verbatim), the
math symbols it prints through pylatexenc's table, the Unicode engines' font
checks (:mod:`cvpress.engine.glyphs`), and the fallback fonts LuaLaTeX adds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..engine.catalogue import is_unicode
from ..errors import InputError

__all__ = [
    "LUA_FALLBACK_ROLES",
    "PDFTEX_OK",
    "PDFTEX_SYMBOLS",
    "RTL",
    "UnprintableCharacter",
    "check_printable",
    "extra_fallbacks",
    "lua_fallback_roles",
    "refusal",
]


class UnprintableCharacter(InputError):
    """A character the chosen engine cannot print (e.g. CJK under pdflatex).

    ``char`` is the character, so the build can find the field that holds it
    (a renderer that escapes a joined string does not know the field).
    """

    def __init__(
        self, message: str, *, char: str, field_path: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, field_path=field_path, hint=hint)
        self.char = char


# Characters pdfLaTeX prints *and* a PDF reader extracts as that character,
# with T1/TS1/OMS encodings, utf8 inputenc and glyphtounicode. TeX Live's
# .dfu files offer more (about 350), but 137 of those are built from an accent
# and a base glyph (Ā, Ș, ǧ, ṭ...) or from other glyphs (… as three periods,
# ‐ as "-", ² as "2") and extract as something else, which an applicant
# tracking system then misreads. Measured by compiling every candidate under
# every template's pdfLaTeX fonts (the same 137 fail in each); those are
# refused here, so ``engine: auto`` picks a Unicode engine for them.
# Four more (₦ ₱ ℠ Ω: TS1 glyphs whose names glyphtounicode lacks) read back
# as other characters in PDFium, the build's own reader, and are refused too.
# U+00AD (soft hyphen) is kept: invisible by definition (check ignores it).
# fmt: off
_PDFTEX_RANGES: tuple[tuple[int, int], ...] = (
    (0x20, 0x7E), (160, 177), (180, 184), (186, 255), (258, 263), (268, 271), (273, 273),
    (280, 283), (286, 287), (304, 307), (313, 314), (317, 318), (321, 324), (327, 328),
    (330, 331), (336, 341), (344, 347), (350, 357), (366, 369), (376, 382), (402, 402),
    (567, 567), (711, 711), (728, 729), (731, 731), (733, 733), (8211, 8212), (8214, 8214),
    (8216, 8218), (8220, 8222), (8224, 8226), (8240, 8240), (8249, 8251), (8253, 8253),
    (8260, 8260), (8353, 8353), (8356, 8356), (8361, 8361), (8363, 8364),
    (8451, 8451), (8470, 8470), (8482, 8482),
    (8494, 8494), (8592, 8595), (9001, 9002), (9251, 9251), (9702, 9702), (9834, 9834),
    (12296, 12297), (64256, 64262),
)
# fmt: on
#: Code points above ASCII that pdfLaTeX prints and a PDF reader extracts as themselves.
PDFTEX_OK = frozenset(c for lo, hi in _PDFTEX_RANGES for c in range(lo, hi + 1))

# Symbols pdfLaTeX prints through pylatexenc's Unicode -> LaTeX table (math
# symbols from the Computer Modern / Latin Modern math fonts: ≈ ≤ ≥ ∞ ⇒ ↔ ∀
# ∈ √ ⊕ ...) *and* a reader extracts as the character: measured by compiling
# each of the table's 389 symbols in U+2000-2BFF missing above under every
# template's pdfLaTeX preamble and reading the PDF back with PDFium; these 73
# came back verbatim in all four (tests/test_characters.py checks them). The
# rest (✓ ★ need packages; many extract as other characters) make ``auto``
# choose a Unicode engine.
# fmt: off
_PDFTEX_SYMBOL_RANGES: tuple[tuple[int, int], ...] = (
    (0x2194, 0x2199), (0x21BC, 0x21BD), (0x21C0, 0x21C1), (0x21D0, 0x21D5), (0x2200,
    0x2200), (0x2202, 0x2203), (0x2206, 0x2208), (0x220B, 0x220B), (0x2212, 0x2213),
    (0x2217, 0x2217), (0x221A, 0x221A), (0x221D, 0x221E), (0x2225, 0x2225), (0x2227,
    0x222A), (0x223C, 0x223C), (0x2240, 0x2240), (0x2243, 0x2243), (0x2248, 0x2248),
    (0x224D, 0x224D), (0x2261, 0x2261), (0x2264, 0x2265), (0x226A, 0x226B), (0x227A,
    0x227B), (0x2282, 0x2283), (0x2286, 0x2287), (0x228E, 0x228E), (0x2291, 0x2299),
    (0x22A2, 0x22A5), (0x22C4, 0x22C4), (0x22C6, 0x22C6), (0x2322, 0x2323), (0x25B3,
    0x25B3), (0x25BD, 0x25BD), (0x2A3F, 0x2A3F), (0x2AAF, 0x2AB0),
)
# fmt: on
PDFTEX_SYMBOLS = frozenset(c for lo, hi in _PDFTEX_SYMBOL_RANGES for c in range(lo, hi + 1))
SYMBOL = re.compile("[" + "".join(chr(c) for c in sorted(PDFTEX_SYMBOLS)) + "]")


@lru_cache(maxsize=1)
def symbol_macros() -> dict[str, str]:
    """pylatexenc's LaTeX for each of :data:`PDFTEX_SYMBOLS`, in a group of its own."""
    from pylatexenc.latexencode import get_builtin_uni2latex_dict

    table = get_builtin_uni2latex_dict()
    return {chr(code): "{" + table[code] + "}" for code in PDFTEX_SYMBOLS}


#: Engines built on XeTeX: their PDFs map each glyph to characters one to one,
#: so Devanagari's reordered vowel signs extract out of order (LuaLaTeX's
#: HarfBuzz mode writes ActualText and extracts them verbatim).
XETEX_ENGINES = frozenset({"xelatex", "latexmk:xelatex", "tectonic"})
_INDIC = re.compile(r"[\u0900-\u0dff]")
#: Right-to-left letters (Hebrew, Arabic) and their marks: texify lays each run
#: of them out right to left (\cvrtl). LuaLaTeX's PDFs give such a run back
#: reversed, which the text check refuses: it goes to XeLaTeX.
RTL = "\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufefe"
_RTL_CHAR = re.compile(f"[{RTL}]")
LUATEX_ENGINES = frozenset({"lualatex", "latexmk:lualatex"})
#: The blocks latex/_base's XeLaTeX set-up prints in its one symbol fallback
#: font (\cvfallbacksymbols); LuaLaTeX tries a chain of fonts instead.
_XETEX_SYMBOLS = re.compile(r"[\u2190-\u23ff\u2460-\u27bf\u2900-\u2bff\U0001f300-\U0001f6ff]")
XETEX_SYMBOL_FONT = "DejaVu Sans"
#: Invisible characters: a zero-width space is a break opportunity in every
#: engine; joiners (ZWJ, ZWNJ) shape scripts under Unicode engines and mean
#: nothing to pdfLaTeX's Latin fonts, which get nothing for them.
ZERO_WIDTH = {"\u200b": r"\hspace{0pt}", "\u2060": r"\nobreak{}"}
_JOINERS = re.compile(r"[\u200c\u200d]")


def check_printable(text: str, engine: str, field: str | None = None) -> None:
    """Refuse characters the engine cannot print, naming the field and the fix.

    Under a Unicode engine, a character no installed font has is refused
    before TeX runs (:mod:`cvpress.engine.glyphs`), as is what the engine
    would print but not extract verbatim (Devanagari under XeTeX) or has no
    fallback font for (a symbol its one symbol font lacks): ``engine: auto``
    then tries the next engine.
    """
    if is_unicode(engine):
        _check_unicode(text, engine, field)
        return
    for char in text:
        code = ord(char)
        if code < 0x7F or code in PDFTEX_OK or code in PDFTEX_SYMBOLS:
            continue
        if char in "\n\t" or char in ZERO_WIDTH:
            continue
        if _JOINERS.match(char):
            continue
        _refuse(
            char,
            engine,
            field,
            "set 'engine: xelatex' (or lualatex) for this variant: "
            "it prints any Unicode the fonts have",
        )


#: The fallback families latex/_base names for every template (serif faces;
#: a sans template names the sans ones of the same coverage).
FIXED_FALLBACKS = (
    "Noto Serif",
    "Noto Serif CJK SC",
    "Noto Serif Devanagari",
    "Noto Naskh Arabic",
    "Noto Serif Hebrew",
    "Noto Sans Symbols2",
    "DejaVu Sans",
)
_FAMILY_NAME = re.compile(r"^[A-Za-z0-9 ]+$")
#: The roles of LuaLaTeX's fallback chains, in their order: the template's
#: script and CJK families, then :data:`FIXED_FALLBACKS`' others
#: (``lua_chain`` in latex/_base/document.tex.j2).
_LUA_CHAIN = ("script", "cjk", "devanagari", "arabic", "hebrew", "symbols", "dejavu")
LUA_FALLBACK_ROLES = frozenset(_LUA_CHAIN)


def lua_fallback_roles(text: str, script: str, cjk: str) -> frozenset[str]:
    """The roles of LuaLaTeX's fallback chain that a character of ``text`` falls to.

    luaotfload loads every font a chain names as soon as the first font of
    the document loads, whatever the text: Noto CJK alone is about half of a
    short run. A character the template's fonts lack goes to the first font
    of the chain that has it, so a chain of only those fonts prints every
    glyph as the whole chain does. The script family is always named (a
    chain is never empty); without fontconfig every role is named.
    """
    from ..engine import glyphs

    chain = tuple(zip(_LUA_CHAIN, (script, cjk, *FIXED_FALLBACKS[2:]), strict=True))
    needed = {"script"}
    for char in set(text):
        if _templates_own(char):
            continue
        for role, family in chain:
            has = glyphs.family_has(family, char)
            if has is None:
                return LUA_FALLBACK_ROLES
            if has:
                needed.add(role)
                break
    return frozenset(needed)


def _templates_own(char: str) -> bool:
    """A character every template's own fonts print (Latin, below U+0250) or an invisible one."""
    return ord(char) < 0x250 or char in ZERO_WIDTH or bool(_JOINERS.match(char))


def _fixed_covers(char: str) -> bool:
    from ..engine import glyphs

    return any(glyphs.family_has(family, char) for family in FIXED_FALLBACKS)


def extra_fallbacks(text: str) -> tuple[str, ...]:
    """Installed families LuaLaTeX falls back to for the characters of ``text`` that
    :data:`FIXED_FALLBACKS` lack (Thai, Georgian, Ethiopic...): one each, Noto first.

    So every character some installed font has prints, without naming every
    font of the machine in every document.
    """
    from ..engine import glyphs

    found: set[str] = set()
    for char in set(text):
        if _templates_own(char):
            continue
        if _fixed_covers(char):
            continue
        having = [f for f in glyphs.families_with(char) or () if _FAMILY_NAME.match(f)]
        if having:
            having.sort(key=lambda f: (not f.startswith("Noto Serif"), not f.startswith("Noto"), f))
            found.add(having[0])
    return tuple(sorted(found))


def refusal(text: str, engines: Iterable[str], field: str) -> UnprintableCharacter | None:
    """Why none of ``engines`` can print ``text`` (the last one's refusal), or None."""
    last = None
    for engine in engines:
        try:
            check_printable(text, engine, field)
        except UnprintableCharacter as exc:
            last = exc
        else:
            return None
    return last


def _check_unicode(text: str, engine: str, field: str | None) -> None:
    from ..engine import glyphs

    for char in text:
        if _templates_own(char):
            continue
        # A fallback family that has it is an installed font that has it (asking
        # every font is the slow question, kept for the characters they lack).
        covered = _fixed_covers(char)
        having = ("",) if covered else glyphs.families_with(char)
        if having is not None and not having:
            _refuse(char, engine, field, glyphs.missing_glyph_hint(char))
        if engine in LUATEX_ENGINES and _RTL_CHAR.match(char):
            _refuse(
                char,
                engine,
                field,
                f"{engine}'s PDF gives right-to-left text back in reverse order, so it "
                "would not read back as written: use 'engine: xelatex' (what 'auto' picks "
                "for it)",
            )
        if engine not in XETEX_ENGINES:
            continue
        if _INDIC.match(char):
            _refuse(
                char,
                engine,
                field,
                f"{engine}'s PDF does not extract this script verbatim (its vowel signs come "
                "out reordered): use 'engine: lualatex' (what 'auto' picks for it)",
            )
        if having is None:
            continue  # no fontconfig: TeX itself reports a missing glyph
        if _XETEX_SYMBOLS.match(char):
            if glyphs.family_has(XETEX_SYMBOL_FONT, char) is False:
                _refuse(
                    char,
                    engine,
                    field,
                    f"{engine}'s symbol font ({XETEX_SYMBOL_FONT}) lacks it: use 'engine: "
                    "lualatex' (what 'auto' tries next), which falls back to more fonts",
                )
        elif not covered:
            _refuse(
                char,
                engine,
                field,
                f"{engine} falls back to a fixed set of fonts, which lack it: 'engine: "
                f"lualatex' (what 'auto' tries next) adds {having[0]} for it",
            )


def _refuse(char: str, engine: str, field: str | None, hint: str) -> None:
    import unicodedata

    code = ord(char)
    name = unicodedata.name(char, "unnamed character")
    where = f" in {field}" if field else ""
    raise UnprintableCharacter(
        f"{engine} cannot print {char!r} (U+{code:04X} {name}){where}",
        char=char,
        field_path=field,
        hint=hint,
    )
