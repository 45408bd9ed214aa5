"""Templates: every template × paper size × engine compiles, shows all selected text, and
matches its golden .tex.

One batched build (run in parallel by build's jobs) covers the matrix: each template on
a4 and letter under pdfLaTeX (font sizes 10/11/12 spread over them), once under XeLaTeX
and once under LuaLaTeX, and once with a minimal résumé (empty sections vanish).

Golden files: ``tests/golden/<template>.tex`` is the rendering of
``tests/golden/everything.yaml`` (every section of the data format) with a fixed
version and date. Review the diff by eye when a template changes, then regenerate
with ``CVPRESS_UPDATE_GOLDEN=1 python3 -m pytest tests/test_templates.py`` (or
``invoke golden``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import BUILT_VARIANTS, VARIANTS, requires_tex, run_cvpress, squash
from cvpress.data import load, select, validate
from cvpress.data.variants import Variant
from cvpress.engine import resident
from cvpress.pipeline import targets
from cvpress.pipeline.check import read_pdf, visible_strings
from cvpress.tex import i18n, render, templates

TEMPLATES = ("classic", "modern", "sidebar", "compact", "academic", "banking")
GOLDEN_DIR = Path(__file__).parent / "golden"
EVERYTHING = GOLDEN_DIR / "everything.yaml"
UPDATE = os.environ.get("CVPRESS_UPDATE_GOLDEN") == "1"
#: PDF page sizes in points.
PAPER = {"a4": (595, 842), "letter": (612, 792)}
SIZES = {
    "classic": (10, 12),
    "modern": (12, 10),
    "sidebar": (11, 12),
    "compact": (10, 11),
    "academic": (11, 10),
    "banking": (12, 11),
}

MINIMAL = """
basics:
  name: Min Imal
work:
  - name: Only Co
    position: Sole Role
    startDate: "2020-01"
