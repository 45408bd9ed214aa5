"""Private details: merged over the data for local builds, kept out of releases, audited."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cvpress.data import load, validate
from cvpress.data import private
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
    data = project(tmp_path, "basics:\n  email: not-an-address\n")
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
