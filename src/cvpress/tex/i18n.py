"""Words and dates in the variant's language.

Fixed words (section titles, "Present") come from one table per language
below; month names come from babel's CLDR data, so a locale missing from the
table still gets correct dates and falls back to English words.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..data.dates import PartialDate
from ..data.model import base_language

if TYPE_CHECKING:
    import datetime

#: The template's own words, per language. Keys are stable identifiers used by templates.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "present": "Present",
        "summary": "Summary",
        "work": "Experience",
        "volunteer": "Volunteering",
        "education": "Education",
        "projects": "Projects",
        "publications": "Publications",
        "awards": "Awards",
        "certificates": "Certificates",
        "skills": "Skills",
        "languages": "Languages",
        "interests": "Interests",
        "references": "References",
        "courses": "Courses",
        "score": "Grade",
        "updated": "Updated",
        "page": "Page",
        "cv": "Curriculum Vitae",
        "letter": "Cover letter",
        "continued": "continued",
        "foot_page": "page",
        "foot_of": "of",
    },
    "es": {
        "present": "actualidad",
        "summary": "Perfil",
        "work": "Experiencia profesional",
        "volunteer": "Voluntariado",
        "education": "Formación",
        "projects": "Proyectos",
        "publications": "Publicaciones",
        "awards": "Premios",
        "certificates": "Certificados",
        "skills": "Habilidades",
        "languages": "Idiomas",
        "interests": "Intereses",
        "references": "Referencias",
        "courses": "Asignaturas",
        "score": "Nota",
        "updated": "Actualizado",
        "page": "Página",
        "cv": "Currículum vítae",
        "letter": "Carta de presentación",
        "continued": "continuación",
        "foot_page": "página",
        "foot_of": "de",
    },
    "ca": {
        "present": "actualitat",
        "summary": "Perfil",
        "work": "Experiència professional",
        "volunteer": "Voluntariat",
        "education": "Formació",
        "projects": "Projectes",
        "publications": "Publicacions",
        "awards": "Premis",
        "certificates": "Certificats",
        "skills": "Competències",
        "languages": "Idiomes",
        "interests": "Interessos",
        "references": "Referències",
        "courses": "Assignatures",
        "score": "Nota",
        "updated": "Actualitzat",
        "page": "Pàgina",
        "cv": "Currículum vítae",
        "letter": "Carta de presentació",
        "continued": "continuació",
        "foot_page": "pàgina",
        "foot_of": "de",
    },
    "de": {
        "present": "heute",
        "summary": "Profil",
        "work": "Berufserfahrung",
        "volunteer": "Ehrenamtliches Engagement",
        "education": "Bildungsweg",
        "projects": "Projekte",
        "publications": "Publikationen",
        "awards": "Auszeichnungen",
        "certificates": "Zertifikate",
        "skills": "Kenntnisse",
        "languages": "Sprachen",
        "interests": "Interessen",
        "references": "Referenzen",
        "courses": "Schwerpunkte",
        "score": "Note",
        "updated": "Aktualisiert",
        "page": "Seite",
        "cv": "Lebenslauf",
        "letter": "Anschreiben",
        "continued": "Fortsetzung",
        "foot_page": "Seite",
        "foot_of": "von",
    },
    "fr": {
        "present": "aujourd’hui",
        "summary": "Profil",
        "work": "Expérience professionnelle",
        "volunteer": "Bénévolat",
        "education": "Formation",
        "projects": "Projets",
        "publications": "Publications",
        "awards": "Distinctions",
        "certificates": "Certifications",
        "skills": "Compétences",
        "languages": "Langues",
        "interests": "Centres d’intérêt",
        "references": "Références",
        "courses": "Cours",
        "score": "Note",
        "updated": "Mis à jour",
        "page": "Page",
        "cv": "Curriculum vitæ",
        "letter": "Lettre de motivation",
        "continued": "suite",
        "foot_page": "page",
        "foot_of": "sur",
    },
    "it": {
        "present": "oggi",
        "summary": "Profilo",
        "work": "Esperienza professionale",
        "volunteer": "Volontariato",
        "education": "Formazione",
        "projects": "Progetti",
        "publications": "Pubblicazioni",
        "awards": "Riconoscimenti",
        "certificates": "Certificazioni",
        "skills": "Competenze",
        "languages": "Lingue",
        "interests": "Interessi",
        "references": "Referenze",
        "courses": "Corsi",
        "score": "Voto",
        "updated": "Aggiornato",
        "page": "Pagina",
        "cv": "Curriculum vitae",
        "letter": "Lettera di presentazione",
        "continued": "continua",
        "foot_page": "pagina",
        "foot_of": "di",
    },
    "pt": {
        "present": "atual",
        "summary": "Perfil",
        "work": "Experiência profissional",
        "volunteer": "Voluntariado",
        "education": "Formação",
        "projects": "Projetos",
        "publications": "Publicações",
        "awards": "Prémios",
        "certificates": "Certificações",
        "skills": "Competências",
        "languages": "Idiomas",
        "interests": "Interesses",
        "references": "Referências",
        "courses": "Disciplinas",
        "score": "Nota",
        "updated": "Atualizado",
        "page": "Página",
        "cv": "Curriculum vitae",
        "letter": "Carta de apresentação",
        "continued": "continuação",
        "foot_page": "página",
        "foot_of": "de",
    },
    "nl": {
        "present": "heden",
        "summary": "Profiel",
        "work": "Werkervaring",
        "volunteer": "Vrijwilligerswerk",
        "education": "Opleiding",
        "projects": "Projecten",
        "publications": "Publicaties",
        "awards": "Prijzen",
        "certificates": "Certificaten",
        "skills": "Vaardigheden",
        "languages": "Talen",
        "interests": "Interesses",
        "references": "Referenties",
        "courses": "Vakken",
        "score": "Cijfer",
        "updated": "Bijgewerkt",
        "page": "Pagina",
        "cv": "Curriculum vitae",
        "letter": "Motivatiebrief",
        "continued": "vervolg",
        "foot_page": "pagina",
        "foot_of": "van",
    },
}

#: babel language per locale, for the languages whose babel files the bootstrap
#: installs (texlive-lang-spanish, -european, -german, -french). Any other locale
#: (Italian and Portuguese among them: their babel files are not installed)
#: typesets with English babel settings; its dates still come from CLDR (they are
#: formatted in Python, not by babel) and its words fall back to English. Since
#: templates switch hyphenation off, babel's patterns only matter to a template
#: that turns it back on (``\cvhyphenate``).
LATEX_LANGUAGE: dict[str, str] = {
    "en": "english",
    "es": "spanish",
    "ca": "catalan",
    "de": "ngerman",
    "fr": "french",
    "nl": "dutch",
}


def words(locale: str) -> dict[str, str]:
    """The fixed words for ``locale``, English for any word a language lacks."""
    table = dict(WORDS["en"])
    table.update(WORDS.get(base_language(locale), {}))
    return table


def latex_language(locale: str) -> str:
    return LATEX_LANGUAGE.get(base_language(locale), "english")


#: CLDR's English month names (yMMM is "Sep 2024", yMMMd "Sep 15, 2024", yMMMM "September 2024").
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@lru_cache(maxsize=256)
def _english(locale: str) -> bool:
    """Whether CLDR's English patterns apply, which are written here without babel.

    Loading babel and its locale data costs ~25 ms on the edit-rebuild path;
    tests/test_reproducible.py compares these patterns with babel's.
    """
    return locale in ("en", "en_US", "en-US")


def format_date(date: PartialDate, locale: str = "en") -> str:
    """``2024-09`` -> "Sep 2024" (en), "sept. 2024" (es); a year stays a year."""
    if date.month is None:
        return str(date.year)
    if _english(locale):
        month = ENGLISH_MONTHS[date.month - 1][:3]
        return f"{month} {date.year}" if date.day is None else f"{month} {date.day}, {date.year}"
    import datetime

    day = datetime.date(date.year, date.month, date.day or 1)
    text = _babel("yMMM" if date.day is None else "yMMMd", day, locale)
    if base_language(locale) in ABBREVIATION_PERIOD:
        text = _with_period(text, date.month, locale)
    return text


def month_year(day: datetime.date, locale: str = "en") -> str:
    """ "November 2026", in the variant's language (the footer's "Updated ...")."""
    if _english(locale):
        return f"{ENGLISH_MONTHS[day.month - 1]} {day.year}"
    return _babel("yMMMM", day, locale)


def long_date(date: PartialDate, locale: str = "en") -> str:
    """A letter's date written out: "November 30, 2026" (en), "30 de noviembre de 2026" (es).

    A date without its day prints as :func:`format_date` does.
    """
    if date.month is None or date.day is None:
        return format_date(date, locale)
    if _english(locale):
        return f"{ENGLISH_MONTHS[date.month - 1]} {date.day}, {date.year}"
    import datetime

    return _babel("yMMMMd", datetime.date(date.year, date.month, date.day), locale)


def _babel(skeleton: str, day: datetime.date, locale: str) -> str:
    from babel.dates import format_skeleton

    return str(format_skeleton(skeleton, day, locale=locale.replace("-", "_")))


#: Languages whose style guides end an abbreviated month with a period where
#: CLDR does not: the RAE writes "ene.", "sept." (CLDR's Spanish data prints
#: "ene", "sept").
ABBREVIATION_PERIOD = frozenset({"es"})


def _with_period(text: str, month: int, locale: str) -> str:
    """``text`` with the month's abbreviation followed by a period (once)."""
    from babel.dates import get_month_names

    name = str(get_month_names("abbreviated", "format", locale.replace("-", "_"))[month])
    if name.endswith(".") or name not in text:
        return text
    return text.replace(name, name + ".", 1)


