"""Characters: whatever an installed font has prints, under an engine that shapes it,
and extracts verbatim; what cannot is refused before TeX with a hint true here.

Expectations that depend on the machine's fonts are computed from fontconfig
(cvpress.engine.glyphs), the same source the build uses, so the tests state
the rule rather than one machine's font list.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import pdf_text, requires_tex, squash
from cvpress import cli
from cvpress.engine import catalogue, glyphs
from cvpress.engine.log import error_hint
from cvpress.pipeline import targets

SYMBOLS = "≈ → ✓ ★ ™ ½ … ∞ ⇒ ✗"
DOCUMENTS = {
    "symbols": {"basics": {"name": "Ellis Marlow", "summary": f"Results {SYMBOLS} done."}},
    "arabic": {"basics": {"name": "ليلى حداد", "label": "مهندسة برمجيات"}},
    "hebrew": {"basics": {"name": "נועה לוי", "summary": "מפתחת תוכנה בכירה."}},
    "devanagari": {"basics": {"name": "अनन्या शर्मा", "summary": "डेटा पाइपलाइन बनाने का अनुभव।"}},
    "thai-georgian": {"basics": {"name": "Nino", "summary": "สวัสดี and ქართული."}},
    "emoji": {"basics": {"name": "Sam", "summary": "Shipped it 😀 ❤"}},
    "zero-width": {"basics": {"name": "Noor\u200bHaddad", "label": "Data\u200cscientist\u2060"}},
}

pytestmark = [
    pytest.mark.skipif(
        glyphs.installed() is None or not catalogue.candidates(unicode=True),
        reason="needs fontconfig and a Unicode TeX engine",
    ),
    pytest.mark.xdist_group("characters"),  # one worker builds the module's documents
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, targets.Outcome]:
    """Every document above, in one batch build with the classic template under auto."""
    folder = tmp_path_factory.mktemp("characters")
    for name, document in DOCUMENTS.items():
        (folder / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")
    outcomes = targets.build_adhoc(
        [folder], "classic", targets.Options(out=folder / "out", force=True, timeout=300)
    )
    return {o.name: o for o in outcomes}


def _text(outcome: targets.Outcome) -> str:
    assert outcome.status == "built", outcome.error and outcome.error.problems
    assert outcome.pdf is not None
    return pdf_text(outcome.pdf)


def _engine(outcome: targets.Outcome) -> str:
    """The engine that made the PDF, from the first line of its published log."""
    assert outcome.pdf is not None
    first = outcome.pdf.with_suffix(".log").read_text(encoding="utf-8").splitlines()[0]
    return "lualatex" if "LuaHBTeX" in first or "LuaTeX" in first else first.split(",")[0]


@requires_tex
def test_symbols_and_scripts_print_and_extract_verbatim(built: dict[str, targets.Outcome]) -> None:
    assert squash(SYMBOLS) in squash(_text(built["symbols"]))
    assert squash("अनन्या शर्मा") in squash(_text(built["devanagari"]))
    assert _engine(built["devanagari"]) == "lualatex"  # XeTeX would reorder vowel signs
    assert squash("สวัสดี and ქართული") in squash(_text(built["thai-georgian"]))
    for name, words in (("arabic", ["ليلى", "حداد", "مهندسة"]), ("hebrew", ["נועה", "לוי"])):
        text = _text(built[name])
        assert all(word in text for word in words), (name, text)


@requires_tex
def test_zero_width_characters_pass_the_check(built: dict[str, targets.Outcome]) -> None:
    text = squash(_text(built["zero-width"]))
    assert "NoorHaddad" in text.replace("\u200b", "")


@requires_tex
def test_emoji_print_where_a_font_has_them(built: dict[str, targets.Outcome]) -> None:
    assert glyphs.families_with("😀")  # DejaVu Sans (fonts-dejavu-core) has the emoticons
    assert squash("😀 ❤") in squash(_text(built["emoji"]))


@requires_tex
@pytest.mark.parametrize("engine", ["xelatex", "lualatex"])
def test_symbols_under_each_unicode_engine_in_compact(engine: str, tmp_path: Path) -> None:
    if not catalogue.installed(engine):
        pytest.skip(f"{engine} is not installed")
    data = tmp_path / "cv.json"
    data.write_text(json.dumps(DOCUMENTS["symbols"]), encoding="utf-8")
    out = tmp_path / "out"
    code = cli.main(
        ["build", "--data", str(data), "--template", "compact", "--engine", engine,
         "--out", str(out), "--timeout", "300"]
    )  # fmt: skip
    assert code == 0
    assert squash(SYMBOLS) in squash(pdf_text(out / "compact.pdf"))


def _build_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], summary: str,
                 *engine: str) -> tuple[int, str]:  # fmt: skip
    data = tmp_path / "cv.yaml"
    data.write_text(f'basics:\n  name: Sam\n  summary: "{summary}"\n', encoding="utf-8")
    code = cli.main(
        ["build", "--data", str(data), "--template", "classic", "--out", str(tmp_path / "o"),
         *engine]
    )  # fmt: skip
    return code, capsys.readouterr().err


@requires_tex
def test_a_character_no_font_has_is_refused_before_tex(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    rocket = "🚀"
    if glyphs.families_with(rocket):
        pytest.skip("a font on this machine has U+1F680")
    code, err = _build_error(tmp_path, capsys, f"Launched {rocket}")
    assert code == 2
    assert "cv.yaml:3:12: basics.summary: " in err and "U+1F680" in err
    assert "no font installed on this machine has U+1F680" in err
    assert "fonts-noto-core" not in err


@requires_tex
def test_devanagari_under_xelatex_is_refused_with_the_engine_that_can(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    code, err = _build_error(tmp_path, capsys, "अनुभव", "--engine", "xelatex")
    assert code == 2
    assert "basics.summary" in err and "'engine: lualatex'" in err


def test_bidirectional_controls_are_refused_at_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    (tmp_path / "cv.yaml").write_text(
        'basics:\n  name: Sam\n  summary: "invoice\u202etxt.exe"\n', encoding="utf-8"
    )
    assert cli.main(["validate", "--data", "cv.yaml"]) == 2
    err = capsys.readouterr().err
    assert "cv.yaml:3:12: basics.summary: contains the bidirectional control U+202E" in err


def test_missing_glyph_hint_names_what_really_has_it() -> None:
    having = glyphs.families_with("ก")  # THAI CHARACTER KO KAI
    hint = error_hint("missing character ก (U+0E01) in font [x]", "xelatex")
    if having:
        assert hint.startswith(tuple(having)) and "has U+0E01" in hint
        font = next(f for f in glyphs.installed() or () if f.has(0x0E01))
        package = glyphs.package_of(font.file)
        if package:
            assert f"Debian package {package}, installed" in hint
    else:
        assert hint.startswith("no font installed on this machine has U+0E01")
    assert "install" not in hint.replace("installed", "")


@requires_tex
def test_pdflatex_prints_pylatexenc_symbols_verbatim(tmp_path: Path) -> None:
    """The symbols texify sends through pylatexenc's table under pdfLaTeX extract as typed."""
    from cvpress.tex.characters import PDFTEX_SYMBOLS

    symbols = " ".join(chr(code) for code in sorted(PDFTEX_SYMBOLS))
    data = tmp_path / "cv.json"
    data.write_text(json.dumps({"basics": {"name": "Sam", "summary": symbols}}), encoding="utf-8")
    out = tmp_path / "out"
    code = cli.main(
        ["build", "--data", str(data), "--template", "classic", "--engine", "pdflatex",
         "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    assert squash(symbols) in squash(pdf_text(out / "classic.pdf"))


def test_validate_refuses_what_build_would_refuse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cvpress validate` shows what `build` does with characters too (engine: auto)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    (tmp_path / "cv.yaml").write_text(
        'basics:\n  name: Sam\n  summary: "Shipped 🚀 and ≈"\n', encoding="utf-8"
    )
    if glyphs.families_with("🚀"):
        pytest.skip("a font on this machine has U+1F680")
    assert cli.main(["validate", "--data", "cv.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cv.yaml:3:12: basics.summary: ") and "U+1F680" in err


def test_lualatex_names_only_the_fallback_fonts_its_text_falls_to() -> None:
    """luaotfload loads every font a chain names: a chain holds the ones some character needs."""
    from cvpress.tex.characters import lua_fallback_roles

    serif = ("Noto Serif", "Noto Serif CJK SC")
    assert lua_fallback_roles("Ada Lovelace, café, Ωmega", *serif) == {"script"}
    assert lua_fallback_roles("王小明", *serif) == {"script", "cjk"}
    assert lua_fallback_roles("अनन्या", *serif) == {"script", "devanagari"}
    assert lua_fallback_roles("ليلى and נועה", *serif) == {"script", "arabic", "hebrew"}


@requires_tex
@pytest.mark.skipif(not catalogue.installed("lualatex"), reason="needs LuaLaTeX")
def test_a_latin_resume_under_lualatex_loads_no_cjk_font_and_a_chinese_one_does(
    tmp_path: Path,
) -> None:
    for name, cjk in (("Ellis Marlow", False), ("王小明", True)):
        data = tmp_path / f"{cjk}.json"
        data.write_text(json.dumps({"basics": {"name": name}}), encoding="utf-8")
        options = targets.Options(out=tmp_path / f"out-{cjk}", engine="lualatex", force=True)
        [outcome] = targets.build_adhoc([data], "modern", options)
        assert squash(name) in squash(_text(outcome))
        tex = (tmp_path / f"out-{cjk}" / "modern.tex").read_text(encoding="utf-8")
        chains = [line for line in tex.splitlines() if "add_fallback" in line]
        assert len(chains) == 4 and all(("CJK" in line) == cjk for line in chains), chains


@requires_tex
def test_right_to_left_text_under_lualatex_is_refused_before_tex_and_auto_takes_xelatex(
    tmp_path: Path,
) -> None:
    """LuaLaTeX's PDF gives a right-to-left run back reversed: refused with the way out."""
    data = tmp_path / "hebrew.json"
    data.write_text(json.dumps(DOCUMENTS["hebrew"]), encoding="utf-8")
    options = targets.Options(out=tmp_path / "lua", engine="lualatex", force=True)
    [refused] = targets.build_adhoc([data], "classic", options)
    assert refused.status == "failed" and refused.error is not None
    assert refused.error.exit_code == 2
    assert "use 'engine: xelatex'" in (refused.error.hint or "")
    assert not (tmp_path / "lua" / "classic.log").exists(), "TeX ran"
    [built] = targets.build_adhoc([data], "classic", targets.Options(out=tmp_path / "auto"))
    assert _engine(built) != "lualatex" and "נועה" in _text(built)
