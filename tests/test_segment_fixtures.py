"""Segmentation of small excerpts cut from the real text, one per trap they hold."""

from __future__ import annotations

from etl.gazetteer import load_gazetteer
from etl.segment.lexicon import FUNDED
from etl.segment.table import lines_to_table
from etl.segment.zone import ZoneItem, lines_to_zone
from etl.source import Line, SourceRef
from tests.conftest import FIXTURES

GAZ = load_gazetteer()
ALL = frozenset(GAZ.countries)


def _lines(name: str) -> tuple[Line, ...]:
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    return tuple(Line(t, SourceRef(name, n)) for n, t in enumerate(text.split("\n"), start=1))


def _zone(name: str) -> list[ZoneItem]:
    lines = _lines(name)
    return list(lines_to_zone(lines, 0, len(lines), ALL, GAZ).items)


def _kinds(items: list[ZoneItem]) -> list[str]:
    return [i.kind for i in items]


def test_heading_split_over_two_lines() -> None:
    headings = [i for i in _zone("heading_split_over_two_lines") if i.kind == "heading"]
    assert [(h.section, h.span, h.text) for h in headings] == [("TZA", 2, "UNITED REPUBLIC OF TANZANIA")]


def test_heading_in_mixed_case() -> None:
    headings = [i.section for i in _zone("heading_in_mixed_case") if i.kind == "heading"]
    assert headings == ["ZMB", "IRN"]


def test_page_number_between_label_and_amount() -> None:
    items = _zone("page_number_between_label_and_amount")
    assert _kinds(items) == ["label", "marker", "amount"]
    assert items[2].value == 1_500_000  # the page number "66" between them is no amount


def test_thousands_written_with_dots() -> None:
    amounts = [i.value for i in _zone("thousands_written_with_dots") if i.kind == "amount"]
    assert amounts == [500_000, 500_000]


def test_funded_beside_government_funded_prose() -> None:
    amounts = [i.value for i in _zone("funded_beside_government_funded_prose") if i.kind == "amount"]
    assert amounts == [2_000_000, FUNDED, FUNDED]  # "government-funded", "fully funded" are prose


def test_combined_area_label() -> None:
    labels = [i.areas for i in _zone("combined_area_label") if i.kind == "label"]
    assert labels[-1] == ("migrant_assistance", "labour_migration_human_development")


def test_emergency_and_post_crisis_response_label() -> None:
    labels = [i.areas for i in _zone("emergency_and_post_crisis_response_label") if i.kind == "label"]
    assert labels == [("emergency_post_crisis",)]


def test_table_amount_before_first_label() -> None:
    lines = _lines("table_amount_before_first_label")
    table = lines_to_table(lines, 0, len(lines), GAZ)
    assert table.amounts[0].value == 9_050_000
    assert table.amounts[0].index < min(label.index for label in table.labels)
    assert (len(table.countries()), len(table.areas()), len(table.totals()), len(table.amounts)) == (10, 7, 2, 19)


def test_table_legend_repeats_an_area_label() -> None:
    lines = _lines("table_legend_repeats_an_area_label")
    table = lines_to_table(lines, 0, len(lines), GAZ)
    environment = [label for label in table.areas() if label.key == "migration_environment"]
    assert len(environment) == 2  # the pie-chart legend and the table row: the resolver keeps one
    assert len(table.labels) == len(table.amounts) + 1


def test_table_country_name_split_over_lines() -> None:
    lines = _lines("table_country_name_split_over_lines")
    table = lines_to_table(lines, 0, len(lines), GAZ)
    keys = {label.key: label.text for label in table.countries()}
    assert keys["MKD"] == "The former Yugsolav Republic of Macedonia"
    assert keys["XKX"] == "UNSC resolution 1244-administered Kosovo"
    assert len(keys) == 20


def test_a_name_across_a_blank_line_after_every_line() -> None:
    """An exporter that writes a blank line after every line: "UNITED REPUBLIC", "", "OF TANZANIA"
    is one heading and "Labour Migration and Human", "", "Development" one label; a name whole on
    its line ("Migration Health") is not run on into the next."""
    texts = "\n\n".join(x.text for x in _lines("heading_split_over_two_lines") if x.text.strip()).split("\n")
    spaced = tuple(Line(t, SourceRef("spaced", n)) for n, t in enumerate(texts, start=1))
    headings = [(i.section, i.span, i.text) for i in lines_to_zone(spaced, 0, len(spaced), ALL, GAZ).items]
    assert [h for h in headings if h[0]] == [("TZA", 3, "UNITED REPUBLIC OF TANZANIA")]
    text = "Labour Migration and Human\n\nDevelopment\n\nFunding requirement (in USD)\n\n500,000\n\n"
    text += "Migration Health\n\nDevelopment"
    doc = tuple(Line(t, SourceRef("labels", n)) for n, t in enumerate(text.split("\n"), start=1))
    labels = [(i.areas, i.span) for i in lines_to_zone(doc, 0, len(doc), ALL, GAZ).items if i.kind == "label"]
    assert labels == [(("labour_migration_human_development",), 3), (("migration_health",), 1)]


def test_table_label_broken_by_its_amount() -> None:
    """pdfminer's `extract_text` of a PDF whose table label wraps ("Emergency, Operations and" /
    "Post-crisis", the Courier face) writes the row's amount between the label's two lines: one
    label, and the amount still the table's, in its place."""
    lines = _lines("table_label_broken_by_its_amount")
    table = lines_to_table(lines, 0, len(lines), GAZ)
    areas = {label.key: (label.text, label.index) for label in table.areas()}
    assert areas["emergency_post_crisis"] == ("Emergency, Operations and Post-crisis", 47)
    assert len(areas) == 7 and len(table.countries()) == 10
    printed = {a.index: a.text for a in table.amounts}
    assert printed[49] == "66,700,000" and len(printed) == 18  # every amount of the excerpt
