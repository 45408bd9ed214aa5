"""What to build: the build's types, its entry points, and batch discovery.

:func:`build_variants` builds the variants of a variants file and
:func:`build_adhoc` the data files given on the command line (one file, or a
folder: the batch mode). Both bind each variant to its data file
(:class:`Target`) and hand the targets to the stage sequence
(:func:`cvpress.pipeline.build.run_targets`), which is imported only once the
no-op check (:mod:`cvpress.pipeline.incremental`) has found work to do.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CvpressError, InputError, Location, Problem

if TYPE_CHECKING:
    from ..data.variants import Variant


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
    #: The private file merged into this variant's data (cvpress build says so).
    private: Path | None = None
    #: Files read beyond the sources (the photo), by the hash of the bytes read.
    read: dict[str, str] = field(default_factory=dict)
    #: Every output of the variant by suffix ("pdf", "html", "docx"), built or kept.
    outputs: dict[str, Path] = field(default_factory=dict)
    #: What fitting changed to meet max_pages ("fitted to 1 page: spacing −15%").
    fitted: str | None = None


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
    #: Merge private.yaml (see cvpress.data.private): on for local builds, off
    #: for a release unless --private.
    private: bool = True
    #: Overrides each variant's ``formats`` (``--format``).
    formats: tuple[str, ...] | None = None
    #: ``--strict``: every compatibility warning is an error (cvpress.data.compat).
    strict: bool = False
    #: Taken by each TeX run (a format's dump included) for its whole length,
    #: so that at most :attr:`tex_runs` run at once while the Python work of
    #: the next variant (reading, rendering, checking) goes on beside them.
    tex_turns: threading.BoundedSemaphore = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.tex_turns = threading.BoundedSemaphore(self.tex_runs)

    @property
    def tex_runs(self) -> int:
        """TeX runs at once: ``--jobs``, by default the number of cores."""
        return self.jobs or os.cpu_count() or 1


@dataclass(slots=True)
class Target:
    """One variant bound to its data file (and, for a letter variant, its letter)."""

    variant: Variant
    data: Path
    #: Where the variant is written (None for ``--data``/``--template`` builds).
    variants_file: Path | None = None
    #: The cover letter this variant builds instead of the résumé (absolute).
    letter: Path | None = None

    @property
    def inputs(self) -> tuple[Path, ...]:
        """The files the person wrote that this target reads."""
        return (self.data,) if self.letter is None else (self.data, self.letter)

    def formats(self, options: Options) -> tuple[str, ...]:
        """What this run writes for the variant: ``--format``, else its ``formats``."""
        return tuple(dict.fromkeys(options.formats or self.variant.formats))


# ------------------------------------------------------------------ entry points


def build_variants(
    variants_file: Path,
    names: Sequence[str] = (),
    options: Options | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Build the named variants of ``variants_file`` (all when ``names`` is empty)."""
    options = options or Options()
    from . import incremental

    if not options.force:
        fast = incremental.all_unchanged(variants_file, names, options)
        if fast is not None:
            for outcome in fast:
                if progress:
                    progress(outcome)
            return fast
    started = incremental.start_early(variants_file, names, options)
    try:
        outcomes = _build_variants(variants_file, names, options, progress)
    finally:
        if started:
            from ..engine import prestart

            prestart.cancel_all()
    incremental.leave_resident(outcomes, options)
    return outcomes


def _build_variants(
    variants_file: Path,
    names: Sequence[str],
    options: Options,
    progress: Callable[[Outcome], None] | None,
) -> list[Outcome]:
    from ..data import validate

    variants = validate.variants(variants_file, template_paths=options.template_paths)
    refuse_collisions([v.name for v in variants], variants_file)
    by_name = {v.name: v for v in variants}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise InputError(
            f"no variant named {unknown[0]!r} in {variants_file}",
            hint="variants: " + ", ".join(by_name),
        )
    chosen = [by_name[n] for n in names] if names else variants
    targets = [
        Target(
            v,
            (variants_file.parent / v.data).resolve(),
            variants_file,
            (variants_file.parent / v.letter).resolve() if v.letter else None,
        )
        for v in chosen
    ]
    # The inputs are fingerprinted before they are read for the build: a save
    # that lands during the build must not be recorded as already built.
    from . import build, incremental

    inputs = incremental.input_snapshot(variants_file, options, targets)
    outcomes = build.run_targets(targets, options, progress)
    incremental.write_manifest(variants_file, names, options, inputs, outcomes)
    return outcomes


