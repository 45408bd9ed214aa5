"""Languages: the word tables, CLDR dates, and babel in every template language."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BUILT_VARIANTS, requires_tex, squash
from cvpress.data.dates import PartialDate
from cvpress.pipeline import targets
from cvpress.pipeline.check import read_pdf
from cvpress.tex import i18n

GOLDEN = Path(__file__).parent / "golden" / "everything.yaml"


def test_every_language_has_every_word() -> None:
    keys = set(i18n.WORDS["en"])
    for lang, table in i18n.WORDS.items():
        assert set(table) == keys, lang
        assert all(word.strip() for word in table.values()), lang
    assert {"en", "es", "ca", "de", "fr"} <= set(i18n.WORDS)


@pytest.mark.parametrize(
    ("locale", "ongoing", "closed"),
    [
        ("en", "Sep 2024 – Present", "Mar 2023 – May 2024"),
        ("es", "sept. 2024 – actualidad", "mar. 2023 – may. 2024"),
        ("ca", "set. del 2024 – actualitat", "març del 2023 – maig del 2024"),
        ("de", "Sept. 2024 – heute", "März 2023 – Mai 2024"),
        ("fr", "sept. 2024 – aujourd’hui", "mars 2023 – mai 2024"),
    ],
)
def test_dates_read_naturally(locale: str, ongoing: str, closed: str) -> None:
    assert i18n.date_range(PartialDate(2024, 9), None, locale) == ongoing
    assert i18n.date_range(PartialDate(2023, 3), PartialDate(2024, 5), locale) == closed


def test_years_days_and_events() -> None:
    assert i18n.date_range(PartialDate(2018), PartialDate(2020), "es") == "2018 – 2020"
    assert i18n.date_range(PartialDate(2020, 5), PartialDate(2020, 5), "en") == "May 2020"
    # A start with no end is ongoing at any precision; in a custom section
    # (events=True) a start given to the day is one day, a talk or an exam.
    assert i18n.date_range(PartialDate(2004, 2, 1), None, "en") == "Feb 1, 2004 – Present"
    assert i18n.date_range(PartialDate(2019, 9, 14), None, "en", events=True) == "Sep 14, 2019"


def test_any_cldr_locale_gets_dates_and_english_words() -> None:
    assert i18n.format_date(PartialDate(2024, 7), "sv") == "juli 2024"
    assert i18n.words("sv")["present"] == "Present"
    assert i18n.words("es-ES")["work"] == "Experiencia profesional"
    assert i18n.latex_language("de_AT") == "ngerman"
    assert i18n.latex_language("pt_BR") == "english"  # no babel files installed for it
    assert i18n.latex_language("xx") == "english"


@requires_tex
def test_babel_languages_compile(tmp_path: Path) -> None:
    """Every language of the table builds (pdfLaTeX, babel, shorthands off) and reads back."""
    variants = tmp_path / "variants.yaml"
    lines = ["variants:"]
    templates = {"es": "modern", "ca": "sidebar", "de": "classic", "fr": "compact", "it": "classic"}
    for lang, template in templates.items():
        lines += [
            f"  {lang}:",
            f"    template: {template}",
            f"    locale: {lang}",
            f"    data: {GOLDEN}",
        ]
    variants.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcomes = targets.build_variants(
        variants, options=targets.Options(out=tmp_path / "out", force=True)
    )
    failed = [(o.name, o.error and o.error.problems) for o in outcomes if o.status == "failed"]
    assert not failed
    for o in outcomes:
        assert o.pdf is not None
        text = squash(read_pdf(o.pdf.read_bytes()).text)
        words = i18n.words(o.name)
        for key in ("work", "education", "skills", "present"):
            assert squash(words[key]) in text, (o.name, key)
        assert not [w for w in o.warnings if "Overfull" in w.message], o.name
    it = read_pdf((tmp_path / "out" / "it.pdf").read_bytes()).text
    assert "gen 2019 – mar 2022" in it  # CLDR month names without babel files
    fr = read_pdf((tmp_path / "out" / "fr.pdf").read_bytes()).text
    assert "100% of R&D" in fr  # French babel adds no space before punctuation


@BUILT_VARIANTS
@pytest.mark.tex
def test_cv_es_shows_spanish_titles_and_months(built_variants: Path) -> None:
    text = read_pdf((built_variants / "cv-es.pdf").read_bytes()).text
    for title in ("Perfil", "Experiencia profesional", "Voluntariado", "Formación", "Premios"):
        assert title.lower() in text.lower(), title
    assert "sept. 2024 – actualidad" in text
    assert "mar. 2023 – sept. 2024" in text
    assert "50%" in text  # the data stays as written: no Spanish thin space
    assert "– Present" not in text
