"""What a check finds, before it is marked ok, mismatch or known."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Result:
    report_id: str
    check: str
    region_id: str | None  # None for the multiregional part
    subject: str  # "region", a section id, an area id or "multiregional"
    expected: int | None
    actual: int | None
    source_ref: str
    note: str
    country_iso3: str | None = None
    area_id: str | None = None
    checked: bool = True  # False where no printed sum exists to check against (status not_checked)
