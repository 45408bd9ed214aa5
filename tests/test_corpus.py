"""Every JSON Resume document of the corpus builds with every template under ``auto``.

tests/fixtures/jsonresume/ holds documents written for these tests (no real
person's résumé) that reproduce what the JSON Resume ecosystem produces: the
official sample's shape, theme samples, pre-1.0 keys, CJK, right-to-left and
Indic résumés, HTML and Markdown in text, empty strings, nulls, every date
precision, scheme-less and other-scheme URLs, impossible calendar days, keys
close to known ones, Mastodon and Twitter profiles, long summaries. Each one
builds (exit 0, every field's text in the PDF: the build's own check), or is
refused with exit 2 where the official v1.0.0 schema refuses it too.

One batch build (``--data FOLDER``) per template keeps it to one Python
process and parallel TeX runs: about 10-15 s a template here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, pdf_text, requires_tex, squash
from cvpress.pipeline import targets
from cvpress.tex import templates

CORPUS = ROOT / "tests" / "fixtures" / "jsonresume"
SCHEMA = ROOT / "tests" / "fixtures" / "jsonresume-schema-1.0.0.json"
TEMPLATES = sorted(templates.available())


def _schema_valid(path: Path) -> bool:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema).is_valid(document)


def test_the_corpus_is_large_and_mostly_valid_json_resume() -> None:
    documents = sorted(CORPUS.glob("*.json"))
    assert len(documents) >= 30
    valid = [d for d in documents if _schema_valid(d)]
    assert len(valid) >= 30, [d.name for d in documents if d not in valid]


def _build(template: str, out: Path) -> dict[str, targets.Outcome]:
    """document stem -> outcome: one batch build of the whole corpus with ``template``."""
    outcomes = targets.build_adhoc(
        [CORPUS], template, targets.Options(out=out, force=True, timeout=300)
    )
    return {o.name: o for o in outcomes}


def _text(outcomes: dict[str, targets.Outcome], name: str) -> str:
    pdf = outcomes[name].pdf
    assert pdf is not None
    return squash(pdf_text(pdf))


# One test per template (not a fixture holding every template's build): under
# pytest-xdist each worker then builds only the templates it tests.
@requires_tex
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_document_builds_or_the_schema_refuses_it_too(template: str, tmp_path: Path) -> None:
    outcomes = _build(template, tmp_path)
    assert len(outcomes) == len(list(CORPUS.glob("*.json")))
    wrong = []
    for name, outcome in sorted(outcomes.items()):
        if outcome.status == "built":
            continue
        error = outcome.error
        refused_as_input = error is not None and error.exit_code == 2
        if not (refused_as_input and not _schema_valid(CORPUS / f"{name}.json")):
            wrong.append((name, error and [p.message for p in error.problems][:2]))
    assert not wrong, wrong

    # What the documents hold is printed.
    profiles = _text(outcomes, "profiles-mastodon-twitter")
    assert squash("Mastodon: @zoe@hachyderm.example") in profiles
    assert squash("Twitter: @janeroe") in profiles
    assert squash("Feb 1, 2004 – Present") in _text(outcomes, "dates-days")
    html = _text(outcomes, "html-in-text")
    assert squash("See my portfolio.") in html and "<a" not in html
    assert "<script>" in html  # other tags print as text
    empty = _text(outcomes, "empty-strings")
    assert "Experience" not in empty and "Skills" not in empty
    assert squash("Grade: 3.8") in _text(outcomes, "bare-score-and-courses")
    assert ".," not in _text(outcomes, "bare-score-and-courses")
    # A document that is invalid JSON Resume and that cvpress refuses names the line.
    refused = outcomes["invalid-date-format"].error
    assert refused is not None and refused.exit_code == 2
    assert refused.location is not None and refused.location.line == 8
