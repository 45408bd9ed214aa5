"""The stage sequence, per variant: select, render, compile, check, publish.

:func:`run_targets` builds every target in parallel, validating each data
file once (the first variant to need it reads it); :func:`build_one` is one
variant's way through the stages, read top to bottom (a letter's, in
:mod:`cvpress.pipeline.letter_stages`; the HTML and Word files, in
:mod:`cvpress.pipeline.other_outputs`; the photo, in
:mod:`cvpress.pipeline.photo_stage`). What to build comes from
:mod:`cvpress.pipeline.targets`; what can be skipped, from
:mod:`cvpress.pipeline.incremental`. A built variant starts TeX from a
precompiled preamble (:mod:`cvpress.engine.formats`, built first when
missing).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import (
    CheckError,
    CvpressError,
    EngineError,
    InputError,
    Problem,
    TexError,
    Warnings,
)
from . import incremental, together
from .compile_stage import aux_path, compile_variant, drop_failed, first_printable, keep_failed
from .letter_stages import build_letter
from .other_outputs import look_warnings, other_output, same_file
from .photo_stage import photo_file, printed_photo
from .targets import Options, Outcome, Target

if TYPE_CHECKING:
    from ..data.model import Resume
    from ..data.photo import Photo
    from ..data.variants import Variant
    from ..tex.layout import Layout


def run_targets(
    targets: Sequence[Target],
    options: Options,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Build every target, in parallel, validating each data file once.

    A target of a variants file builds the project's own data; a ``--data``
    target, a document from elsewhere: the compatibility policy differs
    (:class:`cvpress.data.compat.Policy`).
    """
    from ..data.compat import Policy
    from . import publish, sources

    publish.prepare(options.out)
    # Each variant's input key is taken before its data is read for the build:
    # a save landing in between then costs one needless rebuild later, never a
    # stale PDF recorded as up to date.
    keys: dict[str, str | None] = {}
    for target in targets:
        try:
            keys[target.variant.name] = incremental.input_key(target, options)
        except (OSError, InputError):  # the data file is missing or not one: loading says so
            keys[target.variant.name] = None
    # Variants reading the same files (data, private.yaml, .bib) share one
    # document, read by the first worker that needs it: a batch's files are
    # read beside the TeX runs of those before them, not all up front.
    documents: dict[sources.Sources, tuple[sources.Document | CvpressError, list[Problem]]] = {}
    read_from = {target.variant.name: sources.of(target, options) for target in targets}
    reading = {files: threading.Lock() for files in read_from.values()}

    def document_of(
        files: sources.Sources, own_data: bool
    ) -> tuple[sources.Document | CvpressError, list[Problem]]:
        with reading[files]:
            if files not in documents:
                warnings = Warnings()
                try:
                    policy = Policy.for_input(own_data=own_data, strict=options.strict)
                    documents[files] = sources.read(files, warnings, policy), warnings.items
                except CvpressError as exc:
                    documents[files] = exc, warnings.items
            return documents[files]

    reporting = threading.Lock()

    def one(target: Target) -> Outcome:
        started = time.perf_counter()
        document, shared_warnings = document_of(
            read_from[target.variant.name], own_data=target.variants_file is not None
        )
        if isinstance(document, CvpressError):
            outcome = Outcome(target.variant.name, "failed", error=document)
        else:
            try:
                key = keys[target.variant.name]
                stages = build_one if target.letter is None else build_letter
                outcome = stages(target, document.resume, document.source, options, key)
                outcome.private = document.private
            except CvpressError as exc:
                outcome = Outcome(target.variant.name, "failed", error=exc)
        outcome.seconds = time.perf_counter() - started
        outcome.warnings = [*shared_warnings, *outcome.warnings]
        if progress:
            with reporting:  # one variant's lines at a time, whichever thread finishes
                progress(outcome)
        return outcome

    from ..engine import process

    try:
        if options.tex_runs <= 1 or len(targets) <= 1:
            return [one(t) for t in targets]
        from concurrent.futures import ThreadPoolExecutor

        first = _longest_first(targets, options)
        # One variant more than TeX runs: while every run is taken, the next
        # variant is read and rendered, so a run that ends finds its successor
        # ready (options.tex_turns keeps the runs to --jobs).
        workers = min(options.tex_runs + 1, len(targets))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            try:
                done = dict(zip(first, pool.map(one, [targets[i] for i in first]), strict=True))
                return [done[i] for i in range(len(targets))]
            except BaseException:  # Ctrl-C or SIGTERM: end the runs the workers wait for
                process.stop_all()
                raise
    except BaseException:
        process.stop_all()
        raise
    finally:
        from ..engine import resident
        from ..engine.sandbox import sweep

        sweep()  # what killed builds left in /tmp (after the PDFs: off their path)
        resident.sweep()


