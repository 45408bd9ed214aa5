"""Jinja-templated LaTeX, with escaping as the environment's default.

Templates use LaTeX-friendly delimiters so they stay readable LaTeX:
``<< expr >>`` prints, ``<% stmt %>`` controls, ``<# note #>`` comments, and a
line starting with ``%%`` is a statement. Every printed value goes through
``finalize``, which escapes anything that is not a :class:`~cvpress.tex.texify.TexStr`;
the only way to produce trusted LaTeX from data is a ``texify`` filter
(``md``, ``url``, ``link``, ``daterange``...). A template therefore cannot
forget to escape, and an undefined name is an error, not an empty string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from ..data import urls
from ..data.model import SECTIONS, Resume, Work
from ..data.variants import Variant
from ..engine.catalogue import is_unicode
from ..errors import BuildError, InputError
from . import characters, i18n, markdown, texify
from .layout import Layout
from .templates import TEMPLATE_FILE, available, search_path
from .texify import TexStr


@dataclass(frozen=True, slots=True)
class Context:
    """What the escaping filters need to know about the build."""

    engine: str
    locale: str
    bold: tuple[str, ...]
    #: The person's name as written in author lists (``highlight_author``).
    highlight: tuple[str, ...] = ()


@lru_cache(maxsize=8)
def environment(roots: tuple[Path, ...], cache_dir: Path | None = None) -> jinja2.Environment:
    bytecode_cache = None
    if cache_dir is not None:
        bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache_dir))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(r) for r in roots]),
        block_start_string="<%",
        block_end_string="%>",
        variable_start_string="<<",
        variable_end_string=">>",
        comment_start_string="<#",
        comment_end_string="#>",
        line_statement_prefix="%%",
        line_comment_prefix="%#",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        bytecode_cache=bytecode_cache,
        # A stat per template: a long-lived process (watch, tests) sees template edits.
        auto_reload=True,
        extensions=["jinja2.ext.do"],
    )
    # Everything a template builds (macro results, blocks, ``set`` blocks) is
    # joined by ``concat``: mark it trusted, since its parts were finalized.
    env.concat = _tex_concat  # type: ignore[method-assign]
    for unsafe in ("safe", "e", "escape", "forceescape", "urlize", "xmlattr", "striptags"):
        env.filters.pop(unsafe, None)
    env.filters.update(
        md=_ctx_filter(lambda ctx, v: markdown.markdown(v, ctx.engine, bold=ctx.bold)),
        esc=_ctx_filter(lambda ctx, v: texify.escape(v, ctx.engine)),
        url=lambda v: texify.href(v),
        link=_ctx_filter(
            lambda ctx, url, text=None: texify.link(
                url, text if text is not None else texify.display_url(url), ctx.engine
            )
        ),
        date=_ctx_filter(
            lambda ctx, d: texify.escape(i18n.format_date(d, ctx.locale) if d else "", ctx.engine)
        ),
        daterange=_ctx_filter(
            lambda ctx, entry, events=False: texify.escape(
                i18n.date_range(
                    getattr(entry, "start_date", None),
                    getattr(entry, "end_date", None),
                    ctx.locale,
                    events=events,
                ),
                ctx.engine,
            )
        ),
        join=_ctx_filter(_join),
        authors=_ctx_filter(_authors),
        display_url=texify.display_url,
    )
    env.filters["language_line"] = language_with_fluency
    env.filters["printable"] = printable
    env.filters["score"] = _score
    env.tests["linkable"] = lambda url: bool(url) and urls.target(str(url)).href is not None
    env.globals.update(
        group_work=group_work,
        join=_ctx_filter(_join),
        flatten=_flatten,
        tex_sep=TexStr(r"\cvsep{}"),
        running_foot_name=running_foot_name,
    )
    return env


#: The longest name the running foot prints ("Name · page 2 of 3"): the foot
#: is one line, and a longer name leaves it as "page 2 of 3".
FOOT_NAME_MAX = 40


def running_foot_name(name: str | None) -> str:
    """The name in the running foot of pages after the first (empty if none or too long)."""
    return name if name and len(name) <= FOOT_NAME_MAX else ""


def _tex_concat(parts: Iterable[str]) -> TexStr:
    return TexStr("".join(parts))


def _finalize(value: Any) -> Any:
    if isinstance(value, TexStr):
        return value
    if value is None:
        return ""
    return texify.escape(value, _current().engine)


#: The build whose template is rendering now (per thread: variants render in parallel).
_ACTIVE: ContextVar[Context | None] = ContextVar("cvpress_render_context", default=None)


def _current() -> Context:
    context = _ACTIVE.get()
    if context is None:
        raise BuildError("render context missing: templates must be rendered through render()")
    return context


def _ctx_filter(function: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return function(_current(), *args, **kwargs)

    return wrapper


def _join(ctx: Context, items: Iterable[Any], separator: str = ", ") -> TexStr:
    """Join with every item escaped (trusted items kept): Jinja's join would re-escape.

    After an item that ends in a full stop (a course written "Algebra I."), a
    comma separator drops its comma: "Algebra I. Topology", never "I.,".
    """
    kept = [item for item in items if item not in (None, "")]
    out: list[str] = []
    for i, item in enumerate(kept):
        if i:
            after_stop = str(kept[i - 1]).rstrip().endswith((".", "!", "?"))
            sep = separator.lstrip(",") if after_stop and separator.startswith(",") else separator
            out.append(texify.escape(sep, ctx.engine))
        out.append(item if isinstance(item, TexStr) else texify.escape(item, ctx.engine))
    return TexStr("".join(out))


def _authors(ctx: Context, names: Iterable[str]) -> TexStr:
    """An author list, each name escaped, the person's own (``highlight_author``) in bold."""
    own = {_name_key(n) for n in ctx.highlight}
    parts = [
        TexStr(r"\textbf{" + texify.escape(n, ctx.engine) + "}")
        if _name_key(n) in own
        else texify.escape(n, ctx.engine)
        for n in names
    ]
    return TexStr(", ".join(parts))


