"""select: tags on entries and bullets, sections and their order, limits; page overflow."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, requires_tex, run_cvpress
from cvpress.data import load, select, validate
from cvpress.data.model import Resume
from cvpress.data.variants import Variant
from cvpress.tex import render

DOC = """
basics:
  name: Tag Tester
  summary: A summary line.
work:
  - name: Alpha
    position: Infra
    startDate: "2020"
    tags: [infra]
    highlights:
      - plain bullet
      - {text: infra bullet, tags: [infra]}
      - {text: detail bullet, tags: [detail]}
      - {text: both bullet, tags: [infra, detail]}
  - name: Beta
    position: Web
    startDate: "2018"
    endDate: "2019"
    tags: [web]
    highlights: [web bullet]
  - name: Gamma
    position: Untagged
    startDate: "2016"
    endDate: "2017"
education:
  - institution: Uni One
  - institution: Uni Two
  - institution: Uni Three
skills:
  - name: Tools
    keywords: [make]
custom:
  - title: Talks
    tags: [talks]
    entries:
      - title: Talk A
      - title: Talk B
        tags: [old]
"""


@pytest.fixture(scope="module")
def resume() -> Resume:
    return validate.resume(load.loads(DOC, "tags.yaml"))


def pick(resume: Resume, **options: object) -> tuple[Resume, tuple[str, ...]]:
    return select.apply(resume, Variant.model_validate({"name": "t", **options}))


def bullets(entry: object) -> list[str]:
    return [b.text for b in entry.highlights]  # type: ignore[attr-defined]


def test_no_options_keeps_everything(resume: Resume) -> None:
    chosen, order = pick(resume)
    assert chosen == resume
    assert order == (*select.section_names(resume),)


def test_include_tags_keep_matching_and_untagged(resume: Resume) -> None:
    chosen, _ = pick(resume, include_tags=["infra"])
    assert [w.name for w in chosen.work] == ["Alpha", "Gamma"]
    assert bullets(chosen.work[0]) == ["plain bullet", "infra bullet", "both bullet"]
    assert len(chosen.education) == 3  # untagged sections are untouched


def test_exclude_tags_win_over_include(resume: Resume) -> None:
    chosen, _ = pick(resume, include_tags=["infra"], exclude_tags=["detail"])
    assert bullets(chosen.work[0]) == ["plain bullet", "infra bullet"]
    chosen, _ = pick(resume, exclude_tags=["web", "old"])
    assert [w.name for w in chosen.work] == ["Alpha", "Gamma"]
    assert [e.title for e in chosen.custom[0].entries] == ["Talk A"]


def test_tags_on_custom_sections(resume: Resume) -> None:
    chosen, order = pick(resume, exclude_tags=["talks"])
    assert chosen.custom == ()
    assert "talks" not in render.section_order(chosen, order)


def test_sections_choose_and_order(resume: Resume) -> None:
    chosen, order = pick(resume, sections=["skills", "work", "talks"])
    assert order == ("skills", "work", "talks")
    assert chosen.education == ()
    assert chosen.basics.summary is None  # summary not listed: dropped
    assert render.section_order(chosen, order) == ["skills", "work", "talks"]


def test_max_items_and_max_highlights(resume: Resume) -> None:
    chosen, _ = pick(resume, max_items={"education": 2, "work": 1, "talks": 1}, max_highlights=2)
    assert [e.institution for e in chosen.education] == ["Uni One", "Uni Two"]
    assert [w.name for w in chosen.work] == ["Alpha"]
    assert bullets(chosen.work[0]) == ["plain bullet", "infra bullet"]
    assert len(chosen.custom[0].entries) == 1


def test_max_items_applies_after_tags(resume: Resume) -> None:
    chosen, _ = pick(resume, exclude_tags=["infra"], max_items={"work": 1})
    assert [w.name for w in chosen.work] == ["Beta"]


def test_unknown_section_names_are_reported(resume: Resume) -> None:
    variant = Variant.model_validate(
        {"name": "t", "sections": ["work", "skils"], "max_items": {"edu": 1}}
    )
    assert select.unknown_sections(resume, variant) == ["skils", "edu"]


def test_rendered_tex_follows_the_order(resume: Resume) -> None:
    variant = Variant.model_validate({"name": "t", "sections": ["skills", "education", "work"]})
    chosen, order = select.apply(resume, variant)
    tex = render.render(chosen, variant, engine="pdflatex", sections=order)
    body = tex[tex.index(r"\begin{document}") :]
    positions = [
        body.index(r"\cvsection{" + title) for title in ("Skills", "Education", "Experience")
    ]
    assert positions == sorted(positions)
    assert "Summary" not in body and "Talks" not in body


def test_resume_variant_selects_ml_infra_content() -> None:
    """data/variants.yaml's one-pager: tagged ml-infra content, no `detail` bullets."""
    person = validate.resume(load.load(DATA))
    variants = {v.name: v for v in validate.variants(DATA.parent / "variants.yaml")}
    chosen, _ = select.apply(person, variants["resume"])
    texts = [b.text for w in chosen.work for b in w.highlights]
    assert texts and all("detail" not in b.tags for w in chosen.work for b in w.highlights)
    assert all("ml-infra" in w.tags or not w.tags for w in chosen.work)
    assert "inLab FIB" not in [w.name for w in chosen.work]


@requires_tex
def test_overlong_compact_fails_with_the_overflow(tmp_path: Path) -> None:
    """A one-page limit on the full data in `compact` at 12pt: exit 1, how much, which variant."""
    variants = tmp_path / "variants.yaml"
    variants.write_text(
        f"variants:\n  too-long:\n    template: compact\n    data: {DATA}\n"
        "    font_size: 12\n    max_pages: 1\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run = run_cvpress("build", "--variants", str(variants), "--out", str(out), timeout=120)
    assert run.returncode == 1, run.stderr
    assert "'too-long'" in run.stderr
    assert "over its limit of 1" in run.stderr
    assert "lines too many" in run.stderr
    assert not (out / "too-long.pdf").exists()
