"""Read a data or variants file into plain Python data plus a source map.

The source map is what lets every later error say ``file:line:column``: the
model stage only sees plain data, so positions must be captured here, while
the YAML nodes still know where they came from.

PyYAML's constructors silently keep the last of two duplicate keys and expand
aliases without bound, and they turn ``2024-09-15`` into a ``date`` behind the
user's back; so we compose the node graph ourselves and build the data with a
small walker that refuses duplicates, counts alias expansions and keeps
timestamps as the strings the user wrote.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Location

#: Largest data file accepted. A résumé is a few KiB; this leaves a 100x margin.
MAX_FILE_BYTES = 1_000_000
#: Most values (after alias expansion) one document may hold: refuses alias bombs.
MAX_NODES = 100_000
#: Deepest nesting accepted; JSON Resume needs 4 levels.
MAX_DEPTH = 32

PathKey = tuple[str | int, ...]

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.SafeLoader("")  # only used for its scalar constructors


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Field path -> where its key and its value stand in the file."""

    file: str
    keys: dict[PathKey, Location] = field(default_factory=dict)
    values: dict[PathKey, Location] = field(default_factory=dict)

    def locate(self, path: PathKey, *, key: bool = False) -> Location:
        """The best position for ``path``: itself, else its nearest ancestor."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            hit = table.get(probe) or self.values.get(probe)
            if hit is not None:
                return hit
            probe = probe[:-1]
        return self.values.get((), Location(self.file, 1, 1))


@dataclass(frozen=True, slots=True)
class Loaded:
    data: Any
    source: SourceMap
    path: Path


def format_path(path: PathKey) -> str:
    """``("work", 0, "highlights", 2)`` -> ``work[0].highlights[2]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(document)"


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(dotted: str) -> PathKey:
    """``work[0].highlights[2]`` -> ``("work", 0, "highlights", 2)``: :func:`format_path` undone."""
    return tuple(int(index) if index else name for name, index in _PATH_PART.findall(dotted))


def load(path: Path | str) -> Loaded:
    """Load ``.yaml``/``.yml``/``.json`` into plain data with positions."""
    path = Path(path)
    text = read_text(path)
    return loads(text, str(path), json_syntax=path.suffix.lower() == ".json")


def read_text(path: Path, expected: str = "a .yaml or .json file") -> str:
    """A file the person wrote, as text: size-limited, UTF-8, each failure located."""
    display = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(
            f"file not found: {display}",
            location=Location(display),
            hint="check the path, or create one with `cvpress new`",
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read {display}: {exc.strerror}", location=Location(display)
        ) from None
    if path.is_dir():
        raise InputError(
            f"{display} is a directory, expected {expected}", location=Location(display)
        )
    # Read at most one byte past the limit: a device or pipe (/dev/zero, a
    # FIFO) reports size 0 and would otherwise be read forever.
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(
            f"cannot read {display}: {exc.strerror}", location=Location(display)
        ) from None
    if max(size, len(raw)) > MAX_FILE_BYTES:
        raise InputError(
            f"file is {max(size, len(raw)):,} bytes, more than the limit of {MAX_FILE_BYTES:,}",
            location=Location(display),
            hint="a résumé data file is a few KiB; check that this is the right file",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            location=Location(display, line),
            hint="save the file as UTF-8",
        ) from None
    return text


def loads(text: str, display: str = "<string>", *, json_syntax: bool = False) -> Loaded:
    """Parse text (YAML, or JSON when ``json_syntax``) into data and positions."""
    if json_syntax:
        return _load_json(text, display)
    source = SourceMap(display)
    try:
        _check_depth(text, display)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, display, text) from None
    except yaml.YAMLError as exc:  # pragma: no cover - all parser errors are marked
        raise InputError(f"cannot parse YAML: {exc}", location=Location(display)) from None
    if node is None:
        return Loaded({}, source, Path(display))
    walker = _Walker(source, display)
    data = walker.build(node, ())
    return Loaded(data, source, Path(display))


