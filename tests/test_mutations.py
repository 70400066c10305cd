"""The report changed the ways another edition or another text exporter changes it: one structural
heading spelt otherwise or left out, the running footer renamed, no blank lines, CRLF, form feeds.
Each build gives the same rows as the original, or stops with one coded line naming a place near
the change; never a successful build with rows lost or added (README: What mi-etl guarantees).

`make test` runs one occurrence of each kind for each variant (tests/mutants.py `sample`);
`python -m tests.mutants` sweeps them all."""

from __future__ import annotations

from typing import Any

import pytest

from tests.mutants import EXPORTS, Mutation, apply, figures, judge, report_lines, sample, text_rows

LINES = report_lines()
Figures = dict[str, list[tuple[Any, ...]]]


@pytest.fixture(scope="module")
def expected() -> Figures:
    return figures(text_rows("\n".join(LINES)))


@pytest.mark.parametrize("mutation", sample(LINES), ids=lambda m: m.name)
def test_a_heading_changed_gives_the_same_rows_or_stops_near_it(mutation: Mutation, expected: Figures) -> None:
    outcome = judge(mutation, "\n".join(apply(LINES, mutation)), expected)
    assert outcome.verdict in ("same", "error-near"), outcome.detail
    if outcome.verdict == "error-near":
        assert "\n" not in outcome.detail and outcome.detail.startswith("report.txt:")


KNOWN_TO_DIFFER = {
    "no_blank_lines": "the multiregional part without blank lines: where a column breaks mid-sentence, or two"
    " titles stand one above the other, a few amounts are read with another initiative (README: What mi-etl"
    " guarantees, known limits)",
}


@pytest.mark.parametrize(
    "export",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_TO_DIFFER[name], strict=True))
        if name in KNOWN_TO_DIFFER
        else name
        for name in sorted(EXPORTS)
    ],
)
def test_another_exporter_gives_the_same_rows(export: str, expected: Figures) -> None:
    outcome = judge(Mutation("export", export, 0, ""), EXPORTS[export](LINES), expected)
    assert outcome.verdict == "same", outcome.detail


def test_the_sample_covers_every_kind_and_variant() -> None:
    kinds = {m.kind for m in sample(LINES)}
    assert kinds == {
        "region_title",
        "country_column",
        "usd_column",
        "area_column",
        "total_row",
        "box_line",
        "multiregional_title",
        "country_heading",
        "running_footer",
        "theme_line",
    }
    assert {"deleted", "upper", "lower", "plural"} <= {m.variant for m in sample(LINES)}


def test_without_blank_lines_every_regional_figure_is_the_same(expected: Figures) -> None:
    """The known limit of a text without blank lines is the multiregional part's stacked titles:
    every figure of the regional tables and boxes stays the same."""
    got = figures(text_rows(EXPORTS["no_blank_lines"](LINES)))
    for table in ("regions", "region_countries", "region_areas"):
        assert got[table] == expected[table], table
    boxes = [row for row in got["programmes"] if not row[0].startswith("multiregional/")]
    assert boxes == [row for row in expected["programmes"] if not row[0].startswith("multiregional/")]
