"""Where templates are, which files each one reads, and what its ``template.yaml`` says.

The one place ``template.yaml`` is read: its ``description`` (``cvpress
templates``), ``engines`` (the template's ranking for ``auto``),
``omits`` (fields it leaves out by design, which the PDF check then does not
look for), ``photo`` (``round`` or ``square``: how a variant's photo is
cropped) and ``fonts`` (its font families in HTML and Word).
"""

from __future__ import annotations

import stat
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Location

#: Templates bundled with the package (the repository's ``latex/`` folder).
BUNDLED = Path(__file__).resolve().parent.parent / "latex"
TEMPLATE_FILE = "template.tex.j2"
MANIFEST = "template.yaml"
#: Most files a template folder (with the shared base) may hold: every one is
#: hashed for the cache key, so a folder that is really a system directory
#: must stop the build at once, not after minutes of reading.
MAX_TEMPLATE_FILES = 500
#: Largest file a template folder may hold (a font is a few MB).
MAX_TEMPLATE_FILE_BYTES = 20_000_000

if TYPE_CHECKING:
    from ..data.photo import Shape


def search_path(extra: Iterable[Path] = ()) -> list[Path]:
    """Template folders, first match wins: the user's ``latex/`` shadows bundled ones."""
    paths = [Path(p) for p in extra]
    local = Path.cwd() / "latex"
    if local.is_dir() and local.resolve() != BUNDLED.resolve():
        paths.append(local)
    paths.append(BUNDLED)
    return paths


def available(extra: Iterable[Path] = ()) -> dict[str, Path]:
    """Template name -> folder, for every template on the search path."""
    found: dict[str, Path] = {}
    for root in search_path(extra):
        if not root.is_dir():
            continue
        for child in sorted(root.iterdir()):
            if not child.name.startswith("_") and (child / TEMPLATE_FILE).is_file():
                found.setdefault(child.name, child)
    return found


def template_files(name: str, extra: Iterable[Path] = ()) -> list[Path]:
    """Every file a template may read (its folder and the shared base), for cache keys."""
    files: list[Path] = []
    for root in search_path(extra):
        for folder in (root / name, root / "_base"):
            if not folder.is_dir():
                continue
            found: list[Path] = []
            for path in folder.rglob("*"):
                if path.is_file():
                    found.append(path)
                if len(files) + len(found) > MAX_TEMPLATE_FILES:
                    raise InputError(
                        f"the template {name!r} holds more than {MAX_TEMPLATE_FILES} files",
                        location=Location(str(folder)),
                        hint="a template folder holds a template.tex.j2 and a few files it "
                        "uses; check that this folder is the template",
                    )
            files.extend(sorted(found))
    return files


def manifest(folder: Path) -> dict[str, Any]:
    """The template folder's ``template.yaml`` as a mapping ({} when it has none)."""
    path = folder / MANIFEST
    try:
        info = path.stat()
    except OSError:
        return {}
    if not stat.S_ISREG(info.st_mode):
        return {}
    return dict(_parsed(str(path), info.st_mtime_ns, info.st_size))


@lru_cache(maxsize=32)
def _parsed(path: str, _mtime_ns: int, _size: int) -> dict[str, Any]:
    """``template.yaml`` parsed once per version of the file (a batch reads it per résumé)."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else {}


def _manifest_of(template: str, extra: Iterable[Path]) -> dict[str, Any]:
    folder = available(extra).get(template)
    return {} if folder is None else manifest(folder)


def description(folder: Path) -> str:
    """One line about the template (``description:``), for ``cvpress templates``."""
    return str(manifest(folder).get("description", ""))


def preferred_engines(template: str, extra: Iterable[Path] = ()) -> tuple[str, ...]:
    """Engines a template prefers for ``auto`` (``engines:`` in its template.yaml), best first."""
    return tuple(str(x) for x in _manifest_of(template, extra).get("engines") or ())


def omits(template: str, extra: Iterable[Path] = ()) -> frozenset[str]:
    """Fields a template leaves out by design (``omits:`` in its template.yaml)."""
    return frozenset(str(x) for x in _manifest_of(template, extra).get("omits") or ())


def photo_shape(template: str, extra: Iterable[Path] = ()) -> Shape:
    """How the template crops a variant's photo (``photo:`` in its template.yaml; square)."""
    shape = _manifest_of(template, extra).get("photo")
    return "round" if shape == "round" else "square"


def fonts(template: str, extra: Iterable[Path] = ()) -> tuple[Any, Path | None]:
    """``fonts:`` in the template's template.yaml (None when absent), and that file's path."""
    folder = available(extra).get(template)
    if folder is None:
        return None, None
    return manifest(folder).get("fonts"), folder / MANIFEST
