"""Ten realistic mistakes a person makes by hand, each with its exact message.

Each case is what `cvpress validate` prints (NO_COLOR): the location and
field path, the message, the quoted line with a caret, and a one-line hint.
The messages are the product here, so they are checked character for character.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, FULL, requires_tex
from cvpress import cli, report

HEAD = "basics:\n  name: Ada Lovelace\n"
WORK = HEAD + "work:\n  - name: Analytical Engines\n"

CASES: dict[str, tuple[str, str]] = {
    "tab": (
        HEAD + "\tlabel: Engineer\n",
        """\
resume.yaml:3:1: a tab is used for indentation; YAML allows only spaces
     3 |  label: Engineer
       | ^
  hint: replace the tab at the start of this line with spaces
""",
    ),
    "month-name date": (
        WORK + "    startDate: Sept 2024\n",
        """\
resume.yaml:5:16: work[0].startDate: 'Sept 2024' is not an ISO 8601 date
     5 |     startDate: Sept 2024
       |                ^
  hint: write it as "2024-09" (dates are ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD)
""",
    ),
    "missing dash": (
        WORK + "    highlights:\n      - Built the first program\n      Wrote the notes\n",
        """\
resume.yaml:7:7: this line is neither a 'key: value' pair nor a list item
     7 |       Wrote the notes
       |       ^
  hint: a list item needs a dash: write '- Wrote the notes'
""",
    ),
    "misspelt highlights": (
        WORK + "    hightlights:\n      - Built the first program\n",
        """\
resume.yaml:5:5: work[0].hightlights: unknown key 'hightlights'
     5 |     hightlights:
       |     ^
  hint: did you mean 'highlights'?
""",
    ),
    "unquoted colon in a bullet": (
        WORK + "    highlights:\n      - Result: programs 20% faster\n",
        """\
resume.yaml:6:9: work[0].highlights[0]: this bullet was read as a 'key: value' pair because it contains ': '
     6 |       - Result: programs 20% faster
       |         ^
  hint: put the whole text in quotes: - "Result: programs 20% faster"
""",  # noqa: E501
    ),
    "wrong indentation": (
        WORK + "   position: Engineer\n",
        """\
resume.yaml:5:4: this line's indentation does not match the lines around it
     5 |    position: Engineer
       |    ^
  hint: start it in column 5, like the line above: the keys of one mapping and the items of one list must line up
""",  # noqa: E501
    ),
    "text where a list is expected": (
        WORK + "    highlights: Built the first program\n",
        """\
resume.yaml:5:17: work[0].highlights: expected a list, got text
     5 |     highlights: Built the first program
       |                 ^
  hint: put each item on its own line under 'highlights:', starting with '- ' (e.g. '  - Built the first program')
""",  # noqa: E501
    ),
    "duplicate key": (
        HEAD + "  name: Augusta Ada King\n",
        """\
resume.yaml:3:3: basics.name: duplicate key 'name' (first at line 2)
     3 |   name: Augusta Ada King
       |   ^
  hint: YAML keeps only the last of two equal keys, so one would be lost; remove or merge one
""",
    ),
    "present spelled differently": (
        WORK + '    startDate: "2024-09"\n    endDate: Present day\n',
        """\
resume.yaml:6:14: work[0].endDate: 'Present day' is not an ISO 8601 date
     6 |     endDate: Present day
       |              ^
  hint: for an ongoing entry write endDate: present, or leave endDate out
""",
    ),
    "star instead of a dash": (
        WORK + "    highlights:\n      * Built the first program\n",
        """\
resume.yaml:6:8: '*' does not start a list item in YAML (it starts an alias)
     6 |       * Built the first program
       |        ^
  hint: write '- Built the first program'
""",
    ),
    "a value starting with @": (
        HEAD + "  label: @ada\n",
        """\
resume.yaml:3:10: '@' cannot start a value in YAML
     3 |   label: @ada
       |          ^
  hint: put the text in quotes: label: "@ada"
""",
    ),
    "quotes inside double quotes": (
        HEAD + '  summary: "She said "hi" twice"\n',
        """\
resume.yaml:3:23: the text goes on after its closing quote
     3 |   summary: "She said "hi" twice"
       |                       ^
  hint: quote the whole text with the other kind of quote ('He said "hi"'), or escape inner double quotes as \\"
