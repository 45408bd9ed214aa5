"""The compatibility policy (docs/compatibility.md): what happens to each kind of input.

A document valid against JSON Resume v1.0.0 builds and prints what it holds;
what cvpress doubts is a warning at the value's line, with the fix; a key
close to a known one is an error in the project's own data and a warning in a
``--data`` document; ``--strict`` makes every warning an error. Most of this
needs no TeX: the rendered ``.tex`` shows what a template prints.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import pdf_text, requires_tex, squash
from cvpress import cli
from cvpress.data import load, urls, validate
from cvpress.data.compat import DOCUMENT, PROJECT, Policy
from cvpress.data.model import Resume
from cvpress.data.variants import Variant
from cvpress.errors import InputError, Warnings
from cvpress.tex import markdown, render


def _check(text: str, policy: Policy = DOCUMENT) -> tuple[Resume, list[str]]:
    """Validate YAML ``text``; the résumé and its warnings as ``line: message``."""
    warnings = Warnings()
    loaded = load.loads(text, "cv.yaml")
    resume = validate.resume(loaded, warnings, policy)
    return resume, [
        f"{w.location.line if w.location else '?'}: {w.message}" for w in warnings.items
    ]


def _errors(text: str, policy: Policy) -> list[str]:
    with pytest.raises(InputError) as caught:
        validate.resume(load.loads(text, "cv.yaml"), Warnings(), policy)
    return [
        f"{p.location.line if p.location else '?'}: {p.message}"
        for p in caught.value.problems
        if p.severity == "error"
    ]


def _tex(text: str, template: str = "classic", engine: str = "pdflatex") -> str:
    resume, _ = _check(text)
    variant = Variant.model_validate({"name": "t", "template": template})
    return render.render(resume, variant, engine=engine)


# ------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("url", "kind", "href"),
    [
        ("https://example.com/a?b=1", "web", "https://example.com/a?b=1"),
        ("missdirection.example.com", "schemeless", "https://missdirection.example.com"),
        ("www.example.com:8080/cv", "schemeless", "https://www.example.com:8080/cv"),
        ("//cdn.example.org/x", "schemeless", "https://cdn.example.org/x"),
        ("mailto:ada@example.com", "mail", "mailto:ada@example.com"),
        ("tel:+34600000000", "tel", "tel:+34600000000"),
        ("skype:name?userinfo", "other_scheme", None),
        ("ftp://files.example.com", "other_scheme", None),
        ("doi:10.1000/xyz", "other_scheme", None),
        ("my website", "not_url", None),
        ("mailto:nobody", "not_url", None),
        ("@zoe@hachyderm.example", "not_url", None),
    ],
)
def test_one_rule_for_what_becomes_a_link(url: str, kind: str, href: str | None) -> None:
    assert urls.target(url) == urls.Target(kind, href)  # type: ignore[arg-type]


def test_urls_print_as_written_and_link_only_safe_schemes() -> None:
    tex = _tex(
        "basics:\n  name: Ada\n  url: ada.example.com\n  profiles:\n"
        "    - {network: Skype, url: 'skype:ada.l?call'}\n"
    )
    assert r"\href{https://ada.example.com}{ada.example.com}" in tex
    assert "skype:ada.l?call" in tex and r"\href{skype" not in tex


def test_each_kind_of_url_is_a_warning_at_its_line() -> None:
    _, warnings = _check(
        "basics:\n  name: Ada\n  url: ada.example.com\n"
        "work:\n  - name: X\n    url: 'skype:ada'\n  - name: Y\n    url: not a url\n"
    )
    assert warnings == [
        "3: 'ada.example.com' has no scheme: printed as written, linked as "
        "'https://ada.example.com'",
        "6: 'skype:ada' is not an http, https, mailto or tel address: printed as written, "
        "not linked",
        "8: 'not a url' is not a web address: printed as written, not linked",
    ]


# ------------------------------------------------------------------------ dates


def test_impossible_day_falls_back_to_the_month_with_a_warning() -> None:
    resume, warnings = _check(
        'basics: {name: Ada}\nwork:\n  - name: X\n    startDate: "2024-09-31"\n'
        '    endDate: "2025-13"\n'
    )
    assert (resume.work[0].start_date.iso, resume.work[0].end_date.iso) == ("2024-09", "2025")  # type: ignore[union-attr]
    assert warnings == [
        "4: '2024-09-31' is not a calendar date: printed as '2024-09'",
        "5: '2025-13' is not a calendar date: printed as '2025'",
    ]
    assert _errors(
        'basics: {name: Ada}\nawards:\n  - date: "2023-02-29"\n',
        Policy(typos="error", doubts="error"),
    ) == ["3: '2023-02-29' is not a calendar date"]


def test_open_ended_entry_is_present_at_every_precision() -> None:
    for start, printed in (
        ("2004", "2004"),
        ("2004-02", "Feb 2004"),
        ("2004-02-01", "Feb 1, 2004"),
    ):
        tex = _tex(f"basics: {{name: Ada}}\nwork:\n  - {{name: X, startDate: '{start}'}}\n")
        assert f"{{{printed} – Present}}" in tex, start


# ------------------------------------------------------------------ keys, policy

TYPOS = (
    "basics: {name: Ada}\nconferences: []\n"
    "work:\n  - name: X\n    highlight: [a]\n"
    "skills:\n  - name: S\n    keyword: [b]\n"
)


def test_did_you_mean_is_an_error_in_own_data_and_a_warning_for_data() -> None:
    assert _errors(TYPOS, PROJECT) == [
        "2: unknown key 'conferences'",
        "5: unknown key 'highlight'",
        "8: unknown key 'keyword'",
    ]
    _, warnings = _check(TYPOS, DOCUMENT)
    assert warnings == [
        "2: unknown key 'conferences' (kept, not printed)",
        "5: unknown key 'highlight' (kept, not printed)",
        "8: unknown key 'keyword' (kept, not printed)",
    ]
    assert len(_errors(TYPOS, Policy.for_input(own_data=False, strict=True))) == 3


def test_pre_1_0_key_error_points_at_the_value_not_the_brace() -> None:
    text = '{\n  "basics": {\n    "name": "Ada",\n    "website": ["a", "b"]\n  }\n}\n'
    with pytest.raises(InputError) as caught:
        validate.resume(load.loads(text, "cv.json", json_syntax=True), Warnings(), DOCUMENT)
    [problem] = caught.value.problems
    assert (problem.location.line, problem.location.column) == (4, 16)  # type: ignore[union-attr]


def test_json_resume_requires_no_name() -> None:
    resume, warnings = _check("basics:\n  label: Engineer\n")
    assert resume.basics.name is None
    assert warnings == ["2: no basics.name: the résumé prints without a name heading"]
    assert Resume.model_validate({}).basics.name is None
    assert r"\cvname{" not in _tex("basics:\n  label: Engineer\n").split(r"\begin{document}")[-1]


def test_bidirectional_controls_are_refused_everywhere() -> None:
    for code in ("\u202a", "\u202e", "\u2066", "\u2069"):
        text = f'basics:\n  name: Ada\n  label: "x{code}y"\n'
        assert _errors(text, DOCUMENT) == [
            f"3: contains the bidirectional control U+{ord(code):04X}, which can disguise "
            "what text says"
        ]


def test_validate_shows_what_build_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    (tmp_path / "cv.yaml").write_text(TYPOS, encoding="utf-8")
    assert cli.main(["validate", "cv.yaml"]) == 2  # own data: typos are errors
    assert "cv.yaml:5:5: work[0].highlight: unknown key 'highlight'" in capsys.readouterr().err
    assert cli.main(["validate", "--data", "cv.yaml"]) == 0  # as build --data reads it
    err = capsys.readouterr().err
    assert "cv.yaml:5:5: work[0].highlight: warning: unknown key 'highlight' (kept" in err
    assert cli.main(["validate", "--strict", "--data", "cv.yaml"]) == 2


# --------------------------------------------------------------- what is printed


def test_profile_prints_network_and_username_linked_else_the_url() -> None:
    tex = _tex(
        "basics:\n  name: Zoe\n  profiles:\n"
        "    - {network: Mastodon, username: '@zoe@hachyderm.example', "
        "url: 'https://hachyderm.example/@zoe'}\n"
        "    - {network: GitHub, url: 'https://github.com/zoe'}\n"
        "    - {network: Bluesky, username: zoe.example}\n"
    )
    assert r"\href{https://hachyderm.example/@zoe}{Mastodon: @zoe@hachyderm.example}" in tex
    assert r"GitHub: \href{https://github.com/zoe}{github.com/zoe}" in tex
    assert "Bluesky: zoe.example" in tex


def test_no_empty_sections_or_entries() -> None:
    tex = _tex(
        "basics: {name: Ada}\n"
        "work:\n  - {name: '', position: '', highlights: ['']}\n  - {name: Real}\n"
        "skills:\n  - {name: '', keywords: ['']}\n"
        "references:\n  - {name: '', reference: ''}\n"
    )
    body = tex.split(r"\begin{document}")[-1]
    assert body.count(r"\cvsingle") == 1 and "Real" in body
    assert r"\cvsection{Skills}" not in tex and r"\cvsection{References}" not in tex


def test_bare_score_gets_a_label_and_a_course_ending_in_a_stop_gives_no_comma() -> None:
    tex = _tex(
        "basics: {name: Ada}\neducation:\n"
        "  - {institution: U, score: '3.8', courses: [Algebra I., Topology]}\n"
        "  - {institution: V, score: First-class honours}\n"
    )
    assert "Grade: 3.8" in tex and "Grade: First" not in tex
    assert "Algebra I. Topology" in tex


@pytest.mark.parametrize(
    ("source", "latex", "plain"),
    [
        (
            'See <a href="https://x.example/p">my <b>work</b></a>',
            r"See \href{https://x.example/p}{my \textbf{work}}",
            "See my work",
        ),
        ("<strong>a</strong> <em>b</em> <i>c</i>", r"\textbf{a} \emph{b} \emph{c}", "a b c"),
        ("one<br>two<br/>three", r"one\newline{}two\newline{}three", "one two three"),
        (
            "<script>x</script>",
            r"\textless{}script\textgreater{}x\textless{}/script\textgreater{}",
            "<script>x</script>",
        ),
        ('<a href="javascript:alert(1)">j</a>', "j", "j"),
        ("a </b> b", r"a \textless{}/b\textgreater{} b", "a </b> b"),
    ],
)
def test_safe_inline_html_reads_as_markdown(source: str, latex: str, plain: str) -> None:
    assert markdown.markdown(source) == latex
    assert markdown.plain_markdown(source) == plain


@requires_tex
def test_document_given_with_data_builds_with_warnings(tmp_path: Path) -> None:
    """The official sample's patterns: a scheme-less URL, a typo-like key, a Mastodon handle."""
    data = tmp_path / "cv.json"
    data.write_text(
        '{"basics": {"name": "Zoe Ambler", "profiles": [{"network": "Mastodon", '
        '"username": "@zoe@hachyderm.example", "url": "https://hachyderm.example/@zoe"}]},\n'
        ' "projects": [{"name": "Site", "url": "missdirection.example.com",\n'
        '   "highlight": ["kept"]}]}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code = cli.main(["build", "--data", str(data), "--template", "classic", "--out", str(out)])
    assert code == 0
    text = squash(pdf_text(out / "classic.pdf"))
    assert squash("Mastodon: @zoe@hachyderm.example") in text
    assert (
        cli.main(
            ["build", "--data", str(data), "--template", "classic", "--out", str(out), "--strict"]
        )
        == 2
    )


# ------------------------------------------- the person's own data (data/), generic
#
# data/ belongs to whoever forks the repository: these checks assert nothing
# about whose résumé it is, only that it is valid, that its schemas' pointers
# hold and that every variant builds within its page limit, so they pass for
# any valid data (a fork that changes only data/ stays green).

OWN = Path(__file__).resolve().parent.parent / "data"


def _own(name: str) -> Path:
    path = OWN / name
    if not path.is_file():
        pytest.skip(f"no data/{name} in this checkout")
    return path


def _as_an_editor_reads(path: Path) -> object:
    """The YAML as a YAML 1.2 editor types it (numbers and true/false typed, dates as text):
    the committed schemas are what editors check the files against."""
    import yaml

    class EditorLoader(yaml.SafeLoader):
        pass

    EditorLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)


def test_own_data_validates_against_the_committed_schemas() -> None:
    import json

    import jsonschema

    for name, schema in (
        ("resume.yaml", "resume.schema.json"),
        ("variants.yaml", "variants.schema.json"),
    ):
        document = json.loads((OWN.parent / "schema" / schema).read_text(encoding="utf-8"))
        data = _as_an_editor_reads(_own(name))
        errors = list(jsonschema.Draft202012Validator(document).iter_errors(data))
        assert not errors, [f"data/{name}: {e.json_path}: {e.message}" for e in errors[:3]]
    validate.project(_own("resume.yaml"), _own("variants.yaml"))


@requires_tex
def test_own_data_every_variant_builds_within_its_page_limit(tmp_path: Path) -> None:
    from cvpress.pipeline import targets

    outcomes = targets.build_variants(
        _own("variants.yaml"), options=targets.Options(out=tmp_path, force=True, timeout=300)
    )
    failed = [(o.name, o.error and o.error.problems[0].message) for o in outcomes if o.error]
    assert not failed, failed
