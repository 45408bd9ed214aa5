"""Faults: a build that is killed, raced, starved or broken loses nothing.

Every test starts from a good build (``out/classic.pdf``) and checks after
the fault that it is still there: byte-identical, or a newer PDF that opens;
no ``*.part`` file anywhere; a clear error and exit code 1; no traceback.
Real ``cvpress build`` processes throughout; the engine is mocked only for
what a real one cannot be made to do on demand (crash, hang).

Tests run as root, for whom ``chmod`` does not make a folder read-only; a
read-only tmpfs mount does (EROFS applies to root too), so that test mounts
one when it may, and a full disk is a tiny tmpfs (ENOSPC) or RLIMIT_FSIZE
in the child (EFBIG; Python ignores SIGXFSZ, TeX dies of it).
"""

from __future__ import annotations

import contextlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import FULL, cvpress_command, run_cvpress
from cvpress.engine import sandbox
from cvpress.errors import PublishError
from cvpress.pipeline import publish
from cvpress.pipeline.check import read_pdf

pytestmark = pytest.mark.tex


DATA = """\
basics:
  name: Fault Tolerant
  label: Engineer
work:
  - name: Org
    position: Builder
    startDate: "2020"
    highlights:
      - Built things
"""


def _cli(
    args: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    return run_cvpress(*args, cwd=cwd, env=env, preexec_fn=preexec_fn)


def _build_to(out: Path | str) -> list[str]:
    return [
        *("build", "--data", "cv.yaml", "--template", "classic", "--out", str(out)),
        *("--force", "--engine", "pdflatex"),
    ]


BUILD = _build_to("out")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with a résumé and a good build of it in out/."""
    (tmp_path / "cv.yaml").write_text(DATA, encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    run = _cli(BUILD, tmp_path, {"TMPDIR": str(tmp_path / "tmp")})
    assert run.returncode == 0, run.stderr
    return tmp_path


def _edit(project: Path, label: str) -> None:
    (project / "cv.yaml").write_text(DATA + f"      - {label}\n", encoding="utf-8")


def _parts(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.part")]


def _assert_intact(out: Path, before: bytes) -> str:
    """The PDF is the previous one or a newer one that opens; nothing half-written."""
    assert not _parts(out), _parts(out)
    pdf = (out / "classic.pdf").read_bytes()
    if pdf == before:
        return "previous"
    facts = read_pdf(pdf)
    assert "Fault Tolerant" in facts.text
    return "newer"


def _failed_clearly(run: subprocess.CompletedProcess[str], *words: str) -> None:
    assert run.returncode == 1, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    for word in words:
        assert word in run.stderr, run.stderr


def _processes_matching(needle: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if needle.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found


def _processes_in(root: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if os.readlink(entry / "cwd").startswith(str(root)):
                    found.append(int(entry.name))
    return found


# ------------------------------------------------------------------ SIGKILL


def test_sigkill_at_random_points_loses_nothing(project: Path) -> None:
    out = project / "out"
    rng = random.Random(20261126)
    started = time.perf_counter()
    assert _cli(BUILD, project).returncode == 0
    span = (time.perf_counter() - started) * 1.3
    seen = {"previous": 0, "newer": 0}
    env = {**os.environ, "TMPDIR": str(project / "tmp")}
    for i in range(40 if FULL else 8):
        before = (out / "classic.pdf").read_bytes()
        _edit(project, f"Edit number {i}")
        child = subprocess.Popen(
            cvpress_command(*BUILD),
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Anywhere from Python's start-up to just after the publish step.
        time.sleep(rng.uniform(0.1, 1.0) * span)
        child.send_signal(signal.SIGKILL)
        child.wait()
        seen[_assert_intact(out, before)] += 1
        # TeX dies with its parent (PR_SET_PDEATHSIG), it does not run on.
        deadline = time.monotonic() + 5
        while _processes_in(project / "tmp") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _processes_in(project / "tmp")
    # And the next build recovers, and clears what the killed ones left in /tmp
    # (once it is old enough not to be a live run's in another pid namespace).
    left = [p for p in (project / "tmp").iterdir() if p.name.startswith("cvpress-")]
    hours_ago = time.time() - 2 * sandbox.STALE_AFTER
    for folder in left:
        os.utime(folder, (hours_ago, hours_ago))
    run = _cli(BUILD, project, {"TMPDIR": str(project / "tmp")})
    assert run.returncode == 0, run.stderr
    assert not _parts(out)
    assert "Edit number" in read_pdf((out / "classic.pdf").read_bytes()).text
    assert not list((project / "tmp").iterdir()), list((project / "tmp").iterdir())
    print(
        f"\n[faults] SIGKILL: {seen['previous']} left the previous PDF, {seen['newer']} a newer"
        f" one; {len(left)} run folders left behind, swept by the next build"
    )


def test_sweep_removes_only_old_folders_of_processes_that_are_gone(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(gone.stdout)
    folders = {
        "old, dead": (f"cvpress-{dead}-abc", True),
        "old, dead, format": (f"cvpress-fmt-{dead}-abc", True),
        "new, dead": (f"cvpress-{dead}-new", False),
        "old, alive": (f"cvpress-{os.getppid()}-abc", False),
        "old, not ours by name": (f"other-{dead}-abc", False),
    }
    old = time.time() - 2 * sandbox.STALE_AFTER
    for label, (name, _) in folders.items():
        (tmp_path / name / "run").mkdir(parents=True)
        if "old" in label.split(",")[0]:
            os.utime(tmp_path / name, (old, old))
    assert sandbox.sweep(str(tmp_path)) == 2
    for name, swept in folders.values():
        assert (tmp_path / name).exists() is not swept, name


# ------------------------------------------------------------------ races


def test_two_builds_on_one_folder_both_succeed(project: Path) -> None:
    out = project / "out"
    for round_ in range(6 if FULL else 2):
        _edit(project, f"Race {round_}")
        children = [
            subprocess.Popen(
                cvpress_command(*BUILD),
                cwd=project,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for child in children:
            _, err = child.communicate(timeout=300)
            assert child.returncode == 0, err
        facts = read_pdf((out / "classic.pdf").read_bytes())
        assert f"Race {round_}" in facts.text
        assert not _parts(out)


# ------------------------------------------------------------------ broken engines


def test_missing_engine(project: Path) -> None:
    before = (project / "out" / "classic.pdf").read_bytes()
    run = _cli(BUILD, project, {"PATH": str(project / "empty")})
    _failed_clearly(run, "not installed", "pdflatex")
    _assert_intact(project / "out", before)


def _fake_engine(project: Path, script: str) -> dict[str, str]:
    folder = project / "fakebin"
    folder.mkdir(exist_ok=True)
    fake = folder / "pdflatex"
    fake.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    fake.chmod(0o755)
    return {"PATH": f"{folder}:{os.environ.get('PATH', '')}"}


def test_crashing_engine(project: Path) -> None:
    before = (project / "out" / "classic.pdf").read_bytes()
    _edit(project, "Never printed")
    run = _cli(BUILD, project, _fake_engine(project, "kill -SEGV $$"))
    _failed_clearly(run, "crashed", "signal 11")
    assert _assert_intact(project / "out", before) == "previous"


def test_hung_engine_is_killed_at_the_timeout(project: Path) -> None:
    before = (project / "out" / "classic.pdf").read_bytes()
    marker = f"{random.randrange(10**6, 10**7)}"
    env = _fake_engine(project, f"sleep 3000.{marker}")
    _edit(project, "Never printed")
    run = _cli([*BUILD, "--timeout", "2"], project, env)
    _failed_clearly(run, "did not finish within 2 s")
    assert _assert_intact(project / "out", before) == "previous"
    assert not _processes_matching(f"3000.{marker}"), "the hung engine outlived its timeout"


# ------------------------------------------------------------------ unwritable output


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def test_read_only_output_folder(project: Path) -> None:
    """A read-only mount: EROFS stops root too (chmod would not)."""
    with _tmpfs(project / "mnt", "64m") as mnt:
        shutil.copytree(project / "out", mnt / "out")
        before = (mnt / "out" / "classic.pdf").read_bytes()
        remount = subprocess.run(
            ["mount", "-o", "remount,ro", str(mnt)], capture_output=True, check=False
        )
        assert remount.returncode == 0, remount.stderr
        _edit(project, "Never printed")
        run = _cli(_build_to(mnt / "out"), project)
        _failed_clearly(run, "read-only")
        assert _assert_intact(mnt / "out", before) == "previous"


def test_output_path_is_a_file(project: Path) -> None:
    (project / "notafolder").write_text("x", encoding="utf-8")
    run = _cli(_build_to("notafolder"), project)
    _failed_clearly(run, "not a folder")
    assert (project / "notafolder").read_text(encoding="utf-8") == "x"


def test_full_disk(project: Path) -> None:
    """A small tmpfs (room for the cached format, ~22 MB), filled up: publish meets ENOSPC."""
    with _tmpfs(project / "mnt", "64m") as mnt:
        shutil.copytree(project / "out", mnt / "out")
        before = (mnt / "out" / "classic.pdf").read_bytes()
        with contextlib.suppress(OSError), (mnt / "filler").open("wb") as filler:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        _edit(project, "Never printed")
        run = _cli(_build_to(mnt / "out"), project)
        _failed_clearly(run, "disk is full")
        assert _assert_intact(mnt / "out", before) == "previous"


@pytest.mark.parametrize("limit", [2_000, 30_000, "pdf-1"])
def test_file_size_limit(project: Path, limit: int | str) -> None:
    """RLIMIT_FSIZE in the child: whichever write crosses it fails cleanly."""
    out = project / "out"
    before = (out / "classic.pdf").read_bytes()
    size = len(before) - 1 if limit == "pdf-1" else int(limit)
    _edit(project, "Never printed")

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    run = _cli(BUILD, project, preexec_fn=cap)
    _failed_clearly(run, "file size limit")
    assert _assert_intact(out, before) == "previous"


def test_publish_under_a_file_size_limit(tmp_path: Path) -> None:
    """In-process: the publish step itself meets EFBIG and says so."""
    out = tmp_path / "out"
    publish.publish(out, "cv", {"tex": b"t", "log": b"l", "pdf": b"%PDF-old"})
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, hard))
    try:
        with pytest.raises(PublishError, match="file size limit"):
            publish.publish(out, "cv", {"tex": b"t", "log": b"l", "pdf": b"%PDF-" + b"x" * 5000})
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert (out / "cv.pdf").read_bytes() == b"%PDF-old"
    assert not _parts(out)


def test_stale_part_files_are_swept_when_a_build_starts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".cache" / "formats").mkdir(parents=True)
    stale, fresh = out / ".cv.pdf.dead.part", out / ".cv.pdf.live.part"
    stale_caches = [out / ".cache" / ".cv.stamp.dead.part", out / ".cache/formats/.a.fmt.x.part"]
    for part in (stale, fresh, *stale_caches):
        part.write_bytes(b"half")
    old = time.time() - 2 * publish.STALE_SECONDS
    for part in (stale, *stale_caches):
        os.utime(part, (old, old))
    publish.prepare(out)  # once a build, before anything is published
    publish.publish(out, "cv", {"pdf": b"%PDF-new"})
    assert not stale.exists() and fresh.exists()
    assert not any(part.exists() for part in stale_caches)
    assert (out / "cv.pdf").stat().st_mode & 0o777 == 0o644 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
