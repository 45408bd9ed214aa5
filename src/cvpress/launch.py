"""The ``cvpress`` executable (and ``python -m cvpress``): served by a build server, or in-process.

``build`` and ``validate`` are handed to a build server when one runs for
this code (:mod:`cvpress.server`): a process that has imported everything
forks a copy of itself to run the command, so Python's start-up is off the
path. Every other command (``--help``, ``watch``, which is resident itself,
``server``...), and any command when no server answers, runs in this process
exactly as it always has (:func:`cvpress.cli.entry`); a served kind of
command then starts a server in the background for the next one.

Not served either: ``--help`` anywhere, ``CVPRESS_SERVER=off``, and an
interpreter run with ``-X`` or ``-W`` options (``-X importtime`` must time
this process's imports).

This module decides from ``sys.argv`` alone and imports only built-in
modules until it knows: ``cvpress --help`` pays for nothing here.
"""

from __future__ import annotations

import sys
from typing import NoReturn

#: The commands a server runs: bounded, and the ones an edit loop repeats.
SERVED = frozenset({"build", "validate"})


def main() -> NoReturn:
    served = _served(sys.argv[1:])
    if served:
        from .server import client

        code = client.run(list(sys.argv))
        if code is not None:
            sys.exit(code)
    from .cli import entry

    try:
        entry()
    finally:
        if served:
            from .server import control

            control.autostart()


def _served(args: list[str]) -> bool:
    """Whether ``args`` name a command a server runs (the first word that is not ``--debug``)."""
    from .server import place

    if not place.served():
        return False
    if sys._xoptions or sys.warnoptions or not sys.platform.startswith("linux"):
        return False
    if "-h" in args or "--help" in args:
        return False  # help is printed at once: no server needed, none started
    words = [arg for arg in args if arg != "--debug"]
    return bool(words) and words[0] in SERVED


if __name__ == "__main__":  # pragma: no cover
    main()
