"""Turn user text into LaTeX that prints exactly that text.

Everything that reaches a template goes through here (the Jinja environment's
``finalize`` calls :func:`escape` on anything that is not already a
:class:`TexStr`), so the only LaTeX the engine sees is the template's own or
what this module produced. Goals, in order: safe (no user text is ever read as
a command), faithful (the PDF's extracted text equals the input: no TeX
ligatures turning ``--`` into a dash or ``'`` into a curly quote), then pretty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from ..data import markup
from ..engine.catalogue import is_unicode
from ..errors import InputError

__all__ = [
    "TexStr",
    "UnprintableCharacter",
    "escape",
    "href",
    "markdown",
]


class TexStr(str):
    """A string of trusted LaTeX: produced here, never from user input directly.

    Like ``markupsafe.Markup``: operations that build new strings return plain
    ``str``, which ``finalize`` escapes again, so trust cannot leak by accident.
    """

    __slots__ = ()


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
_SYMBOL = re.compile("[" + "".join(chr(c) for c in sorted(PDFTEX_SYMBOLS)) + "]")


@lru_cache(maxsize=1)
def _symbol_macros() -> dict[str, str]:
    """pylatexenc's LaTeX for each of :data:`PDFTEX_SYMBOLS`, in a group of its own."""
    from pylatexenc.latexencode import get_builtin_uni2latex_dict

    table = get_builtin_uni2latex_dict()
    return {chr(code): "{" + table[code] + "}" for code in PDFTEX_SYMBOLS}


# LaTeX's special characters, and the ASCII characters whose T1 glyph is not
# the character itself (quotes) or that TeX turns into ligatures.
_SPECIALS: dict[int, str] = {
    ord("\\"): r"\textbackslash{}",
    ord("{"): r"\{",
    ord("}"): r"\}",
    ord("#"): r"\#",
    ord("$"): r"\$",
    ord("%"): r"\%",
    ord("&"): r"\&",
    ord("_"): r"\_",
    ord("~"): r"\textasciitilde{}",
    ord("^"): r"\textasciicircum{}",
    ord("<"): r"\textless{}",
    ord(">"): r"\textgreater{}",
    ord("|"): r"\textbar{}",
    ord('"'): r"\textquotedbl{}",
    ord("'"): r"\textquotesingle{}",
    ord("`"): r"\textasciigrave{}",
    0x00A0: r"\nobreakspace{}",
    0x00AD: r"\-",
}
# Pairs that fonts would fuse ("--" into an en dash, ",," into a low quote,
# "!`" into an inverted mark, "<<" into a guillemet under LuaTeX; and, under
# pdfLaTeX, whose T1 fonts print a typed "‘" as "`" and "’" as "'": "‘‘"
# into "“", "’’" into "”", "!‘" into "¡"): split them
# with an italic correction, so the text stays as typed. Not with "{}": LuaTeX
# applies ligatures to the node list, where an empty group leaves nothing
# between the two characters; "\/" leaves a kern in every engine, and hyperref
# drops it from PDF strings (the metadata).
_LIGATURES = re.compile(
    r"(?<=-)(?=-)|(?<=,)(?=,)|(?<=[!?])(?=\\textasciigrave|\u2018)"
    r"|(?<=\u2018)(?=\u2018)|(?<=\u2019)(?=\u2019)"
    r"|(?<=\\textless\{\})(?=\\textless)|(?<=\\textgreater\{\})(?=\\textgreater)"
)
_LIGATURE_HINTS = (
    "-",
    ",,",
    "grave",
    "\u2018",
    "\u2019\u2019",
    "textless{}\\textless",
    "textgreater{}\\textgreater",
)
#: A run of at least this many characters without a space gets a break point
#: (``\allowbreak``) every ``_BREAK_EVERY`` characters: a 5,000-character
#: "word" would otherwise make a line wider than TeX's largest dimension, and
#: XeTeX fails on far less (a 3,000-brace line: "Missing number").
_LONG_RUN = re.compile(r"\S{40,}")
_BREAK_EVERY = 20
_WHITESPACE = re.compile(r"[ \t\r\n\u2028\u2029]+")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")


