"""Hostile text: every payload prints verbatim or is refused, naming the field.

The corpus (tests/injection/payloads.yaml) goes into every text field kind
(one-line, Markdown free text, URL, name, e-mail, date) under every template
and every installed engine. Many payloads share one document, each between
unique markers, so one compilation answers for all of them. Around every
build: a secret file with a random token sits beside the TeX run's directory
(``../secret.txt``) and at a known absolute path; it must never reach a PDF,
a log or a .tex, and no file may appear outside the expected outputs.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import tempfile
import zlib
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import FULL, run_cvpress, squash
from cvpress.engine import landlock, passes
from cvpress.errors import CvpressError, EngineError, TexError
from cvpress.pipeline import incremental, targets
from cvpress.pipeline.check import read_pdf, without_running_foot
from cvpress.tex import templates
from injection import corpus

TEMPLATES = sorted(templates.available())
ENGINES = [e for e in ("pdflatex", "xelatex", "lualatex") if shutil.which(e)]
COMBOS = [(t, e) for t in TEMPLATES for e in ENGINES]

pytestmark = [pytest.mark.tex, pytest.mark.skipif(not ENGINES, reason="no TeX engine installed")]


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def jail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temp root TeX runs are made in; ``../secret.txt`` from a run is its secret."""
    root = tmp_path_factory.mktemp("jail")
    (root / "secret.txt").write_text(f"SECRET-{secrets.token_hex(16)}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def token(jail: Path) -> str:
    return (jail / "secret.txt").read_text(encoding="utf-8").strip()


@pytest.fixture(scope="module")
def payloads(jail: Path) -> list[corpus.Payload]:
    return corpus.payloads(str(jail / "secret.txt"), "../secret.txt")


@pytest.fixture(scope="module")
def verdicts(
    payloads: list[corpus.Payload], tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], CvpressError | None]:
    """(payload id, kind) -> the validation error, or None when accepted. No TeX."""
    tmp = tmp_path_factory.mktemp("probe")
    return {(p.id, k): corpus.probe(k, p, tmp) for p in payloads for k in corpus.KINDS}


def _accepted(payloads: list[corpus.Payload], verdicts: dict) -> dict[str, list[corpus.Payload]]:
    return {
        k: [p for p in payloads if verdicts[p.id, k] is None and p.id not in corpus.UNPRINTABLE]
        for k in corpus.KINDS
    }


def _plain_pdf(pdf: bytes) -> bytes:
    """The PDF with every Flate stream inflated, to search for leaked bytes."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _assert_no_leak(token: str, *blobs: bytes) -> None:
    needles = (token.encode(), token.encode().hex().encode(), token.encode().hex().upper().encode())
    for blob in blobs:
        plain = _plain_pdf(blob)
        assert not any(n in plain for n in needles), "the secret reached an output"


def _link_targets(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                out.append(str(action["/URI"]))
    return out


def _files(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}


def _processes_in(root: Path) -> list[int]:
    """PIDs whose working directory is under ``root`` (a TeX run that outlived its build)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if cwd.startswith(str(root)):
            found.append(int(entry.name))
    return found


# ------------------------------------------------------------------ validation (no TeX)


def test_corpus_is_large_and_covers_every_category(payloads: list[corpus.Payload]) -> None:
    assert len(payloads) >= 40
    ids = {p.id for p in payloads}
    for needed in ("input-abs", "pdfobj-file", "write18", "input-pipe", "hathat-input",
                   "catcode-backslash", "csname", "redefine", "openout", "close-braces",
                   "percent", "dollar", "ampersand", "hash", "loop-def", "bomb-exp",
                   "bomb-dimen", "ctrl-bell", "blank-line", "cjk"):  # fmt: skip
        assert needed in ids


def test_refusals_name_the_field(
    payloads: list[corpus.Payload], verdicts: dict[tuple[str, str], CvpressError | None]
) -> None:
    """Whatever validation refuses, it refuses with the field's path and a location."""
    refused = 0
    for p in payloads:
        for kind in corpus.KINDS:
            error = verdicts[p.id, kind]
            if error is None:
                continue
            refused += 1
            paths = {problem.field_path for problem in error.problems}
            assert corpus.field_path(kind) in paths, (p.id, kind, paths)
            assert all(problem.location is not None for problem in error.problems)
            assert error.exit_code == 2
    assert refused > 0


