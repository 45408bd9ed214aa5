"""The stage sequence, per variant: select, render, compile, check, publish.

:func:`run_targets` validates each data file once, then builds every target
in parallel; :func:`build_one` is one variant's way through the stages, read
top to bottom. What to build comes from :mod:`cvpress.pipeline.targets`;
what can be skipped, from :mod:`cvpress.pipeline.incremental`. A built
variant starts TeX from a precompiled preamble
(:mod:`cvpress.engine.formats`, built first when missing).
"""

from __future__ import annotations

import contextlib
import os
import sys
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
    EngineTimeout,
    InputError,
    Location,
    Problem,
    TexError,
    Warnings,
)
from . import incremental
from .targets import Options, Outcome, Target

if TYPE_CHECKING:
    from ..data.model import Resume, Variant
    from ..data.photo import Original, Photo
    from ..tex.layout import Layout


def run_targets(
    targets: Sequence[Target],
    options: Options,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Validate each data file once, then build every target, in parallel.

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
    # Variants reading the same files (data, private.yaml, .bib) share one document.
    documents: dict[sources.Sources, sources.Document | CvpressError] = {}
    shared_warnings: dict[sources.Sources, list[Problem]] = {}
    for target in targets:
        read_from = sources.of(target, options)
        if read_from in documents:
            continue
        warnings = Warnings()
        try:
            policy = Policy.for_input(
                own_data=target.variants_file is not None, strict=options.strict
            )
            documents[read_from] = sources.read(read_from, warnings, policy)
        except CvpressError as exc:
            documents[read_from] = exc
        shared_warnings[read_from] = warnings.items

    reporting = threading.Lock()

    def one(target: Target) -> Outcome:
        started = time.perf_counter()
        read_from = sources.of(target, options)
        document = documents[read_from]
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
        outcome.warnings = [*shared_warnings.get(read_from, []), *outcome.warnings]
        if progress:
            with reporting:  # one variant's lines at a time, whichever thread finishes
                progress(outcome)
        return outcome

    jobs = options.jobs or os.cpu_count() or 1
    from ..engine import process

    try:
        if jobs <= 1 or len(targets) <= 1:
            return [one(t) for t in targets]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(jobs, len(targets))) as pool:
            try:
                return list(pool.map(one, targets))
            except BaseException:  # Ctrl-C or SIGTERM: end the runs the workers wait for
                process.stop_all()
                raise
    except BaseException:
        process.stop_all()
        raise
    finally:
        from ..engine.sandbox import sweep

        sweep()  # what killed builds left in /tmp (after the PDFs: off their path)


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
    original = _photo_file(target, resume, source, found) if "pdf" in formats else None
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
    files: dict[str, bytes] = {}
    pdf = _Pdf()
    if "pdf" in formats:
        photo = _photo(original, variant.template, options)
        layout = _layout(resume, target)
        pdf = _pdf(target, selected, source, order, options, epoch, at_source, photo, layout)
        files.update(pdf.files)
    warnings: list[Problem] = [*found.items, *(at_source(p) for p in notes), *pdf.warnings]
    if set(formats) - {"pdf"}:
        warnings.extend(_look_warnings(target, options))
    for suffix in formats:
        if suffix != "pdf":
            data = _other(suffix, target, selected, order, options, epoch, at_source, warnings)
            if not _same_file(paths[suffix], data):
                files[suffix] = data
    if files:
        publish.publish(out, name, files)
    if pdf.files:
        _drop_failed(out, name)
    incremental.write_stamp(out, name, key, formats, pdf.tex, pdf.engine, pdf.fmt, epoch)
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


