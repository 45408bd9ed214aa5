"""Pydantic models: JSON Resume v1.0.0 plus cvpress's extensions, and variants.

Field names are snake_case in Python and camelCase on the wire (JSON Resume's
spelling); both spellings are accepted on input. Models are frozen: later
stages derive new résumés (``select``) instead of editing the user's.

Why so many small string types: each says what a field may hold, so that a
control character, a newline in a one-line field or a 10 MB bullet is refused
here, with its location, instead of surfacing as a TeX error later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

#: Longest one-line field (names, titles, places), in characters.
MAX_LINE = 300
#: Longest free-text field (a summary, a bullet), in characters.
MAX_TEXT = 5_000
#: Longest URL accepted.
MAX_URL = 2_048
#: Most items in any list (bullets, entries, keywords).
MAX_ITEMS = 500

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_LINE_BREAK = re.compile(r"[\r\n]")


def _text(value: Any, *, one_line: bool, limit: int) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise PydanticCustomError(
            "text_type", "expected text, got {got}", {"got": _describe(value)}
        )
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        raise PydanticCustomError("text_type", "expected text, got {got}", {"got": _describe(value)})
    value = value.replace("\r\n", "\n").replace("\t", " ")
    bad = _CONTROL.search(value)
    if bad:
        raise PydanticCustomError(
            "control_character",
            "contains the control character U+{code:04X}, which cannot be printed",
            {"code": ord(bad.group())},
        )
    if one_line and _LINE_BREAK.search(value.strip()):
        raise PydanticCustomError(
            "one_line", "must be one line, but contains a line break", {}
        )
    if len(value) > limit:
        raise PydanticCustomError(
            "too_long",
            "is {length} characters long, more than the limit of {limit}",
            {"length": len(value), "limit": limit},
        )
    return value.strip()


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a yes/no value ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping (key: value pairs)"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _line(value: Any) -> str:
    return _text(value, one_line=True, limit=MAX_LINE)


def _long_text(value: Any) -> str:
    return _text(value, one_line=False, limit=MAX_TEXT)


Line = Annotated[str, PlainValidator(_line), WithJsonSchema({"type": "string", "maxLength": MAX_LINE})]
"""A one-line text field: a name, a title, a place."""

Text = Annotated[str, PlainValidator(_long_text), WithJsonSchema({"type": "string", "maxLength": MAX_TEXT})]
"""Free text; inline Markdown allowed (``**bold**``, ``*italic*``, links, ``code``)."""

_URL = re.compile(r"^(https?://[^\s/?#]+\.[^\s/?#]+[^\s]*|mailto:[^\s@]+@[^\s@]+|https?://localhost[^\s]*)$", re.I)


def _url(value: Any) -> str:
    text = _text(value, one_line=True, limit=MAX_URL)
    if not _URL.match(text):
        if re.match(r"^(www\.)?[\w-]+(\.[\w-]+)+(/\S*)?$", text):
            raise PydanticCustomError(
                "url_scheme",
                "'{url}' is not a full URL: it has no scheme",
                {"url": text, "fix": f"https://{text}"},
            )
        raise PydanticCustomError(
            "url", "'{url}' is not a valid http(s) URL", {"url": text}
        )
    return text


Url = Annotated[
    str,
    PlainValidator(_url),
    WithJsonSchema({"type": "string", "format": "uri", "examples": ["https://example.com"]}),
]

_EMAIL = re.compile(r"^[^\s@<>()\[\],;:\"\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def _email(value: Any) -> str:
    text = _line(value)
    if not _EMAIL.match(text):
        raise PydanticCustomError("email", "'{email}' is not a valid e-mail address", {"email": text})
    return text


Email = Annotated[
    str,
    PlainValidator(_email),
    WithJsonSchema({"type": "string", "format": "email", "examples": ["ada@example.com"]}),
]


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
_PRESENT = {"present", "now", "current", "ongoing", ""}


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
    "type": "string",
    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
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
    WithJsonSchema({**_DATE_SCHEMA, "description": "Leave out (or write 'present') for an ongoing entry."}),
]


def _tags(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    return value


Tag = Annotated[str, PlainValidator(_line), WithJsonSchema({"type": "string", "examples": ["ml-infra"]})]
Tags = Annotated[tuple[Tag, ...], BeforeValidator(_tags), Field(max_length=MAX_ITEMS)]


class Model(BaseModel):
    """Base of every data model: camelCase aliases, frozen, extra keys kept."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        extra="allow",
        coerce_numbers_to_str=True,
        json_schema_extra={"additionalProperties": True},
    )
    #: Keys accepted silently besides the fields (``$schema`` and the like).
    free_keys: ClassVar[frozenset[str]] = frozenset()


