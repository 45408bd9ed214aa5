"""The résumé diff behind release notes and ``invoke changelog``.

No TeX here: both versions are parsed with cvpress's own load/validate and
compared. The git tests use small scratch repositories.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import run_cvpress
from cvpress.release import changelog
from cvpress.release import git as git_mod
from cvpress.release.changelog import Change

BASE = {
    "basics": {"name": "Ada Lovelace", "label": "Analyst"},
    "work": [
        {
            "name": "Analytical Engines Ltd",
            "position": "Programmer",
            "startDate": "1842-01",
            "highlights": [
                "Wrote the first published algorithm for a machine.",
                "Translated Menabrea's memoir on the engine.",
                "Added notes longer than the memoir itself.",
            ],
        },
        {"name": "Self", "position": "Mathematician", "startDate": "1833", "endDate": "1842"},
    ],
    "education": [{"institution": "Home tutoring", "area": "Mathematics", "studyType": "Private"}],
    "skills": [{"name": "Mathematics", "keywords": ["Analysis", "Calculus"]}],
    "custom": [{"title": "Talks", "entries": [{"title": "On the engine", "startDate": "1843"}]}],
}


def variant_of(**changes: object) -> dict[str, object]:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data.update(changes)
    return dict(data)


def parsed(data: dict[str, object]) -> dict[str, object]:
    return changelog.parse(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "resume.yaml")


def diff(old: dict[str, object], new: dict[str, object]) -> list[Change]:
    return changelog.diff(parsed(old), parsed(new))


def test_no_change_no_entries() -> None:
    assert diff(BASE, BASE) == []


def test_bullets_added_removed_and_reworded_are_told_apart() -> None:
    new = variant_of()
    bullets = new["work"][0]["highlights"]  # type: ignore[index]
    bullets[0] = "Wrote the first published algorithm for a computing machine."  # reworded
    del bullets[1]  # removed
    bullets.append("Imagined machines composing music.")  # added
    changes = diff(BASE, new)
    assert len(changes) == 1
    change = changes[0]
    assert (change.section, change.kind) == ("Experience", "changed")
    assert change.label == "Programmer, Analytical Engines Ltd (1842-01 – present)"
    assert change.details == (
        "changed bullet: “Wrote the first published algorithm for a machine.” → "
        "“Wrote the first published algorithm for a computing machine.”",
        "added bullet: “Imagined machines composing music.”",
        "removed bullet: “Translated Menabrea's memoir on the engine.”",
    )


def test_reordered_bullets_are_reported_as_such() -> None:
    new = variant_of()
    new["work"][0]["highlights"].reverse()  # type: ignore[index]
    (change,) = diff(BASE, new)
    assert any("reordered" in d for d in change.details)
    assert not any(d.startswith(("added", "removed")) for d in change.details)


def test_entries_added_and_removed_with_their_bullets() -> None:
    new = variant_of()
    new["work"].insert(  # type: ignore[attr-defined]
        0,
        {
            "name": "Royal Society",
            "position": "Fellow",
            "startDate": "1844",
            "highlights": ["Gave a talk."],
        },
    )
    del new["work"][2]  # type: ignore[attr-defined]
    changes = diff(BASE, new)
    assert [(c.kind, c.label) for c in changes] == [
        ("added", "Fellow, Royal Society (1844 – present)"),
        ("removed", "Mathematician, Self (1833 – 1842)"),
    ]
    assert changes[0].details == ("bullet: Gave a talk.",)


def test_a_renamed_entry_with_the_same_content_is_one_change() -> None:
    new = variant_of()
    new["work"][0]["position"] = "Lead Programmer"  # type: ignore[index]
    (change,) = diff(BASE, new)
    assert change.kind == "changed"
    assert change.details == ("position: “Programmer” → “Lead Programmer”",)


def test_fields_keywords_basics_and_custom_sections() -> None:
    new = variant_of()
    new["basics"]["label"] = "Mathematician"  # type: ignore[index]
    new["work"][1]["endDate"] = "1843"  # type: ignore[index]
    new["skills"][0]["keywords"] = ["Analysis", "Algorithms"]  # type: ignore[index]
    new["custom"][0]["entries"].append({"title": "On Bernoulli numbers", "startDate": "1843"})  # type: ignore[index]
    details = {c.section: (c.kind, c.details) for c in diff(BASE, new)}
    assert details["Basics"] == ("changed", ("label: “Analyst” → “Mathematician”",))
    assert details["Experience"] == ("changed", ("endDate: “1842” → “1843”",))
    assert details["Skills"] == (
        "changed",
        ("keywords: added “Algorithms”", "keywords: removed “Calculus”"),
    )
    assert details["Talks"][0] == "added"


def test_tags_are_selection_metadata_not_news() -> None:
    new = variant_of()
    new["work"][0]["tags"] = ["ml-infra"]  # type: ignore[index]
    new["meta"] = {"version": "2"}
    assert diff(BASE, new) == []


def test_a_bullet_written_as_text_or_as_a_mapping_is_the_same_bullet() -> None:
    new = variant_of()
    first = new["work"][0]["highlights"]  # type: ignore[index]
    first[0] = {"text": first[0], "tags": ["detail"]}
    assert diff(BASE, new) == []


def test_an_old_version_that_no_longer_validates_is_still_compared() -> None:
    old = variant_of()
    old["work"][0]["startDate"] = "Jan 1842"  # type: ignore[index]  # not ISO: invalid today
    text = yaml.safe_dump(old, sort_keys=False)
    changes = changelog.diff(changelog.parse(text, "v1:resume.yaml"), parsed(BASE))
    assert [c.kind for c in changes] == ["changed"]
    assert changes[0].details == ("startDate: “Jan 1842” → “1842-01”",)


def test_markdown_has_a_heading_per_section_and_says_when_nothing_changed() -> None:
    log = changelog.Changelog(
        "v1", "v2", [Change("Work", "added", "Fellow, Royal Society", ("bullet: x",))]
    )
    assert log.markdown() == (
        "## What changed in the résumé since v1\n\n### Work\n\n"
        "- Added: **Fellow, Royal Society**\n  - bullet: x\n"
    )
    assert "No changes to the résumé data since v1." in changelog.Changelog("v1", "v2").markdown()


# ------------------------------------------------------------------- git


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"},
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "variants.yaml").write_text(
        "variants:\n  cv: {template: classic}\n", encoding="utf-8"
    )
    (tmp_path / "data" / "resume.yaml").write_text(
        yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8"
    )
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "first")
    return tmp_path


def edit(repo: Path, data: dict[str, object], message: str) -> None:
    (repo / "data" / "resume.yaml").write_text(
        yaml.safe_dump(data, sort_keys=False), encoding="utf-8"
    )
    git(repo, "commit", "-q", "-am", message)


def test_with_no_tag_it_is_the_first_release_with_a_summary(repo: Path) -> None:
    log = changelog.changelog(repo / "data" / "variants.yaml")
    assert log.since is None
    assert log.markdown() == (
        "## First release\n\nFirst published version of Ada Lovelace's résumé: "
        "2 experience entries, 1 education entry, 1 skills entry, 1 talks entry.\n"
    )


def test_since_the_previous_tag_skipping_the_tag_being_released(repo: Path) -> None:
    variants = repo / "data" / "variants.yaml"
    git(repo, "tag", "v1")
    new = variant_of()
    new["basics"]["label"] = "Mathematician"  # type: ignore[index]
    edit(repo, new, "second")
    git(repo, "tag", "v2")
    assert git_mod.previous_tag(repo, "v2") == "v1"
    assert git_mod.previous_tag(repo, None) == "v2"
    released = changelog.changelog(variants, until="v2")
    assert released.since == "v1"
    assert [c.details for c in released.changes] == [("label: “Analyst” → “Mathematician”",)]
    # the working tree's uncommitted edits count when no --until is given
    newer = variant_of()
    newer["basics"]["label"] = "Countess"  # type: ignore[index]
    (repo / "data" / "resume.yaml").write_text(
        yaml.safe_dump(newer, sort_keys=False), encoding="utf-8"
    )
    log = changelog.changelog(variants)
    assert log.since == "v2"
    assert log.changes[0].details == ("label: “Mathematician” → “Countess”",)
    # an explicit --since reaches further back
    assert changelog.changelog(variants, since="v1").changes[0].details == (
        "label: “Analyst” → “Countess”",
    )


def test_the_first_tag_of_a_history_has_no_previous_one(repo: Path) -> None:
    git(repo, "tag", "v1")
    assert git_mod.previous_tag(repo, "v1") is None
    assert changelog.changelog(repo / "data" / "variants.yaml", until="v1").since is None


def test_invoke_changelog_prints_the_diff_and_refuses_an_unknown_revision(repo: Path) -> None:
    git(repo, "tag", "v1")
    new = variant_of()
    new["skills"][0]["keywords"].append("Poetry")  # type: ignore[index]
    edit(repo, new, "second")
    root = Path(__file__).resolve().parent.parent
    (repo / "tasks.py").write_text(
        (root / "tasks.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    ok = subprocess.run(
        [sys.executable, "-m", "invoke", "changelog", "--since", "v1"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert "### Skills" in ok.stdout and "keywords: added “Poetry”" in ok.stdout
    bad = run_cvpress("changelog", "--since", "v9", cwd=repo)
    assert bad.returncode == 2
    assert "unknown revision 'v9'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_an_old_version_that_is_not_even_yaml_is_named_not_fatal(repo: Path) -> None:
    (repo / "data" / "resume.yaml").write_text("basics: [unclosed\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    git(repo, "tag", "v1")
    edit(repo, BASE, "fixed")
    log = changelog.changelog(repo / "data" / "variants.yaml", until="HEAD")
    assert log.since == "v1"
    (change,) = log.changes
    assert change.label == "data/resume.yaml"
    assert change.details[0].startswith("not compared: the version at v1 does not load")
