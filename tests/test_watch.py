"""`cvpress watch` for real: a subprocess, real file edits, real rebuilds.

Waits are bounded by generous timeouts and never asserted on: the test says
*that* a save leads to a rebuild, not how fast (see `invoke bench` for speed).
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import cvpress_command, pdf_text, requires_tex

pytest.importorskip("watchfiles")

RESUME = """\
basics:
  name: Ada Lovelace
work:
  - name: Analytical Engines
    position: Programmer
    startDate: "1842-10"
    highlights:
      - {bullet}
"""
#: Bounded wait for one rebuild (TeX included) on a slow, busy CI machine.
TIMEOUT = 90.0


class Watcher:
    """The watch process and its output, line by line."""

    def __init__(self, cwd: Path) -> None:
        env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            cvpress_command("watch", "--variants", "data/variants.yaml", "--out", "build"),
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, pattern: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1.0)
            except queue.Empty:
                assert self.process.poll() is None, f"watch exited: {self.seen}"
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} within {TIMEOUT} s: {self.seen}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@requires_tex
def test_watch_rebuilds_on_save_and_survives_a_failed_build(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    resume = data / "resume.yaml"
    resume.write_text(RESUME.format(bullet="Wrote Note G"), encoding="utf-8")
    (data / "variants.yaml").write_text(
        "variants:\n  cv:\n    template: classic\n", encoding="utf-8"
    )
    pdf = tmp_path / "build" / "cv.pdf"
    watcher = Watcher(tmp_path)
    try:
        watcher.expect(r"^\d\d:\d\d:\d\d (built|unchanged) cv: ")
        assert "Wrote Note G" in pdf_text(pdf)

        # an edit, saved the way editors do it: write a temporary file, rename it over
        temp = data / ".resume.yaml.swp"
        temp.write_text(RESUME.format(bullet="Computed Bernoulli numbers"), encoding="utf-8")
        temp.replace(resume)
        watcher.expect(r"^\d\d:\d\d:\d\d built cv: ")
        assert "Computed Bernoulli numbers" in pdf_text(pdf)
        good = pdf.read_bytes()

        # a mistake: reported with its line, the process keeps running, the PDF stays
        resume.write_text(
            RESUME.format(bullet="x").replace('"1842-10"', "Sept 1842"), encoding="utf-8"
        )
        watcher.expect(r"^\d\d:\d\d:\d\d FAILED cv")
        watcher.expect(
            r"resume\.yaml:6:16: work\[0\]\.startDate: 'Sept 1842' is not an ISO 8601 date"
        )
        assert pdf.read_bytes() == good

        # fixed: the next save builds again
        resume.write_text(RESUME.format(bullet="Described loops"), encoding="utf-8")
        watcher.expect(r"^\d\d:\d\d:\d\d built cv: ")
        assert "Described loops" in pdf_text(pdf)
        assert watcher.process.poll() is None
    finally:
        watcher.stop()
    assert not [p.name for p in (tmp_path / "build").iterdir() if p.name.endswith(".part")]


def test_affected_variants_follow_their_inputs(tmp_path: Path) -> None:
    from cvpress.pipeline import watch

    data = tmp_path / "data"
    data.mkdir()
    (data / "a.yaml").write_text("basics: {name: A}\n", encoding="utf-8")
    (data / "b.yaml").write_text("basics: {name: B}\n", encoding="utf-8")
    variants = data / "variants.yaml"
    variants.write_text("variants:\n  a: {data: a.yaml}\n  b: {data: b.yaml}\n", encoding="utf-8")
    inputs = watch.inputs(variants)
    assert inputs.affected([data / "a.yaml"]) == ["a"]
    assert inputs.affected([data / "b.yaml", data / "other.txt"]) == ["b"]
    assert sorted(inputs.affected([variants])) == ["a", "b"]
    assert inputs.affected([data / "notes.md"]) == []
    template = next(iter(inputs.by_variant["a"] - {variants, (data / "a.yaml").resolve()}))
    assert sorted(inputs.affected([template])) == ["a", "b"]


@requires_tex
def test_watch_survives_its_inputs_going_and_coming_back(tmp_path: Path) -> None:
    """Issue 13: deleting and re-creating data/ crashed watch once and stalled it three times."""
    import shutil

    data = tmp_path / "data"
    data.mkdir()
    (data / "resume.yaml").write_text(RESUME.format(bullet="First"), encoding="utf-8")
    (data / "variants.yaml").write_text("variants:\n  cv: {template: classic}\n", "utf-8")
    pdf = tmp_path / "build" / "cv.pdf"
    watcher = Watcher(tmp_path)
    try:
        watcher.expect(r"^\d\d:\d\d:\d\d (built|unchanged) cv: ")

        # the whole folder deleted, then re-created with new content
        saved = tmp_path / "saved"
        shutil.copytree(data, saved)
        shutil.rmtree(data)
        watcher.expect(r"waiting for .*data/(resume|variants)\.yaml.*\(missing\)")
        data.mkdir()
        (data / "variants.yaml").write_text((saved / "variants.yaml").read_text(), "utf-8")
        (data / "resume.yaml").write_text(RESUME.format(bullet="Second"), encoding="utf-8")
        watcher.expect(r"^\d\d:\d\d:\d\d built cv: ")
        assert "Second" in pdf_text(pdf)

        # the folder renamed away and back
        data.rename(tmp_path / "elsewhere")
        watcher.expect(r"waiting for ")
        (tmp_path / "elsewhere").rename(data)
        (data / "resume.yaml").write_text(RESUME.format(bullet="Third"), encoding="utf-8")
        watcher.expect(r"^\d\d:\d\d:\d\d built cv: ")
        assert "Third" in pdf_text(pdf)

        # only the data file deleted, then written again
        (data / "resume.yaml").unlink()
        watcher.expect(r"waiting for .*data/resume\.yaml")
        (data / "resume.yaml").write_text(RESUME.format(bullet="Fourth"), encoding="utf-8")
        watcher.expect(r"^\d\d:\d\d:\d\d built cv: ")
        assert "Fourth" in pdf_text(pdf)
        assert watcher.process.poll() is None
        assert not [line for line in watcher.seen if "internal error" in line]
    finally:
        watcher.stop()


@requires_tex
def test_a_folder_that_goes_again_right_after_a_build_is_said_to_be_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """data/ deleted, re-created, and renamed away as the build it caused ends.

    The watch said the files were missing before they came back; the build
    that read them ends that, so their going again is said again (it once
    stayed silent, and waited unseen). In-process, so that the folder goes
    at exactly that moment: as the build returns.
    """
    import shutil

    from cvpress.pipeline import watch as watch_mod
    from cvpress.pipeline.targets import Options

    data = tmp_path / "data"
    data.mkdir()
    (data / "resume.yaml").write_text(RESUME.format(bullet="First"), encoding="utf-8")
    (data / "variants.yaml").write_text("variants:\n  cv: {template: classic}\n", "utf-8")
    saved = tmp_path / "saved"
    shutil.copytree(data, saved)
    said: queue.Queue[list[Path]] = queue.Queue()
    built: queue.Queue[str] = queue.Queue()
    real_rebuild = watch_mod._rebuild
    back = threading.Event()

    def rebuild(*args: object, **kwargs: object) -> object:
        read = real_rebuild(*args, **kwargs)  # type: ignore[arg-type]
        if back.is_set() and read is not None:
            back.clear()
            data.rename(tmp_path / "elsewhere")  # gone again as the build ends
        return read

    monkeypatch.setattr(watch_mod, "_rebuild", rebuild)
    stop = threading.Event()
    variants = (data / "variants.yaml").resolve()
    thread = threading.Thread(
        target=watch_mod.watch,
        args=(variants, [], Options(out=tmp_path / "build")),
        kwargs={
            "report": lambda outcome: built.put(outcome.status),
            "problem": lambda exc: None,
            "waiting": said.put,
            "stop": stop,
        },
    )
    thread.start()
    try:
        assert built.get(timeout=TIMEOUT) == "built"

        def said_missing(name: str) -> None:
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline:
                missing = said.get(timeout=max(0.1, deadline - time.monotonic()))
                if any(p.name == name for p in missing):
                    return
            raise AssertionError(f"{name} was never said to be missing")

        shutil.rmtree(data)
        said_missing("variants.yaml")
        back.set()
        shutil.copytree(saved, data)
        said_missing("variants.yaml")  # said again once the build that read it ended
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
