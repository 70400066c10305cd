"""build(): raw files -> extract -> segment -> resolve -> validate -> reconcile -> load.

The run report says what was read and what does not reconcile; the CLI turns it into an
exit code. Nothing is written to `out` unless every stage succeeded.
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from pydantic import BaseModel

from etl.account import appeal_to_account, project_to_account
from etl.cache import cache_key, check_cache, load_rows, save_rows
from etl.deadline import deadline as armed
from etl.deadline import reached
from etl.errors import EXIT_OK, EXIT_UNRECONCILED, BadOption, DuplicateReport, EtlError, in_worker, raise_all
from etl.extract import discover, display_name, fingerprint, is_pdf, path_to_document
from etl.gazetteer import load_gazetteer
from etl.limits import DEADLINE_PER_REPORT
from etl.load import check_output, clear_stale, rows_to_table, write_tables
from etl.load.package import descriptor_text, package_descriptor
from etl.reconcile import rows_to_reconciliation
from etl.reconcile.known import KnownDiscrepancies, load_known
from etl.resolve import TIME_LIMIT, segments_to_figures, segments_to_reading
from etl.resolve.multiregional import multiregional_to_figures
from etl.segment import document_to_segments
from etl.segment.kind import document_to_kind
from etl.segment.project import document_to_project
from etl.segment.report import document_to_report
from etl.source import Document
from etl.validate import Rows, account_to_rows, figures_to_rows, project_to_rows
from etl.workers import map_in_processes
from schemas.rows import ReconciliationRow
from schemas.tables import TABLES

SCHEMA_VERSION = "1"


@dataclass(slots=True)
class BuildReport:
    files: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    reconciliation: list[ReconciliationRow] = field(default_factory=list)
    written_to: Path | None = None  # out, or the rejected folder beside it when a check fails
    time_bound: list[str] = field(default_factory=list)  # regions whose search stopped at the time bound
    warnings: list[str] = field(default_factory=list)  # one line each: what was read but deserves a look

    @property
    def mismatches(self) -> list[ReconciliationRow]:
        return [r for r in self.reconciliation if r.status == "mismatch"]

    @property
    def exit_code(self) -> int:
        return EXIT_UNRECONCILED if self.mismatches else EXIT_OK


def pipeline_version() -> str:
    try:
        return version("mi-etl")
    except Exception:  # pragma: no cover - running from a source tree without install
        return "0+unknown"


def build(
    paths: list[Path],
    out: Path,
    *,
    known: Path | None = None,
    time_limit: float = TIME_LIMIT,
    progress: Callable[[str], None] | None = None,
    jobs: int = 1,
    cache: Path | None = None,
    force: bool = False,
    deadline: float | None = None,
) -> BuildReport:
    """Read the raw reports, resolve, validate and reconcile them, and write the tables to `out`.

    A report whose bytes and pipeline are unchanged since a build that used the same `cache`
    folder is read from it, not parsed again (unless `force`). Several reports are resolved in
    parallel processes; a single one spreads its regions over them. Every input that cannot be
    used is reported (EtlErrors) before the build stops; `out` is checked before anything is read.
    """
    told = progress or (lambda message: None)

    def say(message: str) -> None:
        """Tell the user, and keep where the build is for a deadline's error line."""
        told(message)
        if message.startswith(" "):
            reached(message.strip(), "")  # a step within the file being read
        else:
            place, _, what = message.partition(": ")
            reached(f"reading {what}", place)

    _check_options(time_limit, jobs, deadline)
    inputs = [*paths, *(p for p in (known, cache) if p is not None)]
    check_output(out, inputs)
    check_output(rejected_folder(out), inputs, what="the folder for rejected tables (beside --out)")
    if cache is not None:
        check_cache(cache)
    discrepancies = load_known(known)
    files = discover(paths)
    with armed(deadline if deadline is not None else DEADLINE_PER_REPORT * len(files)):
        report, rows = _read_and_check(files, discrepancies, time_limit, say, jobs, cache, force)
    return _write(report, rows, out, say)


