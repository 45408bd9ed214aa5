"""Run the stages for each variant: in parallel, skipping what has not changed.

A variant is rebuilt only when one of its inputs changed: the data file, the
variant's options, the template files, the engine or cvpress itself. Three
levels of "unchanged", cheapest first:

1. the no-op manifest (``.cache/noop-*.json``, :func:`_all_unchanged`): the
   raw bytes of the variants file, data files and template files, the git
   HEAD (for ``SOURCE_DATE_EPOCH``), the options and the outputs' sizes and
   times, all as they were after the last successful build. It is checked
   without importing pydantic, yaml or Jinja, so a no-op build costs little
   more than starting Python;
2. the per-variant stamp (``.cache/<variant>.stamp``): the hash of the
   validated variant, the data, the template files, the engine and the epoch;
3. the rendered ``.tex``: a data edit that this variant does not show
   (another variant's tags, say) renders the same ``.tex`` as last time, and
   the PDF is kept.

``--force`` skips all three. A built variant starts TeX from a precompiled
preamble (:mod:`cvpress.formats`, built first when missing), and when the
last build used one, TeX is started from it before Python has even imported
the stages (:mod:`cvpress.prestart`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import (
    CheckError,
    CvpressError,
    EngineError,
    InputError,
    Location,
    Problem,
    Warnings,
)

if TYPE_CHECKING:
    from .model import Resume, Variant

CACHE_DIR = ".cache"
#: Most TeX runs started before rendering (see _prestart): each holds ~40 MB
#: while it waits; six cover a usual project's variants (this one has five).
PRESTART_MAX = 6


@dataclass(slots=True)
class Outcome:
    """What happened to one variant."""

    name: str
    status: str  # "built", "unchanged" or "failed"
    pdf: Path | None = None
    pages: int | None = None
    seconds: float = 0.0
    error: CvpressError | None = None
    warnings: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class Options:
    """How to build: the command line's choices."""

    out: Path = Path("build")
    engine: str | None = None  # overrides each variant's engine
    jobs: int | None = None
    force: bool = False
    version: str = ""
    timeout: float = 60.0
    png: bool = False
    template_paths: tuple[Path, ...] = ()


@dataclass(slots=True)
class Target:
    """One variant bound to its data file."""

    variant: Variant
    data: Path
    raw_options: dict[str, Any]
    #: Where the variant is written (None for ``--data``/``--template`` builds).
    variants_file: Path | None = None


# ------------------------------------------------------------------ entry points


