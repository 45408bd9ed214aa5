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

from conftest import pdf_text, requires_tex, squash
from cvpress.data import letter as letter_mod
from cvpress.errors import CheckError, InputError, Warnings
from cvpress.pipeline import targets as build_mod
from cvpress.pipeline.check import read_pdf, without_running_foot
from cvpress.tex import templates
from cvpress.tex.markdown import plain_markdown
from injection import corpus

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "letters"
RESUME = FIXTURES / "resume.yaml"
ACME = FIXTURES / "acme.md"
TEMPLATES = sorted(templates.available())


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
    metadata = read_pdf(pdf.read_bytes()).metadata
    assert metadata["Title"] == "Ada Example – Staff SRE, ref. 4711"
    assert metadata["Subject"] == "Staff SRE, ref. 4711"
    assert metadata["Author"] == "Ada Example"


@requires_tex
@pytest.mark.parametrize(("template", "engine"), [("classic", "xelatex"), ("sidebar", "lualatex")])
def test_a_letter_under_the_unicode_engines(tmp_path: Path, template: str, engine: str) -> None:
    if shutil.which(engine) is None:
        pytest.skip(f"{engine} not installed")
    pdf = _build(tmp_path, ACME, template, engine=engine)
    text = pdf_text(pdf)
    assert "Sveavägen 1" in text and "Dear Dr. Berg," in text


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
                # The `code` span is Latin Modern Mono in every template.
                if family and family != "DummySpace" and not family.startswith("LMMono"):
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
    # Without the running foot ("Ada Example · page 2 of 9"), which may fall inside a paragraph.
    pages = read_pdf(pdf.read_bytes()).page_texts
    text = squash("\n".join(without_running_foot(pages, "Ada Example")))
    for value in [*picked.values(), *address]:
        assert squash(value) in text, value[:80]
    for value in texts:
        assert squash(plain_markdown(value)) in text, value[:80]
    assert "SECRET" not in text


@requires_tex
def test_a_list_item_starting_with_a_bracket_is_not_an_item_label(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "---\nto: {}\nopening: Hi,\nclosing: Bye,\n---\n- [x] done\n\n1. [y] next\n",
    )
    text = pdf_text(_build(tmp_path, path))
    assert "• [x] done" in text and "1. [y] next" in text


@requires_tex
def test_an_unprintable_character_points_into_the_md_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "---\nto: {}\nopening: Hi,\nclosing: Bye,\n---\nOne.\n\nTwo 中文.\n")
    with pytest.raises(InputError) as caught:
        _build(tmp_path, path, engine="pdflatex")
    problem = caught.value.problems[0]
    assert problem.field_path == "body[1].items[0]"
    assert problem.location is not None
    assert (problem.location.file, problem.location.line) == (str(path), 8)
    assert "xelatex" in (problem.hint or "")
    # engine: auto takes a Unicode engine for it.
    assert "Two 中文." in pdf_text(_build(tmp_path, path))


# ------------------------------------------------------------------ the project