def _read_and_check(
    files: list[Path],
    discrepancies: KnownDiscrepancies,
    time_limit: float,
    say: Callable[[str], None],
    jobs: int,
    cache: Path | None,
    force: bool,
) -> tuple[BuildReport, Rows]:
    """Every report's rows, from the cache or parsed, and the checks of their sums."""
    report = BuildReport()
    rows = Rows()
    seen: dict[str, str] = {}
    parse: list[tuple[Document, str]] = []
    problems: list[EtlError] = []
    for path in files:
        try:
            reached("reading", display_name(path))
            display, sha256 = fingerprint(path)
            key = cache_key(display, sha256, time_limit)
            cached = None if force or cache is None else load_rows(cache, key)
            doc = None
            if cached is None:
                if is_pdf(path):
                    say(f"{display}: reading the PDF")
                doc = path_to_document(path, jobs=jobs)  # a PDF's pages are read only when not cached
            title = _name_of(cached) if cached else document_to_name(doc)  # type: ignore[arg-type]
            for name in (title, sha256):
                if name in seen:
                    raise DuplicateReport(display, f"{title} is already read from {seen[name]}", fix=_ONE_COPY)
        except EtlError as err:
            problems.append(err)  # every unusable input is reported, not the first alone
            continue
        seen.update({title: display, sha256: display})
        report.files.append(display)
        if cached is not None:
            say(f"{display}: {title}: unchanged since the last build, read from {cache}/ (not parsed again)")
            rows.extend(cached)
        else:
            assert doc is not None
            parse.append((doc, key))
    raise_all(problems)
    for (_, key), parsed in zip(parse, _parse_all([d for d, _ in parse], time_limit, say, jobs), strict=True):
        if cache is not None:
            save_rows(cache, key, parsed)
        rows.extend(parsed)
    say("  checking the sums")
    rows.add_dimensions()
    report.reconciliation = rows_to_reconciliation(rows, discrepancies)
    return report, rows


def _write(report: BuildReport, rows: Rows, out: Path, say: Callable[[str], None]) -> BuildReport:
    """The tables, into `out` (or beside it when a check fails)."""
    metadata = {
        "mi_etl.pipeline_version": pipeline_version(),
        "mi_etl.schema_version": SCHEMA_VERSION,
        "mi_etl.sources": ",".join(f"{file}={sha}" for file, sha in sorted(_sources(rows))),
    }
    by_table: dict[str, Sequence[BaseModel]] = {
        "reports": rows.reports,
        "pages": rows.pages,
        "regions": rows.regions,
        "region_countries": rows.region_countries,
        "region_areas": rows.region_areas,
        "programmes": rows.programmes,
        "projects": rows.projects,
        "document_lines": rows.document_lines,
        "unread_amounts": rows.unread_amounts,
        "reconciliation": report.reconciliation,
        "countries": rows.countries,
        "areas": rows.areas,
    }
    tables = {name: rows_to_table(TABLES[name], by_table[name], metadata) for name in TABLES}
    say("  writing the tables")
    # Tables that do not reconcile never replace good ones: they go beside out/ for inspection.
    report.written_to = rejected_folder(out) if report.mismatches else out
    clear_stale(out)  # what killed builds left beside out/ and out.rejected/
    clear_stale(rejected_folder(out))
    descriptor = descriptor_text(package_descriptor(rows.reports, pipeline_version(), rows.projects))
    write_tables(tables, report.written_to, {"datapackage.json": descriptor}, version=pipeline_version())
    report.counts = {name: table.num_rows for name, table in tables.items()}
    report.time_bound = [r.region_id for r in rows.regions if r.resolution == "time_bound"]
    report.warnings = derived_region_warnings(rows)
    return report


def derived_region_warnings(rows: Rows) -> list[str]:
    """A line for each region whose title etl/data/regions.csv does not list: its id is derived."""
    curated = load_gazetteer().region_names
    return [
        f"{r.source_ref}: warning: region {r.region_label!r} is not in etl/data/regions.csv, so its id"
        f" {r.region_id!r} is derived from the title; add a row '<id>,{r.region_name}' there for a curated id"
        for r in rows.regions
        if r.region_id not in curated
    ]


_ONE_COPY = "keep one copy of each report in raw/"
_PENDING: list[tuple[Document, float]] = []


def _check_options(time_limit: float, jobs: int, deadline: float | None) -> None:
    if deadline is not None and not (math.isfinite(deadline) and deadline > 0):
        raise BadOption(
            "--deadline",
            "the seconds the whole build may take must be a positive number",
            value=f"{deadline:g}",
            fix=f"give e.g. --deadline {DEADLINE_PER_REPORT:g} (the default for one report)",
        )
    if not (math.isfinite(time_limit) and time_limit > 0):
        raise BadOption(
            "--time-limit",
            "the seconds each solve may take must be a positive number",
            value=f"{time_limit:g}",
            fix=f"give e.g. --time-limit {TIME_LIMIT:g} (the default)",
        )
    if jobs < 1:
        raise BadOption(
            "--jobs", "the number of processes must be 1 or more", value=str(jobs), fix="give e.g. --jobs 2"
        )