def build_variants(
    variants_file: Path,
    names: Sequence[str] = (),
    options: Options | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Build the named variants of ``variants_file`` (all when ``names`` is empty)."""
    options = options or Options()
    if not options.force:
        fast = _all_unchanged(variants_file, names, options)
        if fast is not None:
            for outcome in fast:
                if progress:
                    progress(outcome)
            return fast
    started = _prestart(variants_file, names, options)
    try:
        return _build_variants(variants_file, names, options, progress)
    finally:
        if started:
            from . import prestart

            prestart.cancel_all()


def _build_variants(
    variants_file: Path,
    names: Sequence[str],
    options: Options,
    progress: Callable[[Outcome], None] | None,
) -> list[Outcome]:
    from . import validate

    variants = validate.variants(variants_file)
    by_name = {v.name: v for v in variants}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise InputError(
            f"no variant named {unknown[0]!r} in {variants_file}",
            hint="variants: " + ", ".join(by_name),
        )
    chosen = [by_name[n] for n in names] if names else variants
    raw = _raw_variants(variants_file)
    targets = [
        Target(v, (variants_file.parent / v.data).resolve(), raw.get(v.name, {}), variants_file)
        for v in chosen
    ]
    # The inputs are fingerprinted before they are read for the build: a save
    # that lands during the build must not be recorded as already built.
    inputs = _input_snapshot(variants_file, options, targets)
    outcomes = run_targets(targets, options, progress)
    _write_manifest(variants_file, names, options, inputs, outcomes)
    return outcomes


def build_adhoc(
    data_files: Iterable[Path],
    template: str,
    options: Options | None = None,
    progress: Callable[[Outcome], None] | None = None,
    overrides: dict[str, Any] | None = None,
) -> list[Outcome]:
    """``cvpress build --data FILE --template NAME``: one variant per data file.

    One file gives ``OUT/<template>.pdf``; several files, or a folder (its
    .yaml/.yml/.json files, hidden ones skipped), give ``OUT/<file stem>.pdf``
    each: the batch mode. Each résumé is validated once and built on its own,
    ``options.jobs`` at a time (default: the number of cores); one bad file
    fails only its own PDF. Per file, only its validated data (a few KiB) and
    its outcome stay in memory, so memory stays flat (tests/test_load.py).
    """
    from .model import Variant

    options = options or Options()
    files: list[Path] = []
    batch = False
    for item in data_files:
        if item.is_dir():
            batch = True
            found = sorted(
                p
                for p in item.iterdir()
                if p.suffix.lower() in (".yaml", ".yml", ".json")
                and not p.name.startswith(".")
                and p.is_file()
            )
            if not found:
                raise InputError(
                    f"no .yaml, .yml or .json files in the folder {item}",
                    hint="pass --data FILE, or a folder that holds résumé data files",
                )
            files.extend(found)
        else:
            files.append(item)
    if not files:
        raise InputError(
            "no data files given", hint="pass --data FILE (or a folder of .yaml/.json files)"
        )
    batch = batch or len(files) > 1
    targets = []
    # Batch outputs are named after their files; two files that map to one
    # name (cv.yaml and cv.json, a/cv.yaml and b/cv.yaml) would overwrite
    # each other's PDF, so that is refused before anything is built.
    claimed: dict[str, Path] = {}
    for path in files:
        name = _safe_name(path.stem) if batch else template
        if name in claimed and claimed[name].resolve() != path.resolve():
            raise InputError(
                f"{claimed[name]} and {path} would both be written as {name}.pdf",
                location=Location(str(path)),
                hint="rename one of the files: in a batch each PDF is named after its file",
            )
        if name in claimed:
            continue  # the same file given twice
        claimed[name] = path
        raw = {"template": template, **(overrides or {})}
        variant = Variant.model_validate({"name": name, **raw})
        targets.append(Target(variant, path.resolve(), raw))
    return run_targets(targets, options, progress)


def _safe_name(name: str) -> str:
    import re

    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "resume"
    return cleaned[:64]


# ---------------------------------------------------------------- orchestration


def run_targets(
    targets: Sequence[Target],
    options: Options,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Validate each data file once, then build every target, in parallel."""
    from . import load, publish, validate

    publish.prepare(options.out)
    # Each variant's input key is taken before its data is read for the build:
    # a save landing in between then costs one needless rebuild later, never a
    # stale PDF recorded as up to date.
    keys: dict[str, str | None] = {}
    for target in targets:
        try:
            keys[target.variant.name] = input_key(target, options)
        except OSError:
            keys[target.variant.name] = None
    resumes: dict[Path, tuple[Resume, Any] | CvpressError] = {}
    shared_warnings: dict[Path, list[Problem]] = {}
    for target in targets:
        if target.data in resumes:
            continue
        warnings = Warnings()
        try:
            loaded = load.load(_display(target.data))
            resumes[target.data] = (validate.resume(loaded, warnings), loaded.source)
        except CvpressError as exc:
            resumes[target.data] = exc
        shared_warnings[target.data] = warnings.items

    reporting = threading.Lock()

    def one(target: Target) -> Outcome:
        started = time.perf_counter()
        parsed = resumes[target.data]
        if isinstance(parsed, CvpressError):
            outcome = Outcome(target.variant.name, "failed", error=parsed)
        else:
            try:
                key = keys[target.variant.name]
                outcome = _build_one(target, parsed[0], parsed[1], options, key)
            except CvpressError as exc:
                outcome = Outcome(target.variant.name, "failed", error=exc)
        outcome.seconds = time.perf_counter() - started
        outcome.warnings = [*shared_warnings.get(target.data, []), *outcome.warnings]
        if progress:
            with reporting:  # one variant's lines at a time, whichever thread finishes
                progress(outcome)
        return outcome

    jobs = options.jobs or os.cpu_count() or 1
    try:
        if jobs <= 1 or len(targets) <= 1:
            return [one(t) for t in targets]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(jobs, len(targets))) as pool:
            return list(pool.map(one, targets))
    finally:
        from . import engines

        engines.sweep()  # what killed builds left in /tmp (after the PDFs: off their path)


