"""The release directory for a version tag: renamed outputs, previews, checksums, notes.

``invoke release --tag v2026.11 --out dist`` (``cvpress release``)
makes locally exactly what ``.github/workflows/release.yml`` uploads to the
GitHub Release of the tag, so a release can be inspected before it is
published and the workflow only has to copy files:

    dist/<Person_Name>_<variant>.pdf   every variant, built with the tag as version
    dist/<Person_Name>_<variant>.html  .docx: the variant's other formats (its ``formats``)
    dist/<Person_Name>_<variant>.png   the first page of each, as a preview
    dist/SHA256SUMS                    ``cd dist && sha256sum -c SHA256SUMS``
    dist/release-notes.md              the résumé diff since the previous tag

Decisions:
- Asset names: ``basics.name`` of the variant's data file, accents folded to
  ASCII, every run of characters other than letters and digits made one
  ``_``, trimmed (``Gerard C.`` -> ``Gerard_C``; ``José Núñez-García`` ->
  ``Jose_Nunez_Garcia``); a name with no Latin letters gives ``Resume``.
  Then ``_<variant>.pdf``. ASCII keeps links stable: GitHub rewrites other
  characters in asset names.
- The version label is the tag; outside a release, :func:`cvpress.release.git.describe` (``git
  describe --tags --always --dirty``) labels every build. It is written into
  each PDF's metadata (the ``/Version`` info key, and ``/Creator`` says
  ``cvpress <label>``) and, for variants with ``footer: true``, into the
  footer ("Updated November 2026 · v2026.11").
- The directory is replaced whole (built beside it, then renamed), so a stale
  asset of a removed variant never ships; a non-empty directory that is not a
  release directory (no ``SHA256SUMS``) is refused rather than deleted.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import BuildError, InputError
from .git import describe, repo_root, rev_exists

if TYPE_CHECKING:
    from ..pipeline.targets import Outcome

SUMS = "SHA256SUMS"
NOTES = "release-notes.md"
_TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")


@dataclass(slots=True)
class Release:
    """What ``make`` wrote: the directory and its files, by kind."""

    out: Path
    tag: str
    pdfs: list[Path] = field(default_factory=list)
    #: The HTML pages and Word files of variants whose ``formats`` list them.
    others: list[Path] = field(default_factory=list)
    pngs: list[Path] = field(default_factory=list)
    sums: Path | None = None
    notes: Path | None = None

    @property
    def assets(self) -> list[Path]:
        """The files uploaded to the GitHub Release (the notes become its text)."""
        return [*self.pdfs, *self.others, *self.pngs, *([self.sums] if self.sums else [])]


def asset_stem(name: str) -> str:
    """``Gerard C.`` -> ``Gerard_C``: a person's name, safe in a URL and a file name."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9]+", "_", folded).strip("_")
    return stem or "Resume"


def source_note(tag: str, where: Path) -> str | None:
    """Why the PDFs may not be the tag's: the working tree is built, not the tag.

    A release is made from the checked-out files (in CI, the tag itself);
    locally that may be another commit or uncommitted edits, so say so.
    """
    current = describe(where)
    if not current or current == tag:
        return None
    return (
        f"building the working tree ({current}), labelled {tag}: "
        f"check out {tag} first for the PDFs of that tag"
    )


def check_tag(tag: str) -> str:
    if not _TAG.match(tag):
        raise InputError(
            f"{tag!r} is not a usable release tag",
            hint="use letters, digits, '.', '_', '+' and '-', e.g. --tag v2026.11",
        )
    return tag


def sha256sums(files: Sequence[Path]) -> str:
    """``sha256sum``'s own format (two spaces, bare names), sorted by name."""
    lines = []
    for path in sorted(files, key=lambda p: p.name):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.name}\n")
    return "".join(lines)


