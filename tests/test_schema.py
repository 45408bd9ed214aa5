"""The JSON Schemas editors use: in sync with the code, documented, and true to the data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import DATA, ROOT, VARIANTS
from cvpress import cli
from cvpress.data import schema

SCHEMAS = {
    "resume.schema.json": schema.resume_schema_json,
    "variants.schema.json": schema.variants_schema_json,
}


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_committed_schema_is_what_cvpress_schema_writes(name: str) -> None:
    committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
    assert committed == SCHEMAS[name](), (
        f"run: cvpress schema {'--variants ' if 'variants' in name else ''}--out schema/{name}"
    )


def test_cli_schema_writes_the_same_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["schema"]) == 0
    assert capsys.readouterr().out == schema.resume_schema_json()
    assert cli.main(["schema", "--variants", "--out", str(tmp_path / "v.json")]) == 0
    assert (tmp_path / "v.json").read_text(encoding="utf-8") == schema.variants_schema_json()


def _properties(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield f"{path}.{name}", prop
        for key, value in node.items():
            if key != "properties":
                yield from _properties(value, f"{path}/{key}")
            else:
                for name, prop in value.items():
                    yield from _properties(prop, f"{path}.{name}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _properties(item, f"{path}[{i}]")


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_every_field_has_a_description_and_an_example(name: str) -> None:
    document = json.loads(SCHEMAS[name]())
    jsonschema.Draft202012Validator.check_schema(document)
    undocumented = [
        path
        for path, prop in _properties(document)
        if not prop.get("description") or not prop.get("examples")
    ]
    assert not undocumented


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_examples_in_the_schema_are_valid(name: str) -> None:
    """An example an editor offers must not be underlined by the same editor."""
    document = json.loads(SCHEMAS[name]())
    validator = jsonschema.Draft202012Validator(document)
    for path, prop in _properties(document):
        sub = jsonschema.Draft202012Validator({**prop, "$defs": document["$defs"]})
        for example in prop.get("examples", []):
            assert sub.is_valid(example), (path, example)
    assert validator.is_valid({"basics": {"name": "Ada"}} if "resume" in name else {"variants": {}})


def test_repository_data_validates_against_its_schema() -> None:
    for data, name in ((DATA, "resume.schema.json"), (VARIANTS, "variants.schema.json")):
        first = data.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/{name}"
        document = json.loads((ROOT / "schema" / name).read_text(encoding="utf-8"))
        errors = list(
            jsonschema.Draft202012Validator(document).iter_errors(
                yaml.safe_load(data.read_text(encoding="utf-8"))
            )
        )
        assert not errors, [e.message for e in errors[:3]]


def test_a_json_resume_document_validates_against_the_resume_schema() -> None:
    document = json.loads(schema.resume_schema_json())
    sample = json.loads(
        (ROOT / "tests" / "fixtures" / "jsonresume-full.json").read_text(encoding="utf-8")
    )
    assert not list(jsonschema.Draft202012Validator(document).iter_errors(sample))


def test_schema_accepts_plain_and_tagged_bullets_and_present() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(schema.resume_schema_json()))
    ok = {
        "basics": {"name": "Ada"},
        "work": [
            {"endDate": "present", "highlights": ["plain", {"text": "tagged", "tags": ["x"]}]}
        ],
    }
    assert validator.is_valid(ok)
    assert not validator.is_valid({"basics": {"name": "Ada"}, "work": [{"startDate": "Sept 2024"}]})


def test_a_bare_year_is_a_date_in_the_schema_as_in_cvpress() -> None:
    """``startDate: 2009`` is an integer to a YAML editor and in JSON, and a date to
    cvpress (it reads the text as written): the editor must not underline it."""
    from cvpress.data import load, validate

    validator = jsonschema.Draft202012Validator(json.loads(schema.resume_schema_json()))
    text = "education:\n  - institution: NTNU\n    startDate: 2009\n    endDate: 2013\n"
    assert validator.is_valid({"basics": {"name": "Ada"}, **yaml.safe_load(text)})
    assert validate.resume(load.loads(text)).education[0].start_date is not None
    for wrong in (209, 20091, "Sept 2009"):
        assert not validator.is_valid({"education": [{"startDate": wrong}]}), wrong


def test_a_number_in_a_text_field_is_text_in_the_schema_as_in_cvpress() -> None:
    """``postalCode: 7030`` and ``score: 3.8`` are numbers to a YAML editor and in
    JSON, and text to cvpress (printed as written): the editor must not underline them."""
    from cvpress.data import load, validate

    validator = jsonschema.Draft202012Validator(json.loads(schema.resume_schema_json()))
    text = (
        "basics:\n  name: Ada\n  location: {postalCode: 7030, city: Trondheim}\n"
        "education:\n  - institution: NTNU\n    score: 3.8\n"
    )
    assert validator.is_valid(yaml.safe_load(text))
    resume = validate.resume(load.loads(text))
    assert resume.basics.location is not None and resume.basics.location.postal_code == "7030"
    assert resume.education[0].score == "3.8"
    assert not validator.is_valid({"basics": {"name": ["a list"]}})
