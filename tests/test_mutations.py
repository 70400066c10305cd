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


@pytest.mark.parametrize("export", sorted(EXPORTS))
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
