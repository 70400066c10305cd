"""countries_total: the country rows (and the regional-programmes row) add up to the region's total."""

from __future__ import annotations

from collections.abc import Iterable

from etl.reconcile.result import Result
from etl.validate import Rows


def check(rows: Rows) -> Iterable[Result]:
    for region in rows.regions:
        parts = [r for r in rows.region_countries if (r.report_id, r.region_id) == (region.report_id, region.region_id)]
        yield Result(
            region.report_id,
            "countries_total",
            region.region_id,
            "region",
            region.total_usd,
            sum(r.requirement_usd or 0 for r in parts),
            region.source_ref,
            f"{len(parts)} country rows (regional programmes included) against the table's total",
        )
