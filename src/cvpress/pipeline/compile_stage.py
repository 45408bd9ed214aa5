"""The TeX step of a build: the engine chosen, one run from the precompiled
preamble, and a failed run's files kept (or dropped once a build succeeds).

Shared by a résumé's stages (:mod:`cvpress.pipeline.build`) and a letter's
(:mod:`cvpress.pipeline.letter_stages`).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CvpressError, EngineError, EngineTimeout
from .incremental import CACHE_DIR, write_cache
from .targets import Options

if TYPE_CHECKING:
    from ..data.variants import Variant


def first_printable(
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
    from ..tex.characters import UnprintableCharacter
    from . import locate

    requested = options.engine or variant.engine
    preferred = templates.preferred_engines(variant.template, options.template_paths)
    engine = catalogue.resolve(requested, preferred=preferred)
    try:
        return engine, tex_for(engine)
    except UnprintableCharacter as exc:
        if requested != "auto":
            raise locate.name_unprintable(exc, strings) from None
        refused = exc
    # ``auto``: the installed Unicode engines in order, until one can print
    # (and extract) every character: XeLaTeX first, LuaLaTeX for Devanagari
    # and for what XeLaTeX's fixed fallback fonts lack.
    for engine in catalogue.candidates(unicode=True, preferred=preferred):
        try:
            return engine, tex_for(engine)
        except UnprintableCharacter as exc:
            refused = exc
    raise locate.name_unprintable(refused, strings) from None


def compile_variant(
    name: str,
    tex: str,
    engine: str,
    epoch: int,
    options: Options,
    files: dict[str, bytes] | None = None,
    *,
    seed: bytes | None = None,
    keep: bool = True,
) -> tuple[Any, Path | None]:
    """One engine run, from the precompiled preamble (built first when not cached).

    ``files`` are written into the run's folder beside the ``.tex`` (the
    photo). LuaLaTeX (and XeLaTeX when its preamble's format cannot be
    made) starts from its own format, inflated
    (:func:`cvpress.engine.formats.base`). A run that fails with a format is
    retried once without it, and the format dropped, so a stale or broken
    format can never fail a build. The run starts from the page records
    (``.aux``) of the variant's last run (:func:`aux_path`), or from
    ``seed``'s, and with ``keep`` its own replace the variant's: a fitting
    candidate starts from an earlier candidate's and keeps none.
    """
    from ..engine import formats
    from ..engine.catalogue import spec
    from ..engine.sandbox import JOBNAME

    aux = aux_path(options.out, name, engine)
    if seed is None:
        with contextlib.suppress(OSError):
            seed = aux.read_bytes()
    if seed is not None:
        files = {**(files or {}), f"{JOBNAME}.aux": seed}
    with contextlib.ExitStack() as stack:
        stack.enter_context(options.tex_turns)
        fmt = None
        preamble = formats.preamble(tex) if spec(engine).formats else None
        if preamble is not None:
            fmt = stack.enter_context(formats.held(preamble, engine, epoch, options.timeout))
        if fmt is None and spec(engine).base_format:
            fmt = formats.base(engine)
        result, fmt = _compile_from(name, tex, engine, epoch, options, fmt, files)
    if keep and result.aux:
        with contextlib.suppress(OSError):
            write_cache(aux, result.aux)
    return result, fmt


def aux_path(out: Path, name: str, engine: str) -> Path:
    """Where the last run of ``name`` under ``engine`` left its ``.aux``.

    A multi-page document records its page count and which pages start a
    role in the ``.aux`` (the running foot, "continued" lines), so a run
    without one takes a second pass. An edit rarely changes those records:
    started from the last run's ``.aux``, a rebuild takes one pass, and LaTeX
    still asks for another whenever a record changed. The records decide only
    what a page prints, never where it breaks (docs/typography.md), so
    whatever ``.aux`` a run starts from, its PDF is the one a run from scratch
    makes.
    """
    return out / CACHE_DIR / "aux" / f"{name}.{engine.replace(':', '-')}.aux"


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
    """:func:`compile_variant` with its format (None: without), by a run started early if any."""
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

    for waiting in _runs_waiting(options.out, name, timeout):
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


def _runs_waiting(out: Path, name: str, timeout: float) -> Iterator[Any]:
    """The runs already started for this variant: the one the last build left, one started early.

    Each is the caller's to finish or cancel; the second is asked for only
    if the first gave no result.
    """
    from ..engine import resident

    left = resident.claim(out, name, timeout)
    if left is not None:
        yield left
    if "cvpress.engine.prestart" in sys.modules:
        early = sys.modules["cvpress.engine.prestart"].take(out, name)
        if early is not None:
            yield early


def _preload_checker(_pid: int) -> None:
    """Import the PDF reader while TeX runs (the main thread would otherwise just wait)."""
    import pypdfium2  # noqa: F401


def drop_failed(out: Path, name: str) -> None:
    """A build succeeded: the evidence of its last failure goes."""
    from . import publish

    for suffix in publish.FAILED_SUFFIXES:
        publish.remove_quietly(out / f"{name}.{publish.FAILED}.{suffix}")


def keep_failed(out: Path, name: str, tex: str, log: str) -> None:
    """Keep the failed run's .tex and .log beside the outputs for debugging."""
    from . import publish

    with contextlib.suppress(CvpressError):
        publish.publish(
            out,
            f"{name}.{publish.FAILED}",
            {"tex": tex.encode("utf-8"), "log": log.encode("utf-8")},
        )