def _longest_first(targets: Sequence[Target], options: Options) -> list[int]:
    """The targets' indices, those likely to take longest first (else in their order).

    A pool that starts the longest builds last ends with one core busy and
    the other idle: a variant that fits itself to ``max_pages`` runs TeX
    several times, and each HTML or Word file is Python work beside its TeX.
    """

    def weight(index: int) -> tuple[bool, int]:
        target = targets[index]
        return _fits_itself(target.variant), len(target.formats(options))

    return sorted(range(len(targets)), key=weight, reverse=True)


def _fits_itself(variant: Variant) -> bool:
    """The variant shrinks to its ``max_pages`` when it overflows (``fit: true``)."""
    return variant.fit and variant.max_pages is not None


def build_one(
    target: Target, resume: Resume, source: Any, options: Options, key: str | None = None
) -> Outcome:
    from . import dates, locate, publish

    variant = target.variant
    name = variant.name
    out = options.out
    formats = target.formats(options)
    paths = {suffix: out / f"{name}.{suffix}" for suffix in formats}
    key = key or incremental.input_key(target, options)
    found = Warnings()
    original = photo_file(target, resume, source, found) if "pdf" in formats else None
    read = {str(original.path): original.digest} if original is not None else {}
    if original is not None:
        key = incremental.extended(key, original.digest)
    if not options.force and incremental.stamp_matches(out, name, key, formats):
        return Outcome(
            name, "unchanged", pdf=paths.get("pdf"), outputs=paths, warnings=found.items, read=read
        )
    notes: list[Problem] = []
    selected, order = _selection(target, resume, notes)

    def at_source(problem: Problem) -> Problem:
        return locate.at_source(problem, resume, variant, source)

    epoch = dates.source_epoch(target.data)
    others = [suffix for suffix in formats if suffix != "pdf"]
    # The HTML and Word files are Python work: made while the PDF's TeX runs.
    rendered = threading.Event()

    def pdf_stage() -> _Pdf:
        try:
            if "pdf" not in formats:
                return _Pdf()
            photo = printed_photo(original, variant.template, options)
            layout = _layout(resume, target)
            return _pdf(
                target, selected, source, order, options, epoch, at_source, photo, layout, rendered
            )
        finally:
            rendered.set()

    def other_stage() -> tuple[dict[str, bytes], list[Problem]]:
        rendered.wait()
        said = look_warnings(target, options) if others else []
        made = {
            s: other_output(s, target, selected, order, options, epoch, at_source, said)
            for s in others
        }
        return made, said

    if others and "pdf" in formats:
        with together.beside(other_stage) as other_outputs:
            pdf = pdf_stage()
            made, said = other_outputs()
    else:
        pdf = pdf_stage()
        made, said = other_stage()
    files = dict(pdf.files)
    files.update({s: data for s, data in made.items() if not same_file(paths[s], data)})
    warnings = [*found.items, *(at_source(p) for p in notes), *pdf.warnings, *said]
    if files:
        publish.publish(out, name, files)
    if pdf.files:
        drop_failed(out, name)
    incremental.write_stamp(
        out, name, key, formats, pdf.tex, pdf.engine, pdf.fmt, epoch, _fits_itself(variant)
    )
    status = "built" if files else "unchanged"
    return Outcome(
        name,
        status,
        pdf=paths.get("pdf"),
        pages=pdf.pages,
        warnings=warnings,
        outputs=paths,
        read=read,
        fitted=pdf.fitted,
    )


