"""mi-etl: the command line. It parses arguments, calls the library and maps errors to exit codes.

Every way a command can fail ends in one line and a documented exit code: an EtlError (its own
code, exit 2), Ctrl-C (exit 130) or SIGTERM (exit 143), and anything unexpected (`internal-error`,
exit 3, the traceback written to a log file the line names). Exit 1 means a check failed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, NoReturn

import typer

from etl.errors import BadOption, EtlError, InternalError, Interrupted, Terminated

app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,  # plain help: rich is imported only to show a build's progress
    no_args_is_help=True,
    help="Turn IOM Migration Initiatives reports into validated, reconciled Parquet tables.",
)

OutOption = Annotated[Path, typer.Option("--out", help="Folder of the Parquet tables.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")]


DEFAULT_CACHE = Path(".cache") / "mi-etl"  # etl.cache's default: the command line imports no pipeline module
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader left


class SigTerm(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that it stops as on Ctrl-C: worker processes are
    stopped and half-written folders removed on the way out."""


@contextlib.contextmanager
def _reported(debug: bool) -> Iterator[None]:
    """Every failure of a command as its lines and exit code (--debug: the traceback instead)."""
    try:
        yield
    except typer.Exit:
        raise
    except EtlError as err:
        if debug:
            raise
        _stop(err)
    except KeyboardInterrupt as err:
        _stop(_stopped(err))
    except BrokenPipeError:  # the reader went away (`mi-etl explain ... | head`): stop quietly, as on SIGPIPE
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more reaches the closed pipe, even at exit
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except Exception as err:
        if debug:
            raise
        _stop(internal_error(err))


def _stop(err: EtlError) -> NoReturn:
    for line in err.lines():
        typer.echo(line, err=True)
    raise typer.Exit(err.exit_code)


def _stopped(err: KeyboardInterrupt) -> EtlError:
    how = (Terminated, "SIGTERM") if isinstance(err, SigTerm) else (Interrupted, "Ctrl-C")
    return how[0](
        "mi-etl",
        f"stopped by {how[1]} (a build replaces --out only when it ends)",
        fix="run the command again",
    )


def internal_error(err: BaseException) -> InternalError:
    """An unexpected exception: a defect of mi-etl. The traceback goes to a log file (in the
    temporary folder) that the one line names."""
    text = "".join(traceback.format_exception(err))
    try:
        handle, name = tempfile.mkstemp(prefix="mi-etl-error-", suffix=".log")
        with os.fdopen(handle, "w", encoding="utf-8") as log:
            log.write(f"mi-etl {_version()}\ncommand: {' '.join(sys.argv)}\n\n{text}")
        told = f"the traceback is in {name}"
    except OSError:
        typer.echo(text, err=True)
        told = "the traceback is above"
    first = next(iter(str(err).strip().splitlines()), "")[:200]
    return InternalError(
        "mi-etl",
        f"unexpected {type(err).__name__}{': ' + first if first else ''} (a defect of mi-etl, not of the input)",
        fix=f"{told}; please report it with the command that was run",
    )


def _version() -> str:
    try:
        return version("mi-etl")
    except PackageNotFoundError:  # pragma: no cover - a source tree without install
        return "0+unknown"


