"""``cvpress export --variant``: the same document the variant's PDF is made of.

A variant's PDF reads private.yaml over the data and its ``bibliography``;
its Markdown and text exports are for pasting into web forms, so they must
show the same publications and contact details (and leave the private ones
out with ``--no-private``, as a release does).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import run_cvpress

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extras"
PHONE = "+44 20 7946 0123"


def _project(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURES / "resume.yaml", data / "resume.yaml")
    shutil.copy(FIXTURES / "publications.bib", data / "publications.bib")
    (data / "private.yaml").write_text(f'basics:\n  phone: "{PHONE}"\n', encoding="utf-8")
    (data / "variants.yaml").write_text(
        "variants:\n  cv: {template: classic, bibliography: publications.bib}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_a_variant_exports_its_bibliography_and_private_details(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = run_cvpress("export", "--variant", "cv", "--format", "markdown", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Passages from the Life of a Philosopher" in result.stdout
    assert PHONE in result.stdout


def test_no_private_leaves_the_private_file_out(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = run_cvpress(
        "export", "--variant", "cv", "--format", "text", "--no-private", cwd=project
    )
    assert result.returncode == 0, result.stderr
    assert PHONE not in result.stdout
    assert "Passages from the Life of a Philosopher" in result.stdout


def test_without_a_variant_the_data_file_is_exported_as_written(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = run_cvpress(
        "export", "--data", "data/resume.yaml", "--format", "jsonresume", cwd=project
    )
    assert result.returncode == 0, result.stderr
    assert PHONE not in result.stdout
    assert "Passages from the Life" not in result.stdout
