"""Unicode beyond Latin-1: XeLaTeX and LuaLaTeX print it, pdfLaTeX refuses it clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import pdf_text, run_cvpress, squash
from cvpress.engine import catalogue
from cvpress.pipeline import targets

WORLD = """\
basics:
  name: 王小明
  label: Data Engineer
  location:
    city: Αθήνα
    countryCode: GR
work:
  - name: Ωμέγα Corp
    position: Engineer
    startDate: 2020-01
    highlights:
      - Built pipelines in Москва and 北京 with **bold** text.
publications:
  - name: Анализ данных
    publisher: Наука
    releaseDate: 2021-05
"""
WORDS = ("王小明", "Αθήνα", "Ωμέγα Corp", "Анализ данных", "Москва", "北京", "Наука")


def _font_names(pdf: Path) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(pdf).pages:
        fonts = page["/Resources"].get_object().get("/Font") or {}
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.fixture
def world(tmp_path: Path) -> Path:
    path = tmp_path / "world.yaml"
    path.write_text(WORLD, encoding="utf-8")
    return path


@pytest.mark.tex
@pytest.mark.parametrize(("template", "noto"), [("classic", "NotoSerif"), ("modern", "NotoSans")])
@pytest.mark.parametrize("engine", ["auto", "lualatex"])
def test_unicode_engines_print_every_script(
    engine: str, template: str, noto: str, world: Path, tmp_path: Path
) -> None:
    if engine != "auto" and not catalogue.installed(engine):
        pytest.skip(f"{engine} not installed")
    out = tmp_path / "out"
    options = targets.Options(out=out, engine=engine)
    [outcome] = targets.build_adhoc([world], template, options)
    assert outcome.status == "built", outcome.error and outcome.error.problems
    pdf = out / f"{template}.pdf"
    text = squash(pdf_text(pdf))
    for word in WORDS:
        assert squash(word) in text, word
    # The employer is bold, and so is its Greek: in the bold of the fallback
    # family that matches the template's type (serif or sans).
    fonts = _font_names(pdf)
    assert any(n.startswith(f"{noto}-Bold") for n in fonts), fonts
    other = "NotoSans-" if noto == "NotoSerif" else "NotoSerif-"
    assert not any(n.startswith(other) for n in fonts), fonts
    if engine == "auto":  # auto sees the data needs Unicode and takes XeLaTeX
        assert "XeTeX" in (out / f"{template}.log").read_text(encoding="utf-8").splitlines()[0]


def test_pdflatex_refuses_with_field_character_and_fix(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cvpress(
        *("build", "--data", str(world), "--template", "classic", "--engine", "pdflatex"),
        *("--out", str(out)),
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    err = result.stderr
    assert "basics.name" in err
    assert "'王'" in err and "U+738B" in err
    assert "engine: xelatex" in err
    assert "world.yaml:2:" in err
    assert "Traceback" not in err
    assert not (out / "classic.pdf").exists()
