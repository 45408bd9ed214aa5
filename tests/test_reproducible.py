"""Same inputs, same bytes: two cold builds in different folders give identical PDFs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA
from cvpress.engine import catalogue, sandbox
from cvpress.pipeline import dates, targets
from cvpress.pipeline.check import read_pdf
from cvpress.release import git as git_mod


@pytest.mark.tex
@pytest.mark.parametrize(
    "engine", [e for e in ("pdflatex", "xelatex", "lualatex") if catalogue.installed(e)]
)
def test_two_builds_in_different_folders_are_byte_identical(engine: str, tmp_path: Path) -> None:
    pdfs = []
    for place in ("first/deeper", "second"):
        folder = tmp_path / place
        folder.mkdir(parents=True)
        data = folder / "resume.yaml"
        shutil.copyfile(DATA, data)
        out = folder / "build"
        options = targets.Options(out=out, engine=engine, version="")
        [outcome] = targets.build_adhoc([data], "classic", options)
        assert outcome.status == "built", outcome.error and outcome.error.problems
        pdfs.append((out / "classic.pdf").read_bytes())
    assert pdfs[0] == pdfs[1]
    created = read_pdf(pdfs[0]).metadata.get("CreationDate", "")
    assert created.startswith("D:20240101000000"), created  # SOURCE_DATE_EPOCH outside git


def test_the_epoch_comes_from_git_else_a_fixed_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    outside = tmp_path / "resume.yaml"
    outside.write_text("basics: {name: A}\n")
    assert dates.source_epoch(outside) == sandbox.DEFAULT_EPOCH
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert dates.source_epoch(outside) == 1700000000


def test_the_git_epoch_is_asked_once_per_head_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("CVPRESS_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    repo.mkdir()
    data = repo / "resume.yaml"

    def git(*args: str, date: str = "") -> None:
        env = {"GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date} if date else {}
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
            cwd=repo,
            check=True,
            capture_output=True,
            env={**os.environ, **env},
        )

    git("init", "-q")
    data.write_text("basics: {name: A}\n")
    git("add", "resume.yaml")
    git("commit", "-qm", "one", date="1700000000 +0000")
    asked: list[str] = []
    real = git_mod.last_commit_time

    def counting(path: str) -> int | None:
        asked.append(path)
        return real(path)

    monkeypatch.setattr(git_mod, "last_commit_time", counting)
    assert dates.source_epoch(data) == 1700000000
    assert dates.source_epoch(data) == 1700000000  # from the per-user cache
    assert len(asked) == 1, "asked git again with HEAD unchanged"
    data.write_text("basics: {name: B}\n")
    git("commit", "-qam", "two", date="1700000500 +0000")
    assert dates.source_epoch(data) == 1700000500
    assert len(asked) == 2


def _repo(tmp_path: Path) -> tuple[Path, Any]:
    """A scratch repository with ``resume.yaml`` committed at 1700000000, and a git runner."""
    import subprocess

    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str, date: str = "", cwd: Path = repo) -> None:
        env = {"GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date} if date else {}
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
            cwd=cwd,
            check=True,
            capture_output=True,
            env={**os.environ, **env},
        )

    git("init", "-q")
    (repo / "resume.yaml").write_text("basics: {name: A}\n")
    git("add", "resume.yaml")
    git("commit", "-qm", "one", date="1700000000 +0000")
    return repo, git


def test_a_long_running_process_sees_a_new_commit_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: ``watch`` kept its first SOURCE_DATE_EPOCH after a commit (memo before HEAD)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("CVPRESS_CACHE_DIR", str(tmp_path / "cache"))
    repo, git = _repo(tmp_path)
    data = repo / "resume.yaml"
    assert dates.source_epoch(data) == 1700000000
    data.write_text("basics: {name: B}\n")
    git("commit", "-qam", "two", date="1700000500 +0000")
    assert dates.source_epoch(data) == 1700000500  # same process, nothing reset


def test_a_worktree_follows_its_own_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a git worktree (``.git`` is a file) a commit changes the epoch, packed refs too."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("CVPRESS_CACHE_DIR", str(tmp_path / "cache"))
    _, git = _repo(tmp_path)
    tree = tmp_path / "tree"
    git("worktree", "add", "-q", "-b", "side", str(tree))
    git("pack-refs", "--all")
    data = tree / "resume.yaml"
    assert git_mod.head_commit(data) is not None
    assert dates.source_epoch(data) == 1700000000
    data.write_text("basics: {name: C}\n")
    git("commit", "-qam", "three", date="1700000900 +0000", cwd=tree)
    assert dates.source_epoch(data) == 1700000900


def test_english_dates_without_babel_match_cldr(tmp_path: Path) -> None:
    import datetime

    from babel.dates import format_skeleton

    from cvpress.data.dates import parse_date
    from cvpress.tex import i18n

    for month in range(1, 13):
        day = datetime.date(2024, month, 7)
        assert i18n.format_date(parse_date(f"2024-{month:02d}"), "en") == format_skeleton(
            "yMMM", day, locale="en"
        )
        assert i18n.format_date(parse_date(f"2024-{month:02d}-07"), "en") == format_skeleton(
            "yMMMd", day, locale="en"
        )
        assert f"{i18n.ENGLISH_MONTHS[month - 1]} 2024" == format_skeleton(
            "yMMMM", day, locale="en"
        )
        assert i18n.long_date(parse_date(f"2024-{month:02d}-07"), "en") == format_skeleton(
            "yMMMMd", day, locale="en"
        )
    assert dates.updated(tmp_path / "x.yaml", "en") == "January 2024"
