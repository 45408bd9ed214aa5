"""A letter variant's way through the stages: the cover letter in place of the selection.

Called by :func:`cvpress.pipeline.build.run_targets` for a target with a
letter; compiles and checks through the same helpers as a résumé.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import CheckError, CvpressError, EngineError, Problem, TexError, Warnings
from . import incremental
from .compile_stage import compile_variant, drop_failed, first_printable, keep_failed
from .targets import Options, Outcome, Target

if TYPE_CHECKING:
    from ..data.model import Resume


def build_letter(
    target: Target, resume: Resume, source: Any, options: Options, key: str | None = None
) -> Outcome:
    """A letter variant's way through the stages: the letter in place of the selection.

    The sender is the data's ``basics``; the letter's own problems point into
    the ``.md`` file, the sender's into the data file. The page limit is 1
    unless the variant sets ``max_pages``.
    """
    import datetime

    from ..data import fields, languages, validate
    from ..data import letter as letter_mod
    from ..data.dates import PartialDate
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
            problem.location = fields.locate_field(where, path)
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
        engine, tex = first_printable(variant, options, tex_for, strings)
    except CvpressError as exc:
        exc.problems = [at_source(p) for p in exc.problems]
        raise
    if not options.force and incremental.tex_matches(out, name, tex, engine):
        incremental.write_stamp(out, name, key, formats, tex, engine, None, epoch)
        return Outcome(name, "unchanged", pdf=pdf_path, warnings=warnings.items)
    try:
        result, fmt = compile_variant(name, tex, engine, epoch, options)
    except EngineError as exc:
        keep_failed(out, name, tex, exc.log if isinstance(exc, TexError) else "")
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
        keep_failed(out, name, tex, result.log)
        exc.problems = [at_source(p) for p in exc.problems]
        raise
    publish.publish(
        out,
        name,
        {"tex": tex.encode("utf-8"), "log": result.log.encode("utf-8"), "pdf": result.pdf},
    )
    drop_failed(out, name)
    incremental.write_stamp(out, name, key, formats, tex, engine, fmt, epoch)
    return Outcome(
        name,
        "built",
        pdf=pdf_path,
        pages=facts.pages,
        warnings=warnings.items,
        outputs={"pdf": pdf_path},
    )