""",  # noqa: E501
    ),
    "an entry without its dash": (
        HEAD + "work:\n  name: Analytical Engines\n",
        """\
resume.yaml:4:3: work: expected a list, got a mapping (key: value lines)
     4 |   name: Analytical Engines
       |   ^
  hint: each entry starts with '- ': write '  - name: Analytical Engines' and indent the entry's other keys to line up with it
""",  # noqa: E501
    ),
    "unquoted colon in a summary": (
        HEAD + "  summary: Focus: compilers\n",
        """\
resume.yaml:3:17: a second ': ' on this line makes the text look like a new key
     3 |   summary: Focus: compilers
       |                 ^
  hint: put the whole text in quotes: summary: "Focus: compilers"
""",
    ),
}


#: What JSON Resume allows but cvpress doubts (cvpress.data.compat): a warning
#: with the fix, or with --strict the same finding as an error.
DOUBTS: dict[str, tuple[str, str]] = {
    "URL without scheme": (
        HEAD + "  url: adalovelace.org/about\n",
        """\
resume.yaml:3:8: basics.url: 'adalovelace.org/about' has no scheme
     3 |   url: adalovelace.org/about
       |        ^
  hint: write the full address: https://adalovelace.org/about
""",
    ),
    "e-mail without @": (
        HEAD + "  email: ada.lovelace.example.com\n",
        """\
resume.yaml:3:10: basics.email: 'ada.lovelace.example.com' is not an e-mail address
     3 |   email: ada.lovelace.example.com
       |          ^
  hint: an address looks like name@example.com
""",
    ),
    "endDate before startDate": (
        WORK + '    startDate: "2024-09"\n    endDate: "2023-01"\n',
        """\
resume.yaml:6:14: work[0].endDate: endDate 2023-01 is before startDate 2024-09
     6 |     endDate: "2023-01"
       |              ^
  hint: swap the two dates, or fix the year