def _project(tmp: Path, letter: str | None = None) -> Path:
    """A project: the fixture sender, the acme letter, variants cv and acme."""
    data = tmp / "data"
    (data / "letters").mkdir(parents=True)
    shutil.copy(RESUME, data / "resume.yaml")
    (data / "letters" / "acme.md").write_text(
        letter if letter is not None else ACME.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (data / "variants.yaml").write_text(
        "variants:\n  cv: {template: classic}\n"
        "  acme: {template: modern, letter: letters/acme.md}\n",
        encoding="utf-8",
    )
    return data / "variants.yaml"


@requires_tex
def test_a_letter_variant_builds_and_rebuilds_only_when_its_letter_changes(
    tmp_path: Path,
) -> None:
    variants = _project(tmp_path)
    options = build_mod.Options(out=tmp_path / "build")
    first = {o.name: o for o in build_mod.build_variants(variants, options=options)}
    assert first["acme"].status == "built" and first["acme"].pages == 1
    assert "Dr. Ana Berg" in pdf_text(tmp_path / "build" / "acme.pdf")
    again = {o.name: o.status for o in build_mod.build_variants(variants, options=options)}
    assert again == {"cv": "unchanged", "acme": "unchanged"}
    letter = tmp_path / "data" / "letters" / "acme.md"
    letter.write_text(letter.read_text().replace("Dr. Ana Berg", "Dr. Ana Lind"), "utf-8")
    third = {o.name: o.status for o in build_mod.build_variants(variants, options=options)}
    assert third == {"cv": "unchanged", "acme": "built"}
    assert "Dr. Ana Lind" in pdf_text(tmp_path / "build" / "acme.pdf")


@requires_tex
def test_a_failed_letter_keeps_the_last_good_pdf(tmp_path: Path) -> None:
    variants = _project(tmp_path)
    options = build_mod.Options(out=tmp_path / "build")
    build_mod.build_variants(variants, ["acme"], options=options)
    good = (tmp_path / "build" / "acme.pdf").read_bytes()
    letter = tmp_path / "data" / "letters" / "acme.md"
    letter.write_text(letter.read_text().replace("subject:", "subjcet:"), "utf-8")
    (outcome,) = build_mod.build_variants(variants, ["acme"], options=options)
    assert outcome.status == "failed" and outcome.error is not None
    assert outcome.error.exit_code == 2
    location = outcome.error.problems[0].location
    assert location is not None and location.line == 8 and location.file.endswith("acme.md")
    assert (tmp_path / "build" / "acme.pdf").read_bytes() == good


@requires_tex
def test_cli_ad_hoc_letter_and_its_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cvpress import cli

    out = tmp_path / "out"
    args = ["build", "--data", str(RESUME), "--letter", str(ACME), "--template", "sidebar"]
    assert cli.main([*args, "--out", str(out)]) == 0
    assert "Acme AB" in pdf_text(out / "acme.pdf")
    assert cli.main(["build", "--letter", str(ACME), "--out", str(out)]) == 2
    assert "--letter needs --data" in capsys.readouterr().err
    missing = tmp_path / "nope.md"
    assert cli.main([*args[:4], str(missing), *args[5:], "--out", str(out)]) == 2
    assert "letter not found" in capsys.readouterr().err
    bad = _write(tmp_path, "---\nto: {}\nopening: Hi,\nclosing: Bye,\ndate: soon\n---\nx\n")
    assert cli.main([*args[:4], str(bad), *args[5:], "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:5:7: date:" in err and "ISO 8601" in err and "Traceback" not in err


@requires_tex
def test_cvpress_new_gives_a_starter_letter_that_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cvpress import cli

    monkeypatch.chdir(tmp_path)
    assert cli.main(["new", "proj"]) == 0
    monkeypatch.chdir(tmp_path / "proj")
    assert cli.main(["build", "--variant", "letter"]) == 0
    text = pdf_text(tmp_path / "proj" / "build" / "letter.pdf")
    assert "Example Company (placeholder)" in text and "Ada Lovelace" in text
    assert cli.main(["letter", "new", "acme"]) == 0
    written = tmp_path / "proj" / "data" / "letters" / "acme.md"
    assert written.read_text() == (tmp_path / "proj/data/letters/example.md").read_text()
    assert "letter: letters/acme.md" in capsys.readouterr().err
    assert cli.main(["letter", "new", "acme"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert cli.main(["letter", "new", "../escape"]) == 2
    assert not (tmp_path / "proj" / "data" / "escape.md").exists()


def test_export_a_letter_variant_as_text_and_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cvpress.outputs import export

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764460800")
    variants = _project(tmp_path)
    text = export.export_file("text", variant_name="acme", variants_file=variants)
    assert text.startswith("Dr. Ana Berg\nHead of Platform\nAcme AB\nSveavägen 1\n")
    assert "November 30, 2026\n\nStaff SRE, ref. 4711\n\nDear Dr. Berg,\n" in text
    assert (
        "I am writing to apply for the Staff SRE position advertised on your careers page.\n"
        in text
    )
    assert "- cut the p99 latency of the ingest path by 40%\n" in text
    assert "1. calm incident command\n2. capacity plans that hold\n" in text
    assert text.endswith("Kind regards,\nAda Example\n")
    markdown = export.export_file("markdown", variant_name="acme", variants_file=variants)
    assert "**Staff SRE, ref. 4711**" in markdown
    assert "[your careers page](https://example.org/jobs/4711)" in markdown
    with pytest.raises(InputError, match="exports as markdown or text"):
        export.export_file("jsonresume", variant_name="acme", variants_file=variants)


# ------------------------------------------------------------------ releases


def _git(repo: Path, *args: str) -> None:
    import subprocess

    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        check=True,
        capture_output=True,
    )


def test_the_changelog_lists_added_and_changed_letters(tmp_path: Path) -> None:
    from cvpress.release import changelog

    variants = _project(tmp_path)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "first")
    _git(tmp_path, "tag", "v1")
    letter = tmp_path / "data" / "letters" / "acme.md"
    letter.write_text(
        letter.read_text()
        .replace("Staff SRE, ref. 4711", "Principal SRE, ref. 4712")
        .replace("I look forward to hearing from you.", "I look forward to your reply.")
        + "\nA new last paragraph.\n",
        "utf-8",
    )
    (tmp_path / "data" / "letters" / "beta.md").write_text(
        "---\nto: {organisation: Beta}\nsubject: Hello Beta\nopening: Hi,\nclosing: Bye,\n---\nx\n"
    )
    with variants.open("a") as handle:
        handle.write("  beta: {letter: letters/beta.md}\n")
    log = changelog.changelog(variants, since="v1")
    letters = [c for c in log.changes if c.section == "Letters"]
    assert [(c.kind, c.label) for c in letters] == [
        ("changed", "acme: Principal SRE, ref. 4712"),
        ("added", "beta: Hello Beta"),
    ]
    assert letters[0].details == (
        "subject: “Staff SRE, ref. 4711” → “Principal SRE, ref. 4712”",
        "body (paragraphs and list items): 1 added, 1 reworded",
    )
    assert "### Letters" in log.markdown()


@requires_tex
def test_a_release_ships_the_letter_under_the_person_s_name(tmp_path: Path) -> None:
    from cvpress.release import release

    variants = _project(tmp_path)
    made = release.make(
        "v1", tmp_path / "dist", variants_file=variants, build_dir=tmp_path / "build", png=False
    )
    names = sorted(p.name for p in made.pdfs)
    assert names == ["Ada_Example_acme.pdf", "Ada_Example_cv.pdf"]
    assert "Dear Dr. Berg," in pdf_text(tmp_path / "dist" / "Ada_Example_acme.pdf")


def test_watch_rebuilds_a_letter_variant_when_its_letter_is_saved(tmp_path: Path) -> None:
    from cvpress.pipeline import watch

    variants = _project(tmp_path)
    inputs = watch.inputs(variants)
    letter = (tmp_path / "data" / "letters" / "acme.md").resolve()
    assert inputs.affected([letter]) == ["acme"]


def test_validate_checks_the_letters_of_letter_variants(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cvpress import cli

    variants = _project(tmp_path, ACME.read_text().replace("opening:", "openin:"))
    data = tmp_path / "data" / "resume.yaml"
    assert cli.main(["validate", str(data), "--variants", str(variants)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'data' / 'letters' / 'acme.md'}:9:1: openin: unknown key" in err
    assert "did you mean 'opening'?" in err


def test_a_variant_whose_letter_is_missing_fails_with_exit_2(tmp_path: Path) -> None:
    variants = _project(tmp_path)
    (tmp_path / "data" / "letters" / "acme.md").unlink()
    options = build_mod.Options(out=tmp_path / "build")
    (outcome,) = build_mod.build_variants(variants, ["acme"], options=options)
    assert outcome.error is not None and outcome.error.exit_code == 2
    assert "letter not found" in outcome.error.message
    assert "cvpress letter new" in (outcome.error.hint or "")


def test_the_date_is_written_out_in_the_variant_s_language() -> None:
    from cvpress.data.dates import PartialDate
    from cvpress.data.model import Basics
    from cvpress.outputs.letter_text import letter_text

    letter = letter_mod.load(ACME).letter
    sender = Basics(name="Ada Example")
    today = PartialDate(2026, 1, 1)
    for locale, written in (("en", "November 30, 2026"), ("es", "30 de noviembre de 2026")):
        text = letter_text(letter, sender, locale=locale, today=today, markdown=False)
        assert f"\n\n{written}\n\n" in text
    undated = letter.model_copy(update={"date": None})
    text = letter_text(undated, sender, locale="de", today=today, markdown=False)
    assert "\n\n1. Januar 2026\n\n" in text


@requires_tex
def test_resume_only_options_on_a_letter_variant_are_warned_about(tmp_path: Path) -> None:
    variants = _project(tmp_path)
    variants.write_text(
        "defaults: {bold_keywords: [SRE]}\nvariants:\n"
        "  acme:\n    letter: letters/acme.md\n    sections: [work]\n",
        encoding="utf-8",
    )
    options = build_mod.Options(out=tmp_path / "build")
    (outcome,) = build_mod.build_variants(variants, options=options)
    assert outcome.status == "built"
    (warning,) = outcome.warnings
    assert warning.message == "'sections' is ignored in letter variant 'acme'"
    assert warning.location is not None and warning.location.line == 5
