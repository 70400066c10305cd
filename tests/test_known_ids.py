"""What a code or id must look like (schemas, which import nothing from etl) and which ones the
gazetteer must know (etl/validate, where the rows are made): the errors each gives."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from pydantic import ValidationError

from etl.validate import _Collector, unknown_ids
from schemas.rows import AreaRow, ProjectRow, RegionCountryRow, RegionRow
from tests.conftest import ROOT


def _cell(**values: Any) -> dict[str, Any]:
    return {
        "report_id": "mi-2015",
        "region_id": "southern_africa",
        "status": "amount",
        "requirement_usd": 1,
        "source_ref": "r.txt:1",
        "source_box": None,
        "label_ref": "r.txt:1",
        "evidence": "test",
        "row_label": "Benin",
        "country_iso3": "BEN",
    } | values


def _region(**values: Any) -> dict[str, Any]:
    return {
        "report_id": "mi-2015",
        "region_id": "sub_saharan_africa",
        "region_name": "Sub-Saharan Africa",
        "region_label": "SUB-SAHARAN AFRICA",
        "total_usd": 1,
        "sections": 1,
        "resolution": "optimal",
        "source_ref": "r.txt:1",
        "source_box": None,
        "evidence": "test",
    } | values


def test_schemas_import_nothing_from_etl() -> None:
    code = (
        "import sys, schemas.rows, schemas.tables, schemas.types;"
        " print(sorted(m for m in sys.modules if m.split('.')[0] == 'etl'))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_region_id_not_shaped_like_an_id() -> None:
    with pytest.raises(ValidationError) as err:
        RegionCountryRow(**_cell(region_id="Southern Africa"))
    [e] = err.value.errors()
    assert (e["loc"], e["msg"]) == (
        ("region_id",),
        "String should match pattern '^[a-z0-9]+(?:_[a-z0-9]+)*(?:__[a-z0-9]+)?$'",
    )


def test_a_country_code_not_shaped_like_iso3() -> None:
    with pytest.raises(ValidationError) as err:
        RegionCountryRow(**_cell(country_iso3="ben"))
    [e] = err.value.errors()
    assert (e["loc"], e["msg"]) == (("country_iso3",), "String should match pattern '^[A-Z]{3}$'")


def test_an_unknown_area_id() -> None:
    c = _Collector()
    assert c.make(AreaRow, "r.txt:9", area_id="migration_wellbeing", name="x", report_labels=[]) is None
    assert c.problems == [
        "r.txt:9: area_id = 'migration_wellbeing': unknown programmatic area 'migration_wellbeing' (known:"
        " emergency_post_crisis, migration_health, immigration_border_management, migrant_assistance,"
        " labour_migration_human_development, migration_policy_research, migration_environment)"
    ]


def test_an_area_id_not_shaped_like_one() -> None:
    with pytest.raises(ValidationError) as err:
        AreaRow(area_id="Migration Health", name="x", report_labels=[])
    [e] = err.value.errors()
    assert (e["loc"], e["msg"]) == (("area_id",), "String should match pattern '^[a-z0-9]+(?:_[a-z0-9]+)*$'")


def test_a_country_code_the_gazetteer_does_not_know() -> None:
    c = _Collector()
    assert c.make(RegionCountryRow, "r.txt:7", **_cell(country_iso3="ZZZ")) is None
    assert c.problems == [
        "r.txt:7: country_iso3 = 'ZZZ': 'ZZZ' is not an ISO 3166-1 alpha-3 code the gazetteer knows"
        " (ISO 3166-1 via pycountry, and etl/data/countries.csv)"
    ]


def test_every_iso_code_and_kosovo_are_known() -> None:
    assert unknown_ids(RegionCountryRow(**_cell(country_iso3="BEN"))) == []
    assert unknown_ids(RegionCountryRow(**_cell(country_iso3="XKX"))) == []
    assert unknown_ids(RegionCountryRow(**_cell(country_iso3=None))) == []


def test_a_region_id_derived_from_its_title_is_known() -> None:
    c = _Collector()
    assert c.make(RegionRow, "r.txt:1", **_region()) is not None
    assert c.make(RegionRow, "r.txt:1", **_region(region_id="south_america", region_label="South AMERICA")) is not None
    assert c.problems == []


def test_a_region_id_neither_curated_nor_its_title_s() -> None:
    c = _Collector()
    assert c.make(RegionRow, "r.txt:3", **_region(region_id="sub_saharan")) is None
    assert c.make(RegionRow, "r.txt:4", **_region(region_id="x", region_label=" ")) is None
    assert c.problems == [
        "r.txt:3: region_id = 'sub_saharan': unknown IOM region id 'sub_saharan' (see etl/data/regions.csv; a region"
        " it does not list takes the id derived from its printed title 'SUB-SAHARAN AFRICA': 'sub_saharan_africa')",
        "r.txt:4: region_id = 'x': unknown IOM region id 'x'"
        " (see etl/data/regions.csv; and the printed title is blank)",
    ]


def test_a_benefiting_state_code_the_gazetteer_does_not_know() -> None:
    row = ProjectRow(
        project_id="P1",
        prima_id=None,
        title="t",
        start_date=None,
        start_year=None,
        end_date=None,
        end_year=None,
        status=None,
        project_type=None,
        budget_usd=None,
        coverage=None,
        year=None,
        idf_region=None,
        benefiting_iso3=["ALB", "QQQ"],
        benefiting_names=["Albania", "Q"],
        description="d",
        source_file="p.txt",
        source_sha256="0",
        source_ref="p.txt:1",
        source_box=None,
    )
    assert [(f, v) for f, v, _ in unknown_ids(row)] == [("benefiting_iso3.1", "QQQ")]
