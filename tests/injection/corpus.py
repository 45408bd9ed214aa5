"""The injection corpus as résumé documents: many payloads, one document.

Each payload gets a unique marker (``qz017l ... lqz017``) in every field it
is placed in, so one compiled PDF answers for all of them: the text between
the markers must be the payload, verbatim. Field kinds:

- ``line``  one-line text (``work[i].position``), many per document
- ``text``  free text with inline Markdown (``work[i].highlights[0]``), many
- ``url``   ``basics.profiles[i].url``, printed as a link, many
- ``name``  ``basics.name``: one per document (also the PDF's Author), so
  payloads are packed into chunks of at most ``MAX_LINE`` characters
- ``email`` ``basics.email``: one per document, packed the same way
- ``date``  ``work[i].startDate``: an ISO date, so every payload is refused
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cvpress.data import load, validate
from cvpress.data.types import MAX_LINE
from cvpress.errors import InputError
from cvpress.tex.markdown import plain_markdown
from cvpress.tex.texify import display_url

HERE = Path(__file__).resolve().parent
KINDS = ("line", "text", "url", "name", "email", "date")
#: Kinds with one slot per document.
SINGLE = ("name", "email")
#: Payloads the engine may refuse (no glyph): tested in documents of their own.
UNPRINTABLE = ("cjk", "private-use", "emoji", "unicode-math")


@dataclass(frozen=True, slots=True)
class Payload:
    index: int
    id: str
    text: str


def payloads(secret_abs: str, secret_rel: str) -> list[Payload]:
    raw = yaml.safe_load((HERE / "payloads.yaml").read_text(encoding="utf-8"))["payloads"]
    out = []
    for index, item in enumerate(raw):
        text = (
            str(item["text"])
            .replace("@SECRET_ABS@", secret_abs)
            .replace("@SECRET_REL@", secret_rel)
            .replace("@BRACES@", "{" * 1500 + "}" * 1500)
        )
        out.append(Payload(index, str(item["id"]), text))
    return out


def _compact(text: str) -> str:
    """URLs and e-mail addresses have no whitespace: the payload without it."""
    return re.sub(r"\s+", "", text)


def value(kind: str, payload: Payload) -> str:
    """The field value carrying ``payload`` between its markers."""
    m = f"qz{payload.index:03d}"
    if kind == "url":
        return f"https://example.com/{m}u{_compact(payload.text)}u{m}"
    if kind == "email":
        return f"{m}e{_compact(payload.text)}e{m}"  # joined, then @example.com
    if kind == "date":
        return payload.text
    return f"{m}{kind[0]} {payload.text} {kind[0]}{m}"


def printed(kind: str, field_value: str) -> str:
    """What the PDF's text must contain for this field value."""
    if kind == "text":
        return plain_markdown(field_value)
    if kind == "url":
        return display_url(field_value)
    return field_value


def field_path(kind: str, slot: int = 0) -> str:
    return {
        "line": f"work[{slot}].position",
        "text": f"work[{slot}].highlights[0].text",
        "url": f"basics.profiles[{slot}].url",
        "name": "basics.name",
        "email": "basics.email",
        "date": f"work[{slot}].startDate",
    }[kind]


def document(
    line: list[str] | None = None,
    text: list[str] | None = None,
    url: list[str] | None = None,
    name: str = "Ada Example",
    email: str | None = None,
    dates: list[str] | None = None,
) -> dict[str, Any]:
    """A résumé with the given values in their fields."""
    basics: dict[str, Any] = {"name": name, "label": "Test subject"}
    if email is not None:
        basics["email"] = email
    basics["profiles"] = [{"network": "Web", "url": u} for u in url or []]
    count = max(len(line or []), len(text or []), len(dates or []), 1)
    work = []
    for i in range(count):
        entry: dict[str, Any] = {"name": f"Org{i:03d}", "startDate": "2020-01"}
        if line and i < len(line):
            entry["position"] = line[i]
        if text and i < len(text):
            entry["highlights"] = [text[i]]
        if dates and i < len(dates):
            entry["startDate"] = dates[i]
        work.append(entry)
    return {"basics": basics, "work": work}


