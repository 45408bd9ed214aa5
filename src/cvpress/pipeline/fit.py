"""Fit a variant to ``max_pages``: shrink in fixed steps, measured once, predicted, then checked.

The steps, tightest last (``docs/fit-and-languages.md``):

1. vertical spacing to 90%, 80%, then 70% of the template's;
2. then body text half a point at a time, down to 9.5 pt;
3. then every margin 2 mm at a time, down to 1.5 cm (a margin the template
   already set narrower stays as it is);
4. then, only when the variant names ``fit_drop_tags``, bullets carrying one
   of those tags, one at a time, oldest entry first, last bullet first.

Each step keeps everything the steps before it did. The first step that
fits is built. Trying every step would cost one TeX run each, so the first
run (the build that overflowed) logs how tall its content is, how much
vertical space it added and its margins (``\\cvfitreport`` in
``latex/_base``); a model of what each knob saves (:func:`predict`) names
the first step that should fit, and runs confirm it: that step, and the one
before it to prove it is the first, both at once (the caller runs them side
by side). Every run measures itself too, and its measurement corrects the
model (a secant through the last two, see :class:`_Model`), always within
the bracket the runs so far have proved, so a fit costs a few rounds of at
most two runs whatever the number of steps; after a few guesses the bracket
is halved instead. The step the last fit of the variant chose, when known,
is tried first. Page counts are monotone in the steps, which is what makes
"the first step that fits" well defined, and the step found the same
whatever the order of the runs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from ..data.model import Resume
from ..data.select import keep
from ..errors import CheckError, Problem
from ..tex.layout import Layout

#: Spacing steps, per mille of the template's.
SPACING = (900, 800, 700)
#: Body text never goes under this size (points).
FONT_FLOOR = 9.5
FONT_STEP = 0.5
#: Margins never go under this (millimetres); steps of MARGIN_STEP.
MARGIN_FLOOR = 15
MARGIN_STEP = 2
#: The body size LaTeX's article class really sets for each class option.
NORMALSIZE = {10: 10.0, 11: 10.95, 12: 12.0}
#: Share of its pages content may fill and still fit, as the model predicts
#: it from runs that overflowed (page breaks waste a little: headings are kept
#: with their text, bullets together), and once two runs that fit have
#: measured it (measured content that fits its pages is exact).
SAFETY = 0.96
SAFETY_MEASURED = 0.99
#: Runs guided by the model while no step fits yet, and again once one does;
#: after that the bracket is halved.
PREDICTIONS = 3
#: Rounds spent next to the step the last fit chose before the model guesses.
WALKS = 2
#: Average width of a character, in ems of the body size (Latin text).
CHAR_WIDTH = 0.48
#: Sections whose bullets may be dropped.
_BULLET_SECTIONS = ("work", "volunteer", "education", "projects")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Step:
    """One rung of the ladder: every knob's setting (each rung keeps the earlier ones)."""

    spacing: int = 1000
    font: float | None = None
    margin_cut: int = 0
    drops: int = 0

    def layout(self, base_font: int, measure: bool = True) -> Layout:
        scale = 1000 if self.font is None else round(self.font / NORMALSIZE[base_font] * 1000)
        return Layout(
            spacing=self.spacing,
            font_scale=scale,
            margin_cut=self.margin_cut,
            margin_floor=MARGIN_FLOOR,
            measure=measure,
        )

    def describe(self, dropped: Sequence[str] = ()) -> str:
        """What the step changes: "spacing −30%, font 10 pt, margins −4 mm"."""
        parts = []
        if self.spacing != 1000:
            parts.append(f"spacing −{(1000 - self.spacing) // 10}%")
        if self.font is not None:
            parts.append(f"font {self.font:g} pt")
        if self.margin_cut:
            parts.append(f"margins −{self.margin_cut} mm")
        if self.drops:
            noun = "bullet" if self.drops == 1 else "bullets"
            shown = ", ".join(dropped[: min(self.drops, 3)])
            more = f" and {self.drops - 3} more" if self.drops > 3 else ""
            parts.append(f"{self.drops} {noun} dropped, oldest first ({shown}{more})")
        return ", ".join(parts) or "nothing changed"


@dataclass(frozen=True, slots=True)
class Measure:
    """What a run logs through ``\\cvfitreport`` (lengths in TeX points)."""

    #: The pages' content at its natural height (page-break waste excluded).
    content: float
    #: Vertical space the knobs scale, as added.
    space: float
    textheight: float
    textwidth: float
    left: float
    right: float
    top: float
    bottom: float


