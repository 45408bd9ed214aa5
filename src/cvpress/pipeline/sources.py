"""What one variant's document is made of: the data file, private.yaml over it, a .bib.

Variants that read the same files share one validated résumé: the key is
the three paths (:class:`Sources`), so a variant with ``private: false`` or
its own ``bibliography`` gets a document of its own while the others share.
Each path is known from the variant's options alone, before anything is
read, so the build's cache keys (:mod:`cvpress.pipeline.incremental`) can
include their bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..data.compat import PROJECT, Policy
from ..errors import InputError, Location
from .targets import Options, Target

if TYPE_CHECKING:
    from ..data.load import SourceMap
    from ..data.model import Resume
    from ..errors import Warnings


@dataclass(frozen=True, slots=True)
class Sources:
    data: Path
    #: The private file this build would merge (it may not exist); None when not read.
    private: Path | None = None
    bibliography: Path | None = None
    #: The variant named the private file (``private: file.yaml``): it must exist.
    named: bool = False
    #: The variants file's folder: the data file's lines are quoted under errors
    #: only if it lies inside (None for ``--data``, a file named on the command line).
    inside: Path | None = None

    @property
    def files(self) -> list[Path]:
        """Every file the document is read from (for cache keys and the no-op check)."""
        return [p for p in (self.data, self.private, self.bibliography) if p is not None]


@dataclass(frozen=True, slots=True)
class Document:
    """The validated résumé, where each of its values is written, and what was merged."""

    resume: Resume
    source: SourceMap
    #: The private file merged into it, if one was.
    private: Path | None


def of(target: Target, options: Options) -> Sources:
    """The files ``target`` reads: ``options.private`` off (a release) reads no private file."""
    from ..data import private

    variant = target.variant
    secret = (
        private.locate(target.data, variant.private, target.variants_file)
        if options.private
        else None
    )
    base = target.variants_file.parent if target.variants_file else target.data.parent
    bibliography = (base / variant.bibliography).resolve() if variant.bibliography else None
    named = secret is not None and isinstance(variant.private, str)
    inside = target.variants_file.parent if target.variants_file else None
    return Sources(target.data, secret.resolve() if secret else None, bibliography, named, inside)


def read(sources: Sources, found: Warnings, policy: Policy = PROJECT) -> Document:
    """Load, merge and validate: one :class:`~cvpress.errors.InputError` with every problem.

    ``policy``: the project's own data, or a ``--data`` document (cvpress.data.compat).
    """
    from ..data import bibtex, load, private, validate
    from .locate import display

    if sources.named and sources.private is not None and not sources.private.is_file():
        raise InputError(
            f"private file not found: {display(sources.private)}",
            location=Location(display(sources.private)),
            hint="private: is true, false, or a YAML file's path relative to the variants file",
        )
    loaded = load.load(display(sources.data), inside=sources.inside)
    shown_private = Path(display(sources.private)) if sources.private else None
    loaded, merged = private.overlay(loaded, shown_private)
    if sources.bibliography is not None:
        shown = display(sources.bibliography)
        entries = bibtex.read(sources.bibliography, shown, found)
        if isinstance(loaded.data, dict):
            data, source = bibtex.merge(loaded.data, loaded.source, entries)
            loaded = load.Loaded(data, source, loaded.path)
    resume = validate.resume(loaded, found, policy)
    return Document(resume, loaded.source, shown_private if merged else None)
