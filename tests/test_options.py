"""Every option is validated where it is written, and validate refuses what build would.

Issue 13: ``--timeout inf`` gave a thread traceback, ``--timeout -1|0|nan`` and
``--jobs 0|-1`` were accepted, ``locale: zz_ZZ`` and ``../../x`` were internal
errors that validate passed, an unknown or ``../`` template was reported at
the data file, ``sections: [work, work]`` printed a section twice, ``cv``
and ``cv.failed`` overwrote each other's files, and a page-limit failure
kept no evidence.
"""

from __future__ import annotations

import math
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FULL, requires_tex
from cvpress import cli_parser
from cvpress.errors import InputError
from cvpress.pipeline import publish, targets
from harden_support import cvpress

RESUME = "basics:\n  name: Ada Lovelace\n  summary: Engineer.\nwork:\n  - name: Acme\n"


def _project(tmp_path: Path, variants: str, resume: str = RESUME) -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "resume.yaml").write_text(resume, "utf-8")
    (tmp_path / "data" / "variants.yaml").write_text(variants, "utf-8")
    return tmp_path


# ------------------------------------------------------------------- flags


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "NaN", "0", "-1", "0.0", "1e9", "x", ""])
def test_bad_timeout_is_refused_at_the_flag(tmp_path: Path, value: str) -> None:
    done = cvpress("build", f"--timeout={value}", cwd=tmp_path)
    assert done.returncode == 2
    assert "argument --timeout:" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "x", "257"])
@pytest.mark.parametrize("command", ["build", "release"])
def test_bad_jobs_is_refused_at_the_flag(tmp_path: Path, value: str, command: str) -> None:
    extra = ("--tag", "v1") if command == "release" else ()
    done = cvpress(command, *extra, f"--jobs={value}", cwd=tmp_path)
    assert done.returncode == 2
    assert "argument --jobs:" in done.stderr


@settings(max_examples=500 if FULL else 150, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12))
def test_timeout_accepts_exactly_finite_positive_seconds(value: float | str) -> None:
    text = str(value)
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    valid = 0 < number <= cli_parser.MAX_TIMEOUT  # False for nan
    try:
        got = cli_parser._seconds(text)
    except Exception as exc:  # argparse.ArgumentTypeError
        assert not valid, (text, exc)
    else:
        assert valid and got == number


@settings(max_examples=300 if FULL else 100, deadline=None)
@given(st.integers(min_value=-(10**6), max_value=10**6) | st.text(max_size=8))
def test_jobs_accepts_exactly_whole_numbers_from_one(value: int | str) -> None:
    text = str(value)
    try:
        number = int(text)
    except ValueError:
        number = 0
    try:
        got = cli_parser._jobs(text)
    except Exception:
        assert not 1 <= number <= cli_parser.MAX_JOBS
    else:
        assert got == number and 1 <= number <= cli_parser.MAX_JOBS


@requires_tex
def test_good_timeout_and_jobs_build(tmp_path: Path) -> None:
    project = _project(tmp_path, "variants:\n  a: {template: classic}\n  b: {template: compact}\n")
    done = cvpress("build", "--timeout", "120", "--jobs", "1", "--out", "out", cwd=project)
    assert done.returncode == 0, done.stderr


# ------------------------------------------------------- the variants file


@pytest.mark.parametrize(
    ("option", "message", "column"),
    [
        ("locale: zz_ZZ", "'zz_ZZ' is not a known locale", 13),
        ("locale: ../../x", "'../../x' is not a known locale", 13),
        ("locale: en/../../etc", "is not a known locale", 13),
        ("template: ../classic", "'../classic' is not a template name", 15),
        ("template: /usr/share", "'/usr/share' is not a template name", 15),
        ("template: /", "'/' is not a template name", 15),
        ("template: nosuch", "no template named 'nosuch'", 15),
        ("template: classik", "no template named 'classik'", 15),
        ("sections: [work, work]", "section 'work' is listed twice", 22),
    ],
)
@pytest.mark.parametrize("command", ["validate", "build"])
def test_variant_options_are_reported_at_the_variants_file(
    tmp_path: Path, option: str, message: str, column: int, command: str
) -> None:
    project = _project(tmp_path, f"variants:\n  cv:\n    {option}\n")
    started = time.monotonic()
    done = cvpress(command, *(("--out", "out") if command == "build" else ()), cwd=project)
    assert done.returncode == 2, done.stderr
    assert f"data/variants.yaml:3:{column}: variants.cv." in done.stderr
    assert message in done.stderr
    assert "internal error" not in done.stderr
    assert not (project / "out" / "cv.pdf").exists()
    assert time.monotonic() - started < 60  # never a walk of /usr/share (it was > 30 s)


