"""Reading a file the user named: only a regular file, and never more than a limit.

A path can name anything. A FIFO blocks ``open`` until a writer comes, a
device (``/dev/zero``) never ends and reports a size of 0, a directory is not
text. The file is opened without blocking and the open descriptor (not the
path, which could be swapped in between) is asked what it is, so all of them
are refused at once; and at most one byte past the limit is read, so memory
is bounded whatever the file says its size is.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputError, Location

#: Largest data file accepted. A résumé is a few KiB; this leaves a 100x margin.
MAX_FILE_BYTES = 1_000_000
#: Largest .bib file accepted: a long publication list with abstracts is ~1 MB.
MAX_BIB_BYTES = 5_000_000

_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def read_regular(path: Path, limit: int, *, display: str | None = None, what: str = "") -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    ``what`` says what the file should have been ("a .yaml or .json file"),
    for the message when it is something else.
    """
    shown = display if display is not None else str(path)
    where = Location(shown)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except FileNotFoundError:
        raise InputError(
            f"file not found: {shown}",
            location=where,
            hint="check the path, or create one with `cvpress new`",
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read {shown}: {exc.strerror}", location=where, hint=_expected(what)
        ) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise InputError(
            f"not a regular file: this is {kind}", location=where, hint=_expected(what)
        )
    # A regular file never blocks; the flag only mattered for the open.
    os.set_blocking(fd, True)
    with os.fdopen(fd, "rb") as handle:
        try:
            raw = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(f"cannot read {shown}: {exc.strerror}", location=where) from None
    if len(raw) > limit or info.st_size > limit:
        known = f" ({info.st_size:,} bytes)" if info.st_size > limit else ""
        raise InputError(
            f"{shown} holds more than the limit of {limit:,} bytes{known}",
            location=where,
            hint=f"check that this is the right file; {_expected(what)}",
        )
    return raw


def _expected(what: str) -> str:
    return f"expected {what}" if what else "expected a regular file"
