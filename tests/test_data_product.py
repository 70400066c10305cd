"""The tables as a data product: descriptor, keys, byte-identical rebuilds (issue: data product)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from frictionless import Package, Resource, Schema

from etl.pipeline import BuildReport
from schemas.tables import TABLES
from tests.conftest import PROJECT, RAW, ROOT


def _package(out: Path, tamper: dict[str, Any] | None = None) -> Package:
    """The built tables as a frictionless package, rows read with pyarrow (nulls stay null)."""
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    resources = []
    for r in descriptor["resources"]:
        rows = pq.read_table(out / r["path"]).to_pylist()
        if tamper and tamper["table"] == r["name"]:
            rows[0] = {**rows[0], **tamper["values"]}
        header = [f["name"] for f in r["schema"]["fields"]]
        data = [header] + [[row[h] for h in header] for row in rows]
        resources.append(Resource(name=r["name"], data=data, schema=Schema.from_descriptor(r["schema"])))
    return Package(resources=resources)


def test_descriptor_is_a_valid_data_package(built_2015: tuple[Path, BuildReport]) -> None:
    descriptor = json.loads((built_2015[0] / "datapackage.json").read_text(encoding="utf-8"))
    assert list(Package.metadata_validate(descriptor)) == []
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert {r["name"] for r in descriptor["resources"]} == set(TABLES)
    report, project = descriptor["sources"]
    assert report["sha256"] == hashlib.sha256(RAW.read_bytes()).hexdigest()
    assert project["sha256"] == hashlib.sha256(PROJECT.read_bytes()).hexdigest()
    assert project["title"].startswith("IOM Development Fund project TC.0993: ")


def test_the_data_validates_against_the_descriptor(built_2015: tuple[Path, BuildReport]) -> None:
    report = _package(built_2015[0]).validate()
    assert report.valid, report.flatten(["resource_name", "type", "note"])[:5]


def test_frictionless_validate_passes_on_the_package(built_2015: tuple[Path, BuildReport]) -> None:
    """`frictionless validate out/datapackage.json`, the command a data engineer runs first, failed:
    frictionless reads Parquet through pandas, where a null int64 became NaN in an integer field."""
    frictionless = str(Path(sys.executable).parent / "frictionless")
    done = subprocess.run(
        [frictionless, "validate", "out/datapackage.json"], cwd=built_2015[0].parent, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "VALID" in done.stdout and "INVALID" not in done.stdout


def test_nullable_integers_stay_integers_for_every_reader(built_2015: tuple[Path, BuildReport]) -> None:
    """int64 with nulls for pyarrow and DuckDB; pandas' nullable Int64 (pd.NA), never floats."""
    import pandas as pd  # type: ignore[import-untyped]

    path = built_2015[0] / "programmes.parquet"
    column = pq.read_table(path).column("requirement_usd")
    assert str(column.type) == "int64" and column.null_count > 0
    frame = pd.read_parquet(path)
    assert str(frame["requirement_usd"].dtype) == "Int64"
    assert frame["requirement_usd"].isna().sum() == column.null_count
    assert frame["requirement_usd"].dropna().tolist() == [v for v in column.to_pylist() if v is not None]
    kinds = duckdb.connect().execute(f"SELECT DISTINCT typeof(requirement_usd) FROM '{path}'").fetchall()
    assert kinds == [("BIGINT",)]


def test_the_cache_key_holds_the_solver_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """MI_ETL_SOLVER_PARAMS changes the figures a solve finds: another value is another key."""
    from etl.cache import cache_key

    monkeypatch.delenv("MI_ETL_SOLVER_PARAMS", raising=False)
    plain = cache_key("raw/x.txt", "0" * 64, 20.0)
    monkeypatch.setenv("MI_ETL_SOLVER_PARAMS", "random_seed=7")
    assert cache_key("raw/x.txt", "0" * 64, 20.0) != plain
    monkeypatch.delenv("MI_ETL_SOLVER_PARAMS")
    monkeypatch.setattr("etl.resolve.solver._version", lambda: "0.0.0")  # another HiGHS
    assert cache_key("raw/x.txt", "0" * 64, 20.0) != plain


