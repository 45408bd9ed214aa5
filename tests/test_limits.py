"""Documented limits: beyond each, a clear InputError (no TeX, no traceback).

Limits (README "Security"): file size ``load.MAX_FILE_BYTES``, values after
alias expansion ``load.MAX_NODES``, nesting ``load.MAX_DEPTH``, one-line
fields ``model.MAX_LINE``, free text ``model.MAX_TEXT``, URLs
``model.MAX_URL``, list length ``model.MAX_ITEMS``. No test asserts on time;
the billion-laughs timing is printed (``-s``) and reported in the README.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cvpress
from cvpress.data import load, validate
from cvpress.data.load import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from cvpress.data.types import MAX_ITEMS, MAX_LINE, MAX_TEXT, MAX_URL
from cvpress.errors import InputError

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


def _validate(data: Any, tmp_path: Path) -> None:
    path = tmp_path / "cv.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    validate.resume(load.load(path))


def _problem(exc: pytest.ExceptionInfo[InputError]) -> tuple[str, str]:
    problem = exc.value.problems[0]
    return problem.field_path or "", problem.message


def test_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(InputError, match="more than the limit of 1,000,000"):
        load.load(path)


def test_endless_file_is_refused_unread() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with pytest.raises(InputError, match="not a regular file"):
        load.load("/dev/zero")


def test_billion_laughs_is_refused_fast(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.perf_counter()
    with pytest.raises(InputError, match=f"more than {MAX_NODES:,} values") as exc:
        load.loads(BILLION_LAUGHS, "laughs.yaml")
    elapsed = time.perf_counter() - started
    assert exc.value.location is not None and exc.value.location.line is not None
    assert "alias" in (exc.value.hint or "")
    with capsys.disabled():
        print(f"\n[limits] billion laughs (9^9 values) refused in {elapsed * 1000:.2f} ms")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000, "nesting deeper than"),  # segfaulted libyaml's composer before
        ("a:\n" + "".join(" " * (2 * i) + f"k{i}:\n" for i in range(1, 60)), "nesting deeper"),
        ("a: &a [*a]\n", "contains it"),
        ("a: &a {<<: *a}\n", "contains it"),
        ("a: [" + ", ".join(["x"] * (MAX_NODES + 1)) + "]", f"more than {MAX_NODES:,}"),
    ],
    ids=["flow-depth", "block-depth", "recursive-alias", "recursive-merge", "too-many-values"],
)
def test_structure_limits(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load.loads(text, "cv.yaml")
    assert MAX_DEPTH < 100


def test_deep_json_is_refused() -> None:
    with pytest.raises(InputError, match="nesting deeper"):
        load.loads("[" * 100_000 + "]" * 100_000, "cv.json", json_syntax=True)


@pytest.mark.parametrize(
    ("data", "field", "limit"),
    [
        ({"basics": {"name": "x" * (MAX_LINE + 1)}}, "basics.name", MAX_LINE),
        ({"basics": {"name": "x", "summary": "y" * (MAX_TEXT + 1)}}, "basics.summary", MAX_TEXT),
        (
            {"basics": {"name": "x", "url": "https://example.com/" + "p" * MAX_URL}},
            "basics.url",
            MAX_URL,
        ),
    ],
    ids=["line", "text", "url"],
)
def test_field_length_limits(data: Any, field: str, limit: int, tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        _validate(data, tmp_path)
    path, message = _problem(exc)
    assert path == field
    assert f"limit of {limit}" in message


def test_at_the_limit_is_accepted(tmp_path: Path) -> None:
    _validate(
        {
            "basics": {"name": "x" * MAX_LINE, "summary": "y " * (MAX_TEXT // 2)},
            "work": [{"name": "w", "highlights": ["h"] * MAX_ITEMS}],
        },
        tmp_path,
    )


@pytest.mark.parametrize("section", ["work", "skills", "highlights"])
def test_list_length_limit(section: str, tmp_path: Path) -> None:
    many = MAX_ITEMS + 1
    data: dict[str, Any] = {"basics": {"name": "x"}}
    if section == "highlights":
        data["work"] = [{"name": "w", "highlights": ["h"] * many}]
        field = "work[0].highlights"
    else:
        data[section] = [{"name": f"n{i}"} for i in range(many)]
        field = section
    with pytest.raises(InputError) as exc:
        _validate(data, tmp_path)
    path, message = _problem(exc)
    assert path == field, (path, message)
    assert str(MAX_ITEMS) in message


def test_cli_refuses_a_bomb_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    run = run_cvpress("validate", str(path))
    assert run.returncode == 2
    assert "laughs.yaml:" in run.stderr and "more than" in run.stderr
    assert "Traceback" not in run.stderr
