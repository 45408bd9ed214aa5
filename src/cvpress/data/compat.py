"""The compatibility policy: what happens to a document JSON Resume allows but cvpress doubts.

One rule (docs/compatibility.md): a document valid against the official JSON
Resume v1.0.0 schema builds, and prints what it holds; whatever cvpress would
rather see written differently becomes a **warning** at the value's
file:line, with the fix. Two exceptions, both stated here:

* a key close to a known one ("did you mean 'highlights'?") is an **error**
  in the project's own data (built through a variants file, or ``cvpress
  validate`` of it), where it catches a typo as it is typed, and a warning in
  a document given with ``--data`` (other people's files carry such keys on
  purpose);
* ``--strict`` turns every warning of this module into an error, for any
  document.

Bidirectional controls are refused everywhere (:mod:`cvpress.model`): they can
make text read differently from what it holds.

What is a warning here, and what the build does with the value:

* a date the schema's pattern accepts but the calendar does not
  (``2024-09-31``, ``2024-13``) falls back to its valid part (``2024-09``,
  ``2024``) before the model reads it (:func:`repair`);
* a URL that is not a web address is printed as written; a scheme-less host
  name is linked as ``https://`` + the value, ``http``/``https``/``mailto``/
  ``tel`` are linked, any other scheme is not (:mod:`cvpress.data.urls`);
* an e-mail address that is not ``name@host`` is printed, not linked;
* an entry that ends before it starts prints both dates as written;
* a document without ``basics.name`` prints without a name heading.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import Problem
from . import urls
from .load import Loaded, PathKey, SourceMap, format_path

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Policy:
    """How severe each kind of finding is for one document."""

    #: A key close to a known one (a likely typo), or another format's section name.
    typos: Severity
    #: Everything :func:`lint` and :func:`repair` find.
    doubts: Severity

    @classmethod
    def for_input(cls, *, own_data: bool, strict: bool = False) -> Policy:
        """The project's own data (``own_data``) or a document given with ``--data``."""
        if strict:
            return cls(typos="error", doubts="error")
        return cls(typos="error" if own_data else "warning", doubts="warning")


#: The project's own data without --strict (what validation did before policies existed).
PROJECT = Policy.for_input(own_data=True)
#: A document given with --data.
DOCUMENT = Policy.for_input(own_data=False)

#: Keys holding ISO 8601 dates, in every spelling the model reads (legacy ones too).
_DATE_KEYS = frozenset(
    {
        "startDate",
        "endDate",
        "date",
        "releaseDate",
        "awardDate",
        "start_date",
        "end_date",
        "release_date",
        "award_date",
    }
)
#: JSON Resume's ``iso8601`` pattern, verbatim.
_SCHEMA_DATE = re.compile(
    r"^([1-2][0-9]{3}-[0-1][0-9]-[0-3][0-9]|[1-2][0-9]{3}-[0-1][0-9]|[1-2][0-9]{3})$"
)
#: Parts of the data that are free-form and never read as résumé fields.
_FREE = frozenset({"meta", "$schema"})


def repair(loaded: Loaded, policy: Policy) -> tuple[Loaded, list[Problem]]:
    """Dates the schema accepts but the calendar lacks, cut to their valid part.

    Returns the data to validate (a copy where anything changed) and one
    finding per change, at the value's line.
    """
    findings: list[Problem] = []

    def walk(value: Any, path: PathKey) -> Any:
        if isinstance(value, dict):
            return {
                k: v if (not path and k in _FREE) else walk(v, (*path, k)) for k, v in value.items()
            }
        if isinstance(value, list):
            return [walk(v, (*path, i)) for i, v in enumerate(value)]
        if path and path[-1] in _DATE_KEYS and isinstance(value, str):
            fixed = _valid_part(value.strip())
            if fixed is not None and fixed != value.strip():
                said = f": printed as {fixed!r}" if policy.doubts == "warning" else ""
                findings.append(
                    Problem(
                        f"{value.strip()!r} is not a calendar date{said}",
                        location=loaded.source.locate(path),
                        field_path=format_path(path),
                        hint=f'write the real date, or "{fixed}"',
                        severity=policy.doubts,
                    )
                )
                return fixed
        return value

    data = walk(loaded.data, ())
    if not findings:
        return loaded, []
    return Loaded(data, loaded.source, loaded.path), findings


