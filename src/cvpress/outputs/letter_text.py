"""A letter as Markdown or plain text, for pasting into an application form.

It reads like the PDF of the same variant, in the same order: recipient,
date (in the variant's language), subject, opening, body, closing and
signature. The sender's header is left out: a form asks for name and contact
details in fields of its own. Markdown keeps the body's markup as written;
plain text drops it (:func:`cvpress.tex.markdown.plain_markdown`: a link keeps its
text, not its address), as the résumé's text export does.
"""

from __future__ import annotations

import re

from ..data.dates import PartialDate
from ..data.letter import Letter
from ..data.model import Basics
from ..tex.i18n import long_date
from ..tex.markdown import plain_markdown

FORMATS = ("markdown", "text")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")


def letter_text(
    letter: Letter, sender: Basics, *, locale: str, today: PartialDate, markdown: bool
) -> str:
    """The whole letter in one of :data:`FORMATS`; ``today`` dates a letter that gives none."""

    def text(value: str) -> str:
        # A form field wraps text itself: plain text has one line per paragraph.
        return value if markdown else _LINE_BREAK.sub(" ", plain_markdown(value))

    parts: list[str] = []
    recipient = [
        line
        for line in (letter.to.name, letter.to.title, letter.to.organisation, *letter.to.address)
        if line
    ]
    if recipient:
        # Markdown joins consecutive lines into one paragraph: two spaces keep the breaks.
        parts.append(("  \n" if markdown else "\n").join(recipient))
    parts.append(long_date(letter.date or today, locale))
    if letter.subject:
        parts.append(f"**{letter.subject}**" if markdown else letter.subject)
    parts.append(letter.opening)
    for block in letter.body:
        if block.kind == "paragraph":
            parts.append(text(block.items[0]))
        elif block.kind == "bullets":
            parts.append("\n".join(f"- {text(item)}" for item in block.items))
        else:
            parts.append(
                "\n".join(f"{block.start + i}. {text(item)}" for i, item in enumerate(block.items))
            )
    signature = letter.signed(sender)
    parts.append(f"{letter.closing}{'  ' if markdown else ''}\n{signature}")
    return "\n\n".join(parts) + "\n"
