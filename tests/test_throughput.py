"""Building many variants at once, and fitting (issue 19's (d) and (f)): same results, sooner.

What makes a build of every variant and a fitted build take less time must
not change what they make: the HTML and Word files made while the PDF's TeX
runs, fitting candidates run side by side and started from the step the last
fit chose, the variants that take longest started first. Builds run real TeX
and read the PDFs back; the search and the scheduling are also checked
without TeX, on stand-in page counts.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, requires_tex
from cvpress import cli
from cvpress.data.variants import Variant
from cvpress.pipeline import build, fit, publish, together
from cvpress.pipeline.check import read_pdf
from cvpress.pipeline.targets import Options, Target

FIT_DATA = Path(__file__).parent / "fixtures" / "fit" / "two-pages.yaml"
OUTPUTS = ("pdf", "html", "docx")


def _build(variants: Path, out: Path, *args: str) -> int:
    return cli.main(["build", "--variants", str(variants), "--out", str(out), *args])


def _bytes(out: Path, name: str, suffixes: Sequence[str] = OUTPUTS) -> dict[str, bytes]:
    return {s: (out / f"{name}.{s}").read_bytes() for s in suffixes}


# ------------------------------------------------------------ without TeX


def test_all_at_once_returns_in_order_and_raises_the_first_failure_after_all_ended() -> None:
    assert together.all_at_once([lambda: 1, lambda: 2, lambda: 3]) == [1, 2, 3]
    ended = threading.Event()

    def slow_failure() -> int:
        ended.wait(5)
        raise ValueError("second")

    def first_failure() -> int:
        raise KeyError("first")

    def last() -> int:
        ended.set()
        return 3

    with pytest.raises(KeyError):
        together.all_at_once([first_failure, slow_failure, last])
    assert ended.is_set()  # the other calls were waited for, not left running


def test_beside_waits_for_its_thread_and_the_block_error_wins() -> None:
    finished: list[str] = []

    def work() -> str:
        finished.append("work")
        raise OSError("the thread's")

    with pytest.raises(RuntimeError), together.beside(work):
        raise RuntimeError("the block's")
    assert finished == ["work"]


def _variant(name: str, **options: object) -> Target:
    return Target(Variant.model_validate({"name": name, **options}), DATA)


def test_variants_that_fit_or_write_more_files_start_first_and_keep_their_order() -> None:
    targets = [
        _variant("plain"),
        _variant("web", formats=["pdf", "html"]),
        _variant("fitted", max_pages=1, fit=True),
        _variant("all", formats=["pdf", "html", "docx"]),
        _variant("plain-too"),
    ]
    order = build._longest_first(targets, Options())
    assert [targets[i].variant.name for i in order] == [
        "fitted",
        "all",
        "web",
        "plain",
        "plain-too",
    ]


def _stand_in(answer: int, rounds: list[list[int]]) -> Callable[..., list[fit.Attempt[int]]]:
    """Runs that fit from step ``answer`` on, content shrinking along the ladder."""

    def run(probes: Sequence[fit.Probe[int]]) -> list[fit.Attempt[int]]:
        indices = [steps_of(p.step) for p in probes]
        rounds.append(indices)
        return [fit.Attempt(1 if i >= answer else 2, _measure(900 - 10 * i), i) for i in indices]

    return run


LADDER = fit.ladder(11, 19 / 25.4 * 72.27, droppable=8)


def steps_of(step: fit.Step) -> int:
    return LADDER.index(step)


def _measure(content: float) -> fit.Measure:
    return fit.Measure(content, 100.0, 750.0, 490.0, 54.0, 54.0, 45.0, 48.0)


@settings(max_examples=60, deadline=None)
@given(
    answer=st.integers(0, len(LADDER) - 1),
    hint=st.one_of(st.none(), st.integers(0, len(LADDER) - 1)),
)
def test_the_search_finds_the_first_step_that_fits_whatever_the_hint(
    answer: int, hint: int | None
) -> None:
    rounds: list[list[int]] = []
    found = fit.search(
        fit.Attempt(2, _measure(900), -1),
        LADDER,
        1,
        _stand_in(answer, rounds),
        base_font=11,
        bullet_heights=[13] * 8,
        hint=None if hint is None else LADDER[hint],
    )
    assert isinstance(found, fit.Fitted)
    assert found.step == LADDER[answer]
    assert all(len(r) <= 2 for r in rounds)  # at most two TeX runs side by side
    assert len(rounds) <= len(LADDER) // 2 + 1  # never one round per step
    if hint == answer:  # an edit that did not move the answer: one round settles it
        assert len(rounds) == 1


# ------------------------------------------------------------ with TeX


@requires_tex
def test_html_and_word_made_beside_the_pdf_are_the_files_of_one_format_builds(
    tmp_path: Path,
) -> None:
    variants = tmp_path / "variants.yaml"
    variants.write_text(
        f"variants:\n  cv: {{data: {DATA}, template: classic, formats: [pdf, html, docx]}}\n",
        encoding="utf-8",
    )
    assert _build(variants, tmp_path / "all") == 0
    together_made = _bytes(tmp_path / "all", "cv")
    for suffix in OUTPUTS:
        alone = tmp_path / suffix
        assert _build(variants, alone, "--format", suffix) == 0
        assert (alone / f"cv.{suffix}").read_bytes() == together_made[suffix], suffix


@requires_tex
def test_a_failing_variant_leaves_the_others_built_and_its_last_good_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "resume.yaml"
    data.write_text(DATA.read_text(encoding="utf-8"), encoding="utf-8")
    variants = tmp_path / "variants.yaml"
    variants.write_text(
        f"defaults: {{data: {data.name}, formats: [pdf, html, docx]}}\n"
        "variants:\n"
        "  strict: {template: classic, max_pages: 3}\n"
        "  loose: {template: modern}\n"
        "  short: {template: compact, sections: [summary, skills]}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert _build(variants, out, "--jobs", "2") == 0
    before = {name: _bytes(out, name) for name in ("strict", "loose", "short")}
    # A summary long enough to push `strict` past its three pages; every variant shows it.
    text = data.read_text(encoding="utf-8")
    longer = "Built and ran machine learning platforms for years. " * 60
    data.write_text(text.replace('  summary: "', f'  summary: "{longer}', 1), encoding="utf-8")
    capsys.readouterr()
    assert _build(variants, out, "--jobs", "2") == 1
    assert "variant 'strict' is 4 pages, over its limit of 3" in capsys.readouterr().err
    assert _bytes(out, "strict") == before["strict"]  # the last good files, untouched
    for name in ("loose", "short"):
        after = _bytes(out, name)
        assert all(after[s] != before[name][s] for s in OUTPUTS), name
        assert "Built and ran machine learning platforms" in read_pdf(after["pdf"]).text


@requires_tex
def test_fitting_side_by_side_and_from_the_last_fit_gives_the_bytes_of_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    variants = tmp_path / "variants.yaml"
    variants.write_text(
        f"defaults: {{data: {FIT_DATA}, max_pages: 1, fit: true, fit_drop_tags: [detail]}}\n"
        "variants:\n  one-page: {template: classic, formats: [pdf, html, docx]}\n",
        encoding="utf-8",
    )
    assert _build(variants, tmp_path / "together") == 0
    first = capsys.readouterr().err
    assert "fitted to 1 page" in first
    # Again in the same folder: candidates start from the step this fit chose.
    assert _build(variants, tmp_path / "together", "--force") == 0
    again = capsys.readouterr().err
    with monkeypatch.context() as patched:
        patched.setattr(together, "all_at_once", lambda calls: [call() for call in calls])
        assert _build(variants, tmp_path / "sequential") == 0
    sequential = capsys.readouterr().err
    summary = [line for line in first.splitlines() if "fitted to" in line]
    assert summary == [line for line in again.splitlines() if "fitted to" in line]
    assert summary == [line for line in sequential.splitlines() if "fitted to" in line]
    made = _bytes(tmp_path / "together", "one-page", (*OUTPUTS, "tex"))
    assert made == _bytes(tmp_path / "sequential", "one-page", (*OUTPUTS, "tex"))
    assert read_pdf(made["pdf"]).pages == 1


def test_a_variants_files_share_two_folder_flushes_the_pdf_after_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_replace = os.replace
    monkeypatch.setattr(publish, "_sync_folder", lambda folder: events.append("flush"))

    def replace(source: str, target: Path) -> None:
        events.append(Path(target).suffix)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    publish.publish(tmp_path, "cv", {"pdf": b"%PDF", "tex": b"tex", "log": b"log", "html": b"<p>"})
    assert events == [".tex", ".log", ".html", "flush", ".pdf", "flush"]
    assert (tmp_path / "cv.pdf").read_bytes() == b"%PDF"


def test_tex_is_started_early_for_the_variants_the_build_starts_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cvpress.engine import prestart
    from cvpress.pipeline import incremental

    begun: list[str] = []
    monkeypatch.setattr(prestart, "begin", lambda out, name, *rest: begun.append(name))
    out = tmp_path / "out"
    names = ["a", "b", "letter", "c", "d", "web", "e", "fitted", "f"]
    for name in names:
        formats = ["pdf", "html"] if name in ("web", "fitted") else ["pdf"]
        fmt = None if name == "letter" else tmp_path / "x.fmt"
        incremental.write_stamp(out, name, "key", formats, "", "pdflatex", fmt, 1, name == "fitted")
    incremental.start_early(tmp_path / "variants.yaml", names, Options(out=out))
    # Six at most; one that was not built from a format takes no place.
    assert begun == ["fitted", "web", "a", "b", "c", "d"]


@requires_tex
def test_a_batch_keeps_jobs_tex_runs_going_and_renders_the_next_resume_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--jobs 2``: never more than two TeX runs at once, and a third résumé
    is rendered while two run, so that a run that ends finds the next ready."""
    from cvpress.bench_docs import write_batch
    from cvpress.engine import passes
    from cvpress.pipeline import targets

    folder = tmp_path / "resumes"
    write_batch(folder, 8)
    lock = threading.Lock()
    running = most = rendered_while_full = 0
    real_compile, real_render = passes.compile_tex, build._render

    def compile_tex(*args: object, **kwargs: object) -> object:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            return real_compile(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            with lock:
                running -= 1

    def render(*args: object, **kwargs: object) -> object:
        nonlocal rendered_while_full
        made = real_render(*args, **kwargs)  # type: ignore[arg-type]
        with lock:
            rendered_while_full += running == 2
        return made

    monkeypatch.setattr(passes, "compile_tex", compile_tex)
    monkeypatch.setattr(build, "_render", render)
    options = Options(out=tmp_path / "out", jobs=2, engine="pdflatex")
    outcomes = targets.build_adhoc(sorted(folder.iterdir()), "compact", options)
    assert [o.status for o in outcomes] == ["built"] * 8, [o.error for o in outcomes]
    for outcome in outcomes:
        assert outcome.pdf is not None and read_pdf(outcome.pdf.read_bytes()).pages == 1
    assert most == 2
    assert rendered_while_full >= 1
