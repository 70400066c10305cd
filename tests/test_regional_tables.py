"""The regional funding tables of Migration Initiatives 2015, end to end (issue: foundation)."""

from __future__ import annotations

from pathlib import Path

from etl.pipeline import BuildReport
from tests.conftest import read

REGIONS = {
    "east_horn_africa",
    "southern_africa",
    "west_central_africa",
    "middle_east_north_africa",
    "asia_pacific",
    "see_eeca",
    "eu_switzerland_norway",
    "central_north_america_caribbean",
    "south_america",
}


def test_nine_regions_152_sections(built_2015: tuple[Path, BuildReport]) -> None:
    out, _ = built_2015
    regions = read(out, "regions")
    assert {r["region_id"] for r in regions} == REGIONS
    assert sum(r["sections"] for r in regions) == 152
    assert len(read(out, "region_countries")) == 152


def test_east_and_horn_of_africa(built_2015: tuple[Path, BuildReport]) -> None:
    """The figures the issue gives; 9,050,000 is printed before any label but is Burundi's."""
    out, _ = built_2015
    region = {r["region_id"]: r for r in read(out, "regions")}["east_horn_africa"]
    assert region["total_usd"] == 142_550_000
    rows = {
        r["row_label"]: r["requirement_usd"]
        for r in read(out, "region_countries")
        if r["region_id"] == "east_horn_africa"
    }
    assert rows == {
        "Burundi": 9_050_000,
        "Djibouti": 7_700_000,
        "Ethiopia": 30_350_000,
        "Kenya": 12_350_000,
        "Regional Programmes": 14_900_000,
        "Rwanda": 6_250_000,
        "Somalia": 28_300_000,
        "South Sudan": 9_300_000,
        "Uganda": 17_950_000,
        "United Republic of Tanzania": 6_400_000,
    }
    areas = {
        r["area_id"]: r["requirement_usd"] for r in read(out, "region_areas") if r["region_id"] == "east_horn_africa"
    }
    assert areas == {
        "emergency_post_crisis": 66_700_000,
        "migration_health": 12_800_000,
        "immigration_border_management": 17_600_000,
        "migrant_assistance": 21_800_000,
        "labour_migration_human_development": 19_550_000,
        "migration_policy_research": 3_900_000,
        "migration_environment": 200_000,
    }


def test_burundi_row_read_where_printed(built_2015: tuple[Path, BuildReport]) -> None:
    out, _ = built_2015
    burundi = next(r for r in read(out, "region_countries") if r["row_label"] == "Burundi")
    assert str(burundi["source_ref"]).endswith("raw/migration-initiatives-2015.txt:524")
    assert "section" in burundi["evidence"]


def test_funded_table_rows(built_2015: tuple[Path, BuildReport]) -> None:
    out, _ = built_2015
    funded = {(r["region_id"], r["row_label"]) for r in read(out, "region_countries") if r["status"] == "funded"}
    assert ("asia_pacific", "Australia") in funded
    assert all(r["requirement_usd"] is None for r in read(out, "region_countries") if r["status"] == "funded")


def test_country_codes(built_2015: tuple[Path, BuildReport]) -> None:
    out, _ = built_2015
    codes = {r["row_label"]: r["country_iso3"] for r in read(out, "region_countries")}
    assert codes["Niger"] == "NER"
    assert codes["Nigeria"] == "NGA"
    assert codes["Republic of Korea"] == "KOR"
    assert codes["Cameroun"] == "CMR"
    assert codes["UNSC resolution 1244-administered Kosovo"] == "XKX"
    assert codes["Hong Kong, China"] == "HKG"
    assert codes["Regional Programmes"] is None


def test_table_checks_all_ok(built_2015: tuple[Path, BuildReport]) -> None:
    out, _ = built_2015
    table_checks = [r for r in read(out, "reconciliation") if r["check"] in ("countries_total", "areas_total")]
    assert len(table_checks) == 18
    assert {r["status"] for r in table_checks} == {"ok"}