def build_letter(
    target: Target, resume: Resume, source: Any, options: Options, key: str | None = None
) -> Outcome:
    """A letter variant's way through the stages: the letter in place of the selection.

    The sender is the data's ``basics``; the letter's own problems point into
    the ``.md`` file, the sender's into the data file. The page limit is 1
    unless the variant sets ``max_pages``.
    """
    import datetime

    from ..data import languages, validate
    from ..data import letter as letter_mod
    from ..data.model import PartialDate
    from ..data.model import Resume as ResumeModel
    from ..engine.sandbox import cache_home
    from ..tex import templates
    from ..tex.letter import render_letter
    from . import check, dates, locate, publish

    assert target.letter is not None
    variant = target.variant
    name = variant.name
    out = options.out
    formats = ("pdf",)  # a letter is a PDF only
    pdf_path = out / f"{name}.pdf"
    warnings = Warnings()  # validated first: a missing letter has no input key
    loaded = letter_mod.load(locate.display(target.letter), warnings)
    if target.variants_file is not None:
        for problem in validate.letter_ignores(target.variants_file, name):
            warnings.add(problem)
    key = key or incremental.input_key(target, options)
    if not options.force and incremental.stamp_matches(out, name, key, formats):
        return Outcome(name, "unchanged", pdf=pdf_path, warnings=warnings.items)
    # The sender in the variant's language (text written in several languages).
    shown, notes = languages.resolve(resume, variant.locale)
    sender = shown.basics
    strings = list(letter_mod.visible_strings(loaded.letter, sender))

    def at_source(problem: Problem) -> Problem:
        path = problem.field_path
        if path:
            where = source if path.startswith("basics.") else loaded.source
            problem.location = validate.locate_field(where, path)
        return problem

    for note in notes:
        if note.field_path and note.field_path.startswith("basics."):
            warnings.add(at_source(note))

    epoch = dates.source_epoch(*target.inputs)
    day = datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC).date()

    def tex_for(engine: str) -> str:
        return render_letter(
            loaded.letter,
            sender,
            variant,
            engine=engine,
            today=PartialDate(day.year, day.month, day.day),
            version=options.version,
            updated=dates.updated(target.data, variant.locale),
            extra_paths=options.template_paths,
            cache_dir=cache_home() / "jinja",
        )

    try:
        engine, tex = _first_printable(variant, options, tex_for, strings)
    except CvpressError as exc:
        exc.problems = [at_source(p) for p in exc.problems]
        raise
    if not options.force and incremental.tex_matches(out, name, tex, engine):
        incremental.write_stamp(out, name, key, formats, tex, engine, None, epoch)
        return Outcome(name, "unchanged", pdf=pdf_path, warnings=warnings.items)
    try:
        result, fmt = _compile(name, tex, engine, epoch, options)
    except EngineError as exc:
        _keep_failed(out, name, tex, exc.log if isinstance(exc, TexError) else "")
        files = templates.template_files(variant.template, options.template_paths)
        raise locate.trace(exc, ResumeModel(basics=sender), source, engine, files) from None
    facts = check.read_pdf(result.pdf)
    max_pages = variant.max_pages if "max_pages" in variant.model_fields_set else 1
    try:
        check.check_text(
            facts,
            strings,
            variant=name,
            max_pages=max_pages,
            shorten="shorten the letter",
            name=sender.name,
        )
    except CheckError as exc:
        _keep_failed(out, name, tex, result.log)
        exc.problems = [at_source(p) for p in exc.problems]
        raise
    publish.publish(
        out,
        name,
        {"tex": tex.encode("utf-8"), "log": result.log.encode("utf-8"), "pdf": result.pdf},
    )
    _drop_failed(out, name)
    incremental.write_stamp(out, name, key, formats, tex, engine, fmt, epoch)
    return Outcome(
        name,
        "built",
        pdf=pdf_path,
        pages=facts.pages,
        warnings=warnings.items,
        outputs={"pdf": pdf_path},
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
    fitting = variant.fit and variant.max_pages is not None

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
) -> _Pdf:
    """Render, compile and check the PDF; nothing to publish when its ``.tex`` is unchanged.

    A ``fit`` variant that overflows is fitted (:mod:`cvpress.pipeline.fit`):
    its PDF shows ``selected`` less the bullets fitting dropped, if any.
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
    if not options.force and incremental.tex_matches(out, name, tex, engine):
        # The data changed, but not what this variant's PDF shows.
        return _Pdf(tex=tex, engine=engine)
    beside = {photo.name: photo.content} if photo is not None else {}
    try:
        result, fmt = _compile(name, tex, engine, epoch, options, beside)
    except EngineError as exc:
        _keep_failed(out, name, tex, exc.log if isinstance(exc, TexError) else "")
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

        def candidate(shown: Resume, knobs: Layout) -> fit.Attempt[Any]:
            text = _render_for(
                target, shown, order, options, engine, layout(shown, knobs), photo_name
            )
            run, run_fmt = _compile(name, text, engine, epoch, options, beside)
            read = check.read_pdf(run.pdf)
            return fit.Attempt(read.pages, fit.measure(run.log), (text, run, run_fmt, read))

        try:
            check.check(facts, selected, variant=name, max_pages=limit, omit=omit)
        except CheckError as overflowed:
            natural = fit.Attempt(facts.pages, fit.measure(result.log), (tex, result, fmt, facts))
            done = fit.fit(
                selected,
                variant.fit_drop_tags,
                variant.font_size,
                limit,
                natural,
                candidate,
                overflowed,
            )
            selected = done.resume
            tex, result, fmt, facts = done.attempt.result
            fitted = done.summary
    try:
        check.check(facts, selected, variant=name, max_pages=variant.max_pages, omit=omit)
    except CheckError as exc:
        # A page limit or a text check failed: the PDF is not published, but
        # its .tex and .log are kept for a look, as after a TeX error.
        _keep_failed(out, name, tex, result.log)
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


def _other(
    suffix: str,
    target: Target,
    selected: Resume,
    order: tuple[str, ...],
    options: Options,
    epoch: int,
    at_source: Callable[[Problem], Problem],
    warnings: list[Problem],
) -> bytes:
    """The HTML page or the Word file, read back and checked like the PDF."""
    from ..outputs import docx, html, readback

    variant = target.variant
    collected = Warnings()
    try:
        if suffix == "html":
            data = html.render_html(
                selected, variant, sections=order, extra_paths=options.template_paths
            )
            readback.check_html(data, selected)
        else:
            data = docx.render_docx(
                selected,
                variant,
                epoch=epoch,
                sections=order,
                extra_paths=options.template_paths,
                warnings=collected,
            )
            readback.check_docx(data, selected)
    except CheckError as exc:
        exc.problems = [at_source(p) for p in exc.problems]
        raise
    warnings.extend(at_source(w) for w in collected.items)
    return data


def _look_warnings(target: Target, options: Options) -> list[Problem]:
    """The accent colour, darkened for HTML and Word when too light to read on white."""
    from ..outputs.look import MIN_CONTRAST, contrast, look

    variant = target.variant
    shown = look(variant, options.template_paths)
    if shown.darkened_from is None:
        return []
    return [
        Problem(
            f"variant {variant.name!r}: accent #{variant.accent} is too light for text on white"
            f" ({contrast(variant.accent):.1f}:1, under {MIN_CONTRAST}:1); the HTML and Word"
            f" files use #{shown.accent}",
            location=Location(str(target.variants_file)) if target.variants_file else None,
            hint="choose a darker accent to have it used as written",
            severity="warning",
        )
    ]


def _same_file(path: Path, data: bytes) -> bool:
    """``path`` already holds ``data``: left alone, so its time says when it last changed."""
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def _photo_file(target: Target, resume: Resume, source: Any, found: Warnings) -> Original | None:
    """The variant's photo file, read but not decoded (None without ``photo: true``, or a URL)."""
    variant = target.variant
    if not variant.photo:
        return None
    from ..data import photo

    image = resume.basics.image
    if not image:
        found.add(
            Problem(
                f"variant {variant.name!r} has photo: true, but basics.image names no photo",
                location=source.locate(("basics",)),
                field_path="basics.image",
                hint="add image: photo.jpg (a JPEG or PNG beside the data file) under basics",
            )
        )
        return None
    at = source.locate(("basics", "image"))
    # Relative to the file the value is written in (the data file, or private.yaml).
    return photo.original(image, Path(at.file), at, found)


