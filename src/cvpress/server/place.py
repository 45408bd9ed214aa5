"""Where build servers listen, and the fingerprint of the code that names each one.

A server listens on ``<folder>/<fingerprint>.sock`` and holds an exclusive
lock on ``<folder>/<fingerprint>.lock`` (which also holds its pid) for as
long as it runs. The folder is ``$XDG_RUNTIME_DIR/cvpress`` when that is
set, else ``cvpress-<uid>`` in ``$TMPDIR`` (or ``/tmp``); it must be a real
folder owned by the user with no access for anyone else (mode 0700), as
:func:`folder` creates it: another user who could write there could plant a
socket and receive the user's file descriptors and environment. Any doubt
and the command runs in-process.

The fingerprint changes when the code a server would run changes, so a
client never talks to a server that imported an older cvpress: the
interpreter (path, version, flags, the start-up environment that changes
what it or pydantic does), the size and modification time of every Python
file of cvpress (an editable install edits them in place), and the
modification time of every folder on ``sys.path`` (installing, upgrading or
removing a distribution adds or removes entries there). A changed
fingerprint is a different socket; the old server idles out.

Imported by the client before anything else: the standard library's
built-in modules only (``_blake2`` is the C module behind
``hashlib.blake2b``; ``hashlib`` itself loads OpenSSL).
"""

from __future__ import annotations

import os
import stat
import sys
from _blake2 import blake2b

#: Environment variables read once at start-up (by the interpreter: locale and
#: hash seed; by pydantic when it builds its validators, in the server), with
#: the value a command gives them when unset (cvpress.cli.command).
STARTUP_ENVIRONMENT = {
    "LC_ALL": "",
    "LC_CTYPE": "",
    "LANG": "",
    "PYTHONHASHSEED": "",
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
}
#: The environment variable that turns off everything that outlives a command.
SWITCH = "CVPRESS_SERVER"


def served() -> bool:
    """Whether commands may be served at all (``CVPRESS_SERVER=off`` says no)."""
    return os.environ.get(SWITCH, "").lower() != "off"


def may_stay_behind() -> bool:
    """Whether a command may leave a process running after it: a build server
    started in the background, a TeX run left waiting (:mod:`cvpress.engine.resident`).

    Not under ``CVPRESS_SERVER=off``, and not when ``CI`` is set: a CI job
    gains nothing from them and should end with nothing of its own running
    (an explicitly started server is still used there).
    """
    return served() and not os.environ.get("CI")


#: Longest path a Unix socket address holds (``sun_path``, less its final NUL).
MAX_SOCKET_PATH = 107


def folder() -> str | None:
    """This user's server folder, created private; None when it is not safe to use."""
    uid = os.getuid()
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.path.isabs(runtime) and os.path.isdir(runtime):
        path = os.path.join(runtime, "cvpress")
    else:
        temp = os.environ.get("TMPDIR", "")
        path = os.path.join(temp if os.path.isabs(temp) else "/tmp", f"cvpress-{uid}")
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        info = os.lstat(path)
    except OSError:
        return None
    private = stat.S_ISDIR(info.st_mode) and info.st_uid == uid and not info.st_mode & 0o077
    return path if private else None


def socket_path(where: str, name: str) -> str | None:
    """The socket of the server named ``name``; None if the path is too long for one."""
    path = os.path.join(where, f"{name}.sock")
    return path if len(os.fsencode(path)) <= MAX_SOCKET_PATH else None


def lock_path(where: str, name: str) -> str:
    return os.path.join(where, f"{name}.lock")


def fingerprint() -> str:
    """16 hex digits naming the code this interpreter would run as a server (see above).

    ``sys.path[0]`` is left out: it is the script's folder or the current
    one, which differ between ``cvpress`` and ``python -m cvpress`` and
    between projects (a child takes the client's whole ``sys.path``).
    """
    digest = blake2b(digest_size=8)
    parts = [
        os.path.realpath(sys.executable),
        sys.version,
        repr(sys.flags),
        sys.getfilesystemencoding(),
    ]
    parts.extend(
        f"{key}={os.environ.get(key, unset)}" for key, unset in STARTUP_ENVIRONMENT.items()
    )
    for entry in sys.path[1:]:
        try:
            parts.append(f"{entry}:{os.stat(entry).st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}:-")
    digest.update("\0".join(parts).encode("utf-8", "surrogateescape"))
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    digest.update(package.encode("utf-8", "surrogateescape"))
    _package_files(package, digest)
    return digest.hexdigest()


def _package_files(path: str, digest: blake2b) -> None:
    """Every ``.py`` file of the package at ``path`` and its subpackages: name, size, time."""
    with os.scandir(path) as entries:
        found = sorted(entries, key=lambda entry: entry.name)
    for entry in found:
        if entry.name.endswith(".py") and entry.is_file():
            info = entry.stat()
            digest.update(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}\0".encode())
        elif entry.is_dir() and os.path.isfile(os.path.join(entry.path, "__init__.py")):
            _package_files(entry.path, digest)
