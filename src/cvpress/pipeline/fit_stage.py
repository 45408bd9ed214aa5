"""A ``fit`` variant's TeX runs: candidates rendered, run side by side, judged by page count.

:mod:`cvpress.pipeline.fit` decides which steps to try, two at a time when
its model names the first that fits (that step and the one before it);
this module makes those runs for :func:`cvpress.pipeline.build._pdf`. Both
candidates' TeX runs go at once, so they share the machine's cores. A
candidate is judged by its page count and its measurements (in its log):
only the run the fit chooses is read back in full and checked.

A candidate whose page count differs from the page records (``.aux``) it
starts from takes a second TeX pass, so each starts from the records the
same step left in the last fit (an edit rarely moves them), else from those
of the earlier run it should resemble (:class:`cvpress.pipeline.fit.Probe`),
else from the variant's own. Every run's records are kept, by step, for the
next fit; LaTeX still asks for another pass whenever one is wrong, so the
bytes are those of a run from scratch.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from ..errors import CheckError
from . import check, fit, together
from .incremental import write_cache

if TYPE_CHECKING:
    from ..data.model import Resume
    from ..data.variants import Variant
    from ..engine.passes import EngineResult
    from ..tex.layout import Layout

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Candidate(Generic[T]):
    """A run for the caller to make: a step, its résumé and layout, and its probe's ``like``."""

    step: fit.Step
    resume: Resume
    layout: Layout
    like: fit.Attempt[T] | None


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """A fitted build: the résumé shown (less dropped bullets), its step and run, what changed."""

    resume: Resume
    step: fit.Step
    attempt: fit.Attempt[T]
    summary: str


def fit_resume(
    selected: Resume,
    drop_tags: tuple[str, ...],
    base_font: int,
    max_pages: int,
    natural: fit.Attempt[T],
    build: Callable[[Sequence[Candidate[T]]], list[fit.Attempt[T]]],
    overflowed: CheckError,
    hint: fit.Step | None = None,
) -> Outcome[T]:
    """Shrink ``selected`` to ``max_pages``; ``natural`` is its overflowing run.

    ``build`` renders and compiles the candidates it is given, at once, and
    returns their runs in order (adding the variant's page breaks to the
    layouts it is given). Raises ``overflowed`` completed with what was
    tried when even the tightest step overflows. ``hint``: the step the last
    fit chose (see :func:`cvpress.pipeline.fit.search`).
    """
    from ..data.load import format_path

    bullets = fit.droppable(selected, drop_tags)
    names = [format_path((s, i, "highlights", j)) for s, i, j in bullets]
    seen = natural.measured
    widest = max(seen.left, seen.right, seen.top, seen.bottom) if seen is not None else 0.0
    steps = fit.ladder(base_font, widest, len(bullets))
    heights = _bullet_heights(selected, bullets, fit.NORMALSIZE[base_font], seen)
    found = fit.search(
        natural,
        steps,
        max_pages,
        lambda probes: build(
            [
                Candidate(
                    p.step,
                    fit.without(selected, bullets[: p.step.drops]),
                    p.step.layout(base_font),
                    p.like,
                )
                for p in probes
            ]
        ),
        base_font=base_font,
        bullet_heights=heights,
        hint=hint,
    )
    if not isinstance(found, fit.Fitted):
        raise fit.overflow(overflowed, found, names) from None
    count = found.attempt.pages
    pages = "1 page" if count == 1 else f"{count} pages"
    return Outcome(
        fit.without(selected, bullets[: found.step.drops]),
        found.step,
        found.attempt,
        f"fitted to {pages}: {found.step.describe(names)}",
    )


@dataclass(slots=True)
class Run:
    """One TeX run of the variant: its ``.tex``, the engine's result and format, its PDF read back.

    ``facts`` is None for a candidate: only the chosen one is read in full.
    """

    tex: str
    result: EngineResult
    fmt: Path | None
    facts: check.PdfFacts | None


def fit_pdf(
    variant: Variant,
    max_pages: int,
    selected: Resume,
    natural: fit.Attempt[Run],
    overflowed: CheckError,
    render: Callable[[Resume, Layout], str],
    compile_tex: Callable[[str, bytes | None], tuple[EngineResult, Path | None]],
    records: Path,
) -> tuple[Resume, Run, check.PdfFacts, str]:
    """Fit ``selected`` (whose ``natural`` run overflowed) to ``max_pages``.

    ``render`` makes a candidate's ``.tex``; ``compile_tex`` runs it from the
    page records given (None: the variant's own) and keeps none; ``records``
    is the file that keeps each step's, from one fit to the next. Returns the
    résumé shown (less the bullets dropped), the chosen run, its PDF read
    back, and what fitting changed. Raises ``overflowed``, completed, when
    even the tightest step overflows.
    """
    last, kept = _read_records(records)
    made: dict[str, bytes] = {}

    def candidates(batch: Sequence[Candidate[Run]]) -> list[fit.Attempt[Run]]:
        texts = [render(c.resume, c.layout) for c in batch]
        seeds = [kept.get(_key(c.step)) or _records_of(c.like) for c in batch]
        runs = together.all_at_once(
            [partial(compile_tex, text, seed) for text, seed in zip(texts, seeds, strict=True)]
        )
        made.update({_key(c.step): result.aux for c, (result, _) in zip(batch, runs, strict=True)})
        return [
            fit.Attempt(
                check.count_pages(result.pdf), fit.measure(result.log), Run(text, result, fmt, None)
            )
            for text, (result, fmt) in zip(texts, runs, strict=True)
        ]

    done = fit_resume(
        selected,
        variant.fit_drop_tags,
        variant.font_size,
        max_pages,
        natural,
        candidates,
        overflowed,
        last,
    )
    chosen = done.attempt.result
    facts = chosen.facts or check.read_pdf(chosen.result.pdf)
    _write_records(records, done.step, made)
    return done.resume, chosen, facts, done.summary


def _key(step: fit.Step) -> str:
    return f"{step.spacing}/{step.font}/{step.margin_cut}/{step.drops}"


def _records_of(like: fit.Attempt[Run] | None) -> bytes | None:
    return like.result.result.aux or None if like is not None else None


def _read_records(path: Path) -> tuple[fit.Step | None, dict[str, bytes]]:
    """The step the last fit chose, and the page records each step's run left then.

    Nothing when the file is missing or unreadable: the fit then starts
    from the model's guess.
    """
    try:
        kept = json.loads(path.read_bytes())
        step = fit.Step(**kept["chosen"])
        return step, {str(k): base64.b64decode(v) for k, v in kept["records"].items()}
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return None, {}


def _write_records(path: Path, chosen: fit.Step, made: dict[str, bytes]) -> None:
    kept = {
        "chosen": dataclasses.asdict(chosen),
        "records": {k: base64.b64encode(v).decode("ascii") for k, v in made.items() if v},
    }
    with contextlib.suppress(OSError):
        write_cache(path, json.dumps(kept).encode())


def _bullet_heights(
    resume: Resume,
    bullets: Sequence[tuple[str, int, int]],
    size: float,
    seen: fit.Measure | None,
) -> list[float]:
    """About how tall each droppable bullet is (points): its lines at the body size."""
    from ..tex.markdown import plain_markdown

    width = (seen.textwidth if seen is not None else 450.0) - 1.5 * size
    out = []
    for section, i, j in bullets:
        text = plain_markdown(getattr(resume, section)[i].highlights[j].text)
        lines = max(1, math.ceil(len(text) * fit.CHAR_WIDTH * size / width))
        out.append(lines * 1.2 * size)
    return out
