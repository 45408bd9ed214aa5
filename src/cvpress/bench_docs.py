"""Résumés made up for ``invoke bench``: a batch of one-page documents, and a Unicode one.

The bench never reads the person's ``data/``: the batch and Unicode
scenarios build documents written here into a temporary folder. Each is a
valid JSON Resume document (tests/test_bench.py validates them) that differs
from the others in every field a template prints, so no two PDFs are alike
and nothing is skipped as unchanged; the same index always gives the same
document, so runs compare.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_FIRST = (
    "Ada",
    "Alan",
    "Grace",
    "Edsger",
    "Barbara",
    "Donald",
    "Frances",
    "John",
    "Karen",
    "Niklaus",
)
_LAST = ("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus", "Jones")
_ROLES = ("Software Engineer", "Data Engineer", "Researcher", "Site Reliability Engineer")
_FIRMS = (
    "Analytical Engines",
    "Difference Works",
    "Tabulating Co.",
    "Relay Systems",
    "Core Memory",
)
_SKILLS = ("Python", "C", "SQL", "Rust", "Go", "LaTeX", "Kubernetes", "PostgreSQL", "Linux")

#: Text that pdfLaTeX cannot print, so ``engine: auto`` picks a Unicode engine:
#: Greek, Cyrillic and Chinese, as a résumé written in (or naming) them has.
UNICODE_NAME = "Ελένη Παπαδοπούλου (王小明)"
UNICODE_SUMMARY = (
    "Инженер-программист. Distributed systems and compilers; "
    "αλγόριθμοι και δομές δεδομένων; 分布式系统与编译器。"
)


def resume(index: int, *, unicode: bool = False) -> dict[str, Any]:
    """The ``index``-th made-up résumé, short enough for one page under every template."""
    first, last = _FIRST[index % len(_FIRST)], _LAST[index // len(_FIRST) % len(_LAST)]
    start = 2010 + index % 9

    def job(n: int) -> dict[str, Any]:
        return {
            "name": f"{_FIRMS[(index + n) % len(_FIRMS)]} {index}",
            "position": _ROLES[(index + n) % len(_ROLES)],
            "startDate": f"{start + 3 * n}-{1 + (index + n) % 12:02d}",
            **({"endDate": f"{start + 3 * n + 2}-06"} if n == 0 else {}),
            "highlights": [
                f"Cut the build time of project {index}-{n} by {10 + (index * 7 + n) % 80}%.",
                f"Led a team of {2 + (index + n) % 6} engineers through {3 + index % 5} releases.",
            ],
        }

    return {
        "basics": {
            "name": UNICODE_NAME if unicode else f"{first} {last} {index}",
            "label": _ROLES[index % len(_ROLES)],
            "email": f"person{index}@example.com",
            "summary": UNICODE_SUMMARY
            if unicode
            else f"Engineer number {index}, working on **reliable** systems since {start}.",
        },
        "work": [job(0), job(1)],
        "education": [
            {
                "institution": f"University {index % 17}",
                "area": "Computer Science",
                "studyType": "BSc",
                "startDate": f"{start - 4}",
                "endDate": f"{start}",
            }
        ],
        "skills": [
            {"name": "Languages", "keywords": list(_SKILLS[index % 4 : index % 4 + 4])},
            {"name": "Tools", "keywords": list(_SKILLS[4 + index % 3 : 7 + index % 3])},
        ],
    }


def write_batch(folder: Path, count: int) -> list[Path]:
    """``count`` résumés as ``folder/resume-NNN.yaml``, the batch mode's input."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"resume-{index:03d}.yaml"
        path.write_text(
            yaml.safe_dump(resume(index), allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        paths.append(path)
    return paths


def write_project(folder: Path, *, unicode: bool, template: str = "classic") -> Path:
    """A project whose one variant, ``cv``, builds one résumé under ``engine: auto``.

    Returns its variants file.
    """
    import yaml

    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "resume.yaml").write_text(
        yaml.safe_dump(resume(0, unicode=unicode), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    variants = data / "variants.yaml"
    variants.write_text(
        yaml.safe_dump({"variants": {"cv": {"template": template, "engine": "auto"}}}),
        encoding="utf-8",
    )
    return variants


def tags_in(value: object) -> list[str]:
    """Every tag written anywhere in the data."""
    if isinstance(value, dict):
        found = (
            [str(t) for t in value.get("tags") or ()] if isinstance(value.get("tags"), list) else []
        )
        return found + [t for v in value.values() for t in tags_in(v)]
    if isinstance(value, list):
        return [t for v in value for t in tags_in(v)]
    return []