"""


@dataclass(frozen=True)
class Built:
    """What a test needs of one build outcome."""

    name: str
    status: str
    pdf: Path | None
    warnings: tuple[str, ...]
    error: str


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """The matrix, built once per test run: its tests share one xdist worker (``MATRIX``)."""
    return _build_matrix(tmp_path_factory.mktemp("matrix"))


#: The tests that read the matrix: on one xdist worker, which builds it once.
MATRIX = pytest.mark.xdist_group("template-matrix")


def _build_matrix(folder: Path) -> dict[str, Built]:
    minimal = folder / "minimal.yaml"
    minimal.write_text(MINIMAL, encoding="utf-8")
    lines = ["variants:"]
    for t in TEMPLATES:
        a4, letter = SIZES[t]
        rows: dict[str, dict[str, object]] = {
            f"{t}-a4": {"paper": "a4", "font_size": a4},
            f"{t}-letter": {"paper": "letter", "font_size": letter},
            f"{t}-xelatex": {"engine": "xelatex"},
            f"{t}-lualatex": {"engine": "lualatex"},
            f"{t}-minimal": {"data": str(minimal)},
        }
        for name, opts in rows.items():
            lines += [
                f"  {name}:",
                f"    template: {t}",
                f"    data: {opts.pop('data', EVERYTHING)}",
            ]
            lines += [f"    {k}: {v}" for k, v in opts.items()]
    variants = folder / "variants.yaml"
    variants.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcomes = targets.build_variants(
        variants, options=targets.Options(out=folder / "out", force=True)
    )
    resident.stop(folder)  # outside each test's own folders: no test's end stops them
    return {
        o.name: Built(
            o.name,
            o.status,
            o.pdf,
            tuple(w.message for w in o.warnings),
            str(o.error.problems if o.error else ""),
        )
        for o in outcomes
    }


def _text(outcome: Built) -> str:
    assert outcome.pdf is not None
    return read_pdf(outcome.pdf.read_bytes()).text


@MATRIX
@requires_tex
def test_matrix_builds_without_overfull_boxes(matrix: dict[str, Built]) -> None:
    failed = {n: o.error for n, o in matrix.items() if o.status == "failed"}
    assert not failed
    overfull = {n: o.warnings for n, o in matrix.items() if o.warnings}
    assert not overfull


@MATRIX
@requires_tex
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_paper_size_and_all_text(matrix: dict[str, Built], template: str, paper: str) -> None:
    outcome = matrix[f"{template}-{paper}"]
    assert outcome.pdf is not None
    from pypdf import PdfReader

    box = PdfReader(outcome.pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == PAPER[paper]
    resume = validate.resume(load.load(EVERYTHING))
    omit = templates.omits(template, ())
    text = squash(_text(outcome))
    missing = [p for p, value in visible_strings(resume, omit) if squash(value) not in text]
    assert not missing
    for word in ("work", "volunteer", "education", "projects", "publications", "awards"):
        assert squash(i18n.words("en")[word]) in text


@MATRIX
@requires_tex
@pytest.mark.parametrize("template", TEMPLATES)
def test_unicode_engines_show_the_same_text(matrix: dict[str, Built], template: str) -> None:
    reference = squash(_text(matrix[f"{template}-a4"]))
    for engine in ("xelatex", "lualatex"):
        text = squash(_text(matrix[f"{template}-{engine}"]))
        for needle in ("AdaLovelace-Núñez", "C_compiler_v2", "100%ofR&D", "València", "Talks"):
            assert needle in reference and needle in text, (engine, needle)


@MATRIX
@requires_tex
@pytest.mark.parametrize("template", TEMPLATES)
def test_empty_sections_vanish(matrix: dict[str, Built], template: str) -> None:
    text = _text(matrix[f"{template}-minimal"])
    assert "Sole Role" in text and "Only Co" in text
    for key in ("summary", "education", "skills", "languages", "awards", "volunteer"):
        assert i18n.words("en")[key] not in text, key


@MATRIX
@requires_tex
def test_sidebar_reads_sidebar_then_main_column(matrix: dict[str, Built]) -> None:
    """Sidebar text is one block before the main column: lines never interleave."""
    outcome = matrix["sidebar-a4"]
    assert outcome.pdf is not None
    # Whitespace-free: an award's date now shares its first line, so a title may wrap.
    page = squash(read_pdf(outcome.pdf.read_bytes()).page_texts[0])
    side = ["Education", "València", "Best Paper", "Certified Kubernetes", "Bazel", "Piano"]
    main = ["Summary", "Experience", "Analytical Engines", "punch-card compiler", "Code Club"]
    last_side = max(page.index(squash(s)) for s in side)
    first_main = min(page.index(squash(m)) for m in main)
    assert last_side < first_main
    assert page.index(squash("Ada Lovelace-Núñez")) < page.index("Education")


@MATRIX
@requires_tex
def test_compact_leaves_out_courses_only(matrix: dict[str, Built]) -> None:
    assert "Numerical Methods" not in _text(matrix["compact-a4"])
    assert "Numerical Methods" in _text(matrix["classic-a4"])


def test_templates_command_lists_six_with_descriptions() -> None:
    run = run_cvpress("templates", timeout=60)
    assert run.returncode == 0, run.stderr
    rows = dict(line.split("\t", 1) for line in run.stdout.splitlines() if "\t" in line)
    assert set(TEMPLATES) <= set(rows)
    assert all(rows[t].strip() for t in TEMPLATES)


# ------------------------------------------------------------------ the person's PDFs


@BUILT_VARIANTS
@pytest.mark.tex
def test_person_variants_fit_and_have_no_overfull_box(built_variants: Path) -> None:
    assert read_pdf((built_variants / "resume.pdf").read_bytes()).pages == 1
    for log in built_variants.glob("*.log"):
        assert "Overfull \\hbox" not in log.read_text(encoding="utf-8", errors="replace"), log.name


@BUILT_VARIANTS
@pytest.mark.tex
def test_no_section_heading_ends_a_page(built_variants: Path) -> None:
    titles = {w for lang in ("en", "es") for w in i18n.words(lang).values()}
    for pdf in built_variants.glob("*.pdf"):
        pages = read_pdf(pdf.read_bytes()).page_texts
        for number, page in enumerate(pages[:-1], 1):
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            assert lines and lines[-1] not in titles, (pdf.name, number, lines[-1])


# ------------------------------------------------------------------ golden .tex


def golden_tex(template: str) -> str:
    resume = validate.resume(load.load(EVERYTHING))
    variant = Variant.model_validate({"name": template, "template": template, "footer": True})
    chosen, order = select.apply(resume, variant)
    return render.render(
        chosen, variant, engine="pdflatex", sections=order, version="v0.0.0", updated="January 2000"
    )


@pytest.mark.parametrize("template", TEMPLATES)
def test_golden_tex(template: str) -> None:
    path = GOLDEN_DIR / f"{template}.tex"
    tex = golden_tex(template)
    if UPDATE:
        path.write_text(tex, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert tex == expected, (
        f"{path.name} differs from the rendering: review the change, then "
        "CVPRESS_UPDATE_GOLDEN=1 python3 -m pytest tests/test_templates.py -k golden"
    )
    assert not re.search(r"20[2-9]\d-\d\d-\d\d", tex)  # no build date leaks in


# ------------------------------------------------------------------ previews and gallery


def _decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, channels, pixels) of a PNG written by cvpress.outputs.preview (filter 0)."""
    import struct
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, _, colour = struct.unpack(">IIBB", data[16:26])
    idat, pos = b"", 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += length + 12
    channels = 3 if colour == 2 else 1
    raw = zlib.decompress(idat)
    row = width * channels + 1
    assert all(raw[y * row] == 0 for y in range(height))
    return (
        width,
        height,
        channels,
        b"".join(raw[y * row + 1 : (y + 1) * row] for y in range(height)),
    )


