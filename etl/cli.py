"""mi-etl: the command line. It parses arguments, calls the library and maps errors to exit codes."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel
from rich.console import Console

from etl.cache import DEFAULT as DEFAULT_CACHE
from etl.errors import EXIT_UNUSABLE, EtlError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn IOM Migration Initiatives reports into validated, reconciled Parquet tables.",
)

OutOption = Annotated[Path, typer.Option("--out", help="Folder of the Parquet tables.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")]


def _fail(err: EtlError, debug: bool) -> typer.Exit:
    if debug:
        raise err
    typer.echo(err.line(), err=True)
    return typer.Exit(err.exit_code)


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
    debug: DebugOption = False,
) -> None:
    """Read the reports, pair every figure, check the sums and write the tables to --out."""
    from etl.pipeline import build as run_build

    try:
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
            )
    except EtlError as err:
        raise _fail(err, debug) from None
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
    from etl.inspect import read_reconciliation

    try:
        rows = read_reconciliation(out)
    except EtlError as err:
        raise _fail(err, debug) from None
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
    from etl.inspect import explain_lines

    try:
        for line in explain_lines(out, region, country):
            typer.echo(line)
    except EtlError as err:
        raise _fail(err, debug) from None


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
    console = Console(stderr=True)
    with console.status("starting", spinner="dots") as status:

        def say(message: str) -> None:
            if message.startswith(" "):
                status.update(message.strip())
            else:
                console.print(message, highlight=False)

        yield say


def _summarise(rows: Sequence[BaseModel]) -> None:
    _summarise_dicts([r.model_dump() for r in rows])


def _summarise_dicts(rows: list[dict[str, object]]) -> None:
    counts: dict[str, int] = {}
    for r in rows:
        counts[str(r["status"])] = counts.get(str(r["status"]), 0) + 1
    typer.echo("reconciliation: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def main() -> None:  # pragma: no cover
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(EXIT_UNUSABLE)
