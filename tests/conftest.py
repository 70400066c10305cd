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
    """Each file under a folder (hidden ones and those in subfolders too) by its SHA-256, each
    folder and link by what it is: to show a failed build left every file as it was."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = f"link to {path.readlink()}"
        elif path.is_dir():
            found[name] = "folder"
        else:
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def out(tmp_path: Path, built_2015: tuple[Path, BuildReport]) -> Path:
    """A copy of a good build's out/, for a failing build to leave untouched."""
    folder = tmp_path / "out"
    shutil.copytree(built_2015[0], folder)
    return folder


def failing_build(raw: Path, out: Path, *options: str) -> tuple[int, str]:
    """Run `mi-etl build RAW --out OUT [OPTIONS]`; check that the folder holding out/ (out/, the
    inputs beside it, every other file there) is byte-identical after it, nothing added or
    removed; return the exit code and the last line printed. The input is parsed again (--force): a
    report an earlier build cached would not reach the code under test."""
    forced = () if "--force" in options or "--cache" in options else ("--force",)
    code, lines = failing_command(out.parent, "build", str(raw), "--out", str(out), *options, *forced)
    return code, lines[-1]


def failing_command(folder: Path, *args: str) -> tuple[int, list[str]]:
    """Run `mi-etl ARGS...`; check that every file under `folder` is as it was (nothing added or
    removed either); return the exit code and the lines printed."""
    from typer.testing import CliRunner

    from etl.cli import app

    before = digest(folder)
    result = CliRunner().invoke(app, list(args))
    assert digest(folder) == before, f"a failed command must leave {folder} byte-identical: {result.output}"
    return result.exit_code, result.output.strip().splitlines()
