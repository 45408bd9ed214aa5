"""Text in several languages: which translation a variant prints, and what is missing.

A text field may be written as ``{en: ..., es: ...}`` (a
:class:`~cvpress.data.types.Translated` value). A variant's ``locale`` picks the
translation: the exact tag first (``es-MX``), then the language alone
(``es``). A field without either falls back to the document's default
language (``meta.cvpress.defaultLocale``, else the first tag the document
uses), and that fallback is a warning naming the field: a Spanish résumé
with one English bullet is almost always a translation the person forgot.
Plain strings are language-neutral: they print as written in every variant.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from ..errors import Problem
from .load import PathKey, format_path
from .model import Resume, base_language
from .types import Translated, language_tag


def default_locale(resume: Resume) -> str | None:
    """``meta.cvpress.defaultLocale`` if given, else the first tag the document uses."""
    stored = resume.meta.get("cvpress") if isinstance(resume.meta, dict) else None
    if isinstance(stored, dict):
        tag = language_tag(stored.get("defaultLocale"))
        if tag is not None:
            return tag
    for _path, value in translations(resume):
        return value.texts[0][0]
    return None


def translations(value: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, Translated]]:
    """Every translated field of ``value`` (a model, a tuple of them), in document order."""
    if isinstance(value, Translated):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from translations(getattr(value, name), (*path, name))
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from translations(item, (*path, i))


def pick(value: Translated, locale: str) -> str | None:
    """The text for ``locale``: its exact tag, else its language's; None when neither is written."""
    wanted = locale.replace("_", "-").lower()
    base = base_language(locale)
    texts = {tag.lower(): text for tag, text in value.texts}
    return texts.get(wanted, texts.get(base))


def tags_used(resume: Resume) -> list[str]:
    """Every language tag the document writes, in order of first use."""
    seen: dict[str, None] = {}
    for _path, value in translations(resume):
        for tag, _text in value.texts:
            seen.setdefault(tag, None)
    return list(seen)


def missing(resume: Resume, locale: str) -> list[str]:
    """Field paths with translations, but none for ``locale``."""
    return [
        format_path(_field(path))
        for path, value in translations(resume)
        if pick(value, locale) is None
    ]


def resolve(
    resume: Resume, locale: str, default: str | None = None
) -> tuple[Resume, list[Problem]]:
    """``resume`` with every translated field replaced by its text in ``locale``.

    A field lacking ``locale`` prints in ``default`` (else its first
    translation) and yields a warning whose field path is ``resume``'s own;
    the caller points it at the data file.
    """
    if default is None:
        default = default_locale(resume)
    problems: list[Problem] = []
    resolved = _resolve(resume, (), locale, default, problems)
    assert isinstance(resolved, Resume)
    return resolved, problems


def _resolve(
    value: Any, path: PathKey, locale: str, default: str | None, problems: list[Problem]
) -> Any:
    if isinstance(value, Translated):
        text = pick(value, locale)
        if text is not None:
            return text
        fallback = pick(value, default) if default else None
        used = default if fallback is not None else value.texts[0][0]
        field = format_path(_field(path))
        written = ", ".join(t for t, _ in value.texts)
        problems.append(
            Problem(
                f"no {locale!r} translation: printed in {used!r}",
                field_path=field,
                hint=f"add '{base_language(locale)}: ...' to {field} (it has {written})",
                severity="warning",
            )
        )
        return fallback if fallback is not None else value.texts[0][1]
    if isinstance(value, BaseModel):
        update = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = _resolve(old, (*path, name), locale, default, problems)
            if new is not old:
                update[name] = new
        return value.model_copy(update=update) if update else value
    if isinstance(value, tuple):
        items = [
            _resolve(item, (*path, i), locale, default, problems) for i, item in enumerate(value)
        ]
        return tuple(items) if any(a is not b for a, b in zip(items, value, strict=True)) else value
    return value


def _field(path: PathKey) -> PathKey:
    """A bullet's text is named by the bullet (``work[0].highlights[2]``), as it is written."""
    if len(path) >= 2 and path[-1] == "text" and isinstance(path[-2], int):
        return path[:-1]
    return path


def missing_report(resume: Resume, locales: dict[str, list[str]]) -> dict[str, list[Problem]]:
    """``cvpress validate``: per locale a variant uses, each translated field lacking it.

    ``locales`` maps each locale to the variants that use it. A document that
    writes no translations gets an empty report: plain text is language-neutral.
    """
    if not tags_used(resume):
        return {}
    fallback = default_locale(resume)
    return {
        locale: [
            Problem(
                f"no {locale!r} translation (used by {', '.join(variants)}): "
                f"printed in {fallback!r}",
                field_path=path,
                hint=f"add '{base_language(locale)}: ...' to {path}",
                severity="warning",
            )
            for path in missing(resume, locale)
        ]
        for locale, variants in locales.items()
    }
