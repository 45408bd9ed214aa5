"""``template.yaml``: read like the person's data, every mistake refused at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cvpress
from cvpress.errors import InputError
from cvpress.tex import templates


def _manifest(tmp_path: Path, text: str) -> templates.Manifest:
    folder = tmp_path / "latex" / "mine"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.yaml").write_text(text, encoding="utf-8")
    return templates.manifest(folder)


def test_every_bundled_manifest_is_valid() -> None:
    for name, folder in templates.available().items():
        found = templates.manifest(folder)
        assert found.description, name
        assert found.photo in ("round", "square")


def test_values_are_read_as_written(tmp_path: Path) -> None:
    found = _manifest(
        tmp_path,
        "description: yes\nengines: [xelatex, lualatex]\nomits: [education.courses]\n"
        "photo: round\nfonts: {body: [Georgia, serif]}\n",
    )
    assert found.description == "yes"  # plain scalars are text, as in the data
    assert found.engines == ("xelatex", "lualatex")
    assert found.omits == frozenset({"education.courses"})
    assert found.photo == "round"
    assert found.fonts == {"body": ["Georgia", "serif"]}
    assert found.fonts_at is not None and found.fonts_at.line == 5


def test_no_manifest_means_the_defaults(tmp_path: Path) -> None:
    assert templates.manifest(tmp_path) == templates.Manifest()


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("description: [unclosed\n", 2, 1, "expected"),
        ("description: fine\nengine: [xelatex]\n", 2, 1, "no key 'engine'"),
        ("descripton: typo\n", 1, 1, "did you mean 'description'?"),
        ("engines: xelatex\n", 1, 10, "must be a list of engine names"),
        ("engines: [xelatex, luatex]\n", 1, 20, "does not know: 'luatex'"),
        ("omits: education.courses\n", 1, 8, "must be a list of field paths"),
        ("photo: circle\n", 1, 8, "must be round or square"),
        ("description: {a: b}\n", 1, 14, "must be a line of text"),
        ("- a list\n", 1, 1, "must be a mapping"),
    ],
)
def test_a_mistake_is_refused_at_its_line(
    tmp_path: Path, text: str, line: int, column: int, words: str
) -> None:
    with pytest.raises(InputError) as raised:
        _manifest(tmp_path, text)
    error = raised.value
    assert words in f"{error} {error.hint}"
    assert error.location is not None
    assert (error.location.line, error.location.column) == (line, column)
    assert error.location.file.endswith("template.yaml")


def test_the_command_line_says_where_without_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "latex" / "mine"
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text("description: fine\nphoto: oval\n", encoding="utf-8")
    (folder / "template.tex.j2").write_text("", encoding="utf-8")
    result = run_cvpress("templates", cwd=tmp_path)
    assert result.returncode == 2
    assert "template.yaml:2:8" in result.stderr
    assert "round or square" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_font_list_is_refused_where_fonts_is_written(tmp_path: Path) -> None:
    from cvpress.data.variants import Variant
    from cvpress.outputs.look import look

    _manifest(tmp_path, "description: fine\nfonts:\n  body: [Georgia]\n")
    (tmp_path / "latex" / "mine" / "template.tex.j2").write_text("", encoding="utf-8")
    variant = Variant(name="v", template="mine")  # type: ignore[arg-type]
    with pytest.raises(InputError) as raised:
        look(variant, [tmp_path / "latex"])
    assert raised.value.field_path == "fonts.body"
    assert raised.value.location is not None and raised.value.location.line == 3