@lru_cache(maxsize=4)
def _encoder(engine: str) -> Callable[[str], str]:
    """pylatexenc's encoder with our rules; unknown characters are kept (checked by us)."""
    from pylatexenc.latexencode import (
        RULE_DICT,
        UnicodeToLatexConversionRule,
        UnicodeToLatexEncoder,
    )

    rule = UnicodeToLatexConversionRule(rule_type=RULE_DICT, rule=_SPECIALS)
    encoder = UnicodeToLatexEncoder(
        conversion_rules=[rule],
        unknown_char_policy="keep",
        unknown_char_warning=False,
        replacement_latex_protection="none",
    )
    return encoder.unicode_to_latex  # type: ignore[no-any-return]


@lru_cache(maxsize=64)
def _special(char: str, engine: str) -> str:
    return _encoder(engine)(char)


_NEEDS_ENCODER = re.compile(r"[\\{}#$%&_~^<>|\"'`\u00a0\u00ad]")


#: Engines built on XeTeX: their PDFs map each glyph to characters one to one,
#: so Devanagari's reordered vowel signs extract out of order (LuaLaTeX's
#: HarfBuzz mode writes ActualText and extracts them verbatim).
XETEX_ENGINES = frozenset({"xelatex", "latexmk:xelatex", "tectonic"})
_INDIC = re.compile(r"[\u0900-\u0dff]")
#: The blocks latex/_base's XeLaTeX set-up prints in its one symbol fallback
#: font (\cvfallbacksymbols); LuaLaTeX tries a chain of fonts instead.
_XETEX_SYMBOLS = re.compile(r"[\u2190-\u23ff\u2460-\u27bf\u2900-\u2bff\U0001f300-\U0001f6ff]")
XETEX_SYMBOL_FONT = "DejaVu Sans"
#: Invisible characters: a zero-width space is a break opportunity in every
#: engine; joiners (ZWJ, ZWNJ) shape scripts under Unicode engines and mean
#: nothing to pdfLaTeX's Latin fonts, which get nothing for them.
_ZERO_WIDTH = {"\u200b": r"\hspace{0pt}", "\u2060": r"\nobreak{}"}
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
        if char in "\n\t" or char in _ZERO_WIDTH:
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
        if ord(char) < 0x250 or char in _ZERO_WIDTH or _JOINERS.match(char):
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
        if ord(char) < 0x250 or char in _ZERO_WIDTH or _JOINERS.match(char):
            continue
        having = glyphs.families_with(char)
        if having is not None and not having:
            _refuse(char, engine, field, glyphs.missing_glyph_hint(char))
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
        elif not _fixed_covers(char):
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


def escape(value: Any, engine: str = "pdflatex", field: str | None = None) -> TexStr:
    """LaTeX for ``value`` printed literally; whitespace runs become one space."""
    if isinstance(value, TexStr):
        return value
    if value is None:
        return TexStr("")
    text = _WHITESPACE.sub(" ", str(value))
    check_printable(text, engine, field)
    if len(text) >= _BREAK_EVERY * 2 and _LONG_RUN.search(text):
        return TexStr(r"\allowbreak{}".join(_encode(piece, engine) for piece in _break_runs(text)))
    return TexStr(_encode(text, engine))


_RTL = "\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufefe"
#: A right-to-left run: RTL letters (and their marks), and spaces between them.
_RTL_RUN = re.compile(rf"[{_RTL}]+(?: [{_RTL}]+)*")
_INVISIBLE = re.compile("[\u200b\u2060\u200c\u200d]")


