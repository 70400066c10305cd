"""Hand-kept name lists: report names of countries, programmatic areas and IOM regions to ids.

Matching is exact after `normalize` (case, spacing, hyphen and apostrophe variants); there is
no fuzzy matching, because fuzzy matching gets UN names wrong ("Niger" is not "Nigeria").
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import pycountry

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u02bc\u00b4`"), "'")

AREA_ORDER: tuple[str, ...] = (
    "emergency_post_crisis",
    "migration_health",
    "immigration_border_management",
    "migrant_assistance",
    "labour_migration_human_development",
    "migration_policy_research",
    "migration_environment",
)


@cache
def normalize(text: str) -> str:
    """Turn a printed label into its matching key: NFKC, one kind of dash and quote, casefolded."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES)
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    alpha2: str | None
    numeric: str | None


@dataclass(frozen=True)
class Gazetteer:
    """Lookups from normalized label to id, built from the CSV files in etl/data."""

    countries: dict[str, Country] = field(default_factory=dict)
    country_keys: dict[str, str] = field(default_factory=dict)
    area_names: dict[str, str] = field(default_factory=dict)
    area_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    region_names: dict[str, str] = field(default_factory=dict)
    region_keys: dict[str, str] = field(default_factory=dict)
    prefixes: set[str] = field(default_factory=set)  # word prefixes of any name, for multi-line labels

    def may_continue(self, key: str) -> bool:
        """True when a normalized line could be the first part of a name split over lines."""
        return key in self.prefixes

    def country(self, label: str) -> str | None:
        """The ISO 3166-1 alpha-3 code of a printed country name, or None."""
        return self.country_keys.get(normalize(label))

    def areas(self, label: str) -> tuple[str, ...]:
        """The area ids a printed programmatic-area label stands for (two for a combined box)."""
        return self.area_keys.get(normalize(label), ())

    def region(self, label: str) -> str | None:
        """The region id of a printed IOM region name, or None."""
        return self.region_keys.get(normalize(label))


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("etl.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _keys(row: dict[str, str]) -> list[str]:
    names = [row["name"], *(a for a in row.get("aliases", "").split("|") if a)]
    return [normalize(n) for n in names]


@cache
def load_gazetteer() -> Gazetteer:
    """Read the gazetteer files once; codes are checked against ISO 3166 (pycountry)."""
    gaz = Gazetteer()
    for row in _rows("countries.csv"):
        iso3 = row["iso3"]
        record = pycountry.countries.get(alpha_3=iso3)
        if record is None and iso3 != "XKX":  # Kosovo: user-assigned code used by IOM, EU, World Bank
            raise ValueError(f"etl/data/countries.csv: {iso3} is not an ISO 3166-1 alpha-3 code")
        gaz.countries[iso3] = Country(
            iso3=iso3,
            name=row["name"],
            alpha2=record.alpha_2 if record else "XK",
            numeric=record.numeric if record else None,
        )
        for key in _keys(row):
            if gaz.country_keys.setdefault(key, iso3) != iso3:
                raise ValueError(f"etl/data/countries.csv: {key!r} names two countries")
    for row in _rows("areas.csv"):
        gaz.area_names[row["area_id"]] = row["name"]
        for key in _keys(row):
            gaz.area_keys[key] = (row["area_id"],)
    for row in _rows("area_combinations.csv"):
        gaz.area_keys[normalize(row["label"])] = tuple(row["area_ids"].split("|"))
    for row in _rows("regions.csv"):
        gaz.region_names[row["region_id"]] = row["name"]
        for key in _keys(row):
            gaz.region_keys[key] = row["region_id"]
    for key in (*gaz.country_keys, *gaz.area_keys, *gaz.region_keys):
        words = key.split(" ")
        gaz.prefixes.update(" ".join(words[:n]) for n in range(1, len(words)))
    return gaz