def _name_key(name: str) -> str:
    """Names compare ignoring case and runs of spaces: "Ada  lovelace" is "Ada Lovelace"."""
    return " ".join(name.split()).casefold()


def language_with_fluency(entry: Any) -> str:
    """ "Catalan (Native)": a language with its fluency, as plain text."""
    if entry.fluency and entry.language:
        return f"{entry.language} ({entry.fluency})"
    return str(entry.language or entry.fluency or "")


_BARE_SCORE = re.compile(r"^[\d\s.,/%+-]+$")


def _score(score: str | None, label: str) -> str | None:
    """A bare number ("3.8", "92/100") gets the template's word for it ("Grade: 3.8")."""
    if score and _BARE_SCORE.match(score):
        return f"{label}: {score}"
    return score


def printable(entries: Iterable[Any]) -> list[Any]:
    """The entries that hold something to print.

    Résumé files made from a template carry entries whose every field is an
    empty string (read as absent by the model) or null: printed, they would be
    an empty heading or a lone bullet. An entry with any value (a date alone
    included) is kept; ``tags`` are never printed and do not count.
    """
    return [entry for entry in entries if _has_content(entry)]


def _has_content(value: Any) -> bool:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return any(
            _has_content(getattr(value, name))
            for name in type(value).model_fields
            if name != "tags"
        )
    if isinstance(value, tuple | list):
        return any(_has_content(item) for item in value)
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def _flatten(groups: Iterable[Iterable[Any]]) -> list[Any]:
    return [item for group in groups for item in group]


@dataclass(frozen=True, slots=True)
class Group:
    """Consecutive roles at one organisation, shown under one heading."""

    name: str | None
    url: str | None
    location: str | None
    roles: tuple[Work, ...]


def group_work(entries: Iterable[Work]) -> list[Group]:
    groups: list[Group] = []
    for entry in entries:
        last = groups[-1] if groups else None
        if last is not None and entry.name and last.name == entry.name:
            groups[-1] = Group(
                last.name,
                last.url or entry.url,
                last.location or entry.location,
                (*last.roles, entry),
            )
        else:
            groups.append(Group(entry.name, entry.url, entry.location, (entry,)))
    return groups


