"""Confine a TeX run to its own directory with Linux Landlock.

TeX Live's own settings (``openin_any=p``, ``openout_any=p``, no shell escape)
stop ``\\input``, ``\\openin`` and ``\\openout`` outside the working directory,
but not every way in: pdfTeX's ``\\pdfobj file {/any/path}`` embeds any
readable file in the PDF, and LuaTeX's ``io.open`` reads and writes any path
(both found by tests/test_injection.py). User text never reaches those
primitives (it is escaped), so this is defence in depth against a faulty
template or escaping bug: the kernel, not TeX, decides what the engine may
touch.

The rules: read and execute the system's software trees (``/usr``, the
libraries, the TeX and font configuration, the engine's own installation
root); read and write the run's temporary directory and the few device files
programs expect; nothing else (no ``/tmp``, ``/home``, ``/root``, the project,
``/etc/shadow``); and, when the kernel supports it, no TCP connections.

Linux 5.13+ only. Elsewhere (or with ``CVPRESS_NO_LANDLOCK=1``) runs are not
confined by the kernel and rely on TeX Live's settings alone; :func:`abi`
says which applies.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

_SYS_CREATE_RULESET = 444
_SYS_ADD_RULE = 445
_SYS_RESTRICT_SELF = 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

_EXECUTE = 1 << 0
_WRITE_FILE = 1 << 1
_READ_FILE = 1 << 2
_READ_DIR = 1 << 3
_TRUNCATE = 1 << 14
_IOCTL_DEV = 1 << 15
_NET_TCP = (1 << 0) | (1 << 1)  # bind, connect (ABI 4+)

#: Read-only trees a TeX engine, its fonts and its scripts need (those that exist).
READ_ONLY = (
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/opt",
    "/etc/texmf",
    "/etc/fonts",
    "/etc/perl",
    "/etc/LatexMk",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/nsswitch.conf",
    "/etc/passwd",
    "/etc/group",
    "/etc/papersize",
    "/etc/alternatives",
    "/var/lib/texmf",
    "/var/cache/fontconfig",
    "/proc/self",
    # glibc reads the huge page mode before it asks for them (sandbox_env's
    # GLIBC_TUNABLES): without it, every page of a loaded format faults alone.
    "/sys/kernel/mm/transparent_hugepage/enabled",
    "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
)
#: Device files opened for reading and writing.
DEVICES = ("/dev/null", "/dev/zero", "/dev/random", "/dev/urandom", "/dev/tty")


class _RulesetAttr(ctypes.Structure):
    _fields_ = (
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
    )


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = (("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32))


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


@lru_cache(maxsize=1)
def abi() -> int:
    """The kernel's Landlock ABI version; 0 when unavailable or turned off."""
    if not sys.platform.startswith("linux") or os.environ.get("CVPRESS_NO_LANDLOCK") == "1":
        return 0
    try:
        version = int(_libc().syscall(_SYS_CREATE_RULESET, None, 0, _CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(version, 0)


def _fs_rights(version: int) -> int:
    handled = (1 << 13) - 1  # ABI 1: execute .. make_sym
    if version >= 2:
        handled |= 1 << 13  # refer
    if version >= 3:
        handled |= _TRUNCATE
    if version >= 5:
        handled |= _IOCTL_DEV
    return handled


def install_root(executable: str) -> Path | None:
    """Where a TeX distribution outside ``/usr`` lives (``.../texlive/2024``), if any."""
    real = Path(os.path.realpath(executable))
    # <root>/bin/<platform>/pdftex (TeX Live installer, TinyTeX) or <root>/bin/pdftex.
    for parent in (real.parent.parent.parent, real.parent.parent):
        if (parent / "texmf-dist").is_dir() or (parent / "texmf-var").is_dir():
            return parent
    return None


def confiner(
    workdir: Path,
    executable: str,
    *,
    writable: Sequence[str] = (),
    readable: Sequence[str] = (),
    network: bool = False,
) -> Callable[[], None] | None:
    """A ``preexec_fn`` that confines the child to ``workdir``; None when Landlock is unavailable.

    ``writable`` adds folders the run may also write (a shared font cache);
    ``readable``, files it may also read (its precompiled preamble).

    Everything is computed here, in the parent; the returned function only
    makes system calls, because it runs between ``fork`` and ``exec``.
    """
    version = abi()
    if version < 1:
        return None
    handled = _fs_rights(version)
    file_rights = _EXECUTE | _WRITE_FILE | _READ_FILE | (handled & (_TRUNCATE | _IOCTL_DEV))
    read_rights = _EXECUTE | _READ_FILE | _READ_DIR
    root = install_root(executable)
    # The engine's own folder too: a TeX outside the usual trees (or a test's stand-in).
    own = os.path.dirname(os.path.realpath(executable))
    wanted = [(str(workdir), handled), *((str(p), handled) for p in writable)]
    wanted += [(p, read_rights) for p in (*READ_ONLY, own, *([str(root)] if root else []))]
    wanted += [(str(p), read_rights) for p in readable]
    wanted += [(p, file_rights) for p in DEVICES]
    # Files accept only file rights; directories accept all.
    rules = [
        (os.fsencode(p), rights if os.path.isdir(p) else rights & file_rights)
        for p, rights in wanted
        if os.path.exists(p)
    ]
    attr = _RulesetAttr(handled, 0 if network or version < 4 else _NET_TCP)
    size = ctypes.sizeof(_RulesetAttr) if version >= 4 else 8
    libc = _libc()
    syscall = libc.syscall
    prctl = libc.prctl
    beneath = _PathBeneathAttr()
    beneath_ref = ctypes.byref(beneath)
    o_path = getattr(os, "O_PATH", 0) | os.O_CLOEXEC

    def confine() -> None:
        ruleset = syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), size, 0)
        if ruleset < 0:
            raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
        for path, rights in rules:
            try:
                fd = os.open(path, o_path)
            except OSError:
                continue
            beneath.allowed_access = rights
            beneath.parent_fd = fd
            syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, beneath_ref, 0)
            os.close(fd)
        if prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if syscall(_SYS_RESTRICT_SELF, ruleset, 0) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
        os.close(ruleset)

    return confine