def _display(path: Path) -> Path:
    """Show paths relative to the working directory in messages when possible."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _build_one(
    target: Target, resume: Resume, source: Any, options: Options, key: str | None = None
) -> Outcome:
    from . import check, publish, select

    variant = target.variant
    name = variant.name
    out = options.out
    key = key or input_key(target, options)
    if not options.force and _stamp_matches(out, name, key):
        return Outcome(name, "unchanged", pdf=out / f"{name}.pdf")
    try:
        select.require_known_sections(resume, variant)
    except InputError as exc:
        raise _locate_sections(exc, target, resume) from None
    selected, order = select.apply(resume, variant)

    def at_source(problem: Problem) -> Problem:
        return _at_source(problem, resume, variant, source)

    epoch = source_epoch(target.data)
    try:
        engine, tex = _render(target, selected, order, options)
    except CvpressError as exc:
        exc.problems = [at_source(p) for p in exc.problems]
        raise
    if not options.force and _tex_matches(out, name, tex, engine):
        # The data changed, but not what this variant shows.
        _write_stamp(out, name, key, tex, engine)
        return Outcome(name, "unchanged", pdf=out / f"{name}.pdf")
    try:
        result, fmt = _compile(name, tex, engine, epoch, options)
    except EngineError as exc:
        _keep_failed(out, name, tex, exc)
        from . import render, trace

        templates = render.template_files(variant.template, options.template_paths)
        traced = trace.trace(exc, selected, source, engine, templates, variant.bold_keywords)
        traced.problems = [at_source(p) for p in traced.problems]
        raise traced from None
    facts = check.read_pdf(result.pdf)
    omit = _template_omits(variant.template, options.template_paths)
    try:
        check.check(facts, selected, variant=name, max_pages=variant.max_pages, omit=omit)
    except CheckError as exc:
        # Text missing from the PDF names its field; say where it is written too.
        exc.problems = [at_source(p) for p in exc.problems]
        raise
    published = publish.publish(
        out,
        name,
        {"tex": tex.encode("utf-8"), "log": result.log.encode("utf-8"), "pdf": result.pdf},
    )
    publish.remove_quietly(out / f"{name}.failed.tex")
    publish.remove_quietly(out / f"{name}.failed.log")
    _write_stamp(out, name, key, tex, engine, fmt, epoch)
    warnings = [
        at_source(
            Problem(
                f"{m.message} in variant {name!r}",
                field_path=_field_at_line(tex, m.line, selected, engine),
                hint="a line is too wide for the page",
                severity="warning",
            )
        )
        for m in result.messages
        if m.kind == "overfull"
    ]
    return Outcome(name, "built", pdf=published["pdf"], pages=facts.pages, warnings=warnings)


def _render(
    target: Target, selected: Resume, order: tuple[str, ...], options: Options
) -> tuple[str, str]:
    """The engine to use and the ``.tex`` rendered for it.

    ``auto`` means pdfLaTeX (the fastest) unless the data holds a character
    pdfLaTeX cannot print; then the first installed Unicode engine (the
    template's ``engines:`` list in its ``template.yaml`` first, then XeLaTeX,
    LuaLaTeX, tectonic). An explicit engine that cannot print the data is bad
    input (exit 2) with the field, the character and the fix.
    """
    from . import engines, render
    from . import texify as texify_mod

    variant = target.variant
    requested = options.engine or variant.engine
    preferred = _template_engines(variant.template, options.template_paths)
    engine = engines.resolve(requested, preferred=preferred)

    def tex_for(engine: str) -> str:
        return render.render(
            selected,
            variant,
            engine=engine,
            sections=order,
            version=options.version,
            updated=_updated(target.data, variant.locale),
            extra_paths=options.template_paths,
            cache_dir=options.out / CACHE_DIR / "jinja",
        )

    try:
        return engine, tex_for(engine)
    except texify_mod.UnprintableCharacter as exc:
        if requested != "auto":
            raise _name_unprintable(exc, selected) from None
    engine = engines.resolve("auto", unicode=True, preferred=preferred)
    try:
        return engine, tex_for(engine)
    except texify_mod.UnprintableCharacter as exc:
        raise _name_unprintable(exc, selected) from None


def _compile(
    name: str, tex: str, engine: str, epoch: int, options: Options
) -> tuple[Any, Path | None]:
    """One engine run, from the precompiled preamble (built first when not cached).

    A run that fails with a format is retried once without it, and the format
    dropped, so a stale or broken format can never fail a build.
    """
    from . import engines, formats

    fmt = None
    if engines.spec(engine).formats:
        preamble = formats.preamble(tex)
        if preamble is not None:
            fmt = formats.ensure(preamble, engine, epoch, options.out / CACHE_DIR, options.timeout)

    def compile_with(fmt: Path | None) -> Any:
        return engines.compile_tex(
            tex, engine, timeout=options.timeout, epoch=epoch, fmt=fmt, on_start=_preload_checker
        )

    if "cvpress.prestart" in sys.modules:
        waiting = sys.modules["cvpress.prestart"].take(options.out, name)
        if waiting is not None:
            if waiting.fits(engine, fmt, epoch):
                result = waiting.finish(tex, on_start=_preload_checker)
                if result is not None:
                    return result, fmt
            else:
                waiting.cancel()
    if fmt is None:
        return compile_with(None), None
    try:
        return compile_with(fmt), fmt
    except EngineError as exc:
        if "did not finish within" in exc.message:
            raise
        result = compile_with(None)
        formats.discard(fmt)
        return result, None


def _preload_checker(_pid: int) -> None:
    """Import the PDF reader while TeX runs (the main thread would otherwise just wait)."""
    import pypdfium2  # noqa: F401


def _keep_failed(out: Path, name: str, tex: str, exc: EngineError) -> None:
    """Keep the failed run's .tex and .log beside the outputs for debugging."""
    from . import publish

    cause = exc.__cause__
    log = getattr(cause, "log", "")
    with contextlib.suppress(CvpressError):
        publish.publish(
            out, f"{name}.failed", {"tex": tex.encode("utf-8"), "log": str(log).encode("utf-8")}
        )


