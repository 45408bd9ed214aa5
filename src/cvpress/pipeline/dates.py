"""SOURCE_DATE_EPOCH: the time the same inputs always build with.

It is the data file's last commit time (so a rebuild of an unchanged
commit gives the same bytes), else a fixed value; ``SOURCE_DATE_EPOCH`` in
the environment wins. Asking git costs ~5 ms, so answers are kept per HEAD
commit in the per-user cache (``epochs.json``).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from ..engine.sandbox import DEFAULT_EPOCH, cache_home
from ..release import git
from .publish import write_atomic


def source_epoch(data: Path, *more: Path) -> int:
    """SOURCE_DATE_EPOCH: the last commit time of the data file (and of ``more``:
    a letter), else a fixed value."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env and env.isdigit():
        return int(env)
    return max(_git_epoch(str(path)) or 0 for path in (data, *more)) or DEFAULT_EPOCH


def _git_epoch(data: str) -> int | None:
    """The data file's last commit time; asked of git once per HEAD commit.

    ``git log`` costs ~5 ms, and its answer only changes with HEAD, which two
    file reads identify (:func:`cvpress.release.git.head_commit`), so answers
    are kept in the per-user cache (``epochs.json``), keyed by file and
    commit. HEAD is read on every call, before the cache: a long-running
    ``watch`` sees a new commit at once. Outside any repository git is not
    asked at all.
    """
    path = Path(data)
    if git.head(path) is None and "GIT_DIR" not in os.environ:
        return None
    commit = git.head_commit(path)
    if commit is None:  # HEAD not plainly readable: ask git, remember nothing
        return git.last_commit_time(data)
    memo_key = os.path.abspath(data)
    memo = _epoch_memo()
    known = memo.get(memo_key)
    if isinstance(known, list) and len(known) == 2 and known[0] == commit:
        cached = known[1]
        return cached if isinstance(cached, int) else None
    value = git.last_commit_time(data)
    if len(memo) > 500:  # bounded: old entries go all at once
        memo = {}
    memo[memo_key] = [commit, value]
    with contextlib.suppress(OSError):
        write_atomic(_epoch_memo_path(), json.dumps(memo).encode(), durable=False)
    return value


def _epoch_memo_path() -> Path:
    return cache_home() / "epochs.json"


def _epoch_memo() -> dict[str, Any]:
    try:
        memo = json.loads(_epoch_memo_path().read_bytes())
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def updated(data: Path, locale: str) -> str:
    """ "November 2026": the month of the data's last change, in the variant's language."""
    import datetime

    from ..tex.i18n import month_year

    day = datetime.datetime.fromtimestamp(source_epoch(data), tz=datetime.UTC).date()
    return month_year(day, locale)
