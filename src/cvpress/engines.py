"""Run a TeX engine on a ``.tex`` string, sandboxed, and read its log.

Every run gets a fresh private temporary directory, a cleaned environment,
no shell escape, paranoid file access (``openin_any=p``/``openout_any=p``),
a wall-clock timeout that kills the whole process group, a fixed job name and
a fixed ``SOURCE_DATE_EPOCH``. Nothing the document does can read or write
outside that directory, run a program, or outlive the timeout.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EngineError

JOBNAME = "cv"
#: Seconds one engine pass may take before its process group is killed.
DEFAULT_TIMEOUT = 60.0
#: Most passes per build; a résumé needs one, two when the log asks.
MAX_PASSES = 3
#: Used when the data file has no git history: 2024-01-01T00:00:00Z.
DEFAULT_EPOCH = 1704067200

ENGINES = ("pdflatex", "xelatex", "lualatex", "latexmk", "tectonic")

INSTALL_HINT = {
    "pdflatex": "sudo apt-get install texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended lmodern",
    "xelatex": "sudo apt-get install texlive-xetex",
    "lualatex": "sudo apt-get install texlive-luatex",
    "latexmk": "sudo apt-get install latexmk",
    "tectonic": "install tectonic from https://tectonic-typesetting.github.io (it downloads its TeX bundle on first use)",
}


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
    path = shutil.which(engine)
    if path is None:
        raise EngineError(
            f"the TeX engine {engine!r} is not installed (not found on PATH)",
            hint=f"install it: {INSTALL_HINT.get(engine, engine)}; or run `invoke bootstrap`",
        )
    return path


def resolve(engine: str) -> str:
    """``auto`` -> the best installed engine (pdflatex first: fastest)."""
    if engine != "auto":
        return engine
    for candidate in ("pdflatex", "lualatex", "xelatex", "tectonic"):
        if shutil.which(candidate):
            return candidate
    raise EngineError(
        "no TeX engine is installed",
        hint=f"install TeX Live: {INSTALL_HINT['pdflatex']}; or run `invoke bootstrap`",
    )


def sandbox_env(workdir: Path, epoch: int) -> dict[str, str]:
    """The whole environment a TeX run sees: nothing inherited but PATH and locale."""
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
    return env


def command(engine: str, jobname: str = JOBNAME, fmt: str | None = None) -> list[str]:
    """The engine's command line with the sandbox flags in its own dialect."""
    exe = which(engine)
    if engine == "tectonic":
        return [exe, "-X", "compile", "--untrusted", "--keep-logs", "--outfmt", "pdf", f"{jobname}.tex"]
    if engine == "latexmk":
        return [
            exe,
            "-pdf",
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-file-line-error",
            "-no-shell-escape",
            f"-jobname={jobname}",
            f"{jobname}.tex",
        ]
    args = [
        exe,
        "-no-shell-escape",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
        f"-jobname={jobname}",
    ]
    if fmt:
        args.append(f"-fmt={fmt}")
    args.append(f"{jobname}.tex")
    return args


def compile_tex(
    tex: str,
    engine: str = "pdflatex",
    *,
    timeout: float = DEFAULT_TIMEOUT,
    epoch: int = DEFAULT_EPOCH,
    max_passes: int = MAX_PASSES,
    files: Mapping[str, bytes] | None = None,
) -> EngineResult:
    """Compile ``tex`` in a fresh sandbox and return the PDF bytes and the parsed log.

    Raises :class:`EngineError` on a missing engine, a TeX error (with the
    message and the ``.tex`` line), a timeout or a crash.
    """
    cmd = command(engine)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cvpress-") as tmp:
        workdir = Path(tmp)
        (workdir / f"{JOBNAME}.tex").write_text(tex, encoding="utf-8")
        for name, content in (files or {}).items():
            (workdir / name).write_bytes(content)
        env = sandbox_env(workdir, epoch)
        passes = 0
        log = ""
        while True:
            passes += 1
            _run(cmd, workdir, env, timeout, engine)
            log = _read_log(workdir)
            messages = parse_log(log)
            errors = [m for m in messages if m.kind == "error"]
            pdf_path = workdir / f"{JOBNAME}.pdf"
            if errors or not pdf_path.exists():
                first = errors[0] if errors else LogMessage("error", "no PDF was produced")
                raise EngineError(
                    f"{engine}: {first.message}",
                    hint=_error_hint(first.message),
                    problems=None,
                ) from _TexFailure(first, log, tex)
            if passes >= max_passes or not needs_rerun(log) or engine in ("latexmk", "tectonic"):
                break
        return EngineResult(
            pdf=pdf_path.read_bytes(),
            log=log,
            passes=passes,
            seconds=time.perf_counter() - started,
            messages=messages,
        )


