"""What changed in the cover letters of letter variants between two git revisions.

Part of :func:`cvpress.release.changelog.changelog`'s release notes: one entry
per letter file, with the front-matter fields and the body items that changed.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from ..errors import CvpressError
from .changelog import Change, quote, words_of
from .git import read_at

#: What a letter's front matter holds, as the notes name it.
_LETTER_FIELDS = ("to", "date", "subject", "opening", "closing", "signature")


def letter_changes(variants_file: Path, repo: Path, since: str, until: str | None) -> list[Change]:
    """Letters of letter variants added or changed between ``since`` and ``until``.

    One entry per letter file (variants may share one), labelled with its
    variants and its subject; a changed letter says which front-matter fields
    changed and how many paragraphs or list items were added, removed or
    reworded. A letter that no longer loads is reported, not fatal.
    """
    from ..data import validate

    users: dict[Path, list[str]] = {}
    for variant in validate.variants(variants_file):
        if variant.letter:
            users.setdefault((variants_file.parent / variant.letter).resolve(), []).append(
                variant.name
            )
    out: list[Change] = []
    for path, names in users.items():
        try:
            rel = str(path.relative_to(repo))
        except ValueError:
            continue  # outside the repository: git has no history of it
        new_text = read_at(repo, until, rel)
        if new_text is None:
            continue  # a variant without its letter fails to build; nothing to release
        old_text = read_at(repo, since, rel)
        try:
            new = _letter_fields(new_text, f"{until or 'working tree'}:{rel}")
            old = _letter_fields(old_text, f"{since}:{rel}") if old_text is not None else None
        except CvpressError as exc:
            reason = f"not compared: a version does not load ({exc})"
            out.append(Change("Letters", "changed", f"{', '.join(names)} ({rel})", (reason,)))
            continue
        label = f"{', '.join(names)}: {new['subject'] or rel}"
        if old is None:
            out.append(Change("Letters", "added", label))
        elif old != new:
            out.append(Change("Letters", "changed", label, _letter_details(old, new)))
    return out


def _letter_fields(text: str, display: str) -> dict[str, Any]:
    from ..data import letter

    parsed = letter.loads(text, display).letter
    dumped = parsed.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data = {name: dumped.get(name) for name in _LETTER_FIELDS}
    data["body"] = [item for block in parsed.body for item in block.items]
    return data


def _letter_value(value: Any) -> str:
    return quote(words_of(value)) if value else "(none)"


def _letter_details(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    details = [
        f"{name}: {_letter_value(old[name])} → {_letter_value(new[name])}"
        for name in _LETTER_FIELDS
        if old[name] != new[name]
    ]
    counts = {"added": 0, "removed": 0, "reworded": 0}
    matcher = difflib.SequenceMatcher(a=old["body"], b=new["body"], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "replace":
            counts["reworded"] += min(i2 - i1, j2 - j1)
            counts["removed"] += max(0, (i2 - i1) - (j2 - j1))
            counts["added"] += max(0, (j2 - j1) - (i2 - i1))
        elif op == "delete":
            counts["removed"] += i2 - i1
        elif op == "insert":
            counts["added"] += j2 - j1
    body = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    if body:
        details.append(f"body (paragraphs and list items): {body}")
    return tuple(details)
