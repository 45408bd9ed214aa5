"""The command line as a person uses it: both build forms, validate, schema,
templates, export, new; exit codes 0/1/2; no traceback without --debug; and a
failed build never touches the last good PDF."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, pdf_text, requires_tex, run_cvpress, squash
from cvpress import cli, report

SMALL = """\
# yaml-language-server: $schema=../schema/resume.schema.json
basics:
  name: Ada Lovelace
  label: Analyst
work:
  - name: Analytical Engines
    position: Programmer
    startDate: "1842-10"
    endDate: "1843-09"
    highlights:
      - Wrote Note G
"""

BAD_INPUTS = {
    "malformed YAML": (
        'basics:\n  name: "Ada\n',
        "resume.yaml:2:9: a quote opened here is never closed",
    ),
    "duplicate key": (
        "basics:\n  name: Ada\nwork: []\nwork: []\n",
        "resume.yaml:4:1: work: duplicate key 'work' (first at line 3)",
    ),
    "unknown key (a typo)": (
        "basics:\n  name: Ada\nwrok: []\n",
        "resume.yaml:3:1: wrok: unknown key 'wrok'",
    ),
    "bad date": (
        'basics:\n  name: Ada\nwork:\n  - name: X\n    startDate: "Sept 2024"\n',
        "resume.yaml:5:16: work[0].startDate: 'Sept 2024' is not an ISO 8601 date",
    ),
    "bidirectional control": (
        'basics:\n  name: "Ada \u202eecalevol"\n',
        "resume.yaml:2:9: basics.name: contains the bidirectional control U+202E",
    ),
}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real console entry point, as a shell runs it (no colour: piped)."""
    return run_cvpress(*args, cwd=cwd, timeout=120)


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project(SMALL, "variants:\n  cv:\n    template: classic\n")


@requires_tex
def test_bad_input_exits_2_with_location_and_keeps_the_last_pdf(project: Path) -> None:
    first = run("build", cwd=project)
    assert first.returncode == 0, first.stderr
    pdf = project / "build" / "cv.pdf"
    good = pdf.read_bytes()
    data = project / "data" / "resume.yaml"
    for case, (text, expected) in BAD_INPUTS.items():
        data.write_text(text, encoding="utf-8")
        # run from data/: messages name the file as the build found it
        result = run(
            "build", "--variants", "variants.yaml", "--out", "../build", cwd=project / "data"
        )
        assert result.returncode == 2, (case, result.stderr)
        assert expected in result.stderr, (case, result.stderr)
        assert "Traceback" not in result.stderr
        assert pdf.read_bytes() == good, case


@requires_tex
def test_both_build_forms_validate_templates_and_json_resume(project: Path) -> None:
    sample = ROOT / "tests" / "fixtures" / "jsonresume-full.json"
    adhoc = run(
        "build", "--data", str(sample), "--template", "classic", "--out", "out", cwd=project
    )
    assert adhoc.returncode == 0, adhoc.stderr
    text = squash(pdf_text(project / "out" / "classic.pdf"))
    for needle in (
        "Richard Hendriks",
        "Pied Piper",
        "CoderDojo",
        "University of Oklahoma",
        "Techcrunch",
        "Certified Kubernetes Administrator",
        "Video compression for 3d media",
        "Web Development",
        "Native speaker",
        "Wildlife",
        "Erlich Bachman",
        "Miss Direction",
    ):
        assert squash(needle) in text, needle
    assert "x-team-size" in adhoc.stderr  # kept, ignored, and said so
    named = run("build", "--variant", "cv", cwd=project)
    assert named.returncode == 0 and (project / "build" / "cv.pdf").is_file()
    valid = run("validate", cwd=project)
    assert valid.returncode == 0 and "valid (Ada Lovelace" in valid.stdout
    templates = run("templates", cwd=project)
    assert templates.returncode == 0
    assert any(line.split("\t")[0] == "classic" for line in templates.stdout.splitlines())


def test_usage_errors_exit_2_without_traceback(project: Path) -> None:
    for args in (
        ["build", "--data", "x.yaml"],
        ["build", "--variant", "nope"],
        ["frobnicate"],
        ["validate", "missing.yaml"],
    ):
        result = run(*args, cwd=project)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(project: Path) -> None:
    result = run("--debug", "validate", "missing.yaml", cwd=project)
    assert result.returncode != 0 and "Traceback" in result.stderr


