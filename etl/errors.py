"""Errors that stop a build: each has a stable code, names its place and says how to fix it.

The catalogue (code: meaning) is documented in README.md. Problems that do not stop a
build are not exceptions but rows of the `reconciliation` table, or warnings of the build.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

from etl.source import SourceRef

T = TypeVar("T")
R = TypeVar("R")

EXIT_OK = 0
EXIT_UNRECONCILED = 1
EXIT_UNUSABLE = 2
EXIT_INTERNAL = 3  # a defect of mi-etl, not of its input
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
EXIT_TERMINATED = 143  # SIGTERM (128 + SIGTERM)


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

    def lines(self) -> list[str]:
        """What the user is shown: one line per problem."""
        return [self.line()]


class EtlErrors(EtlError):
    """Several problems found before stopping (every bad input file, every invalid figure): each
    is shown on its own line, in the order found."""

    code = "errors"

    errors: tuple[EtlError, ...]

    def __init__(self, errors: Sequence[EtlError]):
        self.errors = tuple(e for error in errors for e in (error.errors if isinstance(error, EtlErrors) else [error]))
        first = self.errors[0]
        super().__init__(first.where, first.message, fix=first.fix, value=first.value)

    def __reduce__(self) -> tuple[object, ...]:
        return (EtlErrors, (self.errors,))

    def line(self) -> str:
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        return [e.line() for e in self.errors]


def raise_all(errors: Sequence[EtlError]) -> None:
    """Stop with every problem collected: nothing if there is none, the error itself if one."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise EtlErrors(errors)


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
        except Exception as err:
            first = next(iter(str(err).splitlines()), "")
            told = f"{type(err).__name__}: {first} (in a worker process)"
            raise RuntimeError(f"{told}\n{traceback.format_exc()}") from None

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


class Unaccounted(EtlError):
    code = "unaccounted"


class InvalidFigure(EtlError):
    code = "invalid-figure"


class NoInput(EtlError):
    code = "no-input"


class OutputMissing(EtlError):
    code = "output-missing"


class OutputUnsafe(EtlError):
    code = "output-unsafe"


class OutputUnwritable(EtlError):
    code = "output-unwritable"


class KnownInvalid(EtlError):
    code = "known-invalid"


class BadOption(EtlError):
    code = "bad-option"


class UnknownName(EtlError):
    code = "unknown-name"


class InternalError(EtlError):
    code = "internal-error"
    exit_code = EXIT_INTERNAL


class Interrupted(EtlError):
    code = "interrupted"
    exit_code = EXIT_INTERRUPTED


class Terminated(EtlError):
    code = "terminated"
    exit_code = EXIT_TERMINATED


class TooLarge(EtlError):
    """An input past one of the limits that keep a build's time and memory bounded (README: Bad input)."""

    code = "too-large"


class DeadlinePassed(EtlError):
    """The build ran past its deadline (--deadline): it stops where it had got to, out/ untouched."""

    code = "deadline"