def _parse_all(docs: list[Document], time_limit: float, say: Callable[[str], None], jobs: int) -> list[Rows]:
    """Each document's rows. Project pages take no time; several appeals go to parallel
    processes, a single appeal spreads its regions over them."""
    appeals = [n for n, doc in enumerate(docs) if document_to_kind(doc) == "appeal"]
    if 1 < len(appeals) < len(docs):
        parsed_appeals = iter(_parse_all([docs[n] for n in appeals], time_limit, say, jobs))
        others = iter(_parse_all([d for n, d in enumerate(docs) if n not in appeals], time_limit, say, 1))
        return [next(parsed_appeals) if n in appeals else next(others) for n in range(len(docs))]
    parsed: list[Rows] = []
    problems: list[EtlError] = []  # every report that fails is reported, not the first alone
    if len(appeals) > 1 and jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        global _PENDING
        _PENDING = [(doc, time_limit) for doc in docs]  # inherited by the forked workers
        try:
            results = map_in_processes(_parse_pending, range(len(docs)), min(jobs, len(docs)))
            for doc, done in zip(docs, results, strict=True):
                say(f"{doc.path}: parsed")
                if isinstance(done, EtlError):
                    problems.append(done)
                else:
                    parsed.append(done)
        finally:
            _PENDING = []
        raise_all(problems)
        return parsed
    for doc in docs:
        try:
            say(f"{doc.path}: {document_to_name(doc)}")
            rows = Rows()
            document_to_rows(doc, rows, time_limit=time_limit, progress=lambda r: say(f"  resolving {r}"), jobs=jobs)
        except EtlError as err:
            problems.append(err)
            continue
        parsed.append(rows)
    raise_all(problems)
    return parsed


@in_worker
def _parse_pending(n: int) -> Rows | EtlError:
    rows = Rows()
    doc, time_limit = _PENDING[n]
    try:
        document_to_rows(doc, rows, time_limit=time_limit)
    except EtlError as err:
        return err  # to the parent, which reports every report that fails
    return rows


def document_to_rows(
    doc: Document,
    rows: Rows,
    *,
    time_limit: float = TIME_LIMIT,
    progress: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> None:
    """One raw document, from its lines to validated rows (appended to `rows`): segment, resolve,
    validate. An appeal gives its regions' figures and its multiregional initiatives; a project
    page, one project."""
    gaz = load_gazetteer()
    if document_to_kind(doc) == "idf_project":
        sheet = document_to_project(doc, gaz)
        project_to_rows(doc, sheet, rows)
        account_to_rows(doc, project_to_account(doc, sheet), rows)
        return
    info = document_to_report(doc)
    segments = document_to_segments(doc, gaz)
    reading = segments_to_reading(doc, segments)
    figures = segments_to_figures(segments, doc, gaz, time_limit, progress=progress, jobs=jobs, reading=reading)
    if progress:
        progress("multiregional initiatives")
    part = segments.multiregional
    initiatives = multiregional_to_figures(part, doc.lines) if part is not None else []
    figures_to_rows(info, doc, figures, rows, initiatives)
    account_to_rows(doc, appeal_to_account(doc, segments, figures, initiatives, reading), rows, info.report_id)


def document_to_name(doc: Document) -> str:
    """What the document is, to tell two copies of it apart: a report's title, or a project's id."""
    if document_to_kind(doc) == "idf_project":
        found = document_to_project(doc, load_gazetteer()).value("Projects ID")
        return f"IDF project {found[0] if found else doc.sha256}"
    return document_to_report(doc).title


def _name_of(rows: Rows) -> str:
    if rows.reports:
        return rows.reports[0].title
    return f"IDF project {rows.projects[0].project_id}" if rows.projects else ""


def _sources(rows: Rows) -> set[tuple[str, str]]:
    return {(r.source_file, r.source_sha256) for r in rows.reports} | {
        (p.source_file, p.source_sha256) for p in rows.projects
    }


def rejected_folder(out: Path) -> Path:
    """Where tables that fail a reconciliation check are written: out.rejected/ beside out/."""
    return out.with_name(f"{out.name}.rejected")
