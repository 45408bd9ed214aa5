"""Skipping what has not changed: per-variant stamps and the no-op manifest.

A variant is rebuilt only when one of its inputs changed: the data file, the
variant's options, the template files, the engine or cvpress itself. Three
levels of "unchanged", cheapest first:

1. the no-op manifest (``.cache/noop-*.json``, :func:`all_unchanged`): the
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

``--force`` skips all three. When the last build of a variant used a
precompiled preamble, its stamp says which, and TeX is started from it before
Python has even imported the stages (:func:`start_early`,
:mod:`cvpress.engine.prestart`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..data.files import MAX_BIB_BYTES, MAX_FILE_BYTES, read_regular
from ..errors import InputError
from ..release import git
from .dates import source_epoch
from .targets import Options, Outcome, Target

CACHE_DIR = ".cache"
#: Most TeX runs started before rendering (see _prestart): each holds ~40 MB
#: while it waits; six cover a usual project's variants (this one has five).
PRESTART_MAX = 6


def input_key(target: Target, options: Options) -> str:
    """Hash of everything that determines a variant's PDF (the photo: see :func:`extended`)."""
    from ..tex import templates

    digest = hashlib.sha256()
    digest.update(f"cvpress {__version__}\0".encode())
    digest.update(json.dumps(target.variant.model_dump(mode="json"), sort_keys=True).encode())
    digest.update(f"engine={options.engine}\0version={options.version}\0".encode())
    # The data, private.yaml and the .bib when read (an absent one hashes as such),
    # and the letter: a release's PDF, built without private.yaml, never passes for a
    # local one.
    for path in _read_files(target, options):
        digest.update(f"{path}\0".encode())
        digest.update(_source_bytes(path) if path.exists() else b"\0absent")
    for path in templates.template_files(target.variant.template, options.template_paths):
        digest.update(str(path.name).encode())
        digest.update(read_regular(path, templates.MAX_TEMPLATE_FILE_BYTES))
    digest.update(str(source_epoch(*target.inputs)).encode())
    return digest.hexdigest()


def extended(key: str, digest: str) -> str:
    """``key`` with one more input (the photo's bytes, known once the data is read)."""
    return _sha(f"{key}\0{digest}".encode())


def _source_bytes(path: Path) -> bytes:
    """A source file's bytes, read as its reader would: a regular file, within its limit."""
    return read_regular(path, MAX_BIB_BYTES if path.suffix == ".bib" else MAX_FILE_BYTES)


def _stamp_path(out: Path, name: str) -> Path:
    return out / CACHE_DIR / f"{name}.stamp"


def _read_stamp(out: Path, name: str) -> dict[str, Any]:
    try:
        stamp = json.loads(_stamp_path(out, name).read_text())
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def stamp_matches(out: Path, name: str, key: str, formats: Iterable[str] = ("pdf",)) -> bool:
    """The last build had these inputs and every wanted output is still as it left it."""
    stamp = _read_stamp(out, name)
    sizes = stamp.get("sizes")
    return bool(
        stamp.get("key") == key
        and isinstance(sizes, dict)
        and all(
            sizes.get(suffix) is not None and sizes.get(suffix) == _size(out / f"{name}.{suffix}")
            for suffix in formats
        )
    )


def write_stamp(
    out: Path,
    name: str,
    key: str,
    formats: Iterable[str],
    tex: str,
    engine: str,
    fmt: Path | None = None,
    epoch: int | None = None,
    fits: bool = False,
) -> None:
    """Record this build of ``name``: its inputs' key and what each output looks like.

    Outputs this run did not make (``--format html`` skips the PDF) keep what
    the previous stamp said about them when the inputs are the same, so a
    later PDF build does not redo TeX for nothing. ``fits``: the variant
    fits itself to ``max_pages`` (its build starts first: :func:`start_early`).
    """
    made = set(formats)
    old = _read_stamp(out, name)
    kept = old if old.get("key") == key and "pdf" not in made else {}
    old_sizes = old.get("sizes") if old.get("key") == key else None
    sizes = {
        **(old_sizes if isinstance(old_sizes, dict) else {}),
        **{suffix: _size(out / f"{name}.{suffix}") for suffix in made},
    }
    stamp = {
        "key": key,
        "sizes": sizes,
        "tex": kept.get("tex", _sha(tex.encode("utf-8"))),
        "engine": kept.get("engine", engine),
        # What the next build may start TeX from before it has rendered (cvpress.engine.prestart).
        "fmt": kept.get("fmt", str(fmt.resolve()) if fmt is not None else None),
        "epoch": kept.get("epoch", epoch),
        "fits": fits,
    }
    write_cache(_stamp_path(out, name), json.dumps(stamp).encode())


def tex_matches(out: Path, name: str, tex: str, engine: str) -> bool:
    """The last build of this variant rendered exactly this ``.tex`` for this engine."""
    stamp = _read_stamp(out, name)
    sizes = stamp.get("sizes")
    return bool(
        stamp.get("tex") == _sha(tex.encode("utf-8"))
        and stamp.get("engine") == engine
        and isinstance(sizes, dict)
        and sizes.get("pdf") is not None
        and sizes.get("pdf") == _size(out / f"{name}.pdf")
    )


def write_cache(path: Path, content: bytes) -> None:
    """Replace a cache file in one step, without fsync: a lost cache file only costs a rebuild."""
    from .publish import write_atomic

    write_atomic(path, content, durable=False)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
            options.private,
            [str(p) for p in options.template_paths],
            options.formats,
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
            snap["files"][str(path)] = _sha(_source_bytes(path))
        except (OSError, InputError):
            snap["files"][str(path)] = None
        snap["git"][str(path)] = git.head(path)
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


