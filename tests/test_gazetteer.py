"""Country, area and region names: exact, never fuzzy; the names the issue warns about; every
ISO 3166-1 and UN name known, the curated file deciding; region ids derived from a title."""

from __future__ import annotations

import csv
from importlib import resources

import pycountry
import pytest
import regex

from etl.gazetteer import (
    PYCOUNTRY_NAMES,
    UN_NAMES,
    Gazetteer,
    _load_countries,
    area_order,
    load_gazetteer,
    normalize,
    title_slug,
)
from schemas.types import REGION_ID_PATTERN


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
        ("Republic of Korea", "KOR"),
        ("Cameroun", "CMR"),
        ("CAMEROON", "CMR"),
        ("UNSC resolution 1244-administered Kosovo", "XKX"),
        ("Hong Kong, China", "HKG"),
        ("HONG KONG, CHINA", "HKG"),
        ("Congo", "COG"),
        ("Democratic Republic of the Congo", "COD"),
        ("Côte d'Ivoire", "CIV"),
        ("CÔTE D’IVOIRE", "CIV"),
        ("The former Yugsolav Republic of Macedonia", "MKD"),
        ("IRAN (Islamic Republic of)", "IRN"),
        ("Micronesia (Federated States of)", "FSM"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
    ],
)
def test_report_names(name: str, iso3: str) -> None:
    assert load_gazetteer().country(name) == iso3


def test_no_fuzzy_matching() -> None:
    gaz = load_gazetteer()
    assert gaz.country("Nigerr") is None
    assert gaz.country("Korea") is None
    assert gaz.country("Guinea Bissau") is None
    assert gaz.country("Sudan South") is None


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
        ("Republic of Korea", "KOR"),
        ("Korea, Republic of", "KOR"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("Korea, Democratic People's Republic of", "PRK"),
        ("Congo", "COG"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo, The Democratic Republic of the", "COD"),
        ("Guinea", "GIN"),
        ("Guinea-Bissau", "GNB"),
        ("Equatorial Guinea", "GNQ"),
        ("Papua New Guinea", "PNG"),
        ("Dominica", "DMA"),
        ("Dominican Republic", "DOM"),
        ("Sudan", "SDN"),
        ("South Sudan", "SSD"),
        ("Samoa", "WSM"),
        ("American Samoa", "ASM"),
    ],
)
def test_names_that_contain_other_names(name: str, iso3: str) -> None:
    assert load_gazetteer().country(name) == iso3


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Republic of Moldova", "MDA"),
        ("United Republic of Tanzania", "TZA"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("Türkiye", "TUR"),
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("State of Palestine", "PSE"),
        ("China, Hong Kong Special Administrative Region", "HKG"),
        ("Eswatini", "SWZ"),
        ("Kingdom of Eswatini", "SWZ"),  # pycountry's official name
        ("Benin", "BEN"),
        ("Iceland", "ISL"),
        ("Grenada", "GRD"),
        ("Jersey", "JEY"),
    ],
)
def test_un_and_iso_names_absent_from_2015(name: str, iso3: str) -> None:
    assert load_gazetteer().country(name) == iso3


def test_every_pycountry_name_is_its_own_code() -> None:
    gaz = load_gazetteer()
    for record in pycountry.countries:
        for attr in PYCOUNTRY_NAMES:
            name = getattr(record, attr, None)
            if name:
                assert gaz.country(name) == record.alpha_3, (attr, name)


