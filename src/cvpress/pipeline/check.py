"""Read the PDF back: it opens, its page count, its text, its metadata.

A résumé is read by software before a person sees it (applicant tracking
systems extract its text), so every build proves that the text a reader will
extract contains what the data says, and that the page limit holds.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..data.load import format_path
from ..data.model import Resume
from ..errors import CheckError
from ..tex.markdown import plain_markdown
from . import pdf as pdfium

_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_SPACE = re.compile(r"\s+")

#: Fields that are addresses, not text: checked through their printed form.
_URL_FIELDS = {"url", "image", "canonical"}
#: Fields never printed by design (selection metadata, identifiers).
_SKIP_FIELDS = {
    "tags",
    "id",
    "meta",
    "start_date",
    "end_date",
    "date",
    "release_date",
    "country_code",
    "postal_code",
}


@dataclass(slots=True)
class PdfFacts:
    pages: int
    page_texts: list[str]
    metadata: dict[str, str]

    @property
    def text(self) -> str:
        return "\n".join(self.page_texts)


#: Info keys beyond PDF's standard ones that cvpress writes (the release label).
_EXTRA_METADATA = ("Version",)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def read_pdf(pdf: bytes) -> PdfFacts:
    """Open the PDF with PDFium (pypdfium2); a PDF that does not open is a failed build.

    PDFium is the engine of Chrome's PDF viewer, so its text is what most
    readers copy and most parsers see. It was chosen over pypdf for the
    per-build check because it is several times faster (about 40 ms instead
    of 110 ms for the two-page CV, import included), which is most of the
    difference between the build and a bare TeX pass; the tests read the PDFs
    with pypdf as well, so two independent extractors agree on the text.
    """
    with _opened(pdf) as document:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(str(textpage.get_text_range()).replace("\r\n", "\n"))
            textpage.close()
            page.close()
        raw = document.get_metadata_dict(skip_empty=True)
        for key in _EXTRA_METADATA:
            value = document.get_metadata_value(key)
            if value:
                raw[key] = value
    metadata = {str(key): str(value) for key, value in raw.items()}
    return PdfFacts(len(texts), texts, metadata)


def count_pages(pdf: bytes) -> int:
    """The PDF's page count alone, as PDFium reads it: what a fitting candidate is judged by."""
    with _opened(pdf) as document:
        return len(document)


@contextlib.contextmanager
def _opened(pdf: bytes) -> Iterator[Any]:
    """The PDF open in PDFium, under its lock; a PDF that does not open is a :class:`CheckError`."""
    try:
        import pypdfium2
    except ImportError:  # pragma: no cover - a core dependency
        raise CheckError("reading PDFs needs pypdfium2", hint="pip install pypdfium2") from None
    with pdfium.LOCK:
        try:
            document = pypdfium2.PdfDocument(pdf)
        except Exception as exc:  # PdfiumError and friends for broken files
            raise CheckError(
                f"the PDF does not open: {exc}", hint="see the .log file for what TeX wrote"
            ) from None
        try:
            yield document
        finally:
            document.close()


#: Invisible characters a reader may or may not extract: soft hyphen, zero-width
#: space, joiners, word joiner. Ignored on both sides of the comparison.
_INVISIBLE = str.maketrans(dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060", None))
#: Letters of right-to-left scripts (Hebrew, Arabic).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe]")


def normalize(text: str) -> str:
    """Compare text as a reader sees it: ligatures split, whitespace and invisible characters
    ignored."""
    text = unicodedata.normalize("NFC", text.translate(_LIGATURES)).translate(_INVISIBLE)
    return _SPACE.sub("", text)


def _extracted(text: str, haystack: str) -> bool:
    """Whether ``text`` is in the extracted ``haystack`` (both as :func:`normalize` leaves them).

    Right-to-left text is compared word by word, by its letters: a reader puts
    the words of a right-to-left run, its punctuation and its vowel marks
    (shadda, tanwin) in the order its own bidi rules choose (PDFium and pypdf
    differ), while the letters of each word extract in order.
    """
    needle = normalize(text)
    if not needle or needle in haystack:
        return True
    if _RTL.search(text):
        letters = _letters(haystack)
        return all(_letters(word) in letters for word in text.split())
    return False


def _letters(text: str) -> str:
    """``text`` without marks, punctuation or spaces: what RTL comparison looks at."""
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def visible_strings(
    resume: Resume, omit: frozenset[str] = frozenset()
) -> Iterator[tuple[str, str]]:
    """(field path, text) for every string the template should print."""
    yield from _walk(resume, (), omit)


def _walk(
    value: Any, path: tuple[str | int, ...], omit: frozenset[str]
) -> Iterator[tuple[str, str]]:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name in _SKIP_FIELDS:
                continue
            dotted = ".".join(str(p) for p in (*path, name) if isinstance(p, str))
            if dotted in omit or name in omit:
                continue
            yield from _walk(getattr(value, name), (*path, name), omit)
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i), omit)
    elif isinstance(value, str) and value:
        last = path[-1] if path else ""
        if last in _URL_FIELDS:
            return
        if last == "text" or last in ("summary", "description", "reference"):
            value = plain_markdown(value)
        yield format_path(path), value


