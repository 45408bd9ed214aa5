"""XeLaTeX's precompiled preamble and the run a build leaves waiting: used, refused, gone.

Behaviour only (performance is ``invoke bench``'s): XeLaTeX builds from a
format of its preamble, made, keyed and reused, with the bytes of a run
without any format; the run a XeLaTeX or LuaLaTeX build leaves waiting
(:mod:`cvpress.engine.resident`) is used by the next build with the same
bytes, refused when what it read, the engine or the epoch differ, claimed
by one of two builds, gone after its idle limit, after :func:`stop` and
after being killed (the build then runs the ordinary way).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cvpress import bench_docs
from cvpress.engine import catalogue, formats, passes, resident, xetex_dump
from cvpress.pipeline import targets

pytestmark = pytest.mark.tex

#: A project, its build options and the record of the run its first build left waiting.
Left = tuple[Path, targets.Options, dict[str, object]]


def _needs(engine: str) -> None:
    if not catalogue.installed(engine):
        pytest.skip(f"{engine} not installed")


def _project(tmp_path: Path, engine: str = "xelatex", template: str = "classic") -> Path:
    variants = bench_docs.write_project(tmp_path / "project", unicode=True, template=template)
    variants.write_text(f"variants:\n  cv:\n    template: {template}\n    engine: {engine}\n")
    return variants


def _options(tmp_path: Path, engine: str | None = None) -> targets.Options:
    return targets.Options(out=tmp_path / "build", engine=engine, jobs=1, version="", force=True)


def _build(variants: Path, options: targets.Options) -> targets.Outcome:
    [outcome] = targets.build_variants(variants, ["cv"], options)
    assert outcome.status == "built", outcome.error and outcome.error.problems
    return outcome


def _record(options: targets.Options) -> dict[str, object]:
    data = json.loads((options.out / ".cache" / "resident" / "cv.json").read_text())
    assert isinstance(data, dict)
    return data


def _alive(record: dict[str, object]) -> bool:
    return resident._start_time(int(str(record["pid"]))) == record["start"]


@pytest.fixture(autouse=True)
def _may_stay_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs are left waiting only where something may outlive a command (the suite says
    ``CVPRESS_SERVER=off``, and CI sets ``CI``): as at a person's desk, for these tests."""
    monkeypatch.setenv("CVPRESS_SERVER", "on")
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every ordinary (fresh) TeX run of the test, by engine."""
    calls: list[str] = []
    real = passes.compile_tex

    def compile_tex(tex: str, engine: str = "pdflatex", **kwargs: object) -> passes.EngineResult:
        calls.append(engine)
        return real(tex, engine, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(passes, "compile_tex", compile_tex)
    yield calls


@pytest.fixture
def left(tmp_path: Path) -> Left:
    """A XeLaTeX build of the Unicode résumé, and the record of the run it left waiting."""
    _needs("xelatex")
    variants, options = _project(tmp_path), _options(tmp_path)
    _build(variants, options)
    return variants, options, _record(options)


def _fresh_pdf(options: targets.Options, engine: str) -> bytes:
    """The published ``.tex`` compiled again from scratch, without any format."""
    tex = (options.out / "cv.tex").read_text(encoding="utf-8")
    return passes.compile_tex(tex, engine).pdf


# ------------------------------------------------------------------ the format


def test_xelatex_builds_from_a_format_of_its_preamble_with_the_bytes_of_a_run_without(
    tmp_path: Path,
) -> None:
    _needs("xelatex")
    variants, options = _project(tmp_path), _options(tmp_path)
    _build(variants, options)
    tex = (options.out / "cv.tex").read_text(encoding="utf-8")
    preamble = formats.preamble(tex)
    assert preamble is not None
    fmt = formats.lookup(preamble, "xelatex", 1704067200)
    assert fmt is not None and not formats.is_base(fmt)
    stamp = json.loads((options.out / ".cache" / "cv.stamp").read_text())
    assert stamp["fmt"] == str(fmt.resolve())
    assert (options.out / "cv.pdf").read_bytes() == _fresh_pdf(options, "xelatex")
    # Keyed by the preamble: another font size is another format.
    assert formats.key(preamble, "xelatex", 1704067200) != formats.key(
        preamble.replace("11pt", "12pt"), "xelatex", 1704067200
    )


@pytest.mark.parametrize("template", ["modern", "sidebar"])
def test_every_template_loads_its_fonts_below_the_boundary(template: str, tmp_path: Path) -> None:
    """A native font above the boundary would make XeTeX refuse the dump (no format)."""
    _needs("xelatex")
    variants, options = _project(tmp_path, template=template), _options(tmp_path)
    _build(variants, options)
    stamp = json.loads((options.out / ".cache" / "cv.stamp").read_text())
    assert not formats.is_base(Path(stamp["fmt"]))
    assert (options.out / "cv.pdf").read_bytes() == _fresh_pdf(options, "xelatex")


def test_the_dumped_text_keeps_the_documents_preamble_whole() -> None:
    preamble = "\\documentclass{article}\n\\usepackage{fontspec}\n" + formats.MARKER + "\n"
    dumped = xetex_dump.source(preamble, formats.MARKER)
    assert preamble[: -len(formats.MARKER) - 1] in dumped
    assert dumped.endswith(formats.MARKER + "\n")
    assert dumped.index("\\documentclass") < dumped.index("\\newbox\\cvpress@kept")


# ------------------------------------------------------------------ the resident run


@pytest.mark.parametrize("engine", ["xelatex", "lualatex"])
def test_the_next_build_uses_the_run_left_waiting_and_gets_the_same_bytes(
    engine: str, tmp_path: Path, counted: list[str]
) -> None:
    _needs(engine)
    variants, options = _project(tmp_path, engine), _options(tmp_path)
    _build(variants, options)
    first = _record(options)
    assert _alive(first) and first["engine"] == engine
    counted.clear()
    _build(variants, options)
    assert counted == [], "the run left waiting typeset it"
    assert not Path(str(first["folder"])).exists(), "its folder went with it"
    assert not _alive(first)
    assert (options.out / "cv.pdf").read_bytes() == _fresh_pdf(options, engine)
    second = _record(options)  # and it left the next build one of its own
    assert second["folder"] != first["folder"] and _alive(second)


def test_pdflatex_leaves_no_run(tmp_path: Path) -> None:
    variants = bench_docs.write_project(tmp_path / "project", unicode=False)
    options = _options(tmp_path)
    _build(variants, options)
    assert not (options.out / ".cache" / "resident" / "cv.json").exists()


def test_a_run_that_read_other_fonts_is_dropped_and_the_build_runs_the_ordinary_way(
    left: Left, counted: list[str]
) -> None:
    variants, options, first = left
    variants.write_text(variants.read_text() + "    font_size: 12\n")
    counted.clear()
    _build(variants, options)
    assert counted == ["xelatex"]
    assert not _alive(first) and not Path(str(first["folder"])).exists()
    assert (options.out / "cv.pdf").read_bytes() == _fresh_pdf(options, "xelatex")


def test_a_run_of_another_engine_is_not_used(tmp_path: Path, counted: list[str]) -> None:
    _needs("xelatex")
    _needs("lualatex")
    variants, options = _project(tmp_path), _options(tmp_path)
    _build(variants, options)
    first = _record(options)
    counted.clear()
    _build(variants, _options(tmp_path, engine="lualatex"))
    assert counted == ["lualatex"]
    assert not _alive(first)


def test_a_run_for_another_epoch_is_not_used(
    left: Left,
    counted: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    variants, options, first = left
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")
    counted.clear()
    _build(variants, options)
    assert counted == ["xelatex"]
    assert not _alive(first)


def test_of_two_builds_one_claims_the_run(
    left: Left,
) -> None:
    _, options, record = left
    claims: list[resident.Resident | None] = []
    start = threading.Barrier(2)

    def claim() -> None:
        start.wait()
        claims.append(resident.claim(options.out, "cv", 60.0))

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [c for c in claims if c is not None]
    assert len(won) == 1
    tex = (options.out / "cv.tex").read_text(encoding="utf-8")
    result = won[0].finish(tex)
    assert result is not None and result.pdf == (options.out / "cv.pdf").read_bytes()
    assert not _alive(record)


def test_a_killed_run_falls_back_to_the_ordinary_way(left: Left) -> None:
    """Found dead, it is not waited for: TeX is started early again, as without it."""
    variants, options, record = left
    os.killpg(int(str(record["pid"])), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _alive(record) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not resident.waiting(options.out, "cv")
    _build(variants, options)
    assert not Path(str(record["folder"])).exists()
    assert (options.out / "cv.pdf").read_bytes() == _fresh_pdf(options, "xelatex")
    assert _alive(_record(options))  # and the next one is left


def test_a_run_killed_while_claimed_falls_back_to_the_ordinary_way(
    tmp_path: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between the claim and its end (its idle limit, by hand): no result, no error."""
    _needs("xelatex")
    variants, options = _project(tmp_path), _options(tmp_path)
    _build(variants, options)
    real = resident.Resident._first_pass

    def killed(self: resident.Resident, on_start: object) -> None:
        os.killpg(self.pid, signal.SIGKILL)
        real(self, None)

    monkeypatch.setattr(resident.Resident, "_first_pass", killed)
    counted.clear()
    _build(variants, options)
    assert counted == ["xelatex"]
    assert (options.out / "cv.pdf").read_bytes() == _fresh_pdf(options, "xelatex")


