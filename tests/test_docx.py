"""The Word output: opens in python-docx, ATS-safe structure, complete, safe, reproducible."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_TAB_ALIGNMENT

from conftest import requires_tex, squash
from cvpress.errors import CheckError, Warnings
from cvpress.outputs.docx import render_docx
from cvpress.outputs.readback import check_docx
from cvpress.pipeline import targets
from outputs_support import (
    CJK_RTL,
    EPOCH,
    JSONRESUME,
    SEED_RESUME,
    TEMPLATES,
    Selection,
    hostile,
    missing_seed_facts,
    selection,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def word(chosen: Selection, epoch: int = EPOCH) -> bytes:
    return render_docx(chosen.resume, chosen.variant, epoch=epoch, sections=chosen.order)


def opened(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def text_of(document: docx.document.Document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


# ------------------------------------------------------------------ content


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_seed_fact_is_in_the_document(template: str) -> None:
    assert (
        missing_seed_facts(text_of(opened(word(selection(SEED_RESUME, template=template))))) == []
    )


@pytest.mark.parametrize("path", [SEED_RESUME, JSONRESUME, CJK_RTL], ids=lambda p: p.stem)
def test_read_back_finds_every_visible_field(path: Path) -> None:
    chosen = selection(path)
    check_docx(word(chosen), chosen.resume)


def test_a_missing_field_fails_the_check_naming_it() -> None:
    chosen = selection(SEED_RESUME)
    data = word(chosen)
    skills = chosen.resume.skills
    extra = skills[0].model_copy(update={"keywords": ("Fortran 77",)})
    other = chosen.resume.model_copy(update={"skills": (*skills, extra)})
    with pytest.raises(CheckError) as caught:
        check_docx(data, other)
    assert caught.value.field_path == f"skills[{len(skills)}].keywords[0]"


def test_a_broken_file_is_a_check_error() -> None:
    with pytest.raises(CheckError):
        check_docx(b"PK\x03\x04 not a zip", selection(SEED_RESUME).resume)


# --------------------------------------------------------------- ATS structure


def test_heading_styles_lists_and_tab_stopped_dates() -> None:
    chosen = selection(SEED_RESUME)
    document = opened(word(chosen))
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Heading 1"
    assert paragraphs[0].text == chosen.resume.basics.name
    sections = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert sections[:2] == ["Summary", "Experience"] and "Skills" in sections
    bullets = [p.text for p in paragraphs if p.style.name == "List Bullet"]
    assert chosen.resume.work[0].highlights[0].text in bullets
    # the List Bullet style is a real Word list (numbering), not typed bullet characters
    numbering = document.styles["List Bullet"].element.find(f".//{W}numPr")
    assert numbering is not None
    dated = [p for p in paragraphs if p.style.name in ("Heading 3", "Heading 4") and "\t" in p.text]
    assert dated and any(p.text.endswith("Present") for p in dated)
    for paragraph in dated:
        stops = list(paragraph.paragraph_format.tab_stops)
        assert [s.alignment for s in stops] == [WD_TAB_ALIGNMENT.RIGHT]


def test_nothing_in_tables_text_boxes_headers_or_footers() -> None:
    data = word(selection(JSONRESUME))
    document = opened(data)
    assert document.tables == []
    body = part(data, "word/document.xml")
    assert "txbxContent" not in body and "w:drawing" not in body and "w:pict" not in body
    for section in document.sections:
        for story in (section.header, section.footer):
            assert "".join(p.text for p in story.paragraphs) == ""
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert not [n for n in names if re.match(r"word/(header|footer)\d*\.xml", n)]


def test_core_properties() -> None:
    chosen = selection(SEED_RESUME)
    props = opened(word(chosen)).core_properties
    assert props.title == f"{chosen.resume.basics.name} – Curriculum Vitae"
    assert props.author == chosen.resume.basics.name
    assert props.subject == "Curriculum Vitae"
    assert "Kubernetes" in props.keywords.split(", ")
    when = datetime.datetime.fromtimestamp(EPOCH, datetime.UTC)
    assert props.created == when and props.modified == when
    assert "python-docx" not in part(word(chosen), "docProps/core.xml")


@pytest.mark.parametrize(
    ("template", "family", "fallback", "kind"),
    [
        ("classic", "TeX Gyre Pagella", "Palatino Linotype", "roman"),
        ("modern", "TeX Gyre Heros", "Helvetica Neue", "swiss"),
    ],
)
def test_fonts_are_named_after_the_template_with_fallbacks(
    template: str, family: str, fallback: str, kind: str
) -> None:
    data = word(selection(SEED_RESUME, template=template))
    document = opened(data)
    assert document.styles["Normal"].font.name == family
    assert document.styles["Heading 2"].font.name == family
    table = part(data, "word/fontTable.xml")
    entry = re.search(rf'<w:font w:name="{family}">(.*?)</w:font>', table)
    assert entry is not None
    assert f'<w:altName w:val="{fallback}"/>' in entry.group(1)
    assert f'<w:family w:val="{kind}"/>' in entry.group(1)


@pytest.mark.parametrize(("paper", "width_mm"), [("a4", 210), ("letter", 215.9)])
def test_page_size_is_the_variant_paper(paper: str, width_mm: float) -> None:
    section = opened(word(selection(SEED_RESUME, paper=paper))).sections[0]
    assert section.page_width is not None
    assert abs(section.page_width.mm - width_mm) < 0.1


# ---------------------------------------------------------------------- safe


def test_injection_corpus_prints_verbatim(tmp_path: Path) -> None:
    documents = hostile(tmp_path)
    checked = 0
    for path, expect in zip(documents.paths, documents.expect, strict=True):
        chosen = selection(path)
        data = word(chosen)
        text = squash(text_of(opened(data)))
        assert [e for e in expect if squash(e) not in text] == []
        check_docx(data, chosen.resume)
        rels = part(data, "word/_rels/document.xml.rels")
        for target in re.findall(r'Target="([^"]*)"[^>]*TargetMode="External"', rels):
            assert re.match(r"^(https?:|mailto:|tel:)", target), target
        checked += len(expect)
    assert checked > 250


# --------------------------------------------------------------- reproducible


def test_same_input_same_bytes_with_fixed_zip_times() -> None:
    chosen = selection(SEED_RESUME)
    first = word(chosen)
    assert word(chosen) == first
    stamp = datetime.datetime.fromtimestamp(EPOCH, datetime.UTC).timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {stamp}
    later = word(chosen, epoch=EPOCH + 86_400)
    assert later != first
    assert opened(later).core_properties.created == datetime.datetime(
        2023, 11, 15, 22, 13, 20, tzinfo=datetime.UTC
    )


def test_cjk_and_rtl_text_prints_as_written() -> None:
    text = text_of(opened(word(selection(CJK_RTL, locale="he"))))
    for needle in (
        "李小龍 (דוד כהן)",
        "مهندس برمجيات — ソフトウェアエンジニア",
        "開発した分散システム、処理速度を３倍に向上。",
        "בניתי מערכת מבוזרת ב־Rust.",
        "طورت نظامًا موزعًا بلغة Go (٣ أضعاف أسرع)",
        "서울대학교",
        "שפת אם",
    ):
        assert needle in text


def test_a_property_too_long_for_the_format_is_cut_with_a_warning(tmp_path: Path) -> None:
    name = " ".join(["Wolfeschlegelsteinhausenbergerdorff"] * 8)  # 287 characters
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"basics": {"name": name}}), encoding="utf-8")
    chosen = selection(path)
    warnings = Warnings()
    data = render_docx(chosen.resume, chosen.variant, epoch=EPOCH, warnings=warnings)
    document = opened(data)
    assert document.paragraphs[0].text == name  # the text itself is whole
    author = document.core_properties.author
    assert len(author) <= 255 and author.endswith("…") and name.startswith(author[:-1])
    assert {w.field_path for w in warnings.items} == {"basics.name", None}  # author, title
    assert all(w.severity == "warning" for w in warnings.items)


# ------------------------------------------------------------------- the build


@requires_tex
def test_build_writes_all_three_formats_and_keeps_them_incremental(
    tmp_path: Path, make_project: Callable[..., Path]
) -> None:
    project = make_project(
        SEED_RESUME.read_text(encoding="utf-8"),
        "variants:\n  cv:\n    template: classic\n    formats: [pdf, html, docx]\n",
    )
    variants = project / "data" / "variants.yaml"
    out = tmp_path / "build"
    (outcome,) = targets.build_variants(variants, options=targets.Options(out=out))
    assert outcome.status == "built", outcome.error and outcome.error.problems
    assert outcome.outputs == {s: out / f"cv.{s}" for s in ("pdf", "html", "docx")}
    assert outcome.pages and outcome.pages >= 2
    check_docx((out / "cv.docx").read_bytes(), selection(SEED_RESUME).resume)
    times = {s: p.stat().st_mtime_ns for s, p in outcome.outputs.items()}
    # Only the Word file, this once: nothing to do, and TeX is not started.
    (word_only,) = targets.build_variants(
        variants, options=targets.Options(out=out, formats=("docx",))
    )
    assert word_only.status == "unchanged" and word_only.outputs == {"docx": out / "cv.docx"}
    # A data edit outside what the variant shows (a tag) changes no output.
    data = project / "data" / "resume.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("tags: [detail]", "tags: [detail, x]", 1),
        encoding="utf-8",
    )
    (again,) = targets.build_variants(variants, options=targets.Options(out=out))
    assert again.status == "unchanged"
    assert {s: p.stat().st_mtime_ns for s, p in again.outputs.items()} == times


def test_right_to_left_locales_make_right_to_left_paragraphs() -> None:
    rtl = opened(word(selection(CJK_RTL, locale="he"))).styles["Normal"].element
    assert rtl.find(f"{W}pPr/{W}bidi") is not None
    assert rtl.find(f"{W}rPr/{W}lang").get(f"{W}bidi") == "he"
    ltr = opened(word(selection(CJK_RTL))).styles["Normal"].element
    assert ltr.find(f"{W}pPr/{W}bidi") is None
    assert ltr.find(f"{W}rPr/{W}lang").get(f"{W}val") == "en"