# ---------------------------------------------------------------- error tracing


def _strings(resume: Resume) -> list[tuple[str, str]]:
    from .check import visible_strings

    return list(visible_strings(resume))


def _field_at_line(tex: str, line: int | None, resume: Resume, engine: str) -> str | None:
    """The data field whose escaped text stands on ``line`` of the .tex, if any."""
    from .trace import field_at_line

    return field_at_line(tex, line, resume, engine)


def _locate_sections(exc: InputError, target: Target, resume: Resume) -> InputError:
    """An unknown section name, pointed out in the variants file (as ``validate`` does)."""
    if target.variants_file is None:
        return exc
    from . import validate

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


def _at_source(problem: Problem, resume: Resume, variant: Variant, source: Any) -> Problem:
    """A problem found in the variant's selection, re-pointed at the data file.

    Its field path is the selected résumé's (``work[1]`` may be the data's
    ``work[3]``: :func:`cvpress.select.source_path`); the path, in the field
    and in the message, and the location become the data file's.
    """
    if not problem.field_path:
        return problem
    from . import select, trace

    shown = problem.field_path
    original = select.source_path(resume, variant, shown)
    if original != shown:
        problem.message = problem.message.replace(shown, original)
        problem.field_path = original
    problem.location = trace.locate_field(source, original)
    return problem


def _name_unprintable(exc: CvpressError, resume: Resume) -> CvpressError:
    """Name the field that holds the unprintable character the renderer refused.

    Its path is the selected résumé's; the caller points it at the data file
    (:func:`_at_source`).
    """
    import re

    match = re.search(r"U\+([0-9A-F]{4,6})", exc.message)
    if match:
        char = chr(int(match.group(1), 16))
        for path, value in _strings(resume):
            if char in value:
                problem = exc.problems[0]
                problem.field_path = path
                problem.message = (
                    problem.message.replace(")", f") in {path}", 1)
                    if " in " not in problem.message
                    else problem.message
                )
                break
    return exc


# ---------------------------------------------------------------- caching


