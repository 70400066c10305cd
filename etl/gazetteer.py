"""Name lists: report names of countries, programmatic areas and IOM regions to ids.

Matching is exact after `normalize` (case, spacing, hyphen and apostrophe variants); there is
no fuzzy matching, because fuzzy matching gets UN names wrong ("Niger" is not "Nigeria").

Countries come in layers. The curated file (etl/data/countries.csv: the standard short name and
the reviewed report spellings) decides; under it every ISO 3166-1 country and territory is known
by its pycountry names and its UN names (etl/data/un_country_names.csv: UN M49 and UN
terminology). A name two codes claim raises at load unless the curated file says which it means.
Areas and regions are curated only; a region title the curated file does not know gets an id
derived from the title (`Gazetteer.region_for_title`), an area label never does.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import pycountry

# (replaced one character at a time, where present: str.translate looks every character up, 10x slower)
_DASHES, _QUOTES = "\u2010\u2011\u2012\u2013\u2014\u2212", "\u2018\u2019\u02bc\u00b4`"
_ONE_KIND = tuple((c, "-") for c in _DASHES) + tuple((c, "'") for c in _QUOTES)

CURATED_COUNTRIES = "etl/data/countries.csv"
UN_COUNTRIES = "etl/data/un_country_names.csv"
ISO_COUNTRIES = "pycountry (ISO 3166-1)"
# Kosovo: user-assigned code used by IOM, the EU and the World Bank; not in ISO 3166-1
USER_ASSIGNED = {"XKX": "XK"}
PYCOUNTRY_NAMES = ("name", "official_name", "common_name")
UN_NAMES = ("m49_name", "unterm_short", "unterm_formal")

_SLUG = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
# A derived region id is the title's words (a slug); "__" never occurs in a slug, so what follows
# it marks an id that must differ from a curated one or has no ASCII words to be made from.
DERIVED_MARK = "__derived"
NO_WORDS_PREFIX = "region__"


@cache
def normalize(text: str) -> str:
    """Turn a printed label into its matching key: NFKC, one kind of dash and quote, casefolded."""
    if text.isascii():  # most lines: NFKC and the dashes change nothing, the backtick is the one quote
        return " ".join(text.replace("`", "'").split()).casefold()
    text = unicodedata.normalize("NFKC", text)
    for variant, kind in _ONE_KIND:
        if variant in text:
            text = text.replace(variant, kind)
    return " ".join(text.split()).casefold()


def title_slug(title: str) -> str:
    """A printed title -> its ASCII words joined by '_' ("Sub-Saharan Africa" -> sub_saharan_africa);
    '' when it has none (accents are dropped: "Amérique" -> amerique)."""
    folded = unicodedata.normalize("NFKD", normalize(title)).encode("ascii", "ignore").decode("ascii")
    return "_".join(re.findall(r"[a-z0-9]+", folded))


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str  # standard short name: the curated one, else UN M49's, else ISO 3166's
    alpha2: str | None
    numeric: str | None


@dataclass(frozen=True)
class RegionRef:
    """The id a printed region title stands for, and whether regions.csv lists it (curated) or it
    was derived from the title."""

    region_id: str
    name: str  # the curated standard name, or the title as printed (spacing collapsed)
    curated: bool


@dataclass(frozen=True)
class Gazetteer:
    """Lookups from normalized label to id, built from the files in etl/data and pycountry."""

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
        """The curated region id of a printed IOM region name, or None."""
        return self.region_keys.get(normalize(label))

    def region_for_title(self, title: str) -> RegionRef:
        """A printed region title -> its curated id, else an id derived from the title.

        The derived id is the title's words ("Sub-Saharan Africa" -> sub_saharan_africa): the same
        for every build and every printing of the same words, ASCII, and never a curated id (one
        that would be gets DERIVED_MARK appended). A title without ASCII words gets
        NO_WORDS_PREFIX and a hash of its normalized text.
        """
        key = normalize(title)
        if not key:
            raise ValueError("a blank region title has no id")
        curated = self.region_keys.get(key)
        if curated is not None:
            return RegionRef(curated, self.region_names[curated], curated=True)
        words = title_slug(title)
        if not words:
            region_id = NO_WORDS_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:12]
        elif words in self.region_names:
            region_id = words + DERIVED_MARK
        else:
            region_id = words
        return RegionRef(region_id, " ".join(title.split()), curated=False)


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("etl.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _names(row: dict[str, str]) -> list[str]:
    return [row["name"], *(a for a in row.get("aliases", "").split("|") if a)]


def _keys(row: dict[str, str]) -> list[str]:
    return [normalize(n) for n in _names(row)]


def _generated_names() -> list[tuple[str, str, str]]:
    """(source, iso3, name) for every ISO 3166-1 name pycountry knows and every UN name."""
    named: list[tuple[str, str, str]] = []
    for record in pycountry.countries:
        for attr in PYCOUNTRY_NAMES:
            value = getattr(record, attr, None)
            if value:
                named.append((ISO_COUNTRIES, record.alpha_3, value))
    for row in _rows("un_country_names.csv"):
        named.extend((UN_COUNTRIES, row["iso3"], row[col]) for col in UN_NAMES if row[col])
    return named


def _load_countries(gaz: Gazetteer) -> None:
    """Curated names first (a name two rows claim raises), then the ISO and UN names the curated
    file does not decide (a name two codes claim raises: the curated file must say which)."""
    un_names = {row["iso3"]: row["m49_name"] for row in _rows("un_country_names.csv") if row["m49_name"]}
    for record in pycountry.countries:
        name = un_names.get(record.alpha_3) or getattr(record, "common_name", None) or record.name
        gaz.countries[record.alpha_3] = Country(record.alpha_3, name, record.alpha_2, record.numeric)
    for row in _rows("countries.csv"):
        iso3 = row["iso3"]
        known = gaz.countries.get(iso3)
        if known is None and iso3 not in USER_ASSIGNED:
            raise ValueError(f"{CURATED_COUNTRIES}: {iso3} is not an ISO 3166-1 alpha-3 code")
        alpha2, numeric = (known.alpha2, known.numeric) if known else (USER_ASSIGNED[iso3], None)
        gaz.countries[iso3] = Country(iso3=iso3, name=row["name"], alpha2=alpha2, numeric=numeric)
        for key in _keys(row):
            if gaz.country_keys.setdefault(key, iso3) != iso3:
                raise ValueError(f"{CURATED_COUNTRIES}: {key!r} names two countries")
    claims: dict[str, dict[str, str]] = {}  # key -> iso3 -> the source that says so
    for source, iso3, name in _generated_names():
        if iso3 not in gaz.countries:
            raise ValueError(f"{source}: {iso3} ({name!r}) is not an ISO 3166-1 alpha-3 code")
        claims.setdefault(normalize(name), {}).setdefault(iso3, source)
    for key, codes in claims.items():
        if key in gaz.country_keys:
            continue  # the curated file decides
        if len(codes) > 1:
            said = ", ".join(f"{iso3} ({source})" for iso3, source in sorted(codes.items()))
            raise ValueError(
                f"{key!r} names two countries: {said}; add it to {CURATED_COUNTRIES} under the code it means"
            )
        [gaz.country_keys[key]] = codes


def area_order() -> tuple[str, ...]:
    """The programmatic areas' ids, in the order etl/data/areas.csv lists them (the report's order)."""
    return tuple(load_gazetteer().area_names)


@cache
def load_gazetteer() -> Gazetteer:
    """Read the gazetteer files once; country codes are checked against ISO 3166 (pycountry)."""
    gaz = Gazetteer()
    _load_countries(gaz)
    for row in _rows("areas.csv"):
        gaz.area_names[row["area_id"]] = row["name"]
        for key in _keys(row):
            gaz.area_keys[key] = (row["area_id"],)
    for row in _rows("area_combinations.csv"):
        gaz.area_keys[normalize(row["label"])] = tuple(row["area_ids"].split("|"))
    for row in _rows("regions.csv"):
        if not _SLUG.fullmatch(row["region_id"]):
            raise ValueError(
                f"etl/data/regions.csv: region id {row['region_id']!r} is not lower-case words joined by single '_'"
            )
        gaz.region_names[row["region_id"]] = row["name"]
        for key in _keys(row):
            gaz.region_keys[key] = row["region_id"]
    for key in (*gaz.country_keys, *gaz.area_keys, *gaz.region_keys):
        words = key.split(" ")
        gaz.prefixes.update(" ".join(words[:n]) for n in range(1, len(words)))
    return gaz
