"""``invoke bench``'s machinery works: busy processes stop, generated documents are valid.

Functional only: nothing here looks at how long anything took (see
cvpress.bench for the measurements themselves).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import requires_tex
from cvpress import bench, bench_docs
from cvpress.data import load, validate
from cvpress.errors import Warnings
from cvpress.pipeline import targets


def _gone(pid: int, within: float = 20.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_busy_processes_run_during_the_block_and_are_stopped_after() -> None:
    with bench.busy(2) as spinners:
        assert len(spinners) == 2
        assert all(p.poll() is None for p in spinners)
    assert all(p.returncode is not None for p in spinners)


def test_busy_processes_are_stopped_when_the_block_is_interrupted() -> None:
    kept: list[subprocess.Popen[bytes]] = []
    with pytest.raises(KeyboardInterrupt), bench.busy(1) as spinners:
        kept.extend(spinners)
        raise KeyboardInterrupt
    assert kept and all(p.returncode is not None for p in kept)


def test_busy_processes_stop_by_themselves_when_the_bench_is_killed() -> None:
    script = (
        "import sys, time\n"
        "from cvpress import bench\n"
        "with bench.busy(1) as spinners:\n"
        "    print(spinners[0].pid, flush=True)\n"
        "    time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    spinner = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)  # no cleanup runs
    parent.wait()
    assert _gone(spinner), "the busy process outlived the bench"


def test_the_batch_generator_writes_valid_distinct_resumes(tmp_path: Path) -> None:
    paths = bench_docs.write_batch(tmp_path / "batch", 12)
    assert [p.name for p in paths] == [f"resume-{i:03d}.yaml" for i in range(12)]
    names = set()
    for path in paths:
        warnings = Warnings()
        resume = validate.resume(load.load(path), warnings)
        assert not warnings.items, (path, warnings.items)
        names.add(resume.basics.name)
    assert len(names) == 12


@pytest.mark.parametrize("unicode", [False, True])
def test_the_unicode_scenarios_projects_are_valid(tmp_path: Path, unicode: bool) -> None:
    variants_file = bench_docs.write_project(tmp_path, unicode=unicode)
    warnings = Warnings()
    resume, variants = validate.project(
        variants_file.parent / "resume.yaml", variants_file, warnings
    )
    assert not warnings.items
    assert [v.name for v in variants] == ["cv"]
    assert (bench_docs.UNICODE_NAME in resume.basics.name) is unicode


def test_report_verdicts_follow_the_budgets() -> None:
    report = bench.Report({}, {"a/b": 1.1, "batch PDFs/s": 15.0, "e": 0.04}, ((0, 0, 0),) * 2, 1)
    assert not report.met("a/b")  # 1.1 > 1.0 on a quiet machine
    assert report.met("batch PDFs/s") and report.met("e")
    busy = bench.Report({}, dict(report.ratios), ((0, 0, 0),) * 2, 1, busy=1)
    assert busy.met("a/b")  # 1.1 <= 1.15 with a busy core
    assert not report.within_budget and busy.within_budget
    assert "UNDER" in bench.Report({}, {"batch PDFs/s": 3.0}, ((0, 0, 0),) * 2, 1).table()


def test_an_unknown_scenario_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        bench.run(scenarios=["nope"])


@requires_tex
def test_generated_resumes_build_to_one_page_each(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    bench_docs.write_batch(folder, 3)
    options = targets.Options(out=tmp_path / "out", jobs=2, version="")
    outcomes = targets.build_adhoc([folder], "compact", options)
    assert [(o.status, o.pages) for o in outcomes] == [("built", 1)] * 3


@requires_tex
def test_the_batch_scenario_reports_rate_tex_share_and_memory(tmp_path: Path) -> None:
    report = bench.run(tmp_path, runs=1, scenarios=["batch"], batch_size=3)
    assert report.ratios["batch PDFs/s"] > 0
    assert report.timings["g"].cpu[0] > 0
    [note] = report.notes
    assert "of which TeX" in note and "peak RSS" in note
