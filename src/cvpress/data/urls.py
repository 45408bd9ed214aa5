"""What a URL-like value becomes on paper: a link, or text only.

JSON Resume's schema types URLs as ``"format": "uri"``, which validators do
not enforce, and real files hold every kind: ``example.com`` (no scheme, as in
the schema's own sample), ``skype:name?call``, ``ftp://``, ``@handle``. One
rule, here, for the templates (what to link) and for validation (what to warn
about): ``http``, ``https``, ``mailto`` and ``tel`` become links; a scheme-less
host name is linked as ``https://`` + what was written; anything else is
printed as written and not linked, because a PDF viewer would hand another
scheme to whatever program claims it. The printed text is always the value
as written (:func:`cvpress.tex.texify.display_url` only trims ``https://www.``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["web", "mail", "tel", "schemeless", "other_scheme", "not_url"]

#: Schemes that become links; any other prints as text.
LINKED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

EMAIL = re.compile(
    r"^[^\s@<>()\[\],;:\"\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", re.S)
#: ``example.com``, ``www.example.com:8080/path``, ``//example.com``: a host name without a scheme.
_HOST = re.compile(r"^(?://)?(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?::\d{1,5})?(?:[/?#]\S*)?$")
_WEB = re.compile(r"^//[^\s/?#]+")


@dataclass(frozen=True, slots=True)
class Target:
    """How one URL value is treated: ``href`` is the link target, or None (text only)."""

    kind: Kind
    href: str | None


def target(value: str) -> Target:
    """Classify ``value`` (a ``url`` field, or ``mailto:``/``tel:`` made by a template)."""
    text = value.strip()
    if _HOST.match(text):
        return Target("schemeless", "https://" + text.removeprefix("//"))
    match = _SCHEME.match(text)
    if match is None:
        return Target("not_url", None)
    scheme, rest = match.group(1).lower(), match.group(2)
    if scheme in ("http", "https"):
        return Target("web", text) if _WEB.match(rest) else Target("not_url", None)
    if scheme == "mailto":
        address = rest.split("?", 1)[0]
        return Target("mail", text) if EMAIL.match(address) else Target("not_url", None)
    if scheme == "tel":
        return Target("tel", text) if rest.strip() else Target("not_url", None)
    return Target("other_scheme", None)


def is_email(value: str) -> bool:
    """An address ``mailto:`` can take (``name@example.com``)."""
    return bool(EMAIL.match(value.strip()))
