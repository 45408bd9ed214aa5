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
    Strict,
    WithJsonSchema,
    model_validator,
)
from pydantic.alias_generators import to_camel, to_snake
from pydantic_core import PydanticCustomError

from ..engine.catalogue import EngineName
from . import markup

#: Longest one-line field (names, titles, places), in characters.
MAX_LINE = 300
#: Longest free-text field (a summary, a bullet), in characters.
MAX_TEXT = 5_000
#: Longest URL accepted.
MAX_URL = 2_048
#: Most items in any list (bullets, entries, keywords).
MAX_ITEMS = 500

#: Characters refused in any text: (pattern, error type, message). Control
#: characters cannot be printed; bidirectional embedding, override and isolate
#: controls are invisible and can make text read differently from what it
#: holds ("Trojan Source"), so they are refused in every document, valid JSON
#: Resume or not. Pydantic substitutes {name} only (no format specs): the code
#: point is pre-formatted.
_REFUSED = (
    (
        re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]"),
        "control_character",
        "contains the control character U+{code}, which cannot be printed",
    ),
    (
        re.compile(r"[\u202a-\u202e\u2066-\u2069]"),
        "bidi_control",
        "contains the bidirectional control U+{code}, which can disguise what text says",
    ),
)
_LINE_BREAK = re.compile(r"[\r\n]")


class Translated(str):
    """Text written in several languages: ``{en: ..., es: ...}``.

    It is a ``str`` (the text of its first tag) so that every stage that reads
    a résumé keeps working before a language is chosen; :mod:`cvpress.data.select`
    replaces it with plain text in the variant's language
    (:func:`cvpress.data.languages.resolve`), so templates, checks and exports only
    ever see one language. ``texts`` keeps every translation, in the order
    written.
    """

    texts: tuple[tuple[str, str], ...]

    def __new__(cls, texts: tuple[tuple[str, str], ...]) -> Translated:
        made = super().__new__(cls, texts[0][1])
        made.texts = texts
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Translated, (self.texts,))


_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|[0-9]{3}))?$")


def language_tag(tag: Any) -> str | None:
    """``tag`` in its canonical spelling (``es-MX``) if it is a BCP 47 tag CLDR knows, else None.

    Syntax first (language, optional script, optional region), then babel's
    CLDR data decides whether the language (and region) exist.
    """
    if not isinstance(tag, str) or not _TAG.match(tag):
        return None
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        return None
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.title() if len(part) == 4 else part.upper())
    return "-".join(out)


def base_language(locale: str) -> str:
    """``es-MX`` (or ``es_MX``) -> ``es``: the language a locale or tag belongs to."""
    return locale.replace("-", "_").split("_")[0].lower()


def _translated(value: dict[Any, Any], *, one_line: bool, limit: int) -> Translated:
    texts: list[tuple[str, str]] = []
    for key, text in value.items():
        tag = language_tag(key)
        if tag is None:
            raise PydanticCustomError(
                "language_tag",
                "'{tag}' is not a language tag: a text written in several languages maps "
                "BCP 47 tags known to CLDR (en, es, pt-BR...) to text",
                {"tag": str(key)},
            )
        if isinstance(text, dict):
            raise PydanticCustomError(
                "text_type", "the '{tag}' text: expected text, got a mapping", {"tag": tag}
            )
        texts.append((tag, _text(text, one_line=one_line, limit=limit)))
    return Translated(tuple(texts))


def is_translations(value: Any) -> bool:
    """A mapping whose keys are all language tags: text in several languages."""
    return (
        isinstance(value, dict) and bool(value) and all(language_tag(k) is not None for k in value)
    )


