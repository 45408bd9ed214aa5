"""A folder ready for GitHub Pages: one résumé page linking the chosen variants' PDFs.

``cvpress site --out site`` builds the chosen variants' PDFs (the usual
incremental build, in ``build/``), then writes ``site/index.html`` (the
first chosen variant as a web page, with a link to every PDF), the PDFs
beside it, and ``.nojekyll`` (GitHub Pages serves the files as they are).
Publish the folder with any static host; nothing in it loads anything from
elsewhere. Files already in the folder are replaced, never deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import BuildError
from ..pipeline.targets import Options, Outcome


def make(
    variants_file: Path,
    names: Sequence[str],
    out: Path,
    *,
    build_dir: Path = Path("build"),
    jobs: int | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Path]:
    """Build the PDFs and write the site folder ``out``; the files written, index first."""
    from ..data import load, select, validate
    from ..pipeline import publish, targets
    from . import html, readback

    options = Options(out=build_dir, jobs=jobs, formats=("pdf",))
    outcomes = targets.build_variants(variants_file, names, options, progress)
    failed = [o.name for o in outcomes if o.status == "failed"]
    if failed:
        raise BuildError(f"no site: variant(s) {', '.join(failed)} failed to build")
    by_name = {v.name: v for v in validate.variants(variants_file)}
    first = by_name[outcomes[0].name]
    resume = validate.resume(load.load(variants_file.parent / first.data))
    selected, order = select.apply(resume, first)
    downloads = tuple((f"{o.name}.pdf", f"{o.name}.pdf") for o in outcomes)
    page = html.render_html(selected, first, sections=order, downloads=downloads)
    readback.check_html(page, selected)
    files = {"index.html": page, ".nojekyll": b""}
    for outcome in outcomes:
        assert outcome.pdf is not None  # every outcome here built or kept its PDF
        files[f"{outcome.name}.pdf"] = outcome.pdf.read_bytes()
    written = []
    for name, content in files.items():
        publish.write_atomic(out / name, content)
        written.append(out / name)
    return written
