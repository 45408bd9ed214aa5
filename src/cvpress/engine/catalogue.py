"""The engines cvpress knows: their names, what each one is, whether it is installed.

The names (:data:`EngineName`, :data:`CHOICES`) come first, and the module
imports only typing when it loads (its errors when it raises them), so
``cvpress --help`` and ``model`` can list them cheaply. ``latexmk`` drives pdflatex;
``latexmk:xelatex``/``latexmk:lualatex`` drive those.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

EngineName = Literal[
    "auto",
    "pdflatex",
    "xelatex",
    "lualatex",
    "latexmk",
    "latexmk:pdflatex",
    "latexmk:xelatex",
    "latexmk:lualatex",
    "tectonic",
]
#: Every choice, ``auto`` first.
CHOICES: tuple[str, ...] = get_args(EngineName)
#: The engines themselves (everything but ``auto``).
ENGINES: tuple[str, ...] = CHOICES[1:]

#: Engines that print any Unicode their fonts hold (the rest is pdfLaTeX's Latin set).
UNICODE_TEX = frozenset({"xelatex", "lualatex", "tectonic"})

INSTALL_HINT = {
    "pdflatex": "sudo apt-get install texlive-latex-base texlive-latex-recommended "
    "texlive-latex-extra texlive-fonts-recommended lmodern",
    "xelatex": "sudo apt-get install texlive-xetex fonts-noto-core fonts-noto-cjk",
    "lualatex": "sudo apt-get install texlive-luatex fonts-noto-core fonts-noto-cjk",
    "latexmk": "sudo apt-get install latexmk",
    "tectonic": "install tectonic (https://tectonic-typesetting.github.io/install.html: "
    "a release binary or `cargo install tectonic`), then run it once online so it caches "
    "its TeX bundle",
}


class Engine(NamedTuple):
    """An engine name taken apart: the program we start and the TeX engine that typesets.

    A named tuple, not a dataclass: ``dataclasses`` (with ``inspect``) would
    be most of what ``cvpress --help`` imports.
    """

    name: str
    program: str
    tex: str

    @property
    def unicode(self) -> bool:
        return self.tex in UNICODE_TEX

    @property
    def formats(self) -> bool:
        """Whether a precompiled preamble can be used.

        pdfTeX, and XeTeX run directly: XeTeX refuses to dump an OpenType
        font, so its format holds every package but the fonts, which the
        templates load below the boundary (see :mod:`cvpress.engine.xetex_dump`).
        LuaTeX cannot: fontspec, babel and luaotfload keep their state in Lua,
        which a format does not hold. latexmk spells pdfLaTeX's format option
        only.
        """
        return self.tex == "pdflatex" or self.program == "xelatex"

    @property
    def base_format(self) -> bool:
        """Whether runs start from an inflated copy of the engine's own format (XeLaTeX, LuaLaTeX).

        Their preambles cannot be precompiled (fontspec loads a font as it
        loads, and neither engine dumps one), but the LaTeX format they start
        from is gzipped, and inflating it is a third of a short run (see
        :func:`cvpress.engine.formats.base`). Direct runs only: latexmk
        spells the engine's command line itself.
        """
        return self.program in ("xelatex", "lualatex")

    @property
    def takes_format(self) -> bool:
        """Whether a run is given a format file (``-fmt``): a preamble's or the inflated base."""
        return self.formats or self.base_format

    @property
    def drives_reruns(self) -> bool:
        """latexmk and tectonic decide on reruns themselves."""
        return self.program in ("latexmk", "tectonic")


def spec(name: str) -> Engine:
    """``"latexmk:xelatex"`` -> Engine(program="latexmk", tex="xelatex")."""
    if name not in ENGINES:
        from ..errors import InputError

        raise InputError(
            f"unknown engine {name!r}",
            hint="engines: auto, " + ", ".join(ENGINES),
        )
    program, _, tex = name.partition(":")
    if program == "latexmk":
        return Engine(name, "latexmk", tex or "pdflatex")
    return Engine(name, program, program)


def is_unicode(name: str) -> bool:
    """True when ``name`` prints any Unicode its fonts hold (not for ``auto``)."""
    return name in ENGINES and spec(name).unicode


def program(engine: str) -> str:
    """The executable an engine name starts (``latexmk:xelatex`` -> ``latexmk``)."""
    return spec(engine).program if engine in ENGINES else engine


def which(engine: str) -> str:
    """Absolute path of the engine's executable, or a clear error with the install command."""
    import shutil

    name = program(engine)
    path = shutil.which(name)
    if path is None:
        from ..errors import EngineError

        raise EngineError(
            f"the TeX engine {name!r} is not installed (not found on PATH)",
            hint=_install_hint(name),
        )
    return path


def _install_hint(program: str) -> str:
    if program == "tectonic":  # not in Debian's archive, so not in `invoke bootstrap` either
        return INSTALL_HINT["tectonic"][0].upper() + INSTALL_HINT["tectonic"][1:]
    return f"install it: {INSTALL_HINT.get(program, program)}; or run `invoke bootstrap`"


def installed(engine: str) -> bool:
    """Whether every program ``engine`` needs is on PATH."""
    import shutil

    parts = spec(engine)
    return all(shutil.which(p) for p in {parts.program, parts.tex})


#: What ``auto`` tries, in order: pdfLaTeX is the fastest; XeLaTeX is faster than
#: LuaLaTeX and prints any script with the fallback fonts of ``_base``.
AUTO_ORDER = ("pdflatex", "xelatex", "lualatex", "tectonic")


def candidates(*, unicode: bool = False, preferred: tuple[str, ...] = ()) -> list[str]:
    """The installed engines ``auto`` may pick, best first (see :func:`resolve`)."""
    out: list[str] = []
    for candidate in (*preferred, *AUTO_ORDER):
        if candidate not in ENGINES or (unicode and not spec(candidate).unicode):
            continue
        if candidate not in out and installed(candidate):
            out.append(candidate)
    return out


def resolve(engine: str, *, unicode: bool = False, preferred: tuple[str, ...] = ()) -> str:
    """``auto`` -> the best installed engine.

    ``unicode``: the data holds characters pdfLaTeX cannot print, so only
    Unicode engines qualify. ``preferred``: the template's own ranking (its
    ``template.yaml`` ``engines:`` list), tried before the default order.
    """
    if engine != "auto":
        spec(engine)
        return engine
    found = candidates(unicode=unicode, preferred=preferred)
    if found:
        return found[0]
    wanted = "xelatex" if unicode else "pdflatex"
    from ..errors import EngineError

    raise EngineError(
        "no suitable TeX engine is installed"
        + (" (this data needs a Unicode engine)" if unicode else ""),
        hint=f"install TeX Live: {INSTALL_HINT[wanted]}; or run `invoke bootstrap`",
    )
