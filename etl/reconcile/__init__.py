"""Validated rows -> reconciliation rows: every check of the report's own arithmetic.

One check per module; each yields `Result`s, which `rows_to_reconciliation` turns into rows,
marking a mismatch listed in the reviewed file of known discrepancies as known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from etl.reconcile import area_resum, areas_total, countries_total, multiregional, section_sum
from etl.reconcile.known import KnownDiscrepancies
from etl.reconcile.result import Result
from etl.validate import Rows
from schemas.rows import ReconciliationRow
from schemas.types import CheckStatus

CHECKS: tuple[Callable[[Rows], Iterable[Result]], ...] = (
    countries_total.check,
    areas_total.check,
    section_sum.check,
    area_resum.check,
    multiregional.check,
)


def rows_to_reconciliation(rows: Rows, known: KnownDiscrepancies) -> list[ReconciliationRow]:
    """Run every check on every region of every report."""
    editions = {r.report_id: r.edition for r in rows.reports}
    out = []
    for check in CHECKS:
        for result in check(rows):
            status: CheckStatus = "ok" if result.expected == result.actual else "mismatch"
            if not result.checked:
                status = "not_checked"
            note = result.note
            if status == "mismatch":
                reason = known.reason(editions[result.report_id], result.region_id, result.check, result.subject)
                if reason:
                    status, note = "known_discrepancy", f"{note}; known: {reason}"
            out.append(
                ReconciliationRow(
                    report_id=result.report_id,
                    check_id="/".join(p for p in (result.check, result.region_id, result.subject) if p)
                    if result.region_id
                    else result.check,
                    check=result.check,
                    region_id=result.region_id,
                    subject=result.subject,
                    country_iso3=result.country_iso3,
                    area_id=result.area_id,
                    expected_usd=result.expected,
                    actual_usd=result.actual,
                    status=status,
                    source_ref=result.source_ref,
                    note=note,
                )
            )
    return out