class Tagged(Model):
    tags: Tags = Field(default=(), description="Selection tags: variants include or exclude entries by tag.")


class Bullet(Tagged):
    """One highlight; written as plain text or as ``{text: ..., tags: [...]}``."""

    text: Text

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return {"text": str(value)}
        if isinstance(value, dict) and "text" not in value and len(value) == 1:
            (key, inner), = value.items()
            if isinstance(inner, str | int | float | type(None)) and key not in ("tags",):
                raise PydanticCustomError(
                    "colon_in_text",
                    "this bullet was read as a 'key: value' pair because it contains ': '",
                    {"text": f"{key}: {inner}"},
                )
        return value


Bullets = Annotated[tuple[Bullet, ...], Field(max_length=MAX_ITEMS)]
Keywords = Annotated[tuple[Line, ...], Field(max_length=MAX_ITEMS)]


class Dated(Tagged):
    """An entry with a start and an optional end (missing end = present)."""

    start_date: Date | None = None
    end_date: EndDate = None

    @model_validator(mode="after")
    def _end_after_start(self) -> Dated:
        start, end = self.start_date, self.end_date
        if start is not None and end is not None:
            precision = min(start.precision, end.precision)
            if end.key(precision) < start.key(precision):
                raise PydanticCustomError(
                    "end_before_start",
                    "endDate {end} is before startDate {start}",
                    {"end": end.iso, "start": start.iso, "field": "endDate"},
                )
        return self


class Location(Model):
    address: Text | None = None
    postal_code: Line | None = None
    city: Line | None = None
    country_code: Line | None = None
    region: Line | None = None


class Profile(Model):
    network: Line | None = None
    username: Line | None = None
    url: Url | None = None


class Basics(Model):
    name: Line = Field(description="Your name, as it heads the résumé.", examples=["Ada Lovelace"])
    label: Line | None = Field(None, description="A headline under the name.", examples=["Machine Learning Engineer"])
    image: Line | None = None
    email: Email | None = None
    phone: Line | None = None
    url: Url | None = None
    summary: Text | None = None
    location: Location | None = None
    profiles: Annotated[tuple[Profile, ...], Field(max_length=MAX_ITEMS)] = ()


class Work(Dated):
    name: Line | None = Field(None, description="Company or organisation.", examples=["Block Inc"])
    location: Line | None = None
    description: Text | None = None
    position: Line | None = Field(None, examples=["Machine Learning Engineer"])
    url: Url | None = None
    summary: Text | None = None
    highlights: Bullets = ()


class Volunteer(Dated):
    organization: Line | None = None
    location: Line | None = None
    position: Line | None = None
    url: Url | None = None
    summary: Text | None = None
    highlights: Bullets = ()


class Education(Dated):
    institution: Line | None = None
    location: Line | None = None
    url: Url | None = None
    area: Line | None = Field(None, examples=["Computer Science"])
    study_type: Line | None = Field(None, examples=["M.S."])
    score: Line | None = Field(None, examples=["GPA 3.97"])
    courses: Keywords = ()
    summary: Text | None = None
    highlights: Bullets = ()


class Award(Tagged):
    title: Line | None = None
    date: Date | None = None
    awarder: Line | None = None
    summary: Text | None = None


class Certificate(Tagged):
    name: Line | None = None
    date: Date | None = None
    url: Url | None = None
    issuer: Line | None = None


class Publication(Tagged):
    name: Line | None = None
    publisher: Line | None = None
    release_date: Date | None = None
    url: Url | None = None
    summary: Text | None = None


class Skill(Tagged):
    name: Line | None = None
    level: Line | None = None
    keywords: Keywords = ()


class Language(Tagged):
    language: Line | None = None
    fluency: Line | None = None


class Interest(Tagged):
    name: Line | None = None
    keywords: Keywords = ()


class Reference(Tagged):
    name: Line | None = None
    reference: Text | None = None


class Project(Dated):
    name: Line | None = None
    description: Text | None = None
    highlights: Bullets = ()
    keywords: Keywords = ()
    url: Url | None = None
    roles: Keywords = ()
    entity: Line | None = None
    type: Line | None = None


class CustomEntry(Dated):
    title: Line | None = None
    subtitle: Line | None = None
    location: Line | None = None
    url: Url | None = None
    summary: Text | None = None
    highlights: Bullets = ()


class CustomSection(Tagged):
    """A section JSON Resume lacks (talks, patents, open source)."""

    id: Line | None = Field(None, description="Name to use in a variant's `sections` list; default: the title, lower-case, dashed.")
    title: Line
    entries: Annotated[tuple[CustomEntry, ...], Field(max_length=MAX_ITEMS)] = ()

    @property
    def key(self) -> str:
        return self.id or re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


