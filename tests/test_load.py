"""load: YAML safely and JSON faithfully, with a position for every field."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FULL
from cvpress.data import load
from cvpress.errors import InputError, Location


def _error(text: str, name: str = "r.yaml") -> InputError:
    with pytest.raises(InputError) as caught:
        load.loads(text, name, json_syntax=name.endswith(".json"))
    return caught.value


def test_positions_of_keys_and_values() -> None:
    loaded = load.loads(
        "basics:\n  name: Ada\nwork:\n  - name: X\n    highlights:\n      - one\n", "r.yaml"
    )
    assert loaded.source.values[("basics", "name")] == Location("r.yaml", 2, 9)
    assert loaded.source.keys[("work", 0, "highlights")] == Location("r.yaml", 5, 5)
    assert loaded.source.locate(("work", 0, "highlights", 0, "text")) == Location("r.yaml", 6, 9)


def test_plain_scalars_stay_as_written() -> None:
    data = load.loads("a: 2024-09-15\nb: 2024\nc: true\nd: null\ne: 1.5\n").data
    assert data == {"a": "2024-09-15", "b": "2024", "c": "true", "d": None, "e": "1.5"}


def test_duplicate_key_in_yaml_and_json() -> None:
    error = _error("basics:\n  name: A\n  name: B\n")
    assert (str(error.location), error.field_path) == ("r.yaml:3:3", "basics.name")
    assert error.message == "duplicate key 'name' (first at line 2)"
    error = _error('{\n  "basics": {"name": "A",\n   "name": "B"}\n}', "r.json")
    assert (str(error.location), error.field_path) == ("r.json:3:4", "basics.name")


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    started = time.process_time()
    error = _error("\n".join(lines) + "\n")
    assert "expands to more than" in error.message
    assert error.hint and "alias bomb" in error.hint
    assert time.process_time() - started < 30  # bounded: 10^9 values never built


def test_json_any_valid_document_loads_with_positions() -> None:
    text = json.dumps(
        {"basics": {"name": "Ada 😀", "url": "https://x.org/a"}}
    )  # \\ud83d\\ude00 escapes
    loaded = load.loads(text, "r.json", json_syntax=True)
    assert loaded.data["basics"]["name"] == "Ada 😀"
    assert loaded.source.values[("basics", "url")] == Location(
        "r.json", 1, text.index('"https') + 1
    )
    tabs = '{\n\t"basics": {\n\t\t"name": "A"\n\t}\n}\n'
    assert load.loads(tabs, "t.json", json_syntax=True).source.keys[("basics", "name")] == Location(
        "t.json", 3, 3
    )


def test_invalid_json_names_line_and_column() -> None:
    error = _error('{"basics": {"name": "A"},}', "r.json")
    # Python 3.13's json names the trailing comma itself; earlier ones the brace after it.
    assert str(error.location) == ("r.json:1:25" if sys.version_info >= (3, 13) else "r.json:1:26")
    assert error.message.startswith("invalid JSON: ")


def test_merge_keys_and_unsupported_tags() -> None:
    data = load.loads("base: &b {city: Paris}\nplace:\n  <<: *b\n  region: IDF\n").data
    assert data["place"] == {"city": "Paris", "region": "IDF"}
    assert "unsupported YAML tag" in _error("a: !!python/object:os.system x\n").message


def test_file_problems(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load.load(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="is a directory"):
        load.load(tmp_path)
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("name: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8") as caught:
        load.load(bad)
    assert caught.value.location == Location(str(bad), 1)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (load.MAX_FILE_BYTES + 1))
    with pytest.raises(InputError, match="more than the limit"):
        load.load(big)
    bom = tmp_path / "bom.yaml"
    bom.write_bytes("\ufeffbasics: {name: A}\n".encode())
    assert load.load(bom).data == {"basics": {"name": "A"}}


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300 if FULL else 60, deadline=None)
@given(_json, st.sampled_from([None, 1, "\t"]))
def test_any_json_document_loads_as_json_reads_it(value: object, indent: int | str | None) -> None:
    text = json.dumps(value, indent=indent)
    loaded = load.loads(text, "r.json", json_syntax=True)
    assert loaded.data == json.loads(text)
    for path, where in loaded.source.keys.items():  # every key position points at that key
        assert where.line is not None and where.column is not None
        line = text.splitlines()[where.line - 1]
        assert line[where.column - 1] == '"', (path, line)


def test_json_data_mistakes_are_located() -> None:
    from cvpress.data import validate

    text = (
        '{\n  "basics": {"name": "Ada"},\n  "work": [\n'
        '    {"name": "X", "startDate": "Sept 2024"}\n  ]\n}\n'
    )
    with pytest.raises(InputError) as caught:
        validate.resume(load.loads(text, "r.json", json_syntax=True))
    problem = caught.value.problems[0]
    assert (str(problem.location), problem.field_path) == ("r.json:4:32", "work[0].startDate")
