"""model: JSON Resume v1.0.0 plus extensions, strict where it helps."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cvpress.data.dates import PartialDate
from cvpress.data.model import Resume
from cvpress.data.variants import Variant


def _resume(**sections: Any) -> Resume:
    return Resume.model_validate({"basics": {"name": "Ada"}, **sections})


def _error_types(**sections: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        _resume(**sections)
    return [e["type"] for e in caught.value.errors()]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", PartialDate(2024)),
        ("2024-09", PartialDate(2024, 9)),
        ("2024-09-15", PartialDate(2024, 9, 15)),
        (2024, PartialDate(2024)),
        ("2024-09-15T10:00:00Z", PartialDate(2024, 9, 15)),
    ],
)
def test_partial_dates(value: Any, expected: PartialDate) -> None:
    assert _resume(work=[{"startDate": value}]).work[0].start_date == expected


@pytest.mark.parametrize(
    "end", [None, "present", "Present", "now", "current", "ongoing", "today", ""]
)
def test_missing_or_present_end_is_ongoing(end: Any) -> None:
    entry = {"startDate": "2024"} | ({"endDate": end} if end is not None else {})
    assert _resume(work=[entry]).work[0].end_date is None


def test_bad_dates() -> None:
    assert _error_types(work=[{"startDate": "Sept 2024"}]) == ["date_format"]
    assert _error_types(work=[{"startDate": "2024-13"}]) == ["date_value"]
    assert _error_types(work=[{"startDate": "2023-02-29"}]) == ["date_value"]
    # Ending before the start is valid JSON Resume: a warning (tests/test_compat.py).
    assert _resume(work=[{"startDate": "2024-09", "endDate": "2024-08"}]).work[0].end_date
    # different precision compares at the coarser one: 2024 ends "in" 2024-09
    assert _resume(work=[{"startDate": "2024-09", "endDate": "2024"}]).work[
        0
    ].end_date == PartialDate(2024)


def test_urls_and_emails() -> None:
    assert _resume(
        basics={"name": "A", "url": "https://example.com/x?y=1#z", "email": "a.b+c@example.co.uk"}
    )
    # JSON Resume does not enforce its uri and email formats: any one-line text
    # is read, and what is not an address is a warning (tests/test_compat.py).
    for url in ("example.com", "ftp://example.com", "skype:ada?call"):
        assert _resume(basics={"name": "A", "url": url}).basics.url == url
    assert _resume(basics={"name": "A", "email": "ada.example.com"}).basics.email
    assert _error_types(basics={"name": "A", "url": "https://x.org/\nb"}) == ["one_line"]


def test_control_characters_line_breaks_and_lengths() -> None:
    assert _error_types(basics={"name": "A\x00da"}) == ["control_character"]
    assert _error_types(basics={"name": "Ada\nLovelace"}) == ["one_line"]
    assert _error_types(basics={"name": "x" * 301}) == ["too_long"]
    assert _resume(basics={"name": "A", "summary": "two\nlines"}).basics.summary == "two\nlines"
    assert _error_types(basics={"name": "A", "summary": "x" * 5001}) == ["too_long"]


def test_bullets_plain_or_tagged_and_colon_detection() -> None:
    work = _resume(work=[{"highlights": ["plain", {"text": "tagged", "tags": "ml"}, 42]}]).work[0]
    assert [(b.text, b.tags) for b in work.highlights] == [
        ("plain", ()),
        ("tagged", ("ml",)),
        ("42", ()),
    ]
    assert _error_types(work=[{"highlights": [{"Result": "20% faster"}]}]) == ["colon_in_text"]


def test_snake_case_aliases_unknown_keys_kept_and_free_keys() -> None:
    resume = Resume.model_validate(
        {
            "$schema": "https://example.com/schema.json",
            "basics": {"name": "Ada", "x-pronouns": "she/her"},
            "education": [{"study_type": "M.S.", "start_date": "2020"}],
            "meta": {"theme": "elegant", "anything": [1, 2]},
        }
    )
    assert resume.education[0].study_type == "M.S."
    assert resume.basics.model_extra == {"x-pronouns": "she/her"}
    assert resume.meta == {"theme": "elegant", "anything": [1, 2]}
    dumped = resume.model_dump(by_alias=True, exclude_defaults=True)
    assert dumped["education"][0]["studyType"] == "M.S."


def test_custom_sections_and_their_restoration_from_meta() -> None:
    section = {
        "title": "Open Source Talks",
        "entries": [{"title": "Airflow at scale", "startDate": "2023"}],
    }
    assert _resume(custom=[section]).custom[0].key == "open-source-talks"
    restored = Resume.model_validate(
        {"basics": {"name": "A"}, "meta": {"cvpress": {"custom": [section]}}}
    )
    assert restored.custom[0].title == "Open Source Talks"


def test_models_are_frozen() -> None:
    resume = _resume()
    with pytest.raises(ValidationError):
        resume.basics.name = "Bob"  # type: ignore[misc]


def test_variant_options() -> None:
    variant = Variant.model_validate(
        {"name": "cv", "accent": "#1f5aa6", "bold_keywords": ["Python"]}
    )
    assert variant.accent == "1F5AA6" and variant.template == "classic"
    with pytest.raises(ValidationError):
        Variant.model_validate({"name": "cv", "colour": "red"})
    with pytest.raises(ValidationError):
        Variant.model_validate({"name": "bad name!"})


def test_pre_1_0_json_resume_spellings_still_print() -> None:
    resume = Resume.model_validate(
        {
            "basics": {
                "name": "Ada",
                "website": "https://ada.org",
                "picture": "https://ada.org/a.png",
            },
            "work": [{"company": "Pied Piper", "website": "https://pp.example.com"}],
            "education": [{"institution": "OU", "gpa": "4.0"}],
            "awards": [{"title": "Prize", "awardDate": "2014-11-01"}],
            "publications": [{"name": "Paper", "website": "https://example.com/p"}],
            "hobbies": [{"name": "Chess"}],
        }
    )
    assert (resume.basics.url, resume.basics.image) == ("https://ada.org", "https://ada.org/a.png")
    assert (resume.work[0].name, resume.work[0].url) == ("Pied Piper", "https://pp.example.com")
    assert resume.education[0].score == "4.0"
    assert resume.awards[0].date == PartialDate(2014, 11, 1)
    assert resume.publications[0].url == "https://example.com/p"
    assert resume.interests[0].name == "Chess"
    # the v1.0.0 name wins when both are present; the old one is then just an unknown key
    both = Resume.model_validate(
        {"basics": {"name": "A"}, "work": [{"name": "New", "company": "Old"}]}
    )
    assert both.work[0].name == "New" and both.work[0].model_extra == {"company": "Old"}


def test_empty_placeholders_mean_not_given() -> None:
    """Files made from a JSON Resume template keep "" for what the person left out."""
    resume = Resume.model_validate(
        {
            "basics": {
                "name": "Ada",
                "url": "",
                "email": " ",
                "image": "",
                "location": {"city": ""},
            },
            "work": [
                {"name": "X", "startDate": "", "endDate": "", "url": "", "highlights": ["", "ok"]}
            ],
            "skills": [{"name": "S", "keywords": ["", "Python"]}],
        }
    )
    assert (resume.basics.url, resume.basics.email, resume.basics.location) == (
        None,
        None,
        resume.basics.location,
    )
    assert resume.work[0].start_date is None and resume.work[0].url is None
    assert [b.text for b in resume.work[0].highlights] == ["ok"]
    assert resume.skills[0].keywords == ("Python",)
    # JSON Resume requires no name: an empty one is absent (a warning, test_compat).
    assert _resume(basics={"name": ""}).basics.name is None
