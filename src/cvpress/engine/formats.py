"""Precompiled preambles: load a template's packages once, not on every build.

A résumé's preamble (document class, fonts, babel, hyperref, the template's
macros) takes about half of a pdfLaTeX run, and it depends only on the
template and the variant's options, never on the data. So it is compiled once
into a format with ``mylatexformat`` and each build starts from it
(``pdflatex -fmt``), which cuts the engine's time by two thirds.

The boundary is the line ``\\csname endofdump\\endcsname`` that
``_base/document.tex.j2`` writes after the last package and before the
data-dependent ``\\hypersetup``: mylatexformat dumps everything above it, and
a run from the format skips to it. Without a format the line is ``\\relax``,
so the same ``.tex`` compiles either way (and gives the same bytes).

A format is cached per user, in ``cache_home()/formats/<key>.fmt``
(``~/.cache/cvpress/formats``), so builds into fresh folders (tests, CI,
batch runs, a second project with the same template) reuse it; the key hashes
the preamble's text, the engine, ``SOURCE_DATE_EPOCH`` and the TeX installation
(the engine's executable, its base format and ``texmf.cnf``, which
``fmtutil``/``apt`` rewrite when TeX Live changes), so any change builds a
new one. It is built in the same sandbox as every run. pdfLaTeX and XeLaTeX
use one (see :attr:`cvpress.engine.catalogue.Engine.formats`); XeLaTeX's holds
every package but the fonts, which XeTeX cannot dump and which the templates
load below the boundary (:mod:`cvpress.engine.xetex_dump`). A format that fails to
build is not an error: the run simply goes without (and its PDF differs in
internal font numbers from one made with a format, so a build with a format
engine always makes the format first: see :func:`ensure`). A preamble TeX
refuses to dump is recorded beside the formats (``<key>.refused``) and not
tried again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import tempfile
import threading
import zlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from ..errors import EngineError
from ..pipeline.publish import atomic_file, write_atomic
from . import process, xetex_dump
from .catalogue import spec, which
from .sandbox import FORMAT_NAME, JOBNAME, cache_home, dump_command, run_prefix, sandbox_env

MARKER = r"\csname endofdump\endcsname"
#: Bump when the way formats are built changes, so old ones are not reused.
SCHEME = "cvpress-format-3"
#: Formats kept (each is ~22 MB, stored uncompressed: see :func:`_store`); the
#: least recently used go first, but never one a build holds (:func:`held`).
KEEP = 24

_LOCK = threading.Lock()
#: Format key -> (its lock, how many threads want it); an entry goes with its last user.
_KEY_LOCKS: dict[str, tuple[threading.Lock, int]] = {}


def preamble(tex: str) -> str | None:
    """The part of ``tex`` a format holds (through the marker line), if it has the marker."""
    at = tex.find(MARKER)
    if at < 0:
        return None
    end = tex.find("\n", at)
    return tex[: end + 1] if end >= 0 else tex


def folder() -> Path:
    """Where formats are cached: the user's, shared by every build."""
    return cache_home() / "formats"


