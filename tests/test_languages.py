"""Text in several languages (issue 16): one field, a map from language tag to text.

The English/Spanish fixture (``tests/fixtures/languages/``) builds real PDFs
in both languages; its one missing Spanish bullet falls back to English with
a warning at its line; JSON Resume exports per locale are checked against the
official schema.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import requires_tex
from cvpress import cli
from cvpress.data import languages, load, schema, select, validate
from cvpress.data.model import Resume
from cvpress.data.types import Translated, language_tag
from cvpress.data.variants import Variant
from cvpress.errors import InputError
from cvpress.pipeline.check import read_pdf
from cvpress.tex import i18n

FIXTURES = Path(__file__).parent / "fixtures"
RESUME = FIXTURES / "languages" / "resume.yaml"
VARIANTS = FIXTURES / "languages" / "variants.yaml"
#: The line of the bullet with no Spanish text.
MISSING_LINE = 23


def fixture() -> Resume:
    return validate.resume(load.load(RESUME))


def test_a_text_field_may_map_language_tags_to_text() -> None:
    resume = fixture()
    summary = resume.basics.summary
    assert isinstance(summary, Translated)
    assert summary.texts == (
        ("en", "Interested in building Machine Learning products."),
        ("es", "Me interesa construir productos de aprendizaje automático."),
    )
    bullet = resume.work[0].highlights[2]  # {text: {en, es}, tags}
    assert bullet.tags == ("people",) and isinstance(bullet.text, Translated)
    assert isinstance(resume.skills[0].name, Translated)


@pytest.mark.parametrize(
    ("tag", "canonical"),
    [("es", "es"), ("es-mx", "es-MX"), ("PT-br", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW")],
)
def test_language_tags_are_bcp47_known_to_cldr(tag: str, canonical: str) -> None:
    assert language_tag(tag) == canonical


@pytest.mark.parametrize("tag", ["xx", "Python", "english", "es_MX", "e", 12])
def test_other_keys_are_not_language_tags(tag: object) -> None:
    assert language_tag(tag) is None


def test_a_bad_tag_is_an_error_at_its_field(write_yaml: object) -> None:
    path = write_yaml("basics:\n  name: Ada\n  summary:\n    en: Hi\n    xx: Hola\n")  # type: ignore[operator]
    with pytest.raises(InputError) as caught:
        validate.resume(load.load(path))
    problem = caught.value.problems[0]
    assert problem.field_path == "basics.summary"
    assert "'xx' is not a language tag" in problem.message
    assert problem.location is not None and problem.location.line == 4


def test_the_variant_locale_picks_exact_then_base_language_then_default() -> None:
    resume = fixture()
    for locale, label in [
        ("en", "Machine Learning Engineer"),
        ("es", "Ingeniera de aprendizaje automático"),
        ("es-MX", "Ingeniera de aprendizaje automático"),  # no es-MX text: Spanish
        ("fr", "Machine Learning Engineer"),  # no French: the default language
    ]:
        notes: list[object] = []
        shown, _ = select.apply(resume, Variant(name="v", locale=locale), notes)  # type: ignore[arg-type]
        assert shown.basics.label == label
        assert type(shown.basics.label) is str  # later stages see one language only
    assert languages.default_locale(resume) == "en"


def test_a_missing_translation_falls_back_with_a_warning_naming_the_field() -> None:
    notes: list[object] = []
    shown, _ = select.apply(fixture(), Variant(name="v", locale="es"), notes)  # type: ignore[arg-type]
    assert shown.work[0].highlights[1].text.startswith("Wrote the on-call handbook")
    assert len(notes) == 1
    note = notes[0]
    assert note.field_path == "work[0].highlights[1]"  # type: ignore[attr-defined]
    assert note.severity == "warning"  # type: ignore[attr-defined]
    assert "no 'es' translation: printed in 'en'" in note.message  # type: ignore[attr-defined]


def test_without_a_default_the_first_tag_used_is_the_default() -> None:
    resume = Resume.model_validate(
        {"basics": {"name": "Ada", "label": {"ca": "Enginyera", "en": "Engineer"}}}
    )
    assert languages.default_locale(resume) == "ca"
    shown, notes = languages.resolve(resume, "de")
    assert shown.basics.label == "Enginyera" and notes[0].field_path == "basics.label"


def test_plain_strings_are_language_neutral_and_unchanged() -> None:
    data = json.loads((FIXTURES / "jsonresume-full.json").read_text(encoding="utf-8"))
    resume = Resume.model_validate(data)
    notes: list[object] = []
    shown, _ = select.apply(resume, Variant(name="v", locale="es"), notes)  # type: ignore[arg-type]
    assert notes == [] and languages.tags_used(resume) == []
    assert shown.basics.name == resume.basics.name


def test_the_schema_accepts_both_forms() -> None:
    checker = jsonschema.Draft202012Validator(schema.resume_schema())
    data = load.load(RESUME).data
    assert not list(checker.iter_errors(data))
    # A number is text (cvpress prints it as written); a list in a language is not.
    number = {**data, "basics": {**data["basics"], "label": {"en": 3}}}
    assert not list(checker.iter_errors(number))
    bad = {**data, "basics": {**data["basics"], "label": {"en": ["a", "list"]}}}
    assert list(checker.iter_errors(bad))


def test_it_pt_nl_words() -> None:
    assert i18n.words("it")["work"] == "Esperienza professionale"
    assert i18n.words("pt-BR")["education"] == "Formação"
    assert i18n.words("nl")["present"] == "heden"
    for locale in ("it", "pt", "nl"):
        assert set(i18n.WORDS[locale]) == set(i18n.WORDS["en"])


def test_validate_lists_missing_translations_per_locale(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["validate", str(RESUME), "--variants", str(VARIANTS)]) == 0
    captured = capsys.readouterr()
    assert "translations for 'en': complete" in captured.out
    assert "translations for 'es': 1 missing" in captured.out
    assert "translations for 'es-MX': 1 missing" in captured.out
    assert f"{RESUME}:{MISSING_LINE}:" in captured.err
    assert "no 'es' translation (used by cv-es)" in captured.err


@pytest.mark.parametrize("variant", ["cv-en", "cv-es"])
def test_export_per_locale_is_valid_json_resume(
    variant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["export", "--format", "jsonresume", "--variants", str(VARIANTS), "--variant", variant]
    assert cli.main(args) == 0
    exported = json.loads(capsys.readouterr().out)
    official = json.loads((FIXTURES / "jsonresume-schema-1.0.0.json").read_text(encoding="utf-8"))
    checker = jsonschema.Draft4Validator(
        official, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    assert not list(checker.iter_errors(exported))
    label = exported["basics"]["label"]
    assert label == (
        "Machine Learning Engineer" if variant == "cv-en" else "Ingeniera de aprendizaje automático"
    )
    assert all(isinstance(h, str) for h in exported["work"][0]["highlights"])


@requires_tex
def test_english_and_spanish_pdfs_from_one_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["build", "--variants", str(VARIANTS), "--out", str(tmp_path), "--force"]
    assert cli.main([*args, "--variant", "cv-en", "--variant", "cv-es"]) == 0
    err = capsys.readouterr().err
    english = read_pdf((tmp_path / "cv-en.pdf").read_bytes())
    spanish = read_pdf((tmp_path / "cv-es.pdf").read_bytes())
    assert "Interested in building Machine Learning products." in english.text
    assert "Experience" in english.text and "Mar 2022 – Present" in english.text
    assert "Me interesa construir productos de aprendizaje automático." in spanish.text
    assert "Experiencia profesional" in spanish.text and "mar. 2022 – actualidad" in spanish.text
    assert "Reduje un 40% la latencia" in spanish.text
    assert "Cut model serving latency" not in spanish.text
    # The missing Spanish bullet prints in English, and the warning says where it is.
    assert "Wrote the on-call handbook" in spanish.text
    assert f"resume.yaml:{MISSING_LINE}:" in err
    assert "work[0].highlights[1]: warning: no 'es' translation: printed in 'en'" in err
    assert spanish.metadata["Title"] == "Lucía Serrano Pons – Ingeniera de aprendizaje automático"
