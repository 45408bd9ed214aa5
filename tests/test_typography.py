"""Typography, measured in real PDFs: every template built from
``tests/fixtures/typography/`` with a real engine, read back with PDFium.

What issue 14 asks of every template, as numbers a test can see: a section
heading outranks an organisation name (at least 1.15 times its size, and bold
or in colour); summary, bullets and list lines share one body size; pages
after the first carry "Name · page n of N"; a heading is never the last thing
on a page; the last page is not a few stray lines; the sidebar is tinted only
on pages it reaches; a role that starts a page repeats its employer; no log
reports an overfull or underfull box; academic and banking build under the
three engines on both paper sizes.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import requires_tex
from cvpress.outputs.preview import render_rgb
from cvpress.pipeline import targets

# Every test reads the one module-wide build (:func:`built`): one xdist worker
# runs them all (``--dist loadgroup``), so it is built once, not once a worker.
pytestmark = [requires_tex, pytest.mark.xdist_group("typography")]

FIXTURE = Path(__file__).parent / "fixtures" / "typography" / "resume.yaml"
TEMPLATES = ("classic", "compact", "modern", "sidebar", "academic", "banking")
NEW = ("academic", "banking")
ENGINES = ("pdflatex", "xelatex", "lualatex")
PAPERS = {"a4": (595, 842), "letter": (612, 792)}
NAME = "Gerard C."
#: Roles that share an employer in the fixture (printed under one organisation).
GROUPED_ROLES = ("L5 Machine Learning Engineer", "Machine Learning Engineer")
SIDEBAR_RATIO = 0.30


def _variants() -> dict[str, dict[str, str]]:
    rows = {t: {"template": t, "paper": "a4"} for t in TEMPLATES}
    rows["compact"]["font_size"] = "10"
    rows["cv-es"] = {"template": "classic", "paper": "a4", "locale": "es"}
    for template in NEW:
        for engine in ENGINES:
            for paper in PAPERS:
                rows[f"{template}-{engine}-{paper}"] = {
                    "template": template,
                    "engine": engine,
                    "paper": paper,
                }
    return rows


def _build(folder: Path, data: Path, rows: dict[str, dict[str, str]]) -> dict[str, Path]:
    """Variant name -> PDF for every row (variant options) over ``data``; all must build."""
    lines = ["variants:"]
    for name, options in rows.items():
        lines += [f"  {name}:", f"    data: {data}"]
        lines += [f"    {key}: {value}" for key, value in options.items()]
    variants = folder / "variants.yaml"
    variants.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcomes = targets.build_variants(
        variants, options=targets.Options(out=folder / "out", force=True)
    )
    failed = [(o.name, o.error) for o in outcomes if o.status == "failed"]
    assert not failed, failed
    return {o.name: o.pdf for o in outcomes if o.pdf is not None}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Variant name -> PDF; every variant of :func:`_variants`, built once."""
    return _build(tmp_path_factory.mktemp("typography"), FIXTURE, _variants())


# ------------------------------------------------------------------ measuring


@dataclass(frozen=True)
class Glyph:
    """The first character of a run of text, as PDFium reports it."""

    page: int
    size: float
    weight: int
    font: str
    colour: tuple[int, int, int]
    top: float


