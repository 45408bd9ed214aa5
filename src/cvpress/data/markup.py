"""Inline Markdown as the data format defines it: the one parser, its HTML subset, its depth.

Free-text fields accept bold, italic, links and code (only markdown-it-py's
inline rules for those, so ``#``, ``1.``, ``>`` stay plain text), and the
inline HTML résumé exports and theme samples write for the same things
(``<b>``, ``<strong>``, ``<i>``, ``<em>``, ``<a href>``, ``<br>``); any other
tag prints as its text. Every stage reads a text with this parser
(validation, LaTeX, HTML, Word, plain text), so they cannot disagree.

Each level of emphasis or link becomes one more LaTeX argument; TeX runs out
of room somewhere past a few hundred, with "TeX capacity exceeded", long after
the person could be told what is wrong. So nesting is measured here, where a
field is validated, and refused past a depth no résumé needs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: Deepest nesting of emphasis and links accepted in one text (``***a***`` is 2).
MAX_NESTING = 10

#: Characters without which a text has no Markdown (or HTML) to parse.
TRIGGER = re.compile(r"[*_\[`<]")

#: The HTML tags read as Markdown: bold, italic, a link; ``<br>`` is a line break.
STYLE_TAGS = frozenset(("b", "strong", "i", "em"))

_HTML_TAG = re.compile(
    r"^<(/?)([A-Za-z]+)((?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*(/?)>$"
)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)


@lru_cache(maxsize=1)
def parser() -> Any:
    """The inline parser every stage uses."""
    from markdown_it import MarkdownIt

    # "image" is parsed only so that it can be printed back as its own source:
    # without it, ``![alt](url)`` would print as "!" followed by a link.
    # "html_inline" finds tags, so that the safe subset (:func:`html_tag`) is
    # read as its Markdown equivalent; every other tag prints as its text.
    return MarkdownIt("zero", {"html": True}).enable(
        ["emphasis", "link", "backticks", "image", "html_inline"]
    )


def html_tag(source: str) -> tuple[str, str, str | None] | None:
    """``(kind, name, href)`` of a tag of the safe subset; None for any other tag.

    kind is "open", "close" or "break"; href is the link target of ``<a href>``.
    """
    match = _HTML_TAG.match(source.strip())
    if match is None:
        return None
    closing, name, attributes, self_closing = match.groups()
    name = name.lower()
    if name == "br" and not closing:
        return ("break", name, None)
    if (name not in STYLE_TAGS and name != "a") or self_closing:
        return None
    if closing:
        return None if attributes.strip() else ("close", name, None)
    if name == "a":
        found = _HREF.search(attributes)
        target = next((g for g in found.groups() if g is not None), "") if found else ""
        return ("open", name, parser().normalizeLink(target) if target else None)
    return None if attributes.strip() else ("open", name, None)


def nesting(text: str) -> int:
    """How deep emphasis and links (Markdown or the HTML subset) nest in ``text``."""
    if not TRIGGER.search(text):
        return 0
    tokens = parser().parseInline(text)
    depth = deepest = 0
    for token in tokens[0].children or []:
        step = token.nesting
        if token.type == "html_inline":
            tag = html_tag(token.content)
            step = {"open": 1, "close": -1}.get(tag[0], 0) if tag else 0
        depth = max(depth + step, 0)
        deepest = max(deepest, depth)
    return deepest
