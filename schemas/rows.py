"""One pydantic model per output row: what every row of every table must satisfy."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, model_validator

from schemas.types import AreaId, Basis, CheckStatus, Iso3, LineRole, ProgrammeStatus, RegionId, Scope, Status, Usd


class Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _amount_matches_status(status: str, amount: int | None) -> None:
    if status == "amount" and amount is None:
        raise ValueError("status 'amount' needs requirement_usd")
    if status != "amount" and amount is not None:
        raise ValueError(f"status {status!r} takes no requirement_usd (got {amount})")


class ReportRow(Row):
    report_id: str
    title: str
    edition: int
    source_file: str
    source_sha256: str
    source_kind: str
    lines: int


class PageRow(Row):
    source_file: str
    page: int
    report_id: str | None
    chars_drawn: int
    chars_in_lines: int
    chars_furniture: int
    chars_turned: int
    chars_overprinted: int
    furniture: list[str]

    @model_validator(mode="after")
    def _accounted(self) -> Self:
        parts = self.chars_in_lines + self.chars_furniture + self.chars_turned + self.chars_overprinted
        if parts != self.chars_drawn:
            raise ValueError(f"{self.chars_drawn} characters drawn, {parts} accounted for")
        return self


class RegionRow(Row):
    report_id: str
    region_id: RegionId
    region_name: str
    region_label: str
    total_usd: Usd
    sections: int
    resolution: Literal["optimal", "time_bound", "unbalanced"]
    source_ref: str
    source_box: str | None
    evidence: str


class _TableCellRow(Row):
    """A row of a regional funding table: its amount (or 'funded'), where it and its label were
    read, and what paired them."""

    report_id: str
    region_id: RegionId
    status: Status
    requirement_usd: Usd | None
    source_ref: str
    source_box: str | None
    label_ref: str
    evidence: str

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _amount_matches_status(self.status, self.requirement_usd)
        return self


class RegionCountryRow(_TableCellRow):
    row_label: str
    country_iso3: Iso3 | None


class RegionAreaRow(_TableCellRow):
    area_id: AreaId
    area_label: str


class ProgrammeRow(Row):
    report_id: str
    programme_id: str
    region_id: RegionId | None
    scope: Scope
    section_id: str
    country_iso3: Iso3 | None
    section_label: str
    title: str | None
    area_id: AreaId | None
    area_label: str | None
    status: ProgrammeStatus
    requirement_usd: Usd | None
    basis: Basis
    basis_note: str | None
    period: str | None
    description: str
    target_populations: list[str]
    source_ref: str
    source_box: str | None
    label_ref: str | None
    evidence: str

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _amount_matches_status(self.status, self.requirement_usd)
        if (self.scope == "country") != (self.country_iso3 is not None):
            raise ValueError("country_iso3 is set exactly for country sections")
        if (self.scope == "multiregional") != (self.region_id is None):
            raise ValueError("region_id is null exactly for multiregional initiatives")
        if (self.scope == "multiregional") != (self.title is not None):
            raise ValueError("title is set exactly for multiregional initiatives")
        if self.scope != "multiregional" and self.area_id is None:
            raise ValueError("a regional or country programme has an area")
        return self


class ReconciliationRow(Row):
    report_id: str
    check_id: str
    check: str
    region_id: RegionId | None
    subject: str
    country_iso3: Iso3 | None
    area_id: AreaId | None
    expected_usd: int | None
    actual_usd: int | None
    status: CheckStatus
    source_ref: str
    note: str


class CountryRow(Row):
    country_iso3: Iso3
    iso_alpha2: str
    un_m49: str | None
    name: str
    report_names: list[str]


class ProjectRow(Row):
    project_id: str
    prima_id: str | None
    title: str
    start_date: str | None
    start_year: int | None
    end_date: str | None
    end_year: int | None
    status: str | None
    project_type: str | None
    budget_usd: Usd | None
    coverage: str | None
    year: int | None
    idf_region: str | None
    benefiting_iso3: list[Iso3]
    benefiting_names: list[str]
    description: str
    source_file: str
    source_sha256: str
    source_ref: str
    source_box: str | None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValueError(f"the project ends ({self.end_year}) before it starts ({self.start_year})")
        return self


class AreaRow(Row):
    area_id: AreaId
    name: str
    report_labels: list[str]


class DocumentLineRow(Row):
    source_file: str
    line: int
    source_ref: str
    report_id: str | None
    role: LineRole
    region_id: RegionId | None
    section_id: str | None
    text: str


class UnreadAmountRow(Row):
    source_file: str
    line: int
    position: int
    source_ref: str
    report_id: str | None
    region_id: RegionId | None
    text: str
    reason: str


# Each table's row model, by table name (the names of schemas/tables.py's TABLES).
MODELS: dict[str, type[Row]] = {
    "reports": ReportRow,
    "pages": PageRow,
    "regions": RegionRow,
    "region_countries": RegionCountryRow,
    "region_areas": RegionAreaRow,
    "programmes": ProgrammeRow,
    "projects": ProjectRow,
    "document_lines": DocumentLineRow,
    "unread_amounts": UnreadAmountRow,
    "reconciliation": ReconciliationRow,
    "countries": CountryRow,
    "areas": AreaRow,
}
