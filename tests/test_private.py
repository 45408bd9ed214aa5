"""Private details: merged over the data for local builds, kept out of releases, audited."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import pdf_text, requires_tex, squash
from cvpress.data import load, private, validate
from cvpress.errors import InputError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extras"
PHONE = "+44 20 7946 0123"
ADDRESS = "12 St James's Square"
PRIVATE = f"""\
basics:
  phone: "{PHONE}"
  location:
    address: "{ADDRESS}"
"""


def project(tmp_path: Path, private_text: str = PRIVATE) -> Path:
    """A copy of the extras fixture with a private.yaml beside it; returns the data file."""
    data = tmp_path / "resume.yaml"
    data.write_text((FIXTURES / "resume.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "private.yaml").write_text(private_text, encoding="utf-8")
    return data


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        check=True,
        capture_output=True,
    )


def test_merged_key_by_key_with_each_value_at_its_own_line(tmp_path: Path) -> None:
    data = project(tmp_path)
    merged, used = private.overlay(load.load(data), private.locate(data, True, None))
    assert used
    basics = merged.data["basics"]
    assert basics["phone"] == PHONE
    assert basics["location"] == {"city": "London", "countryCode": "GB", "address": ADDRESS}
    assert basics["email"] == "ada@example.com"  # untouched keys stay
    assert merged.source.locate(("basics", "phone")).file.endswith("private.yaml")
    assert merged.source.locate(("basics", "location", "city")).file.endswith("resume.yaml")
    resume = validate.resume(merged)
    assert resume.basics.phone == PHONE


def test_a_list_replaces_the_public_one_whole(tmp_path: Path) -> None:
    data = project(tmp_path, "work:\n  - name: Secret Employer\n")
    merged, _ = private.overlay(load.load(data), tmp_path / "private.yaml")
    assert merged.data["work"] == [{"name": "Secret Employer"}]
    assert merged.source.locate(("work", 0, "position")).file.endswith("private.yaml")


def test_an_error_in_a_private_value_points_at_the_private_file(tmp_path: Path) -> None:
    data = project(tmp_path, "basics:\n  profiles: not a list\n")
    merged, _ = private.overlay(load.load(data), tmp_path / "private.yaml")
    with pytest.raises(InputError) as caught:
        validate.resume(merged)
    assert caught.value.location is not None
    assert caught.value.location.file.endswith("private.yaml")
    assert caught.value.location.line == 2


def test_no_file_or_private_false_means_nothing_merged(tmp_path: Path) -> None:
    data = project(tmp_path)
    assert private.locate(data, False, None) is None
    loaded = load.load(data)
    assert private.overlay(loaded, None) == (loaded, False)
    assert private.overlay(loaded, tmp_path / "absent.yaml") == (loaded, False)
    variants = tmp_path / "sub" / "variants.yaml"
    assert private.locate(data, "secret.yaml", variants) == tmp_path / "sub" / "secret.yaml"


def test_audit_warns_when_tracked_or_repeated_in_a_public_file(tmp_path: Path) -> None:
    data = project(tmp_path)
    secret = tmp_path / "private.yaml"
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "resume.yaml")
    git(tmp_path, "commit", "-qm", "data")
    assert private.audit(secret, private.public_files(tmp_path)) == []
    # The phone also written in the public data file:
    text = data.read_text(encoding="utf-8").replace(
        "  email: ada@example.com", f'  email: ada@example.com\n  phone: "{PHONE}"'
    )
    data.write_text(text, encoding="utf-8")
    (leak,) = private.audit(secret, private.public_files(tmp_path))
    assert leak.severity == "warning"
    assert leak.field_path == "basics.phone"
    assert "resume.yaml:6" in leak.message
    assert leak.location is not None and leak.location.line == 2
    # And the private file itself committed:
    git(tmp_path, "add", "-f", "private.yaml")
    problems = private.audit(secret, private.public_files(tmp_path))
    assert any("tracked by git" in p.message for p in problems)
    assert private.tracked(secret)


def test_repository_and_new_projects_ignore_the_private_file(tmp_path: Path) -> None:
    from cvpress.data import scaffold

    root = Path(__file__).resolve().parent.parent
    assert "data/private.yaml" in (root / ".gitignore").read_text(encoding="utf-8").split()
    written = scaffold.new(tmp_path / "cv")
    ignore = tmp_path / "cv" / ".gitignore"
    assert ignore in written
    assert "data/private.yaml" in ignore.read_text(encoding="utf-8").split()


# ------------------------------------------------------------ real TeX builds


def private_repo(repo: Path) -> Path:
    """A git repository like a user's: data committed, private.yaml beside it, ignored."""
    data = repo / "data"
    data.mkdir(parents=True)
    project(data)
    (data / "resume.yaml").write_text(
        (data / "resume.yaml").read_text(encoding="utf-8").replace("  image: photo.jpg\n", ""),
        encoding="utf-8",
    )
    (data / "variants.yaml").write_text(
        "variants:\n  cv: {template: classic}\n  web: {template: modern, private: false}\n",
        encoding="utf-8",
    )
    (repo / ".gitignore").write_text("build/\ndist/\ndata/private.yaml\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "data")
    git(repo, "tag", "v1.0.0")
    return data / "variants.yaml"


def leaked(path: Path) -> bool:
    """The phone or the address in the file's bytes, or in a PDF's extracted text."""
    content = path.read_bytes()
    needles = [PHONE, ADDRESS, PHONE.replace(" ", "")]
    if any(n.encode() in content for n in needles):
        return True
    if path.suffix == ".pdf":
        text = squash(pdf_text(path))
        return any(squash(n) in text for n in needles)
    return False


@requires_tex
def test_private_details_are_in_local_builds_and_in_no_release_asset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cvpress.cli import main

    variants = private_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["build", "--variants", str(variants), "--out", "build"]) == 0
    err = capsys.readouterr().err
    assert "merged private details from data/private.yaml" in err
    assert leaked(tmp_path / "build" / "cv.pdf")
    assert not leaked(tmp_path / "build" / "web.pdf")  # private: false
    # The release, from the same build folder (its caches must not hand back the local PDF):
    code = main(["release", "--tag", "v1.0.0", "--out", "dist", "--variants", str(variants)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "merged private details" not in err
    assets = sorted((tmp_path / "dist").iterdir())
    assert {p.suffix for p in assets} >= {".pdf", ".png", ".md", ""}
    assert [p.name for p in assets if leaked(p)] == []
    # --private asks for them explicitly.
    code = main(["release", "--tag", "v1.0.0", "--out", "dist", "--private", "--no-png"])
    assert code == 0, capsys.readouterr().err
    assert any(leaked(p) for p in (tmp_path / "dist").glob("*_cv.pdf"))


def test_validate_warns_about_a_committed_private_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cvpress.cli import main

    variants = private_repo(tmp_path)
    data = variants.parent / "resume.yaml"
    assert main(["validate", str(data), "--variants", str(variants)]) == 0
    assert "warning" not in capsys.readouterr().err
    git(tmp_path, "add", "-f", "data/private.yaml")
    assert main(["validate", str(data), "--variants", str(variants)]) == 0
    assert "is tracked by git" in capsys.readouterr().err


def test_a_named_private_file_must_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``private: "no"`` (a quoted word, not false) names a file: a clear error, not silence."""
    from cvpress.cli import main

    variants = private_repo(tmp_path)
    variants.write_text('variants:\n  cv: {private: "no"}\n', encoding="utf-8")
    assert main(["build", "--variants", str(variants), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "private file not found" in err and "data/no" in err
