"""``invoke release``: the directory a GitHub Release is made of, built for real.

One release is made per test run (its tests share one xdist worker), in a
scratch git repository holding this working tree's data, templates and
tasks.py, with two tags: v0.1.0, then a commit that adds a bullet to the
résumé and turns the footer on, tagged v0.2.0. Every check below reads that
directory: the files, ``sha256sum -c``, the PDFs' version metadata and footer,
the release notes, and the release workflow's upload globs.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, requires_tex, run_cvpress, squash
from cvpress import cli
from cvpress.pipeline.check import read_pdf
from cvpress.release import git as git_mod
from cvpress.release import release
from test_workflows import RELEASE, load_workflow, release_assets

TAG = "v0.2.0"
NEW_BULLET = "Published every version of this CV from a git tag, with checksums."
HAS_PREVIEW = importlib.util.find_spec("cvpress.outputs.preview") is not None
NO_PREVIEW = (
    "cvpress.outputs.preview (PNG of page 1, `cvpress build --png`) is not in the package yet"
)


@dataclass(frozen=True)
class Released:
    repo: Path
    out: Path
    variants: list[str]
    person: str
    png: bool
    #: Each variant's formats (its ``formats``, else the defaults', else pdf).
    formats: dict[str, list[str]]


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout


def clean_env() -> dict[str, str]:
    """The environment without anything that would pin the version or the dates."""
    drop = {"CVPRESS_VERSION", "SOURCE_DATE_EPOCH"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def make_repo(repo: Path) -> None:
    """A git repository like a user's: data, templates, tasks; tagged twice."""
    shutil.copytree(ROOT / "tests" / "fixtures" / "seed", repo / "data")
    shutil.copytree(ROOT / "latex", repo / "latex")
    shutil.copy(ROOT / "tasks.py", repo / "tasks.py")
    (repo / ".gitignore").write_text("build/\ndist/\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    git(repo, "tag", "v0.1.0")
    resume = repo / "data" / "resume.yaml"
    text = resume.read_text(encoding="utf-8")
    anchor = "    highlights:\n"
    assert anchor in text
    bullet = f'      - text: "{NEW_BULLET}"\n        tags: [detail]\n'
    resume.write_text(text.replace(anchor, anchor + bullet, 1), encoding="utf-8")
    variants_file = repo / "data" / "variants.yaml"
    variants = yaml.safe_load(variants_file.read_text(encoding="utf-8"))
    variants.setdefault("defaults", {})["footer"] = True
    variants_file.write_text(yaml.safe_dump(variants, sort_keys=False), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "second")
    git(repo, "tag", "-a", TAG, "-m", TAG)


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Released:
    """``invoke release --tag v0.2.0 --out <the workflow's dir>``, once per test run.

    Its tests share one xdist worker (``RELEASED``), so it is made once.
    """
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed")
    repo = tmp_path_factory.mktemp("release") / "repo"
    repo.mkdir()
    out_name, _, _ = release_assets(load_workflow(RELEASE))
    make_repo(repo)
    command = [sys.executable, "-m", "invoke", "release", "--tag", TAG, "--out", out_name]
    if not HAS_PREVIEW:
        command.append("--no-png")
    result = subprocess.run(
        command, cwd=repo, capture_output=True, text=True, env=clean_env(), check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = yaml.safe_load((repo / "data" / "variants.yaml").read_text(encoding="utf-8"))
    person = yaml.safe_load((repo / "data" / "resume.yaml").read_text(encoding="utf-8"))
    formats = {
        name: {**(data.get("defaults") or {}), **(opts or {})}.get("formats", ["pdf"])
        for name, opts in data["variants"].items()
    }
    name = person["basics"]["name"]
    return Released(repo, repo / out_name, list(data["variants"]), name, HAS_PREVIEW, formats)


#: The tests of the one release: on one xdist worker, which makes it once.
RELEASED = pytest.mark.xdist_group("release")


# ------------------------------------------------------------- no TeX needed


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("Gerard C.", "Gerard_C"),
        ("José Núñez-García", "Jose_Nunez_Garcia"),
        ("  Ada   Lovelace ", "Ada_Lovelace"),
        ("O'Brien, Jr.", "O_Brien_Jr"),
        ("Zoë Ångström", "Zoe_Angstrom"),
        ("王小明", "Resume"),
        ("../../etc/passwd", "etc_passwd"),
    ],
)
def test_asset_names_are_ascii_words_joined_by_underscores(name: str, stem: str) -> None:
    assert release.asset_stem(name) == stem


