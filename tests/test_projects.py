"""IOM Development Fund project sheets: recognised by their content, read into `projects`."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.errors import AmountUnparseable, NotAReport, TableUnreadable, UnknownCountry
from etl.extract.text import bytes_to_document
from etl.gazetteer import load_gazetteer
from etl.pipeline import BuildReport, build, document_to_rows
from etl.segment.kind import document_to_kind
from etl.segment.project import FIELDS, document_to_project
from etl.source import Document
from etl.validate import Rows
from schemas.rows import ProjectRow
from tests.conftest import FIXTURES, PROJECT, RAW, read

SHEET = PROJECT.read_text(encoding="utf-8")


def _doc(text: str, name: str = "sheet.txt") -> Document:
    return bytes_to_document(text.encode("utf-8"), name)


def _row(text: str) -> ProjectRow:
    rows = Rows()
    document_to_rows(_doc(text), rows)
    assert len(rows.projects) == 1 and not rows.programmes
    return rows.projects[0]


def _replace_value(label: str, value: str) -> str:
    lines = SHEET.split("\n")
    at = lines.index(label)
    lines[at + 1] = value
    return "\n".join(lines)


def test_the_albania_sheet(built_2015: tuple[Path, BuildReport]) -> None:
    (row,) = read(built_2015[0], "projects")
    assert {k: row[k] for k in ("project_id", "prima_id", "start_year", "end_year", "status", "budget_usd")} == {
        "project_id": "TC.0993",
        "prima_id": "AL10P0004",
        "start_year": 2017,
        "end_year": 2018,
        "status": "Completed",
        "budget_usd": 125_000,
    }
    assert row["title"] == "Supporting the Development of a Migration Policy in Albania"
    assert (row["benefiting_iso3"], row["benefiting_names"]) == (["ALB"], ["Albania"])
    assert (row["project_type"], row["coverage"], row["year"], row["idf_region"]) == (
        "TCMMCB",
        "National",
        2016,
        "Europe",
    )
    assert str(row["description"]).startswith("Migration is a crucial element in Albania")
    assert str(row["description"]).endswith("international human rights standards.")
    assert str(row["description"]).count("\n\n") == 4  # five paragraphs
    assert row["source_ref"] == "raw/idf-project-albania-migration-policy.txt:23"


def test_the_sheet_country_is_in_the_countries_dimension(built_2015: tuple[Path, BuildReport]) -> None:
    albania = [r for r in read(built_2015[0], "countries") if r["country_iso3"] == "ALB"]
    assert albania and "Albania" in albania[0]["report_names"]


def test_kind_is_read_from_the_content_not_the_name() -> None:
    assert document_to_kind(_doc(SHEET, "migration-initiatives-2015.txt")) == "idf_project"
    assert document_to_kind(_doc(RAW.read_text(encoding="utf-8")[:200_000], "idf-project.txt")) == "appeal"
    policy = (FIXTURES / "not_an_appeal_policy_page.txt").read_text(encoding="utf-8")
    with pytest.raises(NotAReport, match="neither a Migration Initiatives appeal"):
        document_to_kind(_doc(policy))


def test_several_benefiting_countries_on_one_line() -> None:
    row = _row(_replace_value("Benefiting Member States", "Albania, Kosovo"))
    assert (row.benefiting_iso3, row.benefiting_names) == (["ALB", "XKX"], ["Albania", "Kosovo"])


def test_a_country_the_gazetteer_does_not_know() -> None:
    with pytest.raises(UnknownCountry) as err:
        _row(_replace_value("Benefiting Member States", "Albania, Atlantis"))
    assert str(err.value) == (
        "sheet.txt:56: unknown-country: 'Benefiting Member States' names a country the gazetteer does not know"
        " 'Atlantis'; add the name to etl/data/countries.csv"
    )


def test_a_budget_with_cents_is_refused_not_rounded() -> None:
    with pytest.raises(AmountUnparseable, match=r"not a whole, positive number of dollars '125000\.50'"):
        _row(_replace_value("Budget Amount (USD)", "125000.50"))
    assert _row(_replace_value("Budget Amount (USD)", "1,250,000.00")).budget_usd == 1_250_000


def test_a_sheet_with_no_project_id() -> None:
    with pytest.raises(TableUnreadable, match="gives no 'Projects ID'"):
        _row(_replace_value("Projects ID", "-"))


def test_an_end_before_the_start_is_invalid() -> None:
    with pytest.raises(Exception, match="ends \\(2016\\) before it starts \\(2017\\)"):
        _row(_replace_value("End Date", "2016"))


def test_fields_read_as_printed() -> None:
    sheet = document_to_project(_doc(SHEET), load_gazetteer())
    assert sheet.value("Project Type") is not None
    assert list(sheet.fields) == list(FIELDS)  # every field of the page, in its order


def test_an_unchanged_sheet_is_read_from_the_cache(tmp_path: Path) -> None:
    said: list[str] = []
    first = build([PROJECT], tmp_path / "a", cache=tmp_path / "cache", progress=said.append)
    assert not any("not parsed again" in s for s in said)
    build([PROJECT], tmp_path / "b", cache=tmp_path / "cache", progress=said.append)
    assert any("IDF project TC.0993: unchanged since the last build" in s for s in said)
    assert first.counts["projects"] == 1
    assert (tmp_path / "a" / "projects.parquet").read_bytes() == (tmp_path / "b" / "projects.parquet").read_bytes()


def _with_lines(label: str, *new: str) -> str:
    """The sheet with the value line after `label` replaced by `new` lines."""
    lines = SHEET.split("\n")
    at = lines.index(label)
    lines[at + 1 : at + 2] = list(new)
    return "\n".join(lines)


def test_a_long_list_of_countries_is_not_the_description() -> None:
    names = "Albania, Bosnia and Herzegovina, Montenegro, Serbia, Kosovo, The former Yugoslav Republic of Macedonia"
    row = _row(_replace_value("Benefiting Member States", names))
    assert row.benefiting_iso3 == ["ALB", "BIH", "MNE", "SRB", "XKX", "MKD"]
    assert row.description.startswith("Migration is a crucial element")


def test_countries_listed_with_a_last_and() -> None:
    row = _row(_replace_value("Benefiting Member States", "Albania, Montenegro and Serbia"))
    assert row.benefiting_iso3 == ["ALB", "MNE", "SRB"]


def test_the_description_may_open_with_a_short_heading_or_a_field_name() -> None:
    row = _row(_with_lines("Benefiting Member States", "Albania", "Project Background", "Coverage"))
    assert row.benefiting_iso3 == ["ALB"] and row.coverage == "National"
    assert row.description.startswith("Project Background\n\nCoverage\n\nMigration is a crucial element")


def test_a_title_over_two_lines_and_a_page_with_none() -> None:
    lines = SHEET.split("\n")
    at = lines.index("Supporting the Development of a Migration Policy in Albania")
    two = [*lines[:at], "Supporting the Development of a Migration", "Policy in Albania", *lines[at + 1 :]]
    assert _row("\n".join(two)).title == "Supporting the Development of a Migration Policy in Albania"
    with pytest.raises(TableUnreadable, match="no title before its fields"):
        _row("\n".join([*lines[:at], *lines[at + 1 :]]))


@pytest.mark.parametrize(("printed", "budget"), [("N/A", None), ("USD 125,000", 125_000), ("125000", 125_000)])
def test_budgets_as_printed(printed: str, budget: int | None) -> None:
    assert _row(_replace_value("Budget Amount (USD)", printed)).budget_usd == budget


@pytest.mark.parametrize("printed", ["Infinity", "sNaN", "125.000,00", "1e3", "about 125,000"])
def test_budgets_that_are_no_amount_are_refused(printed: str) -> None:
    with pytest.raises(AmountUnparseable, match="cannot read the budget amount"):
        _row(_replace_value("Budget Amount (USD)", printed))


def test_a_date_not_given() -> None:
    row = _row(_replace_value("Start Date", "N/A"))
    assert (row.start_date, row.start_year, row.end_year) == (None, None, 2018)
