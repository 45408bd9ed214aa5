"""Export: JSON Resume (validated against the published v1.0.0 schema), Markdown, text.

tests/fixtures/jsonresume-schema-1.0.0.json is a faithful copy of the official
schema.json of jsonresume/resume-schema at tag v1.0.0 (draft-04; it cannot be
downloaded during tests), so validation here is what the ecosystem's own
validator would say.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import DATA, ROOT, squash
from cvpress import cli
from cvpress.data import load, select, validate
from cvpress.data.model import Resume
from cvpress.data.variants import Variant
from cvpress.outputs import export
from cvpress.pipeline.check import visible_strings

FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = FIXTURES / "jsonresume-full.json"


def _official() -> jsonschema.Draft4Validator:
    schema = json.loads((FIXTURES / "jsonresume-schema-1.0.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def _resume(path: Path) -> Resume:
    return validate.resume(load.load(path))


def _walk_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _walk_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _walk_keys(v)}
    return set()


def test_sample_is_itself_valid_json_resume() -> None:
    _official().validate(json.loads(SAMPLE.read_text(encoding="utf-8")))


def test_json_resume_sample_round_trips_unchanged() -> None:
    original = json.loads(SAMPLE.read_text(encoding="utf-8"))
    exported = json.loads(export.export(_resume(SAMPLE), "jsonresume"))
    _official().validate(exported)
    assert exported == original  # unknown keys (x-team-size, meta.theme) kept too


def test_repository_data_exports_valid_json_resume() -> None:
    resume = _resume(DATA)
    document = export.to_jsonresume(resume)
    _official().validate(document)
    assert "tags" not in _walk_keys(document)
    for entry in document.get("work", []):
        assert all(isinstance(h, str) for h in entry.get("highlights", []))
    if resume.custom:
        assert "custom" not in document
        assert len(document["meta"]["cvpress"]["custom"]) == len(resume.custom)


def test_export_then_import_keeps_everything_but_tags(tmp_path: Path) -> None:
    resume = _resume(DATA)
    path = tmp_path / "resume.json"
    path.write_text(export.export(resume, "jsonresume"), encoding="utf-8")
    again = _resume(path)
    assert export.to_jsonresume(again) == export.to_jsonresume(resume)
    assert list(visible_strings(again)) == list(visible_strings(resume))


def test_custom_sections_and_unknown_top_level_keys_stay_valid() -> None:
    data = {
        "basics": {"name": "Ada"},
        "custom": [{"title": "Talks", "entries": [{"title": "On engines", "tags": ["x"]}]}],
        "x-hobbies": ["chess"],
    }
    document = export.to_jsonresume(Resume.model_validate(data))
    _official().validate(document)
    assert document["meta"]["cvpress"] == {
        "custom": [{"title": "Talks", "entries": [{"title": "On engines"}]}],
        "extra": {"x-hobbies": ["chess"]},
    }


@pytest.fixture(scope="module")
def short_variant() -> Variant:
    return Variant.model_validate(
        {
            "name": "short",
            "template": "classic",
            "exclude_tags": ["detail"],
            "sections": ["work", "summary", "skills"],
        }
    )


def test_text_export_shows_exactly_the_variants_selection(short_variant: Variant) -> None:
    resume = _resume(DATA)
    selected, _order = select.apply(resume, short_variant)
    text = export.export(resume, "text", short_variant)
    flat = squash(text)
    for path, value in visible_strings(selected):
        if path.startswith(("work", "skills", "basics.summary", "basics.name")):
            assert squash(value) in flat, path
    dropped = [b.text for w in resume.work for b in w.highlights if "detail" in b.tags]
    assert dropped, "the seed data tags some bullets 'detail'"
    assert not any(squash(d) in flat for d in dropped)
    # sections in the variant's order: work before summary; education left out
    assert text.index("EXPERIENCE") < text.index("SUMMARY")
    assert resume.education and "EDUCATION" not in text


def test_markdown_export_keeps_inline_markup_and_headings(short_variant: Variant) -> None:
    data = {
        "basics": {"name": "Ada", "summary": "Likes **fast** code"},
        "work": [
            {
                "name": "Engines",
                "position": "Programmer",
                "startDate": "2024-09",
                "highlights": ["Wrote `Note G`"],
            }
        ],
    }
    md = export.export(Resume.model_validate(data), "markdown", short_variant)
    assert md.startswith("# Ada\n")
    assert "## Experience\n" in md
    assert "### Programmer — Engines — Sep 2024 – Present\n" in md
    assert "- Wrote `Note G`\n" in md
    assert "Likes **fast** code" in md
    text = export.export(Resume.model_validate(data), "text", short_variant)
    assert "Likes fast code" in text and "• Wrote Note G" in text


def test_cli_export_writes_a_file_and_uses_the_variant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "resume.yaml").write_text(DATA.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "variants.yaml").write_text(
        "variants:\n  mini:\n    sections: [skills]\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    code = cli.main(
        [
            "export",
            "--format",
            "jsonresume",
            "--variant",
            "mini",
            "--variants",
            "variants.yaml",
            "--out",
            "out.json",
        ]
    )
    assert code == 0
    document = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    _official().validate(document)
    assert set(document) <= {"$schema", "basics", "skills", "meta"}
    assert "summary" not in document["basics"]
    capsys.readouterr()
    assert (
        cli.main(["export", "--format", "text", "--variant", "nope", "--variants", "variants.yaml"])
        == 2
    )
    assert "no variant named 'nope'" in capsys.readouterr().err
