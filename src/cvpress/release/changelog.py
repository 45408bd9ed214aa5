"""What changed in the résumé between two git revisions, for release notes.

A release's notes should tell a reader (a recruiter, the person themself a
year later) what is new in the CV, not which commits touched YAML. So both
versions of each data file are parsed with the same ``load``/``validate`` as
a build (``git show REV:data/resume.yaml``), and the two documents are
compared entry by entry: entries added or removed, and for a changed entry
its bullets added, removed or reworded, its keywords, and its other fields.

Decisions:
- Entries are matched by what names them (position and organisation,
  institution and degree, project name, ...) plus their start date; an entry
  whose name changed but whose content is mostly the same counts as changed,
  not as one removed and one added.
- ``tags`` (selection metadata), ``meta`` and ``$schema`` are not printed in a
  PDF, so they are not reported.
- An old version that no longer validates (the format grew stricter) is still
  compared, from its plain YAML data.
- Without an earlier tag the notes say "First release" and summarise the
  résumé instead of diffing.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CvpressError, InputError
from ..tex.i18n import words
from .git import previous_tag, read_at, repo_root, rev_exists

#: Fields that name an entry, per section, most telling first.
LABEL_FIELDS: dict[str, tuple[str, ...]] = {
    "work": ("position", "name"),
    "volunteer": ("position", "organization"),
    "education": ("studyType", "area", "institution"),
    "projects": ("name",),
    "publications": ("name", "publisher"),
    "awards": ("title", "awarder"),
    "certificates": ("name", "issuer"),
    "skills": ("name",),
    "languages": ("language",),
    "interests": ("name",),
    "references": ("name",),
}
#: Section headings in the notes: the words the PDFs use (English), and "Basics".
TITLES: dict[str, str] = {"basics": "Basics", **{s: words("en")[s] for s in LABEL_FIELDS}}
#: Keys never reported: not printed in any PDF.
IGNORED = frozenset({"tags", "meta", "$schema"})
#: Lists of bullets: diffed in order, a reworded bullet reported as changed.
BULLET_LISTS = frozenset({"highlights"})
#: How alike two texts must be (difflib ratio) to count as one reworded item.
SAME_ITEM = 0.5


@dataclass(frozen=True, slots=True)
class Change:
    """One entry added, removed or changed, with what changed inside it."""

    section: str
    kind: str  # "added", "removed" or "changed"
    label: str
    details: tuple[str, ...] = ()


@dataclass(slots=True)
class Changelog:
    """The résumé diff between ``since`` (None: first release) and ``until``."""

    since: str | None
    until: str
    changes: list[Change] = field(default_factory=list)
    summary: str = ""

    def markdown(self) -> str:
        """Release-notes Markdown: one heading per section, one bullet per entry."""
        if self.since is None:
            return f"## First release\n\n{self.summary}\n"
        lines = [f"## What changed in the résumé since {self.since}", ""]
        if not self.changes:
            lines.append(f"No changes to the résumé data since {self.since}.")
            return "\n".join(lines) + "\n"
        section = None
        for change in self.changes:
            if change.section != section:
                if section is not None:
                    lines.append("")
                lines += [f"### {change.section}", ""]
                section = change.section
            lines.append(f"- {change.kind.capitalize()}: **{change.label}**")
            lines.extend(f"  - {detail}" for detail in change.details)
        return "\n".join(lines) + "\n"


# ------------------------------------------------------------------- parsing


def parse(text: str, display: str) -> dict[str, Any]:
    """Plain JSON-like data, normalised through the model when it validates."""
    from ..data import load, validate

    loaded = load.loads(text, display, json_syntax=display.endswith(".json"))
    try:
        model = validate.resume(loaded)
    except CvpressError:
        data = loaded.data if isinstance(loaded.data, dict) else {}
        return dict(_strip(data))
    dumped = model.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return dict(_strip(dumped))


def _strip(value: Any) -> Any:
    """Drop ignored keys and empty values, so absent and empty compare equal."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in IGNORED:
                continue
            item = _strip(item)
            if item in (None, "", [], {}):
                continue
            out[str(key)] = item
        return out
    if isinstance(value, list | tuple):
        return [_strip(item) for item in value]
    return value