def _layout(resume: Resume, target: Target) -> Callable[[Resume, Layout | None], Layout]:
    """The variant's page breaks, found in the résumé a run shows, with a fitting step's knobs.

    A ``fit`` variant's first run measures itself (``\\cvfitreport``), for
    :mod:`cvpress.pipeline.fit`.
    """
    from ..data import breaks
    from ..tex.layout import Layout

    variant = target.variant
    sections, entries = breaks.shown(resume, variant)
    fitting = _fits_itself(variant)

    def layout(shown: Resume, knobs: Layout | None = None) -> Layout:
        return replace(
            knobs or Layout(measure=fitting),
            break_sections=sections,
            break_entries=breaks.entries(shown, entries),
        )

    return layout


@dataclass(slots=True)
class _Pdf:
    """The PDF stage's result: files to publish (none when the PDF is current)."""

    files: dict[str, bytes] = field(default_factory=dict)
    tex: str = ""
    engine: str = ""
    fmt: Path | None = None
    pages: int | None = None
    warnings: list[Problem] = field(default_factory=list)
    #: What fitting changed, if it had to (``fit: true``).
    fitted: str | None = None


def _pdf(
    target: Target,
    selected: Resume,
    source: Any,
    order: tuple[str, ...],
    options: Options,
    epoch: int,
    at_source: Callable[[Problem], Problem],
    photo: Photo | None,
    layout: Callable[[Resume, Layout | None], Layout],
    rendered: threading.Event | None = None,
) -> _Pdf:
    """Render, compile and check the PDF; nothing to publish when its ``.tex`` is unchanged.

    A ``fit`` variant that overflows is fitted (:mod:`cvpress.pipeline.fit`):
    its PDF shows ``selected`` less the bullets fitting dropped, if any.
    ``rendered`` is set once the ``.tex`` is rendered, when TeX is about to run.
    """
    from ..tex import templates
    from . import check, locate

    variant = target.variant
    name = variant.name
    out = options.out
    try:
        photo_name = photo.name if photo else None
        engine, tex = _render(target, selected, order, options, layout(selected, None), photo_name)
    except CvpressError as exc:
        exc.problems = [at_source(p) for p in exc.problems]
        raise
    if rendered is not None:
        rendered.set()
    if not options.force and incremental.tex_matches(out, name, tex, engine):
        # The data changed, but not what this variant's PDF shows.
        return _Pdf(tex=tex, engine=engine)
    beside = {photo.name: photo.content} if photo is not None else {}
    try:
        result, fmt = compile_variant(name, tex, engine, epoch, options, beside)
    except EngineError as exc:
        keep_failed(out, name, tex, exc.log if isinstance(exc, TexError) else "")
        files = templates.template_files(variant.template, options.template_paths)
        traced = locate.trace(exc, selected, source, engine, files, variant.bold_keywords)
        traced.problems = [at_source(p) for p in traced.problems]
        raise traced from None
    facts = check.read_pdf(result.pdf)
    omit = templates.omits(variant.template, options.template_paths)
    fitted: str | None = None
    limit = variant.max_pages
    if variant.fit and limit is not None and facts.pages > limit:
        from . import fit
        from .fit_stage import Run, fit_pdf

        def render(shown: Resume, knobs: Layout) -> str:
            return _render_for(
                target, shown, order, options, engine, layout(shown, knobs), photo_name
            )

        def compile_tex(text: str, seed: bytes | None) -> tuple[Any, Path | None]:
            return compile_variant(
                name, text, engine, epoch, options, beside, seed=seed, keep=False
            )

        try:
            check.check(facts, selected, variant=name, max_pages=limit, omit=omit)
        except CheckError as overflowed:
            records = aux_path(out, name, engine).with_suffix(".fit.json")
            natural = fit.Attempt(
                facts.pages, fit.measure(result.log), Run(tex, result, fmt, facts)
            )
            selected, chosen, facts, fitted = fit_pdf(
                variant,
                limit,
                selected,
                natural,
                overflowed,
                render,
                compile_tex,
                records,
            )
            tex, result, fmt = chosen.tex, chosen.result, chosen.fmt
    try:
        check.check(facts, selected, variant=name, max_pages=variant.max_pages, omit=omit)
    except CheckError as exc:
        # A page limit or a text check failed: the PDF is not published, but
        # its .tex and .log are kept for a look, as after a TeX error.
        keep_failed(out, name, tex, result.log)
        # Text missing from the PDF names its field; say where it is written too.
        exc.problems = [at_source(p) for p in exc.problems]
        raise
    warnings = [
        at_source(
            Problem(
                f"{m.message} in variant {name!r}",
                field_path=locate.field_at_line(tex, m.line, selected, engine),
                hint="a line is too wide for the page",
                severity="warning",
            )
        )
        for m in result.messages
        if m.kind == "overfull"
    ]
    return _Pdf(
        {"tex": tex.encode("utf-8"), "log": result.log.encode("utf-8"), "pdf": result.pdf},
        tex,
        engine,
        fmt,
        facts.pages,
        warnings,
        fitted,
    )


