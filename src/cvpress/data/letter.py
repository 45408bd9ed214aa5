"""A cover letter: Markdown with YAML front matter, validated like résumé data.

The front matter (recipient, date, subject, opening, closing, signature) goes
through the résumé's own YAML loader and validation, so a letter gets the
same guarantees and the same messages: ``file:line:column`` pointing into the
``.md`` file, typos caught, other unknown keys kept with a warning. The
Markdown body is split into paragraphs and lists by markdown-it-py; each
paragraph or list item keeps its inline Markdown as written, for
:func:`cvpress.tex.markdown.markdown` to escape at render time, and the line it
starts on, so a problem in it is reported at that line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field

from ..errors import InputError, Location, Warnings
from ..tex.markdown import plain_markdown
from .dates import Date
from .load import Loaded, SourceMap, read_text
from .load import loads as load_yaml
from .model import Basics, Model
from .types import MAX_ITEMS, Line, Text

#: Most blocks (paragraphs and lists) in a letter body: a page holds about a dozen.
MAX_BLOCKS = 200

#: The front matter: a first line ``---``, YAML, then a line ``---`` (or ``...``).
_FRONT = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)

_EXAMPLE = "---\nto:\n  organisation: Acme AB\nopening: Dear Ms Berg,\nclosing: Kind regards,\n---"


def _lines(value: Any) -> Any:
    """``address: Sveavägen 1`` is one line of the address, as if written in a list."""
    return [value] if isinstance(value, str) else value


class Recipient(Model):
    """Who the letter goes to; every line optional, printed in this order."""

    legacy: ClassVar[dict[str, str]] = {"organization": "organisation"}

    name: Line | None = Field(None, description="The person.", examples=["Dr. Ana Berg"])
    title: Line | None = Field(None, description="Their position.", examples=["Head of Platform"])
    organisation: Line | None = Field(None, description="The organisation.", examples=["Acme AB"])
    address: Annotated[
        Annotated[tuple[Line, ...], Field(max_length=20)], BeforeValidator(_lines)
    ] = Field((), description="Address lines.", examples=[["Sveavägen 1", "111 57 Stockholm"]])


class Block(Model):
    """A paragraph (one item) or a list (one item per bullet or number) of the body."""

    kind: Literal["paragraph", "bullets", "numbers"]
    items: Annotated[tuple[Text, ...], Field(min_length=1, max_length=MAX_ITEMS)]
    #: The first number of a numbered list, as written (``3.`` starts at 3).
    start: int = 1


class Letter(Model):
    """A letter's front matter and body. ``signature`` defaults to the sender's name."""

    to: Recipient = Field(
        description="The recipient: name, title, organisation, address lines.",
        examples=[{"name": "Dr. Ana Berg", "organisation": "Acme AB"}],
    )
    date: Date | None = Field(
        None,
        description="The letter's date (YYYY-MM-DD); default: the build's date.",
        examples=["2026-11-30"],
    )
    subject: Line | None = Field(
        None, description="The subject line.", examples=["Staff SRE, ref. 4711"]
    )
    opening: Line = Field(description="The salutation.", examples=["Dear Dr. Berg,"])
    closing: Line = Field(description="The complimentary close.", examples=["Kind regards,"])
    signature: Line | None = Field(
        None, description="The name under the closing; default: basics.name.", examples=["Ada"]
    )
    body: Annotated[tuple[Block, ...], Field(max_length=MAX_BLOCKS)] = ()

    def signed(self, sender: Basics) -> str:
        return self.signature or sender.name or ""


@dataclass(frozen=True, slots=True)
class LoadedLetter:
    """A validated letter and where each of its fields stands in the ``.md`` file."""

    letter: Letter
    source: SourceMap
    path: Path


def load(path: Path | str, warnings: Warnings | None = None) -> LoadedLetter:
    """Read and validate a letter; one ``InputError`` with every problem, located."""
    path = Path(path)
    if not path.exists():
        raise InputError(
            f"letter not found: {path}",
            location=Location(str(path)),
            hint="check the path (a variant's is relative to the variants file), "
            "or write one with `cvpress letter new NAME`",
        )
    return loads(read_text(path, "a .md letter"), str(path), warnings)


def loads(text: str, display: str, warnings: Warnings | None = None) -> LoadedLetter:
    """A letter from its text (``display`` names it in messages, e.g. ``REV:path``)."""
    from . import validate

    loaded, body, body_line = _split(text.replace("\r\n", "\n"), display)
    if not isinstance(loaded.data, dict):
        raise InputError(
            "the front matter must be 'key: value' lines",
            location=loaded.source.locate(()),
            hint=f"start the letter like this:\n{_EXAMPLE}",
        )
    if "body" in loaded.data:
        raise InputError(
            "'body' is not a front-matter key",
            location=loaded.source.locate(("body",), key=True),
            field_path="body",
            hint="write the body as Markdown below the closing '---' line",
        )
    blocks = _blocks(body, body_line, loaded.source)
    letter = validate.document({**loaded.data, "body": blocks}, loaded.source, Letter, warnings)
    return LoadedLetter(letter, loaded.source, Path(display))


def _split(text: str, display: str) -> tuple[Loaded, str, int]:
    """The front matter (parsed, its positions those of the ``.md`` file) and the body."""
    match = _FRONT.match(text)
    if match is None:
        opened = text.startswith("---")
        raise InputError(
            "the front matter opened here is never closed"
            if opened
            else "a letter starts with front matter between two '---' lines",
            location=Location(display, 1, 1),
            hint="add a line '---' after the last key"
            if opened
            else f"start the letter like this:\n{_EXAMPLE}",
        )
    # One blank line stands for the opening '---': YAML lines keep their numbers.
    loaded = load_yaml("\n" + match.group("yaml"), display)
    body_line = text.count("\n", 0, match.end()) + 1
    if not match.group().endswith("\n"):
        body_line -= 1
    return loaded, text[match.end() :], body_line


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    # Paragraphs and lists only: headings, quotes, code blocks and HTML stay
    # text, as in the résumé's free-text fields.
    return MarkdownIt("zero").enable(["list"])


def _blocks(body: str, first_line: int, source: SourceMap) -> list[dict[str, Any]]:
    """The body's paragraphs and lists, with each item's line recorded in ``source``."""
    if "\x00" in body:
        line = first_line + body.count("\n", 0, body.index("\x00"))
        raise InputError(
            "the body contains a NUL character, which cannot be printed",
            location=Location(source.file, line, 1),
            field_path="body",
            hint="delete the invisible character (often pasted from a PDF)",
        )
    blocks: list[dict[str, Any]] = []
    source.values[("body",)] = Location(source.file, first_line, 1)
    tokens = _parser().parse(body)
    depth = 0
    current: dict[str, Any] | None = None
    item_blocks = 0
    for token in tokens:
        line = first_line + (token.map[0] if token.map else 0)
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth > 1:
                raise InputError(
                    "a list inside a list item: letters allow one level of list",
                    location=Location(source.file, line, 1),
                    field_path=f"body[{len(blocks) - 1}]",
                    hint="write the inner items as items of the outer list",
                )
            ordered = token.type == "ordered_list_open"
            start = int(token.attrGet("start") or 1) if ordered else 1
            current = {"kind": "numbers" if ordered else "bullets", "items": [], "start": start}
            blocks.append(current)
            source.values[("body", len(blocks) - 1)] = Location(source.file, line, 1)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            current = None
        elif token.type == "list_item_open":
            item_blocks = 0
        elif token.type == "inline":
            if current is None:
                blocks.append({"kind": "paragraph", "items": [token.content]})
                index, item = len(blocks) - 1, 0
            else:
                item_blocks += 1
                if item_blocks > 1:
                    raise InputError(
                        "a list item with two paragraphs",
                        location=Location(source.file, line, 1),
                        field_path=f"body[{len(blocks) - 1}]",
                        hint="join the paragraphs, or end the list before the second one",
                    )
                current["items"].append(token.content)
                index, item = len(blocks) - 1, len(current["items"]) - 1
            where = Location(source.file, line, 1)
            source.values.setdefault(("body", index), where)
            source.values[("body", index, "items", item)] = where
    return blocks


def visible_strings(letter: Letter, sender: Basics) -> Iterator[tuple[str, str]]:
    """(field path, text) for everything a letter's PDF must show, as a reader extracts it."""
    yield "basics.name", sender.name or ""
    for name in ("name", "title", "organisation"):
        value = getattr(letter.to, name)
        if value:
            yield f"to.{name}", value
    for i, line in enumerate(letter.to.address):
        yield f"to.address[{i}]", line
    for name in ("subject", "opening", "closing"):
        value = getattr(letter, name)
        if value:
            yield name, value
    yield "signature", letter.signed(sender)
    for i, block in enumerate(letter.body):
        for j, item in enumerate(block.items):
            yield f"body[{i}].items[{j}]", plain_markdown(item)
