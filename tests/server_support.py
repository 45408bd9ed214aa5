"""What tests/test_server.py and tests/test_server_control.py share: a launcher that says
whether it was served, a project, servers in folders of their own, /proc helpers."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

#: The launcher, noting at exit (in the file $CVPRESS_TEST_MARK) whether this
#: process ran the command itself (a served one imports none of these).
LAUNCHER = """\
import atexit, os, sys

def _mark():
    heavy = ("cvpress.cli", "argparse", "pydantic", "jinja2")
    with open(os.environ["CVPRESS_TEST_MARK"], "w") as handle:
        handle.write("in-process" if any(m in sys.modules for m in heavy) else "served")

atexit.register(_mark)
sys.argv = ["cvpress", *sys.argv[1:]]
from cvpress.launch import main
main()
"""

RESUME = """\
basics:
  name: Ada Lovelace
  label: Analyst
  summary: Wrote the first program.
work:
  - name: Analytical Engines
    position: Programmer
    startDate: "1842-10"
    highlights:
      - Wrote Note G
"""
VARIANTS = """\
variants:
  cv:
    template: classic
    formats: [pdf]
  broken:
    template: broken
  slow:
    template: slow
"""
TEMPLATES = {
    "broken": "\\documentclass{article}\n\\begin{document}\n<< cv.basics.name >>\n"
    "\\undefinedcommand\n\\end{document}\n",
    # Typesets forever (until killed): a build that is surely running TeX.
    "slow": "\\documentclass{article}\n\\begin{document}\n<< cv.basics.name >>\n"
    "\\def\\spin{\\spin}\\spin\n\\end{document}\n",
}
BAD_DATE = 'basics:\n  name: Ada\nwork:\n  - name: X\n    startDate: "Sept 2024"\n'


class Runner:
    """Runs the launcher with this module's server folder (or another) and environment."""

    def __init__(self, runtime: Path) -> None:
        self.runtime = runtime
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        self.env = {
            **env,
            "XDG_RUNTIME_DIR": str(runtime),
            "CVPRESS_SERVER": "on",
            "NO_COLOR": "1",
            "CVPRESS_VERSION": "",
        }
        self.marks = runtime.parent / f"{runtime.name}-marks"
        self.marks.mkdir(exist_ok=True)
        self.count = 0

    def environment(self, **extra: str) -> dict[str, str]:
        self.count += 1
        mark = self.marks / str(self.count)
        return {**self.env, "CVPRESS_TEST_MARK": str(mark), **extra}

    def popen(self, *args: str, cwd: Path, **extra: str) -> tuple[subprocess.Popen[str], Path]:
        env = self.environment(**extra)
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return process, Path(env["CVPRESS_TEST_MARK"])

    def run(self, *args: str, cwd: Path, **extra: str) -> tuple[int, str, str, str]:
        """Exit code, stdout, stderr, and "served" or "in-process"."""
        process, mark = self.popen(*args, cwd=cwd, **extra)
        out, err = process.communicate(timeout=300)
        return process.returncode, out, err, mark.read_text()

    def control(self, action: str, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "cvpress", "server", action, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return result.stdout

    def servers(self) -> list[int]:
        """The pids of the running servers (``cvpress server status``)."""
        return [
            int(line.split()[3]) for line in self.control("status").splitlines() if " pid " in line
        ]


def runtime_folder() -> Path:
    """A private folder with a short path (a socket's path holds 107 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="cvs-", dir="/tmp"))
    folder.chmod(0o700)
    return folder


@pytest.fixture(scope="module")
def served() -> Iterator[Runner]:
    """A server started explicitly for this module, stopped at its end."""
    runtime = runtime_folder()
    runner = Runner(runtime)
    try:
        assert "started server" in runner.control("start")
        yield runner
    finally:
        runner.control("stop")
        shutil.rmtree(runtime, ignore_errors=True)
        shutil.rmtree(runner.marks, ignore_errors=True)


@pytest.fixture
def fresh() -> Iterator[Runner]:
    """A server folder with no server yet; every server started in it is stopped after."""
    runtime = runtime_folder()
    runner = Runner(runtime)
    try:
        yield runner
    finally:
        if (runtime / "cvpress").is_dir():
            (runtime / "cvpress").chmod(0o700)
            runner.control("stop")
        shutil.rmtree(runtime, ignore_errors=True)
        shutil.rmtree(runner.marks, ignore_errors=True)


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project(RESUME, VARIANTS, templates=TEMPLATES)


def same(text: str) -> str:
    """Output with what differs between two builds of the same thing by design: the time."""
    import re

    return re.sub(r"\d+\.\d\d s\)", "N s)", text)


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def names(pids: set[int]) -> set[str]:
    names = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            names.add(Path(f"/proc/{pid}/comm").read_text().strip())
    return names


def until(condition: Callable[[], bool], seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def serving(status: str) -> bool:
    """Whether ``cvpress server status`` shows a server of this code that listens."""
    return any(" idle " in line and "(this code)" in line for line in status.splitlines())
