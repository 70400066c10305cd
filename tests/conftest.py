"""Shared fixtures: the real report, built once per test session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from etl.pipeline import BuildReport, build

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw" / "migration-initiatives-2015.txt"
PROJECT = ROOT / "raw" / "idf-project-albania-migration-policy.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true", help="rewrite the golden files instead of comparing")


@pytest.fixture(scope="session")
def regen(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))


@pytest.fixture(scope="session")
def built_2015(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """raw/ (the 2015 report and the IDF project sheet) built into a temporary out/."""
    out = tmp_path_factory.mktemp("build") / "out"
    report = build([RAW, PROJECT], out)
    return out, report


def read(out: Path, table: str) -> list[dict[str, Any]]:
    return pq.read_table(out / f"{table}.parquet").to_pylist()  # type: ignore[no-any-return]
