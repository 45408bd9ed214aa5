"""Pydantic models: JSON Resume v1.0.0 plus cvpress's extensions.

Field names are snake_case in Python and camelCase on the wire (JSON Resume's
spelling); both spellings are accepted on input. Models are frozen: later
stages derive new résumés (``select``) instead of editing the user's.

The scalar types the fields use are in :mod:`cvpress.data.types`, the dates in
:mod:`cvpress.data.dates`; a variant's options (``Variant``) in
:mod:`cvpress.data.variants`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic.alias_generators import to_camel, to_snake
from pydantic_core import PydanticCustomError

from .dates import Date, EndDate
from .types import (
    MAX_ITEMS,
    MAX_TEXT,
    Email,
    F,
    Line,
    Tags,
    Text,
    Url,
    is_translations,
    text_schema,
)


def base_language(locale: str) -> str:
    """``es-MX`` (or ``es_MX``) -> ``es``: the language a locale or tag belongs to."""
    return locale.replace("-", "_").split("_")[0].lower()


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
    schema["anyOf"] = [*text_schema(MAX_TEXT)["anyOf"], obj]
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
