"""build(): raw files -> extract -> segment -> resolve -> validate -> reconcile -> load.

The run report says what was read and what does not reconcile; the CLI turns it into an
exit code. Nothing is written to `out` unless every stage succeeded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from pydantic import BaseModel

from etl.errors import EXIT_OK, EXIT_UNRECONCILED, DuplicateReport
from etl.extract import discover, path_to_document
from etl.gazetteer import load_gazetteer
from etl.load import rows_to_table, write_tables
from etl.load.package import descriptor_text, package_descriptor
from etl.reconcile import rows_to_reconciliation
from etl.reconcile.known import load_known
from etl.resolve import TIME_LIMIT, document_to_figures
from etl.segment.report import document_to_report
from etl.source import Document
from etl.validate import Rows, figures_to_rows
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
) -> BuildReport:
    """Read the raw reports, resolve, validate and reconcile them, and write the tables to `out`."""
    discrepancies = load_known(known)
    report = BuildReport()
    rows = Rows()
    seen: dict[str, str] = {}
    for path in discover(paths):
        doc = path_to_document(path)
        info = document_to_report(doc)
        if info.report_id in seen or doc.sha256 in seen:
            first = seen.get(info.report_id) or seen[doc.sha256]
            raise DuplicateReport(
                doc.path,
                f"{info.title} is already read from {first}",
                fix="keep one copy of each report in raw/",
            )
        seen[info.report_id] = seen[doc.sha256] = doc.path
        if progress:
            progress(f"{doc.path}: {info.title}")
        say = (lambda r: progress(f"  {r}")) if progress else None
        document_to_rows(doc, rows, time_limit=time_limit, progress=say, jobs=jobs)
        report.files.append(doc.path)
    rows.add_dimensions()
    report.reconciliation = rows_to_reconciliation(rows, discrepancies)
    metadata = {
        "mi_etl.pipeline_version": pipeline_version(),
        "mi_etl.schema_version": SCHEMA_VERSION,
        "mi_etl.sources": ",".join(f"{r.source_file}={r.source_sha256}" for r in rows.reports),
    }
    by_table: dict[str, Sequence[BaseModel]] = {
        "reports": rows.reports,
        "regions": rows.regions,
        "region_countries": rows.region_countries,
        "region_areas": rows.region_areas,
        "programmes": rows.programmes,
        "reconciliation": report.reconciliation,
        "countries": rows.countries,
        "areas": rows.areas,
    }
    tables = {name: rows_to_table(TABLES[name], by_table[name], metadata) for name in TABLES}
    # Tables that do not reconcile never replace good ones: they go beside out/ for inspection.
    report.written_to = rejected_folder(out) if report.mismatches else out
    descriptor = descriptor_text(package_descriptor(rows.reports, pipeline_version()))
    write_tables(tables, report.written_to, {"datapackage.json": descriptor})
    report.counts = {name: table.num_rows for name, table in tables.items()}
    report.time_bound = [r.region_id for r in rows.regions if r.resolution == "time_bound"]
    return report


def document_to_rows(
    doc: Document,
    rows: Rows,
    *,
    time_limit: float = TIME_LIMIT,
    progress: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> None:
    """One report, from its lines to validated rows (appended to `rows`): segment, resolve, validate."""
    info = document_to_report(doc)
    figures = document_to_figures(doc, load_gazetteer(), time_limit, progress=progress, jobs=jobs)
    figures_to_rows(info, doc, figures, rows)


def rejected_folder(out: Path) -> Path:
    """Where tables that fail a reconciliation check are written: out.rejected/ beside out/."""
    return out.with_name(f"{out.name}.rejected")
