"""Inline Markdown (bold, italic, links, code, a safe HTML subset) to LaTeX, and to plain text.

Text between the markup is escaped by :func:`cvpress.tex.texify.typeset`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..data import markup
from .texify import TexStr, escape, href, typeset

__all__ = ["markdown", "plain_markdown"]

PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.I)


#: The inline HTML read as Markdown (:func:`cvpress.data.markup.html_tag`), in LaTeX:
#: tag name -> (opening, closing). ``<a href>`` is a link; ``<br>`` a line break.
_HTML_STYLE: dict[str, tuple[str, str]] = {
    "b": (r"\textbf{", "}"),
    "strong": (r"\textbf{", "}"),
    "i": (r"\emph{", "}"),
    "em": (r"\emph{", "}"),
}


def image_source(token: Any) -> str:
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
    paragraphs = PARAGRAPH.split(text.strip())
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
            if SAFE_LINK.match(target):
                out.append(r"\href{" + href(target) + "}{")
                closers.append("}")
            else:
                closers.append("")
        elif kind == "link_close":
            out.append(closers.pop())
        elif kind == "image":
            out.append(escape(image_source(token), engine, field))
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
            if target is not None and SAFE_LINK.match(target):
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
    pattern = bold_pattern(bold)
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(typeset(text[last : match.start()], engine, field))
        pieces.append(r"\textbf{" + typeset(match.group(), engine, field) + "}")
        last = match.end()
    pieces.append(typeset(text[last:], engine, field))
    return "".join(pieces)


@lru_cache(maxsize=16)
def bold_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
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
            out.append(image_source(token))
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