def _encode(text: str, engine: str) -> str:
    """``text`` as LaTeX: special characters, invisible ones, and right-to-left runs."""
    if is_unicode(engine) and _RTL_RUN.search(text):
        # Each run is laid out right to left (\cvrtl, latex/_base) inside the
        # left-to-right line, so a name or a phrase in Arabic or Hebrew reads
        # in its own order.
        out, last = [], 0
        for match in _RTL_RUN.finditer(text):
            out.append(_encode_plain(text[last : match.start()], engine))
            out.append(r"\cvrtl{" + _encode_plain(match.group(), engine) + "}")
            last = match.end()
        out.append(_encode_plain(text[last:], engine))
        return "".join(out)
    return _encode_plain(text, engine)


def _encode_plain(text: str, engine: str) -> str:
    if _NEEDS_ENCODER.search(text):
        # One special character at a time: pylatexenc NFC-normalizes whatever
        # it is given, which would change the person's other characters after
        # they were checked as printable (U+2126 OHM SIGN became U+03A9, which
        # pdfLaTeX cannot print; a CJK compatibility ideograph its unified
        # twin). A lone special character is its own NFC form.
        text = _NEEDS_ENCODER.sub(lambda match: _special(match.group(), engine), text)
    if any(hint in text for hint in _LIGATURE_HINTS):
        text = _LIGATURES.sub(r"\/", text)
    if not is_unicode(engine) and _SYMBOL.search(text):  # after the specials, likewise
        macros = _symbol_macros()
        text = _SYMBOL.sub(lambda m: macros[m.group()], text)
    if _INVISIBLE.search(text):  # after the specials: what it inserts is LaTeX
        unicode = is_unicode(engine)
        text = _INVISIBLE.sub(
            lambda m: _ZERO_WIDTH.get(m.group(), m.group() if unicode else ""), text
        )
    return text


def _break_runs(text: str) -> list[str]:
    """``text`` cut every ``_BREAK_EVERY`` characters in long runs, not before a combining mark."""
    import unicodedata

    pieces: list[str] = []
    last = 0
    for match in _LONG_RUN.finditer(text):
        cut = match.start() + _BREAK_EVERY
        while cut < match.end():
            while cut < match.end() and unicodedata.combining(text[cut]):
                cut += 1
            if cut >= match.end():
                break
            pieces.append(text[last:cut])
            last = cut
            cut += _BREAK_EVERY
    pieces.append(text[last:])
    return pieces


# ------------------------------------------------------------------------- URLs

_URL_SAFE = ":/?#[]@!$&'()*+,;=-._~"
_FRAGMENT_SAFE = _URL_SAFE.replace("#", "") + "%"
_PCT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def href(url: str) -> TexStr:
    """The first argument of ``\\href``: percent-encoded, then ``%`` and ``#`` escaped.

    Everything outside RFC 3986's reserved and unreserved sets (spaces,
    backslashes, braces, non-ASCII) is percent-encoded first, so nothing in the
    URL can close the argument or start a command.
    """
    url = _PCT.sub("%25", str(url).strip())
    # Only the first "#" starts the fragment; later ones are data (RFC 3986
    # allows no "#" inside a fragment) and hyperref would cut the link there.
    base, hash_, fragment = url.partition("#")
    encoded = quote(base, safe=_URL_SAFE + "%") + hash_ + quote(fragment, safe=_FRAGMENT_SAFE)
    return TexStr(encoded.replace("%", r"\%").replace("#", r"\#"))


def link(url: str, text: Any, engine: str = "pdflatex") -> TexStr:
    """``text`` linked to ``url`` when :mod:`cvpress.data.urls` makes it a link, else the text."""
    from ..data import urls

    target = urls.target(str(url)).href
    if target is None:
        return escape(text, engine)
    return TexStr(r"\href{" + href(target) + "}{" + escape(text, engine) + "}")


def display_url(url: str) -> str:
    """How a URL reads on paper: no scheme, no trailing slash."""
    return re.sub(r"^(https?://)?(www\.)?", "", str(url)).removeprefix("mailto:").rstrip("/")


# --------------------------------------------------------------------- Markdown

_SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.I)