@pytest.mark.parametrize("kind", corpus.KINDS)
def test_what_must_be_refused_is_refused(
    kind: str, payloads: list[corpus.Payload], verdicts: dict[tuple[str, str], CvpressError | None]
) -> None:
    for p in payloads:
        error = verdicts[p.id, kind]
        if kind == "date":
            assert error is not None, p.id  # a date is ISO 8601, never text
        elif p.id.startswith("ctrl-") and kind not in ("url", "email"):
            assert error is not None and "control character U+" in error.message, p.id
        elif p.id in ("blank-line", "crlf") and kind in ("line", "name"):
            assert error is not None and "one line" in error.message, p.id
        elif kind in ("line", "text", "name") and not p.id.startswith(("ctrl-", "line-sep", "bom")):
            if p.id == "bomb-braces" and kind != "text":
                assert error is not None and "limit" in error.message
            else:
                assert error is None, (p.id, kind, error and error.message)


def test_cli_refusal_is_clear(tmp_path: Path) -> None:
    """The command line says file:line:column and the field, exits 2, no traceback."""
    data = tmp_path / "cv.json"
    data.write_text(json.dumps(corpus.document(line=["bell \a here"])), encoding="utf-8")
    run = run_cvpress(
        *("build", "--data", str(data), "--template", "classic", "--out", str(tmp_path / "out")),
        cwd=tmp_path,
    )
    assert run.returncode == 2
    assert "work[0].position" in run.stderr and "U+0007" in run.stderr
    assert "cv.json:1:" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out" / "cv.pdf").exists()


# ------------------------------------------------------------------ real TeX