def _text(value: Any, *, one_line: bool, limit: int, translatable: bool = False) -> str:
    if translatable and isinstance(value, Translated):
        return value
    if translatable and isinstance(value, dict) and value and not {"text", "tags"} & set(value):
        return _translated(value, one_line=one_line, limit=limit)
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise PydanticCustomError(
            "text_type", "expected text, got {got}", {"got": _describe(value)}
        )
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        raise PydanticCustomError(
            "text_type", "expected text, got {got}", {"got": _describe(value)}
        )
    value = value.replace("\r\n", "\n").replace("\t", " ")
    for pattern, kind, message in _REFUSED:
        bad = pattern.search(value)
        if bad:
            raise PydanticCustomError(kind, message, {"code": f"{ord(bad.group()):04X}"})
    if one_line and _LINE_BREAK.search(value.strip()):
        raise PydanticCustomError("one_line", "must be one line, but contains a line break", {})
    if len(value) > limit:
        raise PydanticCustomError(
            "too_long",
            "is {length} characters long, more than the limit of {limit}",
            {"length": len(value), "limit": limit},
        )
    return str(value).strip()


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


def _translatable_line(value: Any) -> str:
    return _text(value, one_line=True, limit=MAX_LINE, translatable=True)


def _long_text(value: Any) -> str:
    text = _text(value, one_line=False, limit=MAX_TEXT, translatable=True)
    versions = [t for _tag, t in text.texts] if isinstance(text, Translated) else [text]
    depth = max(markup.nesting(t) for t in versions)
    if depth > markup.MAX_NESTING:
        raise PydanticCustomError(
            "markup_depth",
            "nests emphasis or links {depth} levels deep, more than the limit of {limit}",
            {"depth": depth, "limit": markup.MAX_NESTING},
        )
    return text


def _text_schema(limit: int) -> dict[str, Any]:
    """Plain text, or a map from language tag to text (so editors complete both)."""
    plain = {"type": "string", "maxLength": limit}
    return {
        "anyOf": [
            plain,
            {
                "type": "object",
                "description": "The text in several languages, by BCP 47 tag (en, es, pt-BR).",
                "propertyNames": {"pattern": _TAG.pattern},
                "additionalProperties": plain,
                "minProperties": 1,
                "examples": [{"en": "Engineer", "es": "Ingeniera"}],
            },
        ]
    }


Line = Annotated[str, PlainValidator(_translatable_line), WithJsonSchema(_text_schema(MAX_LINE))]
"""A one-line text field: a name, a title, a place (or a map of them by language)."""

Word = Annotated[
    str, PlainValidator(_line), WithJsonSchema({"type": "string", "maxLength": MAX_LINE})
]
"""A one-line setting (a variant option, a tag): never translated."""

Text = Annotated[str, PlainValidator(_long_text), WithJsonSchema(_text_schema(MAX_TEXT))]
"""Free text; inline Markdown allowed (``**bold**``, ``*italic*``, links, ``code``)."""


def _url(value: Any) -> str:
    """Any one-line text: the schema's ``uri`` format is not enforced, so real files
    hold every kind. What becomes a link is :mod:`cvpress.data.urls`' rule; what
    is not a web address is a warning (:mod:`cvpress.data.compat`)."""
    return _text(value, one_line=True, limit=MAX_URL)


Url = Annotated[
    str,
    PlainValidator(_url),
    WithJsonSchema({"type": "string", "format": "uri", "examples": ["https://example.com"]}),
]


def _email(value: Any) -> str:
    """One-line text; an address that is not ``name@host`` is printed unlinked, with a warning."""
    return _line(value)


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
    WithJsonSchema(
        {
            "anyOf": [_DATE_SCHEMA, {"type": "string", "enum": sorted(_PRESENT - {""})}],
            "examples": ["2024-09", "present"],
        }
    ),
]


def _tags(value: Any) -> Any:
    """One item may be written without the list: ``tags: ml`` is ``tags: [ml]``."""
    if isinstance(value, str):
        return [value]
    return value


Tag = Annotated[
    str, PlainValidator(_line), WithJsonSchema({"type": "string", "examples": ["ml-infra"]})
]
Tags = Annotated[
    Annotated[tuple[Tag, ...], Field(max_length=MAX_ITEMS)],
    BeforeValidator(_tags),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}, "maxItems": MAX_ITEMS},
            ]
        }
    ),
]


