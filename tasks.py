"""invoke tasks: thin front doors over the cvpress API and standard tools.

Every task that does work calls cvpress (or pytest/ruff/mypy); CI workflows call
these tasks, so what CI does can be run and tested locally.
"""

from __future__ import annotations

import shlex
import sys

from invoke import Context, task

PY = sys.executable


@task
def bootstrap(c: Context) -> None:
    """Install TeX Live and fonts if missing, fill LuaTeX's font index and cache, then build."""
    from cvpress.engine import fontindex, install
    from cvpress.pipeline import warm

    install.ensure_tex()
    fontindex.ensure(print)
    warm.luatex_fonts(print)
    build(c)


@task(iterable=["variant"])
def build(
    c: Context,
    variant: list[str] | None = None,
    force: bool = False,
    png: bool = False,
    engine: str = "",
) -> None:
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
    c.run(f"{PY} -m pytest -n auto --dist loadgroup -q{select}", env=env, pty=False)


@task
def gallery(c: Context) -> None:
    """Rebuild every variant and refresh the README gallery (docs/gallery/*.png)."""
    c.run(f"{PY} -m cvpress gallery --gallery docs/gallery", pty=False)


@task
def golden(c: Context) -> None:
    """Regenerate tests/golden/<template>.tex (review the diff before committing)."""
    env = {"CVPRESS_UPDATE_GOLDEN": "1"}
    c.run(f"{PY} -m pytest -q tests/test_templates.py -k golden", env=env, pty=False)


@task
def lint(c: Context) -> None:
    """ruff (lint and format check) and mypy --strict."""
    c.run(f"{PY} -m ruff check src tests tasks.py")
    c.run(f"{PY} -m ruff format --check src tests tasks.py")
    c.run(f"{PY} -m mypy")


@task(
    help={
        "tag": "version tag, e.g. v2026.11 (also the version written into the PDFs)",
        "out": "release directory, replaced whole (default: dist)",
        "since": "compare the résumé with this revision (default: the previous v* tag)",
        "png": "write first-page PNG previews (default: yes; --no-png to skip)",
        "private": "merge data/private.yaml into the PDFs (default: no; releases are public)",
    }
)
def release(
    c: Context,
    tag: str,
    out: str = "dist",
    since: str = "",
    png: bool = True,
    private: bool = False,
) -> None:
    """Make the release directory for TAG (PDFs, PNG previews, SHA256SUMS, notes); no upload."""
    args = ["release", "--tag", shlex.quote(tag), "--out", shlex.quote(out)]
    if since:
        args += ["--since", shlex.quote(since)]
    if not png:
        args.append("--no-png")
    if private:
        args.append("--private")
    c.run(f"{PY} -m cvpress " + " ".join(args), pty=False)


@task(
    iterable=["variant"],
    help={
        "out": "site folder (default: site)",
        "variant": "PDFs to publish, the first one also as the page (default: every variant)",
    },
)
def site(c: Context, out: str = "site", variant: list[str] | None = None) -> None:
    """A folder for GitHub Pages: index.html (a variant's page) linking the PDFs."""
    args = ["site", "--out", shlex.quote(out)]
    for name in variant or []:
        args += ["--variant", shlex.quote(name)]
    c.run(f"{PY} -m cvpress " + " ".join(args), pty=False)


@task(
    help={
        "since": "earlier revision (default: the previous v* tag)",
        "until": "later revision (default: the working tree)",
    }
)
def changelog(c: Context, since: str = "", until: str = "") -> None:
    """Print what changed in the résumé since SINCE (default: the previous v* tag)."""
    args = ["changelog"]
    args += [f"--since {shlex.quote(since)}"] if since else []
    args += [f"--until {shlex.quote(until)}"] if until else []
    c.run(f"{PY} -m cvpress " + " ".join(args), pty=False)


@task(iterable=["variant"])
def watch(c: Context, variant: list[str] | None = None) -> None:
    """Rebuild the affected variants on every save of data/ or latex/ (Ctrl-C stops)."""
    args = ["watch"]
    for name in variant or []:
        args += ["--variant", name]
    c.run(f"{PY} -m cvpress " + " ".join(args), pty=False)


@task(
    help={
        "runs": "repetitions of each scenario (the batch runs once)",
        "variant": "the variant timed in (a), (a0), (b), (c)",
        "busy": "CPU-bound processes kept running while measuring (a shared CI runner)",
        "only": "comma-separated scenarios: edit, batch, unicode (default: all)",
    }
)
def bench(c: Context, runs: int = 10, variant: str = "cv", busy: int = 0, only: str = "") -> None:
    """Time builds against a bare pdflatex pass (medians, ratios, budgets): see cvpress.bench."""
    from cvpress import bench as bench_mod

    scenarios = [s.strip() for s in only.split(",") if s.strip()] or list(bench_mod.SCENARIOS)
    report = bench_mod.run(
        runs=runs,
        variant=variant,
        busy_processes=busy,
        scenarios=scenarios,
        progress=lambda m: print(m, file=sys.stderr),
    )
    print(report.table())


@task
def clean(c: Context) -> None:
    """Remove build outputs and caches."""
    c.run("rm -rf build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis")
