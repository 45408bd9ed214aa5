"""Atomic output: a reader (a PDF viewer, a web server) never sees half a file.

Each file is written to a temporary name in the destination folder, flushed to
disk, then renamed over the old one; a failure at any point leaves the
previous file untouched and removes the temporary one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from .errors import PublishError


def write_atomic(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def publish(out_dir: Path, name: str, files: dict[str, bytes]) -> dict[str, Path]:
    """Write ``{suffix: bytes}`` as ``out_dir/name.suffix``; the PDF goes last.

    Raises :class:`PublishError` with a clear reason (read-only folder, disk
    full, file too large) and leaves every previous output as it was.
    """
    written: dict[str, Path] = {}
    order = sorted(files, key=lambda suffix: suffix == "pdf")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for suffix in order:
            target = out_dir / f"{name}.{suffix}"
            write_atomic(target, files[suffix])
            written[suffix] = target
    except OSError as exc:
        raise PublishError(
            f"cannot write {name}.pdf into {out_dir}: {_reason(exc)}",
            hint="the previous output was left untouched; free space or fix permissions and build again",
        ) from None
    return written


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno == errno.EFBIG:
        return "the file is larger than this process may write (file size limit)"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder is read-only or not writable"
    return exc.strerror or str(exc)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
