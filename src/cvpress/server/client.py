"""The client side: hand this process's command to a server and become its stand-in.

The request carries what the command would have found had it started here:
argv, the current folder (as a descriptor, so a folder deleted under the
shell behaves as it would in-process), the whole environment, the umask,
``sys.path``, and the three standard streams as descriptors with what Python
decided about them (encoding, errors, line buffering, write-through), so that
the child rebuilds ``sys.stdin``/``stdout``/``stderr`` the way Python's
start-up would have here: a terminal is still a terminal, colours and
buffering follow.

While the child runs, this process forwards SIGINT, SIGTERM, SIGHUP and
SIGQUIT to it (Ctrl-C reaches the terminal's foreground group, which is this
process, not the child), and then ends as the child did: the same exit code,
or killed by the same signal.
"""

from __future__ import annotations

import _socket
import os
import sys
from typing import TYPE_CHECKING

from . import place, wire

if TYPE_CHECKING:
    import signal as _signal
    from types import FrameType
else:
    import _signal

#: Signals that end a command, forwarded to the child that runs it.
FORWARDED = (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP, _signal.SIGQUIT)


def run(argv: list[str]) -> int | None:
    """``argv`` run by a server: the exit code; None if no server took it (run it in-process)."""
    where = place.folder()
    path = place.socket_path(where, place.fingerprint()) if where is not None else None
    if path is None:
        return None
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM | _socket.SOCK_CLOEXEC)
    try:
        sock.connect(path)
        return _converse(sock, argv)
    except (OSError, EOFError, ValueError):
        return None
    finally:
        sock.close()


def _converse(sock: _socket.socket, argv: list[str]) -> int | None:
    cwd = os.open(".", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    streams = (sys.stdin, sys.stdout, sys.stderr)
    passed = tuple(fd for fd, stream in enumerate(streams) if stream is not None and _open(fd))
    mask = os.umask(0)
    os.umask(mask)
    request = {
        "argv": argv,
        "environ": dict(os.environb),
        "umask": mask,
        "path": list(sys.path),
        "stdio": [
            (
                stream.encoding,
                stream.errors,
                stream.line_buffering,
                getattr(stream, "write_through", False),
            )
            if fd in passed and stream is not None
            else None
            for fd, stream in enumerate(streams)
        ],
    }
    forwarder = _Forwarder()
    try:
        wire.send(sock, request, (cwd, *passed))
        os.close(cwd)
        cwd = -1
        message, _ = wire.receive(sock)
        if message[0] != "started":
            return None  # the child could not take the request on
        pid = int(message[1])
        forwarder.attach(pid)
        try:
            message, _ = wire.receive(sock)
        except (EOFError, OSError):  # the command runs there: never run it here as well
            return _orphaned(pid)
        return _exit_code(int(message[1]))
    finally:
        forwarder.restore()
        if cwd >= 0:
            os.close(cwd)


def _open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


class _Forwarder:
    """Signal handlers that pass each signal on to the child (kept until it is known)."""

    def __init__(self) -> None:
        self.pid = 0
        self.pending: list[int] = []
        self.previous = {signum: _signal.signal(signum, self._forward) for signum in FORWARDED}

    def _forward(self, signum: int, _frame: FrameType | None) -> None:
        if self.pid:
            try:  # noqa: SIM105 - contextlib stays out of the client's imports
                os.kill(self.pid, signum)
            except OSError:  # already gone: the server reports how it ended
                pass
        else:
            self.pending.append(signum)

    def attach(self, pid: int) -> None:
        self.pid = pid
        for signum in self.pending:
            self._forward(signum, None)

    def restore(self) -> None:
        """The handlers as they were; a signal that came before any child, raised here now."""
        for signum, handler in self.previous.items():
            _signal.signal(signum, handler)
        if not self.pid and self.pending:
            os.kill(os.getpid(), self.pending[0])


def _exit_code(status: int) -> int:
    """End as the child ended: its exit code, or killed by its signal (then 128 + n)."""
    code = os.waitstatus_to_exitcode(status)
    if code >= 0:
        return code
    signum = -code
    _signal.signal(signum, _signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    return 128 + signum  # a signal that does not end a process (it was ignored here)


def _orphaned(pid: int) -> int:
    """The server went before reporting: wait for the child itself to end, then say so."""
    import time

    while True:
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.05)
    print("cvpress: the build server stopped before the build ended", file=sys.stderr)
    return 1