def input_key(target: Target, options: Options) -> str:
    """Hash of everything that determines a variant's PDF."""
    from . import render

    digest = hashlib.sha256()
    digest.update(f"cvpress {__version__}\0".encode())
    digest.update(json.dumps(target.variant.model_dump(mode="json"), sort_keys=True).encode())
    digest.update(f"engine={options.engine}\0version={options.version}\0".encode())
    digest.update(target.data.read_bytes())
    for path in render.template_files(target.variant.template, options.template_paths):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    digest.update(str(source_epoch(target.data)).encode())
    return digest.hexdigest()


def _stamp_path(out: Path, name: str) -> Path:
    return out / CACHE_DIR / f"{name}.stamp"


def _stamp_matches(out: Path, name: str, key: str) -> bool:
    try:
        stamp = json.loads(_stamp_path(out, name).read_text())
        pdf = out / f"{name}.pdf"
        return bool(stamp.get("key") == key and pdf.stat().st_size == stamp.get("size"))
    except (OSError, ValueError):
        return False


def _write_stamp(
    out: Path,
    name: str,
    key: str,
    tex: str,
    engine: str,
    fmt: Path | None = None,
    epoch: int | None = None,
) -> None:
    pdf = out / f"{name}.pdf"
    stamp = {
        "key": key,
        "size": pdf.stat().st_size,
        "tex": _sha(tex.encode("utf-8")),
        "engine": engine,
        # What the next build may start TeX from before it has rendered (cvpress.prestart).
        "fmt": str(fmt.resolve()) if fmt is not None else None,
        "epoch": epoch,
    }
    _write_cache(_stamp_path(out, name), json.dumps(stamp).encode())


def _tex_matches(out: Path, name: str, tex: str, engine: str) -> bool:
    """The last build of this variant rendered exactly this ``.tex`` for this engine."""
    try:
        stamp = json.loads(_stamp_path(out, name).read_text())
        pdf = out / f"{name}.pdf"
        return bool(
            stamp.get("tex") == _sha(tex.encode("utf-8"))
            and stamp.get("engine") == engine
            and pdf.stat().st_size == stamp.get("size")
        )
    except (OSError, ValueError):
        return False


def _write_cache(path: Path, content: bytes) -> None:
    """Replace a cache file in one step, without fsync: a lost cache file only costs a rebuild."""
    from .publish import write_atomic

    write_atomic(path, content, durable=False)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _raw_variants(variants_file: Path) -> dict[str, dict[str, Any]]:
    import yaml

    data = yaml.safe_load(variants_file.read_text(encoding="utf-8")) or {}
    defaults = data.get("defaults") or {}
    return {
        name: {**defaults, **(opts or {})} for name, opts in (data.get("variants") or {}).items()
    }


# ------------------------------------------------------- the no-op fast path


def _manifest_path(variants_file: Path, names: Sequence[str], options: Options) -> Path:
    """One manifest per way of calling ``build`` (file, variants, options)."""
    invocation = json.dumps(
        [
            __version__,
            str(variants_file.resolve()),
            sorted(names),
            options.engine,
            options.version,
            [str(p) for p in options.template_paths],
            os.environ.get("SOURCE_DATE_EPOCH", ""),
        ]
    )
    return options.out / CACHE_DIR / f"noop-{_sha(invocation.encode())[:16]}.json"


def _snapshot(
    files: Iterable[Path], folders: Iterable[Path], outputs: Iterable[Path]
) -> dict[str, Any]:
    """What the no-op check compares: file hashes, folder listings, output sizes and times."""
    snap: dict[str, Any] = {"files": {}, "folders": {}, "outputs": {}, "git": {}}
    for path in files:
        try:
            snap["files"][str(path)] = _sha(path.read_bytes())
        except OSError:
            snap["files"][str(path)] = None
        snap["git"][str(path)] = _git_head(path)
    for folder in folders:
        snap["folders"][str(folder)] = _listing(folder)
    for pdf in outputs:
        try:
            info = pdf.stat()
            snap["outputs"][str(pdf)] = [info.st_size, info.st_mtime_ns]
        except OSError:
            snap["outputs"][str(pdf)] = None
    return snap


