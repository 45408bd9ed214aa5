"""Fitting a variant to max_pages, and forced page breaks (issue 16).

The ladder, the prediction and the search are checked without TeX on a
stand-in ``run`` (a page count per step); everything else builds real PDFs
from ``tests/fixtures/fit/`` (a résumé that is two pages in every template)
and reads them back with PDFium.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from conftest import requires_tex
from cvpress import cli
from cvpress.data import load, validate
from cvpress.errors import CheckError
from cvpress.pipeline import fit
from cvpress.pipeline.check import read_pdf
from cvpress.tex import templates

FIXTURES = Path(__file__).parent / "fixtures" / "fit"
VARIANTS = FIXTURES / "variants.yaml"
#: Every bundled template, those added later included.
TEMPLATES = sorted(templates.available())


def _points(mm: float) -> float:
    """A margin in TeX points, as the fitting report gives it."""
    return mm / 25.4 * 72.27


def build(tmp_path: Path, *names: str, variants: Path = VARIANTS) -> int:
    args = ["build", "--variants", str(variants), "--out", str(tmp_path), "--force"]
    for name in names:
        args += ["--variant", name]
    return cli.main(args)


# ------------------------------------------------------------ without TeX


def test_ladder_goes_spacing_then_font_then_margins_then_bullets() -> None:
    steps = fit.ladder(11, _points(19), droppable=2)
    assert [s.spacing for s in steps[:3]] == [900, 800, 700]
    assert [s.font for s in steps[3:6]] == [10.5, 10.0, 9.5]
    assert [s.margin_cut for s in steps[6:8]] == [2, 4]
    assert [s.drops for s in steps[8:]] == [1, 2]
    tightest = steps[-1]
    assert (tightest.spacing, tightest.font, tightest.margin_cut) == (700, 9.5, 4)
    # Floors: never under 9.5 pt, and a template already at 1.5 cm has no margin step.
    assert min(s.font or 99 for s in fit.ladder(10, _points(15), 0)) == 9.5
    assert not any(s.margin_cut for s in fit.ladder(12, _points(12.5), 0))


def test_step_descriptions_say_what_changed() -> None:
    step = fit.Step(spacing=850, font=10.5)
    assert step.describe() == "spacing −15%, font 10.5 pt"
    dropped = fit.Step(spacing=700, margin_cut=2, drops=1).describe(["work[5].highlights[4]"])
    assert dropped == (
        "spacing −30%, margins −2 mm, 1 bullet dropped, oldest first (work[5].highlights[4])"
    )


def test_droppable_bullets_are_the_tagged_ones_oldest_entry_first() -> None:
    resume = validate.resume(load.load(FIXTURES / "two-pages.yaml"))
    found = fit.droppable(resume, ("detail",))
    assert found[:3] == [("work", 7, 4), ("work", 7, 3), ("work", 7, 2)]  # 2009, the oldest
    assert all(resume.work[i].highlights[j].tags == ("detail",) for _, i, j in found)
    assert fit.droppable(resume, ()) == []
    fewer = fit.without(resume, found[:2])
    assert len(fewer.work[7].highlights) == 3 and len(resume.work[7].highlights) == 5


def _measure(content: float) -> fit.Measure:
    return fit.Measure(content, 100.0, 750.0, 490.0, 54.0, 54.0, 45.0, 48.0)


@pytest.mark.parametrize("answer", [0, 1, 4, 9, 15])
def test_search_finds_the_first_step_that_fits_in_a_few_runs(answer: int) -> None:
    steps = fit.ladder(11, _points(19), droppable=8)
    runs: list[int] = []
    rounds = 0

    def run(probes: Sequence[fit.Probe[int]]) -> list[fit.Attempt[int]]:
        nonlocal rounds
        rounds += 1
        indices = [steps.index(p.step) for p in probes]
        runs.extend(indices)
        # Content shrinks along the ladder; measurements lie a little (as TeX's do).
        return [fit.Attempt(1 if i >= answer else 2, _measure(900 - 10 * i), i) for i in indices]

    found = fit.search(
        fit.Attempt(2, _measure(900), -1), steps, 1, run, base_font=11, bullet_heights=[13] * 8
    )
    assert isinstance(found, fit.Fitted)
    assert found.step == steps[answer]
    # Never one run per step: a few rounds of at most two runs side by side.
    assert rounds <= 6 and len(runs) <= 8, runs


def test_search_reports_every_try_when_nothing_fits() -> None:
    steps = fit.ladder(11, _points(19), droppable=0)
    tried = fit.search(
        fit.Attempt(3, _measure(2000), None),
        steps,
        1,
        lambda probes: [fit.Attempt(2, _measure(1500), None) for _ in probes],
        base_font=11,
        bullet_heights=[],
    )
    assert tried == [(steps[-1], 2)]  # the tightest step settles it in one run


def test_measure_reads_the_report_lines() -> None:
    values = {"content": 907.5, "space": 133, "textheight": 751.15, "textwidth": 489}
    values |= {"left": 54, "right": 54, "top": 45.5, "bottom": 48.4}
    log = "\n".join(f"cvpress-fit:{k}={v}pt" for k, v in values.items())
    found = fit.measure(log)
    assert found is not None and found.content == 907.5 and found.bottom == 48.4
    assert fit.measure("no report") is None


# ------------------------------------------------------------ with TeX


@requires_tex
@pytest.mark.parametrize("template", TEMPLATES)
def test_two_pages_fitted_to_one_in_every_template(
    template: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    variants = tmp_path / "variants.yaml"
    variants.write_text(
        f"defaults: {{data: {FIXTURES / 'two-pages.yaml'}, template: {template}}}\n"
        "variants:\n"
        "  natural: {max_pages: 2}\n"
        "  fitted: {max_pages: 1, fit: true, fit_drop_tags: [detail]}\n",
        encoding="utf-8",
    )
    assert build(tmp_path, "natural", variants=variants) == 0  # the same content, unfitted
    assert read_pdf((tmp_path / "natural.pdf").read_bytes()).pages == 2
    capsys.readouterr()
    assert build(tmp_path, "fitted", variants=variants) == 0
    printed = capsys.readouterr().err
    assert "fitted to 1 page: spacing −" in printed, printed
    facts = read_pdf((tmp_path / "fitted.pdf").read_bytes())
    assert facts.pages == 1
    assert "Marta Vidal Ferrer" in facts.text
    assert "Northwind Analytics" in facts.text and "Universitat de Barcelona" in facts.text


@requires_tex
def test_a_fitted_build_is_deterministic_and_untagged_bullets_stay(tmp_path: Path) -> None:
    assert build(tmp_path / "a", "classic") == 0
    assert build(tmp_path / "b", "classic") == 0
    first = (tmp_path / "a" / "classic.pdf").read_bytes()
    assert first == (tmp_path / "b" / "classic.pdf").read_bytes()
    text = read_pdf(first).text
    resume = validate.resume(load.load(FIXTURES / "two-pages.yaml"))
    for entry in resume.work:
        for bullet in entry.highlights:
            if not bullet.tags:  # only fit_drop_tags bullets may go
                assert bullet.text[:40] in text.replace("\n", " ")


@requires_tex
def test_nothing_fits_fails_with_the_overflow_report_and_what_was_tried(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build(tmp_path, "cannot-fit") == 1
    printed = capsys.readouterr().err
    assert "over its limit of 1" in printed
    assert "even fitted (tried spacing −30%, font 9.5 pt, margins −4 mm: 2 pages)" in printed
    assert not (tmp_path / "cannot-fit.pdf").exists()


def test_fit_needs_max_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    variants = tmp_path / "variants.yaml"
    variants.write_text(
        f"variants:\n  v:\n    data: {FIXTURES / 'two-pages.yaml'}\n    fit: true\n",
        encoding="utf-8",
    )
    assert (
        cli.main(["validate", str(FIXTURES / "two-pages.yaml"), "--variants", str(variants)]) == 2
    )
    assert "fit: true needs max_pages" in capsys.readouterr().err


@requires_tex
def test_page_breaks_land_before_the_named_section_and_entry(tmp_path: Path) -> None:
    assert build(tmp_path, "breaks") == 0
    pages = read_pdf((tmp_path / "breaks.pdf").read_bytes()).page_texts
    assert len(pages) == 3
    assert pages[0].startswith("Marta Vidal Ferrer")
    assert pages[1].startswith("Tailspin Health")  # work[3], as written in the data
    assert pages[2].startswith("Education")
    assert "Tailspin Health" not in pages[0] and "Universitat" not in pages[1]


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("eduction", "sections: summary, work"),
        ("work[9]", "the data has work[0] to work[7]"),
        ("summary[0]", "entries of: work"),
    ],
)
def test_an_unknown_page_break_is_an_error_at_its_line_of_the_variants_file(
    name: str, hint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    variants = tmp_path / "variants.yaml"
    variants.write_text(
        "variants:\n"
        "  v:\n"
        f"    data: {FIXTURES / 'two-pages.yaml'}\n"
        f'    page_break_before: [education, "{name}"]\n',
        encoding="utf-8",
    )
    assert build(tmp_path / "out", variants=variants) == 2
    err = capsys.readouterr().err
    assert f"{variants}:4:" in err, err
    assert f"page_break_before names {name!r}" in err and hint in err
    assert (
        cli.main(["validate", str(FIXTURES / "two-pages.yaml"), "--variants", str(variants)]) == 2
    )
    assert f"{variants}:4:" in capsys.readouterr().err


def test_overflow_error_keeps_its_type_and_location() -> None:
    error = fit.overflow(CheckError("variant 'v' is 2 pages"), [(fit.Step(spacing=700), 2)], [])
    assert isinstance(error, CheckError)
    assert error.message == "variant 'v' is 2 pages, even fitted (tried spacing −30%: 2 pages)"
