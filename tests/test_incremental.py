"""Incremental builds: unchanged variants are kept, changed ones rebuilt, --force rebuilds all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import pdf_text, run_cvpress
from cvpress.pipeline import targets

DATA = """\
basics:
  name: Ada Lovelace
  label: Analyst
  summary: First summary.
work:
  - name: Engines Ltd
    position: Programmer
    startDate: "1843"
    highlights:
      - Wrote the first program.
"""
VARIANTS = """\
variants:
  full:
    template: mine
  short:
    template: mine
    sections: [work]
"""
TEMPLATE = """\
<% extends "_base/document.tex.j2" %>
<# a test template: the bundled base, unchanged #>
"""


@pytest.fixture
def project(make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    tmp_path = make_project(DATA, VARIANTS, templates={"mine": TEMPLATE})
    monkeypatch.chdir(tmp_path)  # ./latex is on the template search path
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")
    return tmp_path


def _build(project: Path, force: bool = False) -> dict[str, str]:
    # A relative --out, as on the command line (cwd is the project).
    options = targets.Options(out=Path("build"), force=force, jobs=2, version="")
    outcomes = targets.build_variants(project / "data" / "variants.yaml", options=options)
    assert all(o.status != "failed" for o in outcomes), [
        o.error and o.error.problems for o in outcomes
    ]
    return {o.name: o.status for o in outcomes}


def _mtimes(project: Path) -> dict[str, int]:
    return {
        name: (project / "build" / f"{name}.pdf").stat().st_mtime_ns for name in ("full", "short")
    }


@pytest.mark.tex
def test_rebuilds_exactly_what_changed(project: Path) -> None:
    assert _build(project) == {"full": "built", "short": "built"}
    before = _mtimes(project)

    # Nothing changed: both unchanged, PDFs untouched.
    assert _build(project) == {"full": "unchanged", "short": "unchanged"}
    assert _mtimes(project) == before

    # The summary is only in `full`: `short` renders the same .tex and is kept.
    data = project / "data" / "resume.yaml"
    data.write_text(DATA.replace("First summary.", "Second summary."), encoding="utf-8")
    assert _build(project) == {"full": "built", "short": "unchanged"}
    assert "Second summary." in pdf_text(project / "build" / "full.pdf")
    after_edit = _mtimes(project)
    assert after_edit["short"] == before["short"]
    assert after_edit["full"] != before["full"]

    # --force rebuilds everything.
    assert _build(project, force=True) == {"full": "built", "short": "built"}

    # A template edit rebuilds both (they share it)...
    template = project / "latex" / "mine" / "template.tex.j2"
    template.write_text(
        TEMPLATE + "<% block geometry %>\\usepackage[margin=2cm]{geometry}<% endblock %>\n"
    )
    assert _build(project) == {"full": "built", "short": "built"}
    # ... and so does a new file in the template's folder (it may be read).
    (project / "latex" / "mine" / "template.yaml").write_text("description: mine\n")
    assert _build(project) == {"full": "unchanged", "short": "unchanged"}


@pytest.mark.tex
def test_a_deleted_pdf_is_rebuilt(project: Path) -> None:
    _build(project)
    (project / "build" / "short.pdf").unlink()
    assert _build(project) == {"full": "unchanged", "short": "built"}


@pytest.mark.tex
def test_noop_build_reports_unchanged_without_importing_the_heavy_stages(project: Path) -> None:
    env = {"CVPRESS_VERSION": ""}
    first = run_cvpress("build", cwd=project, env=env, python=("-X", "importtime"))
    assert first.returncode == 0, first.stderr
    second = run_cvpress("build", cwd=project, env=env, python=("-X", "importtime"))
    assert second.returncode == 0, second.stderr
    assert "unchanged full" in second.stderr and "unchanged short" in second.stderr
    imported = {
        line.split("|")[-1].strip()
        for line in second.stderr.splitlines()
        if line.startswith("import time:")
    }
    for heavy in ("pydantic", "jinja2", "yaml", "pypdf", "pylatexenc", "babel"):
        assert heavy not in imported, heavy


def test_help_imports_none_of_the_heavy_stages() -> None:
    result = run_cvpress("--help", timeout=60, python=("-X", "importtime"))
    assert result.returncode == 0
    imported = {
        line.split("|")[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    for heavy in ("pydantic", "jinja2", "yaml", "pypdf", "pylatexenc", "babel"):
        assert heavy not in imported, heavy


@pytest.mark.tex
def test_tex_started_before_rendering_gives_the_same_bytes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cvpress.engine import passes, prestart

    _build(project)
    data = project / "data" / "resume.yaml"
    data.write_text(DATA.replace("First summary.", "Third summary."), encoding="utf-8")
    calls: list[str] = []
    real = passes.compile_tex
    monkeypatch.setattr(passes, "compile_tex", lambda *a, **k: calls.append("x") or real(*a, **k))
    statuses = _build(project)
    assert statuses["full"] == "built"
    assert not calls, "the variant started early is not compiled again"
    for name in ("full", "short"):  # every early run was taken (finished) or cancelled
        assert prestart.take(Path("build"), name) is None, name
    monkeypatch.setattr(passes, "compile_tex", real)
    fresh = targets.Options(out=project / "fresh", jobs=1, version="")
    [outcome] = targets.build_variants(project / "data" / "variants.yaml", ["full"], fresh)
    assert outcome.status == "built", outcome.error and outcome.error.problems
    early = (project / "build" / "full.pdf").read_bytes()
    assert early == (project / "fresh" / "full.pdf").read_bytes()


@pytest.mark.tex
def test_a_save_during_a_build_is_not_recorded_as_built(project: Path) -> None:
    """The no-op record fingerprints the inputs the build read, not the ones after it.

    (Found by the watch test under load: a save landing while a build ran was
    hashed into the record, so the next build said "unchanged" for a PDF that
    still showed the old text.)
    """
    data = project / "data" / "resume.yaml"
    options = targets.Options(out=Path("build"), jobs=1, version="")
    saved: list[str] = []

    def save_while_building(outcome: targets.Outcome) -> None:
        if not saved:  # after the first variant is published, before the build ends
            data.write_text(DATA.replace("First summary.", "Saved mid-build."), encoding="utf-8")
            saved.append(outcome.name)

    targets.build_variants(project / "data" / "variants.yaml", options=options,
                             progress=save_while_building)  # fmt: skip
    assert saved
    again = targets.build_variants(project / "data" / "variants.yaml", options=options)
    assert {o.name: o.status for o in again}["full"] == "built"
    assert "Saved mid-build." in pdf_text(project / "build" / "full.pdf")


@pytest.mark.tex
def test_a_relative_out_folder_in_another_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One process, ``--out build`` from two folders: both build.

    Regression: the Jinja environment was kept per relative cache path, and
    its folder made only once, so the second build failed writing bytecode.
    Compiled templates now live in the user's cache, whatever ``--out`` is.
    """
    for place in ("one", "two"):
        folder = tmp_path / place
        folder.mkdir()
        (folder / "cv.yaml").write_text(DATA, encoding="utf-8")
        monkeypatch.chdir(folder)
        options = targets.Options(out=Path("build"), force=True, version="")
        [outcome] = targets.build_adhoc([folder / "cv.yaml"], "classic", options)
        assert outcome.status == "built", outcome.error and outcome.error.problems
        assert not (folder / "build" / ".cache" / "jinja").exists()