def _photo(original: Original | None, template: str, options: Options) -> Photo | None:
    """The photo TeX prints: decoded, checked and cropped as the template says."""
    if original is None:
        return None
    from ..data import photo
    from ..tex import templates

    shape = templates.photo_shape(template, options.template_paths)
    return photo.normalise(original.content, shape, original.location)


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

    return _first_printable(variant, options, tex_for, list(check.visible_strings(selected)))


def _first_printable(
    variant: Variant,
    options: Options,
    tex_for: Callable[[str], str],
    strings: Sequence[tuple[str, str]],
) -> tuple[str, str]:
    """The engine to use and the ``.tex`` (``tex_for(engine)``) rendered for it.

    ``auto`` means pdfLaTeX (the fastest) unless the document holds a character
    pdfLaTeX cannot print; then the first installed Unicode engine that can
    print (and extract) them all (the template's ``engines:`` list in its
    ``template.yaml`` first, then XeLaTeX, LuaLaTeX, tectonic). An explicit
    engine that cannot print the document is bad input (exit 2) naming the
    field (found in ``strings``), the character and the fix.
    """
    from ..engine import catalogue
    from ..tex import templates
    from ..tex import texify as texify_mod
    from . import locate

    requested = options.engine or variant.engine
    preferred = templates.preferred_engines(variant.template, options.template_paths)
    engine = catalogue.resolve(requested, preferred=preferred)
    try:
        return engine, tex_for(engine)
    except texify_mod.UnprintableCharacter as exc:
        if requested != "auto":
            raise locate.name_unprintable(exc, strings) from None
        refused = exc
    # ``auto``: the installed Unicode engines in order, until one can print
    # (and extract) every character: XeLaTeX first, LuaLaTeX for Devanagari
    # and for what XeLaTeX's fixed fallback fonts lack.
    for engine in catalogue.candidates(unicode=True, preferred=preferred):
        try:
            return engine, tex_for(engine)
        except texify_mod.UnprintableCharacter as exc:
            refused = exc
    raise locate.name_unprintable(refused, strings) from None


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


