"""Reusable annotated types: what a valid figure, code or id is."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from etl.gazetteer import AREA_ORDER, load_gazetteer

MAX_USD = 10**11  # no appeal asks for more than USD 100 billion in one figure


def _known_area(value: str) -> str:
    if value not in AREA_ORDER:
        raise ValueError(f"unknown programmatic area {value!r} (known: {', '.join(AREA_ORDER)})")
    return value


def _known_country(value: str) -> str:
    if value not in load_gazetteer().countries:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-3 code in etl/data/countries.csv")
    return value


def _known_region(value: str) -> str:
    if value not in load_gazetteer().region_names:
        raise ValueError(f"unknown IOM region id {value!r} (see etl/data/regions.csv)")
    return value


Usd = Annotated[int, Field(ge=0, le=MAX_USD, strict=True, description="whole US dollars")]
AreaId = Annotated[str, AfterValidator(_known_area)]
Iso3 = Annotated[str, Field(pattern=r"^[A-Z]{3}$"), AfterValidator(_known_country)]
RegionId = Annotated[str, AfterValidator(_known_region)]
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
