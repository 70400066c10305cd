"""Bad input: one clear line (place, code, value, fix), the documented exit code, out/ untouched."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.errors import EtlError
from etl.pipeline import BuildReport
from tests.conftest import RAW, digest, failing_build, read

runner = CliRunner()
LINES = RAW.read_text(encoding="utf-8").split("\n")


def _report(tmp: Path, lines: list[str], name: str = "mi-2015.txt") -> Path:
    path = tmp / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_report_cut_off_in_a_region(tmp_path: Path, out: Path) -> None:
    raw = _report(tmp_path, LINES[:2000])
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}:2000: truncated: the text ends inside region 'EAST AND HORN OF AFRICA': its programmes print "
        "108,900,000 of the table's 142,550,000, and 3 of its 10 sections have no heading; "
        "give the whole report (this file looks cut off)"
    )


def test_negative_amount(tmp_path: Path, out: Path) -> None:
    lines = list(LINES)
    lines[809] = "-5,000,000"
    raw = _report(tmp_path, lines)
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}:810: amount-unparseable: a negative programme amount '-5,000,000'; "
        "a funding requirement is never negative: correct it"
    )


def test_absurd_amount(tmp_path: Path, out: Path) -> None:
    lines = list(LINES)
    lines[809] = "500,000,000,000"
    raw = _report(tmp_path, lines)
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}:810: invalid-figure: the programme amount is over USD 100 billion '500,000,000,000'; "
        "check the digits in the raw file (a figure this large is not an appeal's)"
    )


def test_unknown_country_in_a_table(tmp_path: Path, out: Path) -> None:
    lines = list(LINES)
    assert lines[533] == "Djibouti"
    lines[533] = "Atlantis"
    raw = _report(tmp_path, lines)
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}:534: unknown-country: unknown country label in a regional table 'Atlantis'; "
        "add the name to etl/data/countries.csv (aliases) with its ISO 3166-1 alpha-3 code"
    )


def test_unknown_area_in_a_table(tmp_path: Path, out: Path) -> None:
    lines = list(LINES)
    assert lines[527] == "Migration Health"
    lines[527] = "Migration Wellbeing"
    raw = _report(tmp_path, lines)
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}:528: unknown-area: unknown programmatic area label in a regional table 'Migration Wellbeing'; "
        "add the label to etl/data/areas.csv (aliases) if it names one of the seven areas"
    )


def test_same_report_twice(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW, raw / "a.txt")
    shutil.copy(RAW, raw / "b.txt")
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}/b.txt: duplicate-report: Migration Initiatives 2015 is already read from {raw}/a.txt; "
        "keep one copy of each report in raw/"
    )


def test_binary_named_pdf(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "report.pdf"
    raw.write_bytes(bytes(range(256)) * 8)
    code, line = failing_build(raw, out)
    assert code == 2
    assert line.startswith(f"{raw}: unreadable-pdf: ")


def test_bytes_neither_utf8_nor_windows_1252(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "report.txt"
    raw.write_bytes(b"Migration Initiatives 2015\n" + b"caf\xe9 \x81\n")
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}:2: encoding: byte 0xe9 is neither UTF-8 nor Windows-1252; "
        "re-export the text as UTF-8 (e.g. iconv -f <encoding> -t UTF-8)"
    )


def test_windows_1252_text_is_read(tmp_path: Path, built_2015: tuple[Path, BuildReport]) -> None:
    """A Windows-1252 export of the report (curly quotes, accents) gives the same figures."""
    raw = tmp_path / "mi-2015-cp1252.txt"
    raw.write_bytes("\n".join(LINES).encode("cp1252", errors="replace"))
    result = runner.invoke(app, ["build", str(raw), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    totals = {r["region_id"]: r["total_usd"] for r in read(tmp_path / "out", "regions")}
    assert totals == {r["region_id"]: r["total_usd"] for r in read(built_2015[0], "regions")}
    codes = {r["country_iso3"] for r in read(tmp_path / "out", "region_countries")}
    assert "CIV" in codes  # "Côte d’Ivoire" survives the re-encoding


def test_a_mismatch_rejects_the_tables(tmp_path: Path, out: Path) -> None:
    """A table figure that no longer adds up: the tables go to out.rejected/, out/ keeps the last good ones."""
    lines = list(LINES)
    assert lines[523] == "9,050,000"  # Burundi's table row
    lines[523] = "9,060,000"
    raw = _report(tmp_path, lines)
    before = digest(out)
    result = runner.invoke(app, ["build", str(raw), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert digest(out) == before
    assert (out.parent / "out.rejected" / "reconciliation.parquet").exists()
    assert "rejected: " in result.output


def test_an_error_in_a_worker_process_reaches_the_user(tmp_path: Path, out: Path) -> None:
    """Two reports resolved in parallel processes, one with an unknown country: the error comes
    back from its process as the documented line (it once left the pool waiting forever)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("\n".join(LINES), encoding="utf-8")
    other = "\n".join(LINES).replace("Migration Initiatives 2015", "Migration Initiatives 2016").split("\n")
    other[other.index("Burundi")] = "Atlantis"  # the regional table's row
    (raw / "b.txt").write_text("\n".join(other), encoding="utf-8")
    before = digest(out)
    result = CliRunner().invoke(app, ["build", str(raw), "--out", str(out), "--jobs", "2"])
    assert digest(out) == before
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(f"{raw}/b.txt:559: unknown-country: ")


@pytest.mark.parametrize("kind", EtlError.__subclasses__())
def test_every_error_survives_a_process_boundary(kind: type[EtlError]) -> None:
    error = kind("raw/x.txt:3", "what was wrong", fix="how to fix it", value="1,2O0")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is kind and again.line() == error.line()