_REPORT = re.compile(r"cvpress-fit:(\w+)=([\d.]+)")


def measure(log: str) -> Measure | None:
    """The ``cvpress-fit:`` lines of a TeX log, or None when the run did not write them."""
    found = {k: float(v.rstrip(".").removesuffix("pt")) for k, v in _REPORT.findall(log)}
    try:
        return Measure(**{name: found[name] for name in Measure.__dataclass_fields__})
    except KeyError:
        return None


def _mm(points: float) -> float:
    return points / 72.27 * 25.4


def _pt(mm: float) -> float:
    return mm / 25.4 * 72.27


def _cut(margin: float, cut: float) -> float:
    """A margin (pt) after ``cut`` more millimetres, by the floor rule of ``\\cvmargins``."""
    floor = _pt(MARGIN_FLOOR)
    return margin if margin < floor else max(floor, margin - _pt(cut))


def ladder(base_font: int, widest_margin: float, droppable: int) -> list[Step]:
    """Every step, loosest first; ``widest_margin``: the template's widest margin in points."""
    steps = [Step(spacing=s) for s in SPACING]
    last = steps[-1]
    size = NORMALSIZE[base_font]
    font = math.floor(size / FONT_STEP) * FONT_STEP
    if font >= size:
        font -= FONT_STEP
    while font >= FONT_FLOOR:
        last = replace(last, font=font)
        steps.append(last)
        font -= FONT_STEP
    spare = _mm(widest_margin) - MARGIN_FLOOR
    cut = MARGIN_STEP
    while spare > MARGIN_STEP / 4 and cut < spare + MARGIN_STEP:  # not for a hair's breadth
        last = replace(last, margin_cut=cut)
        steps.append(last)
        cut += MARGIN_STEP
    for drops in range(1, droppable + 1):
        last = replace(last, drops=drops)
        steps.append(last)
    return steps