def date_range(
    start: PartialDate | None,
    end: PartialDate | None,
    locale: str = "en",
    *,
    events: bool = False,
) -> str:
    """ "Sep 2024 – Present"; a single date when start and end are equal.

    A start with no end is ongoing at any precision ("Feb 1, 2004 – Present"):
    JSON Resume's work, education and projects mean "present" by a missing
    endDate, whatever precision the start has. With ``events`` (the entries of
    custom sections: talks, patents), a start given to the day with no end is
    one day, not a period. The word for "present" is lower case where the
    language writes it so after a month ("sept 2024 – actualidad"),
    capitalised in English.
    """
    return RANGE_SEPARATOR.join(text for _, text in date_parts(start, end, locale, events=events))


#: What stands between the two ends of a date range.
RANGE_SEPARATOR = " – "


def date_parts(
    start: PartialDate | None,
    end: PartialDate | None,
    locale: str = "en",
    *,
    ongoing: bool = True,
    events: bool = False,
) -> tuple[tuple[PartialDate | None, str], ...]:
    """The ends :func:`date_range` prints, each with its date (None for "present").

    HTML marks each end up as a ``<time>`` of its own, so the rule for what a
    range shows lives here once, for every output. ``ongoing=False``: a lone
    date (an award's), never "– Present"; ``events``: see :func:`date_range`.
    """
    if start is None:
        return ((end, format_date(end, locale)),) if end is not None else ()
    first = format_date(start, locale)
    if end is None:
        if not ongoing or (events and start.day is not None):
            return ((start, first),)
        return ((start, first), (None, words(locale)["present"]))
    last = format_date(end, locale)
    return ((start, first),) if first == last else ((start, first), (end, last))
