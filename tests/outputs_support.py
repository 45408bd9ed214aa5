"""What tests/test_html.py and tests/test_docx.py share: selections and hostile documents."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from conftest import SEED, squash
from cvpress.data import load, select, validate
from cvpress.data.model import Resume
from cvpress.data.variants import Variant
from cvpress.tex.templates import available
from injection import corpus

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "outputs"
SEED_RESUME = FIXTURES / "seed-resume.yaml"
CJK_RTL = FIXTURES / "cjk-rtl.yaml"
JSONRESUME = Path(__file__).resolve().parent / "fixtures" / "jsonresume-full.json"
TEMPLATES = sorted(available())
#: 2023-11-14T22:13:20Z: any fixed SOURCE_DATE_EPOCH.
EPOCH = 1_700_000_000


@dataclass(frozen=True)
class Selection:
    """A résumé selected for a variant: what the renderers take."""

    resume: Resume
    variant: Variant
    order: tuple[str, ...]


def selection(path: Path, **options: Any) -> Selection:
    resume = validate.resume(load.load(path))
    variant = Variant.model_validate({"name": "test", **options})
    chosen, order = select.apply(resume, variant)
    return Selection(chosen, variant, order)


def missing_seed_facts(text: str) -> list[str]:
    """The bullets, organisations and positions of the seed's source text that ``text`` lacks.

    Whitespace is ignored, as in the PDF check; there are at least 60 to look for.
    """
    source = SEED.read_text(encoding="utf-8")
    bullets = [m.group(1).strip() for m in re.finditer(r"^ - (?!\*\*Courses)(.+)$", source, re.M)]
    heads = re.findall(r"^- \*\*(.+?)\*\* \*(.+?), [^,*]+\*$", source, re.M)
    facts = [*bullets, *(part for head in heads for part in head)]
    assert len(facts) >= 60
    haystack = squash(text)
    return [f for f in facts if squash(f) not in haystack]


@dataclass(frozen=True)
class Hostile:
    """Documents holding hostile text, and what each must print verbatim."""

    paths: list[Path]
    expect: list[list[str]]


def hostile(tmp: Path) -> Hostile:
    """The injection corpus (every payload the model accepts) plus the HTML/XML payloads.

    The corpus's markers make each payload findable in the text; payloads the
    TeX tests keep apart because a font lacks the glyph (CJK, emoji) are
    included: HTML and Word have no such limit.
    """
    payloads = corpus.payloads("/nonexistent/secret.txt", "../secret.txt")
    extra = yaml.safe_load((FIXTURES / "hostile.yaml").read_text(encoding="utf-8"))["payloads"]
    start = len(payloads)
    payloads += [corpus.Payload(start + i, f"html-{i}", text) for i, text in enumerate(extra)]
    accepted = {
        kind: [p for p in payloads if corpus.probe(kind, p, tmp) is None] for kind in corpus.KINDS
    }
    plan = corpus.plan(accepted, rotation=None)
    paths = []
    for index, doc in enumerate(plan.docs):
        path = tmp / f"hostile-{index}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        paths.append(path)
    return Hostile(paths, [[text for _, _, text in expect] for expect in plan.expect])