def _glyphs(pdf: Path, text: str) -> Iterator[Glyph]:
    """Every occurrence of ``text`` in ``pdf``: its first character's font facts."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    document = pypdfium2.PdfDocument(pdf)
    try:
        for number in range(len(document)):
            textpage = document[number].get_textpage()
            searcher = textpage.search(text, match_case=True)
            while (found := searcher.get_next()) is not None:
                index = found[0]
                rgba = [ctypes.c_uint() for _ in range(4)]
                pdfium_c.FPDFText_GetFillColor(textpage.raw, index, *rgba)
                name = ctypes.create_string_buffer(256)
                flags = ctypes.c_int()
                pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, name, 256, flags)
                yield Glyph(
                    page=number,
                    size=round(pdfium_c.FPDFText_GetFontSize(textpage.raw, index), 2),
                    weight=pdfium_c.FPDFText_GetFontWeight(textpage.raw, index),
                    font=name.value.decode(),
                    colour=(rgba[0].value, rgba[1].value, rgba[2].value),
                    top=textpage.get_charbox(index)[3],
                )
    finally:
        document.close()


def _first(pdf: Path, text: str) -> Glyph:
    found = next(_glyphs(pdf, text), None)
    assert found is not None, f"{text!r} not found in {pdf.name}"
    return found


def _heading(pdf: Path, text: str) -> Glyph:
    """The section heading ``text``: its largest occurrence (a label may share the word)."""
    return max(_glyphs(pdf, text), key=lambda g: g.size)


@dataclass(frozen=True)
class Line:
    text: str
    left: float
    top: float
    bottom: float


def _lines(pdf: Path, page: int) -> tuple[float, float, list[Line]]:
    """(width, height, text lines of one page, top to bottom) from PDFium's characters.

    Characters on one baseline form a line; a horizontal gap wider than
    ``_GAP`` starts another (a flush-right date, the other column).
    """
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    document = pypdfium2.PdfDocument(pdf)
    try:
        handle = document[page]
        width, height = handle.get_size()
        textpage = handle.get_textpage()
        chars = []
        x, y = ctypes.c_double(), ctypes.c_double()
        for index in range(textpage.count_chars()):
            char = textpage.get_text_range(index, 1)
            if not char.strip():
                continue
            left, bottom, right, top = textpage.get_charbox(index)
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, x, y)
            chars.append((-round(y.value), left, right, top, bottom, char))
    finally:
        document.close()
    lines: list[Line] = []
    current: list[tuple[int, float, float, float, float, str]] = []
    for char in sorted(chars):
        if current and (char[0] != current[-1][0] or char[1] - current[-1][2] > _GAP):
            lines.append(_line(current))
            current = []
        current.append(char)
    if current:
        lines.append(_line(current))
    return width, height, lines


_GAP = 15.0


def _line(chars: list[tuple[int, float, float, float, float, str]]) -> Line:
    return Line(
        "".join(c[5] for c in chars),
        chars[0][1],
        max(c[3] for c in chars),
        min(c[4] for c in chars),
    )


def _pages(pdf: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def _is_foot(line: Line) -> bool:
    """The running foot: "Name · page n of N", in any language."""
    return line.text.replace(" ", "").startswith(NAME.replace(" ", "") + "\u00b7")


def last_page_fill(pdf: Path) -> float:
    """How much of the last page's text area holds text (0..1), the running foot excluded.

    The text area runs from the top of the first line of text on the last page
    (page 1: the name) down to the top of the running foot (pages after the
    first) or, on a one-page document, to a bottom margin as deep as the top one.
    """
    last = _pages(pdf) - 1
    _width, height, lines = _lines(pdf, last)
    body = [line for line in lines if not _is_foot(line)]
    feet = [line for line in lines if _is_foot(line)]
    top_of_area = max(line.top for line in body)
    # No foot (one page): the bottom margin taken as deep as the top one.
    bottom_of_area = feet[0].top + 4 if feet else height - top_of_area
    lowest = min(line.bottom for line in body)
    return round((top_of_area - lowest) / (top_of_area - bottom_of_area), 2)


# ---------------------------------------------------------------------- tests


@pytest.mark.parametrize("template", TEMPLATES)
def test_heading_outranks_the_organisation(built: dict[str, Path], template: str) -> None:
    heading = _heading(built[template], "Experience")
    organisation = _first(built[template], "Block Inc")
    assert heading.size >= 1.15 * organisation.size, (heading, organisation)
    bold = heading.weight >= 500 or "Bold" in heading.font
    assert bold or heading.colour != (0, 0, 0), heading


@pytest.mark.parametrize("template", TEMPLATES)
def test_one_body_size(built: dict[str, Path], template: str) -> None:
    pdf = built[template]
    summary = _first(pdf, "Interested in building")
    bullet = _first(pdf, "Co-authored and launched initial version for automatic")
    assert summary.size == bullet.size, (summary, bullet)
    if template != "sidebar":  # the sidebar's lists are its own, smaller column
        skills = _first(pdf, "Java, Python")
        assert skills.size == summary.size, (skills, summary)


@pytest.mark.parametrize("template", TEMPLATES)
def test_running_foot_on_every_page_after_the_first(built: dict[str, Path], template: str) -> None:
    pdf = built[template]
    pages = _pages(pdf)
    for page in range(pages):
        lines = [line.text for line in _lines(pdf, page)[2]]
        foot = f"{NAME}·page{page + 1}of{pages}".replace(" ", "")
        on_page = any(foot in text.replace(" ", "") for text in lines)
        assert on_page == (page > 0), (page, lines[-2:])


def test_running_foot_is_localized(built: dict[str, Path]) -> None:
    pdf = built["cv-es"]
    assert _pages(pdf) > 1
    lines = [line.text.replace(" ", "") for line in _lines(pdf, 1)[2]]
    assert any(f"{NAME}·página2de".replace(" ", "") in text for text in lines), lines[-2:]


HEADINGS = (
    "Summary",
    "Experience",
    "Volunteering",
    "Education",
    "Publications",
    "Awards",
    "Skills",
    "Languages",
    "Interests",
)


@pytest.mark.parametrize("template", TEMPLATES)
def test_headings_keep_their_first_entry(built: dict[str, Path], template: str) -> None:
    """A heading is followed on its own page, in its own column, by at least two lines."""
    pdf = built[template]
    for page in range(_pages(pdf)):
        width, _height, lines = _lines(pdf, page)
        for column in _columns(template, width, lines):
            body = [line for line in column if not _is_foot(line)]
            for position, line in enumerate(body):
                if line.text in HEADINGS:
                    # Interests is the fixture's last section: one line in all.
                    wanted = 1 if line.text == "Interests" else 2
                    assert len(body) - position > wanted, (page, line.text, template)


def _columns(template: str, width: float, lines: list[Line]) -> list[list[Line]]:
    if template != "sidebar":
        return [lines]
    split = width * (SIDEBAR_RATIO + 0.05)
    return [[ln for ln in lines if ln.left < split], [ln for ln in lines if ln.left >= split]]


@pytest.mark.parametrize("template", TEMPLATES)
def test_last_page_is_not_a_few_stray_lines(built: dict[str, Path], template: str) -> None:
    assert last_page_fill(built[template]) >= 0.25


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_role_that_starts_a_page_repeats_its_employer(
    built: dict[str, Path], template: str
) -> None:
    pdf = built[template]
    for page in range(1, _pages(pdf)):
        width, _height, lines = _lines(pdf, page)
        main = _columns(template, width, lines)[-1]
        first = main[0].text
        assert not any(first.startswith(role.replace(" ", "")) for role in GROUPED_ROLES), (
            page,
            first,
        )


def test_the_employer_line_appears_where_a_role_starts_a_page(built: dict[str, Path]) -> None:
    """The fixture puts a Twitter role at the top of page 2 of classic: it says so."""
    lines = [line.text for line in _lines(built["classic"], 1)[2]]
    assert lines[0] == "Twitter,continued", lines[:2]
    assert lines[1].startswith("MachineLearningEngineer")


def test_sidebar_tint_only_where_the_sidebar_has_text(built: dict[str, Path]) -> None:
    pdf = built["sidebar"]
    dpi = 36
    seen = set()
    for page in range(_pages(pdf)):
        width, height, lines = _lines(pdf, page)
        side = [ln for ln in lines[1:] if ln.left < width * SIDEBAR_RATIO and not _is_foot(ln)]
        pixels_wide, _tall, rgb = render_rgb(pdf, dpi=dpi, page=page)
        # A point inside the tint's margin below the text area, left of the sidebar text.
        x = int(36 * dpi / 72)
        y = int((height - 40) * dpi / 72)
        r, g, b = rgb[3 * (y * pixels_wide + x) : 3 * (y * pixels_wide + x) + 3]
        tinted = (r, g, b) != (255, 255, 255)
        assert tinted == bool(side), (page, (r, g, b), [ln.text for ln in side[:2]])
        seen.add(tinted)
    assert seen == {True, False}, "the fixture should leave the sidebar empty on a page"


def test_logs_have_no_overfull_or_underfull_box(built: dict[str, Path]) -> None:
    for name, pdf in built.items():
        log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"(Overfull|Underfull) \\[hv]box", log), name


@pytest.mark.parametrize("template", NEW)
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("paper", PAPERS)
def test_new_templates_build_everywhere(
    built: dict[str, Path], template: str, engine: str, paper: str
) -> None:
    import pypdfium2

    pdf = built[f"{template}-{engine}-{paper}"]
    document = pypdfium2.PdfDocument(pdf)
    try:
        width, height = document[0].get_size()
    finally:
        document.close()
    assert (round(width), round(height)) == PAPERS[paper]


def test_academic_numbers_publications_and_puts_education_first(built: dict[str, Path]) -> None:
    pdf = built["academic"]
    assert _first(pdf, "Education").page == 0
    assert _heading(pdf, "Education").top > _heading(pdf, "Summary").top
    assert next(_glyphs(pdf, "[1]"), None) is not None
    assert next(_glyphs(pdf, "[2]"), None) is not None


def test_typographic_dash_and_quotes_read_as_typed(built: dict[str, Path]) -> None:
    """Shown as an en dash and curly quotes, extracted as the data wrote them."""
    from cvpress.pipeline.check import read_pdf

    for name in TEMPLATES:
        text = read_pdf(built[name].read_bytes()).text
        if name != "compact":  # the compact variant has no Balsells award line
            assert "(2017-2019, two years" in text, name
        assert '"Tuning Word2vec' in text or name == "compact", name
        dashes = [ln for ln in text.splitlines() if "\u2013" in ln.replace(" \u2013 ", "")]
        # banking's bullet mark is an en dash; no dash comes from the data's hyphens
        assert all(ln.startswith("\u2013 ") for ln in dashes), (name, dashes[:3])


LONG = Path(__file__).parent / "fixtures" / "typography" / "long-names.yaml"


@pytest.fixture(scope="module")
def long_names(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every template with an organisation and role longer than a line."""
    rows = {template: {"template": template} for template in TEMPLATES}
    return _build(tmp_path_factory.mktemp("long-names"), LONG, rows)


