"""Which installed fonts have a glyph for a character, and which Debian package ships them.

fontconfig (``fc-list``, installed with every TeX Live that has XeTeX) lists
each font's character set in one call of a few tens of milliseconds; it is
read once per process. This answers two questions honestly on the machine it
runs on: may a character go to a Unicode engine at all (some font must have
it), and what to tell the user when an engine reports a missing glyph (the
font and the package that really have it, or that none does), instead of a
fixed list of packages that may already be installed.

Reading the listing (hundreds of fonts, tens of thousands of ranges) took
four times as long as ``fc-list`` itself, on the path of every build of a
document in another script: the ranges are kept per user
(``cache_home()/fonts-<hash of the listing>.marshal``, the newest only), so
a build that finds fontconfig's answer unchanged loads them in one step.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import marshal
import shutil
import subprocess
import sys
from array import array
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .sandbox import cache_home

#: What names a cached table: the listing's hash is added (see :func:`installed`).
_CACHE_PREFIX = "fonts-"


@dataclass(frozen=True, slots=True)
class Font:
    family: str
    file: str
    #: First and last code points of its sorted, disjoint ranges.
    starts: array[int]
    ends: array[int]

    def has(self, code: int) -> bool:
        i = bisect.bisect_right(self.starts, code) - 1
        return i >= 0 and code <= self.ends[i]


@lru_cache(maxsize=1)
def installed() -> tuple[Font, ...] | None:
    """Every font fontconfig knows, with its character set; None without fontconfig."""
    if shutil.which("fc-list") is None:
        return None
    listing = subprocess.run(
        ["fc-list", "--format", "%{family[0]}\t%{file}\t%{charset}\n"],
        capture_output=True,
        check=False,
    ).stdout
    digest = hashlib.sha256(listing + f"{sys.version}|{marshal.version}".encode()).hexdigest()
    cache = cache_home() / f"{_CACHE_PREFIX}{digest[:32]}.marshal"
    try:
        table = marshal.loads(cache.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        table = _parse(listing.decode("utf-8", errors="replace"))
        _store(cache, table)
    return tuple(
        Font(family, file, array("I", starts), array("I", ends))
        for family, file, starts, ends in table
    )


def _parse(listing: str) -> list[tuple[str, str, bytes, bytes]]:
    """``fc-list``'s lines as (family, file, first code points, last code points)."""
    table = []
    for line in listing.splitlines():
        family, _, rest = line.partition("\t")
        file, _, charset = rest.partition("\t")
        ranges = []
        for item in charset.split():
            first, _, last = item.partition("-")
            try:
                ranges.append((int(first, 16), int(last or first, 16)))
            except ValueError:
                continue
        ranges.sort()
        starts = array("I", (first for first, _ in ranges))
        ends = array("I", (last for _, last in ranges))
        table.append((family, file, starts.tobytes(), ends.tobytes()))
    return table


def _store(cache: Path, table: list[tuple[str, str, bytes, bytes]]) -> None:
    """Keep ``table`` as the one cached table (a full or read-only cache: go without)."""
    from ..pipeline.publish import write_atomic

    with contextlib.suppress(OSError):
        cache.parent.mkdir(parents=True, exist_ok=True)
        for old in cache.parent.glob(f"{_CACHE_PREFIX}*.marshal"):
            old.unlink(missing_ok=True)
        write_atomic(cache, marshal.dumps(table), durable=False)


@lru_cache(maxsize=4096)
def families_with(char: str) -> tuple[str, ...] | None:
    """Families of the installed fonts that have ``char``; None when fontconfig is absent."""
    fonts = installed()
    if fonts is None:
        return None
    code = ord(char)
    return tuple(sorted({f.family for f in fonts if f.has(code)}))


@lru_cache(maxsize=4096)
def family_has(family: str, char: str) -> bool | None:
    """Whether the installed family has ``char``; None when unknown (no fontconfig, no family).

    Asks only that family's fonts: a document's characters are checked
    against the few fallback families first, and every font only when they
    lack one.
    """
    fonts = _by_family().get(family)
    if fonts is None:
        return None
    code = ord(char)
    return any(f.has(code) for f in fonts)


@lru_cache(maxsize=1)
def _by_family() -> dict[str, tuple[Font, ...]]:
    found: dict[str, list[Font]] = {}
    for font in installed() or ():
        found.setdefault(font.family, []).append(font)
    return {family: tuple(fonts) for family, fonts in found.items()}


@lru_cache(maxsize=256)
def package_of(file: str) -> str | None:
    """The Debian package that installed ``file``, if dpkg knows it."""
    if shutil.which("dpkg-query") is None:
        return None
    found = subprocess.run(
        ["dpkg-query", "-S", file], capture_output=True, text=True, check=False
    ).stdout
    package = found.split(":", 1)[0].strip()
    return package or None


def missing_glyph_hint(char: str) -> str:
    """What to do about ``char`` that a font lacks, true on this machine."""
    code = f"U+{ord(char):04X}"
    fonts = installed()
    if fonts is None:
        return f"no font of this template has {code}: remove the character"
    having = [f for f in fonts if f.has(ord(char))]
    if not having:
        return (
            f"no font installed on this machine has {code}: remove the character or "
            "write it as text"
        )
    first = having[0]
    package = package_of(first.file)
    where = f" (Debian package {package}, installed)" if package else ""
    return (
        f"{first.family}{where} has {code}, but this template's fonts and cvpress's "
        "fallback fonts do not: remove the character, or use a template whose font has it"
    )
