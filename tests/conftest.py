"""Shared fixtures: real TeX, real PDFs, read back with pypdf."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cvpress.pipeline import targets
from cvpress.pipeline.check import normalize, read_pdf

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "resume.yaml"
VARIANTS = ROOT / "data" / "variants.yaml"
#: The source text of the résumé in data/ (a copy of ../shared/seed/resume-source.md).
SEED = ROOT / "tests" / "fixtures" / "resume-source.md"

#: Set by `invoke test --full`: run every Hypothesis example and fault.
FULL = os.environ.get("CVPRESS_FULL_TESTS") == "1"

requires_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")


def pdf_text(path: Path) -> str:
    """The PDF's extracted text, as an ATS would read it."""
    return read_pdf(path.read_bytes()).text


def squash(text: str) -> str:
    """Whitespace-free form for containment checks (see check.normalize)."""
    return normalize(text)


@pytest.fixture(scope="session")
def built_variants(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All variants of the repository's data, built once per test session."""
    out = tmp_path_factory.mktemp("build")
    outcomes = targets.build_variants(VARIANTS, options=targets.Options(out=out, force=True))
    failed = [o for o in outcomes if o.status == "failed"]
    assert not failed, [(o.name, o.error and o.error.problems) for o in failed]
    return out


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
