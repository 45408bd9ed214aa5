"""``./bootstrap``'s TeX install step (cvpress.engine.install), root and sudo paths.

Installing packages cannot happen in a test, so ``apt-get`` and ``sudo`` are
stand-ins first on PATH that record how they were called; the probes that
decide whether anything is missing are the real ones (tests/test_engines.py
and every build prove the installed set works).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cvpress.engine import install as system


def _stand_ins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: list[str]) -> Path:
    """Executables ``names`` that log their arguments; PATH holds only them."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "calls.log"
    for name in names:
        exe = folder / name
        if name == "sudo":  # run the rest of the command, as sudo would
            exe.write_text(f'#!/bin/sh\necho "sudo $*" >> {log}\nexec "$@"\n')
        else:
            exe.write_text(f'#!/bin/sh\necho "{name} $* [$DEBIAN_FRONTEND]" >> {log}\n')
        exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(folder))
    return log


def _missing_then_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [["tgpagella.sty"], []]
    monkeypatch.setattr(system, "missing", lambda: answers.pop(0))


def test_as_a_user_it_installs_through_sudo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _stand_ins(tmp_path, monkeypatch, ["apt-get", "sudo"])
    _missing_then_installed(monkeypatch)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert system.ensure_tex() is True
    packages = " ".join(system.APT_PACKAGES)
    assert log.read_text().splitlines() == [
        "sudo apt-get update -qq",
        "apt-get update -qq [noninteractive]",
        f"sudo apt-get install -y -qq --no-install-recommends {packages}",
        f"apt-get install -y -qq --no-install-recommends {packages} [noninteractive]",
    ]


def test_as_root_it_calls_apt_get_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _stand_ins(tmp_path, monkeypatch, ["apt-get"])
    _missing_then_installed(monkeypatch)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert system.ensure_tex() is True
    assert [line.split()[:2] for line in log.read_text().splitlines()] == [
        ["apt-get", "update"],
        ["apt-get", "install"],
    ]


def test_nothing_missing_installs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _stand_ins(tmp_path, monkeypatch, ["apt-get", "sudo"])
    monkeypatch.setattr(system, "missing", lambda: [])
    assert system.ensure_tex() is False
    assert not log.exists()
    assert "already installed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("tools", "euid", "says"),
    [
        ([], 0, "this machine has no apt-get"),
        (["apt-get"], 1000, "needs root: run as root or install sudo"),
    ],
)
def test_without_a_way_to_install_it_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tools: list[str], euid: int, says: str
) -> None:
    _stand_ins(tmp_path, monkeypatch, tools)
    monkeypatch.setattr(system, "missing", lambda: ["tgpagella.sty"])
    monkeypatch.setattr(os, "geteuid", lambda: euid)
    with pytest.raises(SystemExit, match=says):
        system.ensure_tex()
