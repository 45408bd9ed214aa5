"""Run the stages for each variant: in parallel, skipping what has not changed.

A variant is rebuilt only when one of its inputs changed: the data file, the
variant's options, the template files, the engine or cvpress itself. The
up-to-date check reads only raw bytes (no validation, no rendering), so a
no-op build costs little more than starting Python.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import CvpressError, EngineError, InputError, Problem, Warnings

if TYPE_CHECKING:
    from .model import Resume, Variant

CACHE_DIR = ".cache"


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
        Target(v, (variants_file.parent / v.data).resolve(), raw.get(v.name, {})) for v in chosen
    ]
    return run_targets(targets, options, progress)


def build_adhoc(
    data_files: Iterable[Path],
    template: str,
    options: Options | None = None,
    progress: Callable[[Outcome], None] | None = None,
    overrides: dict[str, Any] | None = None,
) -> list[Outcome]:
    """``cvpress build --data FILE --template NAME``: one variant per data file.

    One file gives ``OUT/<template>.pdf``; several files (or a folder) give
    ``OUT/<file stem>.pdf`` each: the batch mode.
    """
    from .model import Variant

    options = options or Options()
    files: list[Path] = []
    for item in data_files:
        if item.is_dir():
            files.extend(sorted(p for p in item.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json")))
        else:
            files.append(item)
    if not files:
        raise InputError("no data files given", hint="pass --data FILE (or a folder of .yaml/.json files)")
    targets = []
    for path in files:
        name = template if len(files) == 1 else path.stem
        raw = {"template": template, **(overrides or {})}
        variant = Variant.model_validate({"name": _safe_name(name), **raw})
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
    from . import load, validate

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

    def one(target: Target) -> Outcome:
        started = time.perf_counter()
        parsed = resumes[target.data]
        if isinstance(parsed, CvpressError):
            outcome = Outcome(target.variant.name, "failed", error=parsed)
        else:
            try:
                outcome = _build_one(target, parsed[0], parsed[1], options)
            except CvpressError as exc:
                outcome = Outcome(target.variant.name, "failed", error=exc)
        outcome.seconds = time.perf_counter() - started
        outcome.warnings = [*shared_warnings.get(target.data, []), *outcome.warnings]
        if progress:
            progress(outcome)
        return outcome

    jobs = options.jobs or os.cpu_count() or 1
    if jobs <= 1 or len(targets) <= 1:
        return [one(t) for t in targets]
    with ThreadPoolExecutor(max_workers=min(jobs, len(targets))) as pool:
        return list(pool.map(one, targets))


def _display(path: Path) -> Path:
    """Show paths relative to the working directory in messages when possible."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _build_one(target: Target, resume: Resume, source: Any, options: Options) -> Outcome:
    from . import check, engines, publish, render, select
    from . import texify as texify_mod

    variant = target.variant
    name = variant.name
    out = options.out
    key = input_key(target, options)
    if not options.force and _stamp_matches(out, name, key):
        return Outcome(name, "unchanged", pdf=out / f"{name}.pdf")
    unknown = select.unknown_sections(resume, variant)
    if unknown:
        raise InputError(
            f"variant {name!r} names unknown section {unknown[0]!r}",
            field_path=f"variants.{name}.sections",
            hint="sections: " + ", ".join(select.section_names(resume)),
        )
    engine = engines.resolve(options.engine or variant.engine)
    selected, order = select.apply(resume, variant)
    try:
        tex = render.render(
            selected,
            variant,
            engine=engine,
            sections=order,
            version=options.version,
            updated=_updated(target.data, variant.locale),
            extra_paths=options.template_paths,
            cache_dir=out / CACHE_DIR / "jinja",
        )
    except texify_mod.UnprintableCharacter as exc:
        raise _locate_unprintable(exc, selected, source, engine) from None
    try:
        result = engines.compile_tex(tex, engine, timeout=options.timeout, epoch=source_epoch(target.data))
    except EngineError as exc:
        _keep_failed(out, name, tex, exc)
        raise _trace(exc, selected, source, engine) from None
    facts = check.read_pdf(result.pdf)
    omit = _template_omits(variant.template, options.template_paths)
    check.check(facts, selected, variant=name, max_pages=variant.max_pages, omit=omit)
    published = publish.publish(out, name, {"tex": tex.encode("utf-8"), "log": result.log.encode("utf-8"), "pdf": result.pdf})
    publish.remove_quietly(out / f"{name}.failed.tex")
    publish.remove_quietly(out / f"{name}.failed.log")
    _write_stamp(out, name, key)
    warnings = [
        Problem(f"{m.message} in variant {name!r}", field_path=_field_at_line(tex, m.line, selected, engine), hint="a line is too wide for the page", severity="warning")
        for m in result.messages
        if m.kind == "overfull"
    ]
    return Outcome(name, "built", pdf=published["pdf"], pages=facts.pages, warnings=warnings)