def test_every_un_name_is_its_own_code() -> None:
    gaz = load_gazetteer()
    text = resources.files("etl.data").joinpath("un_country_names.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == len(pycountry.countries)
    for row in rows:
        record = pycountry.countries.get(alpha_3=row["iso3"])
        assert record is not None and int(row["m49"]) == int(record.numeric), row
        for col in UN_NAMES:
            if row[col]:
                assert gaz.country(row[col]) == row["iso3"], (col, row[col])


def test_no_name_is_claimed_by_two_codes() -> None:
    """Every ISO and UN name, with the curated ones: each key one code, no code stealing another's."""
    claims: dict[str, set[str]] = {}
    for record in pycountry.countries:
        for attr in PYCOUNTRY_NAMES:
            if getattr(record, attr, None):
                claims.setdefault(normalize(getattr(record, attr)), set()).add(record.alpha_3)
    gaz = load_gazetteer()
    for key, iso3 in gaz.country_keys.items():
        claims.setdefault(key, set()).add(iso3)
    assert {k: v for k, v in claims.items() if len(v) > 1} == {}


def test_the_standard_name_of_a_country() -> None:
    gaz = load_gazetteer()
    assert gaz.countries["BEN"].name == "Benin"  # UN M49, the curated file does not list it
    assert gaz.countries["SWZ"].name == "Eswatini"
    assert gaz.countries["TUR"].name == "Turkey"  # curated (the 2015 edition's UN name)
    assert gaz.countries["XKX"].name == "Kosovo"
    assert (gaz.countries["XKX"].alpha2, gaz.countries["XKX"].numeric) == ("XK", None)
    assert (gaz.countries["BEN"].alpha2, gaz.countries["BEN"].numeric) == ("BJ", "204")


def _curated(*rows: str) -> list[dict[str, str]]:
    return list(csv.DictReader(["iso3,name,aliases", *rows]))


def test_two_codes_claiming_a_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "etl.gazetteer._generated_names", lambda: [("a", "NER", "Nigerland"), ("b", "NGA", "Nigerland")]
    )
    monkeypatch.setattr("etl.gazetteer._rows", lambda name: [])
    with pytest.raises(ValueError) as err:
        _load_countries(Gazetteer())
    assert str(err.value) == (
        "'nigerland' names two countries: NER (a), NGA (b); add it to etl/data/countries.csv under the code it means"
    )


def test_the_curated_file_decides_a_name_two_codes_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "etl.gazetteer._generated_names", lambda: [("a", "NER", "Nigerland"), ("b", "NGA", "Nigerland")]
    )
    monkeypatch.setattr(
        "etl.gazetteer._rows", lambda name: _curated("NGA,Nigeria,Nigerland") if name == "countries.csv" else []
    )
    gaz = Gazetteer()
    _load_countries(gaz)
    assert gaz.country("NIGERLAND") == "NGA"


def test_the_curated_file_wins_over_a_generated_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("etl.gazetteer._generated_names", lambda: [("a", "NER", "Niger"), ("a", "NER", "Nigeria")])
    monkeypatch.setattr("etl.gazetteer._rows", lambda name: _curated("NGA,Nigeria,") if name == "countries.csv" else [])
    gaz = Gazetteer()
    _load_countries(gaz)
    assert (gaz.country("Nigeria"), gaz.country("Niger")) == ("NGA", "NER")


def test_a_name_two_curated_rows_claim_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("etl.gazetteer._generated_names", list)
    monkeypatch.setattr(
        "etl.gazetteer._rows",
        lambda name: _curated("NER,Niger,", "NGA,Nigeria,Niger") if name == "countries.csv" else [],
    )
    with pytest.raises(ValueError) as err:
        _load_countries(Gazetteer())
    assert str(err.value) == "etl/data/countries.csv: 'niger' names two countries"


def test_a_curated_code_not_in_iso_3166_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("etl.gazetteer._generated_names", list)
    monkeypatch.setattr("etl.gazetteer._rows", lambda name: _curated("ZZZ,Zedland,") if name == "countries.csv" else [])
    with pytest.raises(ValueError) as err:
        _load_countries(Gazetteer())
    assert str(err.value) == "etl/data/countries.csv: ZZZ is not an ISO 3166-1 alpha-3 code"


