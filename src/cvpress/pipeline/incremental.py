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
from ..release import git
from .dates import source_epoch
from .targets import Options, Outcome, Target

CACHE_DIR = ".cache"
#: Most TeX runs started before rendering (see _prestart): each holds ~40 MB
#: while it waits; six cover a usual project's variants (this one has five).
PRESTART_MAX = 6


def input_key(target: Target, options: Options) -> str:
    """Hash of everything that determines a variant's PDF."""
    from ..tex import templates

    digest = hashlib.sha256()
    digest.update(f"cvpress {__version__}\0".encode())
    digest.update(json.dumps(target.variant.model_dump(mode="json"), sort_keys=True).encode())
    digest.update(f"engine={options.engine}\0version={options.version}\0".encode())
    for path in target.inputs:
        digest.update(path.read_bytes())
    for path in templates.template_files(target.variant.template, options.template_paths):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    digest.update(str(source_epoch(*target.inputs)).encode())
    return digest.hexdigest()


def _stamp_path(out: Path, name: str) -> Path:
    return out / CACHE_DIR / f"{name}.stamp"


def stamp_matches(out: Path, name: str, key: str) -> bool:
    try:
        stamp = json.loads(_stamp_path(out, name).read_text())
        pdf = out / f"{name}.pdf"
        return bool(stamp.get("key") == key and pdf.stat().st_size == stamp.get("size"))
    except (OSError, ValueError):
        return False


def write_stamp(
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
        # What the next build may start TeX from before it has rendered (cvpress.engine.prestart).
        "fmt": str(fmt.resolve()) if fmt is not None else None,
        "epoch": epoch,
    }
    write_cache(_stamp_path(out, name), json.dumps(stamp).encode())


def tex_matches(out: Path, name: str, tex: str, engine: str) -> bool:
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
        files.extend(target.inputs)
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
    if any(o.status == "failed" or o.pdf is None for o in outcomes):
        return
    outputs = [o.pdf for o in outcomes if o.pdf is not None]
    snapshot = {**inputs, "outputs": _snapshot((), (), outputs)["outputs"]}
    manifest = {"variants": [o.name for o in outcomes], "snapshot": snapshot}
    with contextlib.suppress(OSError):
        write_cache(_manifest_path(variants_file, names, options), json.dumps(manifest).encode())


def start_early(variants_file: Path, names: Sequence[str], options: Options) -> bool:
    """Start TeX for the variants the last build made from a format (see cvpress.engine.prestart).

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
            from ..engine import prestart

            prestart.begin(options.out, str(name), engine, Path(fmt), epoch, options.timeout)
            started = True
    return started


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
