"""Bullets print what the person typed, whatever they start with, in scalable fonts.

A bullet beginning with ``[`` used to be read by LaTeX's ``\\item`` as its
optional label (``[x] done`` lost ``[x]``); inline ``code`` under pdfLaTeX
used a typewriter face that exists only as a METAFONT bitmap (a Type 3 font,
generated at build time).
"""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from conftest import pdf_text, run_cvpress, squash

RESUME = """\
basics:
  name: Bracket Tester
work:
  - name: Example Org
    position: Engineer
    startDate: "2020"
    highlights:
      - "[x] shipped the first release"
      - "[RFC 9110] implemented, with `curl --http2` checks"
      - "{braces} and [brackets] stay as typed"
"""


@pytest.mark.tex
@pytest.mark.parametrize("template", ["classic", "compact", "modern", "sidebar"])
def test_bullets_starting_with_a_bracket_print_verbatim(tmp_path: Path, template: str) -> None:
    data = tmp_path / "r.yaml"
    data.write_text(RESUME, encoding="utf-8")
    done = run_cvpress(
        "build", "--data", str(data), "--template", template, "--out", str(tmp_path / "out")
    )
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "out" / f"{template}.pdf"  # one --data file: named after the template
    text = squash(pdf_text(pdf))
    for bullet in (
        "[x] shipped the first release",
        "[RFC 9110] implemented, with curl --http2 checks",
        "{braces} and [brackets] stay as typed",
    ):
        assert squash(bullet) in text, bullet
    # pypdf, a second reader: every font the PDF uses is a scalable outline font.
    reader = pypdf.PdfReader(pdf)
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            assert ref.get_object()["/Subtype"] != "/Type3", ref.get_object().get("/BaseFont")
