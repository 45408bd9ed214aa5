"""Read a data or variants file into plain Python data plus a source map.

The source map is what lets every later error say ``file:line:column``: the
model stage only sees plain data, so positions must be captured here, while
the YAML nodes still know where they came from.

PyYAML's constructors silently keep the last of two duplicate keys and expand
aliases without bound, and its YAML 1.1 resolver rewrites what people type:
``01234567`` becomes the octal 342391, ``3.50`` the float 3.5, ``1:30`` the
sexagesimal 90, ``yes``/``no``/``on``/``off`` booleans and ``2024-09-15`` a date.
So plain scalars resolve as text (only ``null``/``~``/empty and the merge key
``<<`` keep their meaning), the node graph is walked by a small walker that
refuses duplicates, unknown tags and alias bombs, and the model converts text
to a number or a yes/no only where a field asks for one. JSON keeps its own
types; a JSON number is a number that prints as written (``3.50`` stays
``3.50`` in a text field, and is written back as the number 3.5).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from ..errors import InputError, Location
from .files import MAX_FILE_BYTES, read_regular

#: Most values (after alias expansion) one document may hold: refuses alias bombs.
MAX_NODES = 100_000
#: Deepest nesting accepted; JSON Resume needs 4 levels.
MAX_DEPTH = 32

PathKey = tuple[str | int, ...]

_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SET = "tag:yaml.org,2002:set"
_Base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader whose only implicit types are null and the merge key."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}


for _first, _resolvers in _Base.yaml_implicit_resolvers.items():
    for _tag, _regexp in _resolvers:
        if _tag in (_NULL, _MERGE):
            _Loader.add_implicit_resolver(_tag, _regexp, [_first])


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Field path -> where its key and its value stand in the file."""

    file: str
    keys: dict[PathKey, Location] = field(default_factory=dict)
    values: dict[PathKey, Location] = field(default_factory=dict)
    #: Whether error messages may quote this file's lines (see :func:`load`).
    quote: bool = False

    def at(self, line: int | None = None, column: int | None = None) -> Location:
        """A position in this file, quotable as the file is."""
        return Location(self.file, line, column, quote=self.quote)

    def mark(self, mark: Any) -> Location:
        """A PyYAML mark (0-based) as a position in this file."""
        return self.at(mark.line + 1, mark.column + 1)

    def locate(self, path: PathKey, *, key: bool = False) -> Location:
        """The best position for ``path``: itself, else its nearest ancestor."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            hit = table.get(probe) or self.values.get(probe)
            if hit is not None:
                return hit
            probe = probe[:-1]
        return self.values.get((), self.at(1, 1))


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


def load(path: Path | str, *, inside: Path | None = None) -> Loaded:
    """Load ``.yaml``/``.yml``/``.json`` into plain data with positions.

    Only a regular file is read, and at most one byte past the size limit.
    Its lines may be quoted under errors only if it really lies where it was
    named: inside the folder of the path as given (a symlink out of ``data/``
    to ``/etc/passwd`` is not quoted) and inside ``inside`` when given (the
    variants file's folder, for a ``data:`` it names).
    """
    path = Path(path)
    quote = quotable(path, inside)
    text = read_text(path, quote=quote)
    return loads(text, str(path), json_syntax=path.suffix.lower() == ".json", quote=quote)


def read_text(path: Path, expected: str = "a .yaml or .json file", *, quote: bool = False) -> str:
    """A file the person wrote, as text: a regular file, size-limited, UTF-8, each failure
    located (its line quoted under the error only when ``quote``)."""
    display = str(path)
    raw = read_regular(path, MAX_FILE_BYTES, display=display, what=expected)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            location=Location(display, line, quote=quote),
            hint="save the file as UTF-8",
        ) from None
    return text


def quotable(path: Path, inside: Path | None = None) -> bool:
    """Whether ``path`` resolves inside its own folder (and inside ``inside``)."""
    real = path.resolve()
    roots = [path.absolute().parent.resolve(), *([inside.resolve()] if inside else [])]
    return all(real.is_relative_to(root) for root in roots)


def loads(
    text: str, display: str = "<string>", *, json_syntax: bool = False, quote: bool = True
) -> Loaded:
    """Parse text (YAML, or JSON when ``json_syntax``) into data and positions."""
    source = SourceMap(display, quote=quote)
    if json_syntax:
        from .json_reader import load_json

        return load_json(text, source)
    try:
        _check_depth(text, source)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError as exc:
        from .yaml_errors import reader_error

        raise reader_error(exc, text, source) from None
    except yaml.MarkedYAMLError as exc:
        from .yaml_errors import yaml_error

        raise yaml_error(exc, source, text) from None
    except yaml.YAMLError as exc:  # pragma: no cover - all parser errors are marked
        raise InputError(f"cannot parse YAML: {exc}", location=source.at()) from None
    if node is None:
        return Loaded({}, source, Path(display))
    walker = _Walker(source)
    data = walker.build(node, ())
    return Loaded(data, source, Path(display))


def _check_depth(text: str, source: SourceMap) -> None:
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
                    location=source.mark(event.start_mark),
                    hint="the résumé format needs only a few levels of nesting",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def check_characters(text: str, where: Location, path: PathKey) -> str:
    """Refuse half a surrogate pair (``"\\ud800"``): it is not a character, and no
    file format (UTF-8, PDF text, DOCX) can hold it."""
    bad = _SURROGATE.search(text)
    if bad:
        raise InputError(
            f"'\\u{ord(bad.group()):04x}' is half of a UTF-16 surrogate pair without its "
            "other half, so it is not a character",
            location=where,
            field_path=format_path(path),
            hint="write the character itself, or both halves of the pair (\\ud83d\\ude00 is 😀)",
        )
    return text


def duplicate_key(
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


class _Walker:
    """Builds plain data from a YAML node graph, with the checks PyYAML lacks."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.count = 0

    def build(self, node: yaml.Node, path: PathKey, depth: int = 0) -> Any:
        if not path:
            self._expanded_size(node, {}, set(), 0)
        self.count += 1
        if self.count > MAX_NODES:
            raise self._too_many(node)
        if depth > MAX_DEPTH:
            raise InputError(
                f"nesting deeper than {MAX_DEPTH} levels",
                location=self.source.mark(node.start_mark),
                hint="the résumé format needs only a few levels of nesting",
            )
        self.source.values.setdefault(path, self.source.mark(node.start_mark))
        if isinstance(node, yaml.MappingNode):
            self._check_tag(node, _MAP, path)
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, _SEQ, path)
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _too_many(self, node: yaml.Node) -> InputError:
        """The refusal of a document that expands to more than :data:`MAX_NODES` values."""
        return InputError(
            f"the document expands to more than {MAX_NODES:,} values",
            location=self.source.mark(node.start_mark),
            hint="this looks like an alias bomb (anchors that expand each other); "
            "write the values out",
        )

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
                location=self.source.mark(node.start_mark),
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
                    raise self._too_many(node)
            active.discard(key)
        sizes[key] = total
        return total

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node, merged in self._pairs(node, path):
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(
                    "a key must be a plain name, not a list or mapping",
                    location=self.source.mark(key_node.start_mark),
                    field_path=format_path(path),
                    hint="check the indentation of this line",
                )
            raw_key = self._scalar(key_node, path)
            key = "null" if raw_key is None else str(raw_key)
            where = self.source.mark(key_node.start_mark)
            if key in out:
                if merged:
                    continue  # the spec: a key of the mapping itself overrides a merged one
                raise duplicate_key(
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

    def _pairs(
        self, node: yaml.MappingNode, path: PathKey
    ) -> Iterator[tuple[yaml.Node, yaml.Node, bool]]:
        """The mapping's own pairs, then those its merge keys (``<<: *base``) bring in.

        As the YAML merge key spec says: the mapping's own keys override
        merged ones, and of several merged mappings (``<<: [*a, *b]``) the
        first that has a key gives it. A merge key whose value is not a
        mapping, or a list of mappings, is refused rather than ignored.
        """
        sources: list[yaml.MappingNode] = []
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE:
                yield key_node, value_node, False
                continue
            items = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for item in items:
                if not isinstance(item, yaml.MappingNode) or item.tag != _MAP:
                    raise InputError(
                        "a merge key '<<' must be followed by an alias of a mapping "
                        "(<<: *base) or a list of them (<<: [*a, *b])",
                        location=self.source.mark(key_node.start_mark),
                        field_path=format_path(path),
                        hint="define the mapping with an anchor (base: &base {...}) and "
                        "merge it with '<<: *base'; or, for a key named '<<', quote it: '\"<<\"'",
                    )
                sources.append(item)
        for source in sources:
            for key_node, value_node, _ in self._pairs(source, path):
                yield key_node, value_node, True

    def _check_tag(self, node: yaml.Node, expected: str, path: PathKey) -> None:
        """A collection keeps its plain meaning or is refused, naming the tag."""
        if node.tag == expected:
            return
        shown = _short_tag(node.tag)
        hint = "résumé data needs no tags: remove the '!' part"
        if node.tag == _SET:
            hint = "write the items as a list, one '- item' a line (or [a, b] on one line)"
        raise InputError(
            f"unsupported YAML tag {shown}",
            location=self.source.mark(node.start_mark),
            field_path=format_path(path),
            hint=hint,
        )

    def _scalar(self, node: yaml.Node, path: PathKey) -> str | None:
        """Text exactly as written; ``null``, ``~`` and nothing are absent values."""
        if node.tag == _NULL:
            return None
        if node.tag != _STR:
            raise InputError(
                f"unsupported YAML tag {_short_tag(node.tag)}",
                location=self.source.mark(node.start_mark),
                field_path=format_path(path),
                hint="résumé data needs no tags: remove the '!' part (values are read as "
                "written, and numbers, yes/no and dates are converted where a field needs them)",
            )
        return check_characters(str(node.value), self.source.mark(node.start_mark), path)


def _short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:set`` as it is written: ``!!set``."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag
