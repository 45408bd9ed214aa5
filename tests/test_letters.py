"""Cover letters: validated front matter, a letter per template with real TeX, checked PDFs.

Every PDF is built through the same pipeline as a résumé (``build_adhoc``
with ``letter=``, or a variant with ``letter:``) and read back with PDFium;
the injection corpus goes into every letter field.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import pdf_text, squash
from cvpress.data import letter as letter_mod
from cvpress.errors import CheckError, InputError, Warnings
from cvpress.pipeline import targets as build_mod
from cvpress.tex import templates
from cvpress.tex.texify import plain_markdown
from injection import corpus

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "letters"
RESUME = FIXTURES / "resume.yaml"
ACME = FIXTURES / "acme.md"
TEMPLATES = sorted(templates.available())

requires_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")


def _build(tmp: Path, letter: Path, template: str = "classic", **overrides: object) -> Path:
    out = tmp / "out"
    options = build_mod.Options(out=out, force=True)
    (outcome,) = build_mod.build_adhoc(
        [RESUME], template, options, overrides=dict(overrides), letter=letter
    )
    if outcome.error is not None:
        raise outcome.error
    assert outcome.pdf == out / f"{letter.stem}.pdf"
    return outcome.pdf


def _write(tmp: Path, text: str, name: str = "letter.md") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ front matter


def test_the_fixture_letter_loads_with_its_blocks() -> None:
    loaded = letter_mod.load(ACME)
    letter = loaded.letter
    assert letter.to.address == ("Sveavägen 1", "111 57 Stockholm")
    assert letter.date is not None and letter.date.iso == "2026-11-30"
    assert [b.kind for b in letter.body] == [
        "paragraph",
        "paragraph",
        "bullets",
        "paragraph",
        "numbers",
        "paragraph",
    ]
    assert letter.body[2].items[1] == "cut the `p99` latency of the ingest path by 40%"
    assert loaded.source.locate(("body", 2, "items", 1)).line == 18
    assert letter.signature is None


FRONT = """---
to:
  name: Dr. Ana Berg
  organization: Acme AB
