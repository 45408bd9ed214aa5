"""Read the HTML and Word outputs back, as the PDF is read back, and check their text.

The HTML goes through an HTML parser (the standard library's, which decodes
entities as a browser does) and only the page's body counts: a name that is
in the ``<title>`` but missing from the page is missing. The Word file is
opened with python-docx, the library that wrote it, so a file it cannot open
fails the build here rather than in a recruiter's inbox. Both are then held
to the PDF's rule: every field the variant shows is in the text
(:func:`cvpress.check.require_fields`), or the build fails naming the field.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser

from ..data.model import Resume
from ..errors import CheckError
from ..pipeline.check import require_fields, visible_strings

#: Elements whose content is not text a reader sees.
_HIDDEN = frozenset({"head", "script", "style", "template"})


class _BodyText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(page: bytes) -> str:
    """The text a reader of the page sees (the body, without scripts and styles)."""
    parser = _BodyText()
    parser.feed(page.decode("utf-8"))
    parser.close()
    return "".join(parser.parts)


def docx_text(document: bytes) -> str:
    """The text of every paragraph of the Word file, hyperlinks included."""
    import docx

    try:
        opened = docx.Document(io.BytesIO(document))
    except Exception as exc:  # a broken zip or part: python-docx raises many kinds
        raise CheckError(
            f"the Word file does not open: {exc}",
            hint="run with --debug and report this as a cvpress bug",
        ) from None
    return "\n".join(p.text for p in opened.paragraphs)


def check_html(page: bytes, resume: Resume) -> None:
    require_fields(html_text(page), visible_strings(resume), output="the HTML page's text")


def check_docx(document: bytes, resume: Resume) -> None:
    require_fields(docx_text(document), visible_strings(resume), output="the Word file's text")
