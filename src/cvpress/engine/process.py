"""Engine processes: start one confined, wait for it with a timeout, kill its whole group.

The public process API every TeX run goes through (the pass loop, format
dumps, runs started early): a process runs in its own process group, inside
the kernel sandbox (:mod:`cvpress.engine.landlock`), and past its timeout the
whole group is killed.

Every run dies with cvpress, however cvpress ends. The engine asks the kernel
for SIGKILL when its parent goes (``PR_SET_PDEATHSIG``); that reaches only the
engine itself, not what it starts (latexmk's pdflatex, xelatex's
xdvipdfmx), so a guardian (``sh``, in a session of its own) holds a pipe
from cvpress: when the run ends cvpress writes to it and the guardian just
exits, but if cvpress dies first (SIGKILL included) the pipe closes unwritten
and the guardian kills the run's whole process group and removes its folder.
On SIGINT or SIGTERM cvpress stops its runs itself (:func:`stop_all`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EngineError, EngineTimeout
from .catalogue import INSTALL_HINT, program


def run(
    cmd: list[str],
    workdir: Path,
    env: dict[str, str],
    timeout: float,
    engine: str,
    output: Path | None = None,
    on_start: Callable[[int], object] | None = None,
    *,
    readable: Sequence[str] = (),
) -> int:
    """One pass from start to end, its output (stdout and stderr) into ``output``; its exit code."""
    sink = open(output, "wb") if output is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        process = start(cmd, workdir, env, engine, sink, readable=readable)
        return finish(process, timeout, engine, on_start)
    finally:
        if output is not None and not isinstance(sink, int):
            sink.close()


class Run(subprocess.Popen[bytes]):
    """An engine process with its guardian, released once the process is reaped."""

    guardian: _Guardian | None = None

    def wait(self, timeout: float | None = None) -> int:
        code = super().wait(timeout)
        self.release()
        return code

    def release(self) -> None:
        """Tell the guardian the run ended normally, and reap it."""
        guardian, self.guardian = self.guardian, None
        if guardian is not None:
            _dismiss(guardian, "done")


def _dismiss(guardian: _Guardian, line: str) -> None:
    """Send the guardian its last line (it then exits without doing anything), reap it."""
    guardian.tell(line)
    os.close(guardian.pipe)
    guardian.process.wait()


#: The guardian, started before the run: reads the run's process group, then
#: waits for "done". At end of file instead (cvpress is gone) it kills the
#: group, if the run had started, and removes the run's folder ($1).
_GUARDIAN = (
    'read -r group || { [ -n "$1" ] && rm -rf -- "$1"; exit 0; }; '
    '[ "$group" = "-" ] && exit 0; '
    'read -r line || { kill -KILL -- "-$group" 2>/dev/null; [ -n "$1" ] && rm -rf -- "$1"; }'
)


@dataclass(slots=True)
class _Guardian:
    """A started guardian and the write end of its pipe."""

    process: subprocess.Popen[bytes]
    pipe: int

    def tell(self, line: str) -> None:
        with contextlib.suppress(OSError):
            os.write(self.pipe, f"{line}\n".encode())


def _guardian(workdir: Path) -> _Guardian | None:
    """A guardian for a run in ``workdir`` (see the module docstring); None without ``sh``.

    Started before the run, so that from the moment the run exists its folder
    is looked after: if cvpress dies before saying which group to kill, the
    run itself still gets PDEATHSIG and the guardian removes the folder.
    """
    folder = next((p for p in (workdir, *workdir.parents) if p.name.startswith("cvpress-")), None)
    read, write = os.pipe()
    try:
        process = subprocess.Popen(
            ["/bin/sh", "-c", _GUARDIAN, "cvpress-guard", str(folder or "")],
            stdin=read,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not in the terminal's group: Ctrl-C must not stop it
        )
    except OSError:
        os.close(write)
        return None
    finally:
        os.close(read)
    return _Guardian(process, write)


def start(
    cmd: list[str],
    workdir: Path,
    env: dict[str, str],
    engine: str,
    sink: Any,
    *,
    readable: Sequence[str] = (),
) -> Run:
    """Start one pass in its own process group, confined to ``workdir`` (and ``readable`` files).

    The kernel kills the run if the calling thread dies (each run is waited
    for by the thread that started it; a run started early by the main thread).
    """
    from . import landlock

    # Kernel-enforced confinement to workdir (see landlock.py); tectonic is
    # left out because it downloads its bundle over the network.
    caches = [env[k] for k in ("TEXMFVAR", "TEXMFCACHE") if k in env]
    for cache in caches:
        os.makedirs(cache, exist_ok=True)
    name = program(engine)
    confine = (
        None
        if name == "tectonic"
        else landlock.confiner(workdir, cmd[0], writable=caches, readable=readable)
    )
    confine = _with_parent_death(confine)
    guardian = _guardian(workdir)
    try:
        run = _popen(cmd, workdir, env, engine, sink, confine)
    except BaseException:
        if guardian is not None:
            _dismiss(guardian, "-")  # no run: nothing to kill, the folder is the caller's
        raise
    if guardian is not None:
        guardian.tell(str(run.pid))
        run.guardian = guardian
    return run


def _popen(
    cmd: list[str], workdir: Path, env: dict[str, str], engine: str, sink: Any, confine: Any
) -> Run:
    """The engine process, with start failures as :class:`EngineError`."""
    name = program(engine)
    try:
        return Run(
            cmd,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=confine,
        )
    except subprocess.SubprocessError as exc:
        raise EngineError(
            f"{engine} could not be started inside its sandbox: {exc}",
            hint="CVPRESS_NO_LANDLOCK=1 runs without the kernel sandbox (TeX's own limits remain)",
        ) from None
    except FileNotFoundError:
        raise EngineError(
            f"the TeX engine {engine!r} could not be started",
            hint=f"install it: {INSTALL_HINT.get(name, name)}",
        ) from None
    except OSError as exc:  # not executable, not a program, or refused by the sandbox
        raise EngineError(
            f"the TeX engine {engine!r} could not be started: {exc.strerror or exc}",
            hint=f"check {cmd[0]} (is it executable?), or reinstall it",
        ) from None


def _with_parent_death(then: Callable[[], None] | None) -> Callable[[], None]:
    """A ``preexec_fn`` asking for SIGKILL when the parent goes, then running ``then``."""
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    set_parent_death_signal = 1  # PR_SET_PDEATHSIG

    def preexec() -> None:
        prctl(set_parent_death_signal, signal.SIGKILL, 0, 0, 0)
        if then is not None:
            then()

    return preexec


def finish(
    process: subprocess.Popen[bytes],
    timeout: float,
    engine: str,
    on_start: Callable[[int], object] | None = None,
) -> int:
    """Wait for a pass and return its exit code.

    A timeout is an :class:`EngineTimeout`, a crash an :class:`EngineError`.
    """
    try:
        if on_start is not None:
            on_start(process.pid)
        code, expired = wait(process, timeout)
    except BaseException:
        kill_group(process)
        raise
    if expired:
        raise EngineTimeout(engine, timeout)
    if code == -getattr(signal, "SIGXFSZ", -1):
        raise EngineError(
            f"{engine} was stopped writing a file larger than allowed (file size limit)",
            hint="free disk space or raise the file size limit (ulimit -f) and build again",
        )
    if code < 0:
        raise EngineError(
            f"{engine} crashed (killed by signal {-code})",
            hint="run again; if it persists, reinstall the engine",
        )
    return code


def wait(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, bool]:
    """Wait for the run; past ``timeout`` kill its whole process group.

    Returns the exit code and whether the timeout expired. A blocking wait
    with a timer, not ``Popen.wait(timeout=...)``, which polls with sleeps of
    up to 50 ms and so adds that much to every run.
    """
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, expire)
    timer.daemon = True
    timer.start()
    try:
        code = process.wait()
    finally:
        timer.cancel()
    return code, expired.is_set()


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the run and everything it started (its process group), and reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def stop_all() -> None:
    """Kill the process group of every child of cvpress (on SIGINT or SIGTERM).

    The runs are waited for by worker threads, which a signal does not
    interrupt; killing the groups ends those waits, and each thread then
    cleans up its run folder as after any failed run. Children are found in
    ``/proc`` (each run leads its own group), so no list of runs is kept.
    """
    me = os.getpid()
    for entry in os.listdir("/proc"):
        fields = stat_fields(entry) if entry.isdigit() else None
        if fields is None:
            continue
        parent, group = int(fields[1]), int(fields[2])
        if parent == me and group == int(entry):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)


def stat_fields(pid: int | str) -> list[bytes] | None:
    """The fields of ``/proc/PID/stat`` after the command name (state first, as stat(5)'s
    third field); None when there is no such process.

    The name is cut at the last ``)``: it may hold spaces and parentheses.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
