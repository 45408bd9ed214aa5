"""Publications from a .bib file: LaTeX markup to text, fields mapped, newest first, lines kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import pdf_text, requires_tex, squash
from cvpress.data import bibtex, load, validate
from cvpress.errors import InputError, Location, Warnings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extras"
BIB = FIXTURES / "publications.bib"
AT = Location("x.bib", 3)


def read(path: Path = BIB) -> tuple[bibtex.Bibliography, Warnings]:
    found = Warnings()
    return bibtex.read(path, path.name, found), found


def test_entries_become_publications_as_written() -> None:
    bib, found = read()
    assert not found.items
    first, second, third = bib.entries
    assert first == {
        "name": "Café Notes on GPU-Free Computing: Pages 10–20 & More",
        "publisher": "Taylor's Scientific Memoirs",
        "releaseDate": "1842-11",
        "url": "https://doi.org/10.1000/xyz-123_(4)",
        "authors": ["Ada Lovelace", "Charles Babbage"],
        "tags": ["engines", "notes"],
    }
    assert second["name"] == "On the Bernoulli Numbers — a Naïve Approach"
    assert second["publisher"] == "Proceedings of the Royal Society"
    assert second["releaseDate"] == "1844-03"
    assert second["url"] == "https://example.org/bernoulli"
    assert second["authors"] == ["L. F. Menabrea", "A. Lovelace", "et al."]
    assert third["publisher"] == "Longman, Green"
    assert third["releaseDate"] == "1864-06"
    assert str(bib.lines[0]["name"]) == "publications.bib:5"
    assert str(bib.lines[1][""]) == "publications.bib:13"


@pytest.mark.parametrize(
    ("written", "text"),
    [
        (r"Caf{\'e} {\"o} \c{c} {\ss}", "Café ö ç ß"),
        (r"R\&D at 100\% \$5 \#1", "R&D at 100% $5 #1"),
        (r"{GPU}s -- and --- more", "GPUs – and — more"),
        (r"\emph{E. coli} and \textbf{bold}", "E. coli and bold"),
        ("two\n   lines", "two lines"),
    ],
)
def test_latex_markup_becomes_unicode(written: str, text: str) -> None:
    found = Warnings()
    assert bibtex.to_text(written, AT, "k.title", found) == text
    assert not found.items


@pytest.mark.parametrize(
    "written",
    [
        r"\input{/etc/passwd}",
        r"\immediate\write18{touch pwned}",
        r"100% sure % the rest",
        r"Tom & Jerry",
        r"\begin{center}x\end{center}",
        r"$$\int$$",
        r"\textbf{\include{secret}}",
        r"\csname input\endcsname{/etc/passwd}",
        "{" * 1500 + "}" * 1500,  # past Python's recursion limit: found by the corpus
        r"\href{file:///etc/passwd}{click}",  # pylatexenc's converter raised IndexError
    ],
)
def test_latex_that_is_not_text_prints_as_written(written: str) -> None:
    found = Warnings()
    assert bibtex.to_text(written, AT, "k.title", found) == written
    (warning,) = found.items
    assert warning.location == AT and "printed as written" in warning.message


def test_merge_sorts_newest_first_and_keeps_every_line() -> None:
    loaded = load.load(FIXTURES / "resume.yaml")
    bib, _ = read()
    data, source = bibtex.merge(loaded.data, loaded.source, bib)
    names = [p["name"] for p in data["publications"]]
    assert names == [
        "Passages from the Life of a Philosopher",
        "On the Bernoulli Numbers — a Naïve Approach",
        "Sketch of the Analytical Engine",  # hand-written, 1843-09
        "Café Notes on GPU-Free Computing: Pages 10–20 & More",
        "Notes on an undated letter",  # hand-written, undated: last
    ]
    assert str(source.locate(("publications", 0, "name"))) == "publications.bib:24"
    assert source.locate(("publications", 2, "name")).file.endswith("resume.yaml")
    assert source.locate(("publications", 4)).line == 21


def test_an_error_in_an_imported_value_points_at_the_bib_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bib"
    bad.write_text("@article{x,\n  title = {T},\n  year = {MCMXC},\n}\n", encoding="utf-8")
    bib, _ = read(bad)
    loaded = load.loads("basics: {name: Ada}\n", "resume.yaml")
    data, source = bibtex.merge(loaded.data, loaded.source, bib)
    with pytest.raises(InputError) as caught:
        validate.resume(load.Loaded(data, source, Path("resume.yaml")))
    assert str(caught.value.location) == "bad.bib:3"
    assert caught.value.field_path == "publications[0].releaseDate"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("@article{a, title={A}}\n\n@misc{b,\n  title = {unclosed\n", 3, "not valid BibTeX"),
        ("@article{a, title={A}}\n@article{a, title={B}}\n", 2, "used by an earlier entry"),
        ("\n@article{a,\n title={A},\n title={B}}\n", 2, "names one field twice"),
        ("@article{a,\n  year = {2020},\n}\n", 1, "has no title"),
        ("@article{a, title={A}}\n% caf\xe9\n", 2, "not valid UTF-8"),
    ],
)
def test_bib_errors_name_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "bad.bib"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(InputError, match=words) as caught:
        read(path)
    assert caught.value.exit_code == 2
    assert caught.value.location == Location("bad.bib", line)


def test_a_month_that_is_no_month_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "m.bib"
    path.write_text("@article{a,\n title={A},\n year={2020},\n month={Smarch}}\n", "utf-8")
    bib, found = read(path)
    assert bib.entries[0]["releaseDate"] == "2020"
    (warning,) = found.items
    assert warning.location == Location("m.bib", 4)


def test_missing_bib_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="bibliography not found"):
        read(tmp_path / "none.bib")


# ------------------------------------------------------------ real TeX builds

#: Corpus payloads that must print as written (LaTeX that is not text).
MUST_BE_VERBATIM = {
    "input-abs",
    "input-rel",
    "include",
    "write18",
    "csname",
    "percent",
    "ampersand",
}


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def hostile_titles(secret: Path) -> list[tuple[str, str]]:
    """(id, title) for every corpus payload a .bib can hold that converts to itself."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from injection import corpus

    found = Warnings()
    chosen = []
    for payload in corpus.payloads(str(secret), secret.name):
        text = " ".join(payload.text.split())
        latex = any(c in text for c in "\\%&")
        if len(text) > 250 or not latex or not _balanced(text):
            continue
        if bibtex.to_text(text, AT, payload.id, found) == text:
            chosen.append((payload.id, text))
    assert {i for i, _ in chosen} >= MUST_BE_VERBATIM
    return chosen


