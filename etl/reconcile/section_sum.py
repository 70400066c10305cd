"""section_sum: a section's programme amounts add up to its row in the regional table."""

from __future__ import annotations

from collections.abc import Iterable

from etl.reconcile.result import Result
from etl.validate import Rows


def check(rows: Rows) -> Iterable[Result]:
    for row in rows.region_countries:
        section = row.country_iso3 or "regional"
        parts = [
            p
            for p in rows.programmes
            if (p.report_id, p.region_id, p.section_id) == (row.report_id, row.region_id, section)
        ]
        missing = [p for p in parts if p.status == "missing"]
        note = f"{len(parts)} programmes of section {row.row_label!r} against its table row"
        if missing:
            places = ", ".join(f"{p.area_label or p.area_id} at {p.source_ref}" for p in missing)
            note += f"; no amount printed for: {places}"
        yield Result(
            row.report_id,
            "section_sum",
            row.region_id,
            section,
            row.requirement_usd or 0,
            sum(p.requirement_usd or 0 for p in parts),
            row.source_ref,
            note,
            country_iso3=row.country_iso3,
        )