# ---------------------------------------------------------------------- diff


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new``, section by section."""
    changes: list[Change] = []
    details = _fields(old.get("basics") or {}, new.get("basics") or {})
    if details:
        changes.append(
            Change(
                TITLES["basics"],
                "changed",
                str((new.get("basics") or {}).get("name", "basics")),
                tuple(details),
            )
        )
    for section in LABEL_FIELDS:
        changes += _entries(
            TITLES[section], section, old.get(section) or [], new.get(section) or []
        )
    old_custom = {_custom_key(s): s for s in old.get("custom") or [] if isinstance(s, dict)}
    new_custom = {_custom_key(s): s for s in new.get("custom") or [] if isinstance(s, dict)}
    for key in [*new_custom, *(k for k in old_custom if k not in new_custom)]:
        before, after = old_custom.get(key, {}), new_custom.get(key, {})
        title = str(after.get("title") or before.get("title") or key)
        changes += _entries(
            title, "custom", before.get("entries") or [], after.get("entries") or []
        )
    return changes


def _custom_key(section: dict[str, Any]) -> str:
    return str(section.get("id") or section.get("title") or "").strip().lower()


def label(section: str, entry: Any) -> str:
    """How a reader names an entry: "Engineer, Block Inc", "M.S. Computer Science, UPC"."""
    if not isinstance(entry, dict):
        return str(entry)
    names = LABEL_FIELDS.get(section, ("title", "subtitle"))
    if section == "education":
        degree = " ".join(str(entry[k]) for k in ("studyType", "area") if entry.get(k))
        parts = [degree, str(entry.get("institution") or "")]
    else:
        parts = [str(entry.get(k) or "") for k in names]
    text = ", ".join(p for p in parts if p)
    if not text:
        text = _short(json.dumps(entry, ensure_ascii=False, sort_keys=True))
    start = entry.get("startDate") or entry.get("date") or entry.get("releaseDate")
    if start:
        end = entry.get("endDate")
        if "startDate" in entry:
            text += f" ({start} – {end or 'present'})"
        else:
            text += f" ({start})"
    return text


def _identity(section: str, entry: Any) -> str:
    if not isinstance(entry, dict):
        return str(entry)
    names = LABEL_FIELDS.get(section, ("title", "subtitle"))
    return "\0".join(str(entry.get(k) or "") for k in names)


def _entries(title: str, section: str, old: list[Any], new: list[Any]) -> list[Change]:
    pairs, removed, added = _match(section, old, new)
    placed: list[tuple[int, Change]] = []
    for i, j in pairs:
        details = (
            _fields(old[i], new[j]) if isinstance(old[i], dict) and isinstance(new[j], dict) else []
        )
        if old[i] != new[j] and not details:
            details = ["reworded"]
        if details:
            placed.append((j, Change(title, "changed", label(section, new[j]), tuple(details))))
    placed += [
        (j, Change(title, "added", label(section, new[j]), _bullets_of(new[j]))) for j in added
    ]
    placed += [(len(new) + i, Change(title, "removed", label(section, old[i]))) for i in removed]
    placed.sort(key=lambda item: item[0])
    return [change for _, change in placed]


def _bullets_of(entry: Any) -> tuple[str, ...]:
    if not isinstance(entry, dict):
        return ()
    return tuple(f"bullet: {_text(b)}" for key in BULLET_LISTS for b in entry.get(key) or [])


def _match(
    section: str, old: list[Any], new: list[Any]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair old and new entries: same name and start, then same name, then alike."""
    pairs: list[tuple[int, int]] = []
    free_old = list(range(len(old)))
    free_new = list(range(len(new)))

    def take(key: Any) -> None:
        for j in list(free_new):
            for i in free_old:
                if key(old[i]) == key(new[j]):
                    pairs.append((i, j))
                    free_old.remove(i)
                    free_new.remove(j)
                    break

    take(lambda e: (_identity(section, e), e.get("startDate") if isinstance(e, dict) else None))
    take(lambda e: _identity(section, e))
    scored = sorted(
        (-_ratio(words_of(old[i]), words_of(new[j])), i, j) for i in free_old for j in free_new
    )
    for score, i, j in scored:
        if -score < SAME_ITEM:
            break
        if i in free_old and j in free_new:
            pairs.append((i, j))
            free_old.remove(i)
            free_new.remove(j)
    pairs.sort(key=lambda p: p[1])
    return pairs, free_old, free_new


