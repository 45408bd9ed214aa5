"""``invoke bench`` with the build server, as a user meets it: started for the bench, stopped after.

The server runs in a folder of the bench's own (``XDG_RUNTIME_DIR`` in the
environment of every command the bench runs), so it neither uses nor
disturbs a server the person has running. It is started explicitly before
the first warm-up build and stopped when the bench ends, whatever ends it.

A served build runs in a child of the server, not of the bench: its CPU
time (and its TeX runs') is counted in the server's, once the server has
reaped it, which it has by the time the client returns. :func:`cpu` adds
the server's CPU time (its own and its reaped children's) to what the bench
counts for its own children.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path


@contextlib.contextmanager
def server(cli: Sequence[str], env: dict[str, str], folder: Path) -> Iterator[dict[str, str]]:
    """A server for ``cli`` in ``folder`` for the duration of the block; the environment to use."""
    folder.mkdir(mode=0o700)
    served = {**env, "XDG_RUNTIME_DIR": str(folder), "CVPRESS_SERVER": "on"}
    started = subprocess.run(
        [*cli, "server", "start"], env=served, capture_output=True, text=True, check=False
    )
    try:
        if started.returncode != 0:
            raise RuntimeError(f"the build server did not start:\n{started.stderr}")
        yield served
    finally:
        subprocess.run([*cli, "server", "stop"], env=served, capture_output=True, check=False)


def cpu(env: dict[str, str]) -> float:
    """CPU seconds of the servers running for ``env``, their reaped children's included."""
    runtime = env.get("XDG_RUNTIME_DIR")
    if env.get("CVPRESS_SERVER") != "on" or not runtime:
        return 0.0
    from .engine.process import stat_fields
    from .server import control

    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for found in control.running(os.path.join(runtime, "cvpress")):
        fields = stat_fields(found.pid)
        if fields is not None:
            # utime, stime, cutime, cstime: fields 14 to 17 of stat(5), counted from "state" (3).
            total += sum(int(value) for value in fields[11:15]) / tick
    return total