def render(
    resume: Resume,
    variant: Variant,
    *,
    engine: str,
    sections: tuple[str, ...] | None = None,
    version: str = "",
    updated: str = "",
    extra_paths: Iterable[Path] = (),
    cache_dir: Path | None = None,
    photo: str | None = None,
    document: str | None = None,
    extra: Mapping[str, Any] | None = None,
    layout: Layout | None = None,
) -> str:
    """The complete ``.tex`` source of ``resume`` in ``variant``'s template.

    ``photo``: the file name of the prepared photo in the run's folder
    (:mod:`cvpress.data.photo`), for a variant with ``photo: true``.
    ``document`` names another file to render than the template's own (a
    letter's layout), with ``extra`` added to what it sees.
    ``layout``: spacing, size and margin knobs and forced page breaks
    (:mod:`cvpress.tex.layout`); the default changes nothing.
    """
    templates = available(extra_paths)
    if variant.template not in templates:
        raise InputError(
            f"unknown template {variant.template!r} in variant {variant.name!r}",
            field_path=f"variants.{variant.name}.template",
            hint="known templates: " + ", ".join(sorted(templates)),
        )
    roots = tuple(search_path(extra_paths))
    if cache_dir is not None:
        # The environment is kept per process: key it by the absolute folder (a
        # relative --out means another folder after a chdir), and make the folder
        # on every render (it may have been removed since: rm -rf build).
        cache_dir = cache_dir.resolve()
        cache_dir.mkdir(parents=True, exist_ok=True)
    env = environment(roots, cache_dir)
    try:
        template = env.get_template(document or f"{variant.template}/{TEMPLATE_FILE}")
    except jinja2.TemplateError as exc:  # a syntax error: named by file and line too
        from ..pipeline.locate import template_error

        raise template_error(exc, variant.template) from None
    context = Context(
        engine=engine,
        locale=variant.locale,
        bold=variant.bold_keywords,
        highlight=variant.highlight_author,
    )
    lua = engine in characters.LUATEX_ENGINES
    # LuaLaTeX falls back to any installed font for what the fixed fallbacks
    # lack; the other engines refuse those characters.
    extra_fallbacks = characters.extra_fallbacks(resume.model_dump_json()) if lua else ()
    token = _ACTIVE.set(context)
    try:

        def rendered(body: str | None) -> str:
            def lua_fallback_roles(script: str, cjk: str) -> frozenset[str]:
                if body is None:
                    return characters.LUA_FALLBACK_ROLES
                return characters.lua_fallback_roles(body, str(script), str(cjk))

            return template.render(
                cv=resume,
                v=variant,
                engine=engine,
                unicode_engine=is_unicode(engine),
                t=i18n.words(variant.locale),
                language=i18n.latex_language(variant.locale),
                sections=section_order(resume, sections),
                extra_fallbacks=extra_fallbacks,
                lua_fallback_roles=lua_fallback_roles,
                version=version,
                updated=updated,
                photo=photo if variant.photo else None,
                **(extra or {}),
                layout=layout or Layout(),
            )

        tex = rendered(None)
        if lua:
            from ..engine.prestart import FONTS_END

            # Again, naming only the fallback fonts the text after the fonts
            # (all a run typesets: dates, the template's words, a letter's
            # body) falls to: the text itself comes out the same.
            tex = rendered(tex[tex.find(FONTS_END) :])
        return tex
    except characters.UnprintableCharacter:
        raise
    except jinja2.TemplateError as exc:
        from ..pipeline.locate import template_error

        raise template_error(exc, variant.template) from None
    finally:
        _ACTIVE.reset(token)


def section_order(resume: Resume, sections: tuple[str, ...] | None) -> list[str]:
    """The sections to print, in order, skipping empty ones (so they vanish cleanly)."""
    custom = {f"{s.key}": s for s in resume.custom}
    wanted = list(sections) if sections is not None else [*SECTIONS, *custom]
    out: list[str] = []
    for name in wanted:
        if name == "summary":
            if resume.basics.summary:
                out.append(name)
        elif name in custom:
            if printable(custom[name].entries):
                out.append(name)
        elif name in SECTIONS and printable(getattr(resume, name)):
            out.append(name)
    return out
