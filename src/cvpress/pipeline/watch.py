"""``cvpress watch``: rebuild the affected variants whenever an input is saved.

Why directories and not files: editors save by writing a temporary file and
renaming it over the original, which a file watch loses; so the folders that
hold the inputs are watched and each change is matched against the inputs of
every variant. Only the variants whose inputs changed are rebuilt (and the
build's own stamps skip those whose bytes did not change). A failed build is
reported and the loop goes on; publishing is atomic, so a PDF viewer never
sees a half-written file and the last good PDF stays until a build succeeds.

``watchfiles`` is an optional dependency (``pip install 'cvpress[watch]'``),
imported only here, only when watching.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import CvpressError, InputError
from .targets import Options, Outcome, Target

#: Milliseconds without further changes before a rebuild starts (a save is often several writes).
STEP_MS = 50
#: Longest wait, in milliseconds, to group changes that keep coming.
DEBOUNCE_MS = 400
#: How often the watcher wakes up with no change (its first wake-up proves it is running).
RUST_TIMEOUT_MS = 500


@dataclass(frozen=True, slots=True)
class Inputs:
    """What each variant reads, resolved to absolute paths."""

    variants_file: Path
    by_variant: dict[str, frozenset[Path]]
    #: Inputs read only when they exist (a private.yaml no variant names): watched
    #: for, never waited for.
    optional: frozenset[Path] = frozenset()

    @property
    def files(self) -> set[Path]:
        """Every input of every variant, and the variants file."""
        return {self.variants_file}.union(*self.by_variant.values())

    def affected(self, changed: Iterable[Path]) -> list[str]:
        """Variants that read any of ``changed`` (all of them if the variants file changed)."""
        changed = {p.resolve() for p in changed}
        if self.variants_file in changed:
            return list(self.by_variant)
        return [name for name, files in self.by_variant.items() if files & changed]


def inputs(
    variants_file: Path, names: Sequence[str] = (), options: Options | None = None
) -> Inputs:
    """Read the variants file and list every file each chosen variant depends on."""
    from ..data import validate
    from ..tex import templates
    from . import sources

    options = options or Options()
    extra = options.template_paths
    variants_file = variants_file.resolve()
    chosen = [v for v in validate.variants(variants_file) if not names or v.name in names]
    by_variant: dict[str, frozenset[Path]] = {}
    optional: set[Path] = set()
    for variant in chosen:
        data = (variants_file.parent / variant.data).resolve()
        # The data file, private.yaml and the .bib, as the build reads them.
        target = Target(variant, data, variants_file)
        read_from = sources.of(target, options)
        if read_from.private is not None and not read_from.named:
            optional.add(read_from.private)
        files = {*read_from.files, variants_file}
        if variant.letter:
            files.add((variants_file.parent / variant.letter).resolve())
        files.update(p.resolve() for p in templates.template_files(variant.template, extra))
        by_variant[variant.name] = frozenset(files)
    return Inputs(variants_file, by_variant, frozenset(optional))


def watch(
    variants_file: Path,
    names: Sequence[str],
    options: Options,
    *,
    report: Callable[[Outcome], None],
    problem: Callable[[CvpressError], None],
    waiting: Callable[[list[Path]], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Build once, then rebuild on every change until ``stop`` is set (or Ctrl-C).

    Inputs may be deleted, renamed and re-created in any order (the whole
    ``data/`` folder included): a folder that is gone is watched through its
    nearest existing parent, ``waiting`` is told which inputs are missing, and
    the build runs again once they are back.
    """
    try:
        from watchfiles import watch as watch_changes
    except ImportError:  # pragma: no cover - the [watch] extra is in [dev]
        raise InputError(
            "watch mode needs the 'watchfiles' package",
            hint="install it: pip install 'cvpress[watch]'",
        ) from None
    if not variants_file.is_file():
        raise InputError(
            f"file not found: {variants_file}",
            hint=(
                "run this where data/variants.yaml is, pass --variants FILE, "
                "or start with `cvpress new`"
            ),
        )
    stop = stop or threading.Event()
    # ``built_from``: the inputs as they were when the last build started. Every
    # batch of events, and every quiet timeout too, is checked against it, so a
    # save is never lost: not one made while the watcher starts, nor one that
    # lands during a build, nor one whose event the OS coalesced or dropped.
    built_from = _snapshot(variants_file, names, options)
    current = _rebuild(variants_file, names, list(names), options, report, problem)
    told: list[Path] = []
    while not stop.is_set():
        expected = _expected(variants_file, current)
        missing = _missing(variants_file, current)
        if missing and missing != told and waiting is not None:
            waiting(missing)
        told = missing
        roots = _roots(expected)
        try:
            for changes in watch_changes(
                *sorted(roots),
                stop_event=stop,
                step=STEP_MS,
                debounce=DEBOUNCE_MS,
                rust_timeout=RUST_TIMEOUT_MS,
                yield_on_timeout=True,
                raise_interrupt=False,
            ):
                changed = [
                    Path(path) for _kind, path in changes if _relevant(Path(path), expected)
                ] + _changed_since(built_from)
                while True:
                    back = [p for p in missing if p.exists()]
                    if current is None:  # nothing valid yet: any relevant change may fix it
                        wanted, due = list(names), bool(changed or back)
                    else:
                        wanted = current.affected([*changed, *back])
                        due = bool(wanted)
                    if not due:
                        break
                    during = _snapshot(variants_file, names, options)
                    read = _rebuild(variants_file, names, wanted, options, report, problem)
                    built_from = during
                    if read is not None:
                        current = read
                        # What came back was read: no longer what the watch waits for,
                        # whatever goes again after (then it is said again).
                        told = [p for p in told if p not in back]
                    missing = _missing(variants_file, current)
                    if missing != told:
                        break  # an input came or went: say so, and watch anew
                    changed = _changed_since(built_from)
                again = _expected(variants_file, current)
                if _roots(again) != roots or _missing(variants_file, current) != told:
                    break  # an input (or a folder of them) came or went: watch anew
            else:
                return  # stopped
        except FileNotFoundError:  # a watched folder vanished as the watch started
            time.sleep(STEP_MS / 1000)


