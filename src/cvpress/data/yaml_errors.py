"""PyYAML's error text rewritten as the mistake a person made, at the line they made it.

:func:`cvpress.data.load.loads` hands its parse errors here; a missing dash,
an unquoted colon or a tab becomes a message and a hint at the offending line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import InputError
from .load import MAX_DEPTH, SourceMap


def reader_error(exc: yaml.reader.ReaderError, text: str, source: SourceMap) -> InputError:
    """A character YAML does not allow (NUL, other controls), at its line and column."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return InputError(
        f"the file contains the control character U+{code:04X}, which YAML does not allow",
        location=source.at(line, column),
        hint="delete the invisible character (often pasted from a PDF or a word processor)",
    )


def yaml_error(exc: yaml.MarkedYAMLError, source: SourceMap, text: str) -> InputError:
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
            location=source.mark(mark) if mark is not None else source.at(1, 1),
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
    where = source.mark(mark) if mark is not None else source.at()
    if not source.quote:
        # The hints above quote the line; this file's lines are not to be shown.
        hint = "the file is not shown because it lies outside the project: is it the right file?"
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
