"""The build server with real builds: a served command is indistinguishable from an in-process one.

Each test runs the ``cvpress`` launcher (cvpress.launch) in a process of its
own, with a server folder of this module's own (``XDG_RUNTIME_DIR``), and
records whether that process ran the command itself (it then imported
``cvpress.cli``) or handed it to a server. Nothing here looks at how long
anything took.
"""

from __future__ import annotations

import contextlib
import os
import pty
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import SEED_DATA, requires_tex

pytestmark = requires_tex

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


def _runtime() -> Path:
    """A private folder with a short path (a socket's path holds 107 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="cvs-", dir="/tmp"))
    folder.chmod(0o700)
    return folder


@pytest.fixture(scope="module")
def served() -> Iterator[Runner]:
    """A server started explicitly for this module, stopped at its end."""
    runtime = _runtime()
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
    runtime = _runtime()
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


def _same(text: str) -> str:
    """Output with what differs between two builds of the same thing by design: the time."""
    import re

    return re.sub(r"\d+\.\d\d s\)", "N s)", text)


def test_a_served_build_equals_an_in_process_one(served: Runner, project: Path) -> None:
    cache = project / "xdg-cache"
    code, out, err, how = served.run(
        "build", "--variant", "cv", "--out", "served", cwd=project, XDG_CACHE_HOME=str(cache)
    )
    assert (code, how) == (0, "served"), err
    alone = {**served.environment(), "CVPRESS_SERVER": "off", "XDG_CACHE_HOME": str(cache)}
    local = subprocess.run(
        [sys.executable, "-c", LAUNCHER, "build", "--variant", "cv", "--out", "local"],
        cwd=project,
        env=alone,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert Path(alone["CVPRESS_TEST_MARK"]).read_text() == "in-process"
    assert local.returncode == 0, local.stderr
    for name in ("cv.pdf", "cv.tex"):
        assert (project / "served" / name).read_bytes() == (project / "local" / name).read_bytes()
    assert _same(err).replace("served/", "local/") == _same(local.stderr)
    assert out == local.stdout
    # The client's environment reached the build: its cache folder holds the format.
    assert list((cache / "cvpress").glob("formats/*"))


@pytest.mark.parametrize(
    ("case", "args", "expected"),
    [
        ("bad input", ("build", "--variant", "cv"), 2),
        ("TeX error", ("build", "--variant", "broken"), 1),
        ("usage", ("build", "--jobs", "0"), 2),
        ("validate", ("validate",), 0),
        ("validate bad input", ("validate",), 2),
    ],
)
def test_exit_codes_and_messages_are_those_of_an_in_process_run(
    served: Runner, project: Path, case: str, args: tuple[str, ...], expected: int
) -> None:
    if "bad input" in case:
        (project / "data" / "resume.yaml").write_text(BAD_DATE, encoding="utf-8")
    code, out, err, how = served.run(*args, cwd=project)
    assert (code, how) == (expected, "served"), err
    local = subprocess.run(
        [sys.executable, "-m", "cvpress", *args],
        cwd=project,
        env={**served.env, "CVPRESS_SERVER": "off"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert local.returncode == expected
    assert _same(err) == _same(local.stderr)
    assert out == local.stdout
    assert "Traceback" not in err


def test_debug_prints_the_traceback_as_in_process(served: Runner, project: Path) -> None:
    code, _, err, how = served.run("--debug", "validate", "missing.yaml", cwd=project)
    assert (code, how) == (1, "served")
    local = subprocess.run(
        [sys.executable, "-m", "cvpress", "--debug", "validate", "missing.yaml"],
        cwd=project,
        env={**served.env, "CVPRESS_SERVER": "off"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert local.returncode == 1
    # The same exception, through other frames (the server's, not the executable's).
    assert "Traceback" in err and err.splitlines()[-1] == local.stderr.splitlines()[-1]


def test_colour_follows_the_clients_terminal(served: Runner, project: Path) -> None:
    env = {k: v for k, v in served.environment().items() if k != "NO_COLOR"}
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, "build", "--variant", "cv"],
            cwd=project,
            env={**env, "TERM": "xterm"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=follower,
        )
        os.close(follower)
        follower = -1
        assert process.wait(timeout=300) == 0
        written = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            written += chunk
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    assert Path(env["CVPRESS_TEST_MARK"]).read_text() == "served"
    assert b"\x1b[32mbuilt\x1b[0m cv" in written  # green, on the client's terminal
    code, _, err, how = served.run("build", "--variant", "cv", "--force", cwd=project, NO_COLOR="")
    assert (code, how) == (0, "served") and "built cv" in err and "\x1b[" not in err  # a pipe


def _descendants(pid: int) -> set[int]:
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


def _names(pids: set[int]) -> set[str]:
    names = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            names.add(Path(f"/proc/{pid}/comm").read_text().strip())
    return names


def _until(condition: Callable[[], bool], seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _serving(status: str) -> bool:
    """Whether ``cvpress server status`` shows a server of this code that listens."""
    return any(" idle " in line and "(this code)" in line for line in status.splitlines())


def _slow_build(served: Runner, project: Path) -> tuple[subprocess.Popen[str], Path, int]:
    """A served build of the variant whose TeX never ends, once TeX runs; and its TMPDIR."""
    temp = project / "tmp"
    temp.mkdir()
    (server,) = served.servers()
    before = _descendants(server)
    process, _ = served.popen("build", "--variant", "slow", cwd=project, TMPDIR=str(temp))
    started = _until(
        lambda: (
            any("tex" in n for n in _names(_descendants(server) - before))
            and any(temp.glob("cvpress-*"))
        )
    )
    assert started, process.stderr.read() if process.poll() is not None and process.stderr else ""
    return process, temp, server


def _nothing_left(server: int, temp: Path) -> bool:
    return not _descendants(server) and not any(temp.glob("cvpress-*"))


@pytest.mark.parametrize(
    ("signum", "code"),
    [
        (signal.SIGINT, 130),  # Ctrl-C: stopped and cleaned up, as in-process
        (signal.SIGTERM, 143),
        (signal.SIGHUP, -signal.SIGHUP),  # not handled: the child dies of it, and so the client
    ],
)
def test_a_signal_to_the_client_stops_the_served_build_and_its_tex(
    served: Runner, project: Path, signum: int, code: int
) -> None:
    process, temp, server = _slow_build(served, project)
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == code, err
    assert "Traceback" not in err
    assert _until(lambda: _nothing_left(server, temp)), _names(_descendants(server))


def test_a_killed_client_stops_the_served_build_and_its_tex(served: Runner, project: Path) -> None:
    process, temp, server = _slow_build(served, project)
    process.kill()
    process.communicate(timeout=120)
    assert _until(lambda: _nothing_left(server, temp)), _names(_descendants(server))


def test_a_server_killed_mid_build_leaves_the_build_to_end_once(
    fresh: Runner, project: Path
) -> None:
    fresh.control("start")
    (server,) = fresh.servers()
    process, mark = fresh.popen("build", "--variant", "slow", "--timeout", "3", cwd=project)
    assert _until(lambda: any("tex" in n for n in _names(_descendants(server))))
    os.kill(server, signal.SIGKILL)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert "the build server stopped before the build ended" in err
    assert err.count("FAILED slow") == 1  # the child's run to its timeout, not a second one
    assert mark.read_text() == "served"


def test_two_clients_at_once_are_served_each_by_a_child_of_its_own(
    served: Runner, project: Path
) -> None:
    (project / "other").mkdir()
    (project / "other" / "resume.yaml").write_text(BAD_DATE, encoding="utf-8")
    first, first_mark = served.popen("validate", cwd=project)
    second, second_mark = served.popen("validate", "resume.yaml", cwd=project / "other")
    out, _ = first.communicate(timeout=300)
    _, err = second.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 2)
    assert "valid (Ada Lovelace" in out and "resume.yaml:5:16" in err
    assert first_mark.read_text() == second_mark.read_text() == "served"


#: Runs in-process, after the server's warm-up: what a build and a validation of
#: the seed project (every output, a letter, a bibliography) import besides.
IMPORTED_BESIDES = """\
import sys
from cvpress.server import daemon
daemon.warm_up()
before = set(sys.modules)
from cvpress import cli
assert cli.main(["build", "--force"]) == 0
assert cli.main(["validate"]) == 0
print(" ".join(sorted({m.split(".")[0] for m in set(sys.modules) - before})))
"""


def test_the_server_preloads_what_a_build_imports(tmp_path: Path) -> None:
    shutil.copytree(SEED_DATA, tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-c", IMPORTED_BESIDES],
        cwd=tmp_path,
        env={**os.environ, "CVPRESS_VERSION": ""},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    imported = set(result.stdout.splitlines()[-1].split())
    assert imported <= {"encodings"}  # codecs, looked up when first used


def test_a_server_of_older_code_is_not_used(fresh: Runner, project: Path, tmp_path: Path) -> None:
    # A copy of the package of this test's own (first on sys.path), so that
    # editing it changes nothing for other tests running at the same time.
    import cvpress

    copy = tmp_path / "pkg"
    shutil.copytree(
        Path(cvpress.__file__).parent,
        copy / "cvpress",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    fresh.env["PYTHONPATH"] = str(copy)
    fresh.control("start")
    code, _, err, how = fresh.run("validate", cwd=project)
    assert (code, how) == (0, "served"), err
    source = copy / "cvpress" / "bench_docs.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    code, _, err, how = fresh.run("validate", cwd=project)
    assert (code, how) == (0, "in-process"), err
    # ...and it started a server for the code as it is now; the old one idles out.
    assert _until(lambda: _serving(fresh.control("status")), 120)
    assert "(older code: idles out)" in fresh.control("status")
    code, _, err, how = fresh.run("validate", cwd=project)
    assert (code, how) == (0, "served"), err


def test_a_folder_others_can_enter_is_not_used(fresh: Runner, project: Path) -> None:
    folder = fresh.runtime / "cvpress"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    code, _, err, how = fresh.run("validate", cwd=project)
    assert (code, how) == (0, "in-process"), err
    assert list(folder.iterdir()) == []  # and no server was started there
    status = subprocess.run(
        [sys.executable, "-m", "cvpress", "server", "status"],
        env=fresh.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.returncode == 1 and "chmod 700" in status.stderr
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755


def test_a_build_starts_a_server_for_the_next_unless_ci(fresh: Runner, project: Path) -> None:
    code, _, err, how = fresh.run("validate", cwd=project, CI="true")
    assert (code, how) == (0, "in-process"), err
    assert fresh.servers() == []
    # (run() waits for the end of the client's pipes: the server started in the
    # background holds none of them, or this would wait for its idle exit)
    code, _, err, how = fresh.run("validate", cwd=project)
    assert (code, how) == (0, "in-process"), err
    assert _until(lambda: _serving(fresh.control("status")), 120)
    code, _, err, how = fresh.run("validate", cwd=project, CI="true")
    assert (code, how) == (0, "served"), err  # a running server is used, CI or not


def test_help_is_never_served_and_starts_nothing(fresh: Runner, project: Path) -> None:
    for args in (("--help",), ("build", "--help"), ("validate", "-h")):
        code, out, _, how = fresh.run(*args, cwd=project)
        assert (code, how) == (0, "in-process") and "usage:" in out
    assert fresh.servers() == []


def test_stop_status_and_the_idle_exit(fresh: Runner) -> None:
    assert fresh.control("status") == "no server running\n"
    bad = subprocess.run(
        [sys.executable, "-m", "cvpress", "server", "start", "--idle", "-5"],
        env=fresh.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--idle" in bad.stderr and "Traceback" not in bad.stderr
    started = fresh.control("start", "--idle", "600")
    (pid,) = fresh.servers()
    assert f"(pid {pid})" in started
    assert "already running" in fresh.control("start")
    assert fresh.control("stop") == started.replace("started", "stopped")
    assert fresh.servers() == [] and not list((fresh.runtime / "cvpress").glob("*.sock"))
    fresh.control("start", "--idle", "1")
    (pid,) = fresh.servers()
    assert _until(lambda: fresh.servers() == [], 60)
    assert not list((fresh.runtime / "cvpress").iterdir())