def _selection(
    target: Target, resume: Resume, notes: list[Problem] | None = None
) -> tuple[Resume, tuple[str, ...]]:
    """What the variant shows, in what order; an unknown section is located in the variants file."""
    from ..data import select
    from . import locate

    try:
        select.require_known_sections(resume, target.variant)
    except InputError as exc:
        raise locate.sections_in_variants(exc, target, resume) from None
    return select.apply(resume, target.variant, notes)


def preflight(variants_file: Path, variants: Sequence[Variant], options: Options) -> None:
    """What a build refuses before TeX runs, for every variant, in one error; no TeX runs.

    ``cvpress validate`` calls it so that it passes only what ``cvpress build``
    accepts up to TeX: sections the data lacks, a character the variant's
    engine cannot print. A variant whose engine is not installed is skipped:
    that is a build failure on this machine, not a mistake in the files.
    """
    from ..errors import BuildError
    from . import locate, sources
    from .targets import refuse_collisions

    refuse_collisions([v.name for v in variants], variants_file)
    problems: list[Problem] = []
    documents: dict[sources.Sources, sources.Document] = {}
    for variant in variants:
        target = Target(variant, (variants_file.parent / variant.data).resolve(), variants_file)
        try:
            read_from = sources.of(target, options)
            if read_from not in documents:
                documents[read_from] = sources.read(read_from, Warnings())
            document = documents[read_from]
            selected, order = _selection(target, document.resume)
            if "pdf" in target.formats(options):
                try:
                    layout = _layout(document.resume, target)(selected, None)
                    _render(target, selected, order, options, layout)
                except CvpressError as exc:
                    exc.problems = [
                        locate.at_source(p, document.resume, variant, document.source)
                        for p in exc.problems
                    ]
                    raise
        except InputError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
        except BuildError:
            continue
    if problems:
        raise InputError(problems[0].message, problems=problems)


def _render(
    target: Target,
    selected: Resume,
    order: tuple[str, ...],
    options: Options,
    layout: Layout,
    photo: str | None = None,
) -> tuple[str, str]:
    """The engine to use and the ``.tex`` of the selection rendered for it."""
    from . import check

    variant = target.variant

    def tex_for(engine: str) -> str:
        return _render_for(target, selected, order, options, engine, layout, photo)

    return first_printable(variant, options, tex_for, list(check.visible_strings(selected)))


def _render_for(
    target: Target,
    selected: Resume,
    order: tuple[str, ...],
    options: Options,
    engine: str,
    layout: Layout,
    photo: str | None,
) -> str:
    """The ``.tex`` of ``selected`` for ``engine``, laid out by ``layout``.

    Compiled templates are cached per user (Jinja checks each against its
    source), so a fresh output folder, a batch included, does not compile them
    again.
    """
    from ..engine.sandbox import cache_home
    from ..tex import render
    from . import dates

    return render.render(
        selected,
        target.variant,
        engine=engine,
        sections=order,
        version=options.version,
        updated=dates.updated(target.data, target.variant.locale),
        extra_paths=options.template_paths,
        cache_dir=cache_home() / "jinja",
        photo=photo,
        layout=layout,
    )
