"""Where templates are, which files each one reads, and what its ``template.yaml`` says.

The one place ``template.yaml`` is read: its ``description`` (``cvpress
templates``), ``engines`` (the template's ranking for ``auto``),
``omits`` (fields it leaves out by design, which the PDF check then does not
look for), ``photo`` (``round`` or ``square``: how a variant's photo is
cropped) and ``fonts`` (its font families in HTML and Word).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.catalogue import ENGINES
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


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a ``template.yaml`` says, each value checked (absent keys take their default)."""

    description: str = ""
    engines: tuple[str, ...] = ()
    omits: frozenset[str] = frozenset()
    photo: Shape = "square"
    #: ``fonts:`` as written (checked by :mod:`cvpress.outputs.look`, which uses it), and where.
    fonts: Any = None
    fonts_at: Location | None = None


#: Each key a template.yaml may hold: what its value must be, and an example.
_KEYS = {
    "description": ("a line of text", 'description: "one column, serif"'),
    "engines": ("a list of engine names", "engines: [xelatex, lualatex]"),
    "omits": ("a list of field paths", "omits: [education.courses]"),
    "photo": ("round or square", "photo: round"),
    "fonts": ("a mapping of font lists", "fonts: {body: [TeX Gyre Pagella, serif]}"),
}


def manifest(folder: Path) -> Manifest:
    """The template folder's ``template.yaml``, checked (defaults when it has none).

    Read with the reader of the person's own data (:func:`cvpress.data.load.load`):
    a regular file, size-limited, plain scalars as text, and every mistake
    refused at its file:line with what was expected, since a template author
    deserves the same errors as a résumé's.
    """
    path = folder / MANIFEST
    try:
        info = path.stat()
    except OSError:
        return Manifest()
    return _parsed(str(path), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=32)
def _parsed(path: str, _mtime_ns: int, _size: int) -> Manifest:
    """``template.yaml`` read once per version of the file (a batch reads it per résumé)."""
    from ..data.load import load

    loaded = load(path)
    data = loaded.data
    source = loaded.source
    if not isinstance(data, dict):
        raise InputError(
            "template.yaml must be a mapping of the keys " + ", ".join(_KEYS),
            location=source.at(1, 1),
            hint=f"for example: {_KEYS['description'][1]}",
        )
    for key in data:
        if key not in _KEYS:
            raise InputError(
                f"template.yaml has no key {key!r}",
                location=source.locate((key,), key=True),
                field_path=key,
                hint=_did_you_mean(str(key)) + "its keys are " + ", ".join(_KEYS),
            )

    def texts(key: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _wrong(source.locate((key,)), key)
        return tuple(value)

    description = data.get("description") or ""
    if not isinstance(description, str):
        raise _wrong(source.locate(("description",)), "description")
    engines = texts("engines")
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        raise InputError(
            f"template.yaml names an engine cvpress does not know: {unknown[0]!r}",
            location=source.locate(("engines", engines.index(unknown[0]))),
            field_path=f"engines[{engines.index(unknown[0])}]",
            hint="engines are " + ", ".join(ENGINES),
        )
    photo = data.get("photo") or "square"
    if photo not in ("round", "square"):
        raise _wrong(source.locate(("photo",)), "photo")
    return Manifest(
        description=description,
        engines=engines,
        omits=frozenset(texts("omits")),
        photo="round" if photo == "round" else "square",
        fonts=data.get("fonts"),
        fonts_at=source.locate(("fonts",)) if "fonts" in data else None,
    )


def _did_you_mean(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, _KEYS, n=1)
    return f"did you mean {close[0]!r}? " if close else ""


def _wrong(where: Location, key: str) -> InputError:
    """``key``'s value is not what it must be (:data:`_KEYS`)."""
    what, example = _KEYS[key]
    return InputError(
        f"must be {what}", location=where, field_path=key, hint=f"for example: {example}"
    )


def _manifest_of(template: str, extra: Iterable[Path]) -> Manifest:
    folder = available(extra).get(template)
    return Manifest() if folder is None else manifest(folder)


def description(folder: Path) -> str:
    """One line about the template (``description:``), for ``cvpress templates``."""
    return manifest(folder).description


def preferred_engines(template: str, extra: Iterable[Path] = ()) -> tuple[str, ...]:
    """Engines a template prefers for ``auto`` (``engines:`` in its template.yaml), best first."""
    return _manifest_of(template, extra).engines


def omits(template: str, extra: Iterable[Path] = ()) -> frozenset[str]:
    """Fields a template leaves out by design (``omits:`` in its template.yaml)."""
    return _manifest_of(template, extra).omits


def photo_shape(template: str, extra: Iterable[Path] = ()) -> Shape:
    """How the template crops a variant's photo (``photo:`` in its template.yaml; square)."""
    return _manifest_of(template, extra).photo


def fonts(template: str, extra: Iterable[Path] = ()) -> tuple[Any, Location | None]:
    """``fonts:`` in the template's template.yaml (None when absent), and where it is written."""
    found = _manifest_of(template, extra)
    return found.fonts, found.fonts_at
