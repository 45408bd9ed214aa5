"""./bootstrap fills LuaTeX's font cache for every template (cvpress.pipeline.warm).

Real LuaLaTeX builds. The test's own per-user cache shares only the
machine's luaotfload cache, so the fonts are converted at most once per
machine, as for a user; the builds themselves are the test's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import requires_tex
from cvpress.engine import catalogue, fontindex, sandbox
from cvpress.pipeline import warm
from cvpress.tex import templates

pytestmark = pytest.mark.skipif(not catalogue.installed("lualatex"), reason="needs LuaLaTeX")


@requires_tex
def test_each_template_is_built_once_under_lualatex_and_its_fonts_marked_warm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = fontindex.cache()
    shared.mkdir(parents=True, exist_ok=True)
    mine = tmp_path / "user-cache"
    mine.mkdir()
    (mine / "luatex-cache").symlink_to(shared)
    monkeypatch.setenv("CVPRESS_CACHE_DIR", str(mine))
    every = templates.available()
    monkeypatch.setattr(templates, "available", lambda *extra: {"classic": every["classic"]})
    said: list[str] = []
    warm.luatex_fonts(said.append)
    assert len(said) == 1 and "holds the fonts of classic" in said[0], said
    tex = (sandbox.cache_home() / "warm" / "classic" / "classic.tex").read_text(encoding="utf-8")
    assert "\\directlua" in tex and fontindex.warm(tex)
    said.clear()
    warm.luatex_fonts(said.append)  # run again: the build is current, nothing is built
    assert said == []
