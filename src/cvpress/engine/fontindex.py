"""LuaTeX's font index and font cache, built once, outside every TeX run's timeout.

luaotfload indexes every installed font the first time LuaLaTeX runs (about a
minute with Noto CJK installed, on a machine where TeX was just installed:
every CI runner). Inside a run, that minute counted against the run's
timeout and failed first builds. Here it is built by ``luaotfload-tool
--update`` in the cache the runs use (:func:`cvpress.engine.sandbox.sandbox_env`
points ``TEXMFCACHE`` at it), under its own generous limit, with a line saying
what is happening: by ``./bootstrap``, and otherwise by the first build that
needs LuaLaTeX, before its TeX run starts.

The index is half of it: the first run that loads a set of fonts also
converts each of them into luaotfload's cache (the CJK fallback alone takes
most of two minutes on a busy two-core machine). :func:`warm` tells whether a
document's fonts were loaded before; the build gives the first run of a font
set :data:`LIMIT` instead of its timeout, says so, and :func:`mark_warm`
records it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import EngineError
from .sandbox import cache_home

#: Seconds the index may take to build (a minute on a slow runner with CJK fonts).
LIMIT = 900.0


def cache() -> Path:
    """Where the runs keep luaotfload's caches (``TEXMFCACHE`` of every LuaLaTeX run)."""
    return cache_home() / "luatex-cache"


def ready() -> bool:
    """Whether the font index exists in the runs' cache."""
    names = cache() / "luatex-cache" / "generic" / "names"
    return any(names.glob("luaotfload-names.*"))


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def ensure(say: Callable[[str], None] = _say, limit: float = LIMIT) -> float | None:
    """Build the index if it is missing; the seconds it took, or None if it was there."""
    if ready():
        return None
    tool = shutil.which("luaotfload-tool")
    if tool is None:
        return None  # no LuaTeX: nothing will need the index
    folder = cache()
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(folder)),
        "LANG": "C.UTF-8",
        "TEXMFCACHE": str(folder),
        "TEXMFVAR": str(folder),
    }
    say(
        f"building LuaTeX's font index in {folder} (luaotfload-tool --update; once per "
        f"machine, up to a minute or two with many fonts installed) ..."
    )
    started = time.perf_counter()
    import fcntl

    # The lock the runs take while the index is missing (engine.passes).
    with open(folder / ".cvpress-lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if ready():
                return None  # another process built it while we waited
            try:
                done = subprocess.run(
                    [tool, "--update"],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=limit,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise EngineError(
                    f"building LuaTeX's font index did not finish within {limit:.0f} s",
                    hint=f"run `TEXMFCACHE={folder} luaotfload-tool --update -v` to see "
                    "which font it is stuck on",
                ) from None
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not ready():
        tail = " / ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise EngineError(
            f"luaotfload-tool --update failed ({tail or f'exit {done.returncode}'})",
            hint="check the TeX Live installation: `./bootstrap`",
        )
    say(f"LuaTeX's font index is ready ({seconds:.0f} s)")
    return seconds


#: Preamble lines that name fonts: what decides which fonts a run loads.
_FONT_LINE = re.compile(r"^.*(?:font|fallback).*$", re.M | re.I)


def _warm_marker(tex: str) -> Path:
    head = tex.split("\\begin{document}", 1)[0]
    fonts = "\n".join(_FONT_LINE.findall(head))
    return cache() / "cvpress-warm" / hashlib.sha256(fonts.encode("utf-8")).hexdigest()[:20]


def warm(tex: str) -> bool:
    """Whether a LuaLaTeX run already loaded (and cached) the fonts ``tex`` uses."""
    return _warm_marker(tex).exists()


def mark_warm(tex: str) -> None:
    """Record that ``tex``'s fonts are in luaotfload's cache now."""
    marker = _warm_marker(tex)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass  # next time the first run is generous again: slower, still correct
