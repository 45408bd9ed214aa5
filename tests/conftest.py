"""Shared fixtures: real TeX, real PDFs (read back with PDFium, as the build does), one CLI runner.

Tests that run TeX carry the ``tex`` marker (``pytest -m "not tex"`` runs the
rest in well under a minute).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from cvpress.pipeline import targets
from cvpress.pipeline.check import normalize, read_pdf

ROOT = Path(__file__).resolve().parent.parent
#: The tool's tests read the seed résumé, a copy of what data/ held when the
#: repository was made: data/ belongs to whoever forks it (tests/test_compat.py
#: checks it generically).
SEED_DATA = ROOT / "tests" / "fixtures" / "seed"
DATA = SEED_DATA / "resume.yaml"
VARIANTS = SEED_DATA / "variants.yaml"
#: The source text of the résumé in data/ (a copy of ../shared/seed/resume-source.md).
SEED = ROOT / "tests" / "fixtures" / "resume-source.md"

#: Every cvpress these tests start runs in-process: no build server is started,
#: shared between tests or left behind (tests/test_server*.py start their own,
#: each in a folder of its own, and say CVPRESS_SERVER=on).
os.environ["CVPRESS_SERVER"] = "off"

#: Set by `invoke test --full`: run every Hypothesis example and fault.
FULL = os.environ.get("CVPRESS_FULL_TESTS") == "1"

#: Marks a test that runs TeX (skipped where pdflatex is missing; ``-m "not tex"`` leaves it out).
requires_tex = pytest.mark.tex


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``tex`` are skipped, saying why, on a machine without pdflatex."""
    if shutil.which("pdflatex") is not None:
        return
    skip = pytest.mark.skip(reason="pdflatex not installed")
    for item in items:
        if "tex" in item.keywords:
            item.add_marker(skip)


def cvpress_command(*args: str, python: Sequence[str] = ()) -> list[str]:
    """The argv that runs the ``cvpress`` command line in a process of its own."""
    return [sys.executable, *python, "-m", "cvpress", *args]


def run_cvpress(
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
    python: Sequence[str] = (),
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``cvpress ARGS`` as a shell runs it: output captured as text, no colour, any exit code.

    ``env`` is added to this process's environment; ``python``: interpreter
    flags (``-X importtime``); ``preexec_fn``: run in the child (resource limits).
    """
    return subprocess.run(
        cvpress_command(*args, python=python),
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=preexec_fn,
    )


def pdf_text(path: Path) -> str:
    """The PDF's extracted text, as an ATS would read it."""
    return read_pdf(path.read_bytes()).text


def squash(text: str) -> str:
    """Whitespace-free form for containment checks (see check.normalize)."""
    return normalize(text)


#: The tests that read :func:`built_variants`: on one xdist worker, which builds them once.
BUILT_VARIANTS = pytest.mark.xdist_group("built-variants")


@pytest.fixture(scope="session")
def built_variants(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All variants of the repository's data, built once per test session (see BUILT_VARIANTS)."""
    out = tmp_path_factory.mktemp("build")
    outcomes = targets.build_variants(VARIANTS, options=targets.Options(out=out, force=True))
    failed = [o for o in outcomes if o.status == "failed"]
    assert not failed, [(o.name, o.error and o.error.problems) for o in failed]
    return out


@pytest.fixture(autouse=True)
def _no_resident_runs_left(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A build under XeLaTeX or LuaLaTeX leaves a run waiting (cvpress.engine.resident):
    each test ends those of its builds, as they would otherwise wait minutes."""
    yield
    from cvpress.engine import resident

    resident.stop(tmp_path_factory.getbasetemp())


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """A project factory: ``make_project(resume, variants, templates={name: text})`` -> its folder.

    Writes ``data/resume.yaml`` (and ``data/variants.yaml`` when given) into
    this test's ``tmp_path``, and each template as ``latex/<name>/template.tex.j2``.
    """

    def make(
        resume: str, variants: str | None = None, *, templates: Mapping[str, str] = {}
    ) -> Path:
        data = tmp_path / "data"
        data.mkdir(exist_ok=True)
        (data / "resume.yaml").write_text(resume, encoding="utf-8")
        if variants is not None:
            (data / "variants.yaml").write_text(variants, encoding="utf-8")
        for name, text in templates.items():
            (tmp_path / "latex" / name).mkdir(parents=True, exist_ok=True)
            (tmp_path / "latex" / name / "template.tex.j2").write_text(text, encoding="utf-8")
        return tmp_path

    return make


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A per-user cache (formats, epochs, font caches) of this test's own, empty at the start."""
    cache = tmp_path / "user-cache"
    monkeypatch.setenv("CVPRESS_CACHE_DIR", str(cache))
    return cache


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(text: str, name: str = "resume.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