class _TexFailure(Exception):
    """Carries the failing log message and sources for tracing back to a field."""

    def __init__(self, message: LogMessage, log: str, tex: str) -> None:
        super().__init__(message.message)
        self.log_message = message
        self.log = log
        self.tex = tex


def _run(cmd: list[str], workdir: Path, env: dict[str, str], timeout: float, engine: str) -> None:
    from . import landlock

    # Kernel-enforced confinement to workdir (see landlock.py); tectonic is
    # left out because it downloads its bundle over the network.
    caches = [env[k] for k in ("TEXMFVAR", "TEXMFCACHE") if k in env]
    confine = None if engine == "tectonic" else landlock.confiner(workdir, cmd[0], writable=caches)
    try:
        process = subprocess.Popen(
            cmd,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
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
            hint=f"install it: {INSTALL_HINT.get(engine, engine)}",
        ) from None
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise EngineError(
            f"{engine} did not finish within {timeout:g} s and was stopped",
            hint="the document may loop forever; check recent template changes",
        ) from None
    except BaseException:
        _kill_group(process)
        raise
    if code < 0:
        raise EngineError(
            f"{engine} crashed (killed by signal {-code})",
            hint="run again; if it persists, reinstall the engine",
        )


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _read_log(workdir: Path) -> str:
    log_path = workdir / f"{JOBNAME}.log"
    try:
        return log_path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


_FILE_LINE_ERROR = re.compile(r"^(?:\./)?[^\s:]+\.(?:tex|sty|cls|def|fd|cfg|ldf):(\d+): (.*)$", re.M)
_BANG_ERROR = re.compile(r"^! (.*)$", re.M)
_LINE_NUMBER = re.compile(r"^l\.(\d+) ", re.M)
_BOX = re.compile(r"^(Overfull|Underfull) \\([hv])box \(([^)]*)\) (?:in paragraph |detected |has occurred while \\output is active)(?:at lines (\d+)--(\d+))?", re.M)
_MISSING_CHAR = re.compile(r"^Missing character: There is no (.+?) in font (.+?)!$", re.M)
_RERUN = re.compile(
    r"(Rerun to get|Label\(s\) may have changed|There were undefined references|Rerun LaTeX|"
    r"Package rerunfilecheck Warning: File .* has changed)",
)


def needs_rerun(log: str) -> bool:
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
            messages.append(LogMessage("error", match.group(1).strip(), int(line.group(1)) if line else None))
            break
    for match in _MISSING_CHAR.finditer(log):
        messages.append(LogMessage("error" if not seen_error else "warning", f"missing character {match.group(1)} in font {match.group(2)}"))
    for match in _BOX.finditer(log):
        kind = "overfull" if match.group(1) == "Overfull" else "underfull"
        line = int(match.group(4)) if match.group(4) else None
        messages.append(LogMessage(kind, f"{match.group(1)} \\{match.group(2)}box ({match.group(3)})", line))
    return messages


def _error_hint(message: str) -> str:
    if "Unicode character" in message or "missing character" in message.lower():
        return "the font has no glyph for this character: set 'engine: xelatex' or remove the character"
    if "Undefined control sequence" in message:
        return "a template uses a command that is not defined; check the template"
    if "TeX capacity exceeded" in message:
        return "the document is too large or recursive for TeX"
    return "see the .log file next to the output for the full TeX log"
