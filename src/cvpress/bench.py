"""``invoke bench``: how fast is a build, measured against the bare engine.

Wall-clock medians of repeated runs, each scenario as a user meets it,
with the build server running (cvpress.bench_served):

(a)  ``cvpress build --variant cv`` right after an edit of the data file:
     caches warm, output stale (the edit-rebuild loop a user lives in);
(a1) the same with the build server off (``CVPRESS_SERVER=off``), for
     comparison only;
(a0) the same with an empty output folder (no cache, no format);
(b)  one bare ``pdflatex`` pass over the same ``.tex``, sandboxed the same way
     (cvpress.engine.passes), without a precompiled preamble;
(c)  a no-op ``cvpress build --variant cv``;
(d)  every variant after an edit, ``--jobs 2``, against the sum of their
     bare passes;
(e)  ``cvpress --help``;
(f)  ``--variant`` NAME-fit after an edit: the same variant with ``fit: true``
     and ``max_pages`` one less than it has (every tag of the data may be
     dropped), against (a): what fitting costs (issue 16);
(g)  batch: :data:`BATCH_SIZE` generated one-page résumés built with
     ``--data FOLDER --jobs 2`` (PDFs a second, the share of CPU time spent
     in TeX, peak memory);
(h)  Unicode: a forced rebuild of a generated résumé whose text sends
     ``engine: auto`` to XeLaTeX or LuaLaTeX, against (h0) the forced
     rebuild of the same résumé in Latin script (pdfLaTeX), :data:`UNICODE_PAUSE` apart.

Ratios are taken within one run, so a busy machine slows both sides alike;
the load average is printed beside them, and the CPU time (user + system,
TeX included) of every scenario, which another process's load distorts far
less than wall time. ``busy``: that many CPU-bound processes run for the
whole measurement (a shared CI runner) and are stopped afterwards, Ctrl-C
included. The project's data is copied to a temporary folder and the batch
and Unicode documents are generated there (:mod:`cvpress.bench_docs`), so
the real ``data/`` and ``build/`` are never touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import bench_served
from .bench_docs import tags_in
from .engine import resident

#: Budgets from issue 19: ratios (a)/(b), (a0)/(b), (c)/(b), (d)/sum(b), (h)/(h0);
#: (e) in seconds; the batch in PDFs a second, a floor (see :data:`AT_LEAST`).
#: Issue 16: a fitted build costs a few extra TeX passes, not one per step: (f)/(a).
BUDGETS = {
    "a/b": 1.0,
    "a0/b": 4.0,
    "c/b": 0.25,
    "d/sum(b)": 0.5,
    "e": 0.05,
    "f/a": 4.0,
    "batch PDFs/s": 14.0,
    "unicode/pdflatex": 1.5,
}
#: Budgets that are floors, not ceilings.
AT_LEAST = frozenset({"batch PDFs/s"})
#: Budgets that apply instead while other processes keep the cores busy (``--busy``).
BUSY_BUDGETS = {"a/b": 1.15}
#: Résumés in the batch scenario.
BATCH_SIZE = 200
#: Seconds between Unicode builds, as a person edits: the run a build leaves gets ready.
UNICODE_PAUSE = 1.0
#: Every scenario, in the order they run; ``scenarios=`` picks some.
SCENARIOS = ("edit", "batch", "unicode")

#: A CPU-bound process for ``--busy``: it spins until stopped, or until the
#: bench that started it is gone (its parent changes), so none outlives a bench.
_SPIN = """\
import os, sys
parent = int(sys.argv[1])
while os.getppid() == parent:
    for _ in range(200000):
        pass
"""

#: ``cvpress`` run in a process that writes its own and its children's
#: resource usage (CPU time, peak memory) to ``argv[1]`` as JSON when it exits.
_MEASURED = """\
import atexit, json, resource, sys
report = sys.argv[1]
sys.argv = ["cvpress", *sys.argv[2:]]

