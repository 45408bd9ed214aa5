"""A rebuild seeded with another data state's ``.aux`` ends on the PDF a build from scratch makes.

The "continued" line above a role that starts a page is decided by the
previous pass's page records. Were it to take a line of its own, a role that
fits at the foot of a page without it, but not with it, would have two
self-consistent layouts: a build from scratch (empty ``.aux``) keeps the role
on page 1, while a rebuild seeded by an edit that had pushed the role to
page 2 keeps "Twitter, continued" there. The seed's banking résumé with three
more words in its summary is such an edit; the rebuild after taking them out
again must write the same bytes as a build from scratch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SEED_DATA as SEED
from cvpress.pipeline import targets
from cvpress.pipeline.check import read_pdf

TEMPLATE = "banking"
#: The end of the seed's summary, and the same with three more words.
SUMMARY = "Kubeflow Pipelines and Tensorflow Extended."
LONGER = "Kubeflow Pipelines and Tensorflow Extended, extra words that."
CONTINUED = "Twitter, continued"


def _build(data: Path, out: Path) -> bytes:
    options = targets.Options(out=out, version="", formats=("pdf",))
    [outcome] = targets.build_adhoc([data], TEMPLATE, options)
    assert outcome.status == "built", outcome.error and outcome.error.problems
    return (out / f"{TEMPLATE}.pdf").read_bytes()


def _with_summary(data: Path, summary: str) -> None:
    text = (SEED / "resume.yaml").read_text(encoding="utf-8")
    assert SUMMARY in text
    data.write_text(text.replace(SUMMARY, summary, 1), encoding="utf-8")


def _continued_on(pdf: bytes) -> list[int]:
    """The pages (from 1) whose text says "Twitter, continued"."""
    pages = read_pdf(pdf).page_texts
    return [number for number, text in enumerate(pages, 1) if CONTINUED in text]


@pytest.mark.tex
def test_a_rebuild_seeded_by_an_edit_that_moved_a_role_is_the_fresh_pdf(tmp_path: Path) -> None:
    data = tmp_path / "resume.yaml"
    _with_summary(data, LONGER)
    longer = _build(data, tmp_path / "kept")
    # The edit pushed a Twitter role from the foot of page 1 to the top of page 2.
    assert _continued_on(longer) == [2]
    assert list((tmp_path / "kept" / ".cache" / "aux").glob(f"{TEMPLATE}.*.aux"))

    _with_summary(data, SUMMARY)
    rebuilt = _build(data, tmp_path / "kept")
    fresh = _build(data, tmp_path / "fresh")
    assert _continued_on(fresh) == []
    assert rebuilt == fresh


@pytest.mark.tex
def test_the_other_way_round_too(tmp_path: Path) -> None:
    data = tmp_path / "resume.yaml"
    shutil.copy(SEED / "resume.yaml", data)
    _build(data, tmp_path / "kept")
    _with_summary(data, LONGER)
    assert _build(data, tmp_path / "kept") == _build(data, tmp_path / "fresh")