def _fields(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    """What changed inside one entry (or ``basics``), as readable lines."""
    out: list[str] = []
    for key in [*new, *(k for k in old if k not in new)]:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        name = f"{prefix}{key}"
        if key in BULLET_LISTS and isinstance(before or [], list) and isinstance(after or [], list):
            out += _bullet_changes(before or [], after or [])
        elif isinstance(before, dict) and isinstance(after, dict):
            out += _fields(before, after, f"{name}.")
        elif isinstance(before or [], list) and isinstance(after or [], list):
            out += _list_changes(name, before or [], after or [])
        elif before is None:
            out.append(f"{name}: added {quote(after)}")
        elif after is None:
            out.append(f"{name}: removed {quote(before)}")
        else:
            out.append(f"{name}: {quote(before)} → {quote(after)}")
    return out


def _bullet_changes(old: list[Any], new: list[Any]) -> list[str]:
    """Bullets in order: added, removed, reworded (alike enough), or moved."""
    before = [_text(b) for b in old]
    after = [_text(b) for b in new]
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    removed: list[str] = []
    added: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = before[i1:i2], after[j1:j2]
        if op == "replace":
            for a, b in zip(olds, news, strict=False):
                if _ratio(a, b) >= SAME_ITEM:
                    out.append(f"changed bullet: {quote(a)} → {quote(b)}")
                else:
                    removed.append(a)
                    added.append(b)
            removed += olds[len(news) :]
            added += news[len(olds) :]
        else:
            removed += olds
            added += news
    moved = [text for text in added if text in removed]
    for text in moved:
        added.remove(text)
        removed.remove(text)
    out += [f"added bullet: {quote(t)}" for t in added]
    out += [f"removed bullet: {quote(t)}" for t in removed]
    if moved:
        out.append(f"reordered {len(moved)} bullet{'s' if len(moved) > 1 else ''}")
    return out


def _list_changes(name: str, old: list[Any], new: list[Any]) -> list[str]:
    before = [_text(x) for x in old]
    after = [_text(x) for x in new]
    added = [x for x in after if x not in before]
    removed = [x for x in before if x not in after]
    out: list[str] = []
    if added:
        out.append(f"{name}: added {', '.join(quote(x) for x in added)}")
    if removed:
        out.append(f"{name}: removed {', '.join(quote(x) for x in removed)}")
    if not added and not removed:
        out.append(f"{name}: reordered")
    return out


def _text(item: Any) -> str:
    if isinstance(item, dict):
        if set(item) == {"text"}:
            return str(item["text"])
        return ", ".join(f"{k}: {_text(v)}" for k, v in item.items())
    if isinstance(item, list):
        return ", ".join(_text(x) for x in item)
    return str(item)


def quote(value: Any) -> str:
    return f"“{_text(value)}”"


def words_of(value: Any) -> str:
    """An entry's words without its keys: what two versions of it share."""
    if isinstance(value, dict):
        return " | ".join(words_of(v) for _, v in sorted(value.items()))
    if isinstance(value, list):
        return " | ".join(words_of(v) for v in value)
    return str(value)


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio()


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- top level


def summary(data: dict[str, Any]) -> str:
    """One line for a first release: whose résumé and what it holds."""
    name = str((data.get("basics") or {}).get("name") or "the author")
    counts = [(len(data.get(s) or []), TITLES[s].lower()) for s in LABEL_FIELDS]
    for custom in data.get("custom") or []:
        if isinstance(custom, dict):
            counts.append((len(custom.get("entries") or []), str(custom.get("title", "")).lower()))
    held = ", ".join(f"{n} {what} entr{'y' if n == 1 else 'ies'}" for n, what in counts if n)
    return f"First published version of {name}'s résumé" + (f": {held}." if held else ".")


def data_files(variants_file: Path) -> list[Path]:
    """Every data file a variant builds from, in first-use order."""
    from ..data import validate

    seen: list[Path] = []
    for variant in validate.variants(variants_file):
        path = (variants_file.parent / variant.data).resolve()
        if path not in seen:
            seen.append(path)
    return seen


def changelog(
    variants_file: Path = Path("data/variants.yaml"),
    since: str | None = None,
    until: str | None = None,
) -> Changelog:
    """The résumé diff from ``since`` (default: the previous ``v*`` tag) to ``until``.

    ``until`` None means the working tree, so edits show before they are
    committed; a release passes its tag.
    """
    files = data_files(variants_file)
    repo = repo_root(variants_file.resolve().parent)
    if repo is not None and since is None:
        since = previous_tag(repo, until)
    if repo is not None and since is not None and not rev_exists(repo, since):
        raise InputError(f"unknown revision {since!r}", hint="list tags with `git tag`")
    until_label = until or "the working tree"
    result = Changelog(since=since if repo is not None else None, until=until_label)
    several = len(files) > 1
    summaries = []
    for path in files:
        rel = str(path.relative_to(repo)) if repo is not None else path.name
        new_text = (
            read_at(repo, until, rel) if repo is not None else path.read_text(encoding="utf-8")
        )
        new = parse(new_text, f"{until}:{rel}" if until else rel) if new_text is not None else {}
        summaries.append(summary(new))
        if result.since is None or repo is None:
            continue
        old_text = read_at(repo, result.since, rel)
        try:
            old = parse(old_text, f"{result.since}:{rel}") if old_text is not None else {}
        except CvpressError as exc:  # not even YAML then: say so, do not fail a release
            reason = f"not compared: the version at {result.since} does not load ({exc})"
            result.changes.append(Change("Data files", "changed", rel, (reason,)))
            continue
        for change in diff(old, new):
            section = f"{rel}: {change.section}" if several else change.section
            result.changes.append(Change(section, change.kind, change.label, change.details))
    if result.since is not None and repo is not None:
        from .letter_changes import letter_changes

        result.changes.extend(letter_changes(variants_file, repo, result.since, until))
    result.summary = " ".join(summaries)
    return result
