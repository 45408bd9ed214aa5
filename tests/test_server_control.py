"""The build server's life: started for the next build (not under CI), never for help,
not for older code, not in a folder others can enter; stop, status, the idle exit.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
from pathlib import Path

from conftest import requires_tex
from server_support import Runner, fresh, project, serving, until

pytestmark = requires_tex
__all__ = ["fresh", "project"]  # fixtures


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
    assert until(lambda: serving(fresh.control("status")), 120)
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
    assert until(lambda: serving(fresh.control("status")), 120)
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
    assert until(lambda: fresh.servers() == [], 60)
    assert not list((fresh.runtime / "cvpress").iterdir())
