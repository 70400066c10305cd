"""area_resum: an area's programme amounts, over all the region's sections, add up to its area row."""

from __future__ import annotations

from collections.abc import Iterable

from etl.reconcile.result import Result
from etl.validate import Rows


def check(rows: Rows) -> Iterable[Result]:
    for row in rows.region_areas:
        parts = [
            p
            for p in rows.programmes
            if (p.report_id, p.region_id, p.area_id) == (row.report_id, row.region_id, row.area_id)
        ]
        missing = [p for p in parts if p.status == "missing"]
        note = f"{len(parts)} programmes of area {row.area_label!r} against its table row"
        if missing:
            places = ", ".join(f"{p.section_label} at {p.source_ref}" for p in missing)
            note += f"; no amount printed for: {places}"
        yield Result(
            row.report_id,
            "area_resum",
            row.region_id,
            row.area_id,
            row.requirement_usd or 0,
            sum(p.requirement_usd or 0 for p in parts),
            row.source_ref,
            note,
            area_id=row.area_id,
        )