def refusal(data: dict[str, Any], tmp: Path) -> InputError | None:
    """Validate ``data`` (no TeX): the error, or None when it is accepted."""
    import json

    path = tmp / "probe.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        validate.resume(load.load(path))
    except InputError as exc:
        return exc
    return None


def probe(kind: str, payload: Payload, tmp: Path) -> InputError | None:
    """Is ``payload`` refused in a field of ``kind``?"""
    v = value(kind, payload)
    if kind == "line":
        return refusal(document(line=[v]), tmp)
    if kind == "text":
        return refusal(document(text=[v]), tmp)
    if kind == "url":
        return refusal(document(url=[v]), tmp)
    if kind == "name":
        return refusal(document(name=v), tmp)
    if kind == "email":
        return refusal(document(email=v + "@example.com"), tmp)
    return refusal(document(dates=[v]), tmp)


def chunks(values: Iterable[str], limit: int) -> list[str]:
    """Pack values into strings of at most ``limit`` characters, space-joined."""
    out: list[str] = []
    current = ""
    for v in values:
        if len(v) > limit:
            continue
        if current and len(current) + 1 + len(v) > limit:
            out.append(current)
            current = ""
        current = f"{current} {v}" if current else v
    if current:
        out.append(current)
    return out


@dataclass
class Plan:
    """The documents for one (template, engine): data and what each must print."""

    docs: list[dict[str, Any]] = field(default_factory=list)
    expect: list[list[tuple[str, str, str]]] = field(default_factory=list)  # (kind, id, text)

    @property
    def checks(self) -> int:
        return sum(len(e) for e in self.expect)


def plan(
    accepted: dict[str, list[Payload]],
    rotation: int | None,
) -> Plan:
    """Documents holding every accepted payload in every kind.

    ``line``/``text``/``url`` payloads all go into the first document; the
    single-slot kinds are packed into chunks, one chunk per document. With
    ``rotation`` set, only chunk ``rotation % n`` of each is built (the quick
    run: different (template, engine) pairs take different chunks); with
    None, every chunk.
    """
    by_id = {p.id: p for ps in accepted.values() for p in ps}
    name_chunks = chunks((value("name", p) for p in accepted["name"]), MAX_LINE)
    # "@example.com" takes 12 of the e-mail's characters; e-mail parts join with ".".
    email_chunks = [
        c.replace(" ", ".") + "@example.com"
        for c in chunks((value("email", p) for p in accepted["email"]), MAX_LINE - 12)
    ]
    n = max(len(name_chunks), len(email_chunks), 1)
    wanted = range(n) if rotation is None else [rotation % n]
    result = Plan()
    for j in wanted:
        expect: list[tuple[str, str, str]] = []
        lines = texts = urls = None
        if j == wanted[0]:
            lines = [value("line", p) for p in accepted["line"]]
            texts = [value("text", p) for p in accepted["text"]]
            urls = [value("url", p) for p in accepted["url"]]
            for kind, values in (("line", lines), ("text", texts), ("url", urls)):
                for p, v in zip(accepted[kind], values, strict=True):
                    expect.append((kind, p.id, printed(kind, v)))
        name = name_chunks[j % len(name_chunks)] if name_chunks else "Ada Example"
        email = email_chunks[j % len(email_chunks)] if email_chunks else None
        for kind, chunk in (("name", name), ("email", email)):
            if chunk:
                expect.append((kind, ",".join(_ids_in(chunk, by_id)), chunk))
        result.docs.append(document(line=lines, text=texts, url=urls, name=name, email=email))
        result.expect.append(expect)
    return result


def _ids_in(chunk: str, by_id: dict[str, Payload]) -> list[str]:
    indexes = {int(m) for m in re.findall(r"qz(\d{3})", chunk)}
    return [p.id for p in by_id.values() if p.index in indexes]
