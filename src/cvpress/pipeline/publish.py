"""Atomic output: a reader (a PDF viewer, a web server) never sees half a file.

Each file is written and flushed to disk *before* it has a name in the
destination folder, then renamed over the old one, and the folder is synced
so the rename survives a power cut. A failure at any point, including
SIGKILL, leaves the previous file untouched.

What each flush protects: the file's own (before its rename), that a power
cut never leaves the new name on a file whose content was not yet written
(an empty or partial PDF in place of the last good one); the folder's, that
the renames done so far survive one (without it the previous files may come
back, whole). A variant's files share the folder's flushes: one after its
other files, one after its PDF, so that a PDF on disk always has its
``.tex`` and ``.log`` beside it.

On Linux the content goes into an unnamed file (``O_TMPFILE``) that is given
a temporary name only after it is complete and flushed, a few microseconds
before the rename, so a process killed while writing leaves nothing behind.
Elsewhere the temporary file is named from the start (``.NAME.XXXX.part``);
such leftovers of a killed run are swept by the next publish once they are
old enough that no running build can still own them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import PublishError

#: A ``.part`` file older than this belongs to no running build.
STALE_SECONDS = 600.0
#: Mode a new file is created with; the kernel takes the umask off (no chmod:
#: reading the umask means setting it, process-wide, from a worker thread).
_MODE = 0o644


def write_atomic(
    path: Path, content: bytes, *, durable: bool = True, sync_folder: bool = True
) -> None:
    """Replace ``path`` with ``content`` in one step (mode 0644 less the umask)."""
    with atomic_file(path, durable=durable, sync_folder=sync_folder) as handle:
        handle.write(content)


@contextlib.contextmanager
def atomic_file(
    path: Path, *, durable: bool = True, sync_folder: bool = True
) -> Iterator[BinaryIO]:
    """A file to write that replaces ``path`` when the block ends without an error.

    ``durable``: flushed to disk (file and folder) before and after the
    rename, for outputs; caches skip it (a cache file lost in a power cut
    only costs a rebuild), but get the rest: nothing half-written under the
    name, and on Linux nothing at all left behind by a killed process.
    ``sync_folder=False`` leaves the folder's flush to the caller, who
    flushes it once for several files.
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.part"
    fd = _unnamed(folder)
    named = fd is None
    if fd is None:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, _MODE)
    try:
        with os.fdopen(fd, "wb", closefd=False) as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if not named:
            _link(fd, tmp)
            named = True
        os.replace(tmp, path)
        named = False
    except BaseException:
        if named:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    finally:
        os.close(fd)
    if durable and sync_folder:
        _sync_folder(folder)


def _unnamed(folder: Path) -> int | None:
    """An anonymous file in ``folder`` (Linux ``O_TMPFILE``), or None where unsupported."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY | os.O_CLOEXEC, _MODE)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None  # the filesystem has no O_TMPFILE: use a named temporary file
        raise


def _link(fd: int, target: Path) -> None:
    """Give the anonymous file ``fd`` the name ``target``.

    ``linkat(AT_SYMLINK_FOLLOW)`` on ``/proc/self/fd/N``; Python calls plain
    ``link()`` (which would link the /proc symlink itself) unless a dir_fd is
    given, so one is (it is ignored for an absolute path).
    """
    root = os.open("/", os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{fd}", target, src_dir_fd=root, follow_symlinks=True)
    finally:
        os.close(root)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sweep(out_dir: Path, older_than: float = STALE_SECONDS) -> list[Path]:
    """Remove ``.*.part`` files a killed run left in ``out_dir`` and its caches (only old ones)."""
    removed: list[Path] = []
    limit = time.time() - older_than
    cache = out_dir / ".cache"
    try:
        caches = [p for p in cache.iterdir() if p.is_dir()]
    except OSError:
        caches = []
    for folder in (out_dir, cache, *caches):
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if entry.name.startswith(".") and entry.name.endswith(".part"):
                    with contextlib.suppress(OSError):
                        if entry.stat(follow_symlinks=False).st_mtime < limit:
                            os.unlink(entry.path)
                            removed.append(Path(entry.path))
    return removed


def prepare(out_dir: Path) -> None:
    """Create the output folder (and its cache) up front, or say clearly why not.

    Once a build, what killed runs left there is swept too: once, not at
    each file published, which would read the folder once per variant of a
    batch.
    """
    try:
        (out_dir / ".cache").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(
            f"cannot use {out_dir} as the output folder: {reason(exc)}",
            hint="choose another --out, or fix the path and permissions",
        ) from None
    sweep(out_dir)


#: Every file a variant may write into the output folder, by suffix.
SUFFIXES = ("pdf", "tex", "log", "png", "html", "docx")
#: A failed build's evidence: ``<variant>.failed.tex`` and ``.log``.
FAILED = "failed"
FAILED_SUFFIXES = ("tex", "log")


def output_names(name: str) -> list[str]:
    """The names of every file variant ``name`` may write (lower-cased, as a
    case-insensitive file system compares them)."""
    return [f"{name}.{s}".casefold() for s in SUFFIXES] + [
        f"{name}.{FAILED}.{s}".casefold() for s in FAILED_SUFFIXES
    ]


def collisions(names: list[str]) -> list[tuple[str, str, str]]:
    """``(name, other, file)`` for each name one of whose files another name writes too.

    ``cv.failed`` writes ``cv.failed.tex``, which is also where a failed
    ``cv`` keeps its evidence; ``CV`` and ``cv`` share every file on macOS.
    """
    owner: dict[str, str] = {}
    found: list[tuple[str, str, str]] = []
    for name in names:
        for file in output_names(name):
            other = owner.setdefault(file, name)
            if other != name:
                found.append((name, other, file))
                break
    return found


def publish(out_dir: Path, name: str, files: dict[str, bytes]) -> dict[str, Path]:
    """Write ``{suffix: bytes}`` as ``out_dir/name.suffix``; the PDF goes last.

    The PDF last, so that a PDF always has its matching ``.tex`` and ``.log``
    beside it, and a failure part-way leaves the previous PDF. Raises
    :class:`PublishError` with a clear reason (read-only folder, disk full,
    file too large, not a folder) and leaves every previous output as it was.
    """
    written: dict[str, Path] = {}
    order = sorted(files, key=lambda suffix: suffix == "pdf")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for suffix in order:
            target = out_dir / f"{name}.{suffix}"
            if suffix == "pdf" and written:
                _sync_folder(out_dir)  # the other files' names first (see the module's notes)
            write_atomic(target, files[suffix], sync_folder=False)
            written[suffix] = target
        _sync_folder(out_dir)
    except OSError as exc:
        raise PublishError(
            f"cannot write {name}.pdf into {out_dir}: {reason(exc)}",
            hint=(
                "the previous output was left untouched; "
                "free space or fix permissions and build again"
            ),
        ) from None
    return written


def reason(exc: OSError) -> str:
    """What an OSError means for someone writing output files."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno == errno.EFBIG:
        return "the file is larger than this process may write (file size limit, ulimit -f)"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder is read-only or not writable"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "the output path (or a parent of it) is a file, not a folder"
    return exc.strerror or str(exc)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
