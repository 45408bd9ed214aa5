"""The build server process: import everything once, then fork a child per request.

Started detached (:mod:`.control`): its own session, standard streams on
``/dev/null``, no other inherited descriptors, current folder ``/``. It
takes the lock of its fingerprint (a second server for the same code exits
at once), imports what a build or a validation needs and builds pydantic's
validators, freezes those objects out of the garbage collector's way (the
children share their pages), and only then listens.

The server itself never builds and keeps no state about builds: for each
connection it checks that the peer is the same user (``SO_PEERCRED``),
forks, and the child (:mod:`.child`) does the rest. The server stays
single-threaded, so each fork copies a process in a known, idle state. It
reaps its children, reports each one's wait status to its client, and
ends after :data:`IDLE_SECONDS` without a request, or on SIGTERM
(``cvpress server stop``: it stops listening at once, lets the builds in
progress finish and report, then exits).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import importlib
import os
import select
import signal
import socket
import sys
import threading
import time
from types import FrameType

from . import child, place, wire

#: A server with no request for this long exits (``cvpress server start --idle``).
IDLE_SECONDS = 15 * 60.0
#: Attempts at the lock before concluding another server holds it.
_LOCK_TRIES = 5
#: What a build, a validation and their outputs import, beyond the command line
#: (the modules these import come with them), including what the stages import
#: only when used (tests/test_server.py checks that a build imports no cvpress
#: module besides). None reads the environment at import, except babel's
#: ``LOCALTZ`` (the time zone), which cvpress never uses.
PRELOAD = (
    "cvpress.cli",
    "cvpress.pipeline.targets",
    "cvpress.pipeline.build",
    "cvpress.pipeline.incremental",
    "cvpress.pipeline.sources",
    "cvpress.pipeline.letter_stages",
    "cvpress.pipeline.other_outputs",
    "cvpress.pipeline.photo_stage",
    "cvpress.pipeline.check",
    "cvpress.pipeline.fit_stage",
    "cvpress.pipeline.locate",
    "cvpress.engine.prestart",
    "cvpress.engine.resident",
    "cvpress.engine.glyphs",
    "cvpress.engine.formats",
    "cvpress.engine.fontindex",
    "cvpress.engine.landlock",
    "cvpress.data.validate",
    "cvpress.data.select",
    "cvpress.data.letter",
    "cvpress.data.private",
    "cvpress.data.bibtex",
    "cvpress.data.languages",
    "cvpress.tex.letter",
    "cvpress.outputs.html",
    "cvpress.outputs.docx",
    "cvpress.outputs.readback",
    "cvpress.release.git",
    "concurrent.futures.thread",
    "jinja2.ext",
    "markdown_it",
    "pylatexenc.latexencode",
    "pylatexenc.latex2text",
    "babel.dates",
    "babel.numbers",
    "bibtexparser",
    "docx",
    "pypdfium2",
)


def warm_up() -> None:
    """Import :data:`PRELOAD` and build the validators of every model a build validates with.

    Nothing here reads the environment, the current folder or a file a build
    reads: what the children inherit is code, not state.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # as cli.command does
    for name in PRELOAD:
        importlib.import_module(name)
    from ..data.letter import Letter
    from ..data.model import Resume
    from ..data.variants import Variant, VariantOptions, VariantsFile

    for model in (Resume, VariantsFile, VariantOptions, Variant, Letter):
        model.model_rebuild()
    gc.collect()
    gc.freeze()