def build_adhoc(
    data_files: Iterable[Path],
    template: str,
    options: Options | None = None,
    progress: Callable[[Outcome], None] | None = None,
    overrides: dict[str, Any] | None = None,
    letter: Path | None = None,
) -> list[Outcome]:
    """``cvpress build --data FILE --template NAME``: one variant per data file.

    One file gives ``OUT/<template>.pdf``; several files, or a folder (its
    .yaml/.yml/.json files, hidden ones skipped), give ``OUT/<file stem>.pdf``
    each: the batch mode. Each résumé is validated once and built on its own,
    with ``options.jobs`` TeX runs at once (default: the number of cores); one bad file
    fails only its own PDF. Per file, only its validated data (a few KiB) and
    its outcome stay in memory, so memory stays flat (tests/test_load.py).
    With ``letter`` (``--letter LETTER.md``), the one data file is the sender
    and the PDF is the letter, ``OUT/<LETTER stem>.pdf``.
    """
    from ..data.variants import Variant
    from ..tex import templates
    from . import publish

    options = options or Options()
    known = sorted(templates.available(options.template_paths))
    if template not in known:  # a name on the search path, never a path to walk
        raise InputError(
            f"no template named {template!r}",
            field_path="--template",
            hint="templates: " + ", ".join(known),
        )
    if letter is not None:
        return _build_letter(data_files, template, letter, options, progress, overrides)
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
        for other, other_path in claimed.items():
            if publish.collisions([other, name]):
                raise InputError(
                    f"{path} would be written as {name}.*, which would overwrite files of "
                    f"{other_path} ({other}.*)",
                    location=Location(str(path)),
                    hint="rename one of the files: in a batch each output is named after its file",
                )
        claimed[name] = path
        variant = Variant.model_validate({"name": name, "template": template, **(overrides or {})})
        targets.append(Target(variant, path.resolve()))
    from . import build

    return build.run_targets(targets, options, progress)


def _build_letter(
    data_files: Iterable[Path],
    template: str,
    letter: Path,
    options: Options,
    progress: Callable[[Outcome], None] | None,
    overrides: dict[str, Any] | None,
) -> list[Outcome]:
    """``--letter LETTER.md``: one letter, from one data file's ``basics``."""
    from ..data.variants import Variant

    files = list(data_files)
    if len(files) != 1 or files[0].is_dir():
        raise InputError(
            "--letter takes one --data file (the sender)",
            hint="pass --data resume.yaml once, without a folder",
        )
    settings = {"template": template, **(overrides or {}), "letter": str(letter)}
    variant = Variant.model_validate({"name": _safe_name(letter.stem), **settings})
    from . import build

    target = Target(variant, files[0].resolve(), letter=letter.resolve())
    return build.run_targets([target], options, progress)


def refuse_collisions(names: Sequence[str], variants_file: Path) -> None:
    """Refuse variant names whose output files would overwrite each other's, at their keys.

    Checked over every variant of the file, before anything is built: a
    variant built alone today overwrites the other's files tomorrow.
    """
    from ..data import load
    from . import publish

    clashes = publish.collisions(list(names))
    if not clashes:
        return
    source = load.load(variants_file).source
    problems = [
        Problem(
            f"variant {name!r} would write {file}, which variant {other!r} writes too",
            location=source.locate(("variants", name), key=True),
            field_path=f"variants.{name}",
            hint="rename one: a variant's files are named after it "
            "(NAME.pdf, NAME.tex, NAME.log, NAME.failed.tex...), and a file system "
            "may not tell upper from lower case",
        )
        for name, other, file in clashes
    ]
    raise InputError(problems[0].message, problems=problems)


def _safe_name(name: str) -> str:
    import re

    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "resume"
    return cleaned[:64]