opening: Dear Dr. Berg,
closing: Kind regards,
{extra}---
Body.
"""


@pytest.mark.parametrize(
    ("extra", "line", "column", "field", "message", "hint"),
    [
        ("subjcet: Hello\n", 7, 1, "subjcet", "unknown key 'subjcet'", "did you mean 'subject'?"),
        ("date: 30/11/2026\n", 7, 7, "date", "not an ISO 8601 date", "YYYY-MM-DD"),
        ("date: 2026-02-30\n", 7, 7, "date", "is not a real date", "check the month"),
        ("subject: [a, b]\n", 7, 10, "subject", "expected text", "one text, not a list"),
        ("signature: |\n  Ada\n  Example\n", 7, 12, "signature", "must be one line", "join"),
        ("body: text\n", 7, 1, "body", "'body' is not a front-matter key", "below the closing"),
        ("closing: again\n", 7, 1, "closing", "duplicate key 'closing'", "remove or merge"),
    ],
)
def test_front_matter_errors_point_at_the_md_line(
    tmp_path: Path, extra: str, line: int, column: int, field: str, message: str, hint: str
) -> None:
    path = _write(tmp_path, FRONT.format(extra=extra))
    with pytest.raises(InputError) as caught:
        letter_mod.load(path)
    problem = caught.value.problems[0]
    assert problem.location is not None
    assert (problem.location.file, problem.location.line, problem.location.column) == (
        str(path),
        line,
        column,
    )
    assert problem.field_path in (field, None) or problem.field_path.startswith(field)
    assert message in problem.message
    assert problem.hint is not None and hint in problem.hint
    assert caught.value.exit_code == 2


def test_a_missing_field_and_an_unknown_key_are_reported_together(tmp_path: Path) -> None:
    path = _write(tmp_path, "---\nto:\n  nmae: Ana\n  flavour: x\nopening: Hi,\n---\nBody.\n")
    warnings = Warnings()
    with pytest.raises(InputError) as caught:
        letter_mod.load(path, warnings)
    by_field = {p.field_path: p for p in caught.value.problems}
    assert by_field["closing"].message == "missing required field 'closing'"
    assert by_field["to.nmae"].hint == "did you mean 'name'?"
    assert by_field["to.nmae"].location is not None and by_field["to.nmae"].location.line == 3
    assert by_field["to.flavour"].severity == "warning"


def test_an_unknown_key_is_a_warning_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, FRONT.format(extra="mood: hopeful\n"))
    warnings = Warnings()
    letter_mod.load(path, warnings)
    (warning,) = warnings.items
    assert warning.field_path == "mood"
    assert warning.location is not None and warning.location.line == 7


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Just text, no front matter.\n", 1, "starts with front matter"),
        ("---\nto: {}\nopening: Hi,\n", 1, "never closed"),
        ("---\nto: {}\nopening: Hi,\nclosing: Bye,\n---\nOne.\n\n- a\n  - nested\n", 9, "list"),
        ("---\nto: {}\nopening: Hi,\nclosing: Bye,\n---\nOne.\n\nTwo \x00 three.\n", 8, "NUL"),
        ("---\nto:\n  name: Dr. Berg: Head\nopening: Hi,\n---\n", 3, "quotes"),
    ],
)
def test_structure_errors_point_at_their_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        letter_mod.load(path)
    problem = caught.value.problems[0]
    assert problem.location is not None and problem.location.line == line, problem
    assert message in problem.message or message in (problem.hint or "")


def test_a_control_character_in_a_paragraph_is_located_at_its_paragraph(tmp_path: Path) -> None:
    path = _write(tmp_path, FRONT.format(extra="") + "\nSecond \x07 paragraph.\n")
    with pytest.raises(InputError) as caught:
        letter_mod.load(path)
    problem = caught.value.problems[0]
    assert problem.field_path == "body[1].items[0]"
    assert problem.location is not None and problem.location.line == 10
    assert "U+0007" in problem.message


# ------------------------------------------------------------------ real TeX


@requires_tex
@pytest.mark.parametrize("template", TEMPLATES)
def test_a_letter_per_template(tmp_path: Path, template: str) -> None:
    pdf = _build(tmp_path, ACME, template)
    text = squash(pdf_text(pdf))
    letter = letter_mod.load(ACME).letter
    for part in (
        "Ada Example",
        "Dr. Ana Berg",
        "Head of Platform",
        "Acme AB",
        "Sveavägen 1",
        "Staff SRE, ref. 4711",
        "Dear Dr. Berg,",
        "Kind regards,",
        "November 30, 2026",
        "ada@example.com",
    ):
        assert squash(part) in text, (template, part)
    for block in letter.body:
        for item in block.items:
            assert squash(plain_markdown(item)) in text, (template, item)
    assert "1." in pdf_text(pdf) and "2." in pdf_text(pdf)


@requires_tex
def test_the_template_look_carries_over(tmp_path: Path) -> None:
    """The letter is set in its résumé's font families (the `code` span aside)."""
    import pypdf

    def families(pdf: Path) -> set[str]:
        found = set()
        for page in pypdf.PdfReader(pdf).pages:
            for ref in (page["/Resources"].get("/Font") or {}).values():
                font = ref.get_object()
                name = str(font.get("/BaseFont") or "")
                family = re.sub(r"^/([A-Z]{6}\+)?", "", name).split("-")[0]
                if family and family != "DummySpace":
                    found.add(family)
        return found

    for template in ("classic", "modern"):
        letter_pdf = _build(tmp_path / template, ACME, template)
        out = tmp_path / template / "cv"
        (cv,) = build_mod.build_adhoc([RESUME], template, build_mod.Options(out=out, force=True))
        assert cv.pdf is not None
        assert families(letter_pdf) == families(cv.pdf), template


