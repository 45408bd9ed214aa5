"""From loaded data to models, with every problem located in the source.

Pydantic reports *what* is wrong at a field path; the source map says *where*.
This module joins the two, adds the checks JSON Resume's openness makes
necessary (a misspelt key must not silently drop a section) and returns all
problems at once, sorted by position, so one run shows every mistake.
"""

from __future__ import annotations

import difflib
import json
import re
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel, to_snake

from ..errors import InputError, Location, Problem, Warnings
from . import breaks, compat
from . import load as load_mod
from .compat import PROJECT, Policy
from .load import Loaded, PathKey, SourceMap, format_path
from .model import Bullet, Model, Resume, Variant
from .variants import VariantOptions, VariantsFile

M = TypeVar("M", bound=Model)

#: Month names and abbreviations (English), lower-case, to their numbers.
MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}


def resume(loaded: Loaded, warnings: Warnings | None = None, policy: Policy = PROJECT) -> Resume:
    """Validate loaded data as a ``Resume``; raise one ``InputError`` with all problems.

    ``policy`` says which findings are errors and which are warnings
    (:mod:`cvpress.data.compat`): the project's own data by default.
    """
    if not isinstance(loaded.data, dict):
        raise InputError(
            f"expected a mapping with a 'basics' section at the top, got {_kind(loaded.data)}",
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


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


# ----------------------------------------------------------------------------- keys


def _known_keys(model: type[BaseModel]) -> dict[str, str]:
    """Every accepted spelling of a field -> its canonical (camelCase) name."""
    known: dict[str, str] = {}
    for name, info in model.model_fields.items():
        canonical = info.alias or to_camel(name)
        known[name] = canonical
        known[canonical] = canonical
    return known


def _submodels(annotation: Any) -> list[type[Model]]:
    """Model classes found anywhere in a field annotation (tuple[X, ...], X | None)."""
    found: list[type[Model]] = []
    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, Model):
            found.append(item)
            continue
        origin = typing.get_origin(item)
        if origin is typing.Annotated:
            stack.append(typing.get_args(item)[0])
        elif origin in (tuple, list, typing.Union, types.UnionType):
            stack.extend(typing.get_args(item))
    return found


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
    known = _known_keys(model)
    for key, value in data.items():
        if key in known:
            field_name = to_snake(known[key]) if to_snake(known[key]) in model.model_fields else key
            info = model.model_fields.get(field_name)
            if info is None:
                continue
            for sub in _submodels(info.annotation):
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
        example = _example(forbid or model, loc)
        message, hint = _explain(kind, error, ctx, forbid, example)
        if kind == "extra_forbidden":
            where = _locate(source, path, key=True)
        else:
            where = _locate(source, path)
        out.append(Problem(message, location=where, field_path=format_path(path), hint=hint))
    return out


def _locate(source: SourceMap, path: PathKey, *, key: bool = False) -> Any:
    """Find ``path`` in the source even if the user wrote snake_case keys."""
    for candidate in _spellings(path):
        table = source.keys if key else source.values
        if candidate in table or candidate in source.values:
            return source.locate(candidate, key=key)
    return source.locate(path, key=key)


def locate_field(source: SourceMap, dotted: str) -> Location:
    """Where ``work[0].highlights[2].text`` stands in the data file (any key spelling)."""
    found: Location = _locate(source, load_mod.parse_path(dotted))
    return found


def _spellings(path: PathKey) -> list[PathKey]:
    """``path`` as the file may spell it: camelCase, snake_case, or a pre-1.0 key
    (``website`` for ``url``), so an error points at the value's own line."""
    out: list[PathKey] = [path]
    for converter in (to_snake, to_camel):
        out.append(tuple(converter(p) if isinstance(p, str) else p for p in path))
    if path and isinstance(path[-1], str):
        out.extend((*path[:-1], old) for old in _LEGACY_NAMES.get(to_camel(path[-1]), ()))
    return out