def input_snapshot(
    variants_file: Path, options: Options, targets: Sequence[Target]
) -> dict[str, Any]:
    """Fingerprint of every input of ``targets`` (files, template folders, git HEAD)."""
    from ..tex import templates

    files: list[Path] = [variants_file.resolve()]
    folders: set[Path] = {Path.cwd() / "latex"}
    for target in targets:
        files.extend(_read_files(target, options))
        files.extend(
            p.resolve()
            for p in templates.template_files(target.variant.template, options.template_paths)
        )
        for root in templates.search_path(options.template_paths):
            folders.update({root / target.variant.template, root / "_base"})
    return _snapshot(list(dict.fromkeys(files)), sorted(folders), ())


def write_manifest(
    variants_file: Path,
    names: Sequence[str],
    options: Options,
    inputs: dict[str, Any],
    outcomes: Sequence[Outcome],
) -> None:
    """After a fully successful build: record what the no-op check will compare.

    ``inputs`` was taken before the build read anything (see
    :func:`cvpress.pipeline.targets.build_variants`);
    only the outputs are fingerprinted now.
    """
    if any(o.status == "failed" or not o.outputs for o in outcomes):
        return
    outputs = [path for o in outcomes for path in o.outputs.values()]
    snapshot = {**inputs, "outputs": _snapshot((), (), outputs)["outputs"]}
    # Files found only by reading the data (the photo), as hashed when read.
    read = {path: digest for o in outcomes for path, digest in o.read.items()}
    if read:
        snapshot["files"] = {**inputs["files"], **read}
        snapshot["git"] = {**inputs["git"], **{p: git.head(Path(p)) for p in read}}
    manifest = {
        "variants": [o.name for o in outcomes],
        "outputs": {o.name: {k: str(v) for k, v in o.outputs.items()} for o in outcomes},
        "snapshot": snapshot,
    }
    with contextlib.suppress(OSError):
        write_cache(_manifest_path(variants_file, names, options), json.dumps(manifest).encode())


def start_early(variants_file: Path, names: Sequence[str], options: Options) -> bool:
    """Start TeX for the variants the last build made from a format (see cvpress.engine.prestart).

    At most :data:`PRESTART_MAX`: each run loads its format while Python
    imports (on a core Python leaves idle), then waits, holding ~40 MB; those
    of the variants the build starts first (:func:`cvpress.pipeline.build.run_targets`:
    those that fit themselves, then those writing more files) first. Reads
    only the manifest and the stamps (JSON): a few milliseconds.
    """
    try:
        chosen = (
            list(names)
            or json.loads(_manifest_path(variants_file, names, options).read_bytes())["variants"]
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False
    stamps = [(str(name), _read_stamp(options.out, str(name))) for name in chosen]
    stamps.sort(key=lambda item: _first(item[1]), reverse=True)
    started = 0
    for name, stamp in stamps:
        if started == PRESTART_MAX:
            break
        run = _run_of(stamp)
        if run is not None:
            fmt, engine, epoch = run
            if options.engine not in (None, "auto", engine):
                continue
            from ..engine import prestart, resident

            if resident.waiting(options.out, name):
                continue  # the last build left a run with the fonts loaded already
            prestart.begin(options.out, name, engine, fmt, epoch, options.timeout)
            started += 1
    return started > 0


def _run_of(stamp: dict[str, Any]) -> tuple[Path, str, int] | None:
    """The format, engine and epoch the stamped build ran TeX with; None without a format."""
    fmt, engine, epoch = stamp.get("fmt"), stamp.get("engine"), stamp.get("epoch")
    if isinstance(fmt, str) and isinstance(engine, str) and isinstance(epoch, int):
        return Path(fmt), engine, epoch
    return None


def _first(stamp: dict[str, Any]) -> tuple[bool, int]:
    """How early the build starts the variant a stamp is of (larger: earlier)."""
    sizes = stamp.get("sizes")
    return stamp.get("fits") is True, len(sizes) if isinstance(sizes, dict) else 0


def leave_resident(outcomes: Sequence[Outcome], options: Options) -> None:
    """After a build: leave the next build of each variant built under XeLaTeX or LuaLaTeX
    a run waiting with its fonts loaded (:mod:`cvpress.engine.resident`).

    At most :data:`cvpress.engine.resident.MOST`, and none where nothing may
    outlive the command (:func:`cvpress.server.place.may_stay_behind`). Reads
    the stamps and the published ``.tex`` files.
    """
    from ..engine import resident
    from ..server import place

    if not place.may_stay_behind():
        return
    built = [o.name for o in outcomes if o.status == "built" and o.pdf is not None]
    left = 0
    for name in built:
        if left == resident.MOST:
            break
        run = _run_of(_read_stamp(options.out, name))
        if run is None or run[1] not in resident.ENGINES:
            continue
        fmt, engine, epoch = run
        try:
            tex = (options.out / f"{name}.tex").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        resident.leave(options.out, name, engine, fmt, epoch, tex)
        left += 1


def all_unchanged(
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
        recorded = {
            str(name): {str(k): Path(v) for k, v in manifest["outputs"][name].items()}
            for name in manifest["variants"]
        }
        now = _snapshot(
            (Path(p) for p in old["files"]),
            (Path(p) for p in old["folders"]),
            (Path(p) for p in old["outputs"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if now != old:
        return None
    seconds = time.perf_counter() - started
    return [
        Outcome(name, "unchanged", outputs.get("pdf"), seconds=seconds, outputs=outputs)
        for name, outputs in recorded.items()
    ]


def _read_files(target: Target, options: Options) -> list[Path]:
    """Every file the person wrote that ``target`` reads: its sources, then its letter."""
    from .sources import of

    return list(dict.fromkeys((*of(target, options).files, *target.inputs)))
