"""build(): raw files -> extract -> segment -> resolve -> validate -> reconcile -> load.

The run report says what was read and what does not reconcile; the CLI turns it into an
exit code. Nothing is written to `out` unless every stage succeeded.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from pydantic import BaseModel

from etl.cache import cache_key, load_rows, save_rows
from etl.errors import EXIT_OK, EXIT_UNRECONCILED, DuplicateReport, in_worker
from etl.extract import discover, fingerprint, is_pdf, path_to_document
from etl.gazetteer import load_gazetteer
from etl.load import rows_to_table, write_tables
from etl.load.package import descriptor_text, package_descriptor
from etl.reconcile import rows_to_reconciliation
from etl.reconcile.known import load_known
from etl.resolve import TIME_LIMIT, document_to_figures
from etl.resolve.multiregional import document_to_initiatives
from etl.segment.kind import document_to_kind
from etl.segment.project import document_to_project
from etl.segment.report import document_to_report
from etl.source import Document
from etl.validate import Rows, figures_to_rows, project_to_rows
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
) -> BuildReport:
    """Read the raw reports, resolve, validate and reconcile them, and write the tables to `out`.

    A report whose bytes and pipeline are unchanged since a build that used the same `cache`
    folder is read from it, not parsed again (unless `force`). Several reports are resolved in
    parallel processes; a single one spreads its regions over them.
    """
    say = progress or (lambda message: None)
    discrepancies = load_known(known)
    report = BuildReport()
    rows = Rows()
    seen: dict[str, str] = {}
    parse: list[tuple[Document, str]] = []
    for path in discover(paths):
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
            seen[name] = display
        report.files.append(display)
        if cached is not None:
            say(f"{display}: {title}: unchanged since the last build, read from {cache}/ (not parsed again)")
            rows.extend(cached)
        else:
            assert doc is not None
            parse.append((doc, key))
    for (_, key), parsed in zip(parse, _parse_all([d for d, _ in parse], time_limit, say, jobs), strict=True):
        if cache is not None:
            save_rows(cache, key, parsed)
        rows.extend(parsed)
    say("  checking the sums")
    rows.add_dimensions()
    report.reconciliation = rows_to_reconciliation(rows, discrepancies)
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
        "reconciliation": report.reconciliation,
        "countries": rows.countries,
        "areas": rows.areas,
    }
    tables = {name: rows_to_table(TABLES[name], by_table[name], metadata) for name in TABLES}
    say("  writing the tables")
    # Tables that do not reconcile never replace good ones: they go beside out/ for inspection.
    report.written_to = rejected_folder(out) if report.mismatches else out
    descriptor = descriptor_text(package_descriptor(rows.reports, pipeline_version(), rows.projects))
    write_tables(tables, report.written_to, {"datapackage.json": descriptor})
    report.counts = {name: table.num_rows for name, table in tables.items()}
    report.time_bound = [r.region_id for r in rows.regions if r.resolution == "time_bound"]
    return report


_ONE_COPY = "keep one copy of each report in raw/"
_PENDING: list[tuple[Document, float]] = []


def _parse_all(docs: list[Document], time_limit: float, say: Callable[[str], None], jobs: int) -> list[Rows]:
    """Each document's rows. Project pages take no time; several appeals go to parallel
    processes, a single appeal spreads its regions over them."""
    appeals = [n for n, doc in enumerate(docs) if document_to_kind(doc) == "appeal"]
    if 1 < len(appeals) < len(docs):
        parsed_appeals = iter(_parse_all([docs[n] for n in appeals], time_limit, say, jobs))
        others = iter(_parse_all([d for n, d in enumerate(docs) if n not in appeals], time_limit, say, 1))
        return [next(parsed_appeals) if n in appeals else next(others) for n in range(len(docs))]
    if len(appeals) > 1 and jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        global _PENDING
        _PENDING = [(doc, time_limit) for doc in docs]  # inherited by the forked workers
        try:
            with multiprocessing.get_context("fork").Pool(min(jobs, len(docs))) as pool:
                parsed = []
                for doc, rows in zip(docs, pool.imap(_parse_pending, range(len(docs))), strict=True):
                    say(f"{doc.path}: parsed")
                    parsed.append(rows)
                return parsed
        finally:
            _PENDING = []
    parsed = []
    for doc in docs:
        say(f"{doc.path}: {document_to_name(doc)}")
        rows = Rows()
        document_to_rows(doc, rows, time_limit=time_limit, progress=lambda r: say(f"  resolving {r}"), jobs=jobs)
        parsed.append(rows)
    return parsed


@in_worker
def _parse_pending(n: int) -> Rows:
    rows = Rows()
    doc, time_limit = _PENDING[n]
    document_to_rows(doc, rows, time_limit=time_limit)
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
        project_to_rows(doc, document_to_project(doc, gaz), rows)
        return
    info = document_to_report(doc)
    figures = document_to_figures(doc, gaz, time_limit, progress=progress, jobs=jobs)
    if progress:
        progress("multiregional initiatives")
    figures_to_rows(info, doc, figures, rows, document_to_initiatives(doc))


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
