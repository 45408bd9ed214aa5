"""Résumé dates: ISO 8601 dates of year, month or day precision, and "present".

:class:`PartialDate` is what the models hold; ``Date`` and ``EndDate`` are
the field types that parse, serialize and describe them in the JSON Schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

__all__ = ["Date", "EndDate", "PartialDate", "parse_date"]


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """An ISO 8601 date of year, month or day precision, as résumés use them."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
            if self.day is not None:
                out += f"-{self.day:02d}"
        return out

    def key(self, precision: int) -> tuple[int, ...]:
        return (self.year, self.month or 0, self.day or 0)[:precision]

    @property
    def precision(self) -> int:
        return 1 if self.month is None else 2 if self.day is None else 3

    def __str__(self) -> str:
        return self.iso


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PRESENT = {"present", "now", "current", "ongoing", "today", ""}


def parse_date(value: Any) -> PartialDate:
    """Parse ``2024``, ``2024-09`` or ``2024-09-15`` (also a YAML int year)."""
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return PartialDate(value)
    text = value.strip() if isinstance(value, str) else None
    # A full timestamp ("2024-09-15T10:00:00Z") keeps its date part.
    if text and len(text) > 10 and text[10] in "T ":
        text = text[:10]
    match = _DATE.match(text) if text is not None else None
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        try:
            if month is not None and not 1 <= month <= 12:
                raise ValueError
            if day is not None:
                import datetime

                datetime.date(year, month or 1, day)
        except ValueError:
            raise PydanticCustomError(
                "date_value", "'{value}' is not a real date", {"value": value}
            ) from None
        return PartialDate(year, month, day)
    raise PydanticCustomError(
        "date_format",
        "'{value}' is not an ISO 8601 date",
        {"value": value},
    )


def _end_date(value: Any) -> PartialDate | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in _PRESENT):
        return None
    return parse_date(value)


_DATE_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
        # A bare year: a JSON number, and how a YAML editor reads `startDate: 2024`
        # (cvpress reads it as the text it is: parse_date takes both).
        {"type": "integer", "minimum": 1000, "maximum": 9999},
    ],
    "examples": ["2024", "2024-09", "2024-09-15"],
}

Date = Annotated[
    PartialDate,
    PlainValidator(parse_date),
    PlainSerializer(lambda d: d.iso, return_type=str),
    WithJsonSchema(_DATE_SCHEMA),
]
EndDate = Annotated[
    PartialDate | None,
    PlainValidator(_end_date),
    PlainSerializer(lambda d: d.iso if d else None, return_type=str | None),
    WithJsonSchema(
        {
            "anyOf": [_DATE_SCHEMA, {"type": "string", "enum": sorted(_PRESENT - {""})}],
            "examples": ["2024-09", "present"],
        }
    ),
]
