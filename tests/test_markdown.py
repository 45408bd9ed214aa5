"""Inline Markdown in free text, and bold_keywords, down to the PDF's fonts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import requires_tex, squash
from cvpress.pipeline import targets
from cvpress.pipeline.check import read_pdf
from cvpress.tex.markdown import markdown, plain_markdown

CASES = {
    "**bold** and *it*": r"\textbf{bold} and \emph{it}",
    "__bold__ and _it_": r"\textbf{bold} and \emph{it}",
    "[site](https://example.com/a_b)": r"\href{https://example.com/a_b}{site}",
    "`co_de` & more": r"\texttt{co\_de} \& more",
    "**bold *nested it***": r"\textbf{bold \emph{nested it}}",
    # everything else stays literal
    "# not a heading": r"\# not a heading",
    "1. not a list": "1. not a list",
    "> not a quote": r"\textgreater{} not a quote",
    # The safe inline-HTML subset reads as Markdown; any other tag is text.
    "<b>safe html</b>": r"\textbf{safe html}",
    "<p>other html</p>": r"\textless{}p\textgreater{}other html\textless{}/p\textgreater{}",
    "![no image](https://example.com/i.png)": "![no image](https://example.com/i.png)",
    "[no script](javascript:alert(1))": "[no script](javascript:alert(1))",
    "**unclosed": "**unclosed",
    "2 * 3 * 4": "2 * 3 * 4",
    "snake_case_name": r"snake\_case\_name",
    "back\\slash \\*not escaped\\*": (
        r"back\textbackslash{}slash \textbackslash{}\emph{not escaped\textbackslash{}}"
    ),
    "para one\n\npara two": r"para one\par para two",
}


@pytest.mark.parametrize("source", list(CASES))
def test_inline_markdown_to_latex(source: str) -> None:
    assert markdown(source) == CASES[source]


def test_plain_text_drops_only_the_markup() -> None:
    assert plain_markdown("**Led** the *move* to [Kubernetes](https://k8s.io) with `kubectl`") == (
        "Led the move to Kubernetes with kubectl"
    )
    assert (
        plain_markdown("# literal ![x](https://e.com/i.png)")
        == "# literal ![x](https://e.com/i.png)"
    )


def test_bold_keywords_whole_words_and_not_inside_markup() -> None:
    bold = ("Python", "C++", "Apache Airflow")
    assert markdown("Python, Pythonic, python and C++ on Apache Airflow", bold=bold) == (
        r"\textbf{Python}, Pythonic, python and \textbf{C++} on \textbf{Apache Airflow}"
    )
    # already bold, or link text: left as written (no \textbf inside \textbf or \href)
    assert markdown("**Python** [Python](https://python.org)", bold=bold) == (
        r"\textbf{Python} \href{https://python.org}{Python}"
    )


def _fonts_by_text(pdf: bytes) -> list[tuple[str, str]]:
    from pypdf import PdfReader

    runs: list[tuple[str, str]] = []

    def visit(text: str, _cm: object, _tm: object, font: object, _size: object) -> None:
        if text.strip() and isinstance(font, dict):
            runs.append((text.strip(), str(font.get("/BaseFont", ""))))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return runs


@requires_tex
def test_markdown_and_bold_keywords_in_a_real_pdf(tmp_path: Path) -> None:
    data = tmp_path / "resume.yaml"
    data.write_text(
        """\
basics:
  name: Ada Lovelace
  summary: "Likes **strong claims**, *gentle asides* and [links](https://example.com/ada)."
work:
  - name: Engines
    position: Programmer
    startDate: "2024"
    highlights:
      - Ported the scheduler to Kubernetes with `kubectl` in a week
""",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    outcomes = targets.build_adhoc(
        [data],
        "classic",
        targets.Options(out=out, force=True),
        overrides={"bold_keywords": ["Kubernetes"]},
    )
    assert outcomes[0].status == "built", outcomes[0].error and outcomes[0].error.problems
    pdf = (out / "classic.pdf").read_bytes()
    text = read_pdf(pdf).text
    assert "**" not in text and "[links]" not in text and "`" not in text
    assert squash("Likes strong claims, gentle asides and links.") in squash(text)
    tex = (out / "classic.tex").read_text(encoding="utf-8")
    assert (
        r"\textbf{strong claims}" in tex
        and r"\textbf{Kubernetes}" in tex
        and r"\texttt{kubectl}" in tex
    )
    runs = _fonts_by_text(pdf)
    bold = {
        t
        for t, font in runs
        if "bold" in font.lower() or font.lower().endswith(("-bx", "bx10", "bx12"))
    }
    regular = {t for t, font in runs if t not in bold}
    assert any("Kubernetes" in t for t in bold), runs
    assert {"strong", "claims"} <= bold, runs
    assert not any("Ported the scheduler" in t for t in bold), runs
    assert regular
