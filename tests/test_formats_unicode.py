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
from cvpress.engine import catalogue, formats, passes, sandbox

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
