r"""Run a TeX engine on a ``.tex`` string, sandboxed, and read its log.

Every run gets a fresh private temporary directory, a cleaned environment, no
shell escape, paranoid file access (``openin_any=p``/``openout_any=p``), a
kernel sandbox where available (:mod:`cvpress.landlock`), a wall-clock timeout
that kills the whole process group, a fixed job name and a fixed
``SOURCE_DATE_EPOCH`` with ``FORCE_SOURCE_DATE=1``. Nothing the document does
can read or write outside that directory, run a program, or outlive the
timeout.

Engines, and how the sandbox is spelled for each:

``pdflatex``, ``xelatex``, ``lualatex``
    ``-no-shell-escape -interaction=nonstopmode -halt-on-error
    -file-line-error -jobname=cv``; pdfLaTeX can also start from a
    precompiled preamble (``-fmt``, see :mod:`cvpress.formats`). LuaTeX's Lua
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
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .engine_names import ENGINES
from .errors import EngineError, InputError

JOBNAME = "cv"
#: Seconds one engine pass may take before its process group is killed.
DEFAULT_TIMEOUT = 60.0
#: Most passes per build; a résumé needs one, two when the log asks.
MAX_PASSES = 3
#: Used when the data file has no git history: 2024-01-01T00:00:00Z.
DEFAULT_EPOCH = 1704067200
#: Name of a precompiled preamble inside a run's directory (``-fmt=cvpress``).
FORMAT_NAME = "cvpress"

#: Engines that print any Unicode their fonts hold (the rest is pdfLaTeX's Latin set).
UNICODE_TEX = frozenset({"xelatex", "lualatex", "tectonic"})

INSTALL_HINT = {
    "pdflatex": "sudo apt-get install texlive-latex-base texlive-latex-recommended "
    "texlive-latex-extra texlive-fonts-recommended lmodern",
    "xelatex": "sudo apt-get install texlive-xetex fonts-noto-core fonts-noto-cjk",
    "lualatex": "sudo apt-get install texlive-luatex fonts-noto-core fonts-noto-cjk",
    "latexmk": "sudo apt-get install latexmk",
    "tectonic": "install tectonic (https://tectonic-typesetting.github.io/install.html: "
    "a release binary or `cargo install tectonic`), then run it once online so it caches "
    "its TeX bundle",
}


@dataclass(frozen=True, slots=True)
class Engine:
    """An engine name taken apart: the program we start and the TeX engine that typesets."""

    name: str
    program: str
    tex: str

    @property
    def unicode(self) -> bool:
        return self.tex in UNICODE_TEX

    @property
    def formats(self) -> bool:
        """Whether a precompiled preamble can be used.

        Only pdfTeX: XeTeX refuses to dump a format with OpenType fonts
        loaded, and LuaTeX's fonts live in Lua tables that a format does not
        keep.
        """
        return self.tex == "pdflatex"

    @property
    def drives_reruns(self) -> bool:
        """latexmk and tectonic decide on reruns themselves."""
        return self.program in ("latexmk", "tectonic")


def spec(name: str) -> Engine:
    """``"latexmk:xelatex"`` -> Engine(program="latexmk", tex="xelatex")."""
    if name not in ENGINES:
        raise InputError(
            f"unknown engine {name!r}",
            hint="engines: auto, " + ", ".join(ENGINES),
        )
    program, _, tex = name.partition(":")
    if program == "latexmk":
        return Engine(name, "latexmk", tex or "pdflatex")
    return Engine(name, program, program)


def is_unicode(name: str) -> bool:
    """True when ``name`` prints any Unicode its fonts hold (not for ``auto``)."""
    return name in ENGINES and spec(name).unicode


@dataclass(slots=True)
class LogMessage:
    kind: str  # "error", "warning", "overfull", "underfull"
    message: str
    line: int | None = None  # line in the .tex file


@dataclass(slots=True)
class EngineResult:
    pdf: bytes
    log: str
    passes: int
    seconds: float
    messages: list[LogMessage] = field(default_factory=list)

    @property
    def warnings(self) -> list[LogMessage]:
        return [m for m in self.messages if m.kind != "error"]


def which(engine: str) -> str:
    """Absolute path of the engine's executable, or a clear error with the install command."""
    program = spec(engine).program if engine in ENGINES else engine
    path = shutil.which(program)
    if path is None:
        raise EngineError(
            f"the TeX engine {program!r} is not installed (not found on PATH)",
            hint=_install_hint(program),
        )
    return path