def _listing(folder: Path) -> list[str] | None:
    """Every file under ``folder`` (relative, sorted); None when it does not exist."""
    if not folder.is_dir():
        return None
    found: list[str] = []
    for root, _dirs, names in os.walk(folder):
        found.extend(os.path.relpath(os.path.join(root, n), folder) for n in names)
    return sorted(found)


def _git_head(path: Path) -> str | None:
    """The commit HEAD points at in the repository holding ``path`` (cheap: two file reads).

    ``SOURCE_DATE_EPOCH`` comes from the data file's last commit: any new
    commit sends the build down the full path, which checks precisely.
    """
    for parent in path.resolve().parents:
        git = parent / ".git"
        if git.is_file():  # a worktree or submodule: let the full path decide
            return git.read_text(errors="replace") + str(git.stat().st_mtime_ns)
        if git.is_dir():
            try:
                head = (git / "HEAD").read_text(errors="replace").strip()
                if head.startswith("ref: "):
                    ref = git / head[5:]
                    commit = (
                        ref.read_text().strip()
                        if ref.is_file()
                        else str((git / "packed-refs").stat().st_mtime_ns)
                    )
                    return f"{head} {commit}"
                return head
            except OSError:
                return "unreadable"
    return None


def _input_snapshot(
    variants_file: Path, options: Options, targets: Sequence[Target]
) -> dict[str, Any]:
    """Fingerprint of every input of ``targets`` (files, template folders, git HEAD)."""
    from . import render

    files: list[Path] = [variants_file.resolve()]
    folders: set[Path] = {Path.cwd() / "latex"}
    for target in targets:
        files.append(target.data)
        files.extend(
            p.resolve()
            for p in render.template_files(target.variant.template, options.template_paths)
        )
        for root in render.search_path(options.template_paths):
            folders.update({root / target.variant.template, root / "_base"})
    return _snapshot(list(dict.fromkeys(files)), sorted(folders), ())


def _write_manifest(
    variants_file: Path,
    names: Sequence[str],
    options: Options,
    inputs: dict[str, Any],
    outcomes: Sequence[Outcome],
) -> None:
    """After a fully successful build: record what the no-op check will compare.

    ``inputs`` was taken before the build read anything (see _build_variants);
    only the outputs are fingerprinted now.
    """
    if any(o.status == "failed" or o.pdf is None for o in outcomes):
        return
    outputs = [o.pdf for o in outcomes if o.pdf is not None]
    snapshot = {**inputs, "outputs": _snapshot((), (), outputs)["outputs"]}
    manifest = {"variants": [o.name for o in outcomes], "snapshot": snapshot}
    with contextlib.suppress(OSError):
        _write_cache(_manifest_path(variants_file, names, options), json.dumps(manifest).encode())


