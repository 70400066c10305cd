"""What a check finds, before it is marked ok, mismatch or known."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Result:
    report_id: str
    check: str
    region_id: str
    subject: str  # "region", a section id or an area id
    expected: int | None
    actual: int | None
    source_ref: str
    note: str
    country_iso3: str | None = None
    area_id: str | None = None