def without_running_foot(page_texts: list[str], name: str | None) -> list[str]:
    """The pages' text without the templates' running foot ("Name · page 2 of 3").

    The foot is the last line a page ships, so a bullet that runs onto the
    next page would otherwise be read with the foot in its middle; the foot
    is the template's text, not the data's (the name is checked on page 1).
    A last line counts as the foot only on a page after the first (page 1
    has none), holding the name as the foot prints it and a middle dot (see
    :func:`~cvpress.tex.render.running_foot_name`), and ending with this
    page's number and the page count, in any language.
    """
    from ..tex.render import running_foot_name

    shown = running_foot_name(name)
    prefix = re.escape(normalize(shown + " \u00b7")) if shown else ""
    total = len(page_texts)
    pages = []
    for number, text in enumerate(page_texts, 1):
        head, _, last = text.rstrip().rpartition("\n")
        foot = re.compile(rf"{prefix}[^\d\u00b7]+{number}[^\d\u00b7]+{total}$")
        pages.append(head if number > 1 and foot.search(normalize(last)) else text)
    return pages


def check(
    facts: PdfFacts,
    resume: Resume,
    *,
    variant: str,
    max_pages: int | None,
    omit: frozenset[str] = frozenset(),
) -> None:
    """Raise :class:`CheckError` if the page limit is broken or text is missing."""
    check_text(
        facts,
        visible_strings(resume, omit),
        variant=variant,
        max_pages=max_pages,
        shorten="drop content with include_tags/exclude_tags, max_items or max_highlights",
        name=resume.basics.name,
    )


def check_text(
    facts: PdfFacts,
    strings: Iterable[tuple[str, str]],
    *,
    variant: str,
    max_pages: int | None,
    shorten: str,
    name: str | None,
) -> None:
    """The page limit (``shorten`` says how to meet it), then every (field, text) in the PDF.

    ``name`` is the person's, as the running foot of pages after the first
    prints it (:func:`without_running_foot`).
    """
    if max_pages is not None and facts.pages > max_pages:
        over = facts.pages - max_pages
        lines = sum(
            1 for page in facts.page_texts[max_pages:] for line in page.splitlines() if line.strip()
        )
        raise CheckError(
            f"variant {variant!r} is {facts.pages} pages, over its limit of {max_pages} "
            f"by {_plural(over, 'page')} (about {_plural(lines, 'line')} too many)",
            hint=f"{shorten}, or raise max_pages",
        )
    pages = without_running_foot(facts.page_texts, name)
    require_fields("\n".join(pages), strings, output="the PDF's extracted text")


def require_fields(text: str, strings: Iterable[tuple[str, str]], *, output: str) -> None:
    """Raise :class:`CheckError` naming the first field whose text ``text`` lacks.

    One rule for every output (the PDF, the HTML, the Word file): every
    (field, text) pair shown (:func:`visible_strings` for a résumé) must be in
    the text a reader extracts.
    """
    haystack = normalize(text)
    missing = [(path, value) for path, value in strings if not _extracted(value, haystack)]
    if missing:
        path, value = missing[0]
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise CheckError(
            f"text of {path} is missing from {output}{more}: {value[:80]!r}",
            field_path=path,
            hint="the template drops this field, or the font maps glyphs to the wrong characters",
        )
