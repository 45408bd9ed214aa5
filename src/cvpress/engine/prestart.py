r"""Start TeX before the document exists, so it loads while Python does.

Loading a precompiled preamble is a large part of a pdfLaTeX run from one
(a 21 MB format; typesetting a résumé is about as long), and a build spends
longer than both importing pydantic and Jinja and rendering before it has a
``.tex`` to give TeX. So when a variant was last built from a format that
still exists, the build starts that run at once: its ``cv.tex`` is the one
line that mylatexformat's scan stops at and, on the next line (on the same
line the scan swallows it), ``\@@input cvbody.tex``; ``cvbody.tex`` is a
named pipe. TeX loads the
format, reads that line and waits on the pipe; when the document is rendered
and its preamble still matches the format, the rest of the document (what
follows the format's boundary line) goes down the pipe.

XeLaTeX and LuaLaTeX cannot keep a preamble in a format (see
:func:`cvpress.engine.formats.base`), so their early run is given the whole
document through the pipe instead: at once the preamble of the variant's last
published ``.tex`` (through the same boundary line), which TeX typesets,
fonts and all, while Python imports and renders; then, when the new
document's preamble is the same, the rest.

Anything unexpected (another format, engine or epoch; TeX gone; an error in
the document, whose line numbers would be counted from the pipe's first
line) and the run is dropped and the build compiles the ordinary way, so
this never changes a result, only when it is ready. Same sandbox, same
flags, same bytes (tests compare them).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

from ..errors import EngineError
from . import process
from .catalogue import spec
from .passes import MAX_PASSES, EngineResult, TexFailed, run_passes
from .sandbox import JOBNAME, command, format_argument, run_prefix, sandbox_env

BODY = "cvbody.tex"
#: The boundary between a document's preamble and its data (see cvpress.engine.formats).
BOUNDARY = "\\csname endofdump\\endcsname"
#: What the run reads first: the format's boundary line, then the pipe.
LOADER = BOUNDARY + "\n\\csname @@input\\endcsname " + BODY + "\n"
#: What a XeLaTeX or LuaLaTeX run reads first: the pipe, which carries the whole document.
WHOLE_LOADER = "\\csname @@input\\endcsname " + BODY + "\n"
#: The pipe's first line under XeLaTeX and LuaLaTeX: a comment however it is read. XeTeX
#: reads a file's first two bytes to look for a byte order mark and cannot put them back
#: into a pipe; without this line it would read ``ocumentclass``.
PIPE_LEAD = "%%%% cvpress: the document follows\n"

_LOCK = threading.Lock()
_WAITING: dict[tuple[str, str], Prestart] = {}


def split(tex: str) -> tuple[str, str] | None:
    """``tex`` as (preamble through the boundary line, the rest); None without the boundary."""
    at = tex.find(BOUNDARY)
    end = tex.find("\n", at)
    if at < 0 or end < 0:
        return None
    return tex[: end + 1], tex[end + 1 :]


class Prestart:
    """A pass started from ``fmt``, waiting for its document.

    ``preamble``: the document's expected preamble, for an engine whose
    format cannot hold it (XeLaTeX, LuaLaTeX): it goes down the pipe at once.
    """

    def __init__(
        self, engine: str, fmt: Path, epoch: int, timeout: float, preamble: str | None = None
    ) -> None:
        self.engine = engine
        self.fmt = fmt
        self.epoch = epoch
        self.timeout = timeout
        self.preamble = preamble
        self.pipe = -1  # the pipe's write end, held open between preamble and body
        self.feeder: threading.Thread | None = None
        self.tmp = Path(tempfile.mkdtemp(prefix=run_prefix()))
        self.workdir = self.tmp / "run"
        self.workdir.mkdir()
        self.output = self.tmp / "output.txt"
        self.sink: IO[bytes] | None = None
        self.readable: tuple[str, ...] = ()
        self.process: subprocess.Popen[bytes] | None = None
        try:
            loader = LOADER if preamble is None else WHOLE_LOADER
            (self.workdir / f"{JOBNAME}.tex").write_text(loader, encoding="utf-8")
            os.mkfifo(self.workdir / BODY, 0o600)
            fmt_name, self.readable = format_argument(fmt, self.workdir)
            self.env = sandbox_env(self.workdir, epoch, engine)
            self.cmd = command(engine, fmt=fmt_name)
            self.sink = open(self.output, "wb")  # noqa: SIM115
            self.process = process.start(
                self.cmd,
                self.workdir,
                self.env,
                engine,
                self.sink,
                readable=self.readable,
            )
            if preamble is not None:
                self.feeder = threading.Thread(
                    target=self._feed_preamble, args=(self.process, preamble), daemon=True
                )
                self.feeder.start()
        except BaseException:
            self.cancel()
            raise

    def _feed_preamble(self, running: subprocess.Popen[bytes], preamble: str) -> None:
        """Open the pipe once TeX does and write the preamble, keeping the pipe open."""
        fd = self._open(running)
        if fd >= 0 and not self._write(fd, (PIPE_LEAD + preamble).encode("utf-8")):
            os.close(fd)
            fd = -1
        self.pipe = fd

    def fits(self, engine: str, fmt: Path | None, epoch: int) -> bool:
        if engine != self.engine or fmt is None or epoch != self.epoch:
            return False
        return os.path.realpath(fmt) == os.path.realpath(self.fmt)

    def cancel(self) -> None:
        """Stop the run (if any) and remove its folder."""
        if self.process is not None and self.process.returncode is None:
            process.kill_group(self.process)
        if self.feeder is not None:
            self.feeder.join()
            self.feeder = None
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1
        if self.sink is not None:
            self.sink.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def finish(
        self,
        tex: str,
        max_passes: int = MAX_PASSES,
        on_start: Callable[[int], object] | None = None,
        files: Mapping[str, bytes] | None = None,
    ) -> EngineResult | None:
        """Feed ``tex`` to the waiting run; None if it could not be used (nothing was published).

        ``files`` (the photo) are written into the run's folder first, as
        :func:`cvpress.engine.passes.compile_tex` does. Raises
        :class:`EngineError` only for a timeout or a crash, which a fresh run
        would meet too.
        """
        try:
            for name, content in (files or {}).items():
                (self.workdir / name).write_bytes(content)
        except OSError:
            self.cancel()
            return None  # the fresh run reports it
        try:
            return self._finish(tex, max_passes, on_start)
        finally:
            self.cancel()

    def _finish(
        self, tex: str, max_passes: int, on_start: Callable[[int], object] | None
    ) -> EngineResult | None:
        started = time.perf_counter()
        running = self.process
        parts = split(tex)
        if running is None or parts is None:
            return None
        preamble, body = parts
        if self.preamble is not None and preamble != self.preamble:
            return None  # the preamble TeX has read is not this document's
        # A document TeX stops reading (an endless loop) must not block the write.
        guard = threading.Timer(self.timeout, process.kill_group, args=(running,))
        guard.daemon = True
        guard.start()
        try:
            fed = self._feed(running, body.encode("utf-8"))
        finally:
            guard.cancel()
        if not fed:
            return None
        if self.preamble is not None:
            body = tex  # a rerun reads the whole document from the file
        body_file = self.workdir / BODY

        def one_pass(number: int) -> None:
            if number == 1:  # the run fed above
                process.finish(running, self.timeout, self.engine, on_start)
                return
            if number == 2:  # a rerun reads the body from a file, not the pipe
                body_file.unlink()
                body_file.write_text(body, encoding="utf-8")
            process.run(
                self.cmd,
                self.workdir,
                self.env,
                self.timeout,
                self.engine,
                self.output,
                readable=self.readable,
            )

        result = run_passes(
            one_pass, self.workdir, self.engine, max_passes=max_passes, started=started
        )
        # An error: the ordinary run reports it, with the right line numbers.
        return None if isinstance(result, TexFailed) else result

    def _feed(self, running: subprocess.Popen[bytes], data: bytes) -> bool:
        """Write ``data`` down the pipe (after any preamble) and close it; False if TeX is gone."""
        if self.feeder is not None:
            self.feeder.join()
            self.feeder = None
            fd, self.pipe = self.pipe, -1
        else:
            fd = self._open(running)
        if fd < 0:
            return False
        try:
            return self._write(fd, data)
        finally:
            os.close(fd)

    def _open(self, running: subprocess.Popen[bytes]) -> int:
        """The pipe's write end (blocking), once TeX has opened it; -1 if TeX is gone."""
        deadline = time.monotonic() + self.timeout
        while True:
            if running.poll() is not None or time.monotonic() > deadline:
                return -1
            try:
                fd = os.open(self.workdir / BODY, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: TeX has not opened it yet
                    return -1
                time.sleep(0.002)
                continue
            try:
                fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
            except OSError:
                os.close(fd)
                return -1
            return fd

    @staticmethod
    def _write(fd: int, data: bytes) -> bool:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        except OSError:  # TeX stopped reading (an error in the document): no result
            return False
        return True


def begin(out: Path, name: str, engine: str, fmt: Path, epoch: int, timeout: float) -> None:
    """Start a run for variant ``name`` (built into ``out``) from ``fmt``; errors are ignored.

    Under XeLaTeX and LuaLaTeX the run starts on the preamble of
    ``out/<name>.tex``, the variant's last published document.
    """
    parts = spec(engine)
    if not parts.takes_format or not fmt.is_file():
        return
    preamble = None
    try:
        if not parts.formats:
            last = split((out / f"{name}.tex").read_text(encoding="utf-8"))
            if last is None:
                return
            preamble = last[0]
        run = Prestart(engine, fmt, epoch, timeout, preamble)
    except (OSError, UnicodeDecodeError, EngineError):
        return
    with _LOCK:
        previous = _WAITING.pop((str(out), name), None)
        _WAITING[(str(out), name)] = run
    if previous is not None:
        previous.cancel()


def take(out: Path, name: str) -> Prestart | None:
    """The run started for this variant, if any (the caller finishes or cancels it)."""
    with _LOCK:
        return _WAITING.pop((str(out), name), None)


def cancel_all() -> None:
    """Stop every run nobody took (a build that failed early, or skipped a variant)."""
    with _LOCK:
        waiting = list(_WAITING.values())
        _WAITING.clear()
    for run in waiting:
        with contextlib.suppress(OSError):
            run.cancel()