def _legacy_names() -> dict[str, tuple[str, ...]]:
    """v1.0.0 name -> the pre-1.0 keys any model reads as it."""
    found: dict[str, set[str]] = {}
    stack: list[type[Model]] = [Resume]
    seen: set[type[Model]] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for old, new in model.legacy.items():
            found.setdefault(new, set()).add(old)
        for info in model.model_fields.values():
            stack.extend(_submodels(info.annotation))
    return {new: tuple(sorted(olds)) for new, olds in found.items()}


def _example(model: type[BaseModel], loc: PathKey) -> str | None:
    """``key: value`` from the field's documented example, for "expected ..." hints."""
    current: type[BaseModel] | None = model
    info = None
    name = ""
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None:
            return None
        known = _known_keys(current)
        canonical = known.get(part)
        if canonical is None:
            return None
        field_name = to_snake(canonical) if to_snake(canonical) in current.model_fields else part
        info = current.model_fields.get(field_name)
        if info is None:
            return None
        name = canonical if issubclass(current, Model) else field_name
        subs = _submodels(info.annotation)
        current = subs[0] if subs else None
    if info is None or not info.examples:
        return None
    return f"{name}: {json.dumps(info.examples[0], ensure_ascii=False)}"


def _explain(
    kind: str,
    error: Any,
    ctx: dict[str, Any],
    forbid: type[BaseModel] | None,
    example: str | None = None,
) -> tuple[str, str | None]:
    msg: str = error["msg"]
    value = error.get("input")
    eg = f", e.g. {example}" if example else ""
    if kind == "missing":
        name = error["loc"][-1] if error["loc"] else "value"
        return f"missing required field {name!r}", "add it here" + (eg or f": {name}: ...")
    if kind == "date_format":
        guess = _guess_date(value)
        if _looks_like_present(value):
            return msg, "for an ongoing entry write endDate: present, or leave endDate out"
        hint = 'write dates as YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601), e.g. "2024-09"'
        if guess:
            hint = f'write it as "{guess}" (dates are ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD)'
        return msg, hint
    if kind == "date_value":
        return msg, "check the month (01-12) and the day"
    if kind == "url_scheme":
        return msg, f"write the full address: {ctx.get('fix')}"
    if kind == "url":
        return msg, "write a full address starting with https://, e.g. https://example.com/ada"
    if kind == "email":
        fix = "add the '@'" if isinstance(value, str) and "@" not in value else "check it"
        return msg, f"{fix}: an address looks like name@example.com"
    if kind == "colon_in_text":
        return msg, f'put the whole text in quotes: - "{ctx.get("text")}"'
    if kind == "end_before_start":
        return msg, "swap the two dates, or fix the year"
    if kind == "control_character":
        return msg, "delete the invisible character (often pasted from a PDF or a word processor)"
    if kind == "template_name":
        return msg, "name a template folder (see `cvpress templates`), not a path"
    if kind == "locale":
        return msg, "write a language code, optionally with a region: en, es, ca, de, fr, pt_BR"
    if kind == "markup_depth":
        return msg, "remove some of the '*', '_' and '[' marks: no résumé needs emphasis this deep"
    if kind == "one_line":
        return msg, "this field is one line: join the lines, or move the text to a summary"
    if kind == "too_long":
        return msg, "shorten it; a résumé field this long is usually a pasted file"
    if kind == "text_type":
        if isinstance(value, dict):
            return msg, "this needs plain text; if it contains ': ', put it in quotes"
        if isinstance(value, list):
            return msg, "this needs one text, not a list: remove the '- ' items or join them"
        return msg, "write text" + (eg or ', e.g. name: "Ada Lovelace"')
    if kind in ("tuple_type", "list_type"):
        got = "text" if isinstance(value, str) else _kind(value)
        name = str(error["loc"][-1]) if error["loc"] else "items"
        item = value if isinstance(value, str) else "..."
        if isinstance(value, dict) and value:
            first, inner = next(iter(value.items()))
            return (
                f"expected a list, got {got}",
                f"each entry starts with '- ': write '  - {first}: {inner}' "
                "and indent the entry's other keys to line up with it",
            )
        if isinstance(value, str) and "," in value:
            items = ", ".join(part.strip() for part in value.split(",") if part.strip())
            return (
                f"expected a list, got {got}",
                f"write it as a list: {name}: [{items}] (or one '- ' item per line)",
            )
        return (
            f"expected a list, got {got}",
            f"put each item on its own line under '{name}:', "
            f"starting with '- ' (e.g. '  - {item}')",
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        got = "text" if isinstance(value, str) else _kind(value)
        loc = error["loc"]
        if len(loc) >= 2 and loc[-2] == "highlights" and isinstance(loc[-1], int):
            return (
                f"expected the text of a bullet, got {got}",
                "write the bullet as one line of text after '- ' (or as text: ..., tags: [...])",
            )
        if loc and isinstance(loc[-1], int) and isinstance(value, str):
            key = _FIRST_KEY.get(str(loc[-2]) if len(loc) >= 2 else "", "name")
            return (
                "expected an entry of 'key: value' lines, got text",
                f"say what this text is, e.g. '- {key}: {value}', then add the entry's other keys",
            )
        return (
            f"expected a mapping of 'key: value' lines, got {got}",
            f"indent the fields under this key{eg}",
        )
    if kind == "extra_forbidden":
        name = str(error["loc"][-1])
        known = sorted(forbid.model_fields) if forbid is not None else []
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        unknown_hint = (
            f"did you mean {close[0]!r}?"
            if close
            else ("known keys: " + ", ".join(known) if known else None)
        )
        return f"unknown key {name!r}", unknown_hint
    if kind == "literal_error":
        return msg.replace("Input should be", "expected"), (f"e.g. {example}" if example else None)
    if kind in ("int_type", "int_parsing"):
        return f"expected a whole number, got {value!r}", "write a number" + (
            eg or ", e.g. max_pages: 1"
        )
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {value!r}", f"write true or false{eg}"
    if kind == "string_pattern_mismatch":
        return msg, "use letters, digits, '.', '_' and '-' only"
    return msg, (f"e.g. {example}" if example else None)


_LEGACY_NAMES = _legacy_names()

#: The key an entry of each list usually starts with, for "say what this text is" hints.
_FIRST_KEY = {
    "volunteer": "organization",
    "education": "institution",
    "awards": "title",
    "languages": "language",
    "profiles": "network",
    "custom": "title",
    "entries": "title",
}

_PRESENT_LIKE = re.compile(r"pres|curr|now|today|ongoing|date|actual|heute|hoy|aujourd", re.I)


def _looks_like_present(value: Any) -> bool:
    return (
        isinstance(value, str) and bool(_PRESENT_LIKE.search(value)) and not re.search(r"\d", value)
    )


def _guess_date(value: Any) -> str | None:
    """A helpful rewrite of common non-ISO dates ("Sept 2024", "09/2024")."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower().replace(",", " ").replace(".", " ")
    match = re.fullmatch(r"([a-z]+)\s+(\d{4})", text)
    if match and match.group(1) in MONTHS:
        return f"{match.group(2)}-{MONTHS[match.group(1)]:02d}"
    match = re.fullmatch(r"(\d{1,2})\s*[/-]\s*(\d{4})", text)
    if match and 1 <= int(match.group(1)) <= 12:
        return f"{match.group(2)}-{int(match.group(1)):02d}"
    match = re.fullmatch(r"(\d{4})\s*[/.]\s*(\d{1,2})", text)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{match.group(1)}-{int(match.group(2)):02d}"
    match = re.fullmatch(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})", text)
    if match:
        return None  # day/month order is ambiguous: do not guess
    return None