def test_a_bad_tag_is_refused_before_anything_is_built(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        ["release", "--tag", "v1 ; rm -rf /", "--out", str(tmp_path / "dist"), "--no-png"]
    )
    assert code == 2
    assert "not a usable release tag" in capsys.readouterr().err
    assert not (tmp_path / "dist").exists()


def test_a_directory_that_is_not_a_release_is_never_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "thesis.tex").write_text("precious", encoding="utf-8")
    code = cli.main(["release", "--tag", "v1.0", "--out", str(out), "--no-png"])
    assert code == 2
    assert "not a release directory" in capsys.readouterr().err
    assert (out / "thesis.tex").read_text(encoding="utf-8") == "precious"


def test_describe_is_the_tag_on_a_tagged_commit_and_says_dirty(tmp_path: Path) -> None:
    assert git_mod.describe(tmp_path) == ""  # not a repository: no label
    (tmp_path / "resume.yaml").write_text("basics: {name: A}\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "one")
    head = git(tmp_path, "rev-parse", "--short", "HEAD").strip()
    assert git_mod.describe(tmp_path / "resume.yaml") == head
    git(tmp_path, "tag", "v2026.11")
    assert git_mod.describe(tmp_path) == "v2026.11"
    assert release.source_note("v2026.11", tmp_path) is None
    assert "check out v2026.12 first" in str(release.source_note("v2026.12", tmp_path))
    (tmp_path / "resume.yaml").write_text("basics: {name: B}\n", encoding="utf-8")
    assert git_mod.describe(tmp_path) == "v2026.11-dirty"
    git(tmp_path, "commit", "-q", "-am", "two")
    assert git_mod.describe(tmp_path).startswith("v2026.11-1-g")


def test_a_new_release_directory_replaces_the_old_one_whole(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "Old_removed-variant.pdf").write_bytes(b"stale")
    staging = tmp_path / ".dist.new"
    staging.mkdir()
    (staging / "New_cv.pdf").write_bytes(b"new")
    release.replace_directory(staging, out)
    assert [p.name for p in out.iterdir()] == ["New_cv.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_sha256sums_is_in_sha256sum_format(tmp_path: Path) -> None:
    (tmp_path / "b.pdf").write_bytes(b"b")
    (tmp_path / "a.png").write_bytes(b"")
    text = release.sha256sums([tmp_path / "b.pdf", tmp_path / "a.png"])
    assert text == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.png\n"
        "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  b.pdf\n"
    )


# ------------------------------------------------------- the real release


@RELEASED
@requires_tex
def test_the_release_directory_holds_exactly_the_assets_and_notes(released: Released) -> None:
    stem = release.asset_stem(released.person)
    expected = {f"{stem}_{v}.{f}" for v in released.variants for f in released.formats[v]}
    expected |= {release.SUMS, release.NOTES}
    assert f"{stem}_cv.html" in expected and f"{stem}_cv.docx" in expected
    if released.png:
        expected |= {f"{stem}_{v}.png" for v in released.variants}
    assert {p.name for p in released.out.iterdir()} == expected
    assert stem == "Gerard_C"


@RELEASED
@requires_tex
def test_checksums_verify_with_sha256sum(released: Released, tmp_path: Path) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum (coreutils) not installed")
    ok = subprocess.run(
        ["sha256sum", "-c", release.SUMS],
        cwd=released.out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    listed = {
        line.split("  ", 1)[1] for line in (released.out / release.SUMS).read_text().splitlines()
    }
    assert listed == {p.name for p in released.out.iterdir()} - {release.SUMS, release.NOTES}
    # and a damaged download is caught
    copy = tmp_path / "dist"
    shutil.copytree(released.out, copy)
    pdf = next(copy.glob("*.pdf"))
    pdf.write_bytes(pdf.read_bytes()[:-10])
    bad = subprocess.run(
        ["sha256sum", "-c", release.SUMS], cwd=copy, capture_output=True, text=True, check=False
    )
    assert bad.returncode != 0
    assert f"{pdf.name}: FAILED" in bad.stdout


@RELEASED
@requires_tex
def test_every_pdf_carries_the_tag_in_its_metadata_and_footer(released: Released) -> None:
    for pdf in sorted(released.out.glob("*.pdf")):
        facts = read_pdf(pdf.read_bytes())
        assert facts.metadata.get("Version") == TAG, (pdf.name, facts.metadata)
        assert facts.metadata.get("Creator") == f"cvpress {TAG}", pdf.name
        # footer: true (set in the scratch repo's defaults): "Updated <month year> · v0.2.0"
        assert squash(f"· {TAG}") in squash(facts.page_texts[-1]), pdf.name
        if pdf.name.endswith("_cv.pdf"):  # the full CV shows every bullet, the new one too
            assert squash(NEW_BULLET) in squash(facts.text)


@RELEASED
@requires_tex
def test_release_notes_list_what_changed_since_the_previous_tag(released: Released) -> None:
    notes = (released.out / release.NOTES).read_text(encoding="utf-8")
    assert "since v0.1.0" in notes
    assert f"added bullet: “{NEW_BULLET}”" in notes
    assert "L6 Machine Learning Engineer" in notes  # the entry it was added to
    stem = release.asset_stem(released.person)
    assert f"`{stem}_cv.pdf`" in notes


@RELEASED
@requires_tex
def test_png_previews_are_the_first_pages(released: Released) -> None:
    if not released.png:
        pytest.skip(NO_PREVIEW)
    for png in released.out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png.name


@RELEASED
@requires_tex
def test_the_release_workflow_uploads_exactly_what_invoke_release_makes(released: Released) -> None:
    out, globs, notes = release_assets(load_workflow(RELEASE))
    assert released.out == released.repo / out
    files = {f"{out}/{p.name}" for p in released.out.iterdir()}
    uploaded: set[str] = set()
    for pattern in globs:
        matched = set(fnmatch.filter(files, pattern))
        if not matched and pattern.endswith(".png") and not released.png:
            continue  # checked once the previews exist (see test_png_previews...)
        assert matched, f"release.yml uploads {pattern!r}, matching nothing of {sorted(files)}"
        uploaded |= matched
    assert uploaded == files - {f"{out}/{release.NOTES}"}, (
        "every asset uploaded, the notes become the text"
    )
    for path in notes:
        assert path in files


@RELEASED
@requires_tex
def test_outside_a_release_cvpress_build_labels_with_git_describe(
    released: Released, tmp_path: Path
) -> None:
    """Outside a release, `cvpress build` labels the PDF with `git describe`."""
    repo = tmp_path / "repo"
    shutil.copytree(released.repo, repo, ignore=shutil.ignore_patterns("build", "dist"))
    with (repo / "tasks.py").open("a", encoding="utf-8") as handle:
        handle.write("# an uncommitted edit\n")
    result = run_cvpress("build", "--variant", "cv", "--out", "b", cwd=repo, env=clean_env())
    assert result.returncode == 0, result.stderr
    facts = read_pdf((repo / "b" / "cv.pdf").read_bytes())
    assert facts.metadata.get("Version") == f"{TAG}-dirty"
    assert squash(f"· {TAG}-dirty") in squash(facts.page_texts[-1])
