"""Engines: command lines, real builds with each installed engine, failures.

Real TeX runs throughout; the only stand-ins are tiny executables put first
on PATH to play a tectonic without its bundle and an engine that crashes,
which a real installation cannot be made to do on demand.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import DATA, pdf_text, squash
from cvpress.engine import catalogue, formats, landlock, log, passes, sandbox
from cvpress.errors import EngineError, InputError, TexError
from cvpress.pipeline import dates, targets

INSTALLED = [e for e in catalogue.ENGINES if e != "latexmk:pdflatex" and catalogue.installed(e)]
HELLO = "\\documentclass{article}\\begin{document}Hello, engines.\\end{document}\n"


def _fake(tmp_path: Path, name: str, script: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An executable ``name`` first on PATH (the rest of PATH stays)."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    exe = folder / name
    exe.write_text("#!/bin/sh\n" + script + "\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return exe


# ------------------------------------------------------------ command lines


@pytest.mark.tex
@pytest.mark.parametrize("engine", ["pdflatex", "xelatex", "lualatex"])
def test_tex_command_line_has_the_sandbox_flags(engine: str) -> None:
    if not shutil.which(engine):
        pytest.skip(f"{engine} not installed")
    cmd = sandbox.command(engine)
    assert cmd[0] == shutil.which(engine)
    for flag in (
        "-no-shell-escape",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
    ):
        assert flag in cmd
    assert "-jobname=cv" in cmd and cmd[-1] == "cv.tex"
    assert not any(a.startswith("-shell-escape") or a == "-enable-write18" for a in cmd)


@pytest.mark.tex
def test_direct_runs_take_a_format_and_latexmk_spells_its_own() -> None:
    # pdfLaTeX: a precompiled preamble; XeLaTeX/LuaLaTeX: their own format,
    # inflated (tests/test_formats_unicode.py); latexmk:xelatex: neither.
    assert "-fmt=cvpress" in sandbox.command("pdflatex", fmt="cvpress")
    if shutil.which("xelatex") and shutil.which("latexmk"):
        command = sandbox.command("latexmk:xelatex", fmt="cvpress")
        assert not any("-fmt" in a for a in command)


@pytest.mark.tex
@pytest.mark.parametrize(
    ("engine", "mode", "tex"),
    [
        ("latexmk", "-pdf", "pdflatex"),
        ("latexmk:xelatex", "-xelatex", "xelatex"),
        ("latexmk:lualatex", "-lualatex", "lualatex"),
    ],
)
def test_latexmk_drives_the_named_engine_without_rc_files(engine: str, mode: str, tex: str) -> None:
    if not (shutil.which("latexmk") and shutil.which(tex)):
        pytest.skip("latexmk or the engine is not installed")
    cmd = sandbox.command(engine)
    assert cmd[1:3] == ["-norc", mode]
    assert "-no-shell-escape" in cmd and "-halt-on-error" in cmd
    assert f"-{tex}={shutil.which(tex)} %O %S" in cmd
    if tex == "pdflatex":
        assert f"-pdflatex={shutil.which(tex)} -fmt=cvpress %O %S" in sandbox.command(
            engine, fmt="cvpress"
        )


def test_tectonic_command_line_is_untrusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = _fake(tmp_path, "tectonic", "exit 1", monkeypatch)
    cmd = sandbox.command("tectonic")
    assert cmd[:4] == [str(exe), "-X", "compile", "--untrusted"]
    assert cmd[-1] == "cv.tex" and "--keep-logs" in cmd
    env = sandbox.sandbox_env(tmp_path, 1, "tectonic")
    assert env["TECTONIC_CACHE_DIR"].endswith("Tectonic") or "TECTONIC_CACHE_DIR" in os.environ


def test_missing_engine_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(EngineError) as info:
        sandbox.command("tectonic")
    assert "not installed" in info.value.message
    assert "tectonic-typesetting.github.io" in (info.value.hint or "")
    with pytest.raises(EngineError) as info:
        catalogue.which("xelatex")
    assert "apt-get install texlive-xetex" in (info.value.hint or "")


def test_unknown_engine_is_bad_input() -> None:
    with pytest.raises(InputError):
        catalogue.spec("latexmk:context")


def test_tectonic_without_its_bundle_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake(
        tmp_path,
        "tectonic",
        'echo "error: failed to download the bundle: network unreachable" >&2; exit 1',
        monkeypatch,
    )
    with pytest.raises(EngineError) as info:
        passes.compile_tex(HELLO, "tectonic", timeout=10)
    assert "network unreachable" in info.value.message
    assert "run it once with internet access" in (info.value.hint or "")


@pytest.mark.tex
def test_auto_prefers_pdflatex_then_unicode_engines() -> None:
    assert catalogue.resolve("auto") == "pdflatex"
    unicode = catalogue.resolve("auto", unicode=True)
    assert catalogue.spec(unicode).unicode
    if catalogue.installed("lualatex"):
        assert catalogue.resolve("auto", unicode=True, preferred=("lualatex",)) == "lualatex"
    assert catalogue.resolve("xelatex") == "xelatex"


def test_rerun_only_when_the_log_asks() -> None:
    empty_outline = (
        "Package rerunfilecheck Warning: File `cv.out' has changed.\n"
        "(rerunfilecheck)                Rerun to get outlines right\n"
        "(rerunfilecheck)                or use package `bookmark'.\n\n"
        "Package rerunfilecheck Info: Checksums for `cv.out':\n"
        "(rerunfilecheck)             Before: <no file>\n"
        "(rerunfilecheck)             After:  D41D8CD98F00B204E9800998ECF8427E;0.\n"
    )
    assert not log.needs_rerun(empty_outline)
    assert not log.needs_rerun("Package hyperref Warning: Rerun to get /PageLabels entry.\n")
    assert log.needs_rerun(
        "LaTeX Warning: Label(s) may have changed. Rerun to get cross-references right."
    )
    assert log.needs_rerun(empty_outline.replace("D41D8CD98F00B204E9800998ECF8427E;0", "0123;42"))


# ------------------------------------------------------------ real builds


@pytest.mark.tex
@pytest.mark.parametrize("engine", INSTALLED)
def test_each_installed_engine_builds_classic(engine: str, tmp_path: Path) -> None:
    options = targets.Options(out=tmp_path, engine=engine, force=True)
    [outcome] = targets.build_adhoc([DATA], "classic", options)
    assert outcome.status == "built", outcome.error and outcome.error.problems
    text = squash(pdf_text(tmp_path / "classic.pdf"))
    assert squash("Gerard C.") in text
    assert squash("Machine Learning") in text
    log = (tmp_path / "classic.log").read_text(encoding="utf-8", errors="replace")
    banner = {"pdflatex": "pdfTeX", "xelatex": "XeTeX", "lualatex": "LuaHBTeX"}[
        catalogue.spec(engine).tex
    ]
    assert banner in log.splitlines()[0]


@pytest.mark.tex
def test_precompiled_preamble_is_reused_and_rebuilt_when_the_preamble_changes(
    own_cache: Path, tmp_path: Path
) -> None:

    def build(overrides: dict[str, object]) -> None:
        options = targets.Options(out=tmp_path, engine="pdflatex", force=True)
        [outcome] = targets.build_adhoc([DATA], "classic", options, overrides=overrides)
        assert outcome.status == "built", outcome.error and outcome.error.problems

    build({})
    first = sorted(formats.folder().glob("*.fmt"))
    assert len(first) == 1
    inode = first[0].stat().st_ino
    build({})
    assert sorted(formats.folder().glob("*.fmt")) == first
    assert first[0].stat().st_ino == inode, "the format was rebuilt, not reused"
    tex = (tmp_path / "classic.tex").read_text(encoding="utf-8")
    assert formats.MARKER in tex
    build({"accent": "#AA0000"})  # the accent colour is defined in the preamble
    assert len(list(formats.folder().glob("*.fmt"))) == 2
    assert "Gerard" in pdf_text(tmp_path / "classic.pdf")


@pytest.mark.tex
def test_formats_are_cached_inflated_and_give_the_bytes_of_the_gzipped_ones(
    own_cache: Path, tmp_path: Path
) -> None:
    import gzip

    options = targets.Options(out=tmp_path, engine="pdflatex", force=True)
    [outcome] = targets.build_adhoc([DATA], "classic", options)
    assert outcome.status == "built", outcome.error and outcome.error.problems
    [fmt] = formats.folder().glob("*.fmt")
    stored = fmt.read_bytes()
    assert stored[:2] != b"\x1f\x8b", "the cached format is still gzipped"
    gzipped = tmp_path / "gzipped.fmt"
    gzipped.write_bytes(gzip.compress(stored, compresslevel=1))
    tex = (tmp_path / "classic.tex").read_text(encoding="utf-8")
    epoch = dates.source_epoch(DATA)
    from_stored = passes.compile_tex(tex, "pdflatex", epoch=epoch, fmt=fmt)
    from_gzipped = passes.compile_tex(tex, "pdflatex", epoch=epoch, fmt=gzipped)
    assert from_stored.pdf == from_gzipped.pdf == (tmp_path / "classic.pdf").read_bytes()


@pytest.mark.tex
def test_formats_are_shared_by_builds_into_fresh_folders(own_cache: Path, tmp_path: Path) -> None:
    """The format lives in the user's cache: a second output folder reuses it, not re-dumps it."""
    for out in ("one", "two"):
        options = targets.Options(out=tmp_path / out, engine="pdflatex", force=True)
        [outcome] = targets.build_adhoc([DATA], "classic", options)
        assert outcome.status == "built", outcome.error and outcome.error.problems
    [fmt] = formats.folder().glob("*.fmt")
    assert fmt.is_relative_to(own_cache)
    assert not list((tmp_path / "two").rglob("*.fmt"))


