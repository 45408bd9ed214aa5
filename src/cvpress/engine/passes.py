r"""Compile a ``.tex`` string: the one pass loop every TeX run goes through.

Every run gets a fresh private temporary directory, a cleaned environment, no
shell escape, paranoid file access (``openin_any=p``/``openout_any=p``), a
kernel sandbox where available (:mod:`cvpress.engine.landlock`), a wall-clock timeout
that kills the whole process group, a fixed job name and a fixed
``SOURCE_DATE_EPOCH`` with ``FORCE_SOURCE_DATE=1``. Nothing the document does
can read or write outside that directory, run a program, or outlive the
timeout. The settings live in :mod:`cvpress.engine.sandbox`, processes in
:mod:`cvpress.engine.process`, log reading in :mod:`cvpress.engine.log`; a
run started before its document exists (:mod:`cvpress.engine.prestart`)
reruns through the same loop (:func:`run_passes`).

Engines, and how the sandbox is spelled for each:

``pdflatex``, ``xelatex``, ``lualatex``
    ``-no-shell-escape -interaction=nonstopmode -halt-on-error
    -file-line-error -jobname=cv``; pdfLaTeX can also start from a
    precompiled preamble (``-fmt``, see :mod:`cvpress.engine.formats`). LuaTeX's Lua
    (``io.open``) ignores ``openin_any``/``openout_any`` and ``--safer`` breaks
    luaotfload, so under LuaLaTeX the kernel sandbox and escaping (user text
    never reaches ``\directlua``) are what keep a document in its directory.
``latexmk`` / ``latexmk:pdflatex``, ``latexmk:xelatex``, ``latexmk:lualatex``
    latexmk driving that engine (``-pdf``, ``-xelatex``, ``-lualatex``) with
    ``-norc`` (no system or user rc file can change the command it runs) and
    the same flags, which latexmk passes on. latexmk does its own reruns.
``tectonic``
    ``tectonic -X compile --untrusted``: untrusted mode forbids shell escape
    and the other insecure engine features. Tectonic fetches its TeX bundle
    from the internet on first use and caches it (``~/.cache/Tectonic``, or
    ``TECTONIC_CACHE_DIR``), so it is not confined by the kernel sandbox; run
    it once online before building offline.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EngineError, TexError
from . import process
from .catalogue import spec
from .log import LogMessage, error_hint, needs_rerun, parse_log, read_log
from .sandbox import DEFAULT_EPOCH, JOBNAME, command, format_argument, run_prefix, sandbox_env

#: Seconds one engine pass may take before its process group is killed.
DEFAULT_TIMEOUT = 60.0
#: Most passes per build; a résumé needs one, two when the log asks.
MAX_PASSES = 3


@dataclass(slots=True)
class EngineResult:
    pdf: bytes
    log: str
    passes: int
    seconds: float
    messages: list[LogMessage] = field(default_factory=list)
    #: The run's final ``.aux``: given to the next run of the same document
    #: (``files``), its page records are already right and one pass suffices.
    aux: bytes = b""

    @property
    def warnings(self) -> list[LogMessage]:
        return [m for m in self.messages if m.kind != "error"]


@dataclass(slots=True)
class TexFailed:
    """A pass whose log names an error, or that left no PDF: what it said, and its log."""

    message: LogMessage
    log: str


def compile_tex(
    tex: str,
    engine: str = "pdflatex",
    *,
    timeout: float = DEFAULT_TIMEOUT,
    epoch: int = DEFAULT_EPOCH,
    max_passes: int = MAX_PASSES,
    files: Mapping[str, bytes] | None = None,
    fmt: Path | None = None,
    on_start: Callable[[int], object] | None = None,
) -> EngineResult:
    """Compile ``tex`` in a fresh sandbox and return the PDF bytes and the parsed log.

    ``fmt``: a precompiled preamble (:mod:`cvpress.engine.formats`) for this
    exact preamble, or the engine's inflated base format (:func:`cvpress.engine.formats.base`)
    (see :func:`cvpress.engine.sandbox.format_argument`); ignored by engines that
    cannot use one. ``on_start``: called with the
    first pass's process id (also its process group id) once it is running,
    to overlap Python work with TeX's.

    Raises :class:`~cvpress.errors.TexError` on a TeX error (with the
    message and the ``.tex`` line), :class:`~cvpress.errors.EngineTimeout`
    on a timeout, and :class:`EngineError` on a missing engine or a crash.
    """
    parts = spec(engine)
    use_fmt = fmt is not None and parts.takes_format
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=run_prefix()) as tmp:
        workdir = Path(tmp) / "run"
        workdir.mkdir()
        output = Path(tmp) / "output.txt"
        try:
            (workdir / f"{JOBNAME}.tex").write_text(tex, encoding="utf-8")
            for name, content in (files or {}).items():
                (workdir / name).write_bytes(content)
            fmt_name, readable = (
                format_argument(fmt, workdir) if use_fmt and fmt is not None else (None, ())
            )
        except OSError as exc:  # a full disk or a file size limit (ulimit -f)
            raise EngineError(
                f"cannot write the document for {engine} into {tmp}: {exc.strerror or exc}",
                hint="free disk space (or raise the file size limit) and build again",
            ) from None
        cmd = command(engine, fmt=fmt_name)
        env = sandbox_env(workdir, epoch, engine)

        def one_pass(number: int) -> None:
            with _font_cache_lock(env):
                process.run(
                    cmd,
                    workdir,
                    env,
                    timeout,
                    engine,
                    output,
                    on_start if number == 1 else None,
                    readable=readable,
                )

        result = run_passes(
            one_pass, workdir, engine, max_passes=max_passes, started=started, output=output
        )
        if isinstance(result, TexFailed):
            raise TexError(
                f"{parts.program}: {result.message.message}",
                hint=error_hint(result.message.message, engine),
                tex_message=result.message.message,
                line=result.message.line,
                log=result.log,
                tex=tex,
            )
        return result


def run_passes(
    one_pass: Callable[[int], None],
    workdir: Path,
    engine: str,
    *,
    max_passes: int,
    started: float,
    output: Path | None = None,
) -> EngineResult | TexFailed:
    """Run passes (``one_pass(1)``, ``one_pass(2)``...) until the log stops asking for one.

    The one pass loop: a pass whose log names an error, or that leaves no
    PDF, ends it with :class:`TexFailed`; the engine's own rerun logic
    (latexmk, tectonic) and ``max_passes`` cap it. Timeouts and crashes are
    raised by ``one_pass`` itself.
    """
    drives_reruns = spec(engine).drives_reruns
    passes = 0
    while True:
        passes += 1
        one_pass(passes)
        log = read_log(workdir)
        messages = parse_log(log)
        errors = [m for m in messages if m.kind == "error"]
        pdf_path = workdir / f"{JOBNAME}.pdf"
        if errors or not pdf_path.exists():
            first = errors[0] if errors else LogMessage("error", _no_pdf(engine, log, output))
            return TexFailed(first, log)
        if passes >= max_passes or drives_reruns or not needs_rerun(log):
            aux = workdir / f"{JOBNAME}.aux"
            return EngineResult(
                pdf=pdf_path.read_bytes(),
                log=log,
                passes=passes,
                seconds=time.perf_counter() - started,
                messages=messages,
                aux=aux.read_bytes() if aux.is_file() else b"",
            )


@contextlib.contextmanager
def _font_cache_lock(env: Mapping[str, str]) -> Iterator[None]:
    """One LuaTeX run at a time while the shared font name database is being made.

    luaotfload builds it on first use (seconds, with Noto CJK installed);
    parallel builds or test workers doing so at once would race on its files.
    Once it exists, runs do not wait for each other.
    """
    cache = env.get("TEXMFCACHE")
    if cache is None or (Path(cache) / "luatex-cache" / "generic" / "names").is_dir():
        yield
        return
    import fcntl

    with open(Path(cache) / ".cvpress-lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _no_pdf(engine: str, log: str, output: Path | None) -> str:
    """Why there is no PDF when the log names no error: the program's own last words."""
    try:
        said = (
            output.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            if output is not None
            else []
        )
    except OSError:
        said = []
    tail = " / ".join(line.strip() for line in said[-3:] if line.strip())
    if spec(engine).program == "tectonic":
        return f"tectonic produced no PDF ({tail or 'no output'})"
    return f"no PDF was produced{f' ({tail})' if tail and not log else ''}"
