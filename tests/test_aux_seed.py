"""A rebuild starts from the last run's ``.aux``: one TeX pass, the same bytes as from scratch.

Multi-page templates record the page count and the pages that start a role
in the ``.aux`` (running foot, "continued" lines), so a run from scratch
takes two passes. An edit rarely changes those records; LaTeX asks for
another pass when it does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SEED_DATA as SEED
from cvpress.engine import passes
from cvpress.pipeline import targets


def _build(data: Path, out: Path) -> bytes:
    options = targets.Options(out=out, version="", formats=("pdf",))
    [outcome] = targets.build_adhoc([data], "classic", options)
    assert outcome.status == "built", outcome.error and outcome.error.problems
    return (out / "classic.pdf").read_bytes()


@pytest.mark.tex
def test_the_last_aux_saves_the_second_pass_and_changes_no_byte(tmp_path: Path) -> None:
    data = tmp_path / "resume.yaml"
    shutil.copy(SEED / "resume.yaml", data)
    _build(data, tmp_path / "out")
    tex = (tmp_path / "out" / "classic.tex").read_text(encoding="utf-8")
    scratch = passes.compile_tex(tex)
    assert scratch.passes == 2 and scratch.aux  # a multi-page document
    seeded = passes.compile_tex(tex, files={"cv.aux": scratch.aux})
    assert seeded.passes == 1
    assert seeded.pdf == scratch.pdf


@pytest.mark.tex
def test_an_edit_rebuilt_from_the_last_aux_is_the_pdf_a_fresh_build_makes(tmp_path: Path) -> None:
    data = tmp_path / "resume.yaml"
    text = (SEED / "resume.yaml").read_text(encoding="utf-8")
    data.write_text(text, encoding="utf-8")
    _build(data, tmp_path / "kept")
    assert list((tmp_path / "kept" / ".cache" / "aux").glob("classic.*.aux"))
    # An edit that moves page breaks: the kept .aux is stale and LaTeX reruns.
    longer = text.replace(
        "work:\n", "work:\n" + "  - {name: Added Org, position: Added Role}\n" * 6, 1
    )
    data.write_text(longer, encoding="utf-8")
    rebuilt = _build(data, tmp_path / "kept")
    assert rebuilt == _build(data, tmp_path / "fresh")