@BUILT_VARIANTS
@pytest.mark.tex
def test_png_preview_of_a_built_pdf(built_variants: Path, tmp_path: Path) -> None:
    pytest.importorskip("pypdfium2")
    from cvpress.outputs import preview

    png = preview.first_page_png(built_variants / "modern.pdf", tmp_path / "m.png")
    width, height, channels, pixels = _decode_png(png.read_bytes())
    assert (width, height) == (827, 1170)  # A4 at 100 dpi
    assert channels == 3 and len(pixels) == width * height * 3  # the accent colour needs RGB
    again = preview.first_page_png(built_variants / "modern.pdf", tmp_path / "again.png")
    assert again.read_bytes() == png.read_bytes()
    grey = preview.first_page_png(built_variants / "cv.pdf", tmp_path / "cv.png")
    assert _decode_png(grey.read_bytes())[2] == 1  # a page without colour is greyscale


@BUILT_VARIANTS
@pytest.mark.tex
def test_readme_gallery_matches_the_build(built_variants: Path) -> None:
    """docs/gallery/<variant>.png shows what the build makes now (`invoke gallery` refreshes).

    The gallery shows the seed résumé (tests/fixtures/seed). A fork whose data/
    holds another person's résumé has a gallery of someone else until it runs
    `invoke gallery`: that is its choice, not a failure, so the test skips.
    """
    pytest.importorskip("pypdfium2")
    root = Path(__file__).resolve().parent.parent
    seed = VARIANTS.parent

    def files(folder: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "private.yaml"
        }

    if files(root / "data") != files(seed):
        pytest.skip(
            "data/ is not the seed résumé the README gallery shows: run `invoke gallery` "
            "to show yours (and commit docs/gallery/)"
        )
    from cvpress.outputs import preview

    readme = (root / "README.md").read_text(encoding="utf-8")
    for variant in validate.variants(VARIANTS):
        committed = root / "docs" / "gallery" / f"{variant.name}.png"
        assert committed.is_file() and f"docs/gallery/{variant.name}.png" in readme, variant.name
        width, height, channels, pixels = _decode_png(committed.read_bytes())
        fresh = preview.encode_png(*preview.render_rgb(built_variants / f"{variant.name}.pdf"))
        assert (width, height, channels) == _decode_png(fresh)[:3], variant.name
        other = _decode_png(fresh)[3]
        differing = sum(a != b for a, b in zip(pixels[::7], other[::7], strict=True))
        assert differing / (len(pixels) / 7) < 0.01, f"{variant.name}: run `invoke gallery`"
