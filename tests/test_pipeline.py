"""The core pipeline end to end: the person's résumé to build/cv.pdf."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import BUILT_VARIANTS, SEED, pdf_text, squash

pytestmark = pytest.mark.tex


def _seed_bullets() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [m.group(1).strip() for m in re.finditer(r"^ - (?!\*\*Courses)(.+)$", text, re.M)]


@BUILT_VARIANTS
def test_every_seed_bullet_is_in_the_cv(built_variants: Path) -> None:
    text = squash(pdf_text(built_variants / "cv.pdf"))
    bullets = _seed_bullets()
    assert len(bullets) >= 40
    missing = [b for b in bullets if squash(b) not in text]
    assert not missing


@BUILT_VARIANTS
def test_cv_has_metadata(built_variants: Path) -> None:
    from cvpress.pipeline.check import read_pdf

    facts = read_pdf((built_variants / "cv.pdf").read_bytes())
    assert facts.metadata.get("Author") == "Gerard C."
    assert "Gerard C." in facts.metadata.get("Title", "")
