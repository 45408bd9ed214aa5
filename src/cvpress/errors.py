"""One error hierarchy for every stage.

Stages raise; only :mod:`cvpress.report` formats. Every error can carry where it happened (a
source location and a field path) and a one-line hint, because a message that
does not say where and how to fix is a message the user has to debug.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Location:
    """A 1-based position in a source file.

    ``quote`` says whether the error printer may show the file's line: only
    for files the user named inside the project (a data file that is a
    symlink to ``/etc/passwd``, or a ``data:`` pointing at a credentials
    file, must not have its lines printed), so it is off unless the place that
    read the file says so.
    """

    file: str
    line: int | None = None
    column: int | None = None
    quote: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(slots=True)
class Problem:
    """One thing wrong with the input: several may be reported at once."""

    message: str
    location: Location | None = None
    field_path: str | None = None
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    def sort_key(self) -> tuple[str, int, int]:
        loc = self.location
        if loc is None:
            return ("", 0, 0)
        return (loc.file, loc.line or 0, loc.column or 0)


class CvpressError(Exception):
    """Base of every error the user may see; ``exit_code`` says which kind."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        field_path: str | None = None,
        hint: str | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = problems or [
            Problem(message, location=location, field_path=field_path, hint=hint)
        ]

    @property
    def location(self) -> Location | None:
        return self.problems[0].location

    @property
    def field_path(self) -> str | None:
        return self.problems[0].field_path

    @property
    def hint(self) -> str | None:
        return self.problems[0].hint


class InputError(CvpressError):
    """Bad data, bad variants file or bad usage: exit code 2."""

    exit_code = 2


class BuildError(CvpressError):
    """The input was fine but the build failed (TeX, page limit, check): exit 1."""

    exit_code = 1


class EngineError(BuildError):
    """The TeX engine failed, is missing, crashed or timed out."""


class EngineTimeout(EngineError):
    """A run did not finish within its timeout; its whole process group was killed.

    Kept apart from other engine errors because retrying (without a format,
    say) would only wait as long again.
    """

    def __init__(self, engine: str, seconds: float) -> None:
        super().__init__(
            f"{engine} did not finish within {seconds:g} s and was stopped",
            hint="the document may loop forever; check recent template changes",
        )
        self.engine = engine
        self.seconds = seconds


class TexError(EngineError):
    """TeX stopped on an error in the document (or left no PDF).

    Carries what tracing the error back to a data field or template line
    needs: TeX's own message, the line of the generated ``.tex`` it names,
    the whole log and the ``.tex`` itself.
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str,
        tex_message: str,
        line: int | None,
        log: str,
        tex: str,
    ) -> None:
        super().__init__(message, hint=hint)
        self.tex_message = tex_message
        self.line = line
        self.log = log
        self.tex = tex


class CheckError(BuildError):
    """The PDF was produced but does not pass the checks (pages, text)."""


class PublishError(BuildError):
    """The output could not be written (read-only directory, full disk)."""


@dataclass(slots=True)
class Warnings:
    """Collects non-fatal problems (unknown keys, overfull boxes) for the CLI."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        problem.severity = "warning"
        self.items.append(problem)
