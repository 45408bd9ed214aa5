"""The models' keys as a data file may spell them, and where a field path stands in it.

Every accepted spelling of a field (snake_case, camelCase, a pre-1.0 JSON
Resume key), the models nested in a field, and a field path found in the
source map whichever spelling the file uses.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.alias_generators import to_camel, to_snake

from ..errors import Location
from . import load as load_mod
from .load import PathKey, SourceMap
from .model import Model, Resume


def known_keys(model: type[BaseModel]) -> dict[str, str]:
    """Every accepted spelling of a field -> its canonical (camelCase) name."""
    known: dict[str, str] = {}
    for name, info in model.model_fields.items():
        canonical = info.alias or to_camel(name)
        known[name] = canonical
        known[canonical] = canonical
    return known


def submodels(annotation: Any) -> list[type[Model]]:
    """Model classes found anywhere in a field annotation (tuple[X, ...], X | None)."""
    found: list[type[Model]] = []
    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, Model):
            found.append(item)
            continue
        origin = typing.get_origin(item)
        if origin is typing.Annotated:
            stack.append(typing.get_args(item)[0])
        elif origin in (tuple, list, typing.Union, types.UnionType):
            stack.extend(typing.get_args(item))
    return found


def locate(source: SourceMap, path: PathKey, *, key: bool = False) -> Any:
    """Find ``path`` in the source even if the user wrote snake_case keys."""
    for candidate in _spellings(path):
        table = source.keys if key else source.values
        if candidate in table or candidate in source.values:
            return source.locate(candidate, key=key)
    return source.locate(path, key=key)


def locate_field(source: SourceMap, dotted: str) -> Location:
    """Where ``work[0].highlights[2].text`` stands in the data file (any key spelling)."""
    found: Location = locate(source, load_mod.parse_path(dotted))
    return found


def _spellings(path: PathKey) -> list[PathKey]:
    """``path`` as the file may spell it: camelCase, snake_case, or a pre-1.0 key
    (``website`` for ``url``), so an error points at the value's own line."""
    out: list[PathKey] = [path]
    for converter in (to_snake, to_camel):
        out.append(tuple(converter(p) if isinstance(p, str) else p for p in path))
    if path and isinstance(path[-1], str):
        out.extend((*path[:-1], old) for old in _LEGACY_NAMES.get(to_camel(path[-1]), ()))
    return out


def _legacy_names() -> dict[str, tuple[str, ...]]:
    """v1.0.0 name -> the pre-1.0 keys any model reads as it."""
    found: dict[str, set[str]] = {}
    stack: list[type[Model]] = [Resume]
    seen: set[type[Model]] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for old, new in model.legacy.items():
            found.setdefault(new, set()).add(old)
        for info in model.model_fields.values():
            stack.extend(submodels(info.annotation))
    return {new: tuple(sorted(olds)) for new, olds in found.items()}


_LEGACY_NAMES = _legacy_names()
