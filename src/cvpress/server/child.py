"""A forked child of the server: takes on the client's process state, then runs its command.

What a process started by the client would have had, the child gets before
the command runs: the current folder, the environment (``os.environ``
replaced, so subprocesses and every read at call time see the client's),
the umask, ``sys.argv``, ``sys.path``, and the client's standard streams on
descriptors 0, 1 and 2 with ``sys.stdin``/``stdout``/``stderr`` rebuilt as
Python's start-up builds them. Signal handlers are back to a fresh
interpreter's. The command then runs through :func:`cvpress.cli.command`,
the executable's own way (the same dispatch, collector settings, SIGTERM
handling and exit), and the process ends as a ``cvpress`` process would
(:mod:`.ending`).

cvpress reads the environment and the current folder when it uses them, not
at import, and the server imports modules without building anything, so
nothing the server did can show in a build (no cache is warm, no state
survives: each child is a fresh copy of the same idle server).

If the client dies (even SIGKILL), the connection ends: a thread waiting on
it then sends this process SIGTERM, which stops the build the way it stops
in-process (its TeX runs killed, their folders removed, exit 143).
"""

from __future__ import annotations

import _socket
import contextlib
import io
import os
import signal
import sys
import threading
from typing import Any, NoReturn

from . import ending, wire

#: Exit status of a child that could not take the request on (the client then
#: runs the command itself).
NOT_TAKEN = 70
_NAMES = ("<stdin>", "<stdout>", "<stderr>")


def run(conn: _socket.socket) -> NoReturn:
    """Take the request on ``conn`` over, say so, run it, and end (:mod:`.ending`)."""
    try:
        request, fds = wire.receive(conn, wire.MAX_FDS)
        _take_over(request, fds)
        threading.Thread(target=_watch, args=(conn,), daemon=True).start()
        wire.send(conn, ("started", os.getpid()))
    except BaseException:
        os._exit(NOT_TAKEN)
    from ..cli import command

    ending.run_and_exit(lambda: command(list(request["argv"][1:])))


def _take_over(request: dict[str, Any], fds: list[int]) -> None:
    """The client's folder, environment, umask, argv, path and streams, in this process."""
    streams = request["stdio"]
    if len(fds) != 1 + sum(spec is not None for spec in streams):
        raise ValueError("descriptors and streams disagree")
    cwd, *passed = fds
    os.fchdir(cwd)
    os.close(cwd)
    os.umask(int(request["umask"]))
    os.environ.clear()
    for key, value in request["environ"].items():
        os.environb[key] = value
    sys.argv = list(request["argv"])
    sys.path[:] = list(request["path"])
    received = iter(passed)
    for fd, spec in enumerate(streams):
        if spec is None:
            os.close(fd)  # closed in the client: closed here (it was /dev/null)
            continue
        source = next(received)
        os.dup2(source, fd)
        os.close(source)
    sys.stdin, sys.stdout, sys.stderr = (
        _stream(fd, spec) if spec is not None else None for fd, spec in enumerate(streams)
    )
    for name, stream in zip(("__stdin__", "__stdout__", "__stderr__"), _NAMES, strict=True):
        setattr(sys, name, getattr(sys, stream[1:-1]))


def _stream(fd: int, spec: tuple[str, str, bool, bool]) -> io.TextIOWrapper:
    """A standard stream as Python's start-up makes it (``create_stdio``), from the client's."""
    encoding, errors, line_buffering, write_through = spec
    writing = fd != 0
    raw = io.FileIO(fd, "wb" if writing else "rb", closefd=False)
    raw.name = _NAMES[fd]
    size = os.fstat(fd).st_blksize
    size = size if size > 1 else io.DEFAULT_BUFFER_SIZE  # as open() chooses
    buffered: io.FileIO | io.BufferedWriter | io.BufferedReader = raw
    if not (writing and write_through):
        buffered = io.BufferedWriter(raw, size) if writing else io.BufferedReader(raw, size)
    return io.TextIOWrapper(
        buffered,
        encoding=encoding,
        errors=errors,
        newline="\n",
        line_buffering=line_buffering,
        write_through=write_through,
    )


def _watch(conn: _socket.socket) -> None:
    """Wait for the client to go; then stop the command as SIGTERM does.

    The client sends nothing after its request, so anything read (the end of
    the connection, or an error) means it is gone.
    """
    with contextlib.suppress(OSError):
        conn.recv(1)
    os.kill(os.getpid(), signal.SIGTERM)
