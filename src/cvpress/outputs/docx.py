"""The selected résumé as a Word file that applicant tracking systems read well.

Written with python-docx (no word processor at build time). What ATS parsers
handle best is a plain document: Word's own heading styles (the name is
Heading 1, sections Heading 2, entries Heading 3, roles Heading 4), real
bulleted lists (the List Bullet style, backed by Word numbering), dates as
text at the end of the entry line behind a right tab stop (not a table
column), and nothing in text boxes, headers or footers. Fonts are named
after the template's first family; the font table gives Word its common
fallback (``altName``) and kind (serif or sans), which it substitutes when
the reader lacks the template's font. The file is byte-reproducible: core
properties and zip entry times come from ``SOURCE_DATE_EPOCH``.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..data.model import Resume
from ..data.variants import Variant
from ..errors import Problem, Warnings
from ..tex import i18n
from . import inline
from .layout import Entry, Layout, Md, Text, layout
from .look import MUTED, Look, look, right_to_left

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph

#: Word's font-table family of each CSS generic family.
_WORD_FAMILY = {"serif": "roman", "sans-serif": "swiss", "monospace": "modern"}
_CODE_FONT = "Courier New"
#: Zip timestamps cannot be earlier than 1980-01-01.
_ZIP_EPOCH = 315_532_800
_MARGIN_MM = 18
#: Longest core property (title, author...) python-docx writes.
MAX_PROPERTY = 255


def render_docx(
    resume: Resume,
    variant: Variant,
    *,
    epoch: int,
    sections: tuple[str, ...] | None = None,
    extra_paths: Iterable[Path] = (),
    warnings: Warnings | None = None,
) -> bytes:
    """The Word file for ``resume`` (selected for ``variant``), dated ``epoch``.

    A core property longer than the format allows is cut, with a warning.
    """
    import docx

    page = layout(resume, variant, sections)
    style = look(variant, extra_paths)
    document = docx.Document()
    width = _page(document, style)
    _styles(document, style, variant.locale)
    _fonts(document, style)
    _properties(document, page, variant, epoch, warnings)
    _content(document, page, width, variant.bold_keywords)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue(), epoch)


def _page(document: Document, style: Look) -> int:
    """Paper and margins; the text width (EMU), where the right tab stop goes."""
    from docx.shared import Inches, Mm

    section = document.sections[0]
    if style.paper == "a4":
        section.page_width, section.page_height = Mm(210), Mm(297)
    else:
        section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(_MARGIN_MM))
    return int(section.page_width) - 2 * int(Mm(_MARGIN_MM))


def _styles(document: Document, style: Look, locale: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    accent = RGBColor.from_string(style.accent)
    normal = document.styles["Normal"]
    normal.font.size = Pt(style.font_size)
    _font(normal, style.body[0])
    rpr = normal.element.get_or_add_rPr()
    tag = locale.replace("_", "-")
    lang = OxmlElement("w:lang", {qn("w:val"): tag})
    if right_to_left(locale):
        lang.set(qn("w:bidi"), tag)
        normal.element.get_or_add_pPr().append(OxmlElement("w:bidi"))
    rpr.append(lang)
    sizes = {1: 2.0, 2: 1.3, 3: 1.0, 4: 1.0}
    for level, scale in sizes.items():
        heading = document.styles[f"Heading {level}"]
        _font(heading, style.headings[0])
        heading.font.size = Pt(round(style.font_size * scale))
        heading.font.color.rgb = accent if level <= 2 else RGBColor.from_string("1A1A1A")
        heading.font.italic = level == 4
        heading.font.bold = level != 4
        heading.paragraph_format.space_before = Pt(10 if level <= 2 else 4)
        heading.paragraph_format.space_after = Pt(2)


def _font(style: Any, family: str) -> None:
    """Name ``family`` for Latin text, dropping the theme fonts that would override it."""
    from docx.oxml.ns import qn

    style.font.name = family
    fonts = style.element.rPr.rFonts
    for theme in ("w:asciiTheme", "w:hAnsiTheme"):
        fonts.attrib.pop(qn(theme), None)


def _fonts(document: Document, style: Look) -> None:
    """Font-table entries: each template family with its common fallback and kind."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn

    part = document.part.part_related_by(RT.FONT_TABLE)
    table = parse_xml(part.blob)
    for families in dict.fromkeys((style.body, style.headings)):
        font = OxmlElement("w:font", {qn("w:name"): families[0]})
        if len(families) > 2:  # a fallback besides the template's family and the generic one
            font.append(OxmlElement("w:altName", {qn("w:val"): families[1]}))
        kind = _WORD_FAMILY.get(families[-1], "auto")
        font.append(OxmlElement("w:family", {qn("w:val"): kind}))
        font.append(OxmlElement("w:pitch", {qn("w:val"): "variable"}))
        table.append(font)
    # python-docx keeps the parts it does not model as bytes, with no setter.
    part._blob = serialize_part_xml(table)


