"""How a TeX run is confined: its environment, its command line, its folder.

One place for the sandbox's settings, used by every run (the pass loop,
format dumps, runs started early): a cleaned environment, no shell escape,
paranoid file access (``openin_any=p``/``openout_any=p``), a fixed job name
and a fixed ``SOURCE_DATE_EPOCH`` with ``FORCE_SOURCE_DATE=1``. The kernel
sandbox (:mod:`cvpress.engine.landlock`) is applied when a process starts
(:mod:`cvpress.engine.process`).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from .catalogue import ENGINES, spec, which

JOBNAME = "cv"
#: Used when the data file has no git history: 2024-01-01T00:00:00Z.
DEFAULT_EPOCH = 1704067200
#: Name of a precompiled preamble inside a run's directory (``-fmt=cvpress``).
FORMAT_NAME = "cvpress"
#: The flags every pdfTeX/XeTeX/LuaTeX run gets (latexmk passes them on).
FLAGS = ("-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error")


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
        # Transparent huge pages for TeX's arrays: loading a format fills tens
        # of MB of fresh memory, which costs a page fault every 4 KiB without
        # them (docs/engines-and-speed.md). glibc from 2.35 reads this; older
        # ones ignore it. Memory layout only: the output is the same.
        "GLIBC_TUNABLES": "glibc.malloc.hugetlb=1",
    }
    tex = spec(engine).tex if engine in ENGINES else engine
    if tex == "lualatex":
        # luaotfload's font name database and font caches take seconds to
        # build: keep them per user, not per run (the only writable place
        # outside the run's directory, see process.start).
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

    ``fmt``: a precompiled preamble (pdfLaTeX) or the engine's inflated base
    format (XeLaTeX, LuaLaTeX), by name in the run's directory or by absolute
    path (see :func:`format_argument`).
    """
    parts = spec(engine)
    exe = which(engine)
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
        args = [exe, "-norc", mode, *FLAGS, f"-jobname={jobname}"]
        if fmt and parts.formats:
            # latexmk runs this through the shell: every piece is a fixed word
            # (a format path is one: format_argument takes only plain ones).
            args.append(f"-pdflatex={tex_exe} -fmt={fmt} %O %S")
        else:
            args.append(f"-{parts.tex}={tex_exe} %O %S")
        return [*args, f"{jobname}.tex"]
    args = [exe, *FLAGS, f"-jobname={jobname}"]
    if fmt and parts.takes_format:
        args.append(f"-fmt={fmt}")
    if fmt and parts.base_format:
        # A format under another name than the engine's: the program name
        # stays the engine's (web2c would take it from the format's name), so
        # kpathsea, fontconfig and luaotfload search exactly as in a run without -fmt.
        args.append(f"-progname={parts.tex}")
    return [*args, f"{jobname}.tex"]


def dump_command(engine: str, jobname: str = FORMAT_NAME) -> list[str]:
    """The command that dumps ``JOBNAME.tex``'s preamble into ``jobname.fmt`` (mylatexformat)."""
    tex = spec(engine).tex
    return [
        which(tex),
        "-ini",
        f"-jobname={jobname}",
        *FLAGS,
        f"&{tex}",
        "mylatexformat.ltx",
        f"{JOBNAME}.tex",
    ]


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
