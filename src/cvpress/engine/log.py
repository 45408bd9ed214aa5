"""Reading a TeX log: errors with their ``.tex`` line, boxes, lost characters, rerun requests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .catalogue import is_unicode
from .sandbox import JOBNAME


@dataclass(slots=True)
class LogMessage:
    kind: str  # "error", "warning", "overfull", "underfull"
    message: str
    line: int | None = None  # line in the .tex file


def read_log(workdir: Path) -> str:
    """The run's log (``cv.log`` in ``workdir``), "" when the run wrote none."""
    log_path = workdir / f"{JOBNAME}.log"
    try:
        return log_path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


_FILE_LINE_ERROR = re.compile(
    r"^(?:\./)?[^\s:]+\.(?:tex|sty|cls|def|fd|cfg|ldf):(\d+): (.*)$", re.M
)
_BANG_ERROR = re.compile(r"^! (.*)$", re.M)
_LINE_NUMBER = re.compile(r"^l\.(\d+) ", re.M)
_BOX = re.compile(
    r"^(Overfull|Underfull) \\([hv])box \(([^)]*)\) "
    r"(?:in paragraph |detected |has occurred while \\output is active)(?:at lines (\d+)--(\d+))?",
    re.M,
)
#: The character in "missing character X ..." / "There is no X in font ...".
_MISSING_NAMED = re.compile(r"(?:missing character|There is no) (\S)", re.I)
_MISSING_CHAR = re.compile(r"^Missing character: There is no (.+?) in font (.+?)!$", re.M)
_RERUN = re.compile(
    r"(Rerun to get|Label\(s\) may have changed|There were undefined references|Rerun LaTeX|"
    r"Package rerunfilecheck Warning: File .* has changed)",
)


# hyperref's bookmarks file is new and empty after a first pass without
# sections: rerunfilecheck calls that a change, but a rerun changes nothing.
_EMPTY_NEW_AUX = re.compile(
    r"Package rerunfilecheck Warning: File `([^']+)' has changed\..*?"
    r"Checksums for `\1':\s*\(rerunfilecheck\)\s+Before: <no file>\s*"
    r"\(rerunfilecheck\)\s+After:\s+D41D8CD98F00B204E9800998ECF8427E;0\.",
    re.S,
)


# hyperref under XeTeX/LuaTeX: page labels reach the PDF on a second pass;
# the résumé numbers its pages 1, 2, 3, which viewers show without them.
_PAGE_LABELS = "Package hyperref Warning: Rerun to get /PageLabels entry."


def needs_rerun(log: str) -> bool:
    """Whether the log asks for another pass (an empty new aux file does not count)."""
    log = _EMPTY_NEW_AUX.sub("", log).replace(_PAGE_LABELS, "")
    return bool(_RERUN.search(log))


def parse_log(log: str) -> list[LogMessage]:
    """Errors (with their .tex line), overfull/underfull boxes, lost characters."""
    messages: list[LogMessage] = []
    seen_error = False
    for match in _FILE_LINE_ERROR.finditer(log):
        seen_error = True
        message = match.group(2).strip()
        if message.startswith(_STOPS):
            # "Emergency stop" only says that TeX gave up; the reason is the
            # "! ..." error just before (a file not found, which is what a
            # sandbox-blocked \input{/abs/path} reads as).
            reason = _last_bang(log, match.start())
            if reason is not None:
                message = reason
        messages.append(LogMessage("error", message, int(match.group(1))))
    if not seen_error:
        for match in _BANG_ERROR.finditer(log):
            after = log[match.end() : match.end() + 2000]
            line = _LINE_NUMBER.search(after)
            messages.append(
                LogMessage("error", match.group(1).strip(), int(line.group(1)) if line else None)
            )
            break
    for match in _MISSING_CHAR.finditer(log):
        messages.append(
            LogMessage(
                "error" if not seen_error else "warning",
                f"missing character {match.group(1)} in font {match.group(2)}",
            )
        )
    for match in _BOX.finditer(log):
        kind = "overfull" if match.group(1) == "Overfull" else "underfull"
        at = int(match.group(4)) if match.group(4) else None
        messages.append(
            LogMessage(kind, f"{match.group(1)} \\{match.group(2)}box ({match.group(3)})", at)
        )
    return messages


#: File:line errors that say TeX stopped, not why.
_STOPS = ("Emergency stop", "==> Fatal error occurred")


def _last_bang(log: str, before: int) -> str | None:
    """The last ``! message`` of ``log`` before position ``before``, if any."""
    found = None
    for match in _BANG_ERROR.finditer(log, 0, before):
        found = match.group(1).strip()
    return found


def error_hint(message: str, engine: str = "pdflatex") -> str:
    """What to do about an engine error, true for the engine that reported it."""
    if "Unicode character" in message or "missing character" in message.lower():
        if is_unicode(engine):
            from .glyphs import missing_glyph_hint

            found = _MISSING_NAMED.search(message)
            if found:
                return missing_glyph_hint(found.group(1))
            return "a font has no glyph for a character: see the .log file for which one"
        return (
            "the font has no glyph for this character: set 'engine: xelatex' "
            "or remove the character"
        )
    if engine == "tectonic":
        return (
            "tectonic needs its TeX bundle: run it once with internet access so it "
            "caches the bundle (~/.cache/Tectonic, or TECTONIC_CACHE_DIR), "
            "or use 'engine: xelatex'"
        )
    if re.search(r"File `.*' not found", message):
        return (
            "TeX reads only its run folder and the TeX installation (a path outside them "
            "reads as not found): the template must not \\input files by absolute or ../ path"
        )
    if "Undefined control sequence" in message:
        return "a template uses a command that is not defined; check the template"
    if "TeX capacity exceeded" in message:
        return "the document is too large or recursive for TeX"
    return "see the .log file next to the output for the full TeX log"