def _install_hint(program: str) -> str:
    if program == "tectonic":  # not in Debian's archive, so not in `invoke bootstrap` either
        return INSTALL_HINT["tectonic"][0].upper() + INSTALL_HINT["tectonic"][1:]
    return f"install it: {INSTALL_HINT.get(program, program)}; or run `invoke bootstrap`"


def installed(engine: str) -> bool:
    """Whether every program ``engine`` needs is on PATH."""
    parts = spec(engine)
    return all(shutil.which(p) for p in {parts.program, parts.tex})


#: What ``auto`` tries, in order: pdfLaTeX is the fastest; XeLaTeX is faster than
#: LuaLaTeX and prints any script with the fallback fonts of ``_base``.
AUTO_ORDER = ("pdflatex", "xelatex", "lualatex", "tectonic")


def resolve(engine: str, *, unicode: bool = False, preferred: tuple[str, ...] = ()) -> str:
    """``auto`` -> the best installed engine.

    ``unicode``: the data holds characters pdfLaTeX cannot print, so only
    Unicode engines qualify. ``preferred``: the template's own ranking (its
    ``template.yaml`` ``engines:`` list), tried before the default order.
    """
    if engine != "auto":
        spec(engine)
        return engine
    for candidate in (*preferred, *AUTO_ORDER):
        if candidate not in ENGINES or (unicode and not spec(candidate).unicode):
            continue
        if installed(candidate):
            return candidate
    wanted = "xelatex" if unicode else "pdflatex"
    raise EngineError(
        "no suitable TeX engine is installed"
        + (" (this data needs a Unicode engine)" if unicode else ""),
        hint=f"install TeX Live: {INSTALL_HINT[wanted]}; or run `invoke bootstrap`",
    )


