"""A letter as a ``.tex`` document, in the look of its variant's template.

The layout is a Jinja child of the template's own résumé document
(``latex/_base/letter.tex.j2`` extends ``<template>/template.tex.j2`` and
replaces its body), so fonts, margins, colours and the sender's header are
the résumé's by construction; a template may refine its letter with a
``letter.tex.j2`` of its own. Rendering goes through :func:`cvpress.tex.render.render`,
so every value is escaped by the same ``finalize`` as the résumé's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..data.dates import PartialDate
from ..data.letter import Letter
from ..data.model import Basics, Resume
from ..data.variants import Variant
from .i18n import long_date
from .render import render
from .templates import TEMPLATE_FILE, available

LETTER_FILE = "letter.tex.j2"


def layout(template: str, extra_paths: Iterable[Path] = ()) -> str:
    """The template's own ``letter.tex.j2`` when it has one, else the shared base."""
    folder = available(extra_paths).get(template)
    if folder is not None and (folder / LETTER_FILE).is_file():
        return f"{template}/{LETTER_FILE}"
    return f"_base/{LETTER_FILE}"


def render_letter(
    letter: Letter,
    sender: Basics,
    variant: Variant,
    *,
    engine: str,
    today: PartialDate,
    version: str = "",
    updated: str = "",
    extra_paths: Iterable[Path] = (),
    cache_dir: Path | None = None,
) -> str:
    """The complete ``.tex`` of ``letter``; ``today`` dates a letter that gives no date.

    Only the sender's ``basics`` reach the template (nothing else of the
    résumé is a letter's to print), and ``bold_keywords`` do not apply: they
    are for scanning a résumé, not for prose.
    """
    paths = tuple(extra_paths)
    return render(
        Resume(basics=sender),
        variant.model_copy(update={"bold_keywords": ()}),
        engine=engine,
        sections=(),
        version=version,
        updated=updated,
        extra_paths=paths,
        cache_dir=cache_dir,
        document=layout(variant.template, paths),
        extra={
            "letter": letter,
            "resume_template": f"{variant.template}/{TEMPLATE_FILE}",
            "letter_date": long_date(letter.date or today, variant.locale),
        },
    )
