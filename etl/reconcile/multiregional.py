"""multiregional: the part of a report no table covers, said so rather than claimed as checked.

The initiatives of the multiregional part state their amounts in sentences; no printed sum
covers them, so there is nothing to check them against. One `not_checked` row per report says
what the part holds and why nothing was added up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from etl.reconcile.result import Result
from etl.validate import Rows


def check(rows: Rows) -> Iterable[Result]:
    for report in rows.reports:
        part = [p for p in rows.programmes if p.report_id == report.report_id and p.scope == "multiregional"]
        if not part:
            continue
        initiatives = {p.title for p in part}
        missing = {p.title for p in part if p.status == "missing"}
        bases = Counter(p.basis for p in part if p.status == "amount")
        stated = ", ".join(f"{n} {basis}" for basis, n in sorted(bases.items()))
        yield Result(
            report.report_id,
            "multiregional",
            None,
            "multiregional",
            None,
            None,
            min((p.label_ref or p.source_ref for p in part), key=_line),  # the part's first title
            f"{len(initiatives)} initiatives state {sum(bases.values())} amounts ({stated}) and {len(missing)} state"
            " none; no table of the report sums them, and amounts of different bases are not comparable:"
            " nothing was added up",
            checked=False,
        )


def _line(ref: str) -> int:
    tail = ref.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0
