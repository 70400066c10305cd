"""Bad input: one clear line (place, code, value, fix), the documented exit code, out/ untouched."""

from __future__ import annotations

import codecs
import pickle
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.errors import EtlError, EtlErrors, InvalidFigure
from etl.extract.text import decode_report_text
from etl.pipeline import BuildReport
from etl.reconcile.known import CHECKS
from etl.validate import _Collector, _raise_problems
from tests.conftest import PROJECT, RAW, ROOT, digest, failing_build, failing_command, read

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
        f"{raw}:2: encoding: byte 0xe9 at offset 30 is not UTF-8, and byte 0x81 at offset 32 (line 2) is not "
        "Windows-1252; re-export the text as UTF-8 (e.g. iconv -f <encoding> -t UTF-8)"
    )


def test_a_byte_neither_utf8_nor_windows_1252_names_its_offset(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "report.txt"
    raw.write_bytes(b"Migration Initiatives 2015\nline two\nbad \x81 byte\n")
    code, line = failing_build(raw, out)
    assert (code, line) == (
        2,
        f"{raw}:3: encoding: byte 0x81 at offset 40 is neither UTF-8 nor Windows-1252; "
        "re-export the text as UTF-8 (e.g. iconv -f <encoding> -t UTF-8)",
    )


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_a_byte_order_mark_is_honoured(codec: str) -> None:
    """A UTF-16 file with its BOM was refused as "binary bytes"."""
    text = "\n".join(LINES[:600])
    data = text.encode(codec)
    if codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):  # Python writes no BOM for these: add it
        data = codecs.lookup(codec).encode("\ufeff")[0] + data
    assert decode_report_text(data, "raw/x.txt") == text