def _valid_part(text: str) -> str | None:
    """``2024-09-31`` -> ``2024-09``, ``2024-13`` -> ``2024``; None if not the schema's pattern."""
    if not _SCHEMA_DATE.match(text):
        return None
    parts = text.split("-")
    year = int(parts[0])
    if len(parts) >= 2 and not 1 <= int(parts[1]) <= 12:
        return parts[0]
    if len(parts) == 3 and not 1 <= int(parts[2]) <= calendar.monthrange(year, int(parts[1]))[1]:
        return "-".join(parts[:2])
    return text


def lint(resume: Any, source: SourceMap, policy: Policy) -> list[Problem]:
    """Findings on a validated résumé: each prints, as written, with a warning."""
    from .fields import locate

    out: list[Problem] = []
    for path, message, outcome, hint in _doubts(resume):
        # What the build does with the value, said only when it does build.
        said = f"{message}: {outcome}" if policy.doubts == "warning" else message
        out.append(
            Problem(
                said,
                location=locate(source, path),
                field_path=format_path(path),
                hint=hint,
                severity=policy.doubts,
            )
        )
    return out


def _doubts(resume: Any) -> Iterator[tuple[PathKey, str, str, str]]:
    """(path, what is doubtful, what the build does with it, the fix)."""
    if not resume.basics.name:
        yield (
            ("basics",),
            "no basics.name",
            "the résumé prints without a name heading",
            "add basics.name",
        )
    email = resume.basics.email
    if email and not urls.is_email(email):
        yield (
            ("basics", "email"),
            f"{email!r} is not an e-mail address",
            "printed as written, not linked",
            "an address looks like name@example.com",
        )
    for path, value in _urls(resume, ()):
        found = urls.target(value)
        if found.kind == "schemeless":
            yield (
                path,
                f"{value!r} has no scheme",
                f"printed as written, linked as {found.href!r}",
                f"write the full address: {found.href}",
            )
        elif found.kind == "other_scheme":
            yield (
                path,
                f"{value!r} is not an http, https, mailto or tel address",
                "printed as written, not linked",
                "nothing to do if this is what you meant",
            )
        elif found.kind == "not_url":
            yield (
                path,
                f"{value!r} is not a web address",
                "printed as written, not linked",
                "write a full address starting with https://, e.g. https://example.com/ada",
            )
    for path, entry in _dated(resume, ()):
        start, end = entry.start_date, entry.end_date
        if start is not None and end is not None:
            precision = min(start.precision, end.precision)
            if end.key(precision) < start.key(precision):
                yield (
                    (*path, "endDate"),
                    f"endDate {end.iso} is before startDate {start.iso}",
                    "both printed as written",
                    "swap the two dates, or fix the year",
                )


def _urls(value: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name == "meta":
                continue
            child = getattr(value, name)
            if name == "url" and isinstance(child, str):
                yield (*path, "url"), child
            else:
                yield from _urls(child, (*path, _camel(name)))
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from _urls(item, (*path, i))


def _dated(value: Any, path: PathKey) -> Iterator[tuple[PathKey, Any]]:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        if "start_date" in type(value).model_fields:
            yield path, value
        for name in type(value).model_fields:
            child = getattr(value, name)
            if isinstance(child, tuple):
                for i, item in enumerate(child):
                    yield from _dated(item, (*path, _camel(name), i))
            elif isinstance(child, BaseModel):
                yield from _dated(child, (*path, _camel(name)))


def _camel(name: str) -> str:
    from pydantic.alias_generators import to_camel

    return to_camel(name)
