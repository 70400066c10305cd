"""The command line: exit codes and the exact first line of each error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from etl.cli import app
from etl.pipeline import BuildReport
from tests.conftest import FIXTURES, PROJECT, RAW, failing_build

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_every_command_has_help() -> None:
    for command in ("build", "check", "explain"):
        code, output = _run(command, "--help")
        assert code == 0 and "Usage" in output


def test_check_passes_on_the_2015_build(built_2015: tuple[Path, BuildReport]) -> None:
    code, output = _run("check", "--out", str(built_2015[0]))
    assert code == 0, output
    assert "known_discrepancy 2" in output


def test_check_fails_on_a_mismatch(out: Path) -> None:
    table = pq.read_table(out / "reconciliation.parquet")
    rows = table.to_pylist()
    rows[0] = {**rows[0], "status": "mismatch", "actual_usd": 1}
    pq.write_table(table.from_pylist(rows, schema=table.schema), out / "reconciliation.parquet")
    code, output = _run("check", "--out", str(out))
    assert code == 1
    assert ": mismatch: " in output


def test_check_without_a_build(tmp_path: Path) -> None:
    code, output = _run("check", "--out", str(tmp_path / "nothing"))
    assert code == 2
    assert output.splitlines()[-1].startswith(f"{tmp_path}/nothing/reconciliation.parquet: output-missing: ")


def test_empty_file(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "empty.txt"
    raw.write_bytes(b"")
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == f"{raw}: empty-input: the file is empty; put the report's text in it or remove it from raw/"


def test_binary_named_txt(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "report.txt"
    raw.write_bytes(bytes(range(256)) * 4)
    code, line = failing_build(raw, out)
    assert code == 2
    assert line.startswith(f"{raw}: not-a-report: the file holds binary bytes, not text; ")


def test_a_document_that_is_no_appeal(tmp_path: Path, out: Path) -> None:
    """An IOM page on migration policy (a seed document): IOM prose, no appeal."""
    raw = tmp_path / "policy.txt"
    shutil.copy(FIXTURES / "not_an_appeal_policy_page.txt", raw)
    code, line = failing_build(raw, out)
    assert code == 2
    assert line.startswith(f"{raw}: not-a-report: ")


def test_amount_with_a_stray_letter(tmp_path: Path, out: Path) -> None:
    lines = RAW.read_text(encoding="utf-8").split("\n")
    assert lines[809] == "5,000,000"  # Burundi's emergency programme
    lines[809] = "5,0O0,000"
    raw = tmp_path / "mi-2015.txt"
    raw.write_text("\n".join(lines), encoding="utf-8")
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}:810: amount-unparseable: cannot read the programme amount '5,0O0,000'; "
        "correct the digits in the raw file (amounts are whole USD, thousands separated by commas)"
    )


def test_explain_a_section(built_2015: tuple[Path, BuildReport]) -> None:
    code, output = _run("explain", "East and Horn of Africa", "Burundi", "--out", str(built_2015[0]))
    assert code == 0, output
    assert "section BURUNDI:" in output
    assert "migration_health" in output and "500,000" in output
    assert "check: ok: expected 9,050,000" in output


def test_explain_the_multiregional_part(built_2015: tuple[Path, BuildReport]) -> None:
    code, output = _run("explain", "multiregional", "--out", str(built_2015[0]))
    assert code == 0, output
    assert "IOM Funds (mi-2015):" in output
    assert "targets USD 5 million as its funding requirement." in output
    assert output.strip().splitlines()[-2].startswith("not checked: ")


def test_the_same_project_sheet_twice(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(PROJECT, raw / "a.txt")
    shutil.copy(PROJECT, raw / "b.txt")
    code, line = failing_build(raw, out)
    assert code == 2
    expected = f"{raw}/b.txt: duplicate-report: IDF project TC.0993 is already read from {raw}/a.txt;"
    assert line == f"{expected} keep one copy of each report in raw/"