def _properties(
    document: Document, page: Layout, variant: Variant, epoch: int, warnings: Warnings | None
) -> None:
    words = i18n.words(variant.locale)
    when = datetime.datetime.fromtimestamp(epoch, datetime.UTC)

    def fit(value: str, what: str, field_path: str | None, separator: str = " ") -> str:
        """``value`` cut at a word (or keyword) to the 255 characters a property holds."""
        if len(value) <= MAX_PROPERTY:
            return value
        cut = value[: MAX_PROPERTY - 1].rsplit(separator, 1)[0] + "…"
        if warnings is not None:
            warnings.add(
                Problem(
                    f"the Word file's {what} property is cut to {len(cut)} characters"
                    f" (the format's limit is {MAX_PROPERTY}); the document's text is complete",
                    field_path=field_path,
                    hint=f"variant {variant.name!r}: set a shorter 'title' to keep it whole"
                    if what == "title"
                    else None,
                )
            )
        return cut

    props = document.core_properties
    props.title = fit(page.title, "title", None)
    props.author = props.last_modified_by = fit(page.name, "author", "basics.name")
    props.subject = fit(page.label or words["cv"], "subject", "basics.label")
    props.keywords = fit(", ".join(page.keywords), "keywords", None, ", ")
    props.comments = ""
    props.language = variant.locale.replace("_", "-")
    props.created = props.modified = when
    props.revision = 1


def _content(document: Document, page: Layout, width: int, bold: tuple[str, ...]) -> None:
    from docx.shared import RGBColor

    _paragraph(document, "Heading1", page.name)
    if page.label:
        document.add_paragraph(page.label)
    if page.contacts:
        line = document.add_paragraph()
        for index, contact in enumerate(page.contacts):
            if index:
                line.add_run(" | ").font.color.rgb = RGBColor.from_string(MUTED)
            if contact.label:
                line.add_run(f"{contact.label}: ")
            _runs(line, [inline.Span(contact.text, href=inline.link_target(contact.url))])
    for section in page.sections:
        _paragraph(document, "Heading2", section.heading)
        if section.paragraph is not None:
            _text(document, section.paragraph, bold)
        for entry in section.entries:
            _entry(document, entry, width, bold)
        for item in section.items:
            if section.kind == "quotes":
                _text(document, item.text, bold, style="Quote")
                if item.label:
                    document.add_paragraph(f"— {item.label}")
            else:
                paragraph = _paragraph(document, "ListBullet")
                if item.label:
                    paragraph.add_run(f"{item.label}: ").bold = True
                _inline(paragraph, item.text, bold)


def _entry(document: Document, entry: Entry, width: int, bold: tuple[str, ...]) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT

    heading = _paragraph(document, "Heading3")
    heading.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    if entry.title:
        _runs(heading, [inline.Span(entry.title, href=inline.link_target(entry.url))])
    dates = i18n.RANGE_SEPARATOR.join(text for _, text in entry.dates)
    if dates:
        heading.add_run("\t" + dates)
    sub = ", ".join(p for p in (entry.subtitle, entry.place) if p)
    if sub:
        document.add_paragraph().add_run(sub).italic = True
    _body(document, entry, bold)
    for role in entry.roles:
        line = _paragraph(document, "Heading4")
        line.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        line.add_run(
            (role.title or "") + "\t" + i18n.RANGE_SEPARATOR.join(t for _, t in role.dates)
        )
        _body(document, role, bold)


def _body(document: Document, entry: Entry, bold: tuple[str, ...]) -> None:
    for detail in entry.details:
        _text(document, detail, bold)
    for bullet in entry.bullets:
        _text(document, bullet, bold, style="ListBullet")


def _paragraph(document: Document, style: str | None, text: str = "") -> Paragraph:
    """A new paragraph in the style whose id is ``style`` (None: Normal).

    The id is set directly: python-docx's lookup by name scans every style of
    the document for each paragraph, which took most of the file's build time.
    """
    paragraph = document.add_paragraph(text)
    if style is not None:
        paragraph._p.style = style
    return paragraph


def _text(document: Document, value: Text, bold: tuple[str, ...], style: str | None = None) -> None:
    """``value`` as paragraphs (one per Markdown paragraph) in the style with id ``style``."""
    if not isinstance(value, Md):
        _paragraph(document, style, value)
        return
    for spans in inline.paragraphs(value.text, bold):
        _runs(_paragraph(document, style), spans)


def _inline(paragraph: Paragraph, value: Text, bold: tuple[str, ...]) -> None:
    """``value`` appended to ``paragraph``, Markdown paragraphs joined by a space."""
    if not isinstance(value, Md):
        paragraph.add_run(value)
        return
    for index, spans in enumerate(inline.paragraphs(value.text, bold)):
        if index:
            paragraph.add_run(" ")
        _runs(paragraph, spans)


def _runs(paragraph: Paragraph, spans: list[inline.Span]) -> None:
    """Formatted runs; a run with a link target goes inside a ``w:hyperlink``."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for span in spans:
        run = paragraph.add_run(span.text)
        run.bold = span.bold or None
        run.italic = span.italic or None
        if span.code:
            run.font.name = _CODE_FONT
        if span.href:
            run.font.underline = True
            link = OxmlElement("w:hyperlink")
            link.set(qn("r:id"), paragraph.part.relate_to(span.href, RT.HYPERLINK, True))
            link.append(run._r)  # moves the run from the paragraph into the link
            paragraph._p.append(link)


def _fixed_zip(data: bytes, epoch: int) -> bytes:
    """The same zip with every entry dated ``epoch`` (python-docx stamps the current time)."""
    stamp = datetime.datetime.fromtimestamp(max(epoch, _ZIP_EPOCH), datetime.UTC)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
