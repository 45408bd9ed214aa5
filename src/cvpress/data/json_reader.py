"""JSON data files: read by the json module (JSON's own rules), then re-read for positions.

:func:`cvpress.data.load.loads` hands ``.json`` text here; numbers keep how
they were written (:class:`WrittenInt`, :class:`WrittenFloat`).
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path
from typing import Any

from ..errors import InputError, Location
from .load import (
    MAX_DEPTH,
    Loaded,
    PathKey,
    SourceMap,
    check_characters,
    duplicate_key,
    format_path,
)


def load_json(text: str, source: SourceMap) -> Loaded:
    """JSON through the json module (JSON's own rules and messages), then positions.

    Not through YAML: PyYAML is YAML 1.1 and refuses valid JSON (surrogate
    pairs such as ``\\ud83d\\ude00``, which ``json.dumps`` writes for emoji),
    and a resume.json from any tool must load unchanged.
    """
    try:
        json.loads(text, parse_int=str, parse_float=str)  # syntax only: values come below
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}",
            location=source.at(exc.lineno, exc.colno),
            hint="check for a missing comma, quote or bracket just before this point",
        ) from None
    except RecursionError:
        raise InputError(
            f"nesting deeper than {MAX_DEPTH} levels",
            location=source.at(1, 1),
            hint="the résumé format needs only a few levels of nesting",
        ) from None
    data = _JsonWalker(text, source).document()
    return Loaded(data, source, Path(source.file))


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_JSON_CONSTANT = re.compile(r"NaN|-?Infinity")


class WrittenInt(int):
    """A JSON integer that is a number but prints as written (``-0``)."""

    written: str

    def __str__(self) -> str:
        return self.written


class WrittenFloat(float):
    """A JSON number with a fraction or exponent that prints as written (``3.50``, ``1e3``)."""

    written: str

    def __str__(self) -> str:
        return self.written


def _number(text: str) -> Any:
    """A JSON number: its value for fields that want one, its text for fields that print it."""
    number: WrittenInt | WrittenFloat
    if re.fullmatch(r"-?[0-9]+", text):
        try:
            number = WrittenInt(text)
        except ValueError:  # beyond Python's 4,300-digit conversion limit
            return text  # kept as written: the model says what it expected
    else:
        number = WrittenFloat(text)
    number.written = text
    return number


class _JsonWalker:
    """Re-reads valid JSON recording where each key and value starts.

    Refuses duplicate keys, ``NaN``/``Infinity`` (which Python's json module
    accepts but JSON does not have) and lone surrogates; numbers are kept as
    the text written, like YAML's.
    """

    def __init__(self, text: str, source: SourceMap) -> None:
        self.text = text
        self.source = source
        self.decoder = json.JSONDecoder()
        self.starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def where(self, index: int) -> Location:
        line = bisect.bisect_right(self.starts, index)
        return self.source.at(line, index - self.starts[line - 1] + 1)

    def skip(self, index: int) -> int:
        match = _JSON_SPACE.match(self.text, index)
        return match.end() if match else index

    def document(self) -> Any:
        value, _ = self.value(self.skip(0), (), 0)
        return value

    def value(self, index: int, path: PathKey, depth: int) -> tuple[Any, int]:
        index = self.skip(index)
        if depth > MAX_DEPTH:
            raise InputError(
                f"nesting deeper than {MAX_DEPTH} levels",
                location=self.where(index),
                hint="the résumé format needs only a few levels of nesting",
            )
        self.source.values.setdefault(path, self.where(index))
        char = self.text[index]
        if char == "{":
            return self.mapping(index + 1, path, depth)
        if char == "[":
            items: list[Any] = []
            index = self.skip(index + 1)
            if self.text[index] == "]":
                return items, index + 1
            while True:
                item, index = self.value(index, (*path, len(items)), depth + 1)
                items.append(item)
                index = self.skip(index)
                if self.text[index] == "]":
                    return items, index + 1
                index += 1  # the comma
        number = _JSON_NUMBER.match(self.text, index)
        if number:
            return _number(number.group()), number.end()
        constant = _JSON_CONSTANT.match(self.text, index)
        if constant:
            raise InputError(
                f"{constant.group()} is not a JSON value",
                location=self.where(index),
                field_path=format_path(path),
                hint="JSON has no NaN or Infinity: write it as text in quotes, or leave it out",
            )
        value, end = self.decoder.raw_decode(self.text, index)
        if isinstance(value, str):
            check_characters(value, self.where(index), path)
        return value, end

    def mapping(self, index: int, path: PathKey, depth: int) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        index = self.skip(index)
        if self.text[index] == "}":
            return out, index + 1
        while True:
            index = self.skip(index)
            where = self.where(index)
            key, index = json.decoder.scanstring(self.text, index + 1)  # type: ignore[attr-defined]
            check_characters(key, where, (*path, key))
            if key in out:
                raise duplicate_key(
                    self.source,
                    path,
                    key,
                    where,
                    "each key may appear once in an object; remove or merge one",
                )
            self.source.keys[(*path, key)] = where
            index = self.skip(index) + 1  # the colon
            out[key], index = self.value(index, (*path, key), depth + 1)
            index = self.skip(index)
            if self.text[index] == "}":
                return out, index + 1
            index += 1  # the comma