def droppable(resume: Resume, tags: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """Bullets fitting may drop, in order: (section, entry, bullet) of ``resume``.

    Oldest entry first (by start date, else end date; undated entries last,
    keeping their order), and within an entry its last bullet first.
    """
    if not tags:
        return []
    entries: list[tuple[tuple[int, ...], int, str, int, Any]] = []
    order = 0
    for section in _BULLET_SECTIONS:
        for i, entry in enumerate(getattr(resume, section)):
            when = entry.start_date or entry.end_date
            key = (0, *when.key(3)) if when is not None else (1,)
            entries.append((key, order, section, i, entry))
            order += 1
    entries.sort(key=lambda e: (e[0], e[1]))
    out: list[tuple[str, int, int]] = []
    for _key, _order, section, i, entry in entries:
        for j in reversed(range(len(entry.highlights))):
            bullet = entry.highlights[j]
            if not keep(bullet.tags, (), tags):  # carries one of the tags
                out.append((section, i, j))
    return out


def without(resume: Resume, bullets: Sequence[tuple[str, int, int]]) -> Resume:
    """``resume`` less the given bullets."""
    gone: dict[tuple[str, int], set[int]] = {}
    for section, i, j in bullets:
        gone.setdefault((section, i), set()).add(j)
    update: dict[str, Any] = {}
    for section in {s for s, _ in gone}:
        items = list(getattr(resume, section))
        for (name, i), drop in gone.items():
            if name == section:
                kept = tuple(b for j, b in enumerate(items[i].highlights) if j not in drop)
                items[i] = items[i].model_copy(update={"highlights": kept})
        update[section] = tuple(items)
    return resume.model_copy(update=update)


def predict(
    base: Measure,
    base_step: Step,
    step: Step,
    base_font: int,
    bullet_heights: Sequence[float],
) -> tuple[float, float]:
    """Content height ``step`` should need, and its text block height, from a run at ``base_step``.

    Spacing: the space the run added scales with the knob. Font: a line's
    height scales with the size, and smaller text also wraps into fewer lines
    (a little: most lines of a résumé are short or end a paragraph). Margins:
    the text block grows by what comes off each margin, and wider lines wrap
    less. Dropped bullets free ``bullet_heights`` (at the template's size).
    """
    size = NORMALSIZE[base_font]
    space = base.space * step.spacing / base_step.spacing
    ratio = (step.font or size) / (base_step.font or size)
    text = (base.content - base.space) * math.pow(ratio, 1.1)
    more = step.margin_cut - base_step.margin_cut
    wider = base.left + base.right - _cut(base.left, more) - _cut(base.right, more)
    taller = base.top + base.bottom - _cut(base.top, more) - _cut(base.bottom, more)
    text *= math.sqrt(base.textwidth / (base.textwidth + wider))
    freed = sum(bullet_heights[base_step.drops : step.drops]) - sum(
        bullet_heights[step.drops : base_step.drops]
    )
    text -= freed * (step.font or size) / size
    return text + space, base.textheight + taller


@dataclass(slots=True)
class Attempt(Generic[T]):
    """One TeX run of one step: its page count, its measurements, and what the caller keeps."""

    pages: int
    measured: Measure | None
    result: T


@dataclass(frozen=True, slots=True)
class Probe(Generic[T]):
    """A step to run, and the earlier run it should resemble most (None: no such run yet).

    ``like`` is the nearest run (by step) that fitted, for a step the model
    expects to fit; that overflowed, for one it expects to overflow: the page
    records a run starts from (its ``.aux``) then usually hold, and LaTeX asks
    for no second pass.
    """

    step: Step
    like: Attempt[T] | None


@dataclass(slots=True)
class Fitted(Generic[T]):
    """The step that fits, its run, and every run made."""

    step: Step
    attempt: Attempt[T]
    tried: list[tuple[Step, int]] = field(default_factory=list)


def search(
    natural: Attempt[T],
    steps: Sequence[Step],
    max_pages: int,
    run: Callable[[Sequence[Probe[T]]], list[Attempt[T]]],
    *,
    base_font: int,
    bullet_heights: Sequence[float],
    hint: Step | None = None,
) -> Fitted[T] | list[tuple[Step, int]]:
    """The first step of ``steps`` that fits in ``max_pages``, or every step tried when none does.

    ``natural`` is the overflowing run (no step); ``run`` builds the steps it
    is given, at once (so two may share the machine's cores), and returns
    their runs in the same order. Invariant: every step up to ``lo``
    overflows (``lo = -1`` is the natural run), ``hi`` fits; each run narrows
    the bracket. While guesses come from the model (at most
    :data:`PREDICTIONS` rounds before and after a step fits), each run's
    measured content recalibrates it (:class:`_Model`); then the bracket is
    halved. A step the model expects to be the first that fits is run
    together with the step before it, which proves it (or, when the model
    was wrong, is the next guess a sequential search would likely make).
    ``hint``, the step the last fit of this variant chose, is the first
    guess: an edit rarely moves the answer, and then one round settles it.
    """
    tried: list[tuple[Step, int]] = []
    results: dict[int, Attempt[T]] = {-1: natural}
    lo, hi = -1, None
    model = (
        _Model(natural.measured, base_font, bullet_heights)
        if natural.measured is not None
        else None
    )
    predictions = PREDICTIONS
    neighbour = True
    near = steps.index(hint) if hint in steps else None
    walks = WALKS
    while hi is None or hi - lo > 1:
        top = len(steps) if hi is None else hi
        if lo + 1 >= top:  # every step is proved to overflow
            return tried
        batch: list[tuple[int, bool | None]]
        if near is not None and walks:
            walks -= 1
            batch = _walk(near, lo, hi, top)
        else:
            if predictions and model is not None:
                # A prediction that nothing below ``top`` fits is settled by the
                # step just below it: the tightest, or the fitting step's neighbour.
                predictions -= 1
                guess, expected = model.first_fit(steps, lo + 1, top, max_pages)
            elif hi is None:
                guess, expected = top - 1, None
            elif neighbour:
                neighbour = False
                guess, expected = hi - 1, None  # the fitting step's neighbour may prove it
            else:
                guess, expected = (lo + hi) // 2, None
            batch = [(guess, expected)]
            if expected and guess - 1 > lo:
                batch.append((guess - 1, False))
        guess, expected = batch[0]
        attempts = run([Probe(steps[i], _like(results, i, fits, max_pages)) for i, fits in batch])
        for (index, _), attempt in zip(batch, attempts, strict=True):
            tried.append((steps[index], attempt.pages))
            results[index] = attempt
            fits = attempt.pages <= max_pages
            if index == guess:
                if fits and hi is None:
                    predictions = PREDICTIONS
                elif hi is not None and expected is not None and expected != fits:
                    predictions = 0  # wrong inside the bracket: halving it is surer
            if fits:
                hi = index if hi is None else min(hi, index)
            else:
                lo = max(lo, index)
            if model is not None and attempt.measured is not None:
                model.learn(steps[index], attempt.measured, fits)
    return Fitted(steps[hi], results[hi], tried)


def _walk(near: int, lo: int, hi: int | None, top: int) -> list[tuple[int, bool | None]]:
    """The next two steps to run near ``near`` (the step the last fit chose), and whether each fits.

    First ``near`` and the step before it, then on from the bracket's end
    nearest to it: an edit that moved the answer moved it a step or two.
    """
    pair: list[tuple[int, bool | None]]
    if lo < near < top and (hi is None or near < hi):
        pair = [(near, True), (near - 1, False)]
    elif hi is not None and hi <= near:  # the answer is before ``near``: walk down
        pair = [(hi - 1, None), (hi - 2, None)]
    else:  # it is after: walk up
        pair = [(lo + 1, True), (lo + 2, None)]
    return [(i, fits) for i, fits in pair if lo < i < top]


def _like(
    results: dict[int, Attempt[T]], index: int, fits: bool | None, max_pages: int
) -> Attempt[T] | None:
    """The run nearest to step ``index`` that fitted (or overflowed) as it is expected to."""
    alike = [i for i, a in results.items() if fits is None or (a.pages <= max_pages) == fits]
    return results[min(alike, key=lambda i: (abs(i - index), i))] if alike else None


class _Model:
    """:func:`predict` from the first run, corrected by what later runs measured.

    The content each step should need, as predicted from the first run, is
    mapped to what runs measured through the line between the latest two
    measurements that fit (a run that fits its pages measures best: no page
    is cut short), else the latest two: a secant, so a model that is off by
    a constant factor or offset is right after two runs.
    """

    def __init__(self, first: Measure, base_font: int, bullet_heights: Sequence[float]) -> None:
        self.first = first
        self.base_font = base_font
        self.heights = bullet_heights
        #: (predicted from the first run, measured, fitted), one per run.
        self.points: list[tuple[float, float, bool]] = [(first.content, first.content, False)]

    def _predicted(self, step: Step) -> tuple[float, float]:
        return predict(self.first, Step(), step, self.base_font, self.heights)

    def learn(self, step: Step, measured: Measure, fitted: bool) -> None:
        self.points.append((self._predicted(step)[0], measured.content, fitted))

    def content(self, predicted: float) -> float:
        """The content a step should need, given what the model predicted for it."""
        fitting = [p for p in self.points if p[2]]
        pair = fitting[-2:] if len(fitting) >= 2 else self.points[-2:]
        if len(pair) < 2:
            return predicted  # only the first run: the model as it is
        (x1, y1, _), (x2, y2, _) = pair
        if abs(x2 - x1) < 1e-6:
            return predicted + (y2 - x2)
        return y2 + (predicted - x2) * (y2 - y1) / (x2 - x1)

    @property
    def safety(self) -> float:
        return SAFETY_MEASURED if sum(1 for p in self.points if p[2]) >= 2 else SAFETY

    def first_fit(
        self, steps: Sequence[Step], start: int, stop: int, max_pages: int
    ) -> tuple[int, bool]:
        """The first index in [start, stop) predicted to fit, else ``stop - 1``; and which."""
        for index in range(start, stop):
            predicted, block = self._predicted(steps[index])
            if self.content(predicted) <= max_pages * block * self.safety:
                return index, True
        return stop - 1, False


def overflow(
    error: CheckError, tried: Sequence[tuple[Step, int]], dropped: Sequence[str]
) -> CheckError:
    """The page-limit error, with what fitting tried added."""
    lines = "; ".join(f"{step.describe(dropped)}: {pages} pages" for step, pages in tried)
    problem = error.problems[0]
    return CheckError(
        f"{error.message}, even fitted (tried {lines})",
        problems=[
            Problem(
                f"{problem.message}, even fitted (tried {lines})",
                location=problem.location,
                field_path=problem.field_path,
                hint="name bullets fitting may drop with fit_drop_tags, drop content with "
                "include_tags/exclude_tags, max_items or max_highlights, or raise max_pages",
            )
        ],
    )