def test_every_code_is_iso_3166() -> None:
    for iso3 in load_gazetteer().countries:
        assert iso3 == "XKX" or pycountry.countries.get(alpha_3=iso3) is not None, iso3


def test_an_unknown_area_label_stays_unknown() -> None:
    gaz = load_gazetteer()
    assert gaz.areas("Migration Wellbeing") == ()
    assert gaz.areas("Migration Healt") == ()


def test_area_labels() -> None:
    gaz = load_gazetteer()
    assert gaz.areas("Emergency, Operations and Post-crisis") == ("emergency_post_crisis",)
    assert gaz.areas("Operations, Emergencies and Post‐crisis") == ("emergency_post_crisis",)  # U+2010 hyphen
    assert gaz.areas("Emergency and Post-crisis Response") == ("emergency_post_crisis",)
    assert gaz.areas("Migrant Assistance, Labour Migration and Human Development") == (
        "migrant_assistance",
        "labour_migration_human_development",
    )
    assert area_order() == tuple(gaz.area_names) and len(area_order()) == 7


@pytest.mark.parametrize(
    ("title", "region_id", "name"),
    [
        ("SOUTH AMERICA", "south_america", "South America"),
        ("Asia-Pacific", "asia_pacific", "Asia and the Pacific"),
        (
            "South\u2010Eastern Europe, Eastern Europe and Central Asia",
            "see_eeca",
            "South-Eastern Europe, Eastern Europe and Central Asia",
        ),
    ],
)
def test_a_curated_region_title_keeps_its_id(title: str, region_id: str, name: str) -> None:
    found = load_gazetteer().region_for_title(title)
    assert (found.region_id, found.name, found.curated) == (region_id, name, True)


@pytest.mark.parametrize(
    ("title", "region_id"),
    [
        ("Sub-Saharan Africa", "sub_saharan_africa"),
        ("SUB\u2013SAHARAN  AFRICA", "sub_saharan_africa"),  # en dash, two spaces: the same words, the same id
        ("Middle East and North Africa (MENA)", "middle_east_and_north_africa_mena"),
        ("Amérique latine et Caraïbes", "amerique_latine_et_caraibes"),
        ("Europe", "europe"),
        ("South America & Caribbean", "south_america_caribbean"),
        ("South-America", "south_america__derived"),  # its words are a curated id: never that id
        ("Asia Pacific", "asia_pacific__derived"),
    ],
)
def test_an_uncurated_region_title_gets_a_derived_id(title: str, region_id: str) -> None:
    gaz = load_gazetteer()
    found = gaz.region_for_title(title)
    assert (found.region_id, found.name, found.curated) == (region_id, " ".join(title.split()), False)
    assert found.region_id not in gaz.region_names
    assert regex.fullmatch(REGION_ID_PATTERN, found.region_id)
    assert found.region_id.isascii()


def test_a_title_without_ascii_words_gets_a_stable_hashed_id() -> None:
    gaz = load_gazetteer()
    found = gaz.region_for_title("\u0622\u0633\u064a\u0627")  # Arabic script: no ASCII words
    assert found.region_id.startswith("region__") and len(found.region_id) == len("region__") + 12
    assert found.region_id == gaz.region_for_title(" \u0622\u0633\u064a\u0627 ").region_id
    assert found.region_id != gaz.region_for_title("\u0623\u0641\u0631\u064a\u0642\u064a\u0627").region_id
    assert regex.fullmatch(REGION_ID_PATTERN, found.region_id)


def test_a_blank_region_title_has_no_id() -> None:
    with pytest.raises(ValueError, match=r"^a blank region title has no id$"):
        load_gazetteer().region_for_title("  ")


def test_curated_region_ids_have_the_shape_of_an_id() -> None:
    for region_id in load_gazetteer().region_names:
        assert regex.fullmatch(REGION_ID_PATTERN, region_id) and "__" not in region_id
        assert title_slug(region_id.replace("_", " ")) == region_id
