"""The ``cvpress`` command, the only command line: parse arguments, call the API, print, exit.

No logic lives here beyond presentation; errors are printed by
:mod:`cvpress.report`. ``invoke`` tasks call these subcommands. Exit codes: 0 success, 1 a build
failed, 2 bad input or usage. Errors are printed as
``file:line:column: field.path: message``, the offending line with a caret,
and a hint; a traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .cli_parser import DEFAULT_VARIANTS, build_parser
from .report import Progress, paint, print_error, print_problem

if TYPE_CHECKING:
    from .data.variants import Variant
    from .errors import CvpressError, Problem
    from .pipeline.targets import Outcome


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    return _dispatch(parser, parser.parse_args(argv))


def entry() -> NoReturn:
    """The ``cvpress`` executable's command run in-process (see :mod:`cvpress.launch`)."""
    sys.exit(command(sys.argv[1:]))


def command(argv: Sequence[str]) -> int:
    """:func:`main` as a process of its own runs it: the executable, or a build server's child.

    Two garbage-collector settings make a command end sooner. Both are only
    right when the process ends with the command, so :func:`main` (which
    tests and other programs call in-process) leaves the collector alone:

    - while the command runs, the cyclic collector is off: importing pydantic
      and Jinja triggers about a hundred collections (~9 ms) that free
      nothing. ``watch`` and ad hoc builds (``--data``, which batch-builds
      folders) keep it on: they run long or over unbounded input;
    - at exit every object is frozen (``gc.freeze``) so that shutdown does not
      walk them all once more (~18 ms with pydantic and Jinja loaded).
      Shutdown still runs: buffers are flushed, exit handlers called.

    And pydantic is told not to look for plugins (unless the environment
    says otherwise): cvpress uses none, and the search reads the metadata of
    every installed distribution when the first validator is built.
    """
    import gc
    import signal

    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    parser = build_parser()
    args = parser.parse_args(argv)
    # SIGTERM stops a command the way Ctrl-C does: TeX runs killed, run folders removed.
    signal.signal(signal.SIGTERM, _terminated)
    if args.command != "watch" and not getattr(args, "data", None):
        gc.disable()
    try:
        code = _dispatch(parser, args)
    finally:
        gc.freeze()
    return code


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C's KeyboardInterrupt would be, so cleanup is the same."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminated(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command is None:
        parser.print_help()
        return 2
    from .errors import CvpressError

    try:
        _require_working_folder()
        handler = _COMMANDS[args.command]
        return int(handler(args))
    except CvpressError as exc:
        if args.debug:
            raise
        print_error(exc, sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        return 128 + (exc.signum if isinstance(exc, Terminated) else 2)  # 2: SIGINT
    except Exception as exc:  # a bug in cvpress: say so briefly, trace only on request
        if args.debug:
            raise
        print(f"cvpress: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("  hint: run again with --debug for the traceback, and report it", file=sys.stderr)
        return 1


def _require_working_folder() -> None:
    """Refuse to start in a folder that is gone: every relative path would fail half-way."""
    from .errors import InputError

    try:
        os.getcwd()
    except FileNotFoundError:
        raise InputError(
            "the current folder no longer exists (it was deleted or moved away)",
            hint="cd into your project again (`cd $PWD` finds it if it was re-created)",
        ) from None


# ------------------------------------------------------------------- commands


def _cmd_build(args: argparse.Namespace) -> int:
    from .errors import InputError
    from .pipeline import targets

    options = targets.Options(
        out=args.out,
        engine=args.engine,
        jobs=args.jobs,
        force=args.force,
        version=args.version_label if args.version_label is not None else _describe(args),
        timeout=args.timeout,
        png=args.png,
        private=args.private,
        formats=tuple(dict.fromkeys(args.format)) if args.format else None,
        strict=args.strict,
    )
    progress = Progress(sys.stderr)
    if args.letter and not args.data:
        raise InputError(
            "--letter needs --data FILE (the sender) and --template NAME",
            hint="e.g. cvpress build --data data/resume.yaml --letter LETTER.md --template classic",
        )
    if args.data:
        if not args.template:
            raise InputError("--data needs --template NAME", hint="see `cvpress templates`")
        outcomes = targets.build_adhoc(
            args.data, args.template, options, progress=progress, letter=args.letter
        )
    else:
        outcomes = targets.build_variants(args.variants, args.variant, options, progress=progress)
    if args.png:
        from .outputs import preview

        for outcome in outcomes:
            if outcome.pdf is not None and outcome.status != "failed":
                preview.first_page_png(outcome.pdf)
    codes = [o.error.exit_code for o in outcomes if o.error is not None]
    return max(codes) if codes else 0


def _describe(args: argparse.Namespace) -> str:
    from .release.git import describe

    return describe(args.data[0] if args.data else args.variants)


def _cmd_validate(args: argparse.Namespace) -> int:
    """What ``build`` will do with the data: the same policy, errors and warnings.

    ``FILE`` is the project's own data, as ``cvpress build`` reads it through
    a variants file; ``--data FILE``, a document as ``cvpress build --data
    FILE`` reads it (cvpress.data.compat).
    """
    from .data import languages, validate
    from .data.compat import Policy
    from .errors import Warnings

    warnings = Warnings()
    if args.data is not None:
        args.file = args.data
    variants_file = args.variants
    default_project = args.file == Path("data/resume.yaml") and DEFAULT_VARIANTS.is_file()
    if variants_file is None and default_project:
        variants_file = DEFAULT_VARIANTS  # the default project: check both files
    policy = Policy.for_input(own_data=args.data is None, strict=args.strict)
    resume, variants = validate.project(args.file, variants_file, warnings, policy)
    _refuse_unprintable(args.file, resume)
    if variants_file is not None:
        # What build would refuse before TeX runs for each variant (a character
        # its engine cannot print, a section its data lacks), refused here too.
        from .pipeline import build, targets

        build.preflight(variants_file, variants, targets.Options())
    for warning in [*warnings.items, *_private_problems(args.file, variants_file, variants)]:
        print_problem(warning, sys.stderr)
    locales: dict[str, list[str]] = {}
    for variant in variants:
        locales.setdefault(variant.locale, []).append(variant.name)
    report = languages.missing_report(resume, locales)
    if report:
        from .data import load
        from .data.fields import locate_field

        source = load.load(args.file).source
        for locale, problems in report.items():
            for problem in problems:
                problem.location = locate_field(source, problem.field_path or "")
                print_problem(problem, sys.stderr)
            state = f"{len(problems)} missing" if problems else "complete"
            print(f"translations for {locale!r}: {state}")
    entries = sum(len(getattr(resume, s)) for s in ("work", "volunteer", "education", "projects"))
    name = resume.basics.name or "no name"
    print(f"{args.file}: valid ({name}, {entries} entries)")
    if variants_file is not None:
        print(f"{variants_file}: valid ({len(variants)} variants)")
    return 0


def _private_problems(
    data: Path, variants_file: Path | None, variants: Sequence[Variant]
) -> list[Problem]:
    """Every private file the project reads: valid over the data, untracked, not repeated."""
    from .data import load, private, validate

    named = {private.locate(data, v.private, variants_file) for v in variants} or {
        private.locate(data, True, None)
    }
    public = private.public_files(data.parent) or [
        data,
        *([variants_file] if variants_file else []),
    ]
    problems: list[Problem] = []
    for path in sorted(p for p in named if p is not None and p.is_file()):
        validate.resume(private.overlay(load.load(data), path)[0])  # raises at private.yaml's line
        problems.extend(private.audit(path, [p for p in public if p.resolve() != path.resolve()]))
    return problems


def _refuse_unprintable(file: Path, resume: Any) -> None:
    """What ``build`` under ``engine: auto`` refuses before TeX, at its line (exit 2).

    A character no installed engine can print and extract (no installed font
    has it, say) fails the build; validate says so first. Without TeX
    installed there is nothing to ask.
    """
    from .data import fields, load
    from .engine.catalogue import candidates
    from .errors import InputError
    from .pipeline.check import visible_strings
    from .tex.characters import refusal

    engines = candidates()
    if not engines:
        return
    problems = []
    for path, text in visible_strings(resume):
        refused = refusal(text, engines, path)
        if refused is not None:
            problems.extend(refused.problems)
    if problems:
        source = load.load(file).source
        for problem in problems:
            problem.location = fields.locate_field(source, problem.field_path or "")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(problems[0].message + more, problems=problems)


def _emit(text: str, out: Path | None) -> None:
    """Write ``text`` to ``out`` atomically, or to standard output."""
    if out:
        from .pipeline.publish import write_atomic

        write_atomic(out, text.encode("utf-8"))
        print(f"wrote {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _cmd_schema(args: argparse.Namespace) -> int:
    from .data import schema

    text = schema.variants_schema_json() if args.variants else schema.resume_schema_json()
    _emit(text, args.out)
    return 0


def _cmd_templates(args: argparse.Namespace) -> int:
    from .tex import templates

    for name, folder in templates.available().items():
        print(f"{name}\t{templates.description(folder)}".rstrip())
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .errors import Warnings
    from .outputs import export

    warnings = Warnings()
    text = export.export_file(
        args.format,
        variant_name=args.variant,
        variants_file=args.variants,
        data=args.data,
        warnings=warnings,
        private=args.private,
    )
    for warning in warnings.items:
        print_problem(warning, sys.stderr)
    _emit(text, args.out)
    return 0


def _cmd_watch(args: argparse.Namespace) -> int:
    from .pipeline import targets, watch

    progress = Progress(sys.stderr)

    def report(outcome: Outcome) -> None:
        progress(outcome, prefix=f"{watch.stamp()} ")
        sys.stderr.flush()

    def problem(exc: CvpressError) -> None:
        print(
            f"{watch.stamp()} {paint('FAILED', 'red', sys.stderr)} {exc.message}", file=sys.stderr
        )
        print_error(exc, sys.stderr)
        sys.stderr.flush()

    options = targets.Options(out=args.out, engine=args.engine)
    print(f"watching {args.variants} and its inputs; Ctrl-C to stop", file=sys.stderr, flush=True)

    def waiting(missing: list[Path]) -> None:
        from .pipeline.locate import display

        shown = ", ".join(display(p) for p in missing)
        print(
            f"{watch.stamp()} waiting for {shown} (missing); the build runs again when "
            f"{'it is' if len(missing) == 1 else 'they are'} back",
            file=sys.stderr,
            flush=True,
        )

    watch.watch(
        args.variants, args.variant, options, report=report, problem=problem, waiting=waiting
    )
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    from .data import scaffold

    for path in scaffold.new(args.name):
        print(f"wrote {path}", file=sys.stderr)
    print(f"next: cd {args.name} && cvpress build", file=sys.stderr)
    return 0


def _cmd_letter(args: argparse.Namespace) -> int:
    from .data import scaffold

    path = scaffold.new_letter(args.variants, args.name)
    print(f"wrote {path}", file=sys.stderr)
    print(
        f"next: add a variant to {args.variants}, e.g.\n"
        f"  {args.name}:\n    template: classic\n    letter: letters/{args.name}.md",
        file=sys.stderr,
    )
    return 0


def _cmd_release(args: argparse.Namespace) -> int:
    from .release import release

    def report(outcome: Outcome) -> None:
        for warning in outcome.warnings:
            print_problem(warning, sys.stderr)
        if outcome.error is not None:
            print(f"FAILED {outcome.name}", file=sys.stderr)
            print_error(outcome.error, sys.stderr)
        else:
            written = ", ".join(str(p) for p in outcome.outputs.values())
            print(f"{outcome.status} {outcome.name}: {written}", file=sys.stderr)

    note = release.source_note(args.tag, args.variants)
    if note:
        print(f"note: {note}", file=sys.stderr)
    made = release.make(
        args.tag,
        args.out,
        variants_file=args.variants,
        build_dir=args.build_dir,
        png=args.png,
        since=args.since,
        jobs=args.jobs,
        progress=report,
        private=args.private,
    )
    for path in [*made.assets, *([made.notes] if made.notes else [])]:
        print(path)
    return 0


def _cmd_site(args: argparse.Namespace) -> int:
    from .outputs import site

    for path in site.make(
        args.variants,
        args.variant,
        args.out,
        build_dir=args.build_dir,
        progress=Progress(sys.stderr),
    ):
        print(path)
    return 0


def _cmd_changelog(args: argparse.Namespace) -> int:
    from .release import changelog

    log = changelog.changelog(args.variants, since=args.since or None, until=args.until or None)
    sys.stdout.write(log.markdown())
    return 0


def _cmd_gallery(args: argparse.Namespace) -> int:
    from .outputs import preview

    for path in preview.build_gallery(args.variants, args.gallery, args.out):
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
    return 0


def _cmd_server(args: argparse.Namespace) -> int:
    from .server import control

    if args.action == "start":
        lines = [control.start(args.idle)]
    else:
        lines = control.stop() if args.action == "stop" else control.status()
    for line in lines:
        print(line)
    return 0


_COMMANDS: dict[str, Any] = {
    "build": _cmd_build,
    "site": _cmd_site,
    "validate": _cmd_validate,
    "schema": _cmd_schema,
    "templates": _cmd_templates,
    "export": _cmd_export,
    "watch": _cmd_watch,
    "new": _cmd_new,
    "letter": _cmd_letter,
    "release": _cmd_release,
    "changelog": _cmd_changelog,
    "gallery": _cmd_gallery,
    "server": _cmd_server,
}


if __name__ == "__main__":  # pragma: no cover
    entry()