#: The inline HTML read as Markdown (:func:`cvpress.data.markup.html_tag`), in LaTeX:
#: tag name -> (opening, closing). ``<a href>`` is a link; ``<br>`` a line break.
_HTML_STYLE: dict[str, tuple[str, str]] = {
    "b": (r"\textbf{", "}"),
    "strong": (r"\textbf{", "}"),
    "i": (r"\emph{", "}"),
    "em": (r"\emph{", "}"),
}


def _image_source(token: Any) -> str:
    """``![alt](url)`` as written (images are not part of the supported inline set)."""
    src = markup.parser().normalizeLinkText(str(token.attrs.get("src", "")))
    return f"![{token.content}]({src})"


def markdown(
    value: Any,
    engine: str = "pdflatex",
    field: str | None = None,
    bold: tuple[str, ...] = (),
) -> TexStr:
    """Inline Markdown (bold, italic, links, code) to LaTeX; all else literal.

    Only markdown-it-py's inline rules for those four constructs are enabled, so
    ``#``, ``1.``, ``>``, HTML and backslash escapes stay plain text. Blank
    lines become paragraph breaks.
    """
    if value is None:
        return TexStr("")
    text = str(value)
    paragraphs = _PARAGRAPH.split(text.strip())
    rendered = [_markdown_paragraph(p, engine, field, bold) for p in paragraphs]
    return TexStr("\\par ".join(rendered))


def _markdown_paragraph(text: str, engine: str, field: str | None, bold: tuple[str, ...]) -> str:
    if not markup.TRIGGER.search(text):
        return _emphasize(text, engine, field, bold)
    tokens = markup.parser().parseInline(text)
    children = tokens[0].children if tokens else []
    out: list[str] = []
    closers: list[str] = []
    html: list[tuple[str, int]] = []  # open safe tags: (name, index in closers)
    for token in children or []:
        kind = token.type
        if kind == "text" or kind in ("softbreak", "hardbreak"):
            content = token.content if kind == "text" else " "
            out.append(_emphasize(content, engine, field, bold if not closers else ()))
        elif kind == "strong_open":
            out.append(r"\textbf{")
            closers.append("}")
        elif kind == "em_open":
            out.append(r"\emph{")
            closers.append("}")
        elif kind in ("strong_close", "em_close"):
            out.append(closers.pop())
        elif kind == "code_inline":
            out.append(r"\texttt{" + escape(token.content, engine, field) + "}")
        elif kind == "link_open":
            target = str(token.attrs.get("href", ""))
            if _SAFE_LINK.match(target):
                out.append(r"\href{" + href(target) + "}{")
                closers.append("}")
            else:
                closers.append("")
        elif kind == "link_close":
            out.append(closers.pop())
        elif kind == "image":
            out.append(escape(_image_source(token), engine, field))
        elif kind == "html_inline" and (tag := markup.html_tag(token.content)) is not None:
            out.append(_html_latex(tag, token.content, html, closers, engine, field))
        else:  # any other construct prints as its source text
            out.append(escape(token.content, engine, field))
    out.extend(reversed(closers))
    return "".join(out)


def _html_latex(
    tag: tuple[str, str, str | None],
    source: str,
    html: list[tuple[str, int]],
    closers: list[str],
    engine: str,
    field: str | None,
) -> str:
    """LaTeX for one tag of the safe subset; a closing tag without its opening prints as text."""
    kind, name, target = tag
    if kind == "break":
        return r"\newline{}"
    if kind == "open":
        html.append((name, len(closers)))
        if name == "a":
            if target is not None and _SAFE_LINK.match(target):
                closers.append("}")
                return r"\href{" + href(target) + "}{"
            closers.append("")
            return ""
        opening, closing = _HTML_STYLE[name]
        closers.append(closing)
        return opening
    if html and html[-1][0] == name and html[-1][1] == len(closers) - 1:
        html.pop()
        return closers.pop()
    return escape(source, engine, field)


