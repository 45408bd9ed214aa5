"""``cvpress server start|stop|status``, and the automatic start after an in-process build.

A server is started detached (``python -m cvpress.server.daemon --detach``:
its own session, standard streams on ``/dev/null``, no other descriptor,
current folder ``/``), with this process's environment and interpreter, so
that its fingerprint is this process's (it is told which to expect, and
exits at once if its own differs).

The automatic start follows a ``build`` or ``validate`` that ran in-process
because no server answered, unless ``CVPRESS_SERVER=off`` (never serve) or
``CI`` is set (a CI job builds once and should leave no process behind; an
explicitly started server is still used there).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import CvpressError
from . import place

#: How long ``start`` waits for a new server to listen (its warm-up), and
#: ``stop`` for one to end (its builds in progress finish first).
WAIT_SECONDS = 60.0


class ServerError(CvpressError):
    """The build server could not be used: its folder is not private, or it did not start."""

    def __init__(self, message: str, *, hint: str, folder: str | None) -> None:
        super().__init__(message, hint=hint)
        self.folder = folder


def autostart() -> None:
    """Start a server in the background for the next command (see the module docstring)."""
    if not place.may_stay_behind():
        return
    where = place.folder()
    if where is not None:
        _spawn(place.fingerprint(), None)


def _spawn(name: str, idle: float | None) -> None:
    command = [sys.executable, "-m", "cvpress.server.daemon", "--detach", "--expect", name]
    if idle is not None:
        command += ["--idle", repr(idle)]
    with contextlib.suppress(OSError):
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
            start_new_session=True,
        ).wait()  # returns as soon as the server has forked away from it


@dataclass(frozen=True, slots=True)
class Running:
    """A server found in the folder: its fingerprint, pid, idle seconds, whether it listens yet."""

    name: str
    pid: int
    idle: float
    listening: bool


def _private_folder() -> str:
    where = place.folder()
    if where is None:
        raise ServerError(
            "no private folder for the build server",
            hint="$XDG_RUNTIME_DIR/cvpress (or $TMPDIR/cvpress-UID) must be a folder of yours "
            "that nobody else can read (chmod 700); commands run in-process meanwhile",
            folder=None,
        )
    return where


def running(where: str) -> Iterator[Running]:
    """Every server whose lock is held in ``where``."""
    for entry in sorted(os.listdir(where)):
        if not entry.endswith(".lock"):
            continue
        path = os.path.join(where, entry)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:  # held: a server runs
                text = os.read(fd, 32).decode("ascii", "replace").strip()
                if text.isdigit():
                    idle = time.time() - os.fstat(fd).st_mtime
                    name = entry.removesuffix(".lock")
                    listening = _listening(where, name)
                    yield Running(name, int(text), max(0.0, idle), listening)
        finally:
            os.close(fd)


def start(idle: float | None) -> str:
    """Start this code's server unless it runs; what to print."""
    where = _private_folder()
    name = place.fingerprint()
    if place.socket_path(where, name) is None:
        raise ServerError(
            f"the build server's socket path in {where} is too long",
            hint="set XDG_RUNTIME_DIR (or TMPDIR) to a shorter folder",
            folder=where,
        )
    found = [r for r in running(where) if r.name == name and r.listening]
    if found:
        return f"server {name} already running (pid {found[0].pid})"
    _spawn(name, idle)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = [r for r in running(where) if r.name == name and r.listening]
        if found:
            return f"started server {name} (pid {found[0].pid})"
        time.sleep(0.02)
    raise ServerError(
        f"the build server {name} did not start within {WAIT_SECONDS:g} s",
        hint="run `python -m cvpress.server.daemon` to see why; commands run in-process meanwhile",
        folder=where,
    )


def _listening(where: str, name: str) -> bool:
    path = place.socket_path(where, name)
    return path is not None and os.path.exists(path)


def stop() -> list[str]:
    """Stop every server of this user (each finishes its builds in progress first)."""
    where = _private_folder()
    lines = []
    for server in list(running(where)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(server.pid, signal.SIGTERM)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and any(r.pid == server.pid for r in running(where)):
            time.sleep(0.02)
        lines.append(f"stopped server {server.name} (pid {server.pid})")
    return lines or ["no server running"]


def status() -> list[str]:
    """One line a running server: fingerprint, pid, idle time, whether this code's."""
    where = _private_folder()
    current = place.fingerprint()
    lines = [
        f"server {r.name} pid {r.pid} "
        + (f"idle {r.idle:.0f} s" if r.listening else "starting")
        + (" (this code)" if r.name == current else " (older code: idles out)")
        for r in running(where)
    ]
    return lines or ["no server running"]
