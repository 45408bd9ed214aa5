"""Turn user text into LaTeX that prints exactly that text.

Everything that reaches a template goes through here (the Jinja environment's
``finalize`` calls :func:`escape` on anything that is not already a
:class:`TexStr`), so the only LaTeX the engine sees is the template's own or
what this module produced. Goals, in order: safe (no user text is ever read as
a command), faithful (the PDF's extracted text equals the input: no TeX
ligatures turning ``--`` into a dash or ``'`` into a curly quote), then pretty.

Which characters an engine can print is :mod:`cvpress.tex.characters`; inline
Markdown is :mod:`cvpress.tex.markdown`, built on :func:`typeset` here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from ..engine.catalogue import is_unicode
from .characters import RTL, SYMBOL, ZERO_WIDTH, check_printable, symbol_macros

__all__ = [
    "TexStr",
    "escape",
    "href",
    "typeset",
]


class TexStr(str):
    """A string of trusted LaTeX: produced here, never from user input directly.

    Like ``markupsafe.Markup``: operations that build new strings return plain
    ``str``, which ``finalize`` escapes again, so trust cannot leak by accident.
    """

    __slots__ = ()


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


#: A right-to-left run: RTL letters (and their marks), and spaces between them.
_RTL_RUN = re.compile(rf"[{RTL}]+(?: [{RTL}]+)*")
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
    if not is_unicode(engine) and SYMBOL.search(text):  # after the specials, likewise
        macros = symbol_macros()
        text = SYMBOL.sub(lambda m: macros[m.group()], text)
    if _INVISIBLE.search(text):  # after the specials: what it inserts is LaTeX
        unicode = is_unicode(engine)
        text = _INVISIBLE.sub(
            lambda m: ZERO_WIDTH.get(m.group(), m.group() if unicode else ""), text
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
