"""Property tests (Hypothesis): arbitrary text prints verbatim or is refused clearly;
arbitrary YAML never crashes the loader.

The TeX-compiling property batches several generated strings into one
document per example (each between unique markers), so an example costs one
pdfLaTeX run. Example counts are small by default and larger under
``invoke test --full`` (CVPRESS_FULL_TESTS=1).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FULL, squash
from cvpress.data import load, validate
from cvpress.errors import CvpressError, InputError
from cvpress.pipeline import targets
from cvpress.pipeline.check import read_pdf
from cvpress.tex.characters import PDFTEX_OK
from cvpress.tex.markdown import plain_markdown

TEX_EXAMPLES = 100 if FULL else 15
LOADER_EXAMPLES = 2000 if FULL else 200

#: Where each generated string goes: (field path template, is Markdown).
FIELDS = {
    "line": ("work[{i}].position", False),
    "text": ("work[{i}].highlights[0].text", True),
    "summary": ("work[{i}].summary", True),
    "skill": ("skills[{i}].keywords[0]", False),
}

# Three strings in four draw from what pdfLaTeX claims to print (texify's
# table, plus line breaks and tabs), so most examples reach TeX and test that
# claim; the fourth draws from all of Unicode but surrogates, and must then
# print or be refused with a clear error.
_PRINTABLE = st.text(
    st.sampled_from([*sorted(chr(c) for c in PDFTEX_OK), "\n", "\t"]), min_size=1, max_size=30
)
_ANY = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
_TEXTS = st.one_of(_PRINTABLE, _PRINTABLE, _PRINTABLE, _ANY)
_CASES = st.lists(st.tuples(st.sampled_from(sorted(FIELDS)), _TEXTS), min_size=1, max_size=5)


def _document(cases: list[tuple[str, str]]) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """A résumé with each text in its field, between markers; and what each must print."""
    work: list[dict[str, Any]] = []
    skills: list[dict[str, Any]] = []
    expect = []
    for i, (kind, text) in enumerate(cases):
        value = f"mk{i:02d}a {text} a{i:02d}mk"
        if kind == "skill":
            skills.append({"name": f"S{i}", "keywords": [value]})
            path = f"skills[{len(skills) - 1}].keywords[0]"
        else:
            entry: dict[str, Any] = {"name": f"Org{i}"}
            if kind == "line":
                entry["position"] = value
            elif kind == "text":
                entry["highlights"] = [value]
            else:
                entry["summary"] = value
            work.append(entry)
            path = FIELDS[kind][0].format(i=len(work) - 1)
        printed = plain_markdown(value) if FIELDS[kind][1] else value
        expect.append((path, value, printed))
    return {"basics": {"name": "Prop Test"}, "work": work, "skills": skills}, expect


def _round_trip(cases: list[tuple[str, str]], engine: str) -> None:
    doc, expect = _document(cases)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "cv.json"
        data.write_text(json.dumps(doc), encoding="utf-8")
        options = targets.Options(out=Path(tmp) / "out", engine=engine)
        outcome = targets.build_adhoc([data], "classic", options)[0]
        if outcome.status == "failed":
            error = outcome.error
            assert error is not None
            # pdfLaTeX refuses before TeX (InputError); a Unicode engine finds a
            # missing glyph while typesetting (a failed build): both name the field.
            assert isinstance(error, InputError) or engine != "pdflatex", error.problems
            paths = {p.field_path for p in error.problems}
            assert paths & {path for path, _, _ in expect}, error.problems
            assert all(p.location is not None and p.message for p in error.problems)
            assert not (Path(tmp) / "out" / "classic.pdf").exists()
            return
        assert outcome.pdf is not None
        text = squash(read_pdf(outcome.pdf.read_bytes()).text)
        missing = [(path, printed) for path, _, printed in expect if squash(printed) not in text]
        assert not missing


_TEX_SETTINGS = settings(
    max_examples=TEX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.tex
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
@_TEX_SETTINGS
@given(cases=_CASES)
def test_any_text_prints_verbatim_or_is_refused(cases: list[tuple[str, str]]) -> None:
    _round_trip(cases, "pdflatex")


@pytest.mark.tex
@pytest.mark.skipif(not FULL or shutil.which("xelatex") is None, reason="FULL run with xelatex")
@_TEX_SETTINGS
@given(cases=_CASES)
def test_any_text_prints_verbatim_or_is_refused_xelatex(cases: list[tuple[str, str]]) -> None:
    _round_trip(cases, "xelatex")


# ------------------------------------------------------------------ the loader

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
_JSONISH = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_YAML_ALPHABET = st.sampled_from(
    [*list("abc:-[]{}&*!|>'\"#%@`?,.\\ \n\t0123456789<~"), "é", "\x00"]
)


def _only_input_errors(text: str, suffix: str = ".yaml") -> None:
    try:
        loaded = load.loads(text, f"doc{suffix}", json_syntax=suffix == ".json")
        validate.resume(loaded)
    except InputError as exc:
        assert exc.message and exc.problems
    except CvpressError as exc:  # pragma: no cover - would be a wrong error class
        pytest.fail(f"bad input raised {type(exc).__name__}, not InputError: {exc}")


@settings(max_examples=LOADER_EXAMPLES, deadline=None)
@given(text=st.text(_YAML_ALPHABET, max_size=80))
def test_yaml_syntax_soup_never_crashes(text: str) -> None:
    _only_input_errors(text)


@settings(max_examples=LOADER_EXAMPLES, deadline=None)
@given(text=st.text(max_size=200))
def test_any_unicode_never_crashes_the_loader(text: str) -> None:
    _only_input_errors(text)
    _only_input_errors(text, ".json")


@settings(max_examples=LOADER_EXAMPLES, deadline=None)
@given(data=_JSONISH)
def test_any_yaml_document_never_crashes(data: Any) -> None:
    _only_input_errors(yaml.safe_dump(data, allow_unicode=True))
    _only_input_errors(json.dumps(data), ".json")
    _only_input_errors(yaml.safe_dump({"basics": {"name": "x"}, "work": [data]}))


@settings(max_examples=LOADER_EXAMPLES, deadline=None)
@given(blob=st.binary(max_size=200))
def test_any_bytes_never_crash_the_loader(
    blob: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("bytes") / "cv.yaml"
    path.write_bytes(blob)
    with contextlib.suppress(InputError):
        validate.resume(load.load(path))