""",
    ),
}


def _validate(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    *options: str,
) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    (tmp_path / "resume.yaml").write_text(text, encoding="utf-8")
    code = cli.main(["validate", *options, "resume.yaml"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", list(CASES))
def test_mistake_has_exact_message(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = CASES[case]
    code, err = _validate(tmp_path, monkeypatch, capsys, text)
    assert code == 2
    assert err == expected


@pytest.mark.parametrize("case", list(DOUBTS))
def test_doubt_is_a_warning_and_an_error_with_strict(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = DOUBTS[case]
    code, err = _validate(tmp_path, monkeypatch, capsys, text, "--strict")
    assert (code, err) == (2, expected)
    code, err = _validate(tmp_path, monkeypatch, capsys, text)
    head = expected.split("\n", 1)[0]
    where, _, message = head.partition(": ")
    field, _, what = message.partition(": ")
    assert code == 0
    assert err.startswith(f"{where}: {field}: warning: {what}: "), err
    assert "printed as written" in err.split("\n", 1)[0], err
    assert err.endswith(expected.split("\n", 1)[1]), err


def test_all_problems_at_once_sorted_with_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "basics:\n"
        "  name: Ada Lovelace\n"
        "  email: ada\n"
        "  pronouns: she/her\n"  # unknown, not a typo: kept, warned, also beside errors
        "work:\n"
        "  - name: Analytical Engines\n"
        "    startDate: March 2023\n"
        "    hightlights: []\n"
    )
    code, err = _validate(tmp_path, monkeypatch, capsys, text)
    assert code == 2
    heads = [line for line in err.splitlines() if line.startswith("resume.yaml:")]
    assert heads == [
        # (the e-mail's doubt is found on a valid résumé only: see test_doubt_...)
        "resume.yaml:4:3: basics.pronouns: warning: unknown key 'pronouns' is kept but not printed",
        "resume.yaml:7:16: work[0].startDate: 'March 2023' is not an ISO 8601 date",
        "resume.yaml:8:5: work[0].hightlights: unknown key 'hightlights'",
    ]
    assert 'hint: write it as "2023-03"' in err
    assert err.count("hint:") == 3


def test_wrong_type_names_the_expected_type_with_an_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = WORK + "    position:\n      - Engineer\n"
    code, err = _validate(tmp_path, monkeypatch, capsys, text)
    assert code == 2
    assert "resume.yaml:6:7: work[0].position: expected text, got a list" in err
    text = "basics:\n  location: Paris\n"
    code, err = _validate(tmp_path, monkeypatch, capsys, text)
    assert "basics.location: expected a mapping of 'key: value' lines, got text" in err
    assert "e.g. location: " in err


def test_unknown_key_is_only_a_warning_when_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _validate(tmp_path, monkeypatch, capsys, HEAD + "  pronouns: she/her\n")
    assert code == 0
    assert (
        "resume.yaml:3:3: basics.pronouns: warning: unknown key 'pronouns' is kept but not printed"
        in err
    )


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from cvpress.errors import Location, Problem

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    problem = Problem(
        "bad", location=Location("nowhere.yaml", 1, 1), field_path="basics.name", hint="fix"
    )
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    tty, pipe = Tty(), io.StringIO()
    report.print_problem(problem, tty)
    report.print_problem(problem, pipe)
    assert "\033[" in tty.getvalue()
    assert "\033[" not in pipe.getvalue()
    assert pipe.getvalue() == "nowhere.yaml:1:1: basics.name: bad\n  hint: fix\n"
    monkeypatch.setenv("NO_COLOR", "1")
    tty = Tty()
    report.print_problem(problem, tty)
    assert "\033[" not in tty.getvalue()


# ------------------------------------------------------------ TeX errors traced


def _build_failure(
    tmp_path: Path, data: str, template: str | None, exit_code: int = 1, **variant: object
) -> object:
    from cvpress.pipeline import targets

    path = tmp_path / "resume.yaml"
    path.write_text(data, encoding="utf-8")
    paths: tuple[Path, ...] = ()
    name = "classic"
    if template is not None:
        folder = tmp_path / "latex" / "custom"
        folder.mkdir(parents=True)
        (folder / "template.tex.j2").write_text(template, encoding="utf-8")
        paths, name = (tmp_path / "latex",), "custom"
    options = targets.Options(out=tmp_path / "out", force=True, template_paths=paths)
    outcome = targets.build_adhoc([path], name, options, overrides=variant or None)[0]
    assert outcome.status == "failed" and outcome.error is not None
    assert outcome.error.exit_code == exit_code
    assert not (tmp_path / "out" / f"{name}.pdf").exists()
    return outcome.error.problems[0]


@pytest.mark.tex
@pytest.mark.skipif(__import__("shutil").which("pdflatex") is None, reason="needs pdflatex")
def test_tex_error_is_traced_to_the_data_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    template = (
        "\\documentclass{article}\n\\begin{document}\n"
        "<< cv.basics.name >>\\hspace{<< cv.basics.label >>}\n\\end{document}\n"
    )
    problem = _build_failure(tmp_path, HEAD + "  label: wide gap\n", template)
    assert problem.field_path == "basics.label"  # type: ignore[attr-defined]
    assert str(problem.location) == "resume.yaml:3:10"  # type: ignore[attr-defined]
    assert problem.message.endswith("(caused by the text of basics.label)")  # type: ignore[attr-defined]


@pytest.mark.tex
@pytest.mark.skipif(__import__("shutil").which("xelatex") is None, reason="needs xelatex")
def test_missing_glyph_is_traced_to_the_bullet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A character no installed font has is refused before TeX (exit 2), at its bullet."""
    monkeypatch.chdir(tmp_path)
    data = WORK + '    highlights:\n      - Fine\n      - "Glyph \U00013000 here"\n'
    problem = _build_failure(tmp_path, data, None, exit_code=2, engine="xelatex")
    assert problem.field_path == "work[0].highlights[1].text"  # type: ignore[attr-defined]
    assert str(problem.location) == "resume.yaml:7:9"  # type: ignore[attr-defined]
    assert "U+13000" in problem.message  # type: ignore[attr-defined]


def test_template_line_is_found_from_its_literal_text(tmp_path: Path) -> None:
    from cvpress.pipeline.locate import template_line

    template = tmp_path / "t.tex.j2"
    template.write_text(
        "\\section{<< t.work >>}\n\\cventry{<< e.name >>}{<< e | daterange >>}\n\\badmacro{x}\n",
        encoding="utf-8",
    )
    tex = "\\section{Experience}\n\\cventry{Pied Piper}{2014}\n\\badmacro{x}\n"
    assert template_line(tex, 2, [template]) == __import__("cvpress.errors").errors.Location(
        str(template), 2
    )
    assert template_line(tex, 3, [template]).line == 3  # type: ignore[union-attr]
    assert template_line(tex, 9, [template]) is None


