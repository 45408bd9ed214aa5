"""Printing problems: ``file:line:column: field.path: message``, the line with a caret, a hint.

The one place errors and warnings are formatted, for every command (build,
release, changelog, gallery...), below the command line: the stages raise
:class:`~cvpress.errors.CvpressError` with their data and never print.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .errors import CvpressError, Problem
    from .pipeline.targets import Outcome


class Progress:
    """Prints each variant's outcome as it finishes: one line, then its problems.

    Variants that share a data file share its warnings and errors, which are
    printed once per command (kept as objects, compared by identity; a long
    ``watch`` session keeps only the last thousand). A plain class: this
    module is on the path of ``cvpress --help``, which ``dataclasses`` (and
    the ``inspect`` it imports) would make slower.
    """

    __slots__ = ("shown", "stream")

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown: list[object] = []

    def __call__(self, outcome: Outcome, prefix: str = "") -> None:
        stream = self.stream
        del self.shown[:-1000]
        if outcome.status == "failed" and outcome.error is not None:
            print(f"{prefix}{paint('FAILED', 'red', stream)} {outcome.name}", file=stream)
        else:
            pages = outcome.pages
            detail = f"{pages} page{'s' if pages != 1 else ''}, " if pages else ""
            status = "built" if outcome.status == "built" else "unchanged"
            written = ", ".join(str(p) for p in outcome.outputs.values()) or outcome.pdf
            print(
                f"{prefix}{paint(status, 'green', stream)} {outcome.name}: {written} "
                f"({detail}{outcome.seconds:.2f} s)",
                file=stream,
            )
            if outcome.fitted:
                print(f"{prefix}  {outcome.fitted}", file=stream)
        if outcome.private is not None and not self._seen(outcome.private):
            # One document's path object, shared by the variants that read it.
            print(
                f"{prefix}  merged private details from {outcome.private} "
                "(local builds only: a release leaves them out unless --private)",
                file=stream,
            )
        for warning in outcome.warnings:
            if not self._seen(warning):
                print_problem(warning, stream)
        if outcome.status == "failed" and outcome.error is not None:
            if self._seen(outcome.error):
                print("  (the same problems as above)", file=stream)
            else:
                print_error(outcome.error, stream)

    def _seen(self, item: object) -> bool:
        """Whether ``item`` was printed already; remembers it if not."""
        if any(item is shown for shown in self.shown):
            return True
        self.shown.append(item)
        return False


def _use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


_COLORS = {"red": "31", "yellow": "33", "green": "32", "bold": "1", "dim": "2", "cyan": "36"}


def paint(text: str, color: str, stream: TextIO) -> str:
    """``text`` in ``color`` when ``stream`` is a terminal (and NO_COLOR is not set)."""
    if not _use_color(stream):
        return text
    return f"\033[{_COLORS[color]}m{text}\033[0m"


def print_error(exc: CvpressError, stream: TextIO) -> None:
    """Every problem an error carries, one block each."""
    for problem in exc.problems:
        print_problem(problem, stream)


def print_problem(problem: Problem, stream: TextIO) -> None:
    """``file:line:col: field.path: message``, the source line with a caret, ``hint:``.

    Errors carry no label (the format editors and CI annotators parse);
    warnings say ``warning:`` before the message.
    """
    head = []
    if problem.location is not None:
        head.append(str(problem.location))
    if problem.field_path:
        head.append(problem.field_path)
    warning = problem.severity == "warning"
    color = "yellow" if warning else "red"
    prefix = ": ".join(head)
    line = f"{paint(prefix + ':', 'bold', stream)} " if prefix else ""
    label = f"{paint('warning:', color, stream)} " if warning else ""
    message = problem.message if warning else paint(problem.message, color, stream)
    print(f"{line}{label}{message}", file=stream)
    loc = problem.location
    if loc is not None and loc.line is not None and loc.quote:
        source = _source_line(loc.file, loc.line)
        if source is not None:
            shown, column = _window(source.expandtabs(1), loc.column)
            print(f"  {loc.line:>4} | {shown}", file=stream)
            if column is not None:
                print(f"       | {' ' * (column - 1)}{paint('^', color, stream)}", file=stream)
    if problem.hint:
        print(f"  {paint('hint:', 'cyan', stream)} {problem.hint}", file=stream)


#: Widest source line quoted under an error; longer ones (minified JSON) are cut around the column.
_QUOTE_WIDTH = 90


def _window(line: str, column: int | None) -> tuple[str, int | None]:
    """The part of ``line`` around ``column`` (1-based) that fits, and the column within it."""
    if len(line) <= _QUOTE_WIDTH:
        return line, column
    at = (column or 1) - 1
    start = max(0, min(at - _QUOTE_WIDTH // 2, len(line) - _QUOTE_WIDTH))
    piece = line[start : start + _QUOTE_WIDTH]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + _QUOTE_WIDTH < len(line) else ""
    return prefix + piece + suffix, None if column is None else at - start + 1 + len(prefix)


def _source_line(file: str, line: int) -> str | None:
    """Line ``line`` of ``file`` (a regular file within the size limit), controls made visible."""
    from pathlib import Path

    from .data.files import MAX_FILE_BYTES, read_regular
    from .errors import InputError

    try:
        lines = read_regular(Path(file), MAX_FILE_BYTES).decode("utf-8", "replace").splitlines()
    except (OSError, InputError):
        return None
    if not 0 < line <= len(lines):
        return None
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", lines[line - 1])


#: Characters that would act on the terminal instead of showing (escape sequences, NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