@requires_tex
def test_tex_error_in_a_template_exits_1_naming_the_template_line(project: Path) -> None:
    folder = project / "latex" / "broken"
    folder.mkdir(parents=True)
    (folder / "template.tex.j2").write_text(
        "\\documentclass{article}\n\\begin{document}\n<< cv.basics.name >>\n"
        "\\undefinedcommand\n\\end{document}\n",
        encoding="utf-8",
    )
    (project / "data" / "variants.yaml").write_text(
        "variants:\n  cv:\n    template: broken\n", encoding="utf-8"
    )
    result = run("build", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "Undefined control sequence" in result.stderr
    assert "latex/broken/template.tex.j2:4" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "build" / "cv.pdf").exists()


@pytest.mark.tex
def test_jinja_error_names_the_template_file_and_line(project: Path) -> None:
    folder = project / "latex" / "typo"
    folder.mkdir(parents=True)
    (folder / "template.tex.j2").write_text(
        "\\documentclass{article}\n\\begin{document}\n\n<< cv.basics.nmae >>\n\\end{document}\n",
        encoding="utf-8",
    )
    (project / "data" / "variants.yaml").write_text(
        "variants:\n  cv:\n    template: typo\n", encoding="utf-8"
    )
    result = run("build", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "typo/template.tex.j2:4" in result.stderr
    assert "nmae" in result.stderr
    assert "Traceback" not in result.stderr
    (folder / "template.tex.j2").write_text(
        "\\documentclass{article}\n<% if %>\n", encoding="utf-8"
    )
    result = run("build", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "latex/typo/template.tex.j2:2: template error: Expected an expression" in result.stderr
    assert "internal error" not in result.stderr


@requires_tex
def test_new_writes_a_commented_starter_that_builds(tmp_path: Path) -> None:
    made = run("new", "my-cv", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    resume = (tmp_path / "my-cv" / "data" / "resume.yaml").read_text(encoding="utf-8")
    assert resume.startswith("# yaml-language-server: $schema=../schema/resume.schema.json\n")
    assert (tmp_path / "my-cv" / "schema" / "resume.schema.json").is_file()
    commented = [
        line for line in resume.splitlines() if ":" in line and not line.lstrip().startswith("#")
    ]
    assert sum("#" in line for line in commented) >= len(commented) // 2  # most fields explained
    built = run("build", cwd=tmp_path / "my-cv")
    assert built.returncode == 0, built.stderr
    assert "Ada Lovelace" in pdf_text(tmp_path / "my-cv" / "build" / "cv.pdf")
    again = run("new", "my-cv", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_print_problem_windows_very_long_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from cvpress.errors import Location, Problem

    path = tmp_path / "min.json"
    path.write_text('{"a": "' + "x" * 500 + '", "bad": 1}', encoding="utf-8")
    import io

    out = io.StringIO()
    report.print_problem(
        Problem("bad", location=Location(str(path), 1, 511, quote=True), field_path="bad"), out
    )
    lines = out.getvalue().splitlines()
    assert all(len(line) < 120 for line in lines)
    caret = lines[2].index("^")
    assert lines[1][caret] == '"' and lines[1][caret + 1 : caret + 4] == "bad"


@pytest.mark.parametrize(
    ("argv", "collects"),
    [
        (["build"], False),
        (["validate"], False),
        (["watch"], True),
        (["build", "--data", "resume.yaml", "--template", "classic"], True),
    ],
)
def test_the_executable_pauses_the_collector_only_for_bounded_commands(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], collects: bool
) -> None:
    seen: list[bool] = []

    def dispatch(parser: object, args: object) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(cli, "_dispatch", dispatch)
    monkeypatch.setattr(sys, "argv", ["cvpress", *argv])
    try:
        with pytest.raises(SystemExit) as info:
            cli.entry()
        assert info.value.code == 0
        assert gc.get_freeze_count() > 0, "shutdown would walk every object again"
    finally:
        gc.unfreeze()
        gc.enable()
    assert seen == [collects]


def test_main_in_process_leaves_the_collector_alone(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = gc.get_freeze_count()
    monkeypatch.chdir(project)
    assert cli.main(["templates"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen


@pytest.mark.parametrize("command", [["build"], ["validate"], ["build", "--data", "x.yaml"]])
def test_a_deleted_working_folder_is_bad_input_not_an_internal_error(
    tmp_path: Path, command: list[str]
) -> None:
    """The shell's folder was removed under it: exit 2 with what to do, no traceback."""
    gone = tmp_path / "project"
    gone.mkdir()
    script = 'cd "$1" && rmdir "$1" && shift && exec "$@"'
    argv = [sys.executable, "-m", "cvpress", *command]
    result = subprocess.run(
        ["/bin/sh", "-c", script, "sh", str(gone), *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "CVPRESS_SERVER": "off"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "the current folder no longer exists" in result.stderr
    assert "cd into your project again" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
