"""The wording of a data problem: Pydantic's error turned into what to write instead.

:func:`cvpress.data.validate` locates each error; here it gets its message and
hint (a documented example, a guessed ISO date, the key an entry starts with).
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from pydantic import BaseModel
from pydantic.alias_generators import to_snake

from .fields import known_keys, submodels
from .load import PathKey
from .model import Model

#: Month names and abbreviations (English), lower-case, to their numbers.
MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}


def kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def example_of(model: type[BaseModel], loc: PathKey) -> str | None:
    """``key: value`` from the field's documented example, for "expected ..." hints."""
    current: type[BaseModel] | None = model
    info = None
    name = ""
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None:
            return None
        known = known_keys(current)
        canonical = known.get(part)
        if canonical is None:
            return None
        field_name = to_snake(canonical) if to_snake(canonical) in current.model_fields else part
        info = current.model_fields.get(field_name)
        if info is None:
            return None
        name = canonical if issubclass(current, Model) else field_name
        subs = submodels(info.annotation)
        current = subs[0] if subs else None
    if info is None or not info.examples:
        return None
    return f"{name}: {json.dumps(info.examples[0], ensure_ascii=False)}"


#: Hints that depend on the kind of problem alone.
_FIXED_HINTS = {
    "date_value": "check the month (01-12) and the day",
    "url": "write a full address starting with https://, e.g. https://example.com/ada",
    "end_before_start": "swap the two dates, or fix the year",
    "control_character": (
        "delete the invisible character (often pasted from a PDF or a word processor)"
    ),
    "template_name": "name a template folder (see `cvpress templates`), not a path",
    "locale": "write a language code, optionally with a region: en, es, ca, de, fr, pt_BR",
    "markup_depth": "remove some of the '*', '_' and '[' marks: no résumé needs emphasis this deep",
    "one_line": "this field is one line: join the lines, or move the text to a summary",
    "too_long": "shorten it; a résumé field this long is usually a pasted file",
    "string_pattern_mismatch": "use letters, digits, '.', '_' and '-' only",
}


def explain(
    kind: str,
    error: Any,
    ctx: dict[str, Any],
    forbid: type[BaseModel] | None,
    example: str | None = None,
) -> tuple[str, str | None]:
    msg: str = error["msg"]
    value = error.get("input")
    eg = f", e.g. {example}" if example else ""
    if kind in _FIXED_HINTS:
        return msg, _FIXED_HINTS[kind]
    if kind == "missing":
        name = error["loc"][-1] if error["loc"] else "value"
        return f"missing required field {name!r}", "add it here" + (eg or f": {name}: ...")
    if kind == "date_format":
        guess = _guess_date(value)
        if _looks_like_present(value):
            return msg, "for an ongoing entry write endDate: present, or leave endDate out"
        hint = 'write dates as YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601), e.g. "2024-09"'
        if guess:
            hint = f'write it as "{guess}" (dates are ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD)'
        return msg, hint
    if kind == "url_scheme":
        return msg, f"write the full address: {ctx.get('fix')}"
    if kind == "email":
        fix = "add the '@'" if isinstance(value, str) and "@" not in value else "check it"
        return msg, f"{fix}: an address looks like name@example.com"
    if kind == "colon_in_text":
        return msg, f'put the whole text in quotes: - "{ctx.get("text")}"'
    if kind == "text_type":
        if isinstance(value, dict):
            return msg, "this needs plain text; if it contains ': ', put it in quotes"
        if isinstance(value, list):
            return msg, "this needs one text, not a list: remove the '- ' items or join them"
        return msg, "write text" + (eg or ', e.g. name: "Ada Lovelace"')
    if kind in ("tuple_type", "list_type"):
        got = "text" if isinstance(value, str) else kind_of(value)
        name = str(error["loc"][-1]) if error["loc"] else "items"
        item = value if isinstance(value, str) else "..."
        if isinstance(value, dict) and value:
            first, inner = next(iter(value.items()))
            return (
                f"expected a list, got {got}",
                f"each entry starts with '- ': write '  - {first}: {inner}' "
                "and indent the entry's other keys to line up with it",
            )
        if isinstance(value, str) and "," in value:
            items = ", ".join(part.strip() for part in value.split(",") if part.strip())
            return (
                f"expected a list, got {got}",
                f"write it as a list: {name}: [{items}] (or one '- ' item per line)",
            )
        return (
            f"expected a list, got {got}",
            f"put each item on its own line under '{name}:', "
            f"starting with '- ' (e.g. '  - {item}')",
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        got = "text" if isinstance(value, str) else kind_of(value)
        loc = error["loc"]
        if len(loc) >= 2 and loc[-2] == "highlights" and isinstance(loc[-1], int):
            return (
                f"expected the text of a bullet, got {got}",
                "write the bullet as one line of text after '- ' (or as text: ..., tags: [...])",
            )
        if loc and isinstance(loc[-1], int) and isinstance(value, str):
            key = _FIRST_KEY.get(str(loc[-2]) if len(loc) >= 2 else "", "name")
            return (
                "expected an entry of 'key: value' lines, got text",
                f"say what this text is, e.g. '- {key}: {value}', then add the entry's other keys",
            )
        return (
            f"expected a mapping of 'key: value' lines, got {got}",
            f"indent the fields under this key{eg}",
        )
    if kind == "extra_forbidden":
        name = str(error["loc"][-1])
        known = sorted(forbid.model_fields) if forbid is not None else []
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        unknown_hint = (
            f"did you mean {close[0]!r}?"
            if close
            else ("known keys: " + ", ".join(known) if known else None)
        )
        return f"unknown key {name!r}", unknown_hint
    if kind == "literal_error":
        return msg.replace("Input should be", "expected"), (f"e.g. {example}" if example else None)
    if kind in ("int_type", "int_parsing"):
        return f"expected a whole number, got {value!r}", "write a number" + (
            eg or ", e.g. max_pages: 1"
        )
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {value!r}", f"write true or false{eg}"
    return msg, (f"e.g. {example}" if example else None)


#: The key an entry of each list usually starts with, for "say what this text is" hints.
_FIRST_KEY = {
    "volunteer": "organization",
    "education": "institution",
    "awards": "title",
    "languages": "language",
    "profiles": "network",
    "custom": "title",
    "entries": "title",
}

_PRESENT_LIKE = re.compile(r"pres|curr|now|today|ongoing|date|actual|heute|hoy|aujourd", re.I)


def _looks_like_present(value: Any) -> bool:
    return (
        isinstance(value, str) and bool(_PRESENT_LIKE.search(value)) and not re.search(r"\d", value)
    )


def _guess_date(value: Any) -> str | None:
    """A helpful rewrite of common non-ISO dates ("Sept 2024", "09/2024")."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower().replace(",", " ").replace(".", " ")
    match = re.fullmatch(r"([a-z]+)\s+(\d{4})", text)
    if match and match.group(1) in MONTHS:
        return f"{match.group(2)}-{MONTHS[match.group(1)]:02d}"
    match = re.fullmatch(r"(\d{1,2})\s*[/-]\s*(\d{4})", text)
    if match and 1 <= int(match.group(1)) <= 12:
        return f"{match.group(2)}-{int(match.group(1)):02d}"
    match = re.fullmatch(r"(\d{4})\s*[/.]\s*(\d{1,2})", text)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{match.group(1)}-{int(match.group(2)):02d}"
    match = re.fullmatch(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})", text)
    if match:
        return None  # day/month order is ambiguous: do not guess
    return None