def _check_depth(text: str, display: str) -> None:
    """Refuse deep nesting before composing: libyaml's composer recurses in C,
    and ``[`` repeated 100,000 times (100 KB, well under the size limit)
    overflows the stack and kills the process with a segmentation fault.
    The parser's event stream is flat, so counting depth on it is safe.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(
                    f"nesting deeper than {MAX_DEPTH} levels",
                    location=_mark(event.start_mark, display),
                    hint="the résumé format needs only a few levels of nesting",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _load_json(text: str, display: str) -> Loaded:
    """JSON through the json module (JSON's own rules and messages), then positions.

    Not through YAML: PyYAML is YAML 1.1 and refuses valid JSON (surrogate
    pairs such as ``\\ud83d\\ude00``, which ``json.dumps`` writes for emoji),
    and a resume.json from any tool must load unchanged.
    """
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}",
            location=Location(display, exc.lineno, exc.colno),
            hint="check for a missing comma, quote or bracket just before this point",
        ) from None
    except ValueError as exc:  # e.g. an integer beyond Python's 4,300-digit limit
        raise InputError(
            f"invalid JSON: {exc}", location=Location(display, 1, 1), hint="check the numbers"
        ) from None
    except RecursionError:
        raise InputError(
            f"nesting deeper than {MAX_DEPTH} levels",
            location=Location(display, 1, 1),
            hint="the résumé format needs only a few levels of nesting",
        ) from None
    source = SourceMap(display)
    data = _JsonWalker(text, source).document()
    return Loaded(data, source, Path(display))


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class _JsonWalker:
    """Re-reads valid JSON recording where each key and value starts; refuses duplicates."""

    def __init__(self, text: str, source: SourceMap) -> None:
        self.text = text
        self.source = source
        self.decoder = json.JSONDecoder()
        self.starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def where(self, index: int) -> Location:
        line = bisect.bisect_right(self.starts, index)
        return Location(self.source.file, line, index - self.starts[line - 1] + 1)

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
        return self.decoder.raw_decode(self.text, index)

    def mapping(self, index: int, path: PathKey, depth: int) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        index = self.skip(index)
        if self.text[index] == "}":
            return out, index + 1
        while True:
            index = self.skip(index)
            where = self.where(index)
            key, index = json.decoder.scanstring(self.text, index + 1)  # type: ignore[attr-defined]
            if key in out:
                raise _duplicate_key(
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


def _mark(mark: Any, display: str) -> Location:
    return Location(display, mark.line + 1, mark.column + 1)


def _duplicate_key(
    source: SourceMap, path: PathKey, key: str, where: Location, hint: str
) -> InputError:
    """A key given twice in one mapping, pointing back at its first occurrence."""
    first = source.keys.get((*path, key))
    seen = f" (first at line {first.line})" if first else ""
    return InputError(
        f"duplicate key {key!r}{seen}",
        location=where,
        field_path=format_path((*path, key)),
        hint=hint,
    )


def _yaml_error(exc: yaml.MarkedYAMLError, display: str, text: str) -> InputError:
    """PyYAML's parser message rewritten as the mistake a person actually made.

    The parser reports where it gave up, which is often the line *after* the
    mistake (a missing dash is noticed at the end of the file); so each known
    case also picks the mark that points at the offending line.
    """
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    if "maximum nesting depth" in problem:  # PyYAML >= 6.0.4 has a depth limit of its own
        return InputError(
            f"nesting deeper than {MAX_DEPTH} levels",
            location=_mark(mark, display) if mark is not None else Location(display, 1, 1),
            hint="the résumé format needs only a few levels of nesting",
        )
    message, hint = (
        f"invalid YAML: {problem}",
        "check the indentation and quoting on this line and the one before",
    )
    line_text = _line_at(lines, mark.line) if mark is not None else ""
    before_mark = line_text[: mark.column] if mark is not None else ""
    if mark is not None and re.search(r"""(?::\s+|^\s*-\s+)(?:"[^"]*"|'[^']*')\s*$""", before_mark):
        message = "the text goes on after its closing quote"
        hint = (
            "quote the whole text with the other kind of quote ('He said \"hi\"'), "
            'or escape inner double quotes as \\"'
        )
    elif "scanning an alias" in context and line_text.lstrip().startswith("*"):
        message = "'*' does not start a list item in YAML (it starts an alias)"
        hint = f"write '- {line_text.lstrip()[1:].strip()}'"
    elif "cannot start any token" in problem and mark is not None:
        char = line_text[mark.column : mark.column + 1] or "this character"
        message = f"{char!r} cannot start a value in YAML"
        key, sep, value = line_text.strip().partition(": ")
        value = _without_comment(value)
        hint = f'put the text in quotes: {key}: "{value}"' if sep else "put the text in quotes"
    elif "tab character" in problem or "found character '\\t'" in problem:
        message = "a tab is used for indentation; YAML allows only spaces"
        hint = "replace the tab at the start of this line with spaces"
    elif "could not find expected ':'" in problem and exc.context_mark is not None:
        mark = exc.context_mark
        line = _line_at(lines, mark.line)
        message = "this line is neither a 'key: value' pair nor a list item"
        previous = _previous_line(lines, mark.line)
        if previous.lstrip().startswith("- "):
            hint = f"a list item needs a dash: write '- {line.strip()}'"
        else:
            hint = "add ': ' after the key, or start a list item with '- '"
    elif "mapping values are not allowed" in problem and mark is not None:
        line = _line_at(lines, mark.line)
        before = line[: mark.column]
        if re.match(r"\s*(?:-\s+)?[^\s:#'\"][^:]*:\s", before):
            key, _, value = line.strip().removeprefix("- ").partition(": ")
            dash = "- " if line.strip().startswith("- ") else ""
            message = "a second ': ' on this line makes the text look like a new key"
            hint = f'put the whole text in quotes: {dash}{key}: "{_without_comment(value)}"'
        else:
            indent = len(_previous_line(lines, mark.line)) - len(
                _previous_line(lines, mark.line).lstrip()
            )
            message = (
                "this line is indented more than the line above, so it reads as part of that value"
            )
            hint = (
                f"indent it like the key above it ({indent} spaces), "
                "or put text with ': ' in quotes"
            )
            mark = _line_start(mark, lines)
    elif "expected '-' indicator" in problem or ("expected <block end>" in problem):
        message = "this line's indentation does not match the lines around it"
        if mark is not None:
            column = _expected_column(lines, mark.line)
            hint = (
                f"start it in column {column}, like the line above: the keys of one mapping "
                "and the items of one list must line up"
            )
            mark = _line_start(mark, lines)
    elif "end of stream" in problem and "quoted scalar" in context and exc.context_mark is not None:
        mark = exc.context_mark
        message = "a quote opened here is never closed"
        hint = "add the closing quote at the end of the text"
    elif "found undefined alias" in problem:
        hint = "an alias (*name) needs an anchor (&name) defined before it"
    elif "unknown escape character" in problem:
        message = "invalid YAML: a backslash in double quotes starts an escape sequence"
        hint = "use single quotes around this text, or write \\\\ for a backslash"
    elif context and context not in problem:
        message += f" ({context})"
    where = _mark(mark, display) if mark is not None else Location(display)
    return InputError(message, location=where, hint=hint)


