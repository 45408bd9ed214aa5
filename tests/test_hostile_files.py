"""Hostile files and documents: only regular files are read, bounded; nothing leaks or hangs.

Issue 13's families "unbounded reads and hangs", "data from outside the
project quoted in messages" and "messages that mislead": every command that
reads a data file (validate, build --data, build through a variants file,
export) is run for real, as a subprocess with a timeout, on FIFOs, devices,
directories, sockets, symlinks, oversized files and documents that YAML or
JSON let through but that cannot be a résumé.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FULL, requires_tex
from cvpress.data import load
from cvpress.data.files import MAX_FILE_BYTES
from cvpress.errors import InputError
from cvpress.pipeline.check import read_pdf
from harden_support import cvpress

GOOD = "basics:\n  name: Ada Lovelace\n  summary: Engineer.\n"


# ----------------------------------------------------------------- file kinds


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _dev_null(path: Path) -> None:
    path.symlink_to("/dev/null")


def _directory(path: Path) -> None:
    path.mkdir()


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))  # left bound: the file stays a socket for the test's life


def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere.yaml")


def _oversized(path: Path) -> None:
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")


KINDS: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (_fifo, "named pipe (FIFO)"),
    "/dev/zero": (_dev_zero, "character device"),
    "/dev/null": (_dev_null, "character device"),
    "directory": (_directory, "directory"),
    "socket": (_socket, "cannot read"),
    "dangling symlink": (_dangling, "file not found"),
    "oversized": (_oversized, "more than the limit"),
}

COMMANDS = {
    "validate": lambda name: ("validate", name),
    "build --data": lambda name: ("build", "--data", name, "--template", "classic", "--out", "o"),
    "export": lambda name: ("export", "--format", "text", "--data", name),
    "build variants": lambda name: ("build", "--variants", "variants.yaml", "--out", "o"),
}


@settings(
    max_examples=28 if FULL else 10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(kind=st.sampled_from(sorted(KINDS)), command=st.sampled_from(sorted(COMMANDS)))
def test_only_regular_files_are_read(
    tmp_path_factory: pytest.TempPathFactory, kind: str, command: str
) -> None:
    """Any command on any file kind: a clear error (exit 2) saying what the file is; no hang."""
    folder = tmp_path_factory.mktemp("kind")
    make, expected = KINDS[kind]
    make(folder / "resume.yaml")
    if (kind, command) == ("directory", "build --data"):
        expected = "no .yaml, .yml or .json files in the folder"  # a folder is a batch
    (folder / "variants.yaml").write_text("variants:\n  cv: {template: classic}\n", "utf-8")
    done = cvpress(*COMMANDS[command]("resume.yaml"), cwd=folder, timeout=60)
    assert done.returncode == 2, (kind, command, done.stderr)
    assert expected in done.stderr, (kind, command, done.stderr)
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


def test_size_limit_is_exact(tmp_path: Path) -> None:
    at_limit = tmp_path / "limit.yaml"
    at_limit.write_bytes(GOOD.encode() + b"#" * (MAX_FILE_BYTES - len(GOOD)))
    assert load.load(at_limit).data["basics"]["name"] == "Ada Lovelace"
    over = tmp_path / "over.yaml"
    over.write_bytes(at_limit.read_bytes() + b"#")
    with pytest.raises(InputError, match="more than the limit"):
        load.load(over)


# ---------------------------------------------------------------- quoting


SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _project(tmp_path: Path, data_line: str = "") -> Path:
    (tmp_path / "data").mkdir(parents=True)
    (tmp_path / "data" / "variants.yaml").write_text(
        f"variants:\n  cv:\n    template: classic\n{data_line}", "utf-8"
    )
    return tmp_path


def _credentials(tmp_path: Path) -> Path:
    secret = tmp_path / "credentials"
    secret.write_text(
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        f"aws_secret_access_key: {SECRET}: x\n",
        "utf-8",
    )
    return secret


@pytest.mark.parametrize("command", ["build", "export"])
def test_data_outside_the_project_is_never_quoted(tmp_path: Path, command: str) -> None:
    secret = _credentials(tmp_path)
    project = _project(tmp_path / "p", f"    data: {secret}\n")
    args = (
        ("build", "--variants", "data/variants.yaml", "--out", "b")
        if command == "build"
        else ("export", "--format", "text", "--variant", "cv", "--variants", "data/variants.yaml")
    )
    done = cvpress(*args, cwd=project)
    assert done.returncode == 2, done.stderr
    assert str(secret) in done.stderr  # the place is said...
    assert SECRET not in done.stderr and "AKIA" not in done.stderr  # ...its lines are not


def test_symlink_out_of_the_project_is_not_quoted(tmp_path: Path) -> None:
    secret = _credentials(tmp_path)
    project = _project(tmp_path / "p")
    (project / "data" / "resume.yaml").symlink_to(secret)
    for args in (("build", "--variants", "data/variants.yaml", "--out", "b"), ("validate",)):
        done = cvpress(*args, cwd=project)
        assert done.returncode == 2, done.stderr
        assert SECRET not in done.stderr and "AKIA" not in done.stderr, args


def test_data_inside_the_project_is_quoted_one_line(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "data" / "resume.yaml").write_text(
        "basics:\n  name: Ada\n  label: [not, text]\n  summary: secret-next-line\n", "utf-8"
    )
    done = cvpress("build", "--variants", "data/variants.yaml", "--out", "b", cwd=project)
    assert done.returncode == 2
    assert "     3 |   label: [not, text]" in done.stderr
    assert "secret-next-line" not in done.stderr  # only the offending line


def test_file_named_with_data_is_quoted(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("basics:\n  name: Ada\n  label: [nope]\n", "utf-8")
    done = cvpress("build", "--data", "r.yaml", "--template", "classic", "--out", "o", cwd=tmp_path)
    assert done.returncode == 2
    assert "|   label: [nope]" in done.stderr


# ------------------------------------------------------- documents that mislead


def _error(text: str, name: str = "r.yaml") -> InputError:
    with pytest.raises(InputError) as caught:
        load.loads(text, name, json_syntax=name.endswith(".json"))
    return caught.value


def test_nul_byte_is_reported_at_file_line_column() -> None:
    error = _error("basics:\n  name: Ada\n  summary: ab\0cd\n")
    assert str(error.location) == "r.yaml:3:14"
    assert "U+0000" in error.message


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x1b", "\x7f", "\ufffe"])
def test_other_control_characters_too(char: str) -> None:
    error = _error(f"a: x{char}y\n")
    assert (error.location.line, error.location.column) == (1, 5) if error.location else False
    assert f"U+{ord(char):04X}" in error.message


@pytest.mark.parametrize("command", ["validate", "build", "export"])
@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\ude00\\ud83d"])
def test_lone_surrogate_is_a_clear_error(tmp_path: Path, command: str, escape: str) -> None:
    (tmp_path / "r.json").write_text('{"basics": {"name": "A' + escape + '"}}', "utf-8")
    args = {
        "validate": ("validate", "r.json"),
        "build": ("build", "--data", "r.json", "--template", "classic", "--out", "o"),
        "export": ("export", "--format", "jsonresume", "--data", "r.json"),
    }[command]
    done = cvpress(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "r.json:1:21: basics.name:" in done.stderr
    assert "surrogate" in done.stderr and "internal error" not in done.stderr


def test_surrogate_pair_is_one_character() -> None:
    loaded = load.loads('{"a": "\\ud83d\\ude00"}', "r.json", json_syntax=True)
    assert loaded.data == {"a": "😀"}


def test_lone_surrogate_in_yaml_escape() -> None:
    error = _error('a: "x\\ud800"\n')  # refused by the parser itself
    assert "invalid Unicode character escape" in error.message
    assert error.location is not None and error.location.line == 1


def test_merge_key_overridden_as_the_spec_says() -> None:
    text = (
        "base: &base {name: Acme, position: Engineer, url: https://a.example}\n"
        "other: &other {position: Lead, location: Remote}\n"
        "work:\n"
        "  - <<: *base\n"
        "    position: CTO\n"
        "  - <<: [*other, *base]\n"
    )
    data = load.loads(text).data
    assert data["work"][0] == {"position": "CTO", "name": "Acme", "url": "https://a.example"}
    # Of several merged mappings the first that has a key gives it.
    assert data["work"][1] == {
        "position": "Lead",
        "location": "Remote",
        "name": "Acme",
        "url": "https://a.example",
    }


@pytest.mark.parametrize("value", ["a string", "[a, b]", "[*base, text]", "!!str x", "~", "*list"])
def test_merge_key_with_a_non_mapping_is_refused(value: str) -> None:
    text = f"base: &base {{name: A}}\nlist: &list [1]\nwork:\n  - <<: {value}\n    name: Q\n"
    error = _error(text)
    assert "merge key '<<'" in error.message
    assert error.location is not None and error.location.line == 4


def test_quoted_merge_key_is_a_plain_key() -> None:
    assert load.loads('"<<": text\n').data == {"<<": "text"}


def test_explicit_duplicate_still_refused_beside_a_merge() -> None:
    error = _error("base: &b {a: 1}\nx:\n  <<: *b\n  c: 2\n  c: 3\n")
    assert "duplicate key 'c'" in error.message


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object/apply:os.system {args: [ls]}\n", "!!python/object/apply:os.system"),
        ("a: !!python/object/apply:os.system [ls]\n", "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system x\n", "!!python/name:os.system"),
        ("a: !!binary aGVsbG8=\n", "!!binary"),
        ("a: !!int 0123\n", "!!int"),
        ("a: !!float 3.50\n", "!!float"),
        ("a: !!timestamp 2024-09-01\n", "!!timestamp"),
        ("a: !!omap [{a: 1}]\n", "!!omap"),
        ("a: !custom {b: c}\n", "!custom"),
        ("a: !!str [x]\n", "!!str"),
    ],
)
def test_unknown_tags_refused_by_name(text: str, tag: str) -> None:
    error = _error(text)
    assert error.message == f"unsupported YAML tag {tag}"
    assert error.location is not None and error.location.line == 1


def test_set_tag_hint_says_write_a_list() -> None:
    error = _error("skills:\n  - keywords: !!set {Spark: null, Go: null}\n")
    assert error.message == "unsupported YAML tag !!set"
    assert error.hint is not None and "list" in error.hint and "None" not in error.hint


def test_str_tag_is_text() -> None:
    assert load.loads("a: !!str 0123\n").data == {"a": "0123"}


# --------------------------------------------------------- nested emphasis


def _nested(depth: int) -> str:
    return "*a " * depth + "x" + "*" * depth


def test_thousand_deep_emphasis_is_refused_before_tex(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(f"basics:\n  name: A\n  summary: '{_nested(1000)}'\n", "utf-8")
    done = cvpress("validate", "r.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert "r.yaml:3:12: basics.summary: nests emphasis or links 1000 levels deep" in done.stderr
    done = cvpress("build", "--data", "r.yaml", "--template", "classic", "--out", "o", cwd=tmp_path)
    assert done.returncode == 2 and "1000 levels deep" in done.stderr
    assert not (tmp_path / "o" / "classic.failed.log").exists()  # TeX never ran


@settings(max_examples=60 if FULL else 20, deadline=None)
@given(st.integers(min_value=11, max_value=1200), st.sampled_from(["*a ", "_b ", "**c ", "*_d "]))
def test_any_nesting_past_the_limit_is_refused(depth: int, opener: str) -> None:
    closer = opener.strip()[::-1]
    text = opener * depth + "x" + closer * depth
    if len(text) > 5000:
        return
    from cvpress.data import markup, validate

    if markup.nesting(text) <= markup.MAX_NESTING:
        return
    with pytest.raises(InputError, match="levels deep"):
        validate.resume(load.loads(f"basics:\n  name: A\n  summary: '{text}'\n"))


@requires_tex
def test_emphasis_at_the_limit_builds(tmp_path: Path) -> None:
    from cvpress.data import markup

    text = _nested(markup.MAX_NESTING)
    assert markup.nesting(text) == markup.MAX_NESTING
    (tmp_path / "r.yaml").write_text(f"basics:\n  name: A\n  summary: '{text}'\n", "utf-8")
    done = cvpress("build", "--data", "r.yaml", "--template", "classic", "--out", "o", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = read_pdf((tmp_path / "o" / "classic.pdf").read_bytes()).text
    assert "aaaaaaaaaax" in "".join(text.split())


def test_no_leftover_fifo_writer(tmp_path: Path) -> None:
    """Opening a FIFO without blocking must not leave it open: a writer sees no reader."""
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO"):
        load.load(fifo)
    with pytest.raises(OSError):  # ENXIO: nobody has it open for reading
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    shutil.rmtree(tmp_path, ignore_errors=True)


# ------------------------------------------------ a sandbox-blocked \input


def test_emergency_stop_reports_its_reason() -> None:
    from cvpress.engine.log import parse_log

    log = (
        "! LaTeX Error: File `/etc/hostname.tex' not found.\n\n"
        "Enter file name: \n./cv.tex:196: Emergency stop.\n<read *> \n\n"
        "l.196 \\input{/etc/hostname}\n"
        "./cv.tex:196:  ==> Fatal error occurred, no output PDF file produced!\n"
    )
    first = parse_log(log)[0]
    assert (first.message, first.line) == ("LaTeX Error: File `/etc/hostname.tex' not found.", 196)


@requires_tex
@pytest.mark.parametrize("engine", ["pdflatex", "xelatex", "lualatex"])
def test_blocked_absolute_input_says_file_not_found(tmp_path: Path, engine: str) -> None:
    from cvpress.tex import templates

    if shutil.which(engine) is None:
        pytest.skip(f"{engine} not installed")
    shutil.copytree(templates.BUNDLED / "classic", tmp_path / "latex" / "evil")
    template = tmp_path / "latex" / "evil" / templates.TEMPLATE_FILE
    text = template.read_text("utf-8")
    anchor = "<% block style %>\n"
    template.write_text(text.replace(anchor, anchor + "\\input{/etc/hostname}\n", 1), "utf-8")
    (tmp_path / "r.yaml").write_text(GOOD, "utf-8")
    done = cvpress(
        "build",
        "--data",
        "r.yaml",
        "--template",
        "evil",
        "--engine",
        engine,
        "--out",
        "o",
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr
    assert "File `/etc/hostname.tex' not found" in done.stderr
    assert "Emergency stop" not in done.stderr
    assert "latex/evil/template.tex.j2:" in done.stderr
    assert (tmp_path / "o" / "evil.failed.log").exists()


@pytest.mark.parametrize(
    "text",
    ["<b>" * 300 + "x" + "</b>" * 300, "<em><a href='https://a.example'>" * 100 + "x"],
)
def test_deep_inline_html_is_refused_too(text: str) -> None:
    """The inline HTML read as Markdown nests in LaTeX the same way: it counts the same."""
    from cvpress.data import validate

    with pytest.raises(InputError, match="levels deep"):
        validate.resume(load.loads(f'basics:\n  name: A\n  summary: "{text}"\n'))
