"""The layout matrix (tests/pdfgen.py `Layout`): report excerpts rendered in ordinary layouts
the extractor was not written for read back exactly.

- Each layout option alone, on a small excerpt: the lines come back exactly (`expected_lines`),
  the furniture the generator drew is what is left out, and nothing else is.
- A pairwise selection of all the options together (every pair of option values in some
  layout), each on a one-region report: the rows of the text path. Where a layout starts its
  columns elsewhere than the text's page marks, the text path is given the text marked where
  the PDF's columns start, as a text export of that PDF would be (`Excerpt.text`).

`make bench` renders the whole report in every pairwise layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from etl.extract import path_to_document
from etl.extract.text import bytes_to_document
from etl.pipeline import document_to_rows
from etl.source import Document
from etl.validate import Rows
from tests import pdfgen as g
from tests.conftest import FIXTURES
from tests.pdfgen import COMPARED

# One-region reports: a fixture's sections and the table they add up to (figures of the 2015 report).
REPORTS: dict[str, tuple[str, dict[str, int | str], dict[str, int | str]]] = {
    "amount_printed_under_the_next_heading": (
        "East and Horn of Africa",
        {"Djibouti": 7_700_000, "Ethiopia": 30_350_000},
        {
            "Emergency, Operations and Post-crisis": 17_800_000,
            "Migration Health": 2_600_000,
            "Immigration and Border Management": 6_300_000,
            "Migrant Assistance": 9_000_000,
            "Labour Migration and Human Development": 2_300_000,
            "Migration and Environment": 50_000,
        },
    ),
    "amounts_printed_before_their_heading": (
        "West and Central Africa",
        {"Guinea-Bissau": 300_000, "Liberia": 49_500_000},
        {
            "Emergency, Operations and Post-crisis": 39_000_000,
            "Migration Health": 2_000_000,
            "Immigration and Border Management": 3_000_000,
            "Migrant Assistance": 1_000_000,
            "Labour Migration and Human Development": 2_500_000,
            "Migration Policy and Research": 2_300_000,
        },
    ),
    "country_with_no_heading": (
        "Asia and the Pacific",
        {"Iran (Islamic Republic of)": 2_200_000, "Japan": "Funded", "Lao People's Democratic Republic": 1_700_000},
        {
            "Emergency, Operations and Post-crisis": 550_000,
            "Migration Health": 1_700_000,
            "Immigration and Border Management": 150_000,
            "Migrant Assistance": 800_000,
            "Labour Migration and Human Development": 350_000,
            "Migration Policy and Research": 350_000,
        },
    ),
}


def excerpt(name: str, lines: int | None = None) -> g.Excerpt:
    region, countries, areas = REPORTS[name]
    sections = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").split("\n")[:lines]
    return g.report_excerpt(region, countries, areas, sections)


SMALL = excerpt("amount_printed_under_the_next_heading", 200)  # two pages and a table page


@pytest.mark.parametrize("layout", g.single_option_layouts(), ids=g.Layout.name)
def test_each_layout_option_alone_gives_the_lines_back(tmp_path: Path, layout: g.Layout) -> None:
    path = tmp_path / "excerpt.pdf"
    pages = g.render_report(SMALL.lines, path, tables=SMALL.tables, layout=layout)
    doc = path_to_document(path)
    assert [line.text for line in doc.lines if line.text] == g.expected_lines(SMALL.lines, layout, SMALL.tables)
    assert pages >= 2 and [a.page for a in doc.pages] == list(range(1, pages + 1))
    assert sum(a.furniture for a in doc.pages) == g.furniture_glyphs(layout, range(1, pages + 1))
    assert all(a.drawn == a.in_lines + a.furniture and not (a.turned or a.overprinted) for a in doc.pages)


_ANY_LAYOUT = st.builds(
    g.Layout,
    paper=st.sampled_from(["A4", "Letter"]),
    margin_top=st.floats(36, 80),
    margin_bottom=st.floats(36, 80),
    header=st.booleans(),
    footer=st.booleans(),
    number=st.sampled_from(["bottom_centre", "bottom_outer", "top_outer", "none"]),
    font=st.sampled_from(["Helvetica", "Times", "Courier"]),
    size=st.floats(8, 10.5),
    gutter=st.floats(10, 40),
    justify=st.sampled_from(["none", "spacing", "words"]),
    columns=st.sampled_from([1, 2, 3]),
    follow_marks=st.booleans(),
    tables=st.sampled_from(["pages", "flow"]),
    amount_on_box_line=st.booleans(),
    boxes=st.sampled_from(["shaded", "dark"]),
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_ANY_LAYOUT, st.sampled_from(sorted(REPORTS)))
def test_layouts_between_the_matrix_values_give_the_lines_back(tmp_path: Path, layout: g.Layout, name: str) -> None:
    """Margins, sizes and gutters anywhere in their ranges, any mix of options: layouts no test
    was written for read back exactly too."""
    report = excerpt(name, 220)
    path = tmp_path / "any.pdf"
    pages = g.render_report(report.lines, path, tables=report.tables, layout=layout)
    assume(pages > 1)  # a single page has no furniture to tell by repetition (test_pdf.py)
    doc = path_to_document(path)
    assert [line.text for line in doc.lines if line.text] == g.expected_lines(report.lines, layout, report.tables)
    assert sum(a.furniture for a in doc.pages) == g.furniture_glyphs(layout, range(1, pages + 1))


def _rows(doc: Document) -> dict[str, list[tuple[Any, ...]]]:
    rows = Rows()
    document_to_rows(doc, rows)
    return {
        table: sorted(tuple(_same(getattr(r, c)) for c in columns) for r in getattr(rows, table))
        for table, columns in COMPARED.items()
    }


def _same(value: Any) -> Any:
    """As the generator's fonts draw it (U+2010 as '-', a tab as a space); lists as tuples."""
    if isinstance(value, str):
        return g.as_drawn(value)
    if isinstance(value, list):
        return tuple(_same(v) for v in value)
    return value


PAIRWISE = g.pairwise_layouts()


@pytest.mark.parametrize("n", range(len(PAIRWISE)), ids=[layout.name() for layout in PAIRWISE])
def test_pairwise_layouts_give_the_text_rows(tmp_path: Path, n: int) -> None:
    layout, name = PAIRWISE[n], list(REPORTS)[n % len(REPORTS)]
    report = excerpt(name)
    path = tmp_path / f"{name}.pdf"
    starts: list[int] = []
    g.render_report(report.lines, path, tables=report.tables, layout=layout, starts=starts)
    text = report.text(None if layout.follow_marks else starts)
    want = _rows(bytes_to_document("\n".join(text).encode("utf-8"), f"{name}.txt"))
    assert want["programmes"] and want["region_countries"]
    assert _rows(path_to_document(path)) == want


def test_a_cached_pdf_keeps_its_pages(tmp_path: Path) -> None:
    """A PDF read from the cache gives the same pages table as when it was read."""
    from etl.pipeline import build
    from tests.conftest import read

    report = excerpt("amounts_printed_before_their_heading")
    path = tmp_path / "report.pdf"
    g.render_report(report.lines, path, tables=report.tables)
    said: list[str] = []
    build([path], tmp_path / "out", cache=tmp_path / "cache")
    first = read(tmp_path / "out", "pages")
    build([path], tmp_path / "out", cache=tmp_path / "cache", progress=said.append)
    assert any("read from" in line for line in said)
    assert read(tmp_path / "out", "pages") == first and len(first) >= 2
