"""Every special character reaches the PDF's text unchanged: one compiled document.

LaTeX's specials (# $ % & ~ _ ^ \\ { }), quotes that TeX would curl, dashes
that TeX would fuse, and the seed's accented letters, each in a plain field, a
bullet (which goes through inline Markdown, so a backtick there is code
and is left out here) and a URL (printed and linked).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import requires_tex, squash
from cvpress.pipeline import targets
from cvpress.pipeline.check import read_pdf

SPECIALS = "# $ % & ~ _ ^ \\ { }"
QUOTES = "\"double\" 'single' “curly” ‘single curly’"
DASHES = "a-b a--b a---b a–b a—b"
ACCENTS = "è ç ñ à"
#: Pairs a font would fuse into one glyph: pdfLaTeX's T1 fonts print "‘" as "`".
FUSED = "‘‘twice’’ no!‘ no?‘ a,,b x<<y>>z"
ALL = f"{SPECIALS} {QUOTES} {DASHES} {FUSED} {ACCENTS} snake_case_name 100% C#"
URL = "https://example.com/è/a_b~c/x^y/{id}/100%25?q=1&r=$#frag"
URL_PRINTED = "example.com/è/a_b~c/x^y/{id}/100%25?q=1&r=$#frag"


def _yaml_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("escaping")
    data = folder / "resume.yaml"
    data.write_text(
        f"""\
basics:
  name: Ada Lovelace
  label: {_yaml_str(ALL)}
  url: {_yaml_str(URL)}
work:
  - name: {_yaml_str("Société Générale & Co_ #1")}
    position: Programmer
    startDate: "2024-09"
    highlights:
      - {_yaml_str(ALL)}
""",
        encoding="utf-8",
    )
    outcomes = targets.build_adhoc(
        [data], "classic", targets.Options(out=folder / "out", force=True)
    )
    assert outcomes[0].status == "built", outcomes[0].error and outcomes[0].error.problems
    return (folder / "out" / "classic.pdf").read_bytes()


@requires_tex
def test_plain_field_and_bullet_round_trip(pdf: bytes) -> None:
    text = read_pdf(pdf).text
    flat = squash(text)
    assert flat.count(squash(ALL)) >= 2, text  # the label and the bullet
    assert squash("Société Générale & Co_ #1") in flat
    # no TeX ligature or curling: the ASCII survives as ASCII
    assert "a--b" in text and "a---b" in text
    assert squash(FUSED) in flat
    assert '"double"' in text and "'single'" in text


@requires_tex
def test_url_is_printed_and_linked_unchanged(pdf: bytes) -> None:
    from pypdf import PdfReader

    assert squash(URL_PRINTED) in squash(read_pdf(pdf).text)
    reader = PdfReader(io.BytesIO(pdf))
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]
    ]
    assert "https://example.com/%C3%A8/a_b~c/x%5Ey/%7Bid%7D/100%25?q=1&r=$#frag" in uris


def test_escape_output_has_no_unescaped_specials() -> None:
    from cvpress.tex.markdown import markdown
    from cvpress.tex.texify import escape

    for render in (escape, markdown):
        tex = render(ALL)
        stripped = tex.replace("\\\\", "")
        for char in "#$%&_":
            assert all(stripped[i - 1] == "\\" for i, c in enumerate(stripped) if c == char), (
                render,
                char,
                tex,
            )


def test_yaml_round_trips_the_string(tmp_path: Path) -> None:
    from cvpress.data import load

    path = tmp_path / "x.yaml"
    path.write_text(f"a: {_yaml_str(ALL)}\n", encoding="utf-8")
    assert load.load(path).data == {"a": ALL}