def _expected(variants_file: Path, current: Inputs | None) -> set[Path]:
    """The files the watch waits on: every input known, at least the variants file."""
    return current.files if current is not None else {variants_file.resolve()}


def _missing(variants_file: Path, current: Inputs | None) -> list[Path]:
    """The inputs the watch waits for: those gone, less the optional ones."""
    optional = current.optional if current is not None else frozenset()
    expected = _expected(variants_file, current)
    return sorted(p for p in expected if p not in optional and not p.exists())


def _roots(files: Iterable[Path]) -> set[Path]:
    """The folders to watch: each input's folder, or its nearest parent that exists."""
    roots: set[Path] = set()
    for file in files:
        folder = file.parent
        while not folder.is_dir() and folder != folder.parent:
            folder = folder.parent
        roots.add(folder)
    # A folder inside another watched one is already watched (recursively).
    return {r for r in roots if not any(o != r and o in r.parents for o in roots)}


def _relevant(path: Path, expected: set[Path]) -> bool:
    """Whether an event concerns an input: the file, a file beside it, or a folder above it."""
    return any(path == e or path.parent == e.parent or path in e.parents for e in expected)


Snapshot = dict[Path, tuple[int, int]]


def _snapshot(variants_file: Path, names: Sequence[str], options: Options) -> Snapshot | None:
    """Size and mtime of every input, to notice saves made before the watcher is up."""
    try:
        files = {
            p for group in inputs(variants_file, names, options).by_variant.values() for p in group
        }
    except CvpressError:
        files = {variants_file.resolve()}
    out: Snapshot = {}
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        out[path] = (stat.st_mtime_ns, stat.st_size)
    return out


def _changed_since(before: Snapshot | None) -> list[Path]:
    changed = []
    for path, seen in (before or {}).items():
        try:
            stat = path.stat()
        except OSError:
            changed.append(path)
            continue
        if (stat.st_mtime_ns, stat.st_size) != seen:
            changed.append(path)
    return changed


def _rebuild(
    variants_file: Path,
    names: Sequence[str],
    wanted: list[str],
    options: Options,
    report: Callable[[Outcome], None],
    problem: Callable[[CvpressError], None],
) -> Inputs | None:
    """One cycle: re-read what each variant depends on, build the affected ones.

    Returns the inputs as read, or None when they could not be read (said
    through ``problem``).
    """
    from . import targets

    try:
        current = inputs(variants_file, names, options)
        chosen = [n for n in (wanted or list(current.by_variant)) if n in current.by_variant]
        if chosen:
            targets.build_variants(variants_file, chosen, options, progress=report)
        return current
    except CvpressError as exc:
        problem(exc)
    except OSError as exc:  # an input vanished while it was read (a folder being replaced)
        problem(InputError(f"an input changed while it was read: {exc}", hint="save again"))
    return None


def stamp() -> str:
    """The time shown at the start of each line: the wall clock, to the second."""
    return time.strftime("%H:%M:%S")