def _keep_failed(out: Path, name: str, tex: str, exc: EngineError) -> None:
    """Keep the failed run's .tex and .log beside the outputs for debugging."""
    from . import publish

    cause = exc.__cause__
    log = getattr(cause, "log", "")
    try:
        publish.publish(out, f"{name}.failed", {"tex": tex.encode("utf-8"), "log": str(log).encode("utf-8")})
    except CvpressError:
        pass


# ---------------------------------------------------------------- error tracing


def _strings(resume: Resume) -> list[tuple[str, str]]:
    from .check import visible_strings

    return list(visible_strings(resume))


def _field_at_line(tex: str, line: int | None, resume: Resume, engine: str) -> str | None:
    """The data field whose escaped text stands on ``line`` of the .tex, if any."""
    from .texify import escape

    if line is None:
        return None
    lines = tex.splitlines()
    if not 0 < line <= len(lines):
        return None
    text = lines[line - 1]
    best: tuple[int, str] | None = None
    for path, value in _strings(resume):
        try:
            snippet = escape(value, engine)
        except CvpressError:
            continue
        if len(snippet) >= 3 and snippet in text and (best is None or len(snippet) > best[0]):
            best = (len(snippet), path)
    return best[1] if best else None


def _trace(exc: EngineError, resume: Resume, source: Any, engine: str) -> EngineError:
    cause = exc.__cause__
    message = getattr(cause, "log_message", None)
    tex = getattr(cause, "tex", "")
    line = getattr(message, "line", None)
    path = _field_at_line(tex, line, resume, engine)
    problem = exc.problems[0]
    if path is not None:
        problem.field_path = path
        problem.location = _source_location(source, path)
        problem.message += f" (caused by the text of {path})"
    elif line is not None:
        problem.message += f" (at line {line} of the generated .tex)"
    return exc


def _source_location(source: Any, dotted: str) -> Any:
    import re

    parts: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", dotted):
        parts.append(int(index) if index else name)
    return source.locate(tuple(parts))


def _locate_unprintable(exc: CvpressError, resume: Resume, source: Any, engine: str) -> CvpressError:
    """Find which field holds the unprintable character the renderer refused."""
    import re

    match = re.search(r"U\+([0-9A-F]{4,6})", exc.message)
    if match:
        char = chr(int(match.group(1), 16))
        for path, value in _strings(resume):
            if char in value:
                problem = exc.problems[0]
                problem.field_path = path
                problem.location = _source_location(source, path)
                problem.message = problem.message.replace(")", f") in {path}", 1) if " in " not in problem.message else problem.message
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


def _write_stamp(out: Path, name: str, key: str) -> None:
    from .publish import write_atomic

    pdf = out / f"{name}.pdf"
    write_atomic(_stamp_path(out, name), json.dumps({"key": key, "size": pdf.stat().st_size}).encode())


def _raw_variants(variants_file: Path) -> dict[str, dict[str, Any]]:
    import yaml

    data = yaml.safe_load(variants_file.read_text(encoding="utf-8")) or {}
    defaults = data.get("defaults") or {}
    return {name: {**defaults, **(opts or {})} for name, opts in (data.get("variants") or {}).items()}


def _all_unchanged(variants_file: Path, names: Sequence[str], options: Options) -> list[Outcome] | None:
    """The no-op fast path: every requested variant's stamp matches its raw inputs."""
    # Needs the validated Variant for the key; kept simple and correct: defer to
    # the full path. (The engines/speed work replaces this with a raw-bytes key.)
    return None


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
    if data in _EPOCHS:
        return _EPOCHS[data]
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
    _EPOCHS[data] = value
    return value


def _updated(data: Path, locale: str) -> str:
    """"November 2026": the month of the data's last change, in the variant's language."""
    import datetime

    from babel.dates import format_skeleton

    day = datetime.datetime.fromtimestamp(source_epoch(data), tz=datetime.UTC).date()
    return str(format_skeleton("yMMMM", day, locale=locale.replace("-", "_")))


def _template_omits(template: str, extra: tuple[Path, ...]) -> frozenset[str]:
    """Fields a template leaves out by design (``omits:`` in its template.yaml)."""
    from . import render

    folder = render.available(extra).get(template)
    if folder is None:
        return frozenset()
    manifest = folder / "template.yaml"
    if not manifest.is_file():
        return frozenset()
    import yaml

    data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    return frozenset(str(x) for x in data.get("omits") or ())
