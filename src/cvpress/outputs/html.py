"""The selected résumé as one self-contained, accessible HTML page.

A second Jinja environment, separate from the LaTeX one: HTML autoescaping
is on for every template (``autoescape=True``, not by file name), ``safe``
and ``urlize`` are removed, so a template cannot print data as markup, and
the only markup made from data comes from :func:`_markdown`, which escapes
every run of text itself. The page loads nothing: CSS is inline, there is no
JavaScript (the schema.org ``Person`` block is JSON, written by Jinja's
``tojson``, which escapes ``<``, ``>``, ``&`` and ``'`` so ``</script>`` in
the data stays data) and no font, image or other resource is fetched.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..data.model import Resume
from ..data.variants import Variant
from ..tex import i18n
from ..tex.markdown import plain_markdown
from . import inline
from .layout import Md, Text, layout
from .look import INK, MUTED, css_families, look, right_to_left

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    for unsafe in ("safe", "urlize"):
        env.filters.pop(unsafe, None)
    env.filters.update(md=_markdown, href=inline.link_target, families=css_families)
    return env


def _markdown(value: Text, bold: tuple[str, ...] = ()) -> Markup:
    """Plain text escaped, or inline Markdown as escaped runs in ``<strong>``, ``<a>``...

    Several paragraphs become ``<p>`` elements; one stays inline.
    """
    if not isinstance(value, Md):
        return escape(value)
    paragraphs = [_runs(p) for p in inline.paragraphs(value.text, bold)]
    if len(paragraphs) == 1:
        return paragraphs[0]
    return Markup("").join(Markup("<p>{}</p>").format(p) for p in paragraphs)


def _runs(spans: Iterable[inline.Span]) -> Markup:
    out = Markup("")
    for target, group in itertools.groupby(spans, key=lambda s: s.href):
        inner = Markup("").join(_run(s) for s in group)
        out += Markup('<a href="{}">{}</a>').format(target, inner) if target else inner
    return out


def _run(span: inline.Span) -> Markup:
    text: Markup = escape(span.text)
    for on, tag in ((span.code, "code"), (span.italic, "em"), (span.bold, "strong")):
        if on:
            text = Markup("<{0}>{1}</{0}>").format(Markup(tag), text)
    return text


def person(resume: Resume) -> dict[str, Any]:
    """schema.org ``Person`` from ``basics``, ``work`` and ``education``, as JSON-LD data."""
    basics = resume.basics
    where = basics.location
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": basics.name,
        "jobTitle": basics.label,
        "email": basics.email,
        "telephone": basics.phone,
        "url": basics.url,
        "description": plain_markdown(basics.summary) if basics.summary else None,
        "sameAs": [p.url for p in basics.profiles if p.url] or None,
    }
    if where is not None:
        data["address"] = _present(
            {
                "@type": "PostalAddress",
                "streetAddress": where.address,
                "addressLocality": where.city,
                "addressRegion": where.region,
                "postalCode": where.postal_code,
                "addressCountry": where.country_code,
            }
        )
    # schema.org's Role pattern: the role stands where the organisation would,
    # holding it under the same property, with the role's name and dates.
    data["worksFor"] = [
        _present(
            {
                "@type": "EmployeeRole",
                "roleName": e.position,
                "startDate": e.start_date.iso if e.start_date else None,
                "endDate": e.end_date.iso if e.end_date else None,
                "worksFor": _present({"@type": "Organization", "name": e.name, "url": e.url}),
            }
        )
        for e in resume.work
    ] or None
    data["alumniOf"] = [
        _present(
            {
                "@type": "OrganizationRole",
                "roleName": ", ".join(p for p in (e.study_type, e.area) if p) or None,
                "startDate": e.start_date.iso if e.start_date else None,
                "endDate": e.end_date.iso if e.end_date else None,
                "alumniOf": _present(
                    {"@type": "EducationalOrganization", "name": e.institution, "url": e.url}
                ),
            }
        )
        for e in resume.education
    ] or None
    return _present(data)


def _present(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def language_tag(locale: str) -> str:
    """``pt_BR`` -> ``pt-BR`` (BCP 47, as ``lang`` wants it)."""
    return locale.replace("_", "-")


def render_html(
    resume: Resume,
    variant: Variant,
    *,
    sections: tuple[str, ...] | None = None,
    extra_paths: Iterable[Path] = (),
    downloads: Sequence[tuple[str, str]] = (),
) -> bytes:
    """The page for ``resume`` (selected for ``variant``), in its template's look, as UTF-8.

    ``downloads``: (link text, relative file name) of files published beside
    the page (``cvpress site``: the PDFs), listed under the header.
    """
    page = layout(resume, variant, sections)
    template = environment().get_template("page.html.j2")
    html = template.render(
        page=page,
        look=look(variant, extra_paths),
        ink=INK,
        muted=MUTED,
        bold=variant.bold_keywords,
        lang=language_tag(variant.locale),
        dir="rtl" if right_to_left(variant.locale) else "ltr",
        person=person(resume),
        separator=i18n.RANGE_SEPARATOR,
        downloads=downloads,
    )
    return html.encode("utf-8")
