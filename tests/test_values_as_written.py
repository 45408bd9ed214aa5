"""Values print as written: no YAML 1.1 rewriting, no JSON float normalisation.

Issue 13's first family: ``phone: 01234567`` printed as 342391 (octal),
``score: 3.50`` as 3.5, ``area: 1:30`` as 90 (sexagesimal), ``yes``/``on`` as
booleans, ``2024-09-01`` as a date. Here every such scalar is checked at the
loader, at the model, in the exported text and in a real PDF read back.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FULL, requires_tex
from cvpress.data import load, validate
from cvpress.errors import InputError
from cvpress.pipeline.check import read_pdf
from harden_support import cvpress

FIXTURES = Path(__file__).parent / "fixtures" / "harden"

#: Plain scalars YAML 1.1 (PyYAML's resolver) turns into something else.
TRAPS = [
    "01234567",  # octal 342391
    "3.50",  # float 3.5
    "1:30",  # sexagesimal 90
    "190:20:30",
    "yes",
    "no",
    "on",
    "off",
    "Yes",
    "NO",
    "y",
    "n",
    "true",
    "False",
    "2024-09-01",  # date
    "2001-12-14t21:59:43.10-05:00",  # timestamp
    "1e3",
    "0x1F",
    "0o17",
    "0b101",
    ".inf",
    "-.Inf",
    ".NaN",
    "1_000",
    "+12",
    "-0",
    "007",
    "1.10",
]


@pytest.mark.parametrize("typed", TRAPS)
def test_yaml_scalar_stays_text(typed: str) -> None:
    assert load.loads(f"a: {typed}\n").data == {"a": typed}
    assert load.loads(f"- {typed}\n").data == [typed]
    assert load.loads(f"{typed}: x\n").data == {typed: "x"}  # keys too


@pytest.mark.parametrize("typed", ["null", "Null", "NULL", "~", ""])
def test_null_is_still_absent(typed: str) -> None:
    assert load.loads(f"a: {typed}\n").data == {"a": None}


@settings(max_examples=500 if FULL else 100, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("0123456789.:-+_eExXoObB yesnoYESNOtruefalsTRUEFALS~n"),
        min_size=1,
        max_size=16,
    )
)
def test_any_plain_scalar_is_what_yaml_reads_as_text(typed: str) -> None:
    """Whatever YAML reads as a plain scalar comes out as that text, never converted.

    PyYAML's BaseLoader resolves nothing (every scalar is its text): the loader
    must agree with it everywhere except the null spellings.
    """
    document = f"a: {typed}\n"
    try:
        expected = yaml.load(document, Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return  # not a plain scalar (a flow indicator, a comment...): the YAML tests cover it
    if not isinstance(expected, dict) or not isinstance(expected.get("a"), str):
        return
    value = expected["a"]
    got = load.loads(document).data["a"]
    if value in ("", "~", "null", "Null", "NULL"):
        assert got is None
    else:
        assert got == value


def test_model_keeps_text_and_converts_only_where_asked() -> None:
    resume = validate.resume(load.load(FIXTURES / "values.yaml"))
    assert resume.basics.phone == "01234567"
    assert resume.basics.label == "yes"
    assert resume.basics.summary == "on"
    assert resume.basics.location is not None
    assert resume.basics.location.postal_code == "08002"
    assert resume.basics.location.country_code == "NO"
    work = resume.work[0]
    assert (work.position, work.summary) == ("off", "1:30")
    assert work.start_date is not None and work.start_date.iso == "2024-09-01"
    assert [b.text for b in work.highlights] == [
        "190:20:30",
        "1e3",
        "0x1F",
        "0o17",
        ".inf",
        "-.NaN",
        "1_000",
        "+12",
        "0b101",
        "2001-12-14t21:59:43.10-05:00",
    ]
    school = resume.education[0]
    assert (school.score, school.area, school.study_type) == ("3.50", "2024-09-01", "1.0")
    assert resume.skills[0].level == "True"
    assert resume.skills[0].keywords == ("007", "1.10", "y", "n", "NULL_", "~tilde")


def test_variant_options_convert_digits_and_true_false() -> None:
    (variant,) = validate.variants(FIXTURES / "variants.yaml")
    assert (variant.max_pages, variant.font_size, variant.footer) == (2, 11, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("max_pages: 1_0", "expected a whole number, got '1_0'"),
        ("max_pages: 0x2", "expected a whole number, got '0x2'"),
        ("max_pages: 2.0", "expected a whole number, got '2.0'"),
        ("max_pages: true", "expected a whole number"),
        ("max_highlights: -1", "greater than or equal to 0"),
        ("footer: maybe", "expected true or false, got 'maybe'"),
        ("footer: yes", "expected true or false, got 'yes'"),
        ("photo: on", "expected true or false, got 'on'"),
        ("font_size: 13", "expected 10, 11 or 12"),
    ],
)
def test_option_numbers_are_checked_where_written(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "variants.yaml"
    path.write_text(f"variants:\n  cv:\n    {text}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate.variants(path)
    assert expected in caught.value.message
    assert str(caught.value.location).startswith(f"{path}:3:")


def test_json_numbers_stay_as_written() -> None:
    loaded = load.load(FIXTURES / "values.json")
    resume = validate.resume(loaded)
    assert resume.basics.phone == "1234567"
    assert resume.basics.label == "1e400"  # not inf
    assert (resume.education[0].score, resume.education[0].area) == ("3.50", "-0.0")
    assert [b.text for b in resume.work[0].highlights] == ["1.10", "100000000000000000000001"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_refused_at_their_place(constant: str) -> None:
    text = '{\n  "basics": {"name": "A",\n    "label": ' + constant + "}\n}\n"
    with pytest.raises(InputError) as caught:
        load.loads(text, "r.json", json_syntax=True)
    assert str(caught.value.location) == "r.json:3:14"
    assert caught.value.field_path == "basics.label"
    assert constant in caught.value.message
    assert caught.value.hint and "NaN or Infinity" in caught.value.hint


def test_export_prints_as_written(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "values.yaml", tmp_path / "values.yaml")
    done = cvpress("export", "--format", "text", "--data", "values.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for typed in ("01234567", "3.50", "1:30", "190:20:30", "0x1F", ".inf", "1_000"):
        assert typed in done.stdout
    done = cvpress("export", "--format", "jsonresume", "--data", "values.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    exported = json.loads(done.stdout)
    assert exported["basics"]["phone"] == "01234567"
    assert exported["education"][0]["score"] == "3.50"


@requires_tex
def test_pdf_prints_what_was_typed(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "values.yaml", tmp_path / "values.yaml")
    done = cvpress(
        "build", "--data", "values.yaml", "--template", "classic", "--out", "out", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    text = read_pdf(pdf.read_bytes()).text
    for typed in (
        "01234567",
        "yes",
        "on",
        "off",
        "1:30",
        "190:20:30",
        "1e3",
        "0x1F",
        "0o17",
        ".inf",
        "1_000",
        "+12",
        "0b101",
        "3.50",
        "2024-09-01",
        "Norway, NO",
        "007, 1.10, y, n",
        "(True)",
    ):
        assert typed in text, typed
    assert "342391" not in text and "3.5," not in text
