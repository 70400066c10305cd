"""Errors that stop a build: each has a stable code, names its place and says how to fix it.

The catalogue (code: meaning) is documented in README.md. Problems that do not stop a
build are not exceptions but rows of the `issues` and `reconciliation` tables.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from typing import ClassVar, TypeVar

from etl.source import SourceRef

T = TypeVar("T")
R = TypeVar("R")

EXIT_OK = 0
EXIT_UNRECONCILED = 1
EXIT_UNUSABLE = 2


class EtlError(Exception):
    """An input the pipeline cannot use; `str()` is the one line shown to the user."""

    code: ClassVar[str] = "error"
    exit_code: ClassVar[int] = EXIT_UNUSABLE

    def __init__(self, where: SourceRef | str, message: str, *, fix: str, value: str | None = None):
        self.where = str(where)
        self.message = message
        self.fix = fix
        self.value = value
        super().__init__(self.line())

    def __reduce__(self) -> tuple[object, ...]:
        """Picklable, so an error raised in a worker process reaches the parent whole (a pool
        whose result cannot be unpickled waits forever)."""
        return (_rebuild, (type(self), self.where, self.message, self.fix, self.value))

    def line(self) -> str:
        shown = f" {self.value!r}" if self.value is not None else ""
        return f"{self.where}: {self.code}: {self.message}{shown}; {self.fix}"


def _rebuild(kind: type[EtlError], where: str, message: str, fix: str, value: str | None) -> EtlError:
    return kind(where, message, fix=fix, value=value)


def in_worker(function: Callable[[T], R]) -> Callable[[T], R]:
    """For a function run in a pool's worker process: an unexpected exception comes back as a
    RuntimeError carrying its traceback (an exception the parent cannot unpickle would leave
    the pool waiting forever); an EtlError comes back as itself."""

    @functools.wraps(function)
    def run(argument: T) -> R:
        try:
            return function(argument)
        except EtlError:
            raise
        except Exception:
            raise RuntimeError(f"in a worker process:\n{traceback.format_exc()}") from None

    return run


class EmptyInput(EtlError):
    code = "empty-input"


class NotAReport(EtlError):
    code = "not-a-report"


class UnreadablePdf(EtlError):
    code = "unreadable-pdf"


class EncodingProblem(EtlError):
    code = "encoding"


class AmountUnparseable(EtlError):
    code = "amount-unparseable"


class UnknownArea(EtlError):
    code = "unknown-area"


class UnknownCountry(EtlError):
    code = "unknown-country"


class DuplicateReport(EtlError):
    code = "duplicate-report"


class RegionMissing(EtlError):
    code = "region-missing"


class TableUnreadable(EtlError):
    code = "table-unreadable"


class Truncated(EtlError):
    code = "truncated"


class Unresolved(EtlError):
    code = "unresolved"


class InvalidFigure(EtlError):
    code = "invalid-figure"


class NoInput(EtlError):
    code = "no-input"


class OutputMissing(EtlError):
    code = "output-missing"


class TooLarge(EtlError):
    """An input past one of the limits that keep a build's time and memory bounded (README: Bad input)."""

    code = "too-large"