class Server:
    """The accept-fork-reap loop (see the module docstring)."""

    def __init__(self, listener: socket.socket, lock: int, idle: float) -> None:
        self.listener: socket.socket | None = listener
        self.lock = lock
        self.idle = idle
        self.pid = os.getpid()
        self.children: dict[int, socket.socket] = {}
        self.stopping = False
        self.wake_read, self.wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.set_wakeup_fd(self.wake_write)
        signal.signal(signal.SIGCHLD, _ignore)
        signal.signal(signal.SIGTERM, self._stop)

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def loop(self) -> socket.socket | None:
        """Serve until idle or stopped (None); in a forked child, return its connection."""
        last = time.monotonic()
        while True:
            if self.stopping and self.listener is not None:
                self._close_listener()
            if self.listener is None and not self.children:
                return None
            waiting = [self.wake_read, *([self.listener.fileno()] if self.listener else [])]
            timeout = None if self.children else max(0.0, last + self.idle - time.monotonic())
            if timeout == 0.0:
                return None
            ready, _, _ = select.select(waiting, [], [], timeout)
            if self.wake_read in ready:
                _drain(self.wake_read)
            self._reap()
            if self.listener is not None and self.listener.fileno() in ready and not self.stopping:
                conn = self._accept()
                if conn is None:
                    continue
                pid = os.fork()
                if pid == 0:
                    self._become_child(conn)
                    return conn
                self.children[pid] = conn
                last = time.monotonic()
                os.utime(self.lock)  # `cvpress server status` shows the idle time from it

    def _accept(self) -> socket.socket | None:
        assert self.listener is not None
        try:
            conn, _ = self.listener.accept()
        except OSError:  # the client gave up meanwhile (the listener does not block)
            return None
        conn.setblocking(True)
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
        if int.from_bytes(creds[4:8], sys.byteorder) != os.getuid():
            conn.close()  # another user's process: never serve it
            return None
        return conn

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if conn is not None:
                with contextlib.suppress(OSError):  # the client may be gone
                    wire.send(conn, ("ended", status))
                conn.close()

    def close(self) -> None:
        """The server's own descriptors and socket file, as it ends."""
        if self.listener is not None:
            self._close_listener()
        for fd in (self.wake_read, self.wake_write):
            os.close(fd)

    def _close_listener(self) -> None:
        """Stop taking requests: a client from now on runs its command itself."""
        assert self.listener is not None
        path = self.listener.getsockname()
        self.listener.close()
        self.listener = None
        with contextlib.suppress(OSError):
            os.unlink(path)

    def _become_child(self, conn: socket.socket) -> None:
        """In the child: drop the server's descriptors and handlers, keep ``conn``."""
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if self.listener is not None:
            self.listener.close()
        for other in self.children.values():
            other.close()
        self.children.clear()
        for fd in (self.wake_read, self.wake_write, self.lock):
            os.close(fd)


def _ignore(_signum: int, _frame: FrameType | None) -> None:
    """SIGCHLD's handler: only there so that the signal wakes the loop (``set_wakeup_fd``)."""


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass


def _take_lock(where: str, name: str) -> int | None:
    """The server's lock, holding its pid; None if another server holds it.

    Tried a few times: ``cvpress server status`` (and ``start``, waiting for
    a server) take the lock shared for an instant to see whether it is held.
    """
    fd = os.open(place.lock_path(where, name), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    for _ in range(_LOCK_TRIES):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError:
            time.sleep(0.02)
    else:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _listen(path: str) -> socket.socket:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # a server that died without cleaning up (the lock is ours now)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    listener.setblocking(False)
    return listener


def serve(expected: str | None, idle: float) -> int:
    """Run a server for this interpreter's code until it ends; in a child, run its request.

    ``expected``: the fingerprint the starting client computed; a server that
    would not match it exits at once (it would never be asked).
    """
    where = place.folder()
    name = place.fingerprint()
    path = place.socket_path(where, name) if where is not None else None
    if where is None or path is None or (expected and expected != name):
        return 1
    lock = _take_lock(where, name)
    if lock is None:
        return 0  # one is running already
    server: Server | None = None
    try:
        warm_up()
        if threading.active_count() != 1:
            raise RuntimeError("the server must be single-threaded to fork")
        server = Server(_listen(path), lock, idle)
        conn = server.loop()
    finally:
        if server is None or os.getpid() == server.pid:  # not in a forked child
            if server is not None:
                server.close()
            os.unlink(place.lock_path(where, name))
            os.close(lock)
    if conn is not None:
        child.run(conn)  # a forked child: never returns
    return 0


def main(argv: list[str]) -> int:
    """``python -m cvpress.server.daemon [--detach] [--idle SECONDS] [--expect FINGERPRINT]``."""
    idle, expected, detach = IDLE_SECONDS, None, False
    args = iter(argv)
    for arg in args:
        if arg == "--detach":
            detach = True
        elif arg == "--idle":
            idle = float(next(args))
        elif arg == "--expect":
            expected = next(args)
    if detach and os.fork():
        os._exit(0)  # the starter's child returns at once; the server is nobody's child
    return serve(expected, idle)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