def test_variants_file_problems_at_their_own_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    (tmp_path / "resume.yaml").write_text(HEAD, encoding="utf-8")
    (tmp_path / "variants.yaml").write_text(
        "defaults:\n  paper: a5\n"
        "variants:\n  cv:\n    max_page: 1\n"
        "  short:\n    include_tags: ml\n    sections: [summary, wrok]\n",
        encoding="utf-8",
    )
    assert cli.main(["validate", "resume.yaml", "--variants", "variants.yaml"]) == 2
    heads = [
        line for line in capsys.readouterr().err.splitlines() if line.startswith("variants.yaml:")
    ]
    assert heads == [  # the defaults' mistake once, not once per variant; a single tag is fine
        "variants.yaml:2:10: defaults.paper: expected 'a4' or 'letter'",
        "variants.yaml:5:5: variants.cv.max_page: unknown key 'max_page'",
        "variants.yaml:8:25: variants.short.sections[1]: unknown section 'wrok'",
    ]


def test_a_section_named_as_other_formats_do_is_an_error_not_a_silent_drop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _validate(
        tmp_path, monkeypatch, capsys, HEAD + "experience:\n  - name: X\ntalks: []\n"
    )
    assert code == 2
    assert (
        err.splitlines()[0]
        == "resume.yaml:3:1: experience: unknown section 'experience': it would not be printed"
    )
    assert "  hint: JSON Resume calls this section 'work': rename the key" in err
    assert "resume.yaml:5:1: talks: unknown section 'talks'" in err


def test_entry_shapes_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        HEAD + "education:\n  - MIT\nwork:\n  - name: X\n    highlights:\n      - [a, b]\n"
        "skills:\n  - name: ML\n    keywords: PyTorch, JAX\n"
    )
    code, err = _validate(tmp_path, monkeypatch, capsys, text)
    assert code == 2
    lines = [line for line in err.splitlines() if not line.startswith("  ")]
    assert lines == [
        "resume.yaml:4:5: education[0]: expected an entry of 'key: value' lines, got text",
        "resume.yaml:8:9: work[0].highlights[0]: expected the text of a bullet, got a list",
        "resume.yaml:11:15: skills[0].keywords: expected a list, got text",
    ]
    assert "  hint: say what this text is, e.g. '- institution: MIT', then add" in err
    assert "  hint: write it as a list: keywords: [PyTorch, JAX] (or one '- ' item per line)" in err


# ------------------------------------------------------------ every problem located

_VALUE_LINE = re.compile(r"^(\s*(?:-\s+)?[A-Za-z_]+:\s)(.+)$")
_BAD_VALUES = [
    "Sept 2024",
    "[a, b]",
    "{}",
    "ada.example.com",
    "example.com",
    '"2024-13"',
    "- x",
    "\tx",
    "@x",
    "1",
]


@settings(max_examples=200 if FULL else 40, deadline=None)
@given(st.data())
def test_any_mistake_in_the_seed_is_reported_with_line_and_column(data: st.DataObject) -> None:
    from cvpress.data import load, validate
    from cvpress.errors import InputError

    lines = DATA.read_text(encoding="utf-8").splitlines()
    candidates = [i for i, line in enumerate(lines) if _VALUE_LINE.match(line)]
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.sampled_from(candidates))
        match = _VALUE_LINE.match(lines[i])
        assert match is not None
        lines[i] = match.group(1) + data.draw(st.sampled_from(_BAD_VALUES))
    try:
        validate.resume(load.loads("\n".join(lines) + "\n", "resume.yaml"))
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.location is not None and problem.location.line is not None, problem
            assert problem.location.column is not None, problem
            assert problem.hint, problem