def test_typo_template_gets_a_suggestion(tmp_path: Path) -> None:
    project = _project(tmp_path, "variants:\n  cv:\n    template: classik\n")
    done = cvpress("validate", cwd=project)
    assert "did you mean 'classic'?" in done.stderr


def test_default_template_problem_is_reported_under_defaults(tmp_path: Path) -> None:
    project = _project(tmp_path, "defaults:\n  template: nosuch\nvariants:\n  a: {}\n  b: {}\n")
    done = cvpress("validate", cwd=project)
    assert done.returncode == 2
    assert "data/variants.yaml:2:13: defaults.template: no template named 'nosuch'" in done.stderr


@pytest.mark.parametrize("template", ["../classic", "/usr/share", "/", "nosuch", ""])
def test_bad_template_flag_is_reported_at_the_flag(tmp_path: Path, template: str) -> None:
    (tmp_path / "r.yaml").write_text(RESUME, "utf-8")
    done = cvpress("build", "--data", "r.yaml", "--template", template, "--out", "o", cwd=tmp_path)
    assert done.returncode == 2
    assert "--template" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("locale", ["en", "en_US", "en-US", "es", "ca", "de", "fr", "pt_BR"])
def test_real_locales_are_accepted(tmp_path: Path, locale: str) -> None:
    project = _project(tmp_path, f"variants:\n  cv:\n    locale: {locale}\n")
    done = cvpress("validate", cwd=project)
    assert done.returncode == 0, done.stderr


@settings(max_examples=200 if FULL else 60, deadline=None)
@given(st.text(max_size=20))
def test_any_locale_is_valid_or_refused_cleanly(text: str) -> None:
    from pydantic import ValidationError

    from cvpress.data.variants import VariantOptions

    try:
        VariantOptions.model_validate({"locale": text})
    except ValidationError as exc:
        assert exc.errors()[0]["type"] in ("locale", "text_type", "control_character", "one_line")


def test_template_folder_size_is_bounded(tmp_path: Path) -> None:
    """A template folder that is really a tree of thousands of files stops the build at once."""
    from cvpress.tex import templates

    folder = tmp_path / "latex" / "huge"
    folder.mkdir(parents=True)
    (folder / templates.TEMPLATE_FILE).write_text("x", "utf-8")
    for i in range(templates.MAX_TEMPLATE_FILES + 1):
        (folder / f"{i}.tex").write_text("", "utf-8")
    with pytest.raises(InputError, match="more than 500 files"):
        templates.template_files("huge", [tmp_path / "latex"])


# ------------------------------------------------------ validate == build


@requires_tex
def test_validate_refuses_what_the_engine_cannot_print(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        "variants:\n  cv:\n    engine: pdflatex\n  any: {}\n",
        "basics:\n  name: 李小龍\n",
    )
    done = cvpress("validate", cwd=project)
    assert done.returncode == 2
    assert "data/resume.yaml:2:9: basics.name: pdflatex cannot print '李'" in done.stderr
    build = cvpress("build", "--variant", "cv", "--out", "out", cwd=project)
    assert build.returncode == 2 and "pdflatex cannot print '李'" in build.stderr


def test_validate_refuses_unknown_sections_of_the_data(tmp_path: Path) -> None:
    project = _project(tmp_path, "variants:\n  cv:\n    sections: [work, talks]\n")
    assert cvpress("validate", cwd=project).returncode == 2


# ------------------------------------------------------------ variant names