def _prestart(variants_file: Path, names: Sequence[str], options: Options) -> bool:
    """Start TeX for the variants the last build made from a format (see cvpress.prestart).

    At most :data:`PRESTART_MAX`: each run loads its format while Python
    imports (on a core Python leaves idle), then waits, holding ~40 MB.
    Reads only the manifest and the stamps (JSON): a few milliseconds.
    """
    try:
        chosen = (
            list(names)
            or json.loads(_manifest_path(variants_file, names, options).read_bytes())["variants"]
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False
    spare = PRESTART_MAX
    started = False
    for name in chosen[:spare]:
        try:
            stamp = json.loads(_stamp_path(options.out, str(name)).read_bytes())
            fmt, engine, epoch = stamp.get("fmt"), stamp.get("engine"), stamp.get("epoch")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(fmt, str) and isinstance(engine, str) and isinstance(epoch, int):
            if options.engine not in (None, "auto", engine):
                continue
            from . import prestart

            prestart.begin(options.out, str(name), engine, Path(fmt), epoch, options.timeout)
            started = True
    return started


def _all_unchanged(
    variants_file: Path, names: Sequence[str], options: Options
) -> list[Outcome] | None:
    """The no-op fast path: nothing the last successful build read has changed.

    Reads the manifest and re-takes the same snapshot from raw bytes (no
    YAML, no validation, no rendering). Any difference, or any doubt, returns
    None and the full path decides.
    """
    started = time.perf_counter()
    try:
        manifest = json.loads(_manifest_path(variants_file, names, options).read_bytes())
        old = manifest["snapshot"]
        now = _snapshot(
            (Path(p) for p in old["files"]),
            (Path(p) for p in old["folders"]),
            (Path(p) for p in old["outputs"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if now != old:
        return None
    seconds = time.perf_counter() - started
    return [
        Outcome(str(n), "unchanged", pdf=options.out / f"{n}.pdf", seconds=seconds)
        for n in manifest["variants"]
    ]


# ---------------------------------------------------------------- dates


def source_epoch(data: Path) -> int:
    """SOURCE_DATE_EPOCH: the data file's last commit time, else a fixed value."""
    from .engines import DEFAULT_EPOCH

    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env and env.isdigit():
        return int(env)
    return _git_epoch(str(data)) or DEFAULT_EPOCH


_EPOCHS: dict[str, int | None] = {}


def _git_epoch(data: str) -> int | None:
    """The data file's last commit time; asked of git once per HEAD commit.

    ``git log`` costs ~5 ms, and its answer only changes with HEAD, which two
    file reads identify (:func:`_head_commit`), so answers are kept in the
    per-user cache (``epochs.json``), keyed by file and commit.
    """
    if data in _EPOCHS:
        return _EPOCHS[data]
    commit = _head_commit(Path(data))
    memo_key = os.path.abspath(data)
    memo = _epoch_memo() if commit is not None else {}
    known = memo.get(memo_key)
    if isinstance(known, list) and len(known) == 2 and known[0] == commit:
        cached = known[1]
        _EPOCHS[data] = cached if isinstance(cached, int) else None
        return _EPOCHS[data]
    value = _ask_git_epoch(data)
    _EPOCHS[data] = value
    if commit is not None:
        if len(memo) > 500:  # bounded: old entries go all at once
            memo = {}
        memo[memo_key] = [commit, value]
        with contextlib.suppress(OSError):
            _write_cache(_epoch_memo_path(), json.dumps(memo).encode())
    return value


def _epoch_memo_path() -> Path:
    from .engines import cache_home

    return cache_home() / "epochs.json"


def _epoch_memo() -> dict[str, Any]:
    try:
        memo = json.loads(_epoch_memo_path().read_bytes())
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def _head_commit(path: Path) -> str | None:
    """The commit HEAD points at, when ``.git`` says it plainly (a loose ref or a detached HEAD)."""
    head = _git_head(path)
    commit = head.rsplit(" ", 1)[-1] if head else ""
    return (
        commit if len(commit) in (40, 64) and all(c in "0123456789abcdef" for c in commit) else None
    )


def _ask_git_epoch(data: str) -> int | None:
    value: int | None = None
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", os.path.basename(data)],
            cwd=os.path.dirname(data) or ".",
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
        value = int(out) if out.isdigit() else None
    except (OSError, subprocess.SubprocessError):
        value = None
    return value


def _updated(data: Path, locale: str) -> str:
    """ "November 2026": the month of the data's last change, in the variant's language."""
    import datetime

    day = datetime.datetime.fromtimestamp(source_epoch(data), tz=datetime.UTC).date()
    if locale in ("en", "en_US", "en-US"):  # without babel's import and locale data
        from .i18n import ENGLISH_MONTHS

        return f"{ENGLISH_MONTHS[day.month - 1]} {day.year}"
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMMM", day, locale=locale.replace("-", "_")))


def _template_engines(template: str, extra: tuple[Path, ...]) -> tuple[str, ...]:
    """Engines a template prefers for ``auto`` (``engines:`` in its template.yaml), best first."""
    data = _template_manifest(template, extra)
    return tuple(str(x) for x in data.get("engines") or ())


def _template_manifest(template: str, extra: tuple[Path, ...]) -> dict[str, Any]:
    from . import render

    folder = render.available(extra).get(template)
    if folder is None:
        return {}
    manifest = folder / "template.yaml"
    if not manifest.is_file():
        return {}
    import yaml

    data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else {}


def _template_omits(template: str, extra: tuple[Path, ...]) -> frozenset[str]:
    """Fields a template leaves out by design (``omits:`` in its template.yaml)."""
    data = _template_manifest(template, extra)
    return frozenset(str(x) for x in data.get("omits") or ())