def _emphasize(text: str, engine: str, field: str | None, bold: tuple[str, ...]) -> str:
    """Escape ``text`` and bold whole-word occurrences of ``bold`` keywords."""
    if not bold:
        return typeset(text, engine, field)
    pattern = _bold_pattern(bold)
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(typeset(text[last : match.start()], engine, field))
        pieces.append(r"\textbf{" + typeset(match.group(), engine, field) + "}")
        last = match.end()
    pieces.append(typeset(text[last:], engine, field))
    return "".join(pieces)


# ------------------------------------------------------------------ typography

#: A hyphen between two numbers of a range ("2017-2019", "10-20"): not part of
#: a longer run of numbers and hyphens (an ISO date, a phone number), the
#: second number larger, both with as many digits or the first at most two.
_RANGE = re.compile(r"(?<![\d+\-/.,])(\d{1,4})-(\d{1,4})(?![\d\-/]|[.,]\d)")
_QUOTES = re.compile(r"[\"']")
_OPENING_CONTEXT = frozenset(" \t\n([{\u2014\u2013/")
#: The base macros (cvpress-base.sty) that show a typographic character while
#: the PDF's text keeps the one typed.
_DISPLAY = {
    "range": r"\cvendash{}",
    '"open': r"\cvlquote{}",
    '"close': r"\cvrquote{}",
    "'open": r"\cvlsquote{}",
    "'close": r"\cvrsquote{}",
}


def typeset(text: str, engine: str = "pdflatex", field: str | None = None) -> str:
    """:func:`escape` for free text, with en dashes in number ranges and curly quotes.

    Only the display changes: each replaced character is wrapped in the base
    macros above, whose /ActualText is the character typed, so a PDF reader,
    an applicant tracking system and cvpress's own text check still read
    "2017-2019" and straight quotes, exactly as in the data.
    """
    if "-" not in text and '"' not in text and "'" not in text:
        return escape(text, engine, field)
    pieces: list[str] = []
    last = 0
    for position, kind in _typographic_marks(text):
        pieces.append(escape(text[last:position], engine, field))
        pieces.append(_DISPLAY[kind])
        last = position + 1
    pieces.append(escape(text[last:], engine, field))
    return "".join(pieces)


def _typographic_marks(text: str) -> list[tuple[int, str]]:
    """(index, kind) of every character :func:`typeset` shows typographically."""
    marks: list[tuple[int, str]] = []
    for match in _RANGE.finditer(text):
        first, second = match.group(1), match.group(2)
        if int(second) > int(first) and (len(first) == len(second) or len(first) <= 2):
            marks.append((match.end(1), "range"))
    for match in _QUOTES.finditer(text):
        index = match.start()
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        opening = before in _OPENING_CONTEXT and not after.isspace()
        marks.append((index, match.group() + ("open" if opening else "close")))
    return sorted(marks)


@lru_cache(maxsize=16)
def _bold_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


#: Tokens that are markup only: plain text drops them (and the safe HTML tags).
_MARKUP_TOKENS = frozenset(
    ("strong_open", "strong_close", "em_open", "em_close", "link_open", "link_close")
)


def plain_markdown(value: Any) -> str:
    """The text of inline Markdown without its markup (for checks and text export)."""
    if value is None:
        return ""
    text = str(value)
    if not markup.TRIGGER.search(text):
        return text
    tokens = markup.parser().parseInline(text)
    out: list[str] = []
    # Open constructs, as markdown() nests them: a closing tag that does not
    # close the innermost one prints as text there, so it does here.
    stack: list[str] = []
    for token in tokens[0].children or []:
        tag = markup.html_tag(token.content) if token.type == "html_inline" else None
        if token.type in ("text", "code_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "image":
            out.append(_image_source(token))
        elif tag is not None:
            kind, name, _ = tag
            if kind == "break":
                out.append(" ")
            elif kind == "open":
                stack.append(name)
            elif stack and stack[-1] == name:
                stack.pop()
            else:
                out.append(token.content)
        elif token.type.endswith("_open") and token.type in _MARKUP_TOKENS:
            stack.append(token.type)
        elif token.type.endswith("_close") and token.type in _MARKUP_TOKENS:
            stack.pop()
        else:
            out.append(token.content)
    return "".join(out)
