"""The ``cvpress`` command line's arguments: every subcommand, option and default.

:mod:`cvpress.cli` parses with :func:`build_parser` and dispatches; nothing here runs
a command.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .engine.catalogue import CHOICES as ENGINE_CHOICES  # imports little beyond typing

DEFAULT_VARIANTS = Path("data/variants.yaml")
#: Longest TeX run --timeout accepts: a day. Past it Python's timer overflows
#: (``inf`` gave a thread traceback), and no résumé needs more.
MAX_TIMEOUT = 86_400.0
#: Most TeX runs at once: beyond a few per core they only queue.
MAX_JOBS = 256


def _seconds(text: str) -> float:
    """``--timeout``: a finite number of seconds, more than 0 and at most a day."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value <= MAX_TIMEOUT:  # also refuses nan, inf and -inf
        raise argparse.ArgumentTypeError(
            f"expected seconds between 0 and {MAX_TIMEOUT:g} (e.g. 60), got {text!r}"
        )
    return value


def _jobs(text: str) -> int:
    """``--jobs``: a whole number from 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(
            f"expected a number of variants from 1 to {MAX_JOBS}, got {text!r}"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cvpress",
        description="Press résumé data (YAML/JSON Resume) into typeset, checked PDFs.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"cvpress {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = sub.add_parser(
        "build", help="build PDFs for variants (default: all in data/variants.yaml)"
    )
    build.add_argument(
        "--variants",
        type=Path,
        default=DEFAULT_VARIANTS,
        help="variants file (default: %(default)s)",
    )
    build.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME",
        help="build only this variant (repeatable)",
    )
    build.add_argument(
        "--data",
        action="append",
        type=Path,
        metavar="FILE",
        help="ad-hoc: data file(s) or a folder of them",
    )
    build.add_argument("--template", help="ad-hoc: template to use with --data")
    build.add_argument(
        "--letter",
        type=Path,
        metavar="LETTER.md",
        help="ad-hoc: build this cover letter (--data: the sender) as OUT/<LETTER stem>.pdf",
    )
    build.add_argument(
        "--strict",
        action="store_true",
        help="treat every compatibility warning as an error (docs/compatibility.md)",
    )
    build.add_argument(
        "--out", type=Path, default=Path("build"), help="output folder (default: %(default)s)"
    )
    build.add_argument(
        "--engine",
        choices=list(ENGINE_CHOICES),
        help="override each variant's engine (latexmk:ENGINE: latexmk driving ENGINE)",
    )
    build.add_argument(
        "--jobs", type=_jobs, metavar="N", help="TeX runs at once (default: number of cores)"
    )
    build.add_argument(
        "--format",
        action="append",
        choices=["pdf", "html", "docx"],
        metavar="FORMAT",
        help="write this format, for this run instead of each variant's formats "
        "(repeatable): pdf, html or docx",
    )
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    build.add_argument("--png", action="store_true", help="also render page 1 of each PDF to PNG")
    build.add_argument(
        "--no-private",
        dest="private",
        action="store_false",
        help="leave data/private.yaml out (build what a release would show)",
    )
    build.add_argument(
        "--timeout", type=_seconds, default=60.0, help="seconds per TeX run (default: %(default)s)"
    )
    build.add_argument(
        "--version-label",
        default=os.environ.get("CVPRESS_VERSION"),
        help=(
            "version written into the PDFs' metadata and footer (default: $CVPRESS_VERSION, "
            "else `git describe --tags --always --dirty`; '' for none)"
        ),
    )
    build.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    validate = sub.add_parser(
        "validate", help="check a data file (default: data/resume.yaml) and report every problem"
    )
    validate.add_argument("file", nargs="?", type=Path, default=Path("data/resume.yaml"))
    validate.add_argument("--variants", type=Path, help="also check this variants file")
    validate.add_argument(
        "--data",
        type=Path,
        metavar="FILE",
        help="check FILE as `cvpress build --data FILE` reads it: a document from elsewhere, "
        "where a key close to a known one is a warning (docs/compatibility.md)",
    )
    validate.add_argument(
        "--strict",
        action="store_true",
        help="treat every compatibility warning as an error (docs/compatibility.md)",
    )
    validate.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    schema = sub.add_parser("schema", help="write the JSON Schema of the data format")
    schema.add_argument("--out", type=Path, help="file to write (default: standard output)")
    schema.add_argument(
        "--variants", action="store_true", help="the schema of variants.yaml instead"
    )
    schema.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    templates = sub.add_parser("templates", help="list templates, one a line, name first")
    templates.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    export = sub.add_parser("export", help="write the data as JSON Resume, Markdown or plain text")
    export.add_argument("--format", required=True, choices=["jsonresume", "markdown", "text"])
    export.add_argument("--variant", metavar="NAME", help="only what this variant's PDF shows")
    export.add_argument(
        "--variants",
        type=Path,
        default=DEFAULT_VARIANTS,
        help="variants file (default: %(default)s)",
    )
    export.add_argument(
        "--data",
        type=Path,
        metavar="FILE",
        help="data file (default: the variant's, else data/resume.yaml)",
    )
    export.add_argument(
        "--no-private",
        dest="private",
        action="store_false",
        help="with --variant: leave its private.yaml out (what a release would show)",
    )
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    watch = sub.add_parser(
        "watch", help="rebuild the affected variants on every save (needs cvpress[watch])"
    )
    watch.add_argument(
        "--variants",
        type=Path,
        default=DEFAULT_VARIANTS,
        help="variants file (default: %(default)s)",
    )
    watch.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME",
        help="watch only this variant (repeatable)",
    )
    watch.add_argument(
        "--out", type=Path, default=Path("build"), help="output folder (default: %(default)s)"
    )
    watch.add_argument("--engine", choices=list(ENGINE_CHOICES))
    watch.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    new = sub.add_parser(
        "new",
        help="start a résumé: writes NAME/data/resume.yaml, variants.yaml and a starter letter",
    )
    new.add_argument("name", type=Path, metavar="NAME", help="folder to create")
    new.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    site = sub.add_parser(
        "site", help="a folder for GitHub Pages: index.html (a variant's page) and the PDFs"
    )
    site.add_argument(
        "--variants",
        type=Path,
        default=DEFAULT_VARIANTS,
        help="variants file (default: %(default)s)",
    )
    site.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME",
        help="PDFs to publish (repeatable; the first is the page; default: every variant)",
    )
    site.add_argument(
        "--out", type=Path, default=Path("site"), help="site folder (default: %(default)s)"
    )
    site.add_argument(
        "--build-dir",
        type=Path,
        default=Path("build"),
        help="where the PDFs are built (default: %(default)s)",
    )
    site.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    letter = sub.add_parser("letter", help="cover letters: `letter new NAME` writes a skeleton")
    actions = letter.add_subparsers(dest="action", metavar="ACTION", required=True)
    letter_new = actions.add_parser(
        "new", help="write letters/NAME.md beside the variants file, a letter skeleton"
    )
    letter_new.add_argument("name", metavar="NAME", help="the letter's name (its file name)")
    letter_new.add_argument(
        "--variants",
        type=Path,
        default=DEFAULT_VARIANTS,
        help="the project's variants file (default: %(default)s)",
    )
    for parser_ in (letter, letter_new):
        parser_.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )

    release = sub.add_parser(
        "release", help="make the release directory for a tag (PDFs, previews, sums, notes)"
    )
    release.add_argument("--tag", required=True, help="version tag, e.g. v2026.11")
    release.add_argument(
        "--out", type=Path, default=Path("dist"), help="release directory (default: %(default)s)"
    )
    release.add_argument("--variants", type=Path, default=DEFAULT_VARIANTS)
    release.add_argument("--build-dir", type=Path, default=Path("build"))
    release.add_argument(
        "--since", help="compare the résumé with this revision (default: previous v* tag)"
    )
    release.add_argument("--no-png", dest="png", action="store_false", help="skip the PNG previews")
    release.add_argument("--jobs", type=_jobs, metavar="N")
    release.add_argument(
        "--private",
        action="store_true",
        help="merge data/private.yaml into the PDFs (default: a release is public: it is not read)",
    )
    release.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    changelog = sub.add_parser(
        "changelog", help="print what changed in the résumé since a revision, as Markdown"
    )
    changelog.add_argument("--since", help="earlier revision (default: the previous v* tag)")
    changelog.add_argument("--until", help="later revision (default: the working tree)")
    changelog.add_argument("--variants", type=Path, default=DEFAULT_VARIANTS)
    changelog.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    server = sub.add_parser(
        "server",
        help="the build server that `build` and `validate` start and use: start, stop, status",
    )
    server_actions = server.add_subparsers(dest="action", metavar="ACTION", required=True)
    server_start = server_actions.add_parser(
        "start", help="start one for this cvpress now (it exits after --idle seconds unused)"
    )
    server_start.add_argument(
        "--idle",
        type=_seconds,
        metavar="SECONDS",
        help="seconds without a request before it exits (default: 900)",
    )
    server_actions.add_parser("stop", help="stop every build server of this user")
    server_actions.add_parser("status", help="list the running build servers")
    for parser_ in (server, *server_actions.choices.values()):
        parser_.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )

    gallery = sub.add_parser(
        "gallery", help="rebuild every variant and write the README gallery's PNGs"
    )
    gallery.add_argument("--variants", type=Path, default=DEFAULT_VARIANTS)
    gallery.add_argument(
        "--gallery",
        type=Path,
        default=Path("docs/gallery"),
        help="folder for the PNGs (default: %(default)s)",
    )
    gallery.add_argument(
        "--out", type=Path, default=Path("build"), help="build folder (default: %(default)s)"
    )
    gallery.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    return parser