def make(
    tag: str,
    out: Path,
    *,
    variants_file: Path = Path("data/variants.yaml"),
    build_dir: Path = Path("build"),
    png: bool = True,
    since: str | None = None,
    jobs: int | None = None,
    progress: Callable[[Outcome], None] | None = None,
    private: bool = False,
) -> Release:
    """Build every variant labelled ``tag`` and lay out the release directory ``out``.

    ``private``: merge private.yaml (:mod:`cvpress.data.private`); off by
    default, so a release holds only what the repository holds.
    """
    from ..pipeline import targets
    from . import changelog

    check_tag(tag)
    _check_out(out)
    preview = _preview() if png else None
    # The notes first: a bad --since fails in a second, not after every build.
    repo = repo_root(variants_file.resolve().parent)
    until = tag if repo is not None and rev_exists(repo, tag) else None
    log = changelog.changelog(variants_file, since=since, until=until)
    options = targets.Options(out=build_dir, version=tag, jobs=jobs, private=private)
    outcomes = targets.build_variants(variants_file, options=options, progress=progress)
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        failures = ", ".join(o.name for o in failed)
        raise BuildError(f"no release: variant(s) {failures} failed to build")
    names = _person_names(variants_file)

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp's 0700 would follow the directory into place
    try:
        release = Release(out=out, tag=tag)
        for outcome in outcomes:
            stem = f"{asset_stem(names[outcome.name])}_{outcome.name}"
            for suffix, made in outcome.outputs.items():
                shutil.copyfile(made, staging / f"{stem}.{suffix}")
                kind = release.pdfs if suffix == "pdf" else release.others
                kind.append(out / f"{stem}.{suffix}")
            if preview is not None and outcome.pdf is not None:
                made = preview.first_page_png(outcome.pdf)
                image = (
                    Path(made) if isinstance(made, str | Path) else outcome.pdf.with_suffix(".png")
                )
                shutil.copyfile(image, staging / f"{stem}.png")
                release.pngs.append(out / f"{stem}.png")
        assets = sorted(p for p in staging.iterdir() if p.is_file())
        (staging / SUMS).write_text(sha256sums(assets), encoding="utf-8")
        release.sums = out / SUMS
        (staging / NOTES).write_text(notes_text(log.markdown(), release), encoding="utf-8")
        release.notes = out / NOTES
        replace_directory(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return release


def notes_text(changes: str, release: Release) -> str:
    """The release's text: the résumé diff, then what each asset is."""
    lines = [changes.rstrip(), "", "### Files", ""]
    lines += [f"- `{p.name}`" for p in release.pdfs]
    lines += [
        f"- `{p.name}`: " + ("as a web page" if p.suffix == ".html" else "as a Word file")
        for p in release.others
    ]
    lines += [f"- `{p.name}`: its first page, as a preview" for p in release.pngs]
    lines.append(f"- `{SUMS}`: check downloads with `sha256sum -c {SUMS}`")
    return "\n".join(lines) + "\n"


def _person_names(variants_file: Path) -> dict[str, str]:
    """Variant name -> ``basics.name`` of the data file it builds from."""
    from ..data import load, validate

    names: dict[str, str] = {}
    cache: dict[Path, str] = {}
    for variant in validate.variants(variants_file):
        data = (variants_file.parent / variant.data).resolve()
        if data not in cache:
            # No name (JSON Resume requires none): assets keep the variant's name.
            cache[data] = validate.resume(load.load(data)).basics.name or variant.name
        names[variant.name] = cache[data]
    return names


def _preview() -> ModuleType:
    """``cvpress.outputs.preview`` (PNG of page 1), or a clear error when it cannot run."""
    try:
        module = importlib.import_module("cvpress.outputs.preview")
    except ImportError as exc:
        raise BuildError(
            f"PNG previews need cvpress.outputs.preview, which cannot be imported: {exc}",
            hint="install the preview extra (pip install 'cvpress[preview]') or pass --no-png",
        ) from None
    return module


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a directory", hint="choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / SUMS).is_file():
        raise InputError(
            f"{out} is not empty and is not a release directory (it has no {SUMS})",
            hint="empty it or choose another --out: a release replaces the whole directory",
        )


def replace_directory(staging: Path, out: Path) -> None:
    """Swap the finished directory in: renames, so ``out`` is never half-written."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
        out.rename(old / out.name)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