def test_a_utf16_report_gives_the_same_figures(tmp_path: Path, built_2015: tuple[Path, BuildReport]) -> None:
    raw = tmp_path / "mi-2015-utf16.txt"
    raw.write_bytes("\n".join(LINES).encode("utf-16"))  # with its BOM
    result = runner.invoke(app, ["build", str(raw), "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    for table, columns in (
        ("regions", ("region_id", "total_usd")),
        ("region_countries", ("region_id", "row_label", "country_iso3", "requirement_usd")),
        ("programmes", ("programme_id", "area_id", "status", "requirement_usd")),
    ):
        mine = [tuple(r[c] for c in columns) for r in read(tmp_path / "out", table)]
        assert mine == [tuple(r[c] for c in columns) for r in read(built_2015[0], table)], table


def test_a_nul_byte_names_its_line(tmp_path: Path, out: Path) -> None:
    """A NUL byte was refused without its line."""
    lines = list(LINES)
    lines[4] = lines[4] + "\x00"
    raw = _report(tmp_path, lines)
    offset = len("\n".join(LINES[:5]).encode("utf-8"))
    code, line = failing_build(raw, out)
    assert (code, line) == (
        2,
        f"{raw}:5: not-a-report: a NUL byte at offset {offset}: the file holds binary bytes, not text; give a text "
        "export of the report (UTF-8, or UTF-16 with its byte-order mark) or the PDF itself",
    )


def test_utf16_without_its_bom_is_refused_at_its_first_line(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "report.txt"
    raw.write_bytes("\n".join(LINES[:50]).encode("utf-16-le"))
    code, line = failing_build(raw, out)
    assert (code, line) == (
        2,
        f"{raw}:1: not-a-report: a NUL byte at offset 1: the file holds binary bytes, not text; give a text "
        "export of the report (UTF-8, or UTF-16 with its byte-order mark) or the PDF itself",
    )


def test_bytes_that_break_the_bom_encoding(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "report.txt"
    raw.write_bytes(codecs.BOM_UTF16_LE + "Migration Initiatives 2015\nab".encode("utf-16-le") + b"\x00\xd8x\x00")
    code, line = failing_build(raw, out)
    assert (code, line) == (
        2,
        f"{raw}:2: encoding: bytes 0x00 0xd8 at offset 60 are not UTF-16 LE, as the file's byte-order mark says; "
        "re-export the text as UTF-8 (e.g. iconv -f <encoding> -t UTF-8)",
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


@pytest.mark.parametrize("kind", [k for k in EtlError.__subclasses__() if k is not EtlErrors])
def test_every_error_survives_a_process_boundary(kind: type[EtlError]) -> None:
    error = kind("raw/x.txt:3", "what was wrong", fix="how to fix it", value="1,2O0")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is kind and again.line() == error.line()


def test_several_errors_survive_a_process_boundary() -> None:
    errors = EtlErrors([InvalidFigure("raw/x.txt:3", "a", fix="b"), InvalidFigure("raw/x.txt:9", "c", fix="d")])
    again = pickle.loads(pickle.dumps(errors))
    assert type(again) is EtlErrors and again.lines() == errors.lines() == [
        "raw/x.txt:3: invalid-figure: a; b",
        "raw/x.txt:9: invalid-figure: c; d",
    ]


# --- Collect, then stop: every problem, one line each ---------------------------------------------


def test_two_bad_reports_are_two_lines(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(b"")
    (raw / "b.txt").write_bytes(b"Migration Initiatives 2015\n\x00\n")
    shutil.copy(PROJECT, raw / "c.txt")
    code, lines = failing_command(tmp_path, "build", str(raw), "--out", str(out))
    assert (code, lines[-2:]) == (
        2,
        [
            f"{raw}/a.txt: empty-input: the file is empty; put the report's text in it or remove it from raw/",
            f"{raw}/b.txt:2: not-a-report: a NUL byte at offset 27: the file holds binary bytes, not text; give a "
            "text export of the report (UTF-8, or UTF-16 with its byte-order mark) or the PDF itself",
        ],
    )


def test_two_reports_failing_in_parallel_processes_are_two_lines(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    first = list(LINES)
    first[533] = "Atlantis"  # Djibouti's table row
    (raw / "a.txt").write_text("\n".join(first), encoding="utf-8")
    other = "\n".join(LINES).replace("Migration Initiatives 2015", "Migration Initiatives 2016").split("\n")
    other[other.index("Burundi")] = "Narnia"
    (raw / "b.txt").write_text("\n".join(other), encoding="utf-8")
    code, lines = failing_command(tmp_path, "build", str(raw), "--out", str(out), "--jobs", "2")
    fix = "add the name to etl/data/countries.csv (aliases) with its ISO 3166-1 alpha-3 code"
    assert (code, lines[-2:]) == (
        2,
        [
            f"{raw}/a.txt:534: unknown-country: unknown country label in a regional table 'Atlantis'; {fix}",
            f"{raw}/b.txt:559: unknown-country: unknown country label in a regional table 'Narnia'; {fix}",
        ],
    )


def test_every_invalid_figure_is_a_line() -> None:
    """The validation collector said "(and N more)": each problem is its own line."""
    collector = _Collector()
    collector.problems += ["raw/x.txt:10: requirement_usd = -1: too small", "raw/x.txt:20: area_id = 'x': unknown"]
    with pytest.raises(EtlErrors) as caught:
        _raise_problems(collector)
    assert caught.value.lines() == [
        "raw/x.txt:10: invalid-figure: requirement_usd = -1: too small; correct the figure in the raw file",
        "raw/x.txt:20: invalid-figure: area_id = 'x': unknown; correct the figure in the raw file",
    ]
    collector.problems = collector.problems[:1]
    with pytest.raises(InvalidFigure):
        _raise_problems(collector)


# --- The known-discrepancies file (--known) --------------------------------------------------------

_ENTRY = 'edition = 2015\nregion = "see_eeca"\ncheck = "section_sum"\nsection = "GEO"\nreason = "r"\n'
_TOML_FIX = "correct the TOML syntax (each entry is a [[discrepancy]] table of key = value lines)"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            f"[[discrepancy]]\n{_ENTRY}\n[[discrepancy]]\nedition = 2015\nregion = see_eeca\n",
            f":10: known-invalid: not valid TOML: Invalid value (column 10); {_TOML_FIX}",
        ),
        (
            f"[[discrepancy]]\n{_ENTRY}\n[[discrepancy]]\n" + _ENTRY.replace('section = "GEO"\n', ""),
            ":8: known-invalid: a section_sum entry needs 'section'; name the section (ISO3 or regional) it concerns",
        ),
        (
            "[[discrepancy]]\n" + _ENTRY.replace("edition = 2015", 'edition = "2015"'),
            ":2: known-invalid: an entry needs 'edition', the report's year as a number '2015'; correct the entry "
            "(README: Checks)",
        ),
        (
            "[[discrepancy]]\n" + _ENTRY.replace('"section_sum"', '"section_total"'),
            ":4: known-invalid: unknown check 'section_total'; a known discrepancy is one of: section_sum, area_resum",
        ),
        (
            "[[discrepancy]]\n" + _ENTRY.replace("section =", "secton ="),
            ":5: known-invalid: an entry has an unknown key 'secton'; use only edition, region, check, section, "
            "area, reason",
        ),
        (
            "[[discrepancies]]\n" + _ENTRY,
            ":1: known-invalid: unknown key 'discrepancies'; the file holds [[discrepancy]] entries only",
        ),
        (
            "[[discrepancy]]\n" + _ENTRY.replace('"see_eeca"', '"europe"'),
            ":3: known-invalid: unknown region id 'europe'; use a region_id of etl/data/regions.csv",
        ),
    ],
)
def test_a_malformed_known_file_names_its_line(tmp_path: Path, out: Path, text: str, line: str) -> None:
    """A malformed known-discrepancy file, an entry without a section: tracebacks, exit 1."""
    known = tmp_path / "known.toml"
    known.write_text(text, encoding="utf-8")
    code, said = failing_build(RAW, out, "--known", str(known))
    assert (code, said) == (2, f"{known}{line}")


def test_a_missing_known_file(tmp_path: Path, out: Path) -> None:
    code, line = failing_build(RAW, out, "--known", str(tmp_path / "missing.toml"))
    assert (code, line) == (
        2,
        f"{tmp_path}/missing.toml: known-invalid: no such file; give the path of a known-discrepancies file to --known",
    )
    (tmp_path / "review").mkdir()
    code, line = failing_build(RAW, out, "--known", str(tmp_path / "review"))
    assert (code, line) == (
        2,
        f"{tmp_path}/review: known-invalid: this is a folder; give the known-discrepancies file itself to --known",
    )


def test_the_shipped_known_file_names_real_checks(built_2015: tuple[Path, BuildReport]) -> None:
    """known.CHECKS are names etl/reconcile gives its checks, and every entry of the shipped list is used."""
    checks = {r["check"] for r in read(built_2015[0], "reconciliation")}
    assert set(CHECKS) <= checks
    known = [r for r in read(built_2015[0], "reconciliation") if r["status"] == "known_discrepancy"]
    assert len(known) == (ROOT / "etl" / "data" / "known_discrepancies.toml").read_text().count("[[discrepancy]]")
