"""Work one variant's build does at the same time: TeX runs side by side, Python beside TeX.

A TeX run is a process of its own, so threads that wait for runs wait in
parallel (a fit's two candidates use both cores). Python work holds the
interpreter's lock, so the Word file and the HTML page are made while the
variant's TeX runs, not while it renders: Python beside TeX, not beside
Python.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


@contextlib.contextmanager
def beside(call: Callable[[], T]) -> Iterator[Callable[[], T]]:
    """Run ``call`` in a thread of its own while the block runs; the block gets its result's getter.

    The getter waits for ``call`` and returns its result or raises its
    error. The thread has ended when the block exits, however it exits, so
    no TeX run is left behind; an error of the block's own is the one
    raised. Ctrl-C or SIGTERM stops every TeX run at once instead of waiting
    for the thread's to end.
    """
    from concurrent.futures import ThreadPoolExecutor

    from ..engine import process

    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(call)
    try:
        yield future.result
    except BaseException as exc:
        if not isinstance(exc, Exception):  # Ctrl-C, SIGTERM: the build is over
            process.stop_all()
        raise
    finally:
        pool.shutdown(wait=True)


def all_at_once(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Every call's result, in order; each call after the first runs in a thread of its own.

    A failure raises the error of the first call that failed, in the order
    given, as calling them one after another would have, once every call
    has ended (see :func:`beside`).
    """
    if len(calls) <= 1:
        return [call() for call in calls]
    with beside(lambda: all_at_once(calls[1:])) as rest:
        first = calls[0]()
        return [first, *rest()]
