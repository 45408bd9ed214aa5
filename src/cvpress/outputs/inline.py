"""Inline Markdown as runs of formatted text, for the HTML and Word writers.

The same reading of Markdown as the LaTeX one (:func:`cvpress.tex.markdown.markdown`):
markdown-it-py's parser with only bold, italic, links and code enabled, the
variant's ``bold_keywords`` bolded outside markup, links kept only for http(s)
and mailto targets (a ``javascript:`` link prints its text, unlinked), and an
image printed as its own source. The text of the runs is therefore exactly
what :func:`cvpress.tex.markdown.plain_markdown` gives, which the read-back check
looks for.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data.markup import TRIGGER, html_tag, parser
from ..tex.markdown import PARAGRAPH, SAFE_LINK, bold_pattern, image_source


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None


def link_target(url: str | None) -> str | None:
    """Where a link to ``url`` goes (http, https, mailto, tel; a scheme-less host name
    as https), else None: the PDF's rule, :func:`cvpress.data.urls.target`."""
    from ..data import urls

    return urls.target(url).href if url else None


def paragraphs(text: str, bold: tuple[str, ...] = ()) -> list[list[Span]]:
    """``text`` split at blank lines, each paragraph as its runs."""
    return [_paragraph(p, bold) for p in PARAGRAPH.split(text.strip())]


def _paragraph(text: str, bold: tuple[str, ...]) -> list[Span]:
    if not TRIGGER.search(text):
        return _emphasize(text, bold)
    tokens = parser().parseInline(text)
    out: list[Span] = []
    strong = em = 0
    links: list[str | None] = []
    # Open constructs, innermost last: a closing tag of the safe HTML subset
    # that does not close the innermost one prints as text (as in the PDF).
    stack: list[str] = []
    for token in tokens[0].children or [] if tokens else []:
        kind = token.type
        href = next((h for h in reversed(links) if h), None)
        tag = html_tag(token.content) if kind == "html_inline" else None
        if kind in ("text", "softbreak", "hardbreak"):
            content = token.content if kind == "text" else " "
            if strong or em or links:
                out.append(Span(content, strong > 0, em > 0, href=href))
            else:
                out.extend(_emphasize(content, bold))
        elif kind in ("strong_open", "strong_close"):
            strong += 1 if kind == "strong_open" else -1
            _nest(stack, kind)
        elif kind in ("em_open", "em_close"):
            em += 1 if kind == "em_open" else -1
            _nest(stack, kind)
        elif kind == "code_inline":
            out.append(Span(token.content, strong > 0, em > 0, True, href))
        elif kind == "link_open":
            target = str(token.attrs.get("href", ""))
            links.append(target if SAFE_LINK.match(target) else None)
            _nest(stack, kind)
        elif kind == "link_close":
            links.pop()
            _nest(stack, kind)
        elif kind == "image":
            out.append(Span(image_source(token), strong > 0, em > 0, href=href))
        elif tag is not None and tag[0] == "break":
            out.append(Span(" ", strong > 0, em > 0, href=href))
        elif tag is not None and tag[0] == "open":
            stack.append(tag[1])
            if tag[1] == "a":
                links.append(tag[2] if tag[2] and SAFE_LINK.match(tag[2]) else None)
            elif tag[1] in ("b", "strong"):
                strong += 1
            else:
                em += 1
        elif tag is not None and stack and stack[-1] == tag[1]:
            stack.pop()
            if tag[1] == "a":
                links.pop()
            elif tag[1] in ("b", "strong"):
                strong -= 1
            else:
                em -= 1
        else:  # any other construct prints as its source text
            out.append(Span(token.content, strong > 0, em > 0, href=href))
    return out


def _nest(stack: list[str], kind: str) -> None:
    """Markdown's own constructs on the stack of open ones (always balanced)."""
    if kind.endswith("_open"):
        stack.append(kind)
    elif stack:
        stack.pop()


def _emphasize(text: str, bold: tuple[str, ...]) -> list[Span]:
    """``text`` with whole-word occurrences of the ``bold`` keywords in bold."""
    if not bold:
        return [Span(text)]
    out: list[Span] = []
    last = 0
    for match in bold_pattern(bold).finditer(text):
        if match.start() > last:
            out.append(Span(text[last : match.start()]))
        out.append(Span(match.group(), bold=True))
        last = match.end()
    if last < len(text):
        out.append(Span(text[last:]))
    return out
