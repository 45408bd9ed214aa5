"""invoke tasks: thin front doors over the cvpress API and standard tools.

Every task that does work calls cvpress (or pytest/ruff/mypy); CI workflows call
these tasks, so what CI does can be run and tested locally.
"""

from __future__ import annotations

import sys

from invoke import Context, task

PY = sys.executable


@task
def bootstrap(c: Context) -> None:
    """Install TeX Live and fonts if missing, then build every variant."""
    from cvpress import system

    system.ensure_tex()
    build(c)


@task(iterable=["variant"])
def build(c: Context, variant: list[str] | None = None, force: bool = False, png: bool = False, engine: str = "") -> None:
    """Build the variants of data/variants.yaml into build/ (all by default)."""
    args = ["build"]
    for name in variant or []:
        args += ["--variant", name]
    if force:
        args.append("--force")
    if png:
        args.append("--png")
    if engine:
        args += ["--engine", engine]
    c.run(f"{PY} -m cvpress " + " ".join(args), pty=False)


@task
def test(c: Context, full: bool = False, k: str = "") -> None:
    """Run the whole test suite (real TeX). --full: every Hypothesis example and fault."""
    env = {"CVPRESS_FULL_TESTS": "1"} if full else {}
    select = f" -k '{k}'" if k else ""
    c.run(f"{PY} -m pytest -n auto -q{select}", env=env, pty=False)


@task
def lint(c: Context) -> None:
    """ruff (lint and format check) and mypy --strict."""
    c.run(f"{PY} -m ruff check src tests tasks.py")
    c.run(f"{PY} -m ruff format --check src tests tasks.py")
    c.run(f"{PY} -m mypy")


@task
def clean(c: Context) -> None:
    """Remove build outputs and caches."""
    c.run("rm -rf build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis")
