"""Checks that stand in for running GitHub Actions here.

GitHub is not reachable from the test machine, so the workflows are checked
the ways that are: actionlint (syntax, expressions, shellcheck on every
``run:``), and a reading of the YAML that fails when a step calls an invoke
task or a script that does not exist, when a step does work without going
through an invoke task, when an action is not pinned to a full commit SHA, or
when a failing test would skip building or uploading the PDFs.
The release job's asset globs are matched against a real ``invoke release``
in tests/test_release.py, which reuses the helpers below.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
CI = WORKFLOWS / "ci.yml"
RELEASE = WORKFLOWS / "release.yml"

#: Steps allowed to run shell without an invoke task, and why.
PLUMBING = {
    # Lint needs no TeX: the same .venv ./bootstrap makes, minus TeX Live.
    "Install cvpress and its dev tools",
    # apt-get runs as root, actions/cache as the runner user.
    "Let the cache reach apt's downloaded packages",
    # The upload: only possible on GitHub (tested by its globs below).
    "Publish the GitHub Release",
}
_INVOKE = re.compile(r"(?:^|[\s;&|(])(?:\.venv/bin/)?invoke\s+([A-Za-z][\w-]*)")
_SCRIPT = re.compile(r"(?:^|[\s;&|(])(\./[\w./-]+)")
_PINNED = re.compile(r"^\s*-?\s*uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$")


# ------------------------------------------------------------------ helpers

#: Where the dev extra's console scripts live: beside this Python (``.venv/bin``
#: when run through ``.venv/bin/invoke test``, which does not touch PATH).
BIN = Path(sys.executable).parent


def tool(name: str) -> str | None:
    """A dev tool's path: this Python's own first, then PATH."""
    own = BIN / name
    if own.is_file() and os.access(own, os.X_OK):
        return str(own)
    return shutil.which(name)


def tool_env(**extra: str) -> dict[str, str]:
    """The environment with this Python's scripts first on PATH (actionlint finds shellcheck)."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **extra}


def missing(*names: str) -> str | None:
    """A skip reason naming the tools that are not installed, or None."""
    absent = [name for name in names if tool(name) is None]
    if not absent:
        return None
    names = ", ".join(absent)
    return (
        f"{names} not installed: pip install -e '.[dev]' (actionlint: Linux x86-64/Windows wheels)"
    )


def load_workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(job id, step) for every step of every job."""
    return [
        (job_id, step) for job_id, job in workflow["jobs"].items() for step in job.get("steps", [])
    ]


def run_steps(workflow: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(job id, step name, script) for every ``run:`` step."""
    return [
        (job, str(step.get("name", "")), str(step["run"]))
        for job, step in steps(workflow)
        if "run" in step
    ]


def invoked(script: str) -> list[list[str]]:
    """Every ``invoke TASK ARGS...`` call in a script, as its words."""
    calls = []
    for line in script.replace("\\\n", " ").splitlines():
        for match in _INVOKE.finditer(line):
            rest = line[match.start(1) :]
            calls.append(shlex.split(rest.split("&&")[0].split(";")[0]))
    return calls