def _write():
    own = resource.getrusage(resource.RUSAGE_SELF)
    tex = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(report, "w") as handle:
        json.dump({"self_cpu": own.ru_utime + own.ru_stime,
                   "children_cpu": tex.ru_utime + tex.ru_stime,
                   "self_maxrss_kib": own.ru_maxrss,
                   "children_maxrss_kib": tex.ru_maxrss}, handle)

atexit.register(_write)
from cvpress.cli import entry
entry()
"""


@dataclass(slots=True)
class Timing:
    label: str
    samples: list[float] = field(default_factory=list)
    #: CPU seconds of the same runs (user + system, children included).
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")


@dataclass(slots=True)
class Report:
    timings: dict[str, Timing]
    ratios: dict[str, float]
    load: tuple[tuple[float, float, float], tuple[float, float, float]]
    runs: int
    busy: int = 0
    #: The same ratios from CPU time instead of wall time (where both sides have one).
    cpu_ratios: dict[str, float] = field(default_factory=dict)
    #: Facts that are not timings: the batch's TeX share and memory, the Unicode engine.
    notes: list[str] = field(default_factory=list)

    def budget(self, name: str) -> float:
        return BUSY_BUDGETS.get(name, BUDGETS[name]) if self.busy else BUDGETS[name]

    def met(self, name: str) -> bool:
        value, budget = self.ratios[name], self.budget(name)
        return value >= budget if name in AT_LEAST else value <= budget

    def table(self) -> str:
        lines = [f"{'':4} {'scenario':56} {'median':>8} {'min':>8} {'max':>8} {'cpu':>8}"]
        for key, timing in self.timings.items():
            if not timing.samples:
                continue
            low, high = min(timing.samples), max(timing.samples)
            lines.append(
                f"{key:4} {timing.label:56} {timing.median:8.3f} {low:8.3f} {high:8.3f} "
                f"{timing.cpu_median:8.3f}"
            )
        lines.append("")
        for name, value in self.ratios.items():
            unit = " s" if name == "e" else ""
            sign = ">=" if name in AT_LEAST else "<="
            verdict = "ok" if self.met(name) else "OVER" if sign == "<=" else "UNDER"
            cpu = self.cpu_ratios.get(name)
            cpu_text = f"   (cpu {cpu:.3f})" if cpu is not None else ""
            lines.append(
                f"{name:17} {value:7.3f}{unit:2}  budget {sign} {self.budget(name):g}{unit}"
                f"  {verdict}{cpu_text}"
            )
        if self.notes:
            lines.append("")
            lines.extend(self.notes)
        before, after = self.load
        loads = " ".join(f"{x:.2f}" for x in before), " ".join(f"{x:.2f}" for x in after)
        lines.append("")
        lines.append(
            f"{self.runs} runs each; {self.busy} busy processes; load average before "
            f"{loads[0]}, after {loads[1]}; {os.cpu_count()} cores"
        )
        return "\n".join(lines)

    @property
    def within_budget(self) -> bool:
        return all(self.met(name) for name in self.ratios)


def cvpress_command() -> list[str]:
    """The console script a user runs (next to this Python), else ``python -m cvpress``."""
    script = Path(sys.executable).with_name("cvpress")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "cvpress"]


@contextlib.contextmanager
def busy(count: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` CPU-bound processes for the duration of the block, stopped when it ends.

    Stopped whatever ends the block (an error, Ctrl-C); a bench killed
    outright leaves them orphaned, and they then stop by themselves.
    """
    spinners: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(count):
            spinners.append(
                subprocess.Popen(
                    [sys.executable, "-c", _SPIN, str(os.getpid())],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        yield spinners
    finally:
        for spinner in spinners:
            spinner.terminate()
        for spinner in spinners:
            try:
                spinner.wait(timeout=5)
            except subprocess.TimeoutExpired:
                spinner.kill()
                spinner.wait()


def _byte_compile() -> None:
    """Measure cvpress as installed: byte-compiled.

    pip compiles a package it installs; an editable install (this
    repository's ``.venv``) is compiled at first import, except where
    ``PYTHONDONTWRITEBYTECODE`` is set (some CI and sandbox shells), and then
    every run compiles the sources again. ``./bootstrap`` compiles too; this
    makes the numbers independent of how the shell is set up.
    """
    import compileall

    compileall.compile_dir(Path(__file__).parent, quiet=1)


def _children_cpu(env: dict[str, str] | None = None) -> float:
    """CPU seconds of the reaped children, and of the build server's (see cvpress.bench_served)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + (bench_served.cpu(env) if env else 0.0)


def _timed(command: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``command`` (the CPU of every process it waited for included)."""
    cpu = _children_cpu(env)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr}")
    return seconds, _children_cpu(env) - cpu


def _bare_pass(tex: str) -> tuple[float, float]:
    from .engine import passes

    cpu = _children_cpu()
    started = time.perf_counter()
    passes.compile_tex(tex, "pdflatex", max_passes=1)
    return time.perf_counter() - started, _children_cpu() - cpu


class _Editor:
    """Changes what the résumé prints (its summary) a little on every call."""

    def __init__(self, path: Path) -> None:
        import yaml

        self.path = path
        self.data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.summary = str(self.data.get("basics", {}).get("summary") or "")
        self.count = 0

    def __call__(self) -> None:
        import yaml

        self.count += 1
        self.data.setdefault("basics", {})["summary"] = f"{self.summary} Edit {self.count}."
        self.path.write_text(
            yaml.safe_dump(self.data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )


def _add(timing: Timing, measured: tuple[float, float]) -> None:
    timing.samples.append(measured[0])
    timing.cpu.append(measured[1])


def run(
    project: Path = Path("."),
    *,
    runs: int = 10,
    variant: str = "cv",
    jobs: int = 2,
    busy_processes: int = 0,
    scenarios: Sequence[str] = SCENARIOS,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Measure the chosen scenarios ``runs`` times in a scratch folder (the batch once)."""
    say = progress or (lambda _msg: None)
    unknown = sorted(set(scenarios) - set(SCENARIOS))
    if unknown:
        raise ValueError(f"unknown scenario {unknown[0]!r}: choose from {', '.join(SCENARIOS)}")
    _byte_compile()
    load_before = os.getloadavg()
    report = Report({}, {}, (load_before, load_before), runs, busy_processes)
    # As at a desk: no ``CI``, which keeps builds from leaving TeX runs waiting.
    plain = {k: v for k, v in os.environ.items() if k != "CI"} | {"CVPRESS_VERSION": ""}
    with (
        tempfile.TemporaryDirectory(prefix="cvpress-bench-") as tmp,
        busy(busy_processes),
        bench_served.server(cvpress_command(), plain, Path(tmp) / "run") as env,
        resident.ended(Path(tmp)),  # the runs its XeLaTeX and LuaLaTeX builds leave waiting
    ):
        work = Path(tmp)
        if "edit" in scenarios:
            _edit_scenarios(report, project, work / "edit", env, variant, jobs, say)
        if "batch" in scenarios:
            _batch_scenario(report, work / "batch", env, jobs, batch_size, say)
        if "unicode" in scenarios:
            _unicode_scenario(report, work / "unicode", env, say)
    report.load = (load_before, os.getloadavg())
    return report


def _edit_scenarios(
    report: Report,
    project: Path,
    work: Path,
    env: dict[str, str],
    variant: str,
    jobs: int,
    say: Callable[[str], None],
) -> None:
    """(a) to (e): the project's own data, copied."""
    shutil.copytree(project / "data", work / "data")
    if (project / "latex").is_dir():
        shutil.copytree(project / "latex", work / "latex")
    cli = cvpress_command()
    out = work / "build"
    edit = _Editor(work / "data" / "resume.yaml")
    cold = work / "cold"  # (a0) only: emptied before every run; `out` stays warm
    # (a), (a0), (c): the PDF alone, as the budget against a bare pass means it
    # (the seed's `cv` also writes HTML and Word, which (d) still includes).
    pdf_only = ["--format", "pdf"]
    one = [*cli, "build", "--variant", variant, *pdf_only, "--out", str(out)]
    one_cold = [*cli, "build", "--variant", variant, *pdf_only, "--out", str(cold)]
    every = [*cli, "build", "--jobs", str(jobs), "--out", str(out)]
    timings = {
        "a": Timing(f"build {variant} (PDF) after a data edit (warm caches)"),
        "a1": Timing("the same as (a) with the build server off (no budget)"),
        "a0": Timing(f"build {variant} after a data edit, empty build/"),
        "b": Timing(f"bare pdflatex pass over {variant}.tex (sandboxed)"),
        "c": Timing(f"no-op build {variant}"),
        "d": Timing(f"every variant after a data edit, --jobs {jobs}"),
        "sum": Timing("sum of every variant's bare pdflatex pass"),
        "e": Timing("cvpress --help"),
        "f": Timing(f"build {variant} fitted to one page less, after a data edit"),
    }
    report.timings.update(timings)
    say("edit: warming up")
    _timed(every, work, env)
    fitted = [*cli, "build", "--variant", _add_fit_variant(work, out, variant), "--out", str(out)]
    _timed(fitted, work, env)
    for i in range(report.runs):
        say(f"edit: run {i + 1}/{report.runs}")
        shutil.rmtree(cold, ignore_errors=True)
        edit()
        _add(timings["a0"], _timed(one_cold, work, env))
        edit()
        _add(timings["a"], _timed(one, work, env))
        _add(timings["c"], _timed(one, work, env))
        edit()
        _add(timings["a1"], _timed(one, work, {**env, "CVPRESS_SERVER": "off"}))
        tex = (out / f"{variant}.tex").read_text(encoding="utf-8")
        _add(timings["b"], _bare_pass(tex))
        edit()
        _timed(one, work, env)  # so (d) finds this variant's format warm too
        edit()
        _add(timings["d"], _timed(every, work, env))
        bare = [_bare_pass(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.tex"))]
        _add(timings["sum"], (sum(w for w, _ in bare), sum(c for _, c in bare)))
        _add(timings["e"], _timed([*cli, "--help"], work, env))
        edit()
        _add(timings["f"], _timed(fitted, work, env))
    for name, top, bottom in (
        ("a/b", "a", "b"),
        ("a0/b", "a0", "b"),
        ("c/b", "c", "b"),
        ("d/sum(b)", "d", "sum"),
        ("f/a", "f", "a"),
    ):
        report.ratios[name] = timings[top].median / timings[bottom].median
        report.cpu_ratios[name] = timings[top].cpu_median / timings[bottom].cpu_median
    report.ratios["e"] = timings["e"].median


def _add_fit_variant(work: Path, out: Path, variant: str) -> str:
    """Add ``<variant>-fit`` to the scratch variants file: fitted to one page less than it has."""
    import yaml

    from .pipeline.check import read_pdf

    pages = read_pdf((out / f"{variant}.pdf").read_bytes()).pages
    path = work / "data" / "variants.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    resume = yaml.safe_load((work / "data" / "resume.yaml").read_text(encoding="utf-8"))
    tags = sorted(set(tags_in(resume)))
    name = f"{variant}-fit"
    options = dict(spec["variants"][variant] or {})
    options.update(max_pages=max(1, pages - 1), fit=True, fit_drop_tags=tags)
    spec["variants"][name] = options
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return name


def _measured(
    command: Sequence[str], cwd: Path, env: dict[str, str]
) -> tuple[float, dict[str, float]]:
    """Wall seconds of ``cvpress ARGS`` and its own resource usage (see :data:`_MEASURED`)."""
    usage = cwd / "usage.json"
    seconds, _cpu = _timed([sys.executable, "-c", _MEASURED, str(usage), *command], cwd, env)
    found: dict[str, float] = json.loads(usage.read_text())
    usage.unlink()
    return seconds, found


def _batch_scenario(
    report: Report,
    work: Path,
    env: dict[str, str],
    jobs: int,
    count: int,
    say: Callable[[str], None],
) -> None:
    """(g): ``count`` generated résumés, ``--data FOLDER --jobs N``, into an empty folder."""
    from .bench_docs import write_batch

    folder = work / "resumes"
    write_batch(folder, count)
    args = ["build", "--data", str(folder), "--template", "compact", "--jobs", str(jobs)]
    say("batch: warming up")  # the template's format, once (it is cached per user)
    warm = work / "warm"
    warm.mkdir()
    write_batch(warm, 2)
    _timed([*cvpress_command(), "build", "--data", str(warm), "--template", "compact"], work, env)
    say(f"batch: {count} résumés, --jobs {jobs}")
    seconds, usage = _measured([*args, "--out", str(work / "out")], work, env)
    built = len(list((work / "out").glob("*.pdf")))
    if built != count:
        raise RuntimeError(f"the batch built {built} PDFs of {count}")
    total = usage["self_cpu"] + usage["children_cpu"]
    timing = Timing(f"batch: {count} one-page résumés, --data FOLDER --jobs {jobs}")
    _add(timing, (seconds, total))
    report.timings["g"] = timing
    report.ratios["batch PDFs/s"] = count / seconds
    share = usage["children_cpu"] / total if total else float("nan")
    report.notes.append(
        f"batch: {count / seconds:.1f} PDFs/s; CPU {total:.2f} s, of which TeX {share:.0%} "
        f"({1000 * usage['children_cpu'] / count:.0f} ms a PDF) and cvpress "
        f"{1000 * usage['self_cpu'] / count:.0f} ms a PDF; peak RSS cvpress "
        f"{usage['self_maxrss_kib'] / 1024:.0f} MiB, largest TeX run "
        f"{usage['children_maxrss_kib'] / 1024:.0f} MiB"
    )


def _unicode_scenario(
    report: Report, work: Path, env: dict[str, str], say: Callable[[str], None]
) -> None:
    """(h)/(h0): forced rebuilds of one generated résumé, Unicode and Latin, under ``auto``."""
    from .bench_docs import write_project

    cli = cvpress_command()
    timings = {
        "h": Timing("forced rebuild, Unicode résumé, engine auto"),
        "h0": Timing("forced rebuild, the same résumé in Latin script (pdflatex)"),
    }
    report.timings.update(timings)
    folders = {key: work / key for key in timings}
    for key, folder in folders.items():
        write_project(folder, unicode=key == "h")
        say(f"unicode: warming up ({key})")  # formats, luaotfload's font caches
        _timed([*cli, "build", "--force"], folder, env)
    for i in range(report.runs):
        say(f"unicode: run {i + 1}/{report.runs}")
        for key, folder in folders.items():
            time.sleep(UNICODE_PAUSE)
            _add(timings[key], _timed([*cli, "build", "--force"], folder, env))
    report.ratios["unicode/pdflatex"] = timings["h"].median / timings["h0"].median
    report.cpu_ratios["unicode/pdflatex"] = timings["h"].cpu_median / timings["h0"].cpu_median
    report.notes.append(f"unicode: auto picked {_engine_of(folders['h'] / 'build' / 'cv.log')}")


def _engine_of(log: Path) -> str:
    """The TeX engine that wrote ``log`` (its first line: ``This is XeTeX, ...``)."""
    first = log.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    for word, engine in (("XeTeX", "xelatex"), ("LuaHBTeX", "lualatex"), ("LuaTeX", "lualatex")):
        if word in first:
            return engine
    return first[:40] or "unknown"
