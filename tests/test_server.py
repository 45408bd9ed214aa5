"""The build server with real builds: a served command is indistinguishable from an in-process one.

Each test runs the ``cvpress`` launcher (cvpress.launch) in a process of its
own, with a server folder of this module's own (``XDG_RUNTIME_DIR``), and
records whether that process ran the command itself or handed it to a
server (tests/server_support.py). Nothing here looks at how long anything
took. tests/test_server_control.py: starting, stopping, staleness, the folder.
"""

from __future__ import annotations

import os
import pty
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEED_DATA, requires_tex
from server_support import (
    BAD_DATE,
    LAUNCHER,
    Runner,
    descendants,
    fresh,
    names,
    project,
    same,
    served,
    until,
)

pytestmark = requires_tex
__all__ = ["fresh", "project", "served"]  # fixtures


def _slow_build(served: Runner, project: Path) -> tuple[subprocess.Popen[str], Path, int]:
    """A served build of the variant whose TeX never ends, once TeX runs; and its TMPDIR."""
    temp = project / "tmp"
    temp.mkdir()
    (server,) = served.servers()
    before = descendants(server)
    process, _ = served.popen("build", "--variant", "slow", cwd=project, TMPDIR=str(temp))
    started = until(
        lambda: (
            any("tex" in n for n in names(descendants(server) - before))
            and any(temp.glob("cvpress-*"))
        )
    )
    assert started, process.stderr.read() if process.poll() is not None and process.stderr else ""
    return process, temp, server


def _nothing_left(server: int, temp: Path) -> bool:
    return not descendants(server) and not any(temp.glob("cvpress-*"))


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
    assert same(err).replace("served/", "local/") == same(local.stderr)
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
    assert same(err) == same(local.stderr)
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
    assert until(lambda: _nothing_left(server, temp)), names(descendants(server))


def test_a_killed_client_stops_the_served_build_and_its_tex(served: Runner, project: Path) -> None:
    process, temp, server = _slow_build(served, project)
    process.kill()
    process.communicate(timeout=120)
    assert until(lambda: _nothing_left(server, temp)), names(descendants(server))


def test_a_server_killed_mid_build_leaves_the_build_to_end_once(
    fresh: Runner, project: Path
) -> None:
    fresh.control("start")
    (server,) = fresh.servers()
    process, mark = fresh.popen("build", "--variant", "slow", "--timeout", "3", cwd=project)
    assert until(lambda: any("tex" in n for n in names(descendants(server))))
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
