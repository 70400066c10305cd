"""A deadline for a whole build: when it passes, the build stops with a coded line naming the stage
and the place it had reached, and out/ is untouched (the tables are written only after it).

The clock is the process's real-time timer (SIGALRM): whatever runs, Python code is interrupted
at its next bytecode; a solve running in HiGHS is never given more time than is left, so it
returns in time for the alarm to stop the build. Worker processes stop with the parent.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType

from etl.errors import DeadlinePassed

_ends_at: float | None = None  # time.monotonic() when the deadline passes; inherited by forked workers
_stage = "starting"
_place = "mi-etl"


def reached(stage: str, place: str) -> None:
    """Where the build has got to (named by the error if the deadline passes now)."""
    global _stage, _place
    _stage, _place = stage, place or _place


def remaining(at_most: float) -> float:
    """Seconds a step may take: `at_most`, or what is left before the deadline if less."""
    if _ends_at is None:
        return at_most
    return max(0.01, min(at_most, _ends_at - time.monotonic()))


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Stop what runs inside with DeadlinePassed once `seconds` have gone by."""
    global _ends_at
    if threading.current_thread() is not threading.main_thread():  # pragma: no cover - signals need the main thread
        yield
        return

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise DeadlinePassed(
            _place,
            f"the build passed its deadline of {seconds:g} s while {_stage}",
            fix="give it more time (--deadline SECONDS), or read fewer reports at once",
        )

    previous = signal.signal(signal.SIGALRM, alarm)
    _ends_at = time.monotonic() + seconds
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _ends_at = None
