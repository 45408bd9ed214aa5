"""Which installed fonts have a glyph for a character, and which Debian package ships them.

fontconfig (``fc-list``, installed with every TeX Live that has XeTeX) lists
each font's character set in one call of a few tens of milliseconds; it is
read once per process. This answers two questions honestly on the machine it
runs on: may a character go to a Unicode engine at all (some font must have
it), and what to tell the user when an engine reports a missing glyph (the
font and the package that really have it, or that none does), instead of a
fixed list of packages that may already be installed.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Font:
    family: str
    file: str
    #: Sorted, disjoint (first, last) code point ranges.
    ranges: tuple[tuple[int, int], ...]

    def has(self, code: int) -> bool:
        i = bisect.bisect_right(self.ranges, (code, 0x10FFFF + 1)) - 1
        return i >= 0 and self.ranges[i][0] <= code <= self.ranges[i][1]


@lru_cache(maxsize=1)
def installed() -> tuple[Font, ...] | None:
    """Every font fontconfig knows, with its character set; None without fontconfig."""
    if shutil.which("fc-list") is None:
        return None
    listing = subprocess.run(
        ["fc-list", "--format", "%{family[0]}\t%{file}\t%{charset}\n"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    fonts = []
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
        fonts.append(Font(family, file, tuple(sorted(ranges))))
    return tuple(fonts)


@lru_cache(maxsize=4096)
def families_with(char: str) -> tuple[str, ...] | None:
    """Families of the installed fonts that have ``char``; None when fontconfig is absent."""
    fonts = installed()
    if fonts is None:
        return None
    code = ord(char)
    return tuple(sorted({f.family for f in fonts if f.has(code)}))


def family_has(family: str, char: str) -> bool | None:
    """Whether the installed family has ``char``; None when unknown (no fontconfig, no family)."""
    fonts = installed()
    if fonts is None or not any(f.family == family for f in fonts):
        return None
    return family in (families_with(char) or ())


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