def task_names() -> set[str]:
    """The tasks tasks.py defines, as invoke spells them on the command line."""
    from invoke import Task

    spec = importlib.util.spec_from_file_location("cvpress_tasks_under_test", ROOT / "tasks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    names = set()
    for value in vars(module).values():
        if isinstance(value, Task):
            names.add(value.name.replace("_", "-"))
            names.update(value.aliases)
    return names


def option(words: list[str], name: str) -> str | None:
    """The value of ``--name VALUE`` or ``--name=VALUE`` in a command's words."""
    for i, word in enumerate(words):
        if word == name and i + 1 < len(words):
            return words[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def release_assets(workflow: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    """(the --out of ``invoke release``, the upload's asset globs, the notes files)."""
    out = None
    globs: list[str] = []
    notes: list[str] = []
    for _, name, script in run_steps(workflow):
        for call in invoked(script):
            if call[0] == "release":
                out = option(call, "--out") or "dist"
        if name == "Publish the GitHub Release":
            for line in script.replace("\\\n", " ").splitlines():
                words = shlex.split(line)
                if words[:3] in (["gh", "release", "create"], ["gh", "release", "upload"]):
                    globs += [w for w in words[3:] if not w.startswith("-") and "/" in w]
                for word in words:
                    if word.endswith("release-notes.md"):
                        notes.append(word)
    assert out is not None, "no `invoke release` step"
    return out, globs, notes


# -------------------------------------------------------------------- tests


def test_actionlint_passes_on_both_workflows() -> None:
    reason = missing("actionlint")
    if reason:
        pytest.skip(reason)
    result = subprocess.run(
        [
            str(tool("actionlint")),
            "-no-color",
            str(CI.relative_to(ROOT)),
            str(RELEASE.relative_to(ROOT)),
        ],
        cwd=ROOT,
        env=tool_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The check above is real: actionlint fails an undefined expression and bad shell."""
    reason = missing("actionlint", "shellcheck")
    if reason:
        pytest.skip(reason)
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    text = CI.read_text(encoding="utf-8").replace("${{ matrix.python }}", "${{ matrix.pyhton }}", 1)
    text = text.replace("run: .venv/bin/invoke lint", "run: echo $UNQUOTED", 1)
    bad.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [str(tool("actionlint")), "-no-color", str(bad)],
        cwd=tmp_path,
        env=tool_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "pyhton" in result.stdout
    assert "SC2086" in result.stdout  # shellcheck ran on the run: scripts


@pytest.mark.parametrize("path", [CI, RELEASE], ids=["ci", "release"])
def test_every_invoke_task_and_script_a_step_calls_exists(path: Path) -> None:
    tasks = task_names()
    workflow = load_workflow(path)
    called = []
    for job, name, script in run_steps(workflow):
        for call in invoked(script):
            assert call[0] in tasks, (
                f"{path.name}: job {job}, step {name!r} calls `invoke {call[0]}`, "
                f"which tasks.py does not define (tasks: {sorted(tasks)})"
            )
            called.append(call[0])
        for script_path in _SCRIPT.findall(script):
            target = ROOT / script_path
            assert target.is_file() and os.access(target, os.X_OK), (
                f"{path.name}: step {name!r} runs {script_path}, which is not an executable file"
            )
    assert called, f"{path.name} calls no invoke task"


@pytest.mark.parametrize("path", [CI, RELEASE], ids=["ci", "release"])
def test_every_step_that_does_work_goes_through_invoke_or_bootstrap(path: Path) -> None:
    for job, name, script in run_steps(load_workflow(path)):
        through_tasks = bool(invoked(script)) or "./bootstrap" in script
        assert through_tasks or name in PLUMBING, (
            f"{path.name}: job {job}, step {name!r} runs shell that is not an invoke task: "
            "move the work into tasks.py (so it runs locally), or add it to PLUMBING with a reason"
        )


def test_the_invoke_task_checker_notices_a_missing_task() -> None:
    script = "set -e\n.venv/bin/invoke lint\ninvoke no-such-task --flag\n"
    assert [c[0] for c in invoked(script)] == ["lint", "no-such-task"]
    assert "no-such-task" not in task_names()


@pytest.mark.parametrize("path", [CI, RELEASE], ids=["ci", "release"])
def test_actions_are_pinned_to_full_commit_shas_with_a_version_comment(path: Path) -> None:
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"^\s*-?\s*uses:", line)
    ]
    assert lines
    for line in lines:
        assert _PINNED.match(line), (
            f"{path.name}: not pinned to a 40-hex SHA with '# vX.Y.Z': {line.strip()}"
        )


def _runs_when_an_earlier_step_failed(step: dict[str, Any]) -> bool:
    """Whether a step's ``if:`` lets it run after a failed step (``always()``, ``!cancelled()``)."""
    condition = re.sub(r"\s+", "", str(step.get("if", "")))
    return "always()" in condition or "!cancelled()" in condition


def pdf_steps_after_tests(workflow: dict[str, Any]) -> list[tuple[str, bool]]:
    """(step name, runs even when the tests failed) for each step after ``invoke test``
    in its job that builds the PDFs (``invoke build``) or uploads them."""
    found = []
    for job in workflow["jobs"].values():
        tested = False
        for step in job.get("steps", []):
            calls = {call[0] for call in invoked(str(step.get("run", "")))}
            uploads = str(step.get("uses", "")).startswith("actions/upload-artifact@")
            if tested and ("build" in calls or uploads):
                name = str(step.get("name", step.get("uses")))
                found.append((name, _runs_when_an_earlier_step_failed(step)))
            tested = tested or "test" in calls
    return found


def test_ci_lints_tests_and_builds_the_pdfs_even_when_tests_fail() -> None:
    """What CI is for: lint, test, and hand over the PDFs whatever the tests say."""
    ci = load_workflow(CI)
    tasks = {call[0] for _, _, script in run_steps(ci) for call in invoked(script)}
    assert {"lint", "test", "build"} <= tasks
    pdf_steps = pdf_steps_after_tests(ci)
    assert len(pdf_steps) >= 2, f"no build and upload step after the tests: {pdf_steps}"
    skipped = [name for name, runs in pdf_steps if not runs]
    assert not skipped, f"skipped when a test fails (add `if: ${{{{ !cancelled() }}}}`): {skipped}"


def test_the_pdf_step_checker_notices_a_step_skipped_after_failed_tests() -> None:
    ci = load_workflow(CI)
    for job in ci["jobs"].values():
        for step in job.get("steps", []):
            step.pop("if", None)
    pdf_steps = pdf_steps_after_tests(ci)
    assert pdf_steps and not any(runs for _, runs in pdf_steps)


def test_release_runs_on_version_tags_one_at_a_time_and_only_it_may_write() -> None:
    release = load_workflow(RELEASE)
    assert release["on"]["push"]["tags"] == ["v*"]
    assert release["permissions"] == {"contents": "read"}
    assert release["concurrency"]["cancel-in-progress"] is False
    writers = [
        name
        for name, job in release["jobs"].items()
        if job.get("permissions", {}).get("contents") == "write"
    ]
    assert writers == ["release"]
    scripts = "\n".join(script for _, _, script in run_steps(release))
    assert "--generate-notes" in scripts and "--notes-file" in scripts
    out, globs, notes = release_assets(release)
    assert globs and all(g.startswith(out + "/") for g in globs), globs
    assert notes and all(n == f"{out}/release-notes.md" for n in notes)


def test_pre_commit_runs_ruff_mypy_actionlint_and_a_yaml_check() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff", "ruff-format", "mypy", "actionlint", "check-yaml"} <= set(hooks)
    assert all(hook["language"] == "system" for hook in hooks.values()), "offline: local tools only"
    reason = missing(*(hook["entry"].split()[0] for hook in hooks.values()))
    if reason:
        pytest.skip(reason)


def test_pre_commit_hooks_pass_on_the_workflows(tmp_path: Path) -> None:
    """The actionlint and YAML hooks, run by pre-commit itself in a scratch repository."""
    reason = missing("pre-commit", "actionlint", "check-yaml")
    if reason:
        pytest.skip(reason)
    repo = tmp_path / "repo"
    shutil.copytree(WORKFLOWS, repo / ".github" / "workflows")
    shutil.copy(ROOT / ".pre-commit-config.yaml", repo)
    shutil.copytree(ROOT / "tests" / "fixtures" / "seed", repo / "data")
    env = tool_env(PRE_COMMIT_HOME=str(tmp_path / "cache"), GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    for hook in ("actionlint", "check-yaml"):
        result = subprocess.run(
            [str(tool("pre-commit")), "run", hook, "--all-files", "--color", "never"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Passed" in result.stdout
