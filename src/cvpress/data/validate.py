"""From loaded data to models, with every problem located in the source.

Pydantic reports *what* is wrong at a field path; the source map says *where*.
This module joins the two, adds the checks JSON Resume's openness makes
necessary (a misspelt key must not silently drop a section) and returns all
problems at once, sorted by position, so one run shows every mistake.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_snake

from ..errors import InputError, Problem, Warnings
from . import breaks, compat
from . import load as load_mod
from .compat import PROJECT, Policy
from .fields import known_keys, locate, submodels
from .load import Loaded, PathKey, SourceMap, format_path
from .messages import example_of, explain, kind_of
from .model import Bullet, Model, Resume
from .variants import Variant, VariantOptions, VariantsFile

M = TypeVar("M", bound=Model)


def resume(loaded: Loaded, warnings: Warnings | None = None, policy: Policy = PROJECT) -> Resume:
    """Validate loaded data as a ``Resume``; raise one ``InputError`` with all problems.

    ``policy`` says which findings are errors and which are warnings
    (:mod:`cvpress.data.compat`): the project's own data by default.
    """
    if not isinstance(loaded.data, dict):
        raise InputError(
            f"expected a mapping with a 'basics' section at the top, got {kind_of(loaded.data)}",
            location=loaded.source.locate(()),
            hint="a résumé starts with 'basics:' followed by your name, see `cvpress new`",
        )
    loaded, repaired = compat.repair(loaded, policy)
    return document(loaded.data, loaded.source, Resume, warnings, policy, repaired)


def document(
    data: dict[str, Any],
    source: SourceMap,
    model: type[M],
    warnings: Warnings | None = None,
    policy: Policy = PROJECT,
    found: Sequence[Problem] = (),
) -> M:
    """Validate ``data`` as ``model`` under the résumé's rules (typos are errors, other
    unknown keys warnings), every problem located through ``source``; the one
    entry point for any document the person writes (a résumé, a letter's front matter).

    ``policy``: which findings are errors (cvpress.data.compat); ``found``: findings
    made before validation (repaired dates); a résumé is also linted.
    """
    problems: list[Problem] = []
    found_warnings: list[Problem] = []
    _sort_findings(list(found), problems, found_warnings)
    _check_keys(data, model, (), source, problems, found_warnings, policy)
    parsed: M | None = None
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_from_pydantic(exc, source, model=model))
    if isinstance(parsed, Resume):
        _sort_findings(compat.lint(parsed, source, policy), problems, found_warnings)
    if problems:
        # Warnings ride along with the errors: a kept-but-ignored key may be
        # the reason for an error next to it, and one run should show all.
        raise _combined(problems + found_warnings)
    if warnings is not None:
        for item in sorted(found_warnings, key=Problem.sort_key):
            warnings.add(item)
    assert parsed is not None
    return parsed


def _sort_findings(
    findings: list[Problem], problems: list[Problem], warnings: list[Problem]
) -> None:
    for item in findings:
        (problems if item.severity == "error" else warnings).append(item)


def project(
    data: Path | str,
    variants_file: Path | str | None,
    warnings: Warnings | None = None,
    policy: Policy = PROJECT,
) -> tuple[Resume, list[Variant]]:
    """Both files at once, and the letters of letter variants: every problem of each,
    and section names checked against the data."""
    problems: list[Problem] = []
    parsed: Resume | None = None
    try:
        parsed = resume(load_mod.load(data), warnings, policy)
    except InputError as exc:
        problems.extend(exc.problems)
    found: list[Variant] = []
    if variants_file is not None:
        try:
            found = variants(variants_file, parsed)
        except InputError as exc:
            problems.extend(exc.problems)
        from . import letter

        for path in dict.fromkeys(Path(variants_file).parent / v.letter for v in found if v.letter):
            try:
                letter.load(path, warnings)
            except InputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise _combined(problems)
    assert parsed is not None
    return parsed, found


def variants(
    path: Path | str, data: Resume | None = None, template_paths: Sequence[Path] = ()
) -> list[Variant]:
    """Load a variants file: each variant is ``defaults`` overlaid by its own keys.

    With the résumé (``data``), every section name is checked against it (custom
    sections included); without it, only near-typos of the standard names.
    Template names are checked against the templates on the search path
    (``template_paths`` first), at the line that names them.
    """
    from ..tex import templates

    loaded = load_mod.load(path)
    known_templates: list[str] | None = None
    problems: list[Problem] = []
    try:
        spec = VariantsFile.model_validate(loaded.data if loaded.data else {})
    except ValidationError as exc:
        raise _combined(_from_pydantic(exc, loaded.source, forbid=VariantsFile)) from None
    out: list[Variant] = []
    try:  # defaults once, at their own lines (not once per variant that inherits them)
        VariantOptions.model_validate(spec.defaults)
    except ValidationError as exc:
        problems.extend(
            _from_pydantic(exc, loaded.source, prefix=("defaults",), forbid=VariantOptions)
        )
    for name, options in spec.variants.items():
        own = options or {}
        merged = {**spec.defaults, **own, "name": name}
        try:
            variant = Variant.model_validate(merged)
            out.append(variant)
            if known_templates is None:
                known_templates = sorted(templates.available(template_paths))
            if variant.template not in known_templates:
                where: PathKey = (
                    ("variants", name, "template")
                    if "template" in own
                    else ("defaults", "template")
                )
                close = difflib.get_close_matches(variant.template, known_templates, n=1)
                guess = f"did you mean {close[0]!r}? " if close else ""
                problems.append(
                    Problem(
                        f"no template named {variant.template!r}",
                        location=loaded.source.locate(where),
                        field_path=format_path(where),
                        hint=f"{guess}templates: " + ", ".join(known_templates),
                    )
                )
        except ValidationError as exc:
            for problem, error in zip(
                _from_pydantic(
                    exc, loaded.source, prefix=("variants", name), forbid=VariantOptions
                ),
                exc.errors(include_url=False),
                strict=True,
            ):
                key = error["loc"][0] if error["loc"] else None
                if key in spec.defaults and key not in own:
                    continue  # reported under defaults
                problems.append(problem)
        problems.extend(
            _section_typos(own.get("sections"), ("variants", name, "sections"), loaded.source, data)
        )
        problems.extend(
            _repeats(own.get("sections"), ("variants", name, "sections"), loaded.source)
        )
        limits = (
            list(own.get("max_items") or ()) if isinstance(own.get("max_items"), dict) else None
        )
        problems.extend(
            _section_typos(limits, ("variants", name, "max_items"), loaded.source, data)
        )
        if data is not None and "page_break_before" in own:
            own_breaks: PathKey = ("variants", name, "page_break_before")
            problems.extend(
                breaks.problems(own["page_break_before"], own_breaks, loaded.source, data)
            )
    problems.extend(
        _section_typos(spec.defaults.get("sections"), ("defaults", "sections"), loaded.source, data)
    )
    problems.extend(
        _repeats(spec.defaults.get("sections"), ("defaults", "sections"), loaded.source)
    )
    if data is not None:
        value = spec.defaults.get("page_break_before")
        problems.extend(
            breaks.problems(value, ("defaults", "page_break_before"), loaded.source, data)
        )
    if problems:
        raise _combined(problems)
    if not out:
        raise InputError(
            "no variants defined",
            location=loaded.source.locate(("variants",)),
            hint="add at least one, e.g. 'variants: {cv: {template: classic}}'",
        )
    return out


def section_problems(path: Path | str, name: str, data: Resume) -> list[Problem]:
    """Variant ``name``'s unknown section (and page break) names, checked against ``data``.

    :func:`variants` without the résumé lets names that may be custom sections
    through; the build, which has the résumé, asks here so that its error
    points into the variants file like ``cvpress validate``'s does. A key the
    variant does not set is inherited from ``defaults`` and reported there.
    """
    loaded = load_mod.load(path)

    def mapping(value: Any) -> dict[str, Any]:
        return value if isinstance(value, dict) else {}

    raw = mapping(loaded.data)
    defaults = mapping(raw.get("defaults"))
    own = mapping(mapping(raw.get("variants")).get(name))
    problems: list[Problem] = []
    for key in ("sections", "max_items"):
        where: PathKey = ("variants", name, key) if key in own else ("defaults", key)
        value = own.get(key) if key in own else defaults.get(key)
        if key == "max_items":
            value = list(value) if isinstance(value, dict) else None
        problems.extend(_section_typos(value, where, loaded.source, data))
    key = "page_break_before"
    where = ("variants", name, key) if key in own else ("defaults", key)
    value = own.get(key) if key in own else defaults.get(key)
    problems.extend(breaks.problems(value, where, loaded.source, data))
    return problems


#: Variant options that select résumé content: a letter has none to select.
_RESUME_ONLY = (
    "include_tags",
    "exclude_tags",
    "sections",
    "max_items",
    "max_highlights",
    "bold_keywords",
)


def letter_ignores(path: Path | str, name: str) -> list[Problem]:
    """Warnings, at their lines, for résumé-only options letter variant ``name`` sets itself.

    Inherited ``defaults`` are meant for the résumés and go unmentioned.
    """
    loaded = load_mod.load(path)
    variants_map = loaded.data.get("variants") if isinstance(loaded.data, dict) else None
    own = variants_map.get(name) if isinstance(variants_map, dict) else None
    return [
        Problem(
            f"{key!r} is ignored in letter variant {name!r}",
            location=loaded.source.locate(("variants", name, key), key=True),
            field_path=format_path(("variants", name, key)),
            hint="a letter prints its .md file as written: remove the option",
            severity="warning",
        )
        for key in (own if isinstance(own, dict) else {})
        if key in _RESUME_ONLY
    ]


def _section_typos(
    sections: Any, path: PathKey, source: SourceMap, data: Resume | None = None
) -> list[Problem]:
    """Unknown section names in ``sections`` (or ``max_items``' keys), at their line.

    Without the résumé only a near-typo of a standard name (``wrok``) is an
    error: other names may be custom sections, which only the data file knows
    (the build checks those).
    """
    from .model import SECTIONS
    from .select import section_names

    out: list[Problem] = []
    if not isinstance(sections, list):
        return out
    known = section_names(data) if data is not None else list(SECTIONS)
    keyed = path[-1] == "max_items"
    for i, name in enumerate(sections):
        if not isinstance(name, str) or name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
        if close or data is not None:
            where = (*path, name) if keyed else (*path, i)
            guess = f"did you mean {close[0]!r}? " if close else ""
            out.append(
                Problem(
                    f"unknown section {name!r}",
                    location=source.locate(where, key=keyed),
                    field_path=format_path(where),
                    hint=f"{guess}sections: " + ", ".join(known),
                )
            )
    return out


def _repeats(sections: Any, path: PathKey, source: SourceMap) -> list[Problem]:
    """A section listed twice would print twice: refused at its second mention."""
    out: list[Problem] = []
    if not isinstance(sections, list):
        return out
    first: dict[str, int] = {}
    for i, name in enumerate(sections):
        if not isinstance(name, str):
            continue
        if name in first:
            where = (*path, i)
            out.append(
                Problem(
                    f"section {name!r} is listed twice",
                    location=source.locate(where),
                    field_path=format_path(where),
                    hint=f"remove one: each section prints once "
                    f"(first listed as item {first[name] + 1})",
                )
            )
        first.setdefault(name, i)
    return out


def _combined(problems: list[Problem]) -> InputError:
    problems.sort(key=Problem.sort_key)
    errors = [p for p in problems if p.severity == "error"] or problems
    count = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return InputError(errors[0].message + count, problems=problems)


#: Section names from other résumé formats, which would otherwise be dropped with a mere warning.
_SYNONYMS = {
    **dict.fromkeys(
        ("experience", "experiences", "jobs", "employment", "positions", "career"),
        "JSON Resume calls this section 'work': rename the key",
    ),
    **dict.fromkeys(
        ("schools", "studies", "degrees"),
        "JSON Resume calls this section 'education': rename the key",
    ),
    "certifications": "JSON Resume calls this section 'certificates': rename the key",
    "volunteering": "JSON Resume calls this section 'volunteer': rename the key",
    "papers": "JSON Resume calls this section 'publications': rename the key",
    **dict.fromkeys(
        ("talks", "patents", "opensource", "open_source", "open-source"),
        "write it as a custom section: custom: [{title: ..., entries: [...]}]",
    ),
}


def _check_keys(
    data: Any,
    model: type[Model],
    path: PathKey,
    source: SourceMap,
    problems: list[Problem],
    warnings: list[Problem],
    policy: Policy = PROJECT,
) -> None:
    if not isinstance(data, dict):
        return
    if model is Bullet and "text" not in data:
        return  # "- Result: 20%" read as a mapping: the model reports the colon
    known = known_keys(model)
    for key, value in data.items():
        if key in known:
            field_name = to_snake(known[key]) if to_snake(known[key]) in model.model_fields else key
            info = model.model_fields.get(field_name)
            if info is None:
                continue
            for sub in submodels(info.annotation):
                if isinstance(value, list):
                    for i, item in enumerate(value):
                        _check_keys(item, sub, (*path, key, i), source, problems, warnings, policy)
                else:
                    _check_keys(value, sub, (*path, key), source, problems, warnings, policy)
            continue
        if key in model.free_keys or (key in model.legacy and model.legacy[key] not in data):
            continue
        where = source.locate((*path, key), key=True)
        field_path = format_path((*path, key))
        close = difflib.get_close_matches(key, sorted(set(known.values())), n=1, cutoff=0.75)
        synonym = _SYNONYMS.get(key.lower()) if model is Resume else None
        typo = problems if policy.typos == "error" else warnings
        kept = "" if policy.typos == "error" else " (kept, not printed)"
        if synonym is not None:
            typo.append(
                Problem(
                    f"unknown section {key!r}: it would not be printed",
                    location=where,
                    field_path=field_path,
                    hint=synonym,
                    severity=policy.typos,
                )
            )
        elif close:
            typo.append(
                Problem(
                    f"unknown key {key!r}{kept}",
                    location=where,
                    field_path=field_path,
                    hint=f"did you mean {close[0]!r}?",
                    severity=policy.typos,
                )
            )
        else:
            warnings.append(
                Problem(
                    f"unknown key {key!r} is kept but not printed",
                    location=where,
                    field_path=field_path,
                    hint="known keys here: " + ", ".join(sorted(set(known.values()))),
                    severity="warning",
                )
            )


# ------------------------------------------------------------------------ pydantic


def _from_pydantic(
    exc: ValidationError,
    source: SourceMap,
    *,
    prefix: PathKey = (),
    forbid: type[BaseModel] | None = None,
    model: type[BaseModel] = Resume,
) -> list[Problem]:
    out: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc: PathKey = tuple(part for part in error["loc"] if isinstance(part, (str, int)))
        ctx = error.get("ctx") or {}
        if isinstance(ctx.get("field"), str):
            loc = (*loc, ctx["field"])
        path = (*prefix, *loc)
        kind = error["type"]
        example = example_of(forbid or model, loc)
        message, hint = explain(kind, error, ctx, forbid, example)
        if kind == "extra_forbidden":
            where = locate(source, path, key=True)
        else:
            where = locate(source, path)
        out.append(Problem(message, location=where, field_path=format_path(path), hint=hint))
    return out
