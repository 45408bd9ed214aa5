"""Ending a server's child as Python's own exit would, less tearing every module down.

A child has every module of a build imported, and the interpreter's
finalization takes tens of milliseconds to dismantle them, after the
command's work is done and its files are written and synced. The child
instead does what finalization does that anyone can observe, then leaves
with ``os._exit``:

- the exit status of an uncaught exception as Python gives it:
  ``SystemExit`` (its code, or its message on stderr and 1), another
  exception printed by ``sys.excepthook`` and 1, an uncaught
  ``KeyboardInterrupt`` printed, then death by SIGINT (as Python does, so a
  shell sees the interruption);
- the non-daemon threads joined (none is left by cvpress, which joins its
  own; this is what the interpreter would wait for), then the ``atexit``
  handlers (``weakref.finalize`` objects among them);
- standard output and error flushed, and a failed flush turning the status
  into 120, as in ``Py_FinalizeEx``.

What it skips: deallocating every object. A file object left open and
unflushed would lose its buffer; cvpress closes every file it writes (with
``with`` blocks, and syncs what it publishes).
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import NoReturn

#: Exit status of a process whose standard streams could not be flushed at exit.
FLUSH_FAILED = 120


def run_and_exit(command: Callable[[], int]) -> NoReturn:
    """Run ``command`` and end the process with its status, as interpreter exit would."""
    interrupted = False
    try:
        code = command()
    except SystemExit as exc:
        code = _system_exit_code(exc)
    except KeyboardInterrupt:
        sys.excepthook(*sys.exc_info())
        code, interrupted = 1, True
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            code = FLUSH_FAILED
    if interrupted:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(code)


def _system_exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1