def cache_home() -> Path:
    """Per-user cache shared by every build (LuaTeX's font cache): fonts are system-wide."""
    explicit = os.environ.get("CVPRESS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cvpress"


def sandbox_env(workdir: Path, epoch: int, engine: str = "pdflatex") -> dict[str, str]:
    """The whole environment a TeX run sees: nothing inherited but PATH (and engine caches)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workdir),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TMPDIR": str(workdir),
        "TEXMFVAR": str(workdir / ".texmf-var"),
        "TEXMFOUTPUT": str(workdir),
        "openin_any": "p",
        "openout_any": "p",
        "shell_escape": "f",
        "SOURCE_DATE_EPOCH": str(epoch),
        "FORCE_SOURCE_DATE": "1",
        "max_print_line": "10000",
        "error_line": "254",
        "half_error_line": "238",
    }
    tex = spec(engine).tex if engine in ENGINES else engine
    if tex == "lualatex":
        # luaotfload's font name database and font caches take seconds to
        # build: keep them per user, not per run (the only writable place
        # outside the run's directory, see _run).
        shared = cache_home() / "luatex-cache"
        try:
            shared.mkdir(parents=True, exist_ok=True)
            env["TEXMFCACHE"] = str(shared)
        except OSError:  # no writable home: the run's own TEXMFVAR (slow, but works)
            pass
    if tex == "tectonic":
        # Tectonic's bundle cache is the user's: HOME points at the run's
        # directory, so say where the real one is.
        default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "Tectonic"
        env["TECTONIC_CACHE_DIR"] = os.environ.get("TECTONIC_CACHE_DIR", str(default))
    return env


def command(engine: str, jobname: str = JOBNAME, fmt: str | None = None) -> list[str]:
    """The engine's command line with the sandbox flags in its own dialect.

    ``fmt``: a precompiled preamble, by name in the run's directory or by
    absolute path (pdfLaTeX only; see :func:`format_argument`).
    """
    parts = spec(engine)
    exe = which(engine)
    flags = ["-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error"]
    if parts.program == "tectonic":
        return [
            exe,
            "-X",
            "compile",
            "--untrusted",
            "--keep-logs",
            "--outfmt",
            "pdf",
            f"{jobname}.tex",
        ]
    if parts.program == "latexmk":
        tex_exe = which(parts.tex)
        mode = {"pdflatex": "-pdf", "xelatex": "-xelatex", "lualatex": "-lualatex"}[parts.tex]
        args = [exe, "-norc", mode, *flags, f"-jobname={jobname}"]
        if fmt and parts.formats:
            # latexmk runs this through the shell: every piece is a fixed word
            # (a format path is one: format_argument takes only plain ones).
            args.append(f"-pdflatex={tex_exe} -fmt={fmt} %O %S")
        else:
            args.append(f"-{parts.tex}={tex_exe} %O %S")
        return [*args, f"{jobname}.tex"]
    args = [exe, *flags, f"-jobname={jobname}"]
    if fmt and parts.formats:
        args.append(f"-fmt={fmt}")
    return [*args, f"{jobname}.tex"]


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

    ``fmt``: a precompiled preamble (:mod:`cvpress.formats`) for this exact
    preamble (see :func:`format_argument`); ignored by engines that cannot
    use one. ``on_start``: called with the first pass's process id (also
    its process group id) once it is running, to overlap Python work with
    TeX's.

    Raises :class:`EngineError` on a missing engine, a TeX error (with the
    message and the ``.tex`` line), a timeout or a crash.
    """
    parts = spec(engine)
    use_fmt = fmt is not None and parts.formats
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
        passes = 0
        log = ""
        while True:
            passes += 1
            with _font_cache_lock(env):
                _run(
                    cmd,
                    workdir,
                    env,
                    timeout,
                    engine,
                    output,
                    on_start if passes == 1 else None,
                    readable=readable,
                )
            log = _read_log(workdir)
            messages = parse_log(log)
            errors = [m for m in messages if m.kind == "error"]
            pdf_path = workdir / f"{JOBNAME}.pdf"
            if errors or not pdf_path.exists():
                first = errors[0] if errors else LogMessage("error", _no_pdf(engine, log, output))
                raise EngineError(
                    f"{parts.program}: {first.message}",
                    hint=_error_hint(first.message, engine),
                    problems=None,
                ) from _TexFailure(first, log, tex)
            if passes >= max_passes or parts.drives_reruns or not needs_rerun(log):
                break
        return EngineResult(
            pdf=pdf_path.read_bytes(),
            log=log,
            passes=passes,
            seconds=time.perf_counter() - started,
            messages=messages,
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


#: A run folder left by a process that is gone is removed once it is this old (seconds).
STALE_AFTER = 3600.0
_RUN_FOLDER = re.compile(r"^cvpress-(?:fmt-)?(\d+)-")


def run_prefix(kind: str = "") -> str:
    """Name prefix of a run's temporary folder: it carries the owner's pid (see :func:`sweep`)."""
    return f"cvpress-{kind}{os.getpid()}-"


def sweep(folder: str | None = None, now: float | None = None) -> int:
    """Remove run folders that killed builds left behind; returns how many.

    A SIGKILL skips every cleanup, so a killed build leaves its folder in
    ``/tmp``. A folder is removed when the pid in its name is not running and
    it was last changed over :data:`STALE_AFTER` ago (a pid from another pid
    namespace sharing ``/tmp`` looks dead too: the age keeps its live runs).
    """
    folder = folder or tempfile.gettempdir()
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _RUN_FOLDER.match(entry.name)
        if match is None or int(match.group(1)) == os.getpid():
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not entry.is_dir(follow_symlinks=False) or info.st_uid != os.getuid():
                continue
            if now - info.st_mtime < STALE_AFTER or _running(int(match.group(1))):
                continue
        except OSError:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed += 1
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


#: Characters of a format path given to TeX as it is (kpathsea and latexmk's shell
#: take it as one word); any other path is linked into the run's directory.
_PLAIN_PATH = re.compile(r"^/[A-Za-z0-9/._+-]+\.fmt$")


def format_argument(fmt: Path, workdir: Path) -> tuple[str, tuple[str, ...]]:
    """What ``-fmt=`` says for ``fmt`` in a run in ``workdir``, and the files the run must read.

    The format is read where it is cached, by absolute path, the sandbox
    granting that one file: a format is ~22 MB and the run's directory is
    usually on another file system than the cache (``/tmp`` is often a
    tmpfs), where the link would be a copy costing ~20 ms a build. A path
    with characters TeX or a shell could take apart is linked (or copied).
    """
    path = os.path.abspath(fmt)
    if _PLAIN_PATH.match(path):
        return path, (path,)
    _link(fmt, workdir / f"{FORMAT_NAME}.fmt")
    return FORMAT_NAME, ()


def _link(source: Path, target: Path) -> None:
    """Hard-link (cheap) or copy a file into a run's directory, where the sandbox can read it."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _no_pdf(engine: str, log: str, output: Path) -> str:
    """Why there is no PDF when the log names no error: the program's own last words."""
    try:
        said = output.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        said = []
    tail = " / ".join(line.strip() for line in said[-3:] if line.strip())
    if spec(engine).program == "tectonic":
        return f"tectonic produced no PDF ({tail or 'no output'})"
    return f"no PDF was produced{f' ({tail})' if tail and not log else ''}"


class _TexFailure(Exception):
    """Carries the failing log message and sources for tracing back to a field."""

    def __init__(self, message: LogMessage, log: str, tex: str) -> None:
        super().__init__(message.message)
        self.log_message = message
        self.log = log
        self.tex = tex


def _run(
    cmd: list[str],
    workdir: Path,
    env: dict[str, str],
    timeout: float,
    engine: str,
    output: Path | None = None,
    on_start: Callable[[int], object] | None = None,
    *,
    readable: Sequence[str] = (),
) -> None:
    sink = open(output, "wb") if output is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        process = start(cmd, workdir, env, engine, sink, readable=readable)
        finish(process, timeout, engine, on_start)
    finally:
        if output is not None and not isinstance(sink, int):
            sink.close()


def start(
    cmd: list[str],
    workdir: Path,
    env: dict[str, str],
    engine: str,
    sink: Any,
    *,
    die_with_parent: bool = False,
    readable: Sequence[str] = (),
) -> subprocess.Popen[bytes]:
    """Start one pass in its own process group, confined to ``workdir`` (and ``readable`` files).

    ``die_with_parent``: the kernel kills the run if the calling thread dies
    (a run started early waits on a pipe and would otherwise wait forever).
    """
    from . import landlock

    # Kernel-enforced confinement to workdir (see landlock.py); tectonic is
    # left out because it downloads its bundle over the network.
    caches = [env[k] for k in ("TEXMFVAR", "TEXMFCACHE") if k in env]
    for cache in caches:
        os.makedirs(cache, exist_ok=True)
    program = spec(engine).program if engine in ENGINES else engine
    confine = (
        None
        if program == "tectonic"
        else landlock.confiner(workdir, cmd[0], writable=caches, readable=readable)
    )
    if die_with_parent:
        confine = _with_parent_death(confine)
    try:
        return subprocess.Popen(
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
            hint=f"install it: {INSTALL_HINT.get(program, program)}",
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
) -> None:
    """Wait for a pass; a timeout or a crash is an :class:`EngineError`."""
    try:
        if on_start is not None:
            on_start(process.pid)
        code, expired = _wait(process, timeout)
    except BaseException:
        kill_group(process)
        raise
    if expired:
        raise EngineError(
            f"{engine} did not finish within {timeout:g} s and was stopped",
            hint="the document may loop forever; check recent template changes",
        )
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


def _wait(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, bool]:
    """Wait for the run; past ``timeout`` kill its whole process group.

    A blocking wait with a timer, not ``Popen.wait(timeout=...)``, which polls
    with sleeps of up to 50 ms and so adds that much to every run.
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
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _read_log(workdir: Path) -> str:
    log_path = workdir / f"{JOBNAME}.log"
    try:
        return log_path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


@lru_cache(maxsize=8)
def tex_version(engine: str) -> str:
    """The engine's banner (``pdfTeX 3.14...-2.6-1.40.24 (TeX Live 2022/Debian)``)."""
    try:
        out = subprocess.run(
            [which(engine), "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.splitlines()[0] if out else ""


_FILE_LINE_ERROR = re.compile(
    r"^(?:\./)?[^\s:]+\.(?:tex|sty|cls|def|fd|cfg|ldf):(\d+): (.*)$", re.M
)
_BANG_ERROR = re.compile(r"^! (.*)$", re.M)
_LINE_NUMBER = re.compile(r"^l\.(\d+) ", re.M)
_BOX = re.compile(
    r"^(Overfull|Underfull) \\([hv])box \(([^)]*)\) "
    r"(?:in paragraph |detected |has occurred while \\output is active)(?:at lines (\d+)--(\d+))?",
    re.M,
)
_MISSING_CHAR = re.compile(r"^Missing character: There is no (.+?) in font (.+?)!$", re.M)
_RERUN = re.compile(
    r"(Rerun to get|Label\(s\) may have changed|There were undefined references|Rerun LaTeX|"
    r"Package rerunfilecheck Warning: File .* has changed)",
)


# hyperref's bookmarks file is new and empty after a first pass without
# sections: rerunfilecheck calls that a change, but a rerun changes nothing.
_EMPTY_NEW_AUX = re.compile(
    r"Package rerunfilecheck Warning: File `([^']+)' has changed\..*?"
    r"Checksums for `\1':\s*\(rerunfilecheck\)\s+Before: <no file>\s*"
    r"\(rerunfilecheck\)\s+After:\s+D41D8CD98F00B204E9800998ECF8427E;0\.",
    re.S,
)


# hyperref under XeTeX/LuaTeX: page labels reach the PDF on a second pass;
# the résumé numbers its pages 1, 2, 3, which viewers show without them.
_PAGE_LABELS = "Package hyperref Warning: Rerun to get /PageLabels entry."


def needs_rerun(log: str) -> bool:
    """Whether the log asks for another pass (an empty new aux file does not count)."""
    log = _EMPTY_NEW_AUX.sub("", log).replace(_PAGE_LABELS, "")
    return bool(_RERUN.search(log))


def parse_log(log: str) -> list[LogMessage]:
    """Errors (with their .tex line), overfull/underfull boxes, lost characters."""
    messages: list[LogMessage] = []
    seen_error = False
    for match in _FILE_LINE_ERROR.finditer(log):
        seen_error = True
        messages.append(LogMessage("error", match.group(2).strip(), int(match.group(1))))
    if not seen_error:
        for match in _BANG_ERROR.finditer(log):
            after = log[match.end() : match.end() + 2000]
            line = _LINE_NUMBER.search(after)
            messages.append(
                LogMessage("error", match.group(1).strip(), int(line.group(1)) if line else None)
            )
            break
    for match in _MISSING_CHAR.finditer(log):
        messages.append(
            LogMessage(
                "error" if not seen_error else "warning",
                f"missing character {match.group(1)} in font {match.group(2)}",
            )
        )
    for match in _BOX.finditer(log):
        kind = "overfull" if match.group(1) == "Overfull" else "underfull"
        at = int(match.group(4)) if match.group(4) else None
        messages.append(
            LogMessage(kind, f"{match.group(1)} \\{match.group(2)}box ({match.group(3)})", at)
        )
    return messages


def _error_hint(message: str, engine: str = "pdflatex") -> str:
    if "Unicode character" in message or "missing character" in message.lower():
        if is_unicode(engine):
            return (
                "no installed font has a glyph for this character: install one "
                "(fonts-noto-core, fonts-noto-cjk) or remove the character"
            )
        return (
            "the font has no glyph for this character: set 'engine: xelatex' "
            "or remove the character"
        )
    if engine == "tectonic":
        return (
            "tectonic needs its TeX bundle: run it once with internet access so it "
            "caches the bundle (~/.cache/Tectonic, or TECTONIC_CACHE_DIR), "
            "or use 'engine: xelatex'"
        )
    if "Undefined control sequence" in message:
        return "a template uses a command that is not defined; check the template"
    if "TeX capacity exceeded" in message:
        return "the document is too large or recursive for TeX"
    return "see the .log file next to the output for the full TeX log"