@pytest.mark.parametrize(("template", "engine"), COMBOS)
def test_payloads_print_verbatim(
    template: str,
    engine: str,
    jail: Path,
    token: str,
    payloads: list[corpus.Payload],
    verdicts: dict[tuple[str, str], CvpressError | None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every accepted payload, in every kind, shows verbatim in the PDF; nothing leaks."""
    rotation = None if FULL else COMBOS.index((template, engine))
    plan = corpus.plan(_accepted(payloads, verdicts), rotation)
    sandbox = tmp_path / "sandbox"
    (sandbox / "data").mkdir(parents=True)
    (sandbox / "secret.txt").write_text(token, encoding="utf-8")
    files = []
    for i, doc in enumerate(plan.docs):
        path = sandbox / "data" / f"doc{i}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        files.append(path)
    monkeypatch.chdir(sandbox)
    monkeypatch.setattr(tempfile, "tempdir", str(jail))
    before = _files(sandbox)
    out = sandbox / "out"
    outcomes = targets.build_adhoc(
        files, template, targets.Options(out=out, engine=engine, force=True, jobs=1)
    )
    for outcome, expect, doc in zip(outcomes, plan.expect, plan.docs, strict=True):
        assert outcome.status == "built", (outcome.name, outcome.error and outcome.error.problems)
        assert outcome.pdf is not None
        pdf = outcome.pdf.read_bytes()
        facts = read_pdf(pdf)
        # The running foot ("Name · page 2 of 3") is the template's, not the data's.
        haystack = squash("\n".join(without_running_foot(facts.page_texts, doc["basics"]["name"])))
        missing = [(kind, pid) for kind, pid, text in expect if squash(text) not in haystack]
        assert not missing, missing
        assert squash(facts.metadata.get("Author", "")) == squash(doc["basics"]["name"])
        # Links go where the data says, percent-encoded, and nowhere else.
        links = {unquote(uri) for uri in _link_targets(pdf)}
        assert all(t.startswith(("https://example.com/", "mailto:")) for t in links), links
        urls = [text for kind, _, text in expect if kind == "url"]
        for profile in doc["basics"]["profiles"]:
            assert unquote(profile["url"]) in links, profile["url"]
        assert len(urls) == len(doc["basics"]["profiles"])
        name = outcome.name
        _assert_no_leak(
            token, pdf, (out / f"{name}.log").read_bytes(), (out / f"{name}.tex").read_bytes()
        )
    new = _files(sandbox) - before
    expected = {Path("out") / f"{o.name}.{s}" for o in outcomes for s in ("pdf", "tex", "log")}
    assert {p for p in new if p.parts[1] != incremental.CACHE_DIR} == expected
    assert [p.name for p in jail.iterdir()] == ["secret.txt"], "a TeX run left files behind"
    assert not _processes_in(jail)


@pytest.mark.parametrize(("template", "engine"), COMBOS)
def test_unprintable_is_refused_naming_the_field(
    template: str,
    engine: str,
    jail: Path,
    payloads: list[corpus.Payload],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Characters without a glyph: printed when the font has them, else a named refusal."""
    chosen = [p for p in payloads if p.id in corpus.UNPRINTABLE]
    if not FULL and engine != "pdflatex":  # pdflatex refuses before TeX: all are cheap
        chosen = [chosen[COMBOS.index((template, engine)) % len(chosen)]]
    monkeypatch.setattr(tempfile, "tempdir", str(jail))
    files = []
    for p in chosen:
        path = tmp_path / f"{p.id}.json"
        path.write_text(json.dumps(corpus.document(line=[corpus.value("line", p)])), "utf-8")
        files.append(path)
    outcomes = targets.build_adhoc(
        files, template, targets.Options(out=tmp_path / "out", engine=engine, force=True)
    )
    for p, outcome in zip(chosen, outcomes, strict=True):
        if outcome.status == "built":
            assert outcome.pdf is not None
            text = squash(read_pdf(outcome.pdf.read_bytes()).text)
            assert squash(corpus.value("line", p)) in text, p.id
            continue
        error = outcome.error
        assert error is not None
        assert error.field_path == "work[0].position", (p.id, error.problems)
        assert error.hint and error.location is not None
        assert not (tmp_path / "out" / f"{outcome.name}.pdf").exists()
    assert _files(jail) == {Path("secret.txt")}


# ------------------------------------------------------------------ the sandbox itself

_RAW_ATTACKS = {
    "input-abs": ("pdflatex", r"\input{@SECRET@}"),
    "input-parent": ("pdflatex", r"\input{../secret.txt}"),
    "openin": ("pdflatex", r"\newread\r\immediate\openin\r=@SECRET@ \read\r to\x [\x]"),
    "pdfobj-file": ("pdflatex", r"\immediate\pdfobj file {@SECRET@}\pdfrefobj\pdflastobj"),
    "pdffiledump": ("pdflatex", r"[\pdffiledump length 64 {@SECRET@}]"),
    "pdfximage": ("pdflatex", r"\pdfximage{@SECRET@}"),
    "write18": ("pdflatex", r"\immediate\write18{echo x > @OUT@pwned-18}"),
    "pipe": ("pdflatex", r"\input|\"cat @SECRET@ > @OUT@pwned-pipe\" "),
    "openout-parent": ("pdflatex", r"\immediate\openout15=../pwned-out.tex\immediate\write15{x}"),
    "openout-abs": ("xelatex", r"\immediate\openout15=@OUT@pwned-abs.tex\immediate\write15{x}"),
    "lua-read": (
        "lualatex",
        r"\directlua{local f=io.open('@SECRET@') if f then tex.print(f:read('*a')) end}",
    ),
    "lua-write": (
        "lualatex",
        r"\directlua{local f=io.open('@OUT@pwned-lua','w') if f then f:write('x') f:close() end}",
    ),
    "lua-exec": ("lualatex", r"\directlua{os.execute('touch @OUT@pwned-exec')}"),
}


@pytest.mark.parametrize("attack", sorted(_RAW_ATTACKS))
def test_sandbox_holds_against_raw_tex(
    attack: str, jail: Path, token: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: unescaped hostile TeX, straight to the engine, still reads
    and writes nothing outside its directory (TeX Live's settings plus Landlock)."""
    engine, body = _RAW_ATTACKS[attack]
    if not shutil.which(engine):
        pytest.skip(f"{engine} not installed")
    kernel_only = ("pdfobj-file", "lua-read", "lua-write")  # TeX Live lets these through
    if attack in kernel_only and landlock.abi() < 1:
        pytest.skip("needs Landlock: TeX Live's openin_any does not cover this primitive")
    monkeypatch.setattr(tempfile, "tempdir", str(jail))
    body = body.replace("@SECRET@", str(jail / "secret.txt")).replace("@OUT@", f"{tmp_path}/")
    tex = "\\documentclass{article}\\begin{document}\n" + body + "\nX\\end{document}\n"
    try:
        result = passes.compile_tex(tex, engine, timeout=60)
    except EngineError as exc:
        log = exc.log if isinstance(exc, TexError) else ""
        _assert_no_leak(token, log.encode())
    else:
        _assert_no_leak(token, result.pdf, result.log.encode())
    assert not list(tmp_path.iterdir()), "the document wrote a file outside its directory"
    assert _files(jail) == {Path("secret.txt")}


@pytest.mark.parametrize("engine", ENGINES)
def test_endless_loop_is_killed_at_the_timeout(
    engine: str, jail: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real TeX loop (not a mock) is stopped, its process group killed, its folder removed."""
    monkeypatch.setattr(tempfile, "tempdir", str(jail))
    tex = "\\documentclass{article}\\begin{document}\\def\\x{\\x}\\x\\end{document}\n"
    with pytest.raises(EngineError, match="did not finish within 2 s"):
        passes.compile_tex(tex, engine, timeout=2)
    assert not _processes_in(jail)
    assert _files(jail) == {Path("secret.txt")}
    assert [p.name for p in jail.iterdir()] == ["secret.txt"]