def _gap_before(pdf: Path, text: str) -> float | None:
    """Points between ``text`` and the character before it on its baseline (None: line start)."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    document = pypdfium2.PdfDocument(pdf)
    try:
        textpage = document[0].get_textpage()
        found = textpage.search(text, match_case=True).get_next()
        assert found is not None, text
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDFText_GetCharOrigin(textpage.raw, found[0], origin_x, origin_y)
        baseline, left = origin_y.value, textpage.get_charbox(found[0])[0]
        rights = []
        for index in range(textpage.count_chars()):
            if not textpage.get_text_range(index, 1).strip():
                continue
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, origin_x, origin_y)
            box = textpage.get_charbox(index)
            if abs(origin_y.value - baseline) < 0.5 and box[2] <= left + 0.01 and index < found[0]:
                rights.append(box[2])
    finally:
        document.close()
    return left - max(rights) if rights else None


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_long_role_never_runs_into_its_date(long_names: dict[str, Path], template: str) -> None:
    """The date keeps at least half an em from the role before it on its line."""
    pdf = long_names[template]
    size = _first(pdf, "Jan 2020").size
    gap = _gap_before(pdf, "Jan 2020")
    assert gap is not None, "the date should end the role's last line"
    assert gap >= 0.5 * size, gap


def test_page_records_cost_a_pass_only_for_more_than_one_page(
    built: dict[str, Path], long_names: dict[str, Path]
) -> None:
    """The running foot's "of N" needs the previous pass; a one-page document needs none."""
    from cvpress.engine.passes import compile_tex

    one_page = long_names["classic"].with_suffix(".tex").read_text(encoding="utf-8")
    three_pages = built["classic"].with_suffix(".tex").read_text(encoding="utf-8")
    assert compile_tex(one_page).passes == 1
    assert compile_tex(three_pages).passes == 2


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Fellowship (2017-2019, two years)", r"Fellowship (2017\cvendash{}2019, two years)"),
        ("pages 9-12", r"pages 9\cvendash{}12"),
        ("on 2024-09-15", "on 2024-09-15"),  # an ISO date
        ("call 555-1234", "call 555-1234"),  # not a range: digit counts differ
        ("from 12-9", "from 12-9"),  # not a range: the second is smaller
        ("v1.2-3", "v1.2-3"),  # a version
        ('for "Tuning Word2vec"', r"for \cvlquote{}Tuning Word2vec\cvrquote{}"),
        ("it's 'ok'", r"it\cvrsquote{}s \cvlsquote{}ok\cvrsquote{}"),
    ],
)
def test_what_shows_typographically(text: str, shown: str) -> None:
    from cvpress.tex.markdown import markdown

    assert markdown(text) == shown


def test_the_text_check_reads_across_the_running_foot() -> None:
    """A bullet split over two pages is compared without the foot between its halves."""
    from cvpress.pipeline.check import without_running_foot

    pages = ["Gerard C.\nSummary\nLed the first half", "of it\nGerard C. · página 2 de 2"]
    assert without_running_foot(pages, "Gerard C.") == [pages[0], "of it"]
    data_line = ["Gerard C.\nSee Gerard C. · notes 1 and 2", "x"]
    assert without_running_foot(data_line, "Gerard C.") == data_line


def test_no_tint_without_sidebar_sections(long_names: dict[str, Path]) -> None:
    """The long-names résumé has nothing for the sidebar: no page is tinted."""
    dpi = 36
    pixels_wide, tall, rgb = render_rgb(long_names["sidebar"], dpi=dpi, page=0)
    x, y = int(36 * dpi / 72), tall - int(40 * dpi / 72)
    assert rgb[3 * (y * pixels_wide + x) : 3 * (y * pixels_wide + x) + 3] == b"\xff\xff\xff"