@app.command()
def build(
    paths: Annotated[list[Path] | None, typer.Argument(help="Report files or folders (default: raw/).")] = None,
    out: OutOption = Path("out"),
    known: Annotated[
        Path | None,
        typer.Option(help="Known-discrepancies file (default: the reviewed list shipped with mi-etl)."),
    ] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds each solver run may take.")] = 20.0,
    jobs: Annotated[int, typer.Option("--jobs", help="Processes solving in parallel (default: cores).")] = 0,
    cache: Annotated[Path, typer.Option("--cache", help="Folder of rows kept between builds.")] = DEFAULT_CACHE,
    force: Annotated[bool, typer.Option("--force", help="Parse every report again, ignoring the cache.")] = False,
    deadline: Annotated[
        float | None,
        typer.Option("--deadline", help="Seconds the whole build may take (default: 300 per report read)."),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Read the reports, pair every figure, check the sums and write the tables to --out."""
    with _reported(debug):
        from etl.pipeline import build as run_build

        with _progress() as say:
            report = run_build(
                paths or [Path("raw")],
                out,
                known=known,
                time_limit=time_limit,
                progress=say,
                jobs=jobs or os.cpu_count() or 1,
                cache=cache,
                force=force,
                deadline=deadline,
            )
    _summarise(report.reconciliation)
    for warning in report.warnings:
        typer.echo(warning, err=True)
    for region in report.time_bound:
        typer.echo(f"warning: {region}: a solve stopped at --time-limit; its figures are the best found", err=True)
    counts = ", ".join(f"{name} {n}" for name, n in report.counts.items())
    if report.mismatches:
        for r in report.mismatches:
            typer.echo(_mismatch_line(r.model_dump()), err=True)
        failing, side = len(report.mismatches), report.written_to
        typer.echo(f"rejected: {failing} check(s) fail; tables written to {side}/ ({counts}); {out}/ unchanged")
    else:
        typer.echo(f"wrote {out}/: {counts}")
    raise typer.Exit(report.exit_code)


@app.command()
def check(out: OutOption = Path("out"), debug: DebugOption = False) -> None:
    """Exit 1 if a reconciliation check of the built tables fails (and is not a known discrepancy)."""
    with _reported(debug):
        from etl.inspect import read_reconciliation

        rows = read_reconciliation(out)
    failed = [r for r in rows if r["status"] == "mismatch"]
    _summarise_dicts(rows)
    for r in failed:
        typer.echo(_mismatch_line(r), err=True)
    raise typer.Exit(1 if failed else 0)


@app.command()
def explain(
    region: Annotated[
        str,
        typer.Argument(help="Region id or name, e.g. east_horn_africa or 'East and Horn of Africa'; or multiregional."),
    ],
    country: Annotated[
        str | None, typer.Argument(help="Country name or ISO3 (or 'regional'); default: the region's table.")
    ] = None,
    out: OutOption = Path("out"),
    debug: DebugOption = False,
) -> None:
    """Print a region's table, one section's programmes, or the multiregional initiatives, with
    source lines and evidence."""
    with _reported(debug):
        from etl.inspect import explain_lines

        for line in explain_lines(out, region, country):
            typer.echo(line)


def _mismatch_line(r: dict[str, object]) -> str:
    expected, actual = r["expected_usd"], r["actual_usd"]
    return (
        f"{r['source_ref']}: mismatch: {r['check']} {r['region_id']}/{r['subject']}: "
        f"expected {expected:,}, got {actual:,} ({r['note']})"
    )


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str], None]]:
    """Progress on stderr: a live rich status line on a terminal, plain lines elsewhere (CI, pipes)."""
    if not sys.stderr.isatty():
        yield lambda message: typer.echo(message, err=True)
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("starting", spinner="dots") as status:

        def say(message: str) -> None:
            if message.startswith(" "):
                status.update(message.strip())
            else:
                console.print(message, highlight=False)

        yield say


def _summarise(rows: Sequence[Any]) -> None:
    _summarise_dicts([r.model_dump() for r in rows])


def _summarise_dicts(rows: list[dict[str, object]]) -> None:
    counts: dict[str, int] = {}
    for r in rows:
        counts[str(r["status"])] = counts.get(str(r["status"]), 0) + 1
    typer.echo("reconciliation: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def main() -> None:
    """The installed `mi-etl` command: the app, with SIGTERM stopping it as Ctrl-C does, and a
    command line it cannot parse as one `bad-option` line (exit 2)."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    if len(sys.argv) < 2:
        app()  # no arguments: the help
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as err:
        _report(_usage_error(err))
    except KeyboardInterrupt as err:
        _report(_stopped(err))
    except Exception as err:
        _report(internal_error(err))
    sys.exit(code if isinstance(code, int) else 0)


def _report(err: EtlError) -> NoReturn:
    for line in err.lines():
        print(line, file=sys.stderr)
    sys.exit(err.exit_code)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the way out is not interrupted again
    raise SigTerm


def _usage_error(err: typer.TyperException) -> EtlError:
    """A command line the parser refused (unknown option, value of the wrong type) as one line."""
    if err.exit_code != 2:
        return internal_error(err)
    param, ctx = getattr(err, "param", None), getattr(err, "ctx", None)
    command = ctx.command_path if ctx is not None else "mi-etl"
    opts = getattr(param, "opts", None) or []
    where = opts[0] if opts and str(opts[0]).startswith("-") else command
    message = " ".join(err.format_message().split()).rstrip(".")
    return BadOption(where, message, fix=f"see '{command} --help'")