@pytest.mark.tex
def test_a_run_loads_its_format_into_huge_pages(
    own_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """glibc asks for huge pages (GLIBC_TUNABLES) and may read their mode inside the sandbox.

    A format is read into fresh memory: with 4 KiB pages each of its pages
    faults once; with huge pages, one fault in 512 of them. The same run
    without the setting faults more by at least half the format's pages, and
    gives the same bytes.
    """
    import resource

    mode = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    if not mode.is_file() or "[never]" in mode.read_text():
        pytest.skip("this kernel gives no transparent huge pages")
    if tuple(int(p) for p in os.confstr("CS_GNU_LIBC_VERSION").split()[1].split(".")[:2]) < (2, 35):
        pytest.skip("glibc before 2.35 has no glibc.malloc.hugetlb")
    options = targets.Options(out=tmp_path, engine="pdflatex", force=True)
    [outcome] = targets.build_adhoc([DATA], "classic", options)
    assert outcome.status == "built", outcome.error and outcome.error.problems
    [fmt] = formats.folder().glob("*.fmt")
    tex = (tmp_path / "classic.tex").read_text(encoding="utf-8")

    def faults() -> tuple[int, bytes]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
        result = passes.compile_tex(tex, "pdflatex", epoch=dates.source_epoch(DATA), fmt=fmt)
        return resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - before, result.pdf

    huge, pdf = faults()
    plain_env = passes.sandbox_env

    def without(*args: object, **kwargs: object) -> dict[str, str]:
        env = plain_env(*args, **kwargs)  # type: ignore[arg-type]
        del env["GLIBC_TUNABLES"]
        return env

    monkeypatch.setattr(passes, "sandbox_env", without)
    small, same = faults()
    assert pdf == same == (tmp_path / "classic.pdf").read_bytes()
    pages = fmt.stat().st_size // resource.getpagesize()
    assert small - huge > pages // 2, (huge, small, pages)


def test_a_format_is_read_in_place_when_its_path_is_plain(tmp_path: Path) -> None:
    workdir = tmp_path / "run"
    workdir.mkdir()
    plain = tmp_path / "cache" / "abc.fmt"
    plain.parent.mkdir()
    plain.write_bytes(b"format")
    assert sandbox.format_argument(plain, workdir) == (str(plain), (str(plain),))
    assert not (workdir / f"{sandbox.FORMAT_NAME}.fmt").exists()
    odd = tmp_path / "my cv $(x)" / "abc.fmt"
    odd.parent.mkdir()
    odd.write_bytes(b"format")
    assert sandbox.format_argument(odd, workdir) == (sandbox.FORMAT_NAME, ())
    assert (workdir / f"{sandbox.FORMAT_NAME}.fmt").read_bytes() == b"format"


@pytest.mark.tex
def test_builds_from_a_format_in_place_or_linked_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdfs = []
    for folder in ("plain", "with space and 'quote'"):  # read in place; linked
        out = tmp_path / folder
        monkeypatch.setenv("CVPRESS_CACHE_DIR", str(out / "user-cache"))
        options = targets.Options(out=out, engine="pdflatex", force=True, version="")
        for _ in range(2):  # the second run finds the format cached
            [outcome] = targets.build_adhoc([DATA], "classic", options)
            assert outcome.status == "built", outcome.error and outcome.error.problems
        assert "preloaded format=cvpress" in (out / "classic.log").read_text(encoding="utf-8")
        pdfs.append((out / "classic.pdf").read_bytes())
    assert pdfs[0] == pdfs[1]


@pytest.mark.tex
def test_a_broken_format_never_fails_a_build(own_cache: Path, tmp_path: Path) -> None:
    options = targets.Options(out=tmp_path, engine="pdflatex", force=True)
    targets.build_adhoc([DATA], "classic", options)
    [fmt] = formats.folder().glob("*.fmt")
    fmt.write_bytes(b"not a format")
    [outcome] = targets.build_adhoc([DATA], "classic", options)
    assert outcome.status == "built", outcome.error and outcome.error.problems
    assert not fmt.exists() or fmt.read_bytes() != b"not a format"


@pytest.mark.tex
@pytest.mark.skipif(not catalogue.installed("xelatex"), reason="needs XeLaTeX")
def test_a_preamble_tex_refuses_to_dump_is_tried_once(
    own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """XeTeX refuses to dump a native font loaded above the boundary: every time, so once."""
    preamble = (
        "\\documentclass{article}\n"
        '\\font\\cvnative="[lmroman10-regular.otf]"\n'
        f"{formats.MARKER}\n"
    )
    dumps: list[str] = []
    real_run = formats.process.run

    def run(cmd: list[str], *args: object, **kwargs: object) -> int:
        dumps.append(cmd[0])
        return real_run(cmd, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(formats.process, "run", run)
    assert formats.ensure(preamble, "xelatex", 1) is None
    assert len(dumps) == 1 and list(formats.folder().glob("*.refused"))
    assert formats.ensure(preamble, "xelatex", 1) is None
    assert len(dumps) == 1, "the refused dump was tried again"
    assert formats.ensure(preamble.replace("article", "report"), "xelatex", 1) is None
    assert len(dumps) == 2, "another preamble is its own"


# ------------------------------------------------------------ failures


@pytest.mark.tex
def test_timeout_kills_the_whole_process_group() -> None:
    started: list[int] = []
    endless = "\\documentclass{article}\\begin{document}\\def\\loop{\\loop}\\loop\\end{document}\n"
    with pytest.raises(EngineError) as info:
        passes.compile_tex(endless, "pdflatex", timeout=1.5, on_start=started.append)
    assert "did not finish within 1.5 s" in info.value.message
    assert started
    assert _group_gone(started[0])


@pytest.mark.tex
def test_timeout_kills_latexmk_and_the_engine_it_started() -> None:
    if not catalogue.installed("latexmk"):
        pytest.skip("latexmk not installed")
    started: list[int] = []
    endless = "\\documentclass{article}\\begin{document}\\def\\loop{\\loop}\\loop\\end{document}\n"
    with pytest.raises(EngineError):
        passes.compile_tex(endless, "latexmk", timeout=3, on_start=started.append)
    assert _group_gone(started[0])


def _group_gone(pgid: int, seconds: float = 5.0) -> bool:
    """No process is left in the group (killed children may linger a moment as zombies)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def no_kernel_sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Landlock only lets system trees execute; a stand-in engine in tmp_path must run."""
    monkeypatch.setenv("CVPRESS_NO_LANDLOCK", "1")
    landlock.abi.cache_clear()
    yield
    monkeypatch.undo()
    landlock.abi.cache_clear()


@pytest.mark.usefixtures("no_kernel_sandbox")
def test_a_crashing_engine_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(tmp_path, "pdflatex", "kill -SEGV $$", monkeypatch)
    with pytest.raises(EngineError) as info:
        passes.compile_tex(HELLO, "pdflatex", timeout=10)
    assert "crashed (killed by signal 11)" in info.value.message


@pytest.mark.tex
def test_a_tex_error_names_the_line(tmp_path: Path) -> None:
    broken = "\\documentclass{article}\n\\begin{document}\n\\undefinedmacro\n\\end{document}\n"
    with pytest.raises(TexError) as info:
        passes.compile_tex(broken, "pdflatex", timeout=30)
    assert "Undefined control sequence" in info.value.message
    assert info.value.line == 3
    assert "Undefined control sequence" in info.value.log


def test_every_front_door_knows_every_engine() -> None:
    import typing

    from cvpress import cli_parser
    from cvpress.data import variants

    every = ("auto", *catalogue.ENGINES)
    assert every == cli_parser.ENGINE_CHOICES
    assert every == typing.get_args(variants.EngineName)
