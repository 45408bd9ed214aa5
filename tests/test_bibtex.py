"""Publications from a .bib file: LaTeX markup to text, fields mapped, newest first, lines kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from cvpress.data import load, validate
from cvpress.data import bibtex
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
