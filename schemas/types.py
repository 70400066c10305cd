"""Reusable annotated types: what a valid figure, code or id is."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

MAX_USD = 10**11  # no appeal asks for more than USD 100 billion in one figure
# An IOM region id: lower-case ASCII words joined by '_' (curated in etl/data/regions.csv, or derived
# from a printed title), with a '__' part for a derived id that must differ from a curated one.
REGION_ID_PATTERN = r"^[a-z0-9]+(?:_[a-z0-9]+)*(?:__[a-z0-9]+)?$"
ISO3_PATTERN = r"^[A-Z]{3}$"
AREA_ID_PATTERN = r"^[a-z0-9]+(?:_[a-z0-9]+)*$"  # the programmatic areas are etl/data/areas.csv's


Usd = Annotated[int, Field(ge=0, le=MAX_USD, strict=True, description="whole US dollars")]
AreaId = Annotated[str, Field(pattern=AREA_ID_PATTERN)]
# Whether the gazetteer knows a code, an area or a region id is checked where rows are made (etl/validate):
# schemas declare shapes only and import nothing from etl.
Iso3 = Annotated[str, Field(pattern=ISO3_PATTERN)]
RegionId = Annotated[str, Field(pattern=REGION_ID_PATTERN)]
Status = Literal["amount", "funded"]
ProgrammeStatus = Literal["amount", "funded", "missing"]
Scope = Literal["regional", "country", "multiregional"]
# What a stated amount is: comparable requirements first, then figures that are not a year's request.
Basis = Literal[
    "requirement",  # the funding required (a box, or "The funding required for <year> is USD <amount>.")
    "co_funding",  # the part sought of a larger budget ("USD <amount> in co-funding of an overall budget of ...")
    "first_year",  # the first year of a longer effort
    "additional",  # additional funding for an effort already under way
    "multi_year",  # a need spread over more than a year ("over the next two years")
    "per_unit",  # per workshop, per course...: a unit cost, not a total
    "target",  # a fund's target size ("targets USD <amount>", "requires USD <amount> to remain ...")
    "replenishment",  # what a fund seeks to be topped up ("USD <amount> to replenish the Fund")
    "received",  # what was already received or raised: no request at all
]
CheckStatus = Literal["ok", "mismatch", "known_discrepancy", "not_checked"]
# What a line of a raw document is (the `document_lines` table; README: What mi-etl guarantees).
LineRole = Literal[
    "blank",
    "front_matter",
    "region_intro",
    "region_title",
    "table_heading",
    "table_label",
    "table_amount",
    "table_other",
    "section_heading",
    "area_label",
    "box_line",
    "programme_amount",
    "programme_text",
    "target_populations",
    "multiregional_heading",
    "multiregional_text",
    "back_matter",
    "running_header",
    "page_number",
    "project_menu",
    "project_title",
    "project_field",
    "project_value",
    "project_description",
]
