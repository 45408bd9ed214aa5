"""Every TeX process dies with cvpress, and its run folder goes too.

Issue 13: after SIGTERM xelatex kept running with its run folder; after
SIGKILL lualatex was alive seconds later. Here a real ``cvpress build`` of a
document long enough to keep TeX busy is signalled for real while a real
engine runs (a pass, latexmk and its children, xelatex and xdvipdfmx, a
format dump), and every process of that run's group must be gone (a zombie
waiting for init to reap it counts as gone) and no run folder left.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from conftest import requires_tex


def _big_resume(path: Path) -> None:
    """About 150 pages: seconds of TeX on any engine."""
    work = [
        {
            "name": f"Company {i}",
            "position": "Engineer",
            "startDate": "2020-01",
            "summary": "Built things. " * 20,
            "highlights": [f"Highlight {j} " * 10 for j in range(8)],
        }
        for i in range(450)
    ]
    path.write_text(yaml.safe_dump({"basics": {"name": "Ada"}, "work": work}), "utf-8")


def _processes() -> dict[int, tuple[int, int, str, str]]:
    """pid -> (parent, group, state, command name), from /proc."""
    found: dict[int, tuple[int, int, str, str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_bytes()
        except OSError:
            continue
        name = raw[raw.index(b"(") + 1 : raw.rindex(b")")].decode(errors="replace")
        fields = raw.rsplit(b")", 1)[1].split()
        found[int(entry)] = (int(fields[1]), int(fields[2]), fields[0].decode(), name)
    return found


def _wait_for_child(parent: int, names: tuple[str, ...], timeout: float = 120) -> int:
    """The process group of ``parent``'s first child called one of ``names``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for ppid, group, _state, name in _processes().values():
            if ppid == parent and name in names:
                return group
        time.sleep(0.05)
    raise AssertionError(f"no {names} started under {parent}")


def _alive(group: int) -> list[str]:
    return [
        f"{pid}/{name}"
        for pid, (_ppid, pgid, state, name) in _processes().items()
        if pgid == group and state not in ("Z", "X")
    ]


CVPRESS = (sys.executable, "-m", "cvpress", "build", "--template", "classic")

CASES = [
    # signal, engine, the process to catch running, fresh cache (a format dump first)
    (signal.SIGTERM, "xelatex", ("xelatex",), False),
    (signal.SIGINT, "xelatex", ("xelatex",), False),
    (signal.SIGKILL, "xelatex", ("xelatex",), False),
    (signal.SIGTERM, "pdflatex", ("pdflatex",), False),
    (signal.SIGKILL, "latexmk:xelatex", ("latexmk", "perl"), False),
    (signal.SIGTERM, "latexmk:xelatex", ("latexmk", "perl"), False),
    (signal.SIGKILL, "pdflatex", ("pdflatex",), True),
]


@requires_tex
@pytest.mark.parametrize(
    ("signum", "engine", "names", "fresh"),
    CASES,
    ids=[f"{s.name}-{e}{'-format' if f else ''}" for s, e, _n, f in CASES],
)
def test_tex_dies_with_cvpress(
    tmp_path: Path, signum: signal.Signals, engine: str, names: tuple[str, ...], fresh: bool
) -> None:
    if shutil.which(engine.split(":")[-1]) is None or (
        engine.startswith("latexmk") and shutil.which("latexmk") is None
    ):
        pytest.skip(f"{engine} not installed")
    _big_resume(tmp_path / "big.yaml")
    out = tmp_path / "out"
    # Formats are cached per user: a cache of the test's own makes "fresh" mean a format dump.
    env = {**os.environ, "CVPRESS_CACHE_DIR": str(tmp_path / "cache")}
    if not fresh:  # a format dump first, unsignalled: the case below then catches a pass
        warm = tmp_path / "warm.yaml"
        warm.write_text("basics: {name: A}\n", "utf-8")
        subprocess.run(
            [*CVPRESS, "--data", "warm.yaml", "--engine", engine, "--out", str(out)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            timeout=300,
            check=True,
        )
    with open(tmp_path / "stderr.txt", "wb") as errors:
        cvpress = subprocess.Popen(
            [*CVPRESS, "--data", "big.yaml", "--engine", engine, "--out", str(out), "--force"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,  # the signal reaches cvpress only, as from another shell
        )
        try:
            group = _wait_for_child(cvpress.pid, names)
            time.sleep(0.2)  # into the run
            assert _alive(group), "the run ended before the signal"
            cvpress.send_signal(signum)
            code = cvpress.wait(timeout=60)
        finally:
            if cvpress.poll() is None:
                cvpress.kill()
                cvpress.wait()
    assert code == (-9 if signum == signal.SIGKILL else 128 + signum), (
        tmp_path / "stderr.txt"
    ).read_text()
    deadline = time.monotonic() + 5
    while _alive(group) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(group), f"left running after {signum.name}: {_alive(group)}"
    folders = list(Path(tempfile.gettempdir()).glob(f"cvpress-*{cvpress.pid}-*"))
    deadline = time.monotonic() + 5
    while folders and time.monotonic() < deadline:
        time.sleep(0.05)
        folders = [f for f in folders if f.exists()]
    assert not folders, folders
    assert "Traceback" not in (tmp_path / "stderr.txt").read_text()


@requires_tex
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_run_started_early_dies_with_cvpress(tmp_path: Path, signum: signal.Signals) -> None:
    """The second build of a variants file starts pdfLaTeX before Python has imported
    the stages (a prestarted run, waiting for its document): it dies with cvpress too."""
    data = tmp_path / "data"
    data.mkdir()
    _big_resume(data / "resume.yaml")
    (data / "variants.yaml").write_text("variants:\n  cv: {engine: pdflatex}\n", "utf-8")
    env = {**os.environ, "CVPRESS_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "cvpress", "build", "--out", "out"]
    subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=300, check=True)
    with (data / "resume.yaml").open("a", encoding="utf-8") as handle:
        handle.write("  summary: changed\n")  # the data changed: the build runs again
    cvpress = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        group = _wait_for_child(cvpress.pid, ("pdflatex",))
        cvpress.send_signal(signum)
        cvpress.wait(timeout=60)
    finally:
        if cvpress.poll() is None:
            cvpress.kill()
            cvpress.wait()
    deadline = time.monotonic() + 5
    while _alive(group) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(group), _alive(group)
    deadline = time.monotonic() + 5
    while list(Path(tempfile.gettempdir()).glob(f"cvpress-*{cvpress.pid}-*")):
        assert time.monotonic() < deadline, "run folder left"
        time.sleep(0.05)