def key(text: str, engine: str, epoch: int) -> str:
    """Hash of everything a format depends on."""
    tex = spec(engine).tex
    digest = hashlib.sha256()
    for part in (SCHEME, tex, str(epoch), installation(tex), text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


@lru_cache(maxsize=4)
def installation(tex: str) -> str:
    """Identity of the TeX installation: paths, sizes and times of the files a format comes from."""
    exe = os.path.realpath(which(tex))
    parts = [_stat(exe)]
    files = _installation_files(tex, parts[0])
    parts.extend(_stat(name) for name in files)
    if any(part.endswith(":missing") for part in parts):
        files = _installation_files(tex, parts[0], refresh=True)
        parts = [parts[0], *(_stat(name) for name in files)]
    return "|".join(parts)


def _stat(name: str) -> str:
    try:
        info = os.stat(name)
    except OSError:
        return f"{name}:missing"
    return f"{name}:{info.st_size}:{info.st_mtime_ns}"


def _installation_files(tex: str, exe_id: str, *, refresh: bool = False) -> list[str]:
    """Where the base format, texmf.cnf and mylatexformat are (kpsewhich, memoized per binary).

    Asking kpsewhich costs a process per build; the answer only changes
    with the installation, which changes the engine binary's identity too.
    """
    memo = cache_home() / "tex-files.json"
    try:
        known = json.loads(memo.read_text())
    except (OSError, ValueError):
        known = {}
    if not refresh and isinstance(known.get(exe_id), list):
        return [str(f) for f in known[exe_id]]
    try:
        found = subprocess.run(
            [
                "kpsewhich",
                f"-engine={os.path.basename(exe_id.split(':')[0])}",
                f"-progname={tex}",
                f"{tex}.fmt",
                "texmf.cnf",
                "mylatexformat.ltx",
            ],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return []
    known = {k: v for k, v in known.items() if not k.startswith(exe_id.split(":")[0] + ":")}
    known[exe_id] = found
    with contextlib.suppress(OSError):
        write_atomic(memo, json.dumps(known).encode(), durable=False)
    return found


def lookup(text: str, engine: str, epoch: int) -> Path | None:
    """The cached format for this preamble, if it exists (marked as just used)."""
    if not spec(engine).formats:
        return None
    path = folder() / f"{key(text, engine, epoch)}.fmt"
    try:
        os.utime(path)
    except OSError:
        return None
    return path


def build(text: str, engine: str, epoch: int, timeout: float = 60.0) -> Path | None:
    """Compile ``text`` (a preamble ending with the marker) into a cached format.

    Runs ``pdflatex -ini "&pdflatex" mylatexformat.ltx`` in the sandbox of
    :mod:`cvpress.engine.sandbox`; returns None (and leaves no file) on failure.
    """
    parts = spec(engine)
    if not parts.formats:
        return None
    target = folder() / f"{key(text, engine, epoch)}.fmt"
    if target.exists():
        return target
    refused = target.with_suffix(".refused")
    if refused.exists():
        return None
    name = FORMAT_NAME
    cmd = dump_command(engine, name)
    dumped = xetex_dump.source(text, MARKER) if parts.tex == "xelatex" else text
    with tempfile.TemporaryDirectory(prefix=run_prefix("fmt-")) as tmp:
        workdir = Path(tmp) / "run"
        workdir.mkdir()
        (workdir / f"{JOBNAME}.tex").write_text(dumped, encoding="utf-8")
        env = sandbox_env(workdir, epoch, engine)
        try:
            code = process.run(cmd, workdir, env, timeout, parts.tex, Path(tmp) / "output.txt")
        except EngineError:  # a timeout or a crash: the next build tries again
            return None
        made = workdir / f"{name}.fmt"
        if code != 0 or not made.is_file():  # TeX refused: it will refuse every time
            _remember_refusal(refused)
            return None
        try:
            _store(made, target)
        except (OSError, EOFError, zlib.error):  # a full or read-only cache: go without
            return None
    _prune(target.parent)
    return target


def _remember_refusal(marker: Path) -> None:
    """Record that TeX could not dump this preamble, so later builds go without at once.

    The same preamble, engine, epoch and installation (all in the key) fail
    the same way every time: XeTeX refuses to dump a native font that a
    template loads above the boundary, say. Without the record every build
    paid a dump that could not succeed. A timeout or a crash is not recorded.
    """
    with contextlib.suppress(OSError):
        write_atomic(marker, b"", durable=False)


def _store(made: Path, target: Path) -> None:
    """Put the format TeX dumped in the cache as ``target``, inflated, in one step.

    TeX Live gzips the formats it dumps (7.9 MB here, 21.5 MB inflated), and
    inflating them is most of loading one: about 45 ms of a 90 ms start.
    web2c reads formats through zlib's ``gzread``, which passes a file that
    is not gzip through unchanged, so the inflated copy loads at the speed
    of a page-cache read. Same format, same PDF bytes (tests compare them);
    the cost is disk, hence :data:`KEEP`.
    """
    with open(made, "rb") as source:
        gzipped = source.read(2) == b"\x1f\x8b"
    # None: an engine that dumps plain formats.
    inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS) if gzipped else None
    with open(made, "rb") as source, atomic_file(target, durable=False) as sink:
        while chunk := source.read(1 << 20):
            sink.write(inflate.decompress(chunk) if inflate is not None else chunk)
        if inflate is not None:
            sink.write(inflate.flush())
            if not inflate.eof:
                raise EOFError(f"{made} is a truncated gzip file")


def ensure(text: str, engine: str, epoch: int, timeout: float = 60.0) -> Path | None:
    """The format for this preamble, built first if it is not cached (None if it cannot be).

    A build always compiles from the format when the engine can use one, even
    the first: a run from a format numbers its fonts differently from a run
    without, and the same inputs must give the same bytes. Variants built in
    parallel with the same preamble wait for one build of it.
    """
    if not spec(engine).formats:
        return None
    found = lookup(text, engine, epoch)
    if found is not None:
        return found
    with _one_build_of(key(text, engine, epoch)):
        return build(text, engine, epoch, timeout)


@contextlib.contextmanager
def held(text: str, engine: str, epoch: int, timeout: float = 60.0) -> Iterator[Path | None]:
    """:func:`ensure`'s format, kept from pruning while the block runs (None: go without).

    The block holds a shared lock on the file, and :func:`_prune` skips a
    format someone holds; one pruned between being found and being locked is
    built again, so a build never loses its format half-way (a run without
    one would give other bytes).
    """
    import fcntl

    for _ in range(3):
        path = ensure(text, engine, epoch, timeout)
        if path is None:
            break
        try:
            handle = open(path, "rb")  # noqa: SIM115
        except OSError:
            continue
        with handle:
            fcntl.flock(handle, fcntl.LOCK_SH)
            if os.fstat(handle.fileno()).st_nlink == 0:  # pruned or replaced meanwhile
                continue
            yield path
            return
    yield None


@contextlib.contextmanager
def _one_build_of(name: str) -> Iterator[None]:
    """Hold the lock of format ``name``: builds wanting the same format wait for one dump.

    Threads of this process wait on a lock; other processes (parallel builds,
    test workers) on a file lock beside the formats.
    """
    with _LOCK:
        lock, users = _KEY_LOCKS.get(name, (threading.Lock(), 0))
        _KEY_LOCKS[name] = (lock, users + 1)
    try:
        with lock, _file_lock(folder() / f".{name}.lock"):
            yield
    finally:
        with _LOCK:
            lock, users = _KEY_LOCKS[name]
            if users > 1:
                _KEY_LOCKS[name] = (lock, users - 1)
            else:
                del _KEY_LOCKS[name]


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (none when it cannot be made: the dump goes on)."""
    import fcntl

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+b")  # noqa: SIM115
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(directory: Path) -> None:
    """Keep the :data:`KEEP` most recently used formats, and any a build holds."""
    import fcntl

    try:
        found = sorted(directory.glob("*.fmt"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    with contextlib.suppress(OSError):
        refusals = sorted(directory.glob("*.refused"), key=lambda p: p.stat().st_mtime)
        for stale in refusals[:-KEEP]:
            stale.unlink()
    for old in found[KEEP:]:
        with contextlib.suppress(OSError), open(old, "rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a build is using it
            old.unlink()
            (directory / f".{old.stem}.lock").unlink(missing_ok=True)


def base(engine: str) -> Path | None:
    """The engine's own LaTeX format (``xelatex.fmt``, ``lualatex.fmt``), inflated, cached per user.

    LuaLaTeX cannot start from a precompiled preamble: fontspec, babel and
    luaotfload keep their state in Lua, which a format does not hold; nor can
    XeLaTeX when its preamble's format cannot be made (a template that loads
    a font above the boundary). What they can
    keep is the format they start from, uncompressed: TeX Live gzips it
    (10-12 MB, 26-36 MB inflated) and inflating it is about a third of a
    short run's CPU time. The copy is :func:`_store`'s, keyed by the TeX
    installation (:func:`installation`) like every format, so an update of
    TeX Live makes a new one. Same format, same PDF bytes (tests compare
    them). None when the engine takes no such format or the file cannot be
    found or stored: the run then starts the ordinary way.
    """
    parts = spec(engine)
    if not parts.base_format:
        return None
    tex = parts.tex
    identity = installation(tex)
    files = _installation_files(tex, _stat(os.path.realpath(which(tex))))
    source = next((f for f in files if os.path.basename(f) == f"{tex}.fmt"), None)
    if source is None:
        return None
    name = f"base-{tex}-{hashlib.sha256(f'{SCHEME}|{identity}'.encode()).hexdigest()[:24]}"
    target = folder() / f"{name}.fmt"
    with contextlib.suppress(OSError):
        os.utime(target)
        return target
    with _one_build_of(name):
        if not target.exists():
            try:
                _store(Path(source), target)
            except (OSError, EOFError, zlib.error):  # a full or read-only cache: go without
                return None
    _prune(target.parent)
    return target


def is_base(path: Path) -> bool:
    """Whether ``path`` is one of :func:`base`'s formats (an engine's own, not a preamble's)."""
    return path.name.startswith("base-")


def discard(path: Path) -> None:
    """Drop a format that a run could not use, so the next build makes a fresh one."""
    with contextlib.suppress(OSError):
        path.unlink()