@pytest.mark.parametrize(
    ("table", "values", "error"),
    [
        ("programmes", {"area_id": "migration_weather"}, "foreign-key"),
        ("region_countries", {"requirement_usd": "lots"}, "type-error"),
        ("countries", {"country_iso3": "BDI"}, "primary-key"),
    ],
)
def test_a_broken_table_fails_validation(
    built_2015: tuple[Path, BuildReport], table: str, values: dict[str, Any], error: str
) -> None:
    report = _package(built_2015[0], {"table": table, "values": values}).validate()
    assert not report.valid
    assert error in {e[0] for e in report.flatten(["type"])}


def _duck(out: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in TABLES:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out / name}.parquet')")
    return con


def test_primary_keys_are_unique_with_duckdb(built_2015: tuple[Path, BuildReport]) -> None:
    con = _duck(built_2015[0])
    for spec in TABLES.values():
        keys = ", ".join(f'"{k}"' for k in spec.primary_key)
        dupes = con.execute(
            f"SELECT count(*) FROM (SELECT {keys} FROM {spec.name} GROUP BY {keys} HAVING count(*) > 1)"
        )
        assert dupes.fetchone() == (0,), spec.name


def test_foreign_keys_hold_with_duckdb(built_2015: tuple[Path, BuildReport]) -> None:
    con = _duck(built_2015[0])
    for spec in TABLES.values():
        for fk in spec.foreign_keys:
            on = " AND ".join(f"c.{a} = p.{b}" for a, b in zip(fk.fields, fk.reference, strict=True))
            present = " AND ".join(f"c.{a} IS NOT NULL" for a in fk.fields)
            missing = f"NOT EXISTS (SELECT 1 FROM {fk.table} p WHERE {on})"
            orphans = con.execute(f"SELECT count(*) FROM {spec.name} c WHERE {present} AND {missing}").fetchone()
            assert orphans == (0,), f"{spec.name} -> {fk.table}"


def test_region_totals_equal_the_country_rows_with_duckdb(built_2015: tuple[Path, BuildReport]) -> None:
    con = _duck(built_2015[0])
    (totals,) = con.execute("SELECT sum(total_usd) FROM regions").fetchone() or (None,)
    (rows,) = con.execute("SELECT sum(requirement_usd) FROM region_countries").fetchone() or (None,)
    assert totals is not None and totals == rows


def _build(out: Path, cache: Path, *extra: str, seed: str = "0") -> tuple[dict[str, str], str]:
    command = [str(Path(sys.executable).parent / "mi-etl"), "build", str(RAW.relative_to(ROOT)), "--out", str(out)]
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([*command, "--cache", str(cache), *extra], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}, done.stderr


def test_two_clean_builds_are_byte_identical(tmp_path: Path) -> None:
    """Different hash seeds and folders, nothing cached: the same bytes."""
    first, _ = _build(tmp_path / "a", tmp_path / "cache-a", "--force", seed="1")
    second, _ = _build(tmp_path / "b", tmp_path / "cache-b", "--force", seed="12345")
    assert first == second
    assert len(first) == len(TABLES) + 2  # the tables, datapackage.json and the .mi-etl marker


def test_an_unchanged_report_is_not_parsed_again(tmp_path: Path) -> None:
    fresh, said = _build(tmp_path / "out", tmp_path / "cache")
    assert "not parsed again" not in said
    again, said = _build(tmp_path / "out", tmp_path / "cache")
    assert "unchanged since the last build" in said and "not parsed again" in said
    assert again == fresh
    forced, said = _build(tmp_path / "out", tmp_path / "cache", "--force")
    assert "not parsed again" not in said and forced == fresh