def test_an_unclaimed_run_is_gone_after_its_idle_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs("xelatex")
    monkeypatch.setattr(resident, "IDLE_LIMIT", 2)
    variants, options = _project(tmp_path), _options(tmp_path)
    _build(variants, options)
    record = _record(options)
    folder = Path(str(record["folder"]))
    assert _alive(record)
    deadline = time.monotonic() + 30
    while _alive(record) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(record)
    assert not (folder / "run").exists()  # emptied by its guardian
    assert not resident.waiting(options.out, "cv")
    # The empty folder is removed by stop(), or already was by any build's sweep
    # (a test running alongside builds too): a run that is gone is nobody's.
    resident.stop(options.out)
    assert not folder.exists()


def test_stop_ends_the_runs_of_an_output_folder_and_sweep_those_nobody_can_claim(
    left: Left, monkeypatch: pytest.MonkeyPatch
) -> None:
    variants, options, record = left
    resident.sweep()
    assert _alive(record), "recorded: somebody can claim it"
    assert resident.stop(options.out) == 1
    assert not _alive(record) and not Path(str(record["folder"])).exists()
    _build(variants, options)
    record = _record(options)
    (options.out / ".cache" / "resident" / "cv.json").unlink()  # the output folder deleted
    monkeypatch.setattr(resident, "_GRACE", 0.0)
    resident.sweep()
    assert not _alive(record) and not Path(str(record["folder"])).exists()


def test_a_record_naming_another_process_is_neither_used_nor_killed(tmp_path: Path) -> None:
    """The record is a file in the output folder: only a guardian of cvpress's is ever killed."""
    bystander = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        out = tmp_path / "build"
        records = out / ".cache" / "resident"
        records.mkdir(parents=True)
        forged = {
            "pid": bystander.pid,
            "start": resident._start_time(bystander.pid),
            "folder": str(tmp_path),
            "engine": "xelatex",
            "fmt": "/nonexistent.fmt",
            "epoch": 1704067200,
            "whole": False,
            "early": "",
        }
        (records / "cv.json").write_text(json.dumps(forged))
        assert not resident.waiting(out, "cv")
        assert resident.claim(out, "cv", 60.0) is None
        assert bystander.poll() is None
        assert tmp_path.exists()
    finally:
        bystander.kill()
        bystander.wait()


@pytest.mark.parametrize("environment", [{"CVPRESS_SERVER": "off"}, {"CI": "true"}])
def test_no_run_is_left_where_nothing_may_outlive_a_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> None:
    _needs("xelatex")
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    options = _options(tmp_path)
    _build(_project(tmp_path), options)
    assert not (options.out / ".cache" / "resident" / "cv.json").exists()
