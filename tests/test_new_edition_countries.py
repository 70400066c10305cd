"""An edition that names countries and regions the 2015 report never names builds without editing
etl/data/: a copy of the report with four countries replaced everywhere (table row, section
heading, prose, demonyms) by IOM member states absent from 2015, and one region retitled, gives
the same figures under the new names and codes (the region's id derived from its title, with a
warning)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import regex

from etl.pipeline import BuildReport, build
from tests.conftest import RAW, ROOT, read

# old name -> new name, old code -> new code; each pair in the same IOM region
COUNTRIES = {
    ("Togo", "TGO"): ("Benin", "BEN"),  # West and Central Africa
    ("Zambia", "ZMB"): ("Eswatini", "SWZ"),  # Southern Africa
    ("Finland", "FIN"): ("Iceland", "ISL"),  # European Union, Switzerland and Norway
    ("Jamaica", "JAM"): ("Grenada", "GRD"),  # Central and North America and the Caribbean
}
# the prose's other words for them, so that the copy still reads as one country throughout
WORDS = {
    "Togolese": "Beninese",
    "Zambian": "Eswatini",
    "Lusaka": "Mbabane",
    "Finnish": "Icelandic",
    "Jamaicans": "Grenadians",
    "Jamaican": "Grenadian",
    **{old: new for (old, _), (new, _) in COUNTRIES.items()},
}
# a region retitled: its title, running headers and prose mentions
REGION = ("Southern Africa", "southern_africa")
RETITLED = ("Austral Africa", "austral_africa")
WORDS[REGION[0]] = RETITLED[0]
CODES = {old: new for (_, old), (_, new) in COUNTRIES.items()} | {REGION[1]: RETITLED[1]}
_WORD = regex.compile(r"\b(" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")\b", regex.IGNORECASE)


def _replace(match: regex.Match[str]) -> str:
    found = match.group()
    new = next(n for o, n in WORDS.items() if o.casefold() == found.casefold())
    if found.isupper():
        return new.upper()
    if found[:5] == "South" and found[5:].isupper():  # the report's own "SouthERN AFRICA"
        return new[:3] + new[3:].upper()
    return new


def _renamed(text: str) -> str:
    return str(_WORD.sub(_replace, text))


@pytest.fixture(scope="module")
def renamed_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    folder = tmp_path_factory.mktemp("renamed")
    raw = folder / "raw"
    raw.mkdir()
    (raw / "renamed.txt").write_text(_renamed(RAW.read_text(encoding="utf-8")), encoding="utf-8")
    out = folder / "out"
    return out, build([raw], out)


@pytest.fixture(scope="module")
def renamed(renamed_build: tuple[Path, BuildReport]) -> Path:
    return renamed_build[0]


def _code(value: Any) -> Any:
    return CODES.get(value, value) if isinstance(value, str) else value


def _section(programme_id: str) -> str:
    return "/".join(_code(part) for part in programme_id.split("/"))


def test_the_new_names_are_not_curated() -> None:
    curated = (ROOT / "etl" / "data" / "countries.csv").read_text(encoding="utf-8")
    text = RAW.read_text(encoding="utf-8")
    for (_, _), (name, iso3) in COUNTRIES.items():
        assert iso3 not in curated and name not in curated
        assert name not in text


def test_every_country_row_keeps_its_figure(built_2015: tuple[Path, object], renamed: Path) -> None:
    def rows(out: Path, rename: bool) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        return {
            (
                _code(r["region_id"]) if rename else r["region_id"],
                _code(r["country_iso3"]) if rename else r["country_iso3"],
            ): (
                _renamed(r["row_label"]) if rename else r["row_label"],
                r["status"],
                r["requirement_usd"],
            )
            for r in read(out, "region_countries")
        }

    expected = rows(built_2015[0], rename=True)
    assert rows(renamed, rename=False) == expected
    assert {iso3 for _, (_, iso3) in COUNTRIES.items()} <= {key[1] for key in expected}


def test_every_programme_keeps_its_figure(built_2015: tuple[Path, object], renamed: Path) -> None:
    def rows(out: Path, rename: bool) -> dict[str, tuple[Any, ...]]:
        return {
            _section(r["programme_id"]) if rename else r["programme_id"]: (
                _code(r["region_id"]) if rename else r["region_id"],
                _code(r["country_iso3"]) if rename else r["country_iso3"],
                _renamed(r["section_label"]) if rename else r["section_label"],
                r["area_id"],
                r["status"],
                r["requirement_usd"],
                r["basis"],
            )
            for r in read(out, "programmes")
        }

    assert rows(renamed, rename=False) == rows(built_2015[0], rename=True)


def test_totals_areas_and_checks_are_unchanged(built_2015: tuple[Path, object], renamed: Path) -> None:
    def totals(out: Path) -> list[tuple[Any, ...]]:
        return sorted((_code(r["region_id"]), r["total_usd"], r["sections"]) for r in read(out, "regions"))

    def areas(out: Path) -> list[tuple[Any, ...]]:
        rows = read(out, "region_areas")
        return sorted((_code(r["region_id"]), r["area_id"], r["status"], r["requirement_usd"]) for r in rows)

    def checks(out: Path) -> list[tuple[Any, ...]]:
        keys = ("check", "region_id", "country_iso3", "area_id", "expected_usd", "actual_usd", "status")
        return sorted((tuple(_code(r[k]) for k in keys) for r in read(out, "reconciliation")), key=repr)

    original = built_2015[0]
    assert totals(renamed) == totals(original)
    assert areas(renamed) == areas(original)
    assert checks(renamed) == checks(original)


def test_the_dimension_names_the_new_countries(built_2015: tuple[Path, object], renamed: Path) -> None:
    countries = {r["country_iso3"]: r for r in read(renamed, "countries")}
    original = {r["country_iso3"] for r in read(built_2015[0], "countries")}
    assert set(countries) == {CODES.get(c, c) for c in original}
    for (old, _), (name, iso3) in COUNTRIES.items():
        assert countries[iso3]["name"] == name
        assert name in countries[iso3]["report_names"] or name.upper() in countries[iso3]["report_names"], old


def test_a_retitled_region_takes_an_id_from_its_title(renamed_build: tuple[Path, BuildReport]) -> None:
    out, report = renamed_build
    regions = {r["region_id"]: r for r in read(out, "regions")}
    assert REGION[1] not in regions
    region = regions[RETITLED[1]]
    assert region["region_name"] == region["region_label"] == RETITLED[0].upper()
    [warning] = report.warnings
    assert warning.endswith(
        f"warning: region {RETITLED[0].upper()!r} is not in etl/data/regions.csv, so its id {RETITLED[1]!r} is"
        f" derived from the title; add a row '<id>,{RETITLED[0].upper()}' there for a curated id"
    )