class Model(BaseModel):
    """Base of every data model: camelCase aliases, frozen, extra keys kept."""

    # Validators are built when first used, for the whole Resume at once:
    # built per class at import, each nested model's would be built again
    # inside its parent's (a fifth of the models' import time, on every build).
    model_config = ConfigDict(
        defer_build=True,
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        extra="allow",
        coerce_numbers_to_str=True,
        json_schema_extra={"additionalProperties": True},
    )
    #: Keys accepted silently besides the fields (``$schema`` and the like).
    free_keys: ClassVar[frozenset[str]] = frozenset()
    #: Pre-1.0 JSON Resume spellings, read as their v1.0.0 names so that old
    #: resume.json files (``company``, ``website``, ``gpa``...) still print everything.
    legacy: ClassVar[dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _normalize_keys(cls, value: Any) -> Any:
        """Old spellings renamed; empty strings and nulls read as absent.

        Resume.json files made from a template carry ``"url": ""`` and
        ``"startDate": ""`` placeholders, and exporters write ``null`` for an
        unset field; both mean "not given", not "an invalid URL".
        """
        if not isinstance(value, dict):
            return value
        out = {
            k: v
            for k, v in value.items()
            if v is not None and not (isinstance(v, str) and not v.strip())
        }
        for old, new in cls.legacy.items():
            if old in out and new not in out and to_snake(new) not in out:
                out[new] = out.pop(old)
        return out


def F(default: Any, description: str, *examples: Any) -> Any:
    """A field with the description and examples editors show (via the JSON Schema)."""
    return Field(default, description=description, examples=list(examples) or None)


class Tagged(Model):
    tags: Tags = F(
        (),
        "Selection tags: a variant keeps an entry or bullet that has one of its include_tags "
        "(or no tags) and none of its exclude_tags. Never printed.",
        ["ml-infra"],
    )


def _bullet_schema(schema: dict[str, Any]) -> None:
    """A bullet is plain text, text by language, or ``{text, tags}``: say all three to editors."""
    obj = dict(schema)
    schema.clear()
    schema["anyOf"] = [*_text_schema(MAX_TEXT)["anyOf"], obj]
    schema["description"] = obj.pop("description", "")
    schema["examples"] = ["Cut training time by 40% with **mixed precision**."]


class Bullet(Tagged):
    """One highlight; written as plain text or as ``{text: ..., tags: [...]}``."""

    model_config = ConfigDict(json_schema_extra=_bullet_schema)

    text: Text = Field(
        description="The bullet's text; inline Markdown allowed.",
        examples=["Led the migration to **Kubernetes**, cutting costs by 30%."],
    )

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return {"text": str(value)}
        if is_translations(value):
            return {"text": value}
        if isinstance(value, dict) and "text" not in value and len(value) == 1:
            ((key, inner),) = value.items()
            if isinstance(inner, str | int | float | type(None)) and key not in ("tags",):
                raise PydanticCustomError(
                    "colon_in_text",
                    "this bullet was read as a 'key: value' pair because it contains ': '",
                    {"text": f"{key}: {inner}"},
                )
        return value


def _drop_empty(value: Any) -> Any:
    """``["", "Python"]`` -> ``["Python"]``: an empty item is a template's placeholder."""
    if isinstance(value, list | tuple):
        return [v for v in value if not (isinstance(v, str) and not v.strip())]
    return value


Bullets = Annotated[
    Annotated[tuple[Bullet, ...], Field(max_length=MAX_ITEMS)], BeforeValidator(_drop_empty)
]
Keywords = Annotated[
    Annotated[tuple[Line, ...], Field(max_length=MAX_ITEMS)], BeforeValidator(_drop_empty)
]


class Dated(Tagged):
    """An entry with a start and an optional end (missing end = present)."""

    start_date: Date | None = F(None, "When it started: YYYY, YYYY-MM or YYYY-MM-DD.", "2021-03")
    end_date: EndDate = F(
        None, "When it ended; leave out (or write 'present') if ongoing.", "2024-09", "present"
    )


class Location(Model):
    address: Text | None = F(
        None, "Street address; printed only by templates that show it.", "2712 Broadway St"
    )
    postal_code: Line | None = F(None, "Postal code.", "CA 94115")
    city: Line | None = F(None, "City, printed in the contact line.", "Barcelona")
    country_code: Line | None = F(None, "ISO 3166-1 alpha-2 country code.", "ES")
    region: Line | None = F(None, "Region, state or province.", "Catalonia")


class Profile(Model):
    network: Line | None = F(None, "The site or network.", "GitHub")
    username: Line | None = F(None, "Your handle on it.", "adalovelace")
    url: Url | None = F(
        None, "Link to the profile (with https://).", "https://github.com/adalovelace"
    )


class Basics(Model):
    legacy: ClassVar[dict[str, str]] = {"website": "url", "picture": "image"}

    name: Line | None = F(
        None, "Your name, as it heads the résumé (JSON Resume does not require it).", "Ada Lovelace"
    )
    label: Line | None = F(None, "A headline under the name.", "Machine Learning Engineer")
    image: Line | None = F(
        None,
        "A JPEG or PNG beside the data file, printed by variants with photo: true"
        " (a URL is not fetched: builds are offline).",
        "photo.jpg",
    )
    email: Email | None = F(None, "E-mail address, printed as a mailto: link.", "ada@example.com")
    phone: Line | None = F(None, "Phone number, as it should be printed.", "+34 600 000 000")
    url: Url | None = F(None, "Personal website (with https://).", "https://adalovelace.org")
    summary: Text | None = F(
        None,
        "A short paragraph about you; inline Markdown allowed.",
        "Engineer who likes **fast** systems.",
    )
    location: Location | None = F(
        None,
        "Where you live (city and region are printed).",
        {"city": "Barcelona", "countryCode": "ES"},
    )
    profiles: Annotated[tuple[Profile, ...], Field(max_length=MAX_ITEMS)] = F(
        (),
        "Online profiles (GitHub, LinkedIn...).",
        [{"network": "GitHub", "url": "https://github.com/adalovelace"}],
    )


_HIGHLIGHTS = (
    "Bullets: plain text, or {text, tags} to select them per variant. Inline Markdown allowed."
)


class Work(Dated):
    legacy: ClassVar[dict[str, str]] = {"company": "name", "website": "url"}

    name: Line | None = F(None, "Company or organisation.", "Block Inc")
    location: Line | None = F(None, "Where the job was.", "Remote")
    description: Text | None = F(None, "What the organisation does.", "Payments company")
    position: Line | None = F(None, "Your title.", "Machine Learning Engineer")
    url: Url | None = F(None, "The organisation's website.", "https://block.xyz")
    summary: Text | None = F(
        None,
        "A sentence about the role; inline Markdown allowed.",
        "Owned the model hosting platform.",
    )
    highlights: Bullets = F((), _HIGHLIGHTS, ["Cut inference latency by 30%."])


class Volunteer(Dated):
    legacy: ClassVar[dict[str, str]] = {"website": "url"}

    organization: Line | None = F(None, "The organisation.", "Hackathon Barcelona")
    location: Line | None = F(None, "Where.", "Barcelona")
    position: Line | None = F(None, "Your role.", "Organiser")
    url: Url | None = F(None, "The organisation's website.", "https://example.org")
    summary: Text | None = F(
        None, "A sentence about it; inline Markdown allowed.", "Organised a 300-person hackathon."
    )
    highlights: Bullets = F((), _HIGHLIGHTS, ["Raised sponsorship for 300 participants."])


class Education(Dated):
    legacy: ClassVar[dict[str, str]] = {"gpa": "score"}

    institution: Line | None = F(
        None, "School or university.", "Universitat Politècnica de Catalunya"
    )
    location: Line | None = F(None, "Where.", "Barcelona")
    url: Url | None = F(None, "The institution's website.", "https://www.upc.edu")
    area: Line | None = F(None, "Field of study.", "Computer Science")
    study_type: Line | None = F(None, "Degree.", "M.S.")
    score: Line | None = F(None, "Grade, as it should be printed.", "GPA 3.97")
    courses: Keywords = F((), "Notable courses.", ["Machine Learning", "Distributed Systems"])
    summary: Text | None = F(
        None, "A sentence about it; inline Markdown allowed.", "Thesis on **federated learning**."
    )
    highlights: Bullets = F((), _HIGHLIGHTS, ["Graduated with honours."])


class Award(Tagged):
    legacy: ClassVar[dict[str, str]] = {"awardDate": "date"}

    title: Line | None = F(None, "The award.", "Best Paper")
    date: Date | None = F(None, "When: YYYY, YYYY-MM or YYYY-MM-DD.", "2023-06")
    awarder: Line | None = F(None, "Who gave it.", "NeurIPS")
    summary: Text | None = F(
        None, "What it was for; inline Markdown allowed.", "For work on sparse training."
    )


class Certificate(Tagged):
    name: Line | None = F(None, "The certificate.", "AWS Certified Machine Learning – Specialty")
    date: Date | None = F(None, "When: YYYY, YYYY-MM or YYYY-MM-DD.", "2022-11")
    url: Url | None = F(None, "Link to verify it.", "https://example.com/cert/123")
    issuer: Line | None = F(None, "Who issued it.", "Amazon Web Services")


class Publication(Tagged):
    legacy: ClassVar[dict[str, str]] = {"website": "url"}

    name: Line | None = F(None, "Title of the publication.", "Scaling Model Hosting")
    publisher: Line | None = F(None, "Journal, conference or site.", "MLSys")
    release_date: Date | None = F(None, "When: YYYY, YYYY-MM or YYYY-MM-DD.", "2023-05")
    url: Url | None = F(None, "Link to it.", "https://example.com/paper")
    authors: Keywords = F(
        (),
        "cvpress extension: the authors, in order; a variant's highlight_author bolds yours.",
        ["Ada Lovelace", "Charles Babbage"],
    )
    summary: Text | None = F(
        None, "One or two sentences; inline Markdown allowed.", "How we served 1,000 models."
    )


class Skill(Tagged):
    name: Line | None = F(None, "A skill group.", "Machine Learning")
    level: Line | None = F(None, "How good, in your words.", "Expert")
    keywords: Keywords = F((), "The specific skills.", ["PyTorch", "TensorFlow"])


class Language(Tagged):
    language: Line | None = F(None, "The language.", "Catalan")
    fluency: Line | None = F(None, "How well.", "Native")


class Interest(Tagged):
    name: Line | None = F(None, "An interest.", "Climbing")
    keywords: Keywords = F((), "Details.", ["bouldering"])


class Reference(Tagged):
    name: Line | None = F(None, "Who.", "Grace Hopper")
    reference: Text | None = F(
        None,
        "What they said; inline Markdown allowed.",
        "Ada is the best engineer I have worked with.",
    )


class Project(Dated):
    name: Line | None = F(None, "The project.", "Apache Airflow")
    description: Text | None = F(
        None, "What it is; inline Markdown allowed.", "Workflow scheduler."
    )
    highlights: Bullets = F((), _HIGHLIGHTS, ["Added the Kubernetes executor."])
    keywords: Keywords = F((), "Technologies.", ["Python", "Kubernetes"])
    url: Url | None = F(None, "Link to it.", "https://airflow.apache.org")
    roles: Keywords = F((), "Your roles.", ["Contributor"])
    entity: Line | None = F(None, "Organisation it was for.", "Apache Software Foundation")
    type: Line | None = F(None, "Kind of project.", "open source")


class CustomEntry(Dated):
    title: Line | None = F(None, "Title of the entry.", "Serving 1,000 models")
    subtitle: Line | None = F(None, "A second line: venue, role, number.", "PyData Barcelona")
    location: Line | None = F(None, "Where.", "Barcelona")
    url: Url | None = F(None, "Link to it.", "https://example.com/talk")
    summary: Text | None = F(
        None, "A sentence; inline Markdown allowed.", "A talk on model hosting."
    )
    highlights: Bullets = F((), _HIGHLIGHTS, ["Recorded and published online."])


class CustomSection(Tagged):
    """A section JSON Resume lacks (talks, patents, open source)."""

    id: Line | None = F(
        None,
        "Name to use in a variant's `sections` list; default: the title, lower-case, dashed.",
        "talks",
    )
    title: Line = Field(description="The section heading.", examples=["Talks"])
    entries: Annotated[tuple[CustomEntry, ...], Field(max_length=MAX_ITEMS)] = F(
        (),
        "The entries of the section.",
        [{"title": "Serving 1,000 models", "startDate": "2023-10"}],
    )

    @property
    def key(self) -> str:
        return self.id or re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


class Meta(Model):
    canonical: Line | None = F(
        None, "URL of the canonical version of this document.", "https://example.com/resume.json"
    )
    version: Line | None = F(None, "Version of the document.", "v1.0.0")
    last_modified: Line | None = F(
        None, "When it was last changed (ISO 8601).", "2024-09-15T10:00:00"
    )


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
    legacy: ClassVar[dict[str, str]] = {"hobbies": "interests"}

    @model_validator(mode="before")
    @classmethod
    def _custom_from_meta(cls, value: Any) -> Any:
        """A JSON Resume export keeps custom sections in ``meta.cvpress.custom``: restore them."""
        if isinstance(value, dict) and "custom" not in value:
            meta = value.get("meta")
            stored = meta.get("cvpress") if isinstance(meta, dict) else None
            if isinstance(stored, dict) and isinstance(stored.get("custom"), list):
                return {**value, "custom": stored["custom"]}
        return value

    basics: Basics = Field(
        default_factory=Basics,
        description="Who you are: name, headline, contact details, summary.",
        examples=[{"name": "Ada Lovelace", "label": "Engineer", "email": "ada@example.com"}],
    )
    work: Annotated[tuple[Work, ...], Field(max_length=MAX_ITEMS)] = F(
        (),
        "Jobs, newest first.",
        [{"name": "Block Inc", "position": "Engineer", "startDate": "2024-09"}],
    )
    volunteer: Annotated[tuple[Volunteer, ...], Field(max_length=MAX_ITEMS)] = F(
        (),
        "Volunteering, newest first.",
        [{"organization": "Hackathon Barcelona", "position": "Organiser"}],
    )
    education: Annotated[tuple[Education, ...], Field(max_length=MAX_ITEMS)] = F(
        (),
        "Degrees and schools, newest first.",
        [{"institution": "UPC", "area": "Computer Science", "studyType": "M.S."}],
    )
    awards: Annotated[tuple[Award, ...], Field(max_length=MAX_ITEMS)] = F(
        (),
        "Prizes and honours.",
        [{"title": "Best Paper", "date": "2023-06", "awarder": "NeurIPS"}],
    )
    certificates: Annotated[tuple[Certificate, ...], Field(max_length=MAX_ITEMS)] = F(
        (), "Certifications.", [{"name": "CKA", "issuer": "CNCF", "date": "2022"}]
    )
    publications: Annotated[tuple[Publication, ...], Field(max_length=MAX_ITEMS)] = F(
        (),
        "Papers, articles, books.",
        [{"name": "Scaling Model Hosting", "publisher": "MLSys", "releaseDate": "2023"}],
    )
    skills: Annotated[tuple[Skill, ...], Field(max_length=MAX_ITEMS)] = F(
        (), "Skill groups with keywords.", [{"name": "Languages", "keywords": ["Python", "Go"]}]
    )
    languages: Annotated[tuple[Language, ...], Field(max_length=MAX_ITEMS)] = F(
        (), "Spoken languages.", [{"language": "Catalan", "fluency": "Native"}]
    )
    interests: Annotated[tuple[Interest, ...], Field(max_length=MAX_ITEMS)] = F(
        (), "Hobbies and interests.", [{"name": "Climbing"}]
    )
    references: Annotated[tuple[Reference, ...], Field(max_length=MAX_ITEMS)] = F(
        (), "What others say about you.", [{"name": "Grace Hopper", "reference": "Brilliant."}]
    )
    projects: Annotated[tuple[Project, ...], Field(max_length=MAX_ITEMS)] = F(
        (),
        "Projects, with highlights and keywords.",
        [{"name": "Apache Airflow", "roles": ["Contributor"]}],
    )
    custom: Annotated[tuple[CustomSection, ...], Field(max_length=MAX_ITEMS)] = F(
        (),
        "cvpress extension: sections JSON Resume lacks (talks, patents); exported under meta.",
        [{"title": "Talks", "entries": [{"title": "Serving 1,000 models", "subtitle": "PyData"}]}],
    )
    meta: Annotated[dict[str, Any], Field(description="Free-form; kept as it is.")] = Field(
        default_factory=dict,
        description=(
            "Free-form metadata (JSON Resume's canonical, version, lastModified...); never printed."
        ),
        examples=[{"version": "v1.0.0"}],
    )


# --------------------------------------------------------------------------- variants

Paper = Literal["a4", "letter"]
#: What a variant is written as: build/<variant>.pdf, .html, .docx.
OutputFormat = Literal["pdf", "html", "docx"]


def _whole_number(value: Any) -> Any:
    """Digits as written (``"2"``, ``"02"``) as the number a field asks for.

    The loader keeps every scalar as text; here, where a field wants a
    number, decimal digits become one and anything else (``1_0``, ``0x1``,
    ``2.0``) is left for the strict check to refuse.
    """
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", value):
        return int(value)
    return value


#: YAML 1.2's booleans. Not YAML 1.1's yes/no/on/off: ``private: no`` names a
#: file called "no" (and says so when there is none), ``footer: yes`` is an error.
_FLAGS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def _flag(value: Any) -> Any:
    """``true`` or ``false`` as written, where a field asks for yes or no."""
    if isinstance(value, str) and value.strip() in _FLAGS:
        return _FLAGS[value.strip()]
    return value


# The bound comes before the converter, or the JSON Schema says "ge" instead of "minimum".
Count = Annotated[int, Field(ge=0), Strict(), BeforeValidator(_whole_number)]
"""A whole number from 0, written as digits."""
Positive = Annotated[int, Field(ge=1), Strict(), BeforeValidator(_whole_number)]
"""A whole number from 1, written as digits."""
Flag = Annotated[bool, BeforeValidator(_flag), Strict()]
"""Yes or no: ``true`` or ``false``."""
_HEX = re.compile(r"^#?[0-9A-Fa-f]{6}$")


def _accent(value: Any) -> str:
    text = _line(value)
    if not _HEX.match(text):
        raise PydanticCustomError(
            "accent", "'{value}' is not a colour: expected six hex digits", {"value": text}
        )
    return text.lstrip("#").upper()


Accent = Annotated[
    str,
    PlainValidator(_accent),
    WithJsonSchema({"type": "string", "pattern": "^#?[0-9A-Fa-f]{6}$", "examples": ["#1F5AA6"]}),
]


_TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$")


def _template_name(value: Any) -> str:
    """A template is named, never given as a path: ``/usr/share`` or ``../x`` are refused
    here, before anything walks or reads them (which template names exist is
    checked against the search path by :func:`cvpress.data.validate.variants`)."""
    text = _line(value)
    if not _TEMPLATE_NAME.match(text):
        raise PydanticCustomError(
            "template_name",
            "'{value}' is not a template name",
            {"value": text},
        )
    return text


TemplateName = Annotated[
    str,
    PlainValidator(_template_name),
    WithJsonSchema({"type": "string", "pattern": _TEMPLATE_NAME.pattern, "examples": ["classic"]}),
]

#: Locales known without asking babel (whose import costs ~100 ms on a build).
_ENGLISH = frozenset(("en", "en_US", "en-US"))


def _locale(value: Any) -> str:
    """A locale CLDR has data for (``en``, ``es``, ``pt_BR``, ``de-CH``), as written."""
    text = _line(value)
    if text not in _ENGLISH and language_tag(text.replace("_", "-")) is None:
        raise PydanticCustomError("locale", "'{value}' is not a known locale", {"value": text})
    return text


Locale = Annotated[
    str,
    PlainValidator(_locale),
    WithJsonSchema({"type": "string", "examples": ["en", "es", "pt_BR"]}),
]


class VariantOptions(BaseModel):
    """What a variant shows and how; every key optional (defaults apply)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    template: TemplateName = F(
        "classic", "Template folder under latex/ (see `cvpress templates`).", "classic"
    )
    data: Word = F(
        "resume.yaml",
        "Data file, relative to the variants file (.yaml, .yml or .json).",
        "resume.yaml",
    )
    include_tags: Tags = F(
        (),
        "Keep only entries/bullets with one of these tags (untagged ones are kept too).",
        ["ml-infra"],
    )
    exclude_tags: Tags = F((), "Drop entries/bullets with any of these tags.", ["detail"])
    sections: tuple[Word, ...] | None = F(
        None,
        "Which sections, in what order (default: all that have content).",
        ["summary", "work", "education", "skills"],
    )
    max_items: dict[str, Count] = Field(
        default_factory=dict,
        description="Most entries per section, by section name.",
        examples=[{"work": 5}],
    )
    max_highlights: Count | None = F(None, "Most bullets per entry.", 4)
    locale: Locale = F(
        "en", "Language of fixed words and dates (en, es, ca, de, fr, ...).", "en", "ca"
    )
    paper: Paper = F("a4", "Paper size.", "a4", "letter")
    font_size: Annotated[Literal[10, 11, 12], BeforeValidator(_whole_number)] = F(
        11, "Base font size in points.", 11
    )
    accent: Accent = F("1F4E79", "Accent colour of headings and links, six hex digits.", "#1F5AA6")
    engine: EngineName = F(
        "auto",
        "TeX engine; auto picks pdflatex, or xelatex when the data needs more than Latin script.",
        "pdflatex",
        "xelatex",
    )
    max_pages: Positive | None = F(None, "Fail the build when the PDF has more pages.", 1)
    fit: Flag = F(
        False,
        "Shrink to max_pages when the content overflows, in fixed steps: spacing, then font "
        "size (not under 9.5 pt), then margins (not under 1.5 cm), then fit_drop_tags bullets.",
        True,
    )
    fit_drop_tags: Tags = F(
        (),
        "With fit: bullets with these tags may be dropped, oldest entry first, as a last resort.",
        ["detail"],
    )
    page_break_before: tuple[Word, ...] = F(
        (),
        "Start a new page before these sections or entries (an entry by its index in the data "
        "file, as errors name it).",
        ["education", "work[3]"],
    )
    bold_keywords: tuple[Word, ...] = F(
        (), "Words to bold wherever they appear in free text.", ["Python", "Kubernetes"]
    )
    footer: Flag = F(False, "Print 'Updated <month year>' and the version in a footer.", True)
    title: Word | None = F(
        None, "PDF title; default: '<name> – <label or Curriculum Vitae>'.", "Ada Lovelace – CV"
    )
    photo: Flag = F(
        False,
        "Print basics.image (a local JPEG or PNG), cropped round or square by the template.",
        True,
    )
    bibliography: Word | None = F(
        None,
        "A .bib file, relative to the variants file: its entries join `publications`.",
        "publications.bib",
    )
    highlight_author: Annotated[
        tuple[Word, ...],
        BeforeValidator(_tags),
        WithJsonSchema(
            {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
        ),
    ] = Field(
        (),
        description="Your name as written in author lists (one form or several): printed bold.",
        examples=["Ada Lovelace", ["Ada Lovelace", "A. Lovelace"]],
    )
    private: Flag | Word = F(
        True,
        "Merge private.yaml (beside the data file; git-ignored) over the data on local builds;"
        " false keeps it out of this variant, a path names another file.",
        False,
    )
    formats: Annotated[tuple[OutputFormat, ...], Field(min_length=1)] = F(
        ("pdf",),
        "What to write: build/<variant>.pdf, .html (a self-contained web page), "
        ".docx (a Word file); `cvpress build --format` overrides it for one run.",
        ["pdf", "html", "docx"],
    )
    letter: Word | None = F(
        None,
        "A cover letter (.md, relative to the variants file): the variant builds that letter "
        "in its template's look, the sender taken from the data's basics; max_pages then "
        "defaults to 1.",
        "letters/acme.md",
    )


class Variant(VariantOptions):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=64)]

    @model_validator(mode="after")
    def _fit_needs_a_limit(self) -> Variant:
        """``fit`` shrinks to ``max_pages``: without one there is nothing to fit to."""
        if self.fit and self.max_pages is None:
            raise PydanticCustomError(
                "fit_without_max_pages", "fit: true needs max_pages (the pages to fit into)", {}
            )
        return self


class VariantsFile(BaseModel):
    """``data/variants.yaml``: shared defaults plus one entry per variant."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)

    schema_: str | None = Field(None, alias="$schema")
    defaults: dict[str, Any] = Field(default_factory=dict)
    variants: dict[str, dict[str, Any]]
