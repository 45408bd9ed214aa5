"""Load: generated résumés through the batch mode, ``cvpress build --data FOLDER``.

(tests/test_load.py tests the loader, ``cvpress.data.load``; this is load as in
many builds.)
~20 résumés by default, 200 under ``invoke test --full``, on 2 jobs. Every
PDF must open and hold its person's name; the batch process's memory is
sampled while it runs and must not trend upward (the last quarter of the run
may not use much more than the second quarter). Throughput (PDFs per second)
and peak memory are printed (``-s``) for the README; no assertion on time.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import FULL, cvpress_command
from cvpress.pipeline.check import read_pdf

COUNT = 200 if FULL else 20
#: Growth allowed between the second and the last quarter of the run.
GROWTH_MB = 40.0

pytestmark = pytest.mark.tex

_FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"]
_LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"]
_VERBS = ["Built", "Led", "Designed", "Shipped", "Scaled", "Mentored", "Automated", "Migrated"]
_THINGS = [
    "a streaming pipeline for 2 TB/day of events",
    "the on-call rotation & its runbooks",
    "a feature store used by 40% of models",
    "CI from 45 min to 9 min (5x faster)",
    "a C++ inference server with **p99** under 10 ms",
    "the team's hiring loop; hired 6 engineers",
    "[an open-source tool](https://example.com/tool) with 1k stars",
    "`terraform` modules for 3 regions",
]


def resume(rng: random.Random, index: int) -> dict[str, Any]:
    """A plausible résumé: 2-5 jobs with 2-5 bullets, education, skills."""
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)} {index:03d}"
    year = rng.randint(2005, 2016)
    work = []
    for job in range(rng.randint(2, 5)):
        start = year + 2 * job
        work.append(
            {
                "name": f"Company {rng.randint(1, 999)}",
                "position": rng.choice(["Engineer", "Senior Engineer", "Staff Engineer", "Lead"]),
                "location": rng.choice(["Berlin", "Barcelona", "New York, NY", "Remote"]),
                "startDate": f"{start}-{rng.randint(1, 12):02d}",
                **({"endDate": f"{start + 2}-{rng.randint(1, 12):02d}"} if job else {}),
                "highlights": [
                    f"{rng.choice(_VERBS)} {rng.choice(_THINGS)}" for _ in range(rng.randint(2, 5))
                ],
            }
        )
    return {
        "basics": {
            "name": name,
            "label": "Software Engineer",
            "email": f"person{index}@example.com",
            "summary": "Engineer who likes *boring* technology and fast builds.",
        },
        "work": list(reversed(work)),
        "education": [
            {
                "institution": "University of Somewhere",
                "area": "Computer Science",
                "studyType": "BSc",
                "startDate": str(year - 4),
                "endDate": str(year),
            }
        ],
        "skills": [{"name": "Languages", "keywords": ["Python", "Go", "SQL", "C++"]}],
    }


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def test_batch_of_generated_resumes(tmp_path: Path) -> None:
    rng = random.Random(7)
    folder = tmp_path / "resumes"
    folder.mkdir()
    names = {}
    for i in range(COUNT):
        data = resume(rng, i)
        path = folder / f"person-{i:03d}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        names[path.stem] = data["basics"]["name"]
    out = tmp_path / "out"
    started = time.perf_counter()
    child = subprocess.Popen(
        cvpress_command(
            *("build", "--data", str(folder), "--template", "classic", "--out", str(out)),
            *("--jobs", "2", "--engine", "pdflatex"),
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    samples: list[tuple[float, float]] = []

    def sample() -> None:
        while child.poll() is None:
            rss = _rss_mb(child.pid)
            if rss is not None:
                samples.append((time.perf_counter() - started, rss))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = child.communicate(timeout=1800)
    elapsed = time.perf_counter() - started
    sampler.join()
    assert child.returncode == 0, err[-2000:]

    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == COUNT
    for pdf in pdfs:
        facts = read_pdf(pdf.read_bytes())
        assert facts.pages >= 1
        assert names[pdf.stem] in facts.text
    assert not list(out.rglob("*.part"))

    # Memory: no upward trend across the batch.
    assert len(samples) >= 8, "the batch ran too briefly to sample"
    quarter = elapsed / 4
    second = [rss for t, rss in samples if quarter <= t < 2 * quarter]
    last = [rss for t, rss in samples if t >= 3 * quarter]
    assert second and last
    growth = max(last) - max(second)
    peak = max(rss for _, rss in samples)
    assert growth < GROWTH_MB, f"memory grew by {growth:.1f} MB over the batch"
    cores = os.cpu_count()
    print(
        f"\n[load] {COUNT} résumés, 2 jobs on {cores} cores: {elapsed:.1f} s, "
        f"{COUNT / elapsed:.2f} PDFs/s; cvpress RSS peak {peak:.0f} MB, "
        f"second-quarter max {max(second):.0f} MB, last-quarter max {max(last):.0f} MB"
    )
