"""The variant configuration models: ``data/variants.yaml``'s options and their types."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..engine.catalogue import EngineName
from .types import F, Tags, Word, language_tag, single_line, tag_list

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
    text = single_line(value)
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
    text = single_line(value)
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
    text = single_line(value)
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
        BeforeValidator(tag_list),
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


class VariantsFile(BaseModel):
    """``data/variants.yaml``: shared defaults plus one entry per variant."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)

    schema_: str | None = Field(None, alias="$schema")
    defaults: dict[str, Any] = Field(default_factory=dict)
    variants: dict[str, dict[str, Any]]


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
