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

Below the boundary come the Unicode engines' fonts (XeTeX cannot keep a
native font in a format, see :mod:`cvpress.engine.xetex_dump`), ending with
the line :data:`FONTS_END`; like the preamble, they depend only on the
template and the options. So the run is given them at once, from the
variant's last published ``.tex``, and loads them while Python imports and
renders; the rest follows if the new document's part up to that line is the
same (a ``--force`` rebuild included). LuaLaTeX cannot keep its preamble in a
format (nor XeLaTeX when its preamble's cannot be made): it starts from its
own format (:func:`cvpress.engine.formats.base`) and is given the whole
document through the pipe instead, the preamble and the fonts at once.

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
#: What a run from an engine's own format reads first: the pipe, which carries the whole document.
WHOLE_LOADER = "\\csname @@input\\endcsname " + BODY + "\n"
#: The pipe's first line: a comment however it is read. XeTeX reads a file's first two
#: bytes to look for a byte order mark and cannot put them back into a pipe; without
#: this line it would read ``ocumentclass``.
PIPE_LEAD = "%%%% cvpress: the document follows\n"
#: The line that ends the fonts below the boundary (``_base/document.tex.j2``): what a
#: run is given before the document is rendered ends here.
FONTS_END = "% end of the fonts\n"

_LOCK = threading.Lock()
_WAITING: dict[tuple[str, str], Prestart] = {}


class Gone(Exception):
    """The run was killed before it finished, not by a failure of the document: no result."""


def split(tex: str, whole: bool) -> tuple[str, str] | None:
    """``tex`` as (what a run reads before the document is rendered, the rest).

    The first part ends with the :data:`FONTS_END` line and starts after the
    boundary line (a run from a preamble's format), or at the start
    (``whole``: a run from the engine's own format). None without those lines.
    """
    at = tex.find(BOUNDARY)
    start = tex.find("\n", at) + 1
    end = tex.find("\n" + FONTS_END, start - 1)
    if at < 0 or start == 0 or end < 0:
        return None
    end += 1 + len(FONTS_END)
    return tex[0 if whole else start : end], tex[end:]


class Prestart:
    """A pass started from ``fmt``, waiting for its document.

    ``early``: the part of the document expected before it is rendered (see
    :func:`split`): it goes down the pipe at once. ``whole``: ``fmt`` is the
    engine's own format, so the pipe carries the whole document.
    """

    def __init__(
        self, engine: str, fmt: Path, epoch: int, timeout: float, early: str, whole: bool
    ) -> None:
        self.engine = engine
        self.fmt = fmt
        self.epoch = epoch
        self.timeout = timeout
        self.early = early
        self.whole = whole
        self.pipe = -1  # the pipe's write end, held open between the early part and the rest
        self.feeder: threading.Thread | None = None
        self.tmp = Path(tempfile.mkdtemp(prefix=run_prefix()))
        self.workdir = self.tmp / "run"
        self.workdir.mkdir()
        self.output = self.tmp / "output.txt"
        self.sink: IO[bytes] | None = None
        self.readable: tuple[str, ...] = ()
        self.process: subprocess.Popen[bytes] | None = None
        try:
            loader = WHOLE_LOADER if whole else LOADER
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
            self.feeder = threading.Thread(
                target=self._feed_early, args=(self.process, early), daemon=True
            )
            self.feeder.start()
        except BaseException:
            self.cancel()
            raise

    def _feed_early(self, running: subprocess.Popen[bytes], early: str) -> None:
        """Open the pipe once TeX does and write ``early``, keeping the pipe open."""
        fd = self._open(running)
        if fd >= 0 and not self._write(fd, (PIPE_LEAD + early).encode("utf-8")):
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
        except Gone:
            return None
        finally:
            self.cancel()

    def _finish(
        self, tex: str, max_passes: int, on_start: Callable[[int], object] | None
    ) -> EngineResult | None:
        started = time.perf_counter()
        parts = split(tex, self.whole)
        if not self._running() or parts is None:
            return None
        early, rest = parts
        if early != self.early:
            return None  # what TeX has read is not this document's
        # A document TeX stops reading (an endless loop) must not block the write.
        guard = threading.Timer(self.timeout, self._kill)
        guard.daemon = True
        guard.start()
        try:
            fed = self._feed(rest.encode("utf-8"))
        finally:
            guard.cancel()
        if not fed:
            return None
        body = early + rest  # what a rerun reads from the file
        body_file = self.workdir / BODY

        def one_pass(number: int) -> None:
            if number == 1:  # the run fed above
                self._first_pass(on_start)
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

    def _running(self) -> bool:
        return self.process is not None

    def _kill(self) -> None:
        if self.process is not None:
            process.kill_group(self.process)

    def _first_pass(self, on_start: Callable[[int], object] | None) -> None:
        """Wait for the run fed the document (a timeout or a crash raises :class:`EngineError`)."""
        assert self.process is not None
        process.finish(self.process, self.timeout, self.engine, on_start)

    def _feed(self, data: bytes) -> bool:
        """Write ``data`` down the pipe after the early part and close it; False if TeX is gone."""
        if self.feeder is not None:
            self.feeder.join()
            self.feeder = None
        fd, self.pipe = self.pipe, -1
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

    The run is given at once the early part (:func:`split`) of
    ``out/<name>.tex``, the variant's last published document.
    """
    from .formats import is_base

    parts = spec(engine)
    if not parts.takes_format or not fmt.is_file():
        return
    whole = is_base(fmt)
    try:
        last = split((out / f"{name}.tex").read_text(encoding="utf-8"), whole)
        if last is None:
            return
        run = Prestart(engine, fmt, epoch, timeout, last[0], whole)
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