def _compile(
    name: str,
    tex: str,
    engine: str,
    epoch: int,
    options: Options,
    files: dict[str, bytes] | None = None,
) -> tuple[Any, Path | None]:
    """One engine run, from the precompiled preamble (built first when not cached).

    ``files`` are written into the run's folder beside the ``.tex`` (the
    photo). XeLaTeX and LuaLaTeX start from their own format, inflated
    (:func:`cvpress.engine.formats.base`). A run that fails with a format is
    retried once without it, and the format dropped, so a stale or broken
    format can never fail a build.
    """
    from ..engine import formats
    from ..engine.catalogue import spec

    with contextlib.ExitStack() as stack:
        fmt = None
        preamble = formats.preamble(tex) if spec(engine).formats else None
        if preamble is not None:
            fmt = stack.enter_context(formats.held(preamble, engine, epoch, options.timeout))
        elif spec(engine).base_format:
            fmt = formats.base(engine)
        return _compile_from(name, tex, engine, epoch, options, fmt, files)


def _lualatex_first_run(name: str, tex: str, engine: str, timeout: float) -> tuple[float, bool]:
    """The run's timeout, and whether it is the first LuaLaTeX run with these fonts.

    LuaTeX's font index and the first load of a set of fonts take minutes on
    a fresh machine: the index is built here, outside any run, and the first
    run of a font set gets :data:`cvpress.engine.fontindex.LIMIT` instead of
    the run's timeout, saying so (cvpress.engine.fontindex).
    """
    from ..engine import fontindex
    from ..engine.catalogue import spec

    if spec(engine).tex != "lualatex":
        return timeout, False
    fontindex.ensure()
    if fontindex.warm(tex):
        return timeout, False
    print(
        f"{name}: first LuaLaTeX run with these fonts: caching them for LuaTeX "
        f"(once; up to {fontindex.LIMIT:.0f} s instead of the {timeout:.0f} s timeout) ...",
        file=sys.stderr,
        flush=True,
    )
    return max(timeout, fontindex.LIMIT), True


def _compile_from(
    name: str,
    tex: str,
    engine: str,
    epoch: int,
    options: Options,
    fmt: Path | None,
    files: dict[str, bytes] | None,
) -> tuple[Any, Path | None]:
    """:func:`_compile` with its format (None: without), taken by a run started early if any."""
    from ..engine import formats, passes

    timeout, first_fonts = _lualatex_first_run(name, tex, engine, options.timeout)

    def compile_with(fmt: Path | None) -> Any:
        result = passes.compile_tex(
            tex,
            engine,
            timeout=timeout,
            epoch=epoch,
            fmt=fmt,
            on_start=_preload_checker,
            files=files,
        )
        if first_fonts:
            from ..engine import fontindex

            fontindex.mark_warm(tex)
        return result

    if "cvpress.engine.prestart" in sys.modules:
        waiting = sys.modules["cvpress.engine.prestart"].take(options.out, name)
        if waiting is not None:
            if waiting.fits(engine, fmt, epoch):
                result = waiting.finish(tex, on_start=_preload_checker, files=files)
                if result is not None:
                    return result, fmt
            else:
                waiting.cancel()
    if fmt is None:
        return compile_with(None), None
    try:
        return compile_with(fmt), fmt
    except EngineTimeout:
        raise  # without the format it would only wait as long again
    except EngineError:
        result = compile_with(None)
        formats.discard(fmt)
        return result, None


def _preload_checker(_pid: int) -> None:
    """Import the PDF reader while TeX runs (the main thread would otherwise just wait)."""
    import pypdfium2  # noqa: F401


def _drop_failed(out: Path, name: str) -> None:
    """A build succeeded: the evidence of its last failure goes."""
    from . import publish

    for suffix in publish.FAILED_SUFFIXES:
        publish.remove_quietly(out / f"{name}.{publish.FAILED}.{suffix}")


def _keep_failed(out: Path, name: str, tex: str, log: str) -> None:
    """Keep the failed run's .tex and .log beside the outputs for debugging."""
    from . import publish

    with contextlib.suppress(CvpressError):
        publish.publish(
            out,
            f"{name}.{publish.FAILED}",
            {"tex": tex.encode("utf-8"), "log": log.encode("utf-8")},
        )
