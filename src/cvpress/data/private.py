"""Private details: a phone number or an address in the PDF you send, never in the repository.

``data/private.yaml`` (git-ignored) is a partial résumé, for example::

    basics:
      phone: "+34 600 000 000"
      location: {address: "Carrer Major 1"}

merged over the data file for local builds: mappings key by key, at any
depth; anything else (text, a list) replaces the public value whole. The
merged document keeps both files' lines, so an error in a private value
points at ``private.yaml``.

Who reads it: ``cvpress build`` (and ``watch``) by default. A release
(``cvpress release``, ``invoke release``, the release workflow) reads it
only with ``--private``: public assets are built from the repository alone.
A variant's ``private: false`` keeps it out of that variant (a public web
page, say); ``private: other.yaml`` names another file, relative to the
variants file.

``cvpress validate`` warns when the private file is tracked by git (then it
is not private) and when one of its values is also written in a public file
(then keeping it private achieves nothing).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import Location, Problem
from .load import Loaded, PathKey, SourceMap, format_path, load

#: The private file's name, beside the data file, unless a variant names another.
DEFAULT_NAME = "private.yaml"
#: Shortest value the leak check looks for: shorter ones ("ES", "12") match by chance.
MIN_LEAK = 4


def locate(data_file: Path, setting: bool | str, variants_file: Path | None) -> Path | None:
    """The private file a variant reads (it may not exist), or None for ``private: false``."""
    if setting is False:
        return None
    if setting is True:
        return data_file.parent / DEFAULT_NAME
    base = variants_file.parent if variants_file is not None else data_file.parent
    return base / setting


def overlay(base: Loaded, private_file: Path | None) -> tuple[Loaded, bool]:
    """``base`` with ``private_file`` merged over it, and whether there was one to merge."""
    if private_file is None or not private_file.is_file():
        return base, False
    private = load(private_file)
    return merged(base, private), True


def merged(base: Loaded, private: Loaded) -> Loaded:
    """``private``'s values over ``base``'s: mappings key by key, anything else whole."""
    data = _merge(base.data, private.data)
    replaced = [path for path, _ in _leaves(private.data)]
    keys = _without(base.source.keys, replaced) | private.source.keys
    values = _without(base.source.values, replaced) | private.source.values
    values[()] = base.source.values.get((), Location(base.source.file, 1, 1))
    return Loaded(data, SourceMap(base.source.file, keys, values), base.path)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    return over


def _without(table: dict[PathKey, Location], replaced: list[PathKey]) -> dict[PathKey, Location]:
    """``table`` minus every path at or under a replaced one (their lines now lie)."""
    return {
        path: loc
        for path, loc in table.items()
        if not any(path[: len(r)] == r for r in replaced if r)
    }


def _leaves(value: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    """Every non-mapping value under ``value`` (lists whole), with its path."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, (*path, key))
    else:
        yield path, value


def _strings(value: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _strings(inner, (*path, index))
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        yield path, str(value)


def audit(private_file: Path, public_files: Sequence[Path]) -> list[Problem]:
    """Warnings: the private file is tracked by git, or its values are written in public files."""
    if not private_file.is_file():
        return []
    problems: list[Problem] = []
    if tracked(private_file):
        problems.append(
            Problem(
                f"{private_file} is tracked by git, so it is not private",
                location=Location(str(private_file)),
                hint=f"git rm --cached {private_file} (and keep it in .gitignore)",
                severity="warning",
            )
        )
    private = load(private_file)
    texts: dict[Path, str] = {}
    for public in public_files:
        try:
            texts[public] = public.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    for path, value in _strings(private.data):
        needle = value.strip()
        if len(needle) < MIN_LEAK:
            continue
        for public, text in texts.items():
            at = text.find(needle)
            if at >= 0:
                line = text.count("\n", 0, at) + 1
                problems.append(
                    Problem(
                        f"the private value of {format_path(path)} is also written in "
                        f"{public}:{line}, which is public",
                        location=private.source.locate(path),
                        field_path=format_path(path),
                        hint=f"remove it from {public} (and from its git history if committed)",
                        severity="warning",
                    )
                )
                break
    return problems


def tracked(path: Path) -> bool:
    """Whether git tracks ``path`` (False outside a repository or without git)."""
    try:
        result = subprocess.run(
            ["git", "-C", str(path.parent), "ls-files", "--error-unmatch", "--", path.name],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def public_files(folder: Path) -> list[Path]:
    """The files git tracks in ``folder`` (what a public repository shows); none outside git."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), "ls-files", "-z", "--", "."],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    names = result.stdout.decode("utf-8", "replace").split("\0")
    return [folder / name for name in names if name]