@requires_tex
def test_a_bib_prints_verbatim_and_newest_first(tmp_path: Path) -> None:
    import secrets

    from cvpress.pipeline import targets

    token = f"SECRET-{secrets.token_hex(8)}"
    secret = tmp_path / "secret.txt"
    secret.write_text(token, encoding="utf-8")
    hostile = hostile_titles(secret)
    entries = [
        f"@misc{{h{i},\n  title = {{{title}}},\n  year = {{{1990 - i}}},\n}}\n"
        for i, (_, title) in enumerate(hostile)
    ]
    bib = BIB.read_text(encoding="utf-8") + "\n" + "\n".join(entries)
    (tmp_path / "publications.bib").write_text(bib, encoding="utf-8")
    resume = (FIXTURES / "resume.yaml").read_text(encoding="utf-8")
    (tmp_path / "resume.yaml").write_text(resume, encoding="utf-8")
    (tmp_path / "variants.yaml").write_text(
        "variants:\n  cv: {template: classic, bibliography: publications.bib,"
        ' highlight_author: ["Ada Lovelace", "A. Lovelace"]}\n',
        encoding="utf-8",
    )
    options = targets.Options(out=tmp_path / "out")
    (outcome,) = targets.build_variants(tmp_path / "variants.yaml", options=options)
    assert outcome.error is None, outcome.error and outcome.error.problems
    assert outcome.pdf is not None
    text = squash(pdf_text(outcome.pdf))
    expected = [
        *(title for _, title in hostile),  # 1990, 1989, ...
        "Passages from the Life of a Philosopher",
        "On the Bernoulli Numbers — a Naïve Approach",
        "L. F. Menabrea, A. Lovelace, et al.",
        "Sketch of the Analytical Engine",
        "Café Notes on GPU-Free Computing: Pages 10–20 & More",
        "Ada Lovelace, Charles Babbage",
        "Notes on an undated letter",
    ]
    at = [text.find(squash(e)) for e in expected]
    missing = [e for e, i in zip(expected, at, strict=True) if i < 0]
    assert not missing
    assert at == sorted(at), "not newest first"
    content = outcome.pdf.read_bytes()
    assert token not in pdf_text(outcome.pdf) and token.encode() not in content
    assert not list(tmp_path.glob("pwned*"))
    tex = (tmp_path / "out" / "cv.tex").read_text(encoding="utf-8")
    assert r"\textbf{Ada Lovelace}" in tex and r"\textbf{A. Lovelace}" in tex
    assert "https://doi.org/10.1000/xyz-123\\_(4)" in tex or "doi.org/10.1000/xyz-123" in tex


@requires_tex
def test_a_bib_error_fails_the_build_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cvpress.cli import main

    (tmp_path / "resume.yaml").write_text("basics: {name: Ada}\n", encoding="utf-8")
    (tmp_path / "p.bib").write_text("@article{a, title={A}}\n\n@misc{b,\n title = {x\n", "utf-8")
    (tmp_path / "variants.yaml").write_text(
        "variants:\n  cv: {bibliography: p.bib}\n", encoding="utf-8"
    )
    code = main(["build", "--variants", str(tmp_path / "variants.yaml"), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "p.bib:3" in err and "not valid BibTeX" in err