def _run_project(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: tuple[str, str],
    *argv: str,
) -> tuple[int, str, list[str]]:
    """``cvpress ARGV`` in a project of ``data/resume.yaml`` and ``data/variants.yaml``:
    the exit code, stderr, and its ``data/...`` heading lines."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    (tmp_path / "data").mkdir()
    for name, text in zip(("resume.yaml", "variants.yaml"), files, strict=True):
        (tmp_path / "data" / name).write_text(text, encoding="utf-8")
    code = cli.main(list(argv))
    err = capsys.readouterr().err
    return code, err, [line for line in err.splitlines() if line.startswith("data/")]


def test_validate_checks_variant_sections_against_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = (
        HEAD + "custom:\n  - title: Talks\n    entries: [{title: On engines}]\n",
        "variants:\n  a:\n    sections: [summary, talks, patents]\n    max_items: {projetcs: 2}\n",
    )
    code, err, heads = _run_project(tmp_path, monkeypatch, capsys, files, "validate")
    assert code == 2  # the default project: both files
    assert heads == [
        "data/variants.yaml:3:32: variants.a.sections[2]: unknown section 'patents'",
        "data/variants.yaml:4:17: variants.a.max_items.projetcs: unknown section 'projetcs'",
    ]
    assert "hint: did you mean 'projects'?" in err
    assert "talks" in err.split("patents")[1]  # the custom section is listed as known


@requires_tex
def test_build_points_at_an_unknown_section_in_the_variants_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A custom-looking name passes `validate` without the data; the build has the data."""
    files = (
        HEAD,
        "defaults:\n  max_items: {tallks: 1}\n"
        "variants:\n  a:\n    sections: [summary, patents]\n  b: {}\n",
    )
    out = str(tmp_path / "out")
    code, err, heads = _run_project(tmp_path, monkeypatch, capsys, files, "build", "--out", out)
    assert code == 2
    tallks = "data/variants.yaml:2:15: defaults.max_items.tallks: unknown section 'tallks'"
    patents = "data/variants.yaml:5:25: variants.a.sections[1]: unknown section 'patents'"
    assert sorted(heads) == sorted([tallks, patents, tallks])  # b inherits the defaults' typo
    # Each variant's lines together, although the two fail in parallel threads.
    assert err.index("FAILED a") < err.index(patents) < err.index("FAILED b") or (
        err.index("FAILED b") < err.index("FAILED a") < err.index(patents)
    )
    assert not (tmp_path / "out" / "a.pdf").exists()


@requires_tex
def test_errors_in_a_selection_point_at_the_data_files_own_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tags drop work[0] and a bullet: the selected résumé's work[0] is the data's work[1]."""
    files = (
        HEAD
        + "work:\n"
        + "  - name: Hidden\n    tags: [other]\n"
        + "  - name: Shown\n    highlights:\n"
        + "      - {text: Dropped, tags: [other]}\n"
        + "      - Built the 東京 office\n",
        "variants:\n  a:\n    engine: pdflatex\n    include_tags: [ml]\n",
    )
    out = str(tmp_path / "out")
    code, err, heads = _run_project(tmp_path, monkeypatch, capsys, files, "build", "--out", out)
    assert code == 2
    [head] = heads
    assert head.startswith("data/resume.yaml:9:9: work[1].highlights[1].text: "), err
    assert "work[0]" not in err


def test_source_path_replays_the_selection() -> None:
    from cvpress.data import select
    from cvpress.data.model import Resume
    from cvpress.data.variants import Variant

    resume = Resume.model_validate(
        {
            "basics": {"name": "Ada"},
            "work": [
                {"name": "A", "tags": ["x"]},
                {"name": "B", "highlights": [{"text": "1", "tags": ["x"]}, "2", "3"]},
            ],
            "custom": [
                {"title": "Hidden", "entries": [{"title": "h"}]},
                {"title": "Talks", "entries": [{"title": "t0", "tags": ["x"]}, {"title": "t1"}]},
            ],
        }
    )
    variant = Variant.model_validate(
        {"name": "v", "exclude_tags": ["x"], "sections": ["work", "talks"], "max_highlights": 1}
    )
    selected, _ = select.apply(resume, variant)
    assert selected.work[0].highlights[0].text == "2"
    assert select.source_path(resume, variant, "work[0].highlights[0].text") == (
        "work[1].highlights[1].text"
    )
    assert selected.custom[0].entries[0].title == "t1"
    assert select.source_path(resume, variant, "custom[0].entries[0].title") == (
        "custom[1].entries[1].title"
    )
    assert select.source_path(resume, variant, "basics.name") == "basics.name"
    assert select.source_path(resume, variant, "work[5].name") == "work[5].name"  # unfollowable
