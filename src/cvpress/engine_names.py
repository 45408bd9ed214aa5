"""The engine names a variant or ``--engine`` may give, in one place.

Kept apart from ``engines`` (subprocess, sandboxing) and ``model`` (pydantic)
so that ``cvpress --help`` can list them without importing either.
``latexmk`` drives pdflatex; ``latexmk:xelatex``/``latexmk:lualatex`` drive those.
"""

from __future__ import annotations

from typing import Literal, get_args

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
