"""Work items -> results in forked worker processes that stop with the parent, quietly.

The one way this project runs work in parallel. A worker ignores Ctrl-C (the terminal sends it
to the whole process group: the parent alone decides to stop), dies at once on SIGTERM (what
the parent's pool sends when it stops early), and on Linux is sent SIGTERM when the parent dies,
even by SIGKILL: no worker outlives its build or writes to a pipe nobody reads.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def map_in_processes(function: Callable[[T], R], items: Sequence[T], processes: int) -> Iterator[R]:
    """`function` over `items` in `processes` forked workers, the results in order as they come.

    The function should be module-level (it is pickled by name) and read anything large from
    state set before the fork. Leaving the iteration early (an error, Ctrl-C, SIGTERM) stops
    every worker before this returns.
    """
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_worker_signals, initargs=(os.getpid(),)) as pool:
        yield from pool.imap(function, items)


def _worker_signals(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # no prctl: the pool still stops its workers
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(0)
