"""Trace a failure in generated LaTeX back to what the person wrote.

TeX reports a line of the generated ``.tex``, which nobody edits. The person
edits a data field or a template line, so that is what the error must name:

1. the data field whose text stands on the failing line (or, for a missing
   glyph, the field that holds the character), located in the data file;
2. otherwise the template line that produced the failing line, found by
   matching the template's literal text (everything outside ``<< >>`` and
   ``<% %>``) against it.

A Jinja error is named by the template file and line of the innermost
template frame of its traceback (Jinja rewrites tracebacks so that template
frames carry the template's own file name and line numbers).

Problems found in a variant's selection name the selected résumé's fields
(``work[1]`` may be the data's ``work[3]``); :func:`at_source` points them
at the data file, as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..data import fields
from ..data.model import Resume
from ..errors import (
    BuildError,
    CvpressError,
    EngineError,
    InputError,
    Location,
    Problem,
    TexError,
)

if TYPE_CHECKING:
    from ..data.variants import Variant
    from ..tex.characters import UnprintableCharacter
    from .targets import Target

_JINJA = re.compile(r"<<.*?>>|<%.*?%>|<#.*?#>")
_MISSING = re.compile(r"missing character:? (?:There is no )?(\S)", re.I)
_MISSING_IN_LOG = re.compile(r"Missing character: There is no (\S)")
_TEXT_FIELDS = {"text", "summary", "description", "reference"}


def trace(
    exc: EngineError,
    resume: Resume,
    source: Any,
    engine: str,
    templates: Iterable[Path] = (),
    bold: tuple[str, ...] = (),
) -> EngineError:
    """Point ``exc`` (a failed TeX run) at a data field, else at a template line."""
    from .check import visible_strings

    if isinstance(exc, TexError):
        tex, line, text, log = exc.tex, exc.line, exc.tex_message, exc.log
    else:  # no log to go by (a crash): only the message
        tex, line, text, log = "", None, exc.message, ""
    problem = exc.problems[0]
    before = _context(log, line)
    # A missing glyph is noticed when TeX ends the paragraph, so the failing
    # line points past the field that holds it: the character itself is surer.
    # LuaTeX logs the glyph and then reports only "Fatal error occurred".
    char = _MISSING.search(text) or _MISSING_IN_LOG.search(log)
    path = field_with(char.group(1), visible_strings(resume)) if char is not None else None
    if path is not None and char is not None and not _MISSING.search(text):
        problem.message = f"{engine}: the font has no glyph for {char.group(1)!r}"
        problem.hint = "use a font that has it (or another engine), or remove the character"
    if path is None:
        path = field_at_line(tex, line, resume, engine, bold, before)
    if path is not None:
        problem.field_path = path
        problem.location = fields.locate_field(source, path)
        problem.message += f" (caused by the text of {path})"
        return exc
    where = template_line(tex, line, templates)
    if where is not None:
        problem.location = where
        problem.message += f" (line {line} of the generated .tex)"
    elif line is not None:
        problem.message += f" (at line {line} of the generated .tex)"
    return exc


def _candidates(path: str, value: str, engine: str, bold: tuple[str, ...]) -> Iterator[str]:
    """The ways ``value`` may appear in the .tex: escaped, as Markdown, or its start."""
    from ..tex.markdown import markdown
    from ..tex.texify import escape

    try:
        yield escape(value, engine)
        last = path.rsplit(".", 1)[-1]
        if last in _TEXT_FIELDS or bold:
            yield markdown(value, engine, bold=bold)
    except CvpressError:
        return


def _context(log: str, line: int | None) -> str | None:
    """What TeX had read of ``line`` when it stopped (its ``l.N ...`` context line)."""
    if line is None:
        return None
    match = re.search(rf"^l\.{line} (.*)$", log, re.M)
    return match.group(1) if match else None


def field_at_line(
    tex: str,
    line: int | None,
    resume: Resume,
    engine: str,
    bold: tuple[str, ...] = (),
    before: str | None = None,
) -> str | None:
    """The data field whose LaTeX stands on ``line`` of ``tex``.

    With ``before`` (the part of the line TeX had read when it failed), the
    field that ends closest to the failure point wins, since several fields
    often share a line; otherwise the longest match does.
    """
    from .check import visible_strings

    if line is None:
        return None
    lines = tex.splitlines()
    if not 0 < line <= len(lines):
        return None
    here = lines[line - 1]
    best: tuple[int, int, str] | None = None
    for path, value in visible_strings(resume):
        for snippet in _candidates(path, value, engine, bold):
            if len(snippet) < 3 or snippet not in here:
                continue
            end = before.rfind(snippet) + len(snippet) if before and snippet in before else -1
            score = (end, len(snippet), path)
            if best is None or score[:2] > best[:2]:
                best = score
    return best[2] if best else None


def field_with(char: str, strings: Iterable[tuple[str, str]]) -> str | None:
    """The first printed field (of a document's (field path, text) pairs) that holds ``char``."""
    for path, value in strings:
        if char in value:
            return path
    return None


def template_line(tex: str, line: int | None, templates: Iterable[Path]) -> Location | None:
    """The template line whose literal text best explains ``line`` of the generated .tex."""
    if line is None:
        return None
    lines = tex.splitlines()
    if not 0 < line <= len(lines):
        return None
    target = lines[line - 1].strip()
    if not target:
        return None
    best: tuple[int, Location] | None = None
    for file in templates:
        if file.suffix not in (".j2", ".tex", ".sty", ".cls"):
            continue
        try:
            source = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, raw in enumerate(source, start=1):
            score = _literal_match(raw, target)
            if score and (best is None or score > best[0]):
                best = (score, Location(display(file), number, quote=True))
    return best[1] if best else None


def _literal_match(template_line: str, target: str) -> int:
    """Characters of literal text shared, if every literal piece appears in order; else 0."""
    pieces = [p.strip() for p in _JINJA.split(template_line) if p.strip()]
    if not pieces or sum(len(p) for p in pieces) < 3:
        return 0
    position = 0
    for piece in pieces:
        found = target.find(piece, position)
        if found < 0:
            return 0
        position = found + len(piece)
    return sum(len(p) for p in pieces)


def display(path: Path) -> str:
    """A path as the person would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def jinja_location(exc: BaseException) -> Location | None:
    """File and line of the innermost template frame of a Jinja error."""
    filename = getattr(exc, "filename", None)
    lineno = getattr(exc, "lineno", None)
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".j2", ".tex", ".sty")) or "/latex/" in name:
            filename, lineno = name, tb.tb_lineno
        tb = tb.tb_next
    if filename is None:
        return None
    return Location(display(Path(filename)), lineno, quote=True)


def template_error(exc: BaseException, template: str) -> BuildError:
    """A Jinja error as a build error located at the template's file and line."""
    where = jinja_location(exc)
    message = getattr(exc, "message", None) or str(exc)
    if where is None:
        message = f"{message} (in template {template!r})"
    return BuildError(
        f"template error: {message}", location=where, hint="fix the template at this line"
    )


# ------------------------------------------- problems pointed at the data file


def sections_in_variants(exc: InputError, target: Target, resume: Resume) -> InputError:
    """An unknown section name, pointed out in the variants file (as ``validate`` does)."""
    if target.variants_file is None:
        return exc
    from ..data import validate

    try:
        problems = validate.section_problems(target.variants_file, target.variant.name, resume)
    except CvpressError:
        return exc
    if not problems:
        return exc
    problems.sort(key=Problem.sort_key)
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return InputError(
        f"variant {target.variant.name!r}: {problems[0].message}{more}", problems=problems
    )


def at_source(problem: Problem, resume: Resume, variant: Variant, source: Any) -> Problem:
    """A problem found in the variant's selection, re-pointed at the data file.

    Its field path is the selected résumé's (``work[1]`` may be the data's
    ``work[3]``: :func:`cvpress.data.select.source_path`); the path, in the field
    and in the message, and the location become the data file's.
    """
    if not problem.field_path:
        return problem
    from ..data import select

    shown = problem.field_path
    original = select.source_path(resume, variant, shown)
    if original != shown:
        problem.message = problem.message.replace(shown, original)
        problem.field_path = original
    problem.location = fields.locate_field(source, original)
    return problem


def name_unprintable(
    exc: UnprintableCharacter, strings: Iterable[tuple[str, str]]
) -> UnprintableCharacter:
    """Name the field that holds the unprintable character the renderer refused.

    ``strings`` are the document's (field path, text) pairs: for a résumé,
    the selected résumé's, and the caller points the path at the data file
    (:func:`at_source`).
    """
    path = field_with(exc.char, strings)
    if path is not None:
        problem = exc.problems[0]
        problem.field_path = path
        if " in " not in problem.message:
            problem.message = problem.message.replace(")", f") in {path}", 1)
    return exc