def _without_comment(value: str) -> str:
    """The value part of a line, without a trailing ``# comment``."""
    return re.split(r"\s+#", value, maxsplit=1)[0].strip()


def _line_at(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


def _previous_line(lines: list[str], index: int) -> str:
    """The nearest non-blank, non-comment line above ``index`` (0-based)."""
    for i in range(min(index, len(lines)) - 1, -1, -1):
        if lines[i].strip() and not lines[i].lstrip().startswith("#"):
            return lines[i]
    return ""


def _expected_column(lines: list[str], index: int) -> int:
    """Where the line at ``index`` should start (1-based), judged from the line above."""
    here = _line_at(lines, index).lstrip()
    above = _previous_line(lines, index)
    indent = len(above) - len(above.lstrip())
    if above.lstrip().startswith("- ") and not here.startswith("- "):
        return indent + 3  # a key under a list item lines up after its dash
    return indent + 1


def _line_start(mark: Any, lines: list[str]) -> Any:
    """The first non-blank column of the mark's line: where an indentation fix goes."""
    line = _line_at(lines, mark.line)
    return _Pos(mark.line, len(line) - len(line.lstrip()))


@dataclass(frozen=True, slots=True)
class _Pos:
    line: int
    column: int


class _Walker:
    """Builds plain data from a YAML node graph, with the checks PyYAML lacks."""

    def __init__(self, source: SourceMap, display: str) -> None:
        self.source = source
        self.display = display
        self.count = 0

    def build(self, node: yaml.Node, path: PathKey, depth: int = 0) -> Any:
        if not path:
            self._expanded_size(node, {}, set(), 0)
        self.count += 1
        if self.count > MAX_NODES:
            raise InputError(
                f"the document expands to more than {MAX_NODES:,} values",
                location=_mark(node.start_mark, self.display),
                hint=(
                    "this looks like an alias bomb (anchors that expand each other); "
                    "write the values out"
                ),
            )
        if depth > MAX_DEPTH:
            raise InputError(
                f"nesting deeper than {MAX_DEPTH} levels",
                location=_mark(node.start_mark, self.display),
                hint="the résumé format needs only a few levels of nesting",
            )
        self.source.values.setdefault(path, _mark(node.start_mark, self.display))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _expanded_size(
        self, node: yaml.Node, sizes: dict[int, int], active: set[int], depth: int
    ) -> int:
        """Values ``node`` expands to, counted on the graph (each node once, memoized).

        Refuses an alias bomb before building anything (a billion-laughs
        document is refused in about a millisecond instead of after expanding
        100,000 values), and a node that contains itself, which would
        otherwise recurse without end (``a: &a {<<: *a}``).
        """
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active or depth > MAX_DEPTH:
            raise InputError(
                "an alias refers to a node that contains it"
                if key in active
                else f"nesting deeper than {MAX_DEPTH} levels",
                location=_mark(node.start_mark, self.display),
                hint="the résumé format needs only a few levels of nesting; write the values out",
            )
        total = 1
        if isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            active.add(key)
            children: list[yaml.Node] = (
                [n for pair in node.value for n in pair]
                if isinstance(node, yaml.MappingNode)
                else list(node.value)
            )
            for child in children:
                total += self._expanded_size(child, sizes, active, depth + 1)
                if total > MAX_NODES:
                    raise InputError(
                        f"the document expands to more than {MAX_NODES:,} values",
                        location=_mark(node.start_mark, self.display),
                        hint=(
                            "this looks like an alias bomb (anchors that expand each other); "
                            "write the values out"
                        ),
                    )
            active.discard(key)
        sizes[key] = total
        return total

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in self._pairs(node):
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(
                    "a key must be a plain name, not a list or mapping",
                    location=_mark(key_node.start_mark, self.display),
                    field_path=format_path(path),
                    hint="check the indentation of this line",
                )
            key = self._scalar(key_node)
            key = "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
            where = _mark(key_node.start_mark, self.display)
            if key in out:
                raise _duplicate_key(
                    self.source,
                    path,
                    key,
                    where,
                    "YAML keeps only the last of two equal keys, so one would be lost; "
                    "remove or merge one",
                )
            self.source.keys[(*path, key)] = where
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out

    def _pairs(self, node: yaml.MappingNode) -> Iterator[tuple[yaml.Node, yaml.Node]]:
        """Mapping pairs with YAML merge keys (``<<: *base``) spliced in."""
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for source in merged:
                    if isinstance(source, yaml.MappingNode):
                        yield from self._pairs(source)
                continue
            yield key_node, value_node

    def _scalar(self, node: yaml.Node) -> Any:
        tag = node.tag
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
            return node.value  # dates stay as written: the model parses them
        if tag in (
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:null",
        ):
            try:
                return _constructor.construct_object(node, deep=True)
            except ValueError:  # an integer beyond Python's 4,300-digit conversion limit
                return node.value  # kept as written: the model says what it expected
        raise InputError(
            f"unsupported YAML tag {tag}",
            location=_mark(node.start_mark, self.display),
            hint="résumé data needs no tags: remove the '!' part",
        )
