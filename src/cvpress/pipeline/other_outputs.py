"""The HTML and Word outputs of a build: rendered, read back and checked like the PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CheckError, Location, Problem, Warnings
from .targets import Options, Target

if TYPE_CHECKING:
    from ..data.model import Resume


def other_output(
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


def look_warnings(target: Target, options: Options) -> list[Problem]:
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


def same_file(path: Path, data: bytes) -> bool:
    """``path`` already holds ``data``: left alone, so its time says when it last changed."""
    try:
        return path.read_bytes() == data
    except OSError:
        return False