@requires_tex
def test_a_two_page_letter_fails_with_the_overflow_report(tmp_path: Path) -> None:
    with pytest.raises(CheckError) as caught:
        _build(tmp_path, FIXTURES / "long.md")
    message = caught.value.message
    assert re.search(
        r"is 2 pages, over its limit of 1 by 1 page \(about \d+ lines? too many\)", message
    )
    assert not (tmp_path / "out" / "long.pdf").exists()


@requires_tex
def test_an_explicit_max_pages_lets_a_long_letter_through(tmp_path: Path) -> None:
    pdf = _build(tmp_path, FIXTURES / "long.md", max_pages=2)
    assert "Paragraph 30 of a letter" in pdf_text(pdf)


@requires_tex
def test_letter_builds_are_byte_identical(tmp_path: Path) -> None:
    first = _build(tmp_path / "a", ACME).read_bytes()
    second = _build(tmp_path / "b", ACME).read_bytes()
    assert first == second


@requires_tex
def test_signature_and_date_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764460800")  # 2025-11-30
    path = _write(
        tmp_path,
        "---\nto: {organisation: Example Corp}\nopening: Hello,\nclosing: Thanks,\n"
        "signature: A. Example\n---\nOne paragraph.\n",
    )
    text = pdf_text(_build(tmp_path, path))
    assert "A. Example" in text and "November 30, 2025" in text
    path.write_text(path.read_text().replace("signature: A. Example\n", ""), encoding="utf-8")
    text = pdf_text(_build(tmp_path, path))
    assert text.rstrip().endswith("Ada Example")


# ------------------------------------------------------------------ hostile text


@pytest.fixture(scope="module")
def accepted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[corpus.Payload]]:
    """Payloads the résumé's own fields accept, by kind (the letter's fields share their types)."""
    tmp = tmp_path_factory.mktemp("probe")
    (tmp / "secret.txt").write_text("SECRET-letters\n", encoding="utf-8")
    payloads = corpus.payloads(str(tmp / "secret.txt"), "../secret.txt")
    return {
        kind: [
            p
            for p in payloads
            if corpus.probe(kind, p, tmp) is None and p.id not in corpus.UNPRINTABLE
        ]
        for kind in ("line", "text")
    }


def _yaml_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@requires_tex
@pytest.mark.parametrize("template", TEMPLATES)
def test_hostile_text_in_every_field_prints_verbatim(
    tmp_path: Path, template: str, accepted: dict[str, list[corpus.Payload]]
) -> None:
    """Every accepted payload, between markers, in the body and in list items; the
    one-line fields each carry a chunk of them (another chunk per template)."""
    lines = [corpus.value("line", p) for p in accepted["line"]]
    chunks = corpus.chunks(lines, 300)
    offset = TEMPLATES.index(template)
    fields = ["name", "title", "organisation", "subject", "opening", "closing", "signature"]
    picked = {f: chunks[(offset * len(fields) + i) % len(chunks)] for i, f in enumerate(fields)}
    address = [chunks[(offset + k) % len(chunks)] for k in range(3)]
    texts = [re.sub(r"\s+", " ", corpus.value("text", p)) for p in accepted["text"]]
    half = len(texts) // 2
    front = (
        "---\nto:\n"
        + "".join(f"  {f}: {_yaml_quote(picked[f])}\n" for f in ("name", "title", "organisation"))
        + "  address:\n"
        + "".join(f"    - {_yaml_quote(a)}\n" for a in address)
        + "".join(
            f"{f}: {_yaml_quote(picked[f])}\n"
            for f in ("subject", "opening", "closing", "signature")
        )
        + "---\n"
    )
    body = "\n\n".join(texts[:half]) + "\n\n" + "".join(f"- {t}\n" for t in texts[half:])
    path = _write(tmp_path, front + body)
    pdf = _build(tmp_path, path, template, max_pages=60)
    text = squash(pdf_text(pdf))
    for value in [*picked.values(), *address]:
        assert squash(value) in text, value[:80]
    for value in texts:
        assert squash(plain_markdown(value)) in text, value[:80]
    assert "SECRET" not in text
