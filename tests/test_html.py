"""The HTML output: complete, valid HTML5, self-contained, accessible, safe, reproducible.

Pages are parsed with html5lib in strict mode (any parse error fails) into an
element tree; text is read from that tree, not from cvpress's own read-back,
so the two parsers check each other.
"""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest

from conftest import requires_tex, run_cvpress, squash
from cvpress.errors import CheckError, InputError
from cvpress.outputs import readback, site
from cvpress.outputs.html import render_html
from cvpress.outputs.readback import check_html, html_text
from cvpress.pipeline import targets
from outputs_support import (
    CJK_RTL,
    JSONRESUME,
    SEED_RESUME,
    TEMPLATES,
    Selection,
    hostile,
    missing_seed_facts,
    selection,
)

NS = "{http://www.w3.org/1999/xhtml}"


def page(chosen: Selection) -> bytes:
    return render_html(chosen.resume, chosen.variant, sections=chosen.order)


def parse(html: bytes) -> ET.Element:
    """The page as a tree; html5lib's strict mode raises on any parse error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    return parser.parse(html, transport_encoding="utf-8")


def body_text(tree: ET.Element) -> str:
    body = tree.find(f"{NS}body")
    assert body is not None
    return "".join(body.itertext())


def elements(tree: ET.Element, tag: str) -> list[ET.Element]:
    return list(tree.iter(f"{NS}{tag}"))


def json_ld(tree: ET.Element) -> dict[str, object]:
    (script,) = elements(tree, "script")
    assert script.get("type") == "application/ld+json"
    data = json.loads(script.text or "")
    assert isinstance(data, dict)
    return data


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# ------------------------------------------------------------------ content


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_seed_fact_is_in_the_page(template: str) -> None:
    assert (
        missing_seed_facts(body_text(parse(page(selection(SEED_RESUME, template=template))))) == []
    )


@pytest.mark.parametrize("path", [SEED_RESUME, JSONRESUME, CJK_RTL], ids=lambda p: p.stem)
def test_read_back_finds_every_visible_field(path: Path) -> None:
    chosen = selection(path)
    check_html(page(chosen), chosen.resume)


def test_a_missing_field_fails_the_check_naming_it() -> None:
    chosen = selection(SEED_RESUME)
    html = page(chosen)
    first = chosen.resume.work[0]
    bullet = first.highlights[0].model_copy(update={"text": "A bullet the page does not hold"})
    changed = first.model_copy(update={"highlights": (*first.highlights, bullet)})
    other = chosen.resume.model_copy(update={"work": (changed, *chosen.resume.work[1:])})
    with pytest.raises(CheckError) as caught:
        check_html(html, other)
    assert caught.value.field_path == f"work[0].highlights[{len(first.highlights)}].text"


def test_variant_selection_is_respected() -> None:
    chosen = selection(SEED_RESUME, include_tags=["ml-infra"], sections=["work", "skills"])
    text = body_text(parse(page(chosen)))
    assert "Education" not in text and "Experience" in text
    assert "Led support for hosting FAISS" in text  # tagged ml-infra
    assert "Mentored new team members" not in text  # tagged detail only
    read = html_text(page(chosen))  # the read-back sees the body only
    assert "font-family" not in read and "schema.org" not in read


# ------------------------------------------------------------- HTML5, JSON-LD


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("path", [SEED_RESUME, JSONRESUME, CJK_RTL], ids=lambda p: p.stem)
def test_page_is_valid_html5_with_person_json_ld(template: str, path: Path) -> None:
    chosen = selection(path, template=template)
    tree = parse(page(chosen))
    data = json_ld(tree)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Person"
    assert data["name"] == chosen.resume.basics.name
    roles = data.get("worksFor", [])
    assert isinstance(roles, list) and len(roles) == len(chosen.resume.work)
    schools = data.get("alumniOf", [])
    assert isinstance(schools, list) and len(schools) == len(chosen.resume.education)


def test_json_ld_keeps_script_closers_as_data(tmp_path: Path) -> None:
    name = "Ada </script><script>alert(1)</script> <!-- x"
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"basics": {"name": name}}), encoding="utf-8")
    html = page(selection(path))
    assert html.lower().count(b"<script") == 1
    assert json_ld(parse(html))["name"] == name


# ---------------------------------------------------------- self-contained, safe


def _assert_inert(html: bytes, tree: ET.Element) -> None:
    """No script but the JSON-LD, no event handler, nothing fetched, no unsafe link."""
    assert html.lower().count(b"<script") == 1
    assert [s.get("type") for s in elements(tree, "script")] == ["application/ld+json"]
    for element in tree.iter():
        for attribute in element.attrib:
            assert not attribute.lower().startswith("on"), (element.tag, attribute)
        assert "src" not in element.attrib, element.tag
    for tag in ("link", "img", "iframe", "object", "embed", "svg", "math", "base", "form"):
        assert elements(tree, tag) == [], tag
    for anchor in elements(tree, "a"):
        assert re.match(r"^(https?:|mailto:|tel:)", anchor.get("href", "")), anchor.get("href")
        assert "".join(anchor.itertext()).strip(), "a link with no text"
    (style,) = elements(tree, "style")
    assert not re.search(r"url\(|@import|@font-face", style.text or "", re.I)


def test_injection_corpus_prints_verbatim_and_stays_inert(tmp_path: Path) -> None:
    documents = hostile(tmp_path)
    checked = 0
    for path, expect in zip(documents.paths, documents.expect, strict=True):
        chosen = selection(path)
        html = page(chosen)
        tree = parse(html)
        _assert_inert(html, tree)
        text = squash(body_text(tree))
        assert [e for e in expect if squash(e) not in text] == []
        check_html(html, chosen.resume)
        checked += len(expect)
    assert checked > 250


def test_javascript_links_are_never_linked(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    bullet = "See [my site](javascript:alert(1)) and [docs](https://example.com/docs)"
    path.write_text(
        json.dumps({"basics": {"name": "Ada"}, "work": [{"name": "X", "highlights": [bullet]}]}),
        encoding="utf-8",
    )
    tree = parse(page(selection(path)))
    hrefs = [a.get("href") for a in elements(tree, "a")]
    assert hrefs == ["https://example.com/docs"]
    # markdown-it refuses the javascript: target, so the link prints as written.
    assert "See [my site](javascript:alert(1)) and docs" in body_text(tree)


# ------------------------------------------------------------------ accessible


def test_language_and_direction_follow_the_locale() -> None:
    tree = parse(page(selection(CJK_RTL, locale="he")))
    assert tree.get("lang") == "he" and tree.get("dir") == "rtl"
    tree = parse(page(selection(SEED_RESUME, locale="es")))
    assert tree.get("lang") == "es" and tree.get("dir") == "ltr"
    assert "Experiencia profesional" in body_text(tree)


@pytest.mark.parametrize("path", [SEED_RESUME, JSONRESUME], ids=lambda p: p.stem)
def test_headings_are_in_order(path: Path) -> None:
    tree = parse(page(selection(path)))
    levels = [int(e.tag[-1]) for e in tree.iter() if re.fullmatch(rf"{NS}h[1-6]", e.tag)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    sections = elements(tree, "section")
    assert sections and all(s.find(f"{NS}h2") is not None for s in sections)
    assert elements(tree, "header") and elements(tree, "main")


def test_dates_are_time_elements() -> None:
    tree = parse(page(selection(SEED_RESUME)))
    stamps = [t.get("datetime") for t in elements(tree, "time")]
    assert "2024-09" in stamps
    assert all(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", s or "") for s in stamps)


def test_lists_are_lists() -> None:
    chosen = selection(SEED_RESUME)
    tree = parse(page(chosen))
    items = {"".join(li.itertext()) for li in elements(tree, "li")}
    assert chosen.resume.work[0].highlights[0].text in items


def test_contact_links_say_where_they_go() -> None:
    tree = parse(page(selection(JSONRESUME)))
    for anchor in elements(tree, "a"):
        target = anchor.get("href", "")
        text = "".join(anchor.itertext())
        assert text.strip()
        if target.startswith("mailto:"):
            assert text == target.removeprefix("mailto:")
    # A profile with a username shows "network: username", linked (as the PDF).
    profile = [a for a in elements(tree, "a") if "twitter" in a.get("href", "")]
    assert "".join(profile[0].itertext()) == "Twitter: neutralthoughts"


@pytest.mark.parametrize("accent", ["1F4E79", "FFEE00", "00FF00", "FFFFFF", "777777"])
def test_every_colour_reaches_4_5_to_1(accent: str) -> None:
    html = page(selection(SEED_RESUME, accent=accent))
    (style,) = elements(parse(html), "style")
    css = style.text or ""
    paper = re.search(r"--paper: #([0-9A-Fa-f]{6})", css)
    assert paper is not None
    colours = set(re.findall(r"#([0-9A-Fa-f]{6})", css)) - {paper.group(1)}
    assert len(colours) >= 3
    for colour in colours:
        assert contrast(colour, paper.group(1)) >= 4.5, colour


# ------------------------------------------------------------------------ look


@pytest.mark.parametrize(("paper", "size"), [("a4", "A4"), ("letter", "letter")])
def test_print_stylesheet_uses_the_variant_paper(paper: str, size: str) -> None:
    (style,) = elements(parse(page(selection(SEED_RESUME, paper=paper))), "style")
    assert re.search(rf"@page \{{ size: {size};", style.text or "")
    assert "@media print" in (style.text or "")


@pytest.mark.parametrize(
    ("template", "family", "generic"),
    [("classic", "TeX Gyre Pagella", "serif"), ("modern", "TeX Gyre Heros", "sans-serif")],
)
def test_fonts_and_accent_come_from_the_template_and_variant(
    template: str, family: str, generic: str
) -> None:
    (style,) = elements(parse(page(selection(SEED_RESUME, template=template))), "style")
    css = style.text or ""
    body = re.search(r"html \{ font-family: ([^;]+);", css)
    assert body is not None
    families = [f.strip() for f in body.group(1).split(",")]
    assert families[0] == family and families[-1] == generic and len(families) >= 3
    accented = parse(page(selection(SEED_RESUME, template=template, accent="2E5E4E")))
    (style,) = elements(accented, "style")
    assert "--accent: #2E5E4E;" in (style.text or "")


# --------------------------------------------------------------- reproducible


def test_same_input_same_bytes() -> None:
    assert page(selection(SEED_RESUME)) == page(selection(SEED_RESUME))


def test_cjk_and_rtl_text_prints_as_written() -> None:
    chosen = selection(CJK_RTL)
    text = body_text(parse(page(chosen)))
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


# ------------------------------------------------------------------- the build


def _project(make_project: Callable[..., Path], formats: str) -> Path:
    """The variants file of a project with one variant ``web`` over the seed résumé."""
    variants = f"variants:\n  web:\n    template: modern\n    formats: {formats}\n"
    return make_project(SEED_RESUME.read_text(encoding="utf-8"), variants) / "data/variants.yaml"


def test_build_writes_the_page_and_skips_tex_when_no_pdf_is_wanted(
    tmp_path: Path, make_project: Callable[..., Path]
) -> None:
    variants = _project(make_project, "[html]")
    out = tmp_path / "build"
    (outcome,) = targets.build_variants(variants, options=targets.Options(out=out))
    assert outcome.status == "built", outcome.error and outcome.error.problems
    assert outcome.outputs == {"html": out / "web.html"} and outcome.pdf is None
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["web.html"]
    check_html((out / "web.html").read_bytes(), selection(SEED_RESUME).resume)
    before = (out / "web.html").stat().st_mtime_ns
    (again,) = targets.build_variants(variants, options=targets.Options(out=out))
    assert again.status == "unchanged" and again.outputs == outcome.outputs
    # A data edit the page shows rebuilds it; the file is replaced, not edited in place.
    data = variants.parent / "resume.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("Mentored new team", "Coached new team"),
        encoding="utf-8",
    )
    (edited,) = targets.build_variants(variants, options=targets.Options(out=out))
    assert edited.status == "built"
    assert "Coached new team" in html_text((out / "web.html").read_bytes())
    assert (out / "web.html").stat().st_mtime_ns != before


def test_a_failed_check_keeps_the_last_good_page(
    tmp_path: Path, make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    variants = _project(make_project, "[html]")
    out = tmp_path / "build"
    targets.build_variants(variants, options=targets.Options(out=out))
    good = (out / "web.html").read_bytes()

    def refuse(page: bytes, resume: object) -> None:  # stands in for a template that drops text
        raise CheckError("text of work[0].position is missing", field_path="work[0].position")

    monkeypatch.setattr(readback, "check_html", refuse)
    (failed,) = targets.build_variants(
        variants, options=targets.Options(out=out, force=True, formats=("html",))
    )
    assert failed.status == "failed" and isinstance(failed.error, CheckError)
    assert failed.error.field_path == "work[0].position"
    assert failed.error.location is not None and failed.error.location.line
    assert (out / "web.html").read_bytes() == good


def test_format_option_overrides_the_variants_for_one_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = ["build", "--data", str(JSONRESUME), "--template", "sidebar", "--out", str(out)]
    result = run_cvpress(*command, "--format", "html", "--format", "docx")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "sidebar.docx",
        "sidebar.html",
    ]
    assert f"{out / 'sidebar.html'}, {out / 'sidebar.docx'}" in result.stderr
    bad = run_cvpress(*command, "--format", "odt")
    assert bad.returncode == 2 and "--format" in bad.stderr and "Traceback" not in bad.stderr


def test_an_unknown_format_in_the_variants_file_is_bad_input(
    tmp_path: Path, make_project: Callable[..., Path]
) -> None:
    variants = _project(make_project, "[pdf, odt]")
    with pytest.raises(InputError) as caught:
        targets.build_variants(variants, options=targets.Options(out=tmp_path / "build"))
    assert caught.value.exit_code == 2
    problem = caught.value.problems[0]
    assert "formats" in (problem.field_path or "") and problem.location is not None
    assert problem.location.line == 4


@requires_tex
def test_site_folder_links_every_pdf_from_index(
    tmp_path: Path, make_project: Callable[..., Path]
) -> None:
    variants = _project(make_project, "[pdf]")
    with variants.open("a", encoding="utf-8") as handle:
        handle.write("  short:\n    template: compact\n    sections: [work, skills]\n")
    out = tmp_path / "site"
    written = site.make(variants, ["web", "short"], out, build_dir=tmp_path / "build")
    assert written[0] == out / "index.html"
    assert sorted(p.name for p in out.iterdir()) == [
        ".nojekyll",
        "index.html",
        "short.pdf",
        "web.pdf",
    ]
    html = (out / "index.html").read_bytes()
    tree = parse(html)
    links = [a.get("href") for a in elements(tree, "a") if a.get("href", "").endswith(".pdf")]
    assert links == ["web.pdf", "short.pdf"]
    assert all((out / link).read_bytes().startswith(b"%PDF") for link in links if link)
    check_html(html, selection(SEED_RESUME, template="modern").resume)
