"""git, as cvpress asks it: the commit HEAD is at, a file's last commit, tags, old versions.

The cheap questions (:func:`head`, :func:`head_commit`) read ``.git`` files
directly: the no-op build and SOURCE_DATE_EPOCH ask them on every build. The
rest run ``git``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..errors import InputError


def head(path: Path) -> str | None:
    """What HEAD points at in the repository holding ``path``; None outside git.

    Cheap (two or three file reads): ``HEAD``, then the branch's ref, loose
    or in ``packed-refs``. A worktree
    or submodule (``.git`` is a file naming the real git folder) is followed.
    ``SOURCE_DATE_EPOCH`` comes from the data file's last commit, so any new
    commit must change this answer.
    """
    for parent in path.resolve().parents:
        dot_git = parent / ".git"
        if dot_git.is_dir():
            return _head_in(dot_git, dot_git)
        if dot_git.is_file():
            try:
                gitdir = _gitfile_target(dot_git)
                common = gitdir
                if (gitdir / "commondir").is_file():
                    common = gitdir / (gitdir / "commondir").read_text().strip()
            except OSError:
                return "unreadable"
            return _head_in(gitdir, common)
    return None


def _gitfile_target(gitfile: Path) -> Path:
    """The folder a ``.git`` file names (``gitdir: PATH``, relative to the file's folder)."""
    text = gitfile.read_text(errors="replace").strip()
    if not text.startswith("gitdir: "):
        raise OSError(f"{gitfile} is not a gitfile")
    return gitfile.parent / text[len("gitdir: ") :]


def _head_in(gitdir: Path, common: Path) -> str:
    """HEAD of ``gitdir`` with the commit it names; refs live in ``common`` (worktrees share it)."""
    try:
        state = (gitdir / "HEAD").read_text(errors="replace").strip()
        if state.startswith("ref: "):
            ref = common / state[5:]
            commit = ref.read_text().strip() if ref.is_file() else _packed(common, state[5:])
            return f"{state} {commit}"
        return state
    except OSError:
        return "unreadable"


def _packed(common: Path, ref: str) -> str:
    """The commit of a packed ``ref`` (a fresh clone packs its branches), else the file's time."""
    packed = common / "packed-refs"
    for line in packed.read_text(errors="replace").splitlines():
        commit, _, name = line.partition(" ")
        if name == ref:
            return commit
    return str(packed.stat().st_mtime_ns)


def head_commit(path: Path) -> str | None:
    """The commit HEAD points at, when ``.git`` says it plainly (a loose ref or a detached HEAD)."""
    state = head(path)
    commit = state.rsplit(" ", 1)[-1] if state else ""
    return (
        commit if len(commit) in (40, 64) and all(c in "0123456789abcdef" for c in commit) else None
    )


def last_commit_time(data: str) -> int | None:
    """The file's last commit time (``git log -1 --format=%ct``); None if it has none."""
    value: int | None = None
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", os.path.basename(data)],
            cwd=os.path.dirname(data) or ".",
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
        value = int(out) if out.isdigit() else None
    except (OSError, subprocess.SubprocessError):
        value = None
    return value


def describe(where: Path | str = ".") -> str:
    """``git describe --tags --always --dirty`` for the work tree at ``where``; "" outside git.

    On a tagged commit this is the tag itself (``v2026.11``); after it,
    ``v2026.11-3-gabc1234``; with uncommitted edits, ``...-dirty``.
    """
    folder = Path(where)
    if not folder.is_dir():
        folder = folder.parent
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), "describe", "--tags", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; a failure is the user's bad revision, hence InputError."""
    try:
        result = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise InputError(f"cannot run git: {exc}", hint="install git") from None
    if result.returncode != 0:
        message = result.stderr.strip().splitlines()[-1:] or ["no output"]
        raise InputError(f"git {' '.join(args)} failed: {message[0]}")
    return result.stdout


def repo_root(where: Path) -> Path | None:
    """The work tree holding ``where``, or None outside git."""
    try:
        return Path(
            git(where if where.is_dir() else where.parent, "rev-parse", "--show-toplevel").strip()
        )
    except InputError:
        return None


def rev_exists(repo: Path, rev: str) -> bool:
    try:
        git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except InputError:
        return False
    return True


def previous_tag(repo: Path, until: str | None = None) -> str | None:
    """The release before ``until``: the nearest ``v*`` tag behind it.

    With ``until`` a revision (the tag being released), tags on that very
    commit are skipped, so v2 is compared with v1, not with itself. With
    ``until`` None (the working tree) the nearest tag at or behind HEAD counts.
    """
    start = "HEAD"
    if until is not None:
        start = f"{until}^"
        if not rev_exists(repo, start):
            return None  # the first commit: nothing before it
    if not rev_exists(repo, start):
        return None  # no commits yet
    try:
        return git(repo, "describe", "--tags", "--abbrev=0", "--match", "v*", start).strip() or None
    except InputError:
        return None


def read_at(repo: Path, rev: str | None, relpath: str) -> str | None:
    """A file's text at ``rev`` (None: the working tree); None if it did not exist."""
    if rev is None:
        path = repo / relpath
        return path.read_text(encoding="utf-8") if path.is_file() else None
    try:
        return git(repo, "show", f"{rev}:{relpath}")
    except InputError:
        if not rev_exists(repo, rev):
            raise InputError(f"unknown revision {rev!r}", hint="list tags with `git tag`") from None
        return None