class Meta(Model):
    canonical: Line | None = None
    version: Line | None = None
    last_modified: Line | None = None


#: Section names in their default order, as variants list them.
SECTIONS: tuple[str, ...] = (
    "summary",
    "work",
    "volunteer",
    "education",
    "projects",
    "publications",
    "awards",
    "certificates",
    "skills",
    "languages",
    "interests",
    "references",
)


class Resume(Model):
    """A whole résumé: a JSON Resume v1.0.0 document plus cvpress extensions."""

    free_keys: ClassVar[frozenset[str]] = frozenset({"$schema"})

    basics: Basics
    work: Annotated[tuple[Work, ...], Field(max_length=MAX_ITEMS)] = ()
    volunteer: Annotated[tuple[Volunteer, ...], Field(max_length=MAX_ITEMS)] = ()
    education: Annotated[tuple[Education, ...], Field(max_length=MAX_ITEMS)] = ()
    awards: Annotated[tuple[Award, ...], Field(max_length=MAX_ITEMS)] = ()
    certificates: Annotated[tuple[Certificate, ...], Field(max_length=MAX_ITEMS)] = ()
    publications: Annotated[tuple[Publication, ...], Field(max_length=MAX_ITEMS)] = ()
    skills: Annotated[tuple[Skill, ...], Field(max_length=MAX_ITEMS)] = ()
    languages: Annotated[tuple[Language, ...], Field(max_length=MAX_ITEMS)] = ()
    interests: Annotated[tuple[Interest, ...], Field(max_length=MAX_ITEMS)] = ()
    references: Annotated[tuple[Reference, ...], Field(max_length=MAX_ITEMS)] = ()
    projects: Annotated[tuple[Project, ...], Field(max_length=MAX_ITEMS)] = ()
    custom: Annotated[tuple[CustomSection, ...], Field(max_length=MAX_ITEMS)] = ()
    meta: Annotated[dict[str, Any], Field(description="Free-form; kept as it is.")] = Field(default_factory=dict)


# --------------------------------------------------------------------------- variants

Paper = Literal["a4", "letter"]
EngineName = Literal["auto", "pdflatex", "xelatex", "lualatex", "latexmk", "tectonic"]
_HEX = re.compile(r"^#?[0-9A-Fa-f]{6}$")


def _accent(value: Any) -> str:
    text = _line(value)
    if not _HEX.match(text):
        raise PydanticCustomError(
            "accent", "'{value}' is not a colour: expected six hex digits", {"value": text}
        )
    return text.lstrip("#").upper()


Accent = Annotated[
    str, PlainValidator(_accent), WithJsonSchema({"type": "string", "pattern": "^#?[0-9A-Fa-f]{6}$", "examples": ["#1F5AA6"]})
]


class VariantOptions(BaseModel):
    """What a variant shows and how; every key optional (defaults apply)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    template: Line = Field("classic", description="Template folder under latex/ (see `cvpress templates`).")
    data: Line = Field("resume.yaml", description="Data file, relative to the variants file.")
    include_tags: tuple[Tag, ...] = Field((), description="Keep only entries/bullets with one of these tags (untagged ones are kept too).")
    exclude_tags: tuple[Tag, ...] = Field((), description="Drop entries/bullets with any of these tags.")
    sections: tuple[Line, ...] | None = Field(None, description="Which sections, in what order (default: all).", examples=[["summary", "work", "education", "skills"]])
    max_items: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict, description="Most entries per section.", examples=[{"work": 5}])
    max_highlights: Annotated[int, Field(ge=0)] | None = Field(None, description="Most bullets per entry.")
    locale: Line = Field("en", description="Language of fixed words and dates (en, es, ca, de, fr, ...).")
    paper: Paper = "a4"
    font_size: Literal[10, 11, 12] = 11
    accent: Accent = Field("1F4E79", description="Accent colour, six hex digits.")
    engine: EngineName = "auto"
    max_pages: Annotated[int, Field(ge=1)] | None = Field(None, description="Fail the build when the PDF is longer.")
    bold_keywords: tuple[Line, ...] = Field((), description="Words to bold wherever they appear in free text.")
    footer: bool = Field(False, description="Print 'Updated <month year>' and the version in a footer.")
    title: Line | None = Field(None, description="PDF title; default: '<name> – <label or Curriculum Vitae>'.")


class Variant(VariantOptions):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=64)]


class VariantsFile(BaseModel):
    """``data/variants.yaml``: shared defaults plus one entry per variant."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_: str | None = Field(None, alias="$schema")
    defaults: dict[str, Any] = Field(default_factory=dict)
    variants: dict[str, dict[str, Any]]
