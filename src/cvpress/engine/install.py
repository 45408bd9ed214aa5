"""What the machine needs besides Python: TeX Live and fonts, from Debian/Ubuntu.

``invoke bootstrap`` (README command 1) calls :func:`ensure_tex`, which is a
quick no-op when every probe file is found, and otherwise installs the
distribution's packages with apt-get (directly as root, through sudo as a
user). One list, here, so the README, CI and the code never disagree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

#: Debian/Ubuntu packages the templates and engines need.
APT_PACKAGES: tuple[str, ...] = (
    "texlive-latex-base",
    "texlive-latex-recommended",
    "texlive-latex-extra",
    "texlive-fonts-recommended",
    "lmodern",
    "latexmk",
    "tex-gyre",
    "fonts-texgyre",
    "texlive-xetex",
    "texlive-luatex",
    "texlive-lang-spanish",
    "texlive-lang-european",
    "texlive-lang-german",
    "texlive-lang-french",
    "fonts-noto-core",
    "fonts-noto-cjk",
    # The symbol fallback font of latex/_base (arrows, ≈, ✓, ★ and the emoji it has).
    "fonts-dejavu-core",
    "poppler-utils",
)

#: Files whose presence proves the packages are installed (kpsewhich or fc-list names).
PROBES: tuple[str, ...] = (
    "article.cls",
    "enumitem.sty",
    "needspace.sty",
    "tgpagella.sty",
    "texgyreheros-regular.otf",
    "fontspec.sty",
    "spanish.ldf",
    "catalan.ldf",
    "ngerman.ldf",
    "french.ldf",
    "mylatexformat.ltx",
)
EXECUTABLES: tuple[str, ...] = ("pdflatex", "xelatex", "lualatex", "latexmk", "kpsewhich")
#: The fallback fonts of latex/_base (XeLaTeX/LuaLaTeX) and the CJK sans some templates use.
FONT_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Noto Serif",
    "Noto Naskh Arabic",
    "Noto Serif Hebrew",
    "Noto Serif Devanagari",
    "DejaVu Sans",
)


def missing() -> list[str]:
    """Probe names that are not on this machine (empty: nothing to install)."""
    absent = [exe for exe in EXECUTABLES if shutil.which(exe) is None]
    if "kpsewhich" in absent:
        return absent + list(PROBES)
    found = subprocess.run(
        ["kpsewhich", *PROBES], capture_output=True, text=True, check=False
    ).stdout
    names = {line.rsplit("/", 1)[-1] for line in found.splitlines()}
    absent.extend(p for p in PROBES if p not in names)
    if shutil.which("fc-list"):
        families = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True, check=False
        ).stdout
        absent.extend(f for f in FONT_FAMILIES if f not in families)
    else:
        absent.extend(FONT_FAMILIES)
    return absent


def ensure_tex(*, quiet: bool = False) -> bool:
    """Install TeX Live and fonts if anything is missing; True if it installed."""
    absent = missing()
    if not absent:
        if not quiet:
            print("TeX Live and fonts: already installed")
        return False
    if shutil.which("apt-get") is None:
        raise SystemExit(
            "cvpress needs TeX Live; this machine has no apt-get. Install TeX Live "
            "(with XeTeX, LuaTeX, latexmk, TeX Gyre and Noto fonts) with your system's "
            f"package manager. Missing: {', '.join(absent)}"
        )
    prefix: list[str] = []
    if os.geteuid() != 0:
        if shutil.which("sudo") is None:
            raise SystemExit("installing TeX Live needs root: run as root or install sudo")
        prefix = ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"installing TeX Live and fonts (missing: {', '.join(absent)}) ...", flush=True)
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *APT_PACKAGES],
        check=True,
        env=env,
    )
    still = missing()
    if still:
        print(f"warning: still missing after install: {', '.join(still)}", file=sys.stderr)
    return True