@pytest.mark.parametrize(
    ("first", "second"),
    [("cv", "cv.failed"), ("cv", "CV"), ("Ada", "ada.FAILED"), ("x.y", "X.Y")],
)
@pytest.mark.parametrize("command", ["validate", "build"])
def test_colliding_variant_names_are_refused_before_anything_is_built(
    tmp_path: Path, first: str, second: str, command: str
) -> None:
    project = _project(tmp_path, f"variants:\n  {first}: {{}}\n  {second}: {{}}\n")
    done = cvpress(command, *(("--out", "out") if command == "build" else ()), cwd=project)
    assert done.returncode == 2, done.stderr
    assert f"data/variants.yaml:3:3: variants.{second}: variant '{second}'" in done.stderr
    assert not (project / "out").exists() or not list((project / "out").glob("*.pdf"))


def test_building_one_variant_alone_is_refused_too(tmp_path: Path) -> None:
    project = _project(tmp_path, "variants:\n  cv: {}\n  cv.failed: {}\n")
    done = cvpress("build", "--variant", "cv", "--out", "out", cwd=project)
    assert done.returncode == 2


_NAME = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,12}\Z")


@settings(max_examples=1000 if FULL else 300, deadline=None)
@given(st.lists(_NAME, min_size=2, max_size=4, unique=True))
def test_accepted_names_never_share_a_file(names: list[str]) -> None:
    """Any set of variant names: refused, or no two write the same file (case-insensitively)."""
    if publish.collisions(names):
        return
    files = [file for name in names for file in publish.output_names(name)]
    assert len(files) == len(set(files))


def test_cv_and_cv_failed_collide_by_the_real_files(tmp_path: Path) -> None:
    """The names come from what build_one really writes, not from a guess."""
    assert publish.collisions(["cv", "cv.failed"]) == [("cv.failed", "cv", "cv.failed.tex")]
    assert publish.collisions(["cv", "cv.en", "cv-failed"]) == []


@settings(
    max_examples=20 if FULL else 6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(_NAME, min_size=2, max_size=3, unique=True))
def test_refusal_is_located_for_any_names(
    tmp_path_factory: pytest.TempPathFactory, names: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("names")
    path = folder / "variants.yaml"
    path.write_text("variants:\n" + "".join(f"  '{n}': {{}}\n" for n in names), "utf-8")
    if publish.collisions(names):
        with pytest.raises(InputError) as caught:
            targets.refuse_collisions(names, path)
        for problem in caught.value.problems:
            assert problem.location is not None and problem.location.line is not None
    else:
        targets.refuse_collisions(names, path)


@pytest.mark.parametrize(("first", "second"), [("cv.yaml", "CV.json"), ("a.yaml", "a.failed.yaml")])
def test_batch_files_whose_outputs_collide_are_refused(
    tmp_path: Path, first: str, second: str
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / first).write_text(RESUME, "utf-8")
    (folder / second).write_text('{"basics": {"name": "B"}}' if second.endswith("json") else RESUME)
    done = cvpress("build", "--data", "batch", "--template", "classic", "--out", "o", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "would overwrite" in done.stderr


# ------------------------------------------------------- failed evidence


@requires_tex
def test_page_limit_failure_keeps_its_evidence(tmp_path: Path) -> None:
    long = "work:\n" + "".join(
        f"  - name: Company {i}\n    summary: {'Did things. ' * 40}\n" for i in range(40)
    )
    project = _project(
        tmp_path, "variants:\n  cv:\n    max_pages: 1\n", "basics:\n  name: Ada\n" + long
    )
    done = cvpress("build", "--out", "out", cwd=project)
    assert done.returncode == 1, done.stderr
    out = project / "out"
    assert not (out / "cv.pdf").exists()
    tex = (out / "cv.failed.tex").read_text("utf-8")
    assert "Company 39" in tex
    assert "Output written" in (out / "cv.failed.log").read_text("utf-8")
    # Fixed, the build publishes and the evidence goes.
    (project / "data" / "variants.yaml").write_text("variants:\n  cv:\n    max_pages: 9\n")
    done = cvpress("build", "--out", "out", cwd=project)
    assert done.returncode == 0, done.stderr
    assert (out / "cv.pdf").exists() and not (out / "cv.failed.tex").exists()
    shutil.rmtree(out)


def test_validate_writes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path, "variants:\n  cv: {}\n")
    done = cvpress("validate", cwd=project)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in project.iterdir()) == ["data"]
