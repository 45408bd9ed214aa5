"""LuaTeX's font cache filled for every template, once per machine (``./bootstrap``).

The first LuaLaTeX run that loads a font converts it into luaotfload's
cache: the template's own fonts and the fallback fonts its text needs (the
CJK fallback among them). On a small machine that is tens of seconds, paid
by the first build that meets it: a user's first résumé in another script,
a test. ``./bootstrap`` builds a résumé in every script of the fallback
chain under LuaLaTeX with each template, into a folder of the per-user
cache, so the conversion is part of installing; run again, it finds those
builds current and skips them (:mod:`cvpress.pipeline.incremental`).
"""

from __future__ import annotations

import json
from collections.abc import Callable

#: The résumé built: text that falls to the fallback fonts a run loads only
#: when its text needs them (cvpress.tex.characters.lua_fallback_roles):
#: Greek, Chinese, Devanagari and two symbols. Not Arabic or Hebrew, whose
#: fonts are small to convert and which LuaLaTeX's PDFs do not give back
#: verbatim (``auto`` sends them to XeLaTeX): the text check would refuse it.
SAMPLE = {
    "basics": {
        "name": "Ada Lovelace",
        "label": "अनन्या शर्मा",
        "summary": "Notes on the Analytical Engine: Ελένη, 王小明, ♞, ⚙.",
    }
}


def luatex_fonts(say: Callable[[str], None]) -> None:
    """Build :data:`SAMPLE` under LuaLaTeX with every template; say what was cached.

    A template that fails is said and skipped: installing goes on, and the
    build that needs that template reports the failure in full.
    """
    from ..engine import catalogue
    from ..engine.sandbox import cache_home
    from ..tex import templates
    from .targets import Options, build_adhoc

    if not catalogue.installed("lualatex"):
        return
    folder = cache_home() / "warm"
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "sample.json"
    text = json.dumps(SAMPLE)
    if not data.is_file() or data.read_text(encoding="utf-8") != text:
        data.write_text(text, encoding="utf-8")  # rewritten only when it changed
    for template in sorted(templates.available()):
        [outcome] = build_adhoc([data], template, Options(out=folder / template, engine="lualatex"))
        if outcome.error is not None:
            say(f"LuaTeX could not cache the fonts of {template}: {outcome.error}")
        elif outcome.status == "built":
            say(f"LuaTeX's font cache holds the fonts of {template} ({outcome.seconds:.0f} s)")
