"""Shared fixtures: the real report, built once per test session."""

from __future__ import annotations

import hashlib
import shutil
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


def digest(folder: Path) -> dict[str, str]:
    """Each file of a folder by its SHA-256: to show a failed build left out/ as it was."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def out(tmp_path: Path, built_2015: tuple[Path, BuildReport]) -> Path:
    """A copy of a good build's out/, for a failing build to leave untouched."""
    folder = tmp_path / "out"
    shutil.copytree(built_2015[0], folder)
    return folder


def failing_build(raw: Path, out: Path) -> tuple[int, str]:
    """Run `mi-etl build RAW --out OUT`; check that out/ is byte-identical after it; return the
    exit code and the last line printed."""
    from typer.testing import CliRunner

    from etl.cli import app

    before = digest(out)
    result = CliRunner().invoke(app, ["build", str(raw), "--out", str(out)])
    assert digest(out) == before, "a failed build must leave out/ byte-identical"
    return result.exit_code, result.output.strip().splitlines()[-1]
