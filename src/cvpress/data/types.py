"""The scalar types of the data: one-line and long text, text by language, URLs,
e-mail addresses and tags, with the limits that bound them.

Why so many small string types: each says what a field may hold, so that a
control character, a newline in a one-line field or a 10 MB bullet is refused
here, with its location, instead of surfacing as a TeX error later.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

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


def single_line(value: Any) -> str:
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


def text_schema(limit: int) -> dict[str, Any]:
    """Plain text, or a map from language tag to text (so editors complete both).

    A number is text too (``postalCode: 7030``, ``score: 3.8``): cvpress
    prints it as written, and a YAML editor or a JSON file has it as a number,
    which the schema must not underline.
    """
    plain = {"type": ["string", "number"], "maxLength": limit}
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


Line = Annotated[str, PlainValidator(_translatable_line), WithJsonSchema(text_schema(MAX_LINE))]
"""A one-line text field: a name, a title, a place (or a map of them by language)."""

Word = Annotated[
    str, PlainValidator(single_line), WithJsonSchema({"type": "string", "maxLength": MAX_LINE})
]
"""A one-line setting (a variant option, a tag): never translated."""

Text = Annotated[str, PlainValidator(_long_text), WithJsonSchema(text_schema(MAX_TEXT))]
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
    return single_line(value)


Email = Annotated[
    str,
    PlainValidator(_email),
    WithJsonSchema({"type": "string", "format": "email", "examples": ["ada@example.com"]}),
]


def tag_list(value: Any) -> Any:
    """One item may be written without the list: ``tags: ml`` is ``tags: [ml]``."""
    if isinstance(value, str):
        return [value]
    return value


Tag = Annotated[
    str, PlainValidator(single_line), WithJsonSchema({"type": "string", "examples": ["ml-infra"]})
]
Tags = Annotated[
    Annotated[tuple[Tag, ...], Field(max_length=MAX_ITEMS)],
    BeforeValidator(tag_list),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}, "maxItems": MAX_ITEMS},
            ]
        }
    ),
]


def F(default: Any, description: str, *examples: Any) -> Any:
    """A field with the description and examples editors show (via the JSON Schema)."""
    return Field(default, description=description, examples=list(examples) or None)
