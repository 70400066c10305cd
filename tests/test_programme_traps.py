"""Every programme entry, paired by the report's own arithmetic: one test per trap of the 2015 text.

Line numbers are those of raw/migration-initiatives-2015.txt; each test says what the text does there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from etl.pipeline import BuildReport
from tests.conftest import read


@pytest.fixture(scope="module")
def programmes(built_2015: tuple[Path, BuildReport]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The boxes of the regional and country sections (the multiregional part: test_multiregional.py)."""
    rows = read(built_2015[0], "programmes")
    return {(str(r["region_id"]), str(r["section_id"]), str(r["area_id"])): r for r in rows if r["region_id"]}


def _line(row: dict[str, Any]) -> int:
    return int(str(row["source_ref"]).rsplit(":", 1)[1])


def _usd(programmes: dict[tuple[str, str, str], dict[str, Any]], region: str, section: str) -> dict[str, Any]:
    return {
        a: r["requirement_usd"] if r["status"] == "amount" else r["status"]
        for (g, s, a), r in programmes.items()
        if (g, s) == (region, section)
    }


def test_burundi_pair_settled_by_area_totals(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    """Burundi adds up to 9,050,000 either way round; only the region's area totals place 250,000 and 2,300,000."""
    assert _usd(programmes, "east_horn_africa", "BDI") == {
        "emergency_post_crisis": 5_000_000,
        "migration_health": 500_000,
        "immigration_border_management": 900_000,
        "migrant_assistance": 250_000,
        "labour_migration_human_development": 2_300_000,
        "migration_policy_research": 100_000,
    }


def test_amount_printed_under_the_next_heading(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    """Djibouti's labour programme (300,000, line 1222) is printed after the ETHIOPIA heading (1201)."""
    row = programmes["east_horn_africa", "DJI", "labour_migration_human_development"]
    assert (row["requirement_usd"], _line(row)) == (300_000, 1222)


def test_amounts_printed_before_their_heading(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    """Liberia's emergency (39,000,000) and health boxes sit before the LIBERIA heading (7728)."""
    emergency = programmes["west_central_africa", "LBR", "emergency_post_crisis"]
    assert (emergency["requirement_usd"], _line(emergency)) == (39_000_000, 7676)
    assert _line(programmes["west_central_africa", "LBR", "migration_health"]) < 7728


def test_heading_after_most_of_its_section(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    """The RUSSIAN FEDERATION heading (21517) comes after most of its programmes."""
    rus = {a: (r["status"], _line(r)) for (g, s, a), r in programmes.items() if (g, s) == ("see_eeca", "RUS")}
    assert sum(1 for _, line in rus.values() if line < 21517) >= 3
    assert programmes["see_eeca", "RUS", "immigration_border_management"]["requirement_usd"] == 3_000_000


def test_country_with_no_heading(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    """Japan has no heading at all; its three funded programmes sit inside Iran's pages."""
    japan = {a: (r["status"], _line(r)) for (g, s, a), r in programmes.items() if (g, s) == ("asia_pacific", "JPN")}
    assert {status for status, _ in japan.values()} == {"funded"}
    assert sorted(line for _, line in japan.values()) == [14868, 14877, 14940]
    assert programmes["asia_pacific", "LAO", "migration_health"]["requirement_usd"] == 500_000  # before LAO's heading


def test_split_and_mixed_case_headings(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    labels = {s: r["section_label"] for (_, s, _), r in programmes.items()}
    assert labels["TZA"] == "UNITED REPUBLIC OF TANZANIA"
    assert labels["ZMB"] == "Zambia"
    assert labels["IRN"] == "IRAN (Islamic Republic of)"
    assert labels["COD"] == "Democratic Republic of the Congo"


def test_label_directly_above_another_areas_amount(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    """In the East and Horn regional programmes, 1,900,000 stands under 'Migration Policy and Research'
    but its text and the area totals make it migrant assistance; policy is the 3,000,000 further on."""
    assert programmes["east_horn_africa", "regional", "migrant_assistance"]["requirement_usd"] == 1_900_000
    assert programmes["east_horn_africa", "regional", "migration_policy_research"]["requirement_usd"] == 3_000_000


def test_amount_with_no_label_near(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    """Ethiopia's 50,000 has no label near it; its box (label and box line) is printed 45 lines on,
    inside Kenya's section. The environment total (200,000) and the box's label place it."""
    row = programmes["east_horn_africa", "ETH", "migration_environment"]
    assert (row["requirement_usd"], _line(row), row["area_label"]) == (50_000, 1454, "Migration and Environment")
    assert str(row["label_ref"]).endswith(":1499")
    assert ("east_horn_africa", "KEN", "migration_environment") not in programmes


def test_a_label_printed_beyond_reach_by_elimination(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    """Angola's 1,000,000 (labour migration, by the area totals and its text) has no label within a
    pairing's reach; its label, 'Labour Migration and Human' / 'Development', is printed 79 lines on,
    under BOTSWANA's heading, and no other amount of that area near it is without a label (Botswana's
    is labelled at 3748). South Africa's 1,500,000 takes 'Migration Health' printed over Namibia's
    450,000, a label Namibia's policy amount could not take."""
    row = programmes["southern_africa", "AGO", "labour_migration_human_development"]
    assert (row["requirement_usd"], _line(row), row["area_label"]) == (
        1_000_000, 3555, "Labour Migration and Human Development"
    )  # fmt: skip
    assert str(row["label_ref"]).endswith(":3634") and "no other amount took" in row["evidence"]
    botswana = programmes["southern_africa", "BWA", "labour_migration_human_development"]
    assert str(botswana["label_ref"]).endswith(":3748")
    south_africa = programmes["southern_africa", "ZAF", "migration_health"]
    assert (_line(south_africa), str(south_africa["label_ref"]).rsplit(":", 1)[1]) == (4576, "4540")
    namibia = programmes["southern_africa", "NAM", "migration_policy_research"]
    assert namibia["area_label"] == "Migration Policy and Research"


def test_funded_is_a_status_not_an_amount(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    row = programmes["east_horn_africa", "KEN", "migration_policy_research"]
    assert (row["status"], row["requirement_usd"]) == ("funded", None)
    assert all(r["requirement_usd"] is None for r in programmes.values() if r["status"] != "amount")


def test_thousands_written_with_dots(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    dotted = sorted(r["requirement_usd"] for r in programmes.values() if _line(r) in (7626, 7643, 7665))
    assert dotted == [300_000, 500_000, 500_000]


def test_page_number_between_label_and_amount(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    row = programmes["southern_africa", "ZAF", "migrant_assistance"]
    assert (row["requirement_usd"], _line(row)) == (1_500_000, 4641)


def test_combined_and_renamed_area_labels(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    combined = [
        r
        for r in programmes.values()
        if r["area_label"] == "Migrant Assistance, Labour Migration and Human Development"
    ]
    assert [(r["section_id"], r["requirement_usd"]) for r in combined] == [("CAF", 500_000)]
    assert combined[0]["area_id"] in ("migrant_assistance", "labour_migration_human_development")
    response = programmes["west_central_africa", "CAF", "emergency_post_crisis"]
    assert (response["area_label"], response["requirement_usd"]) == ("Emergency and Post-crisis Response", 20_000_000)


def test_box_with_no_amount_is_missing_not_invented(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    missing = {(g, s, a): _line(r) for (g, s, a), r in programmes.items() if r["status"] == "missing"}
    assert missing == {("see_eeca", "GEO", "emergency_post_crisis"): 20246}


def test_one_section_in_152_does_not_reconcile(built_2015: tuple[Path, BuildReport]) -> None:
    sections = [r for r in read(built_2015[0], "reconciliation") if r["check"] == "section_sum"]
    assert len(sections) == 152
    off = [r for r in sections if r["status"] != "ok"]
    assert [(r["region_id"], r["subject"], r["status"], r["expected_usd"] - r["actual_usd"]) for r in off] == [
        ("see_eeca", "GEO", "known_discrepancy", 1_000_000)
    ]
    assert "raw/migration-initiatives-2015.txt:20246" in off[0]["note"]


def test_one_programme_per_box(programmes: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    """760 "Funding requirement (in USD)" boxes: 759 printed amounts (or "Funded") and one box without."""
    printed = [r for r in programmes.values() if r["status"] != "missing"]
    assert len(printed) == 759
    assert len({_line(r) for r in printed}) == 759
    assert len(programmes) == 760


def test_a_page_break_is_no_part_of_a_description(built_2015: tuple[Path, BuildReport]) -> None:
    """A programme's text across a page break reads on without the page's furniture: the running
    header (Australia's text breaks at "Migration Initiatives 2015"), the region's name printed as a
    running header (Mexico's, in a region whose name runs on too few pages to repeat as often as
    the report's title), a page number; every such line is in `document_lines` as furniture."""
    rows = {r["programme_id"]: r for r in read(built_2015[0], "programmes")}
    australia = rows["asia_pacific/AUS/migrant_assistance"]["description"]
    assert "sustainable voluntary return. In 2015 IOM seeks" in australia
    mexico = rows["central_north_america_caribbean/MEX/labour_migration_human_development"]["description"]
    assert "Central and North America and the Caribbean" not in mexico
    lines = read(built_2015[0], "document_lines")
    furniture = {r["text"].strip() for r in lines if r["role"] in ("running_header", "page_number")}
    for row in rows.values():  # Germany's text prints the header glued to a word ("upMigration ..."): text
        text = " " + row["description"]
        assert " Migration Initiatives 2015" not in text and "Migrants and Cities" not in text, row["programme_id"]
    assert {"Migration Initiatives 2015", "Central and North America and the Caribbean"} <= furniture
