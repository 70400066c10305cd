"""Reusable annotated types: what a valid figure, code or id is."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

# The seven programmatic areas, in the order the report prints them: part of the output schema
# (etl/data/areas.csv gives their names and printed labels and must list these ids, in order).
AREA_ORDER: tuple[str, ...] = (
    "emergency_post_crisis",
    "migration_health",
    "immigration_border_management",
    "migrant_assistance",
    "labour_migration_human_development",
    "migration_policy_research",
    "migration_environment",
)
MAX_USD = 10**11  # no appeal asks for more than USD 100 billion in one figure
# An IOM region id: lower-case ASCII words joined by '_' (curated in etl/data/regions.csv, or derived
# from a printed title), with a '__' part for a derived id that must differ from a curated one.
REGION_ID_PATTERN = r"^[a-z0-9]+(?:_[a-z0-9]+)*(?:__[a-z0-9]+)?$"
ISO3_PATTERN = r"^[A-Z]{3}$"


def _known_area(value: str) -> str:
    if value not in AREA_ORDER:
        raise ValueError(f"unknown programmatic area {value!r} (known: {', '.join(AREA_ORDER)})")
    return value


Usd = Annotated[int, Field(ge=0, le=MAX_USD, strict=True, description="whole US dollars")]
AreaId = Annotated[str, AfterValidator(_known_area)]
# Whether the gazetteer knows a code or a region id is checked where rows are made (etl/validate):
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
COMPARABLE_BASES = ("requirement", "co_funding", "first_year", "additional", "multi_year")
CheckStatus = Literal["ok", "mismatch", "known_discrepancy", "not_checked"]
