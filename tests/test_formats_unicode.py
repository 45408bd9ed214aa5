"""XeLaTeX and LuaLaTeX start from an inflated copy of their own format: same bytes as without.

A build under a Unicode engine passes ``-fmt`` (the cached, inflated
``xelatex.fmt``/``lualatex.fmt``, see cvpress.engine.formats.base); these
tests build a generated Unicode résumé the way a user does and compile the
``.tex`` it published again without any format, comparing the PDFs byte for
byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cvpress
from cvpress import bench_docs
from cvpress.engine import catalogue, formats, passes, prestart, sandbox
from cvpress.pipeline import targets

pytestmark = pytest.mark.tex

UNICODE_ENGINES = ["xelatex", "lualatex"]


@pytest.mark.parametrize("engine", UNICODE_ENGINES)
def test_a_build_from_the_inflated_format_gives_the_bytes_of_a_run_without(
    engine: str, tmp_path: Path
) -> None:
    if not catalogue.installed(engine):
        pytest.skip(f"{engine} not installed")
    project = tmp_path / "project"
    variants = bench_docs.write_project(project, unicode=True)
    variants.write_text(f"variants:\n  cv:\n    template: classic\n    engine: {engine}\n")
    result = run_cvpress("build", "--out", "build", cwd=project, env={"CVPRESS_VERSION": ""})
    assert result.returncode == 0, result.stderr
    base = formats.base(engine)
    assert base is not None and base.is_file()
    with open(base, "rb") as made:
        assert made.read(2) != b"\x1f\x8b"  # stored inflated
    tex = (project / "build" / "cv.tex").read_text(encoding="utf-8")
    without = passes.compile_tex(tex, engine)
    assert (project / "build" / "cv.pdf").read_bytes() == without.pdf
    again = passes.compile_tex(tex, engine, fmt=base)
    assert again.pdf == without.pdf


@pytest.mark.parametrize("engine", UNICODE_ENGINES)
def test_the_run_names_the_format_and_keeps_the_engines_program_name(engine: str) -> None:
    if not catalogue.installed(engine):
        pytest.skip(f"{engine} not installed")
    command = sandbox.command(engine, fmt="/cache/base.fmt")
    assert "-fmt=/cache/base.fmt" in command
    assert f"-progname={engine}" in command


def test_engines_without_a_base_format_get_none() -> None:
    assert formats.base("pdflatex") is None  # its formats hold the preamble instead
    assert formats.base("latexmk:xelatex") is None  # latexmk spells its own command line


@pytest.mark.parametrize("engine", UNICODE_ENGINES)
def test_a_run_started_on_the_last_preamble_gives_the_same_bytes(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an edit, TeX is started on the last build's preamble before Python renders."""
    if not catalogue.installed(engine):
        pytest.skip(f"{engine} not installed")
    variants = bench_docs.write_project(tmp_path / "project", unicode=True)
    variants.write_text(f"variants:\n  cv:\n    template: classic\n    engine: {engine}\n")
    options = targets.Options(out=tmp_path / "build", jobs=1, version="")
    [first] = targets.build_variants(variants, ["cv"], options)
    assert first.status == "built", first.error and first.error.problems
    data = variants.parent / "resume.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("Cut the", "Halved the"), "utf-8")
    calls: list[str] = []
    real = passes.compile_tex
    monkeypatch.setattr(passes, "compile_tex", lambda *a, **k: calls.append("x") or real(*a, **k))
    [second] = targets.build_variants(variants, ["cv"], options)
    assert second.status == "built", second.error and second.error.problems
    assert not calls, "the run started early is not compiled again"
    assert prestart.take(options.out, "cv") is None
    tex = (options.out / "cv.tex").read_text(encoding="utf-8")
    assert "Halved the" in tex
    assert (options.out / "cv.pdf").read_bytes() == real(tex, engine).pdf


def test_a_changed_preamble_is_not_fed_to_the_early_run(tmp_path: Path) -> None:
    """The early run read the last preamble: a document with another one is refused."""
    if not catalogue.installed("xelatex"):
        pytest.skip("xelatex not installed")
    base = formats.base("xelatex")
    assert base is not None
    last = (
        "\\documentclass{article}\n\\csname endofdump\\endcsname\n"
        + prestart.FONTS_END
        + "\\begin{document}x\\end{document}\n"
    )
    (tmp_path / "cv.tex").write_text(last, encoding="utf-8")
    prestart.begin(tmp_path, "cv", "xelatex", base, sandbox.DEFAULT_EPOCH, 60.0)
    waiting = prestart.take(tmp_path, "cv")
    assert waiting is not None
    other = last.replace("{article}", "[12pt]{article}")
    assert waiting.finish(other) is None
    prestart.begin(tmp_path, "cv", "xelatex", base, sandbox.DEFAULT_EPOCH, 60.0)
    again = prestart.take(tmp_path, "cv")
    assert again is not None
    result = again.finish(last)
    assert result is not None and result.pdf.startswith(b"%PDF")
