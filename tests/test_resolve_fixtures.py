"""Resolution of small reports made of a stated table and sections cut from the real text.

Each fixture holds one trap. The table block is written here (the cut sections' own figures),
the sections are the report's text as printed; the resolver must pair them as the text says.
A few sections teach the text model little, so it is learnt from the whole 2015 report, as a
build of that report would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from etl.extract import path_to_document
from etl.gazetteer import load_gazetteer
from etl.resolve import Laid, reading_lines, segments_to_layouts, solver
from etl.resolve.figures import resolution_to_figures
from etl.resolve.region import layout_to_resolution
from etl.resolve.textmodel import TextModel, clean_boxes, examples_to_model, text_words
from etl.segment import document_to_segments
from etl.segment.lexicon import format_amount
from etl.source import Document
from tests.conftest import FIXTURES, RAW
from tests.test_pdf_layouts import REPORTS

Row = int | str  # an amount, or "funded"


def mini_report(tmp: Path, fixture: str, region: str, rows: dict[str, Row], areas: dict[str, Row]) -> Path:
    """A one-region report: title, funding table (as the report prints it), then the fixture's sections."""
    total = sum(v for v in rows.values() if isinstance(v, int))
    assert total == sum(v for v in areas.values() if isinstance(v, int)), "the fixture's table must add up"
    lines = ["Migration Initiatives 2015", " Funding requirements for", region.upper(), "Country", "", "USD"]
    for label, value in rows.items():
        lines += [label, format_amount(value) if isinstance(value, int) else value, ""]
    lines += ["Total funding requirement", format_amount(total), "", "Programmatic area", "USD"]
    for label, value in areas.items():
        lines += [label, format_amount(value) if isinstance(value, int) else value, ""]
    lines += ["Total funding requirement", format_amount(total)]
    text = "\n".join(lines) + "\n" + (FIXTURES / f"{fixture}.txt").read_text(encoding="utf-8")
    path = tmp / f"{fixture}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def layouts(doc: Document) -> list[Laid]:
    gaz = load_gazetteer()
    return segments_to_layouts(document_to_segments(doc, gaz), doc, gaz)


@pytest.fixture(scope="module")
def model() -> TextModel:
    doc = path_to_document(RAW)
    examples = []
    for item in layouts(doc):
        layout = item.layout
        spans = dict(zip((t.index for t in layout.tokens), layout.token_text, strict=True))
        items = sorted(layout.tokens + layout.labels + layout.markers, key=lambda i: i.index)
        examples += [(area, text_words(doc.lines, spans[items[n].index])) for n, area in clean_boxes(items)]
    return examples_to_model(examples)


def resolve(tmp: Path, model: TextModel, *args: Any) -> dict[tuple[str, str], dict[str, Any]]:
    doc = path_to_document(mini_report(tmp, *args))
    [item] = layouts(doc)
    resolution = layout_to_resolution(item.layout, model, doc.lines, 20.0)
    figures = resolution_to_figures(resolution, item.region.name, item.region.name_ref, doc.lines)
    assert figures.unresolved is None
    return {
        (p.section, p.area_id): {
            "status": p.status,
            "requirement_usd": p.value,
            "source_ref": str(p.source_ref),
        }
        for p in figures.programmes
    }


def _line(row: dict[str, Any]) -> int:
    return int(str(row["source_ref"]).rsplit(":", 1)[1])


def test_amount_printed_under_the_next_heading(tmp_path: Path, model: TextModel) -> None:
    """Djibouti's labour programme (300,000) is printed after the ETHIOPIA heading; Ethiopia's
    environment amount (50,000) has no label at all: the area rows place it."""
    got = resolve(
        tmp_path,
        model,
        "amount_printed_under_the_next_heading",
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
    )
    assert got["DJI", "labour_migration_human_development"]["requirement_usd"] == 300_000
    assert got["ETH", "labour_migration_human_development"]["requirement_usd"] == 2_000_000
    assert got["ETH", "migration_environment"]["requirement_usd"] == 50_000


def test_amounts_printed_before_their_heading(tmp_path: Path, model: TextModel) -> None:
    """Liberia's emergency (39,000,000) and health (2,000,000) boxes come before its heading."""
    got = resolve(
        tmp_path,
        model,
        "amounts_printed_before_their_heading",
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
    )
    liberia = {_line(r): r["requirement_usd"] for (s, _), r in got.items() if s == "LBR"}
    heading = 117  # LIBERIA, in the report made of the table (37 lines) and the fixture
    assert {line: usd for line, usd in liberia.items() if line < heading} == {65: 39_000_000, 112: 2_000_000}
    assert sum(liberia.values()) == 49_500_000
    assert got["LBR", "emergency_post_crisis"]["requirement_usd"] == 39_000_000
    assert got["GNB", "migration_policy_research"]["requirement_usd"] == 300_000


# the table of the fixture `country_with_no_heading` (rows, areas): Japan's three programmes are funded
JAPAN_TABLE: tuple[dict[str, Row], dict[str, Row]] = REPORTS["country_with_no_heading"][1:]


def test_country_with_no_heading(tmp_path: Path, model: TextModel) -> None:
    """Japan has no heading: its three funded programmes sit between Iran's and Lao's, and
    Lao's health amount is printed before the LAO heading."""
    got = resolve(tmp_path, model, "country_with_no_heading", "Asia and the Pacific", *JAPAN_TABLE)
    japan = sorted((_line(r), r["status"]) for (s, _), r in got.items() if s == "JPN")
    assert [status for _, status in japan] == ["funded"] * 3  # the fixture's lines 110, 119, 182 of the raw text
    assert got["JPN", "emergency_post_crisis"]["status"] == "funded"
    assert got["LAO", "migration_health"]["requirement_usd"] == 500_000
    assert got["IRN", "migration_policy_research"]["requirement_usd"] == 350_000


@pytest.mark.parametrize("swap_areas", [False, True])
def test_label_above_another_areas_amount(tmp_path: Path, model: TextModel, swap_areas: bool) -> None:
    """In the regional programmes, 1,900,000 stands under a policy label but is migrant
    assistance; Burundi's 250,000 and 2,300,000 add up either way round: only the area rows
    decide. With the two area rows swapped, the resolver must follow the rows, not the layout."""
    migrant, labour = 2_150_000, 3_800_000
    if swap_areas:  # the Burundi pair the other way round: 2,300,000 migrant assistance, 250,000 labour
        migrant, labour = 4_200_000, 1_750_000
    got = resolve(
        tmp_path,
        model,
        "label_above_another_areas_amount",
        "East and Horn of Africa",
        {"Regional Programmes": 14_900_000, "Burundi": 9_050_000},
        {
            "Emergency, Operations and Post-crisis": 10_000_000,
            "Migration Health": 1_500_000,
            "Immigration and Border Management": 3_400_000,
            "Migrant Assistance": migrant,
            "Labour Migration and Human Development": labour,
            "Migration Policy and Research": 3_100_000,
        },
    )
    assert got["regional", "migrant_assistance"]["requirement_usd"] == 1_900_000
    assert got["regional", "migration_policy_research"]["requirement_usd"] == 3_000_000
    expected = (2_300_000, 250_000) if swap_areas else (250_000, 2_300_000)
    assert (
        got["BDI", "migrant_assistance"]["requirement_usd"],
        got["BDI", "labour_migration_human_development"]["requirement_usd"],
    ) == expected


def test_a_region_not_paired_in_time_says_where_to_look(
    tmp_path: Path, model: TextModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same Japan with no heading, and every solve stopped by the time bound with nothing
    found: the failure is the time bound's (a longer --time-limit may help) and names the heading
    printed next to the section that has none, IRAN's: only the sums place Japan's boxes, the
    place to look first."""
    monkeypatch.setattr(solver.Model, "solve", lambda self, time_limit: solver.Outcome("UNKNOWN", 0.0))
    doc = path_to_document(mini_report(tmp_path, "country_with_no_heading", "Asia and the Pacific", *JAPAN_TABLE))
    [item] = layouts(doc)
    resolution = layout_to_resolution(item.layout, model, doc.lines, 20.0)
    figures = resolution_to_figures(resolution, item.region.name, item.region.name_ref, doc.lines)
    assert figures.unresolved is not None and figures.timed_out
    assert "no section heading is printed for 'Japan'" in figures.unresolved
    assert figures.unresolved_ref is not None and figures.unresolved_ref.line is not None
    assert doc.lines[figures.unresolved_ref.line - 1].text.strip().startswith("IRAN")


@pytest.mark.parametrize("timed_out", [True, False])
def test_a_longer_time_limit_is_suggested_only_when_the_time_bound_was_hit(timed_out: bool) -> None:
    from etl.errors import Unresolved
    from etl.resolve.figures import RegionFigures
    from etl.source import SourceRef
    from etl.validate import _refuse_unresolved

    title, beside = SourceRef("report.txt", 10), SourceRef("report.txt", 200)
    region = RegionFigures("r", "REGION", title, (), (), (), (), "why", "unresolved", (), beside, timed_out)
    with pytest.raises(Unresolved) as raised:
        _refuse_unresolved([region])
    assert raised.value.line().startswith("report.txt:200: unresolved: region 'REGION': why; ")
    assert ("--time-limit" in raised.value.line()) == timed_out


def test_a_box_line_or_heading_takes_no_room_between_a_label_and_an_amount() -> None:
    """The distance that prices pairing an amount with an area label counts the programme text
    between them, not the box lines, headings, labels and amounts printed there: an edition that
    leaves one out, or prints one twice, moves no label in or out of an amount's reach."""
    doc = path_to_document(RAW)
    gaz = load_gazetteer()
    segments = document_to_segments(doc, gaz)
    lines = reading_lines(doc, segments)  # page furniture blanked, as the layouts read it
    checked = 0
    for item in segments_to_layouts(segments, doc, gaz, lines):
        layout = item.layout
        own = {i for x in (*layout.tokens, *layout.labels, *layout.markers) for i in range(x.index, x.index + x.span)}
        own |= {s.heading.index for s in layout.sections if s.heading is not None}
        for token in layout.tokens[:12]:
            for label in layout.labels[:12]:
                lo, hi = sorted((token.index, label.index))
                between = [i for i in range(lo, hi) if lines[i].text.strip()]
                assert layout.lines_apart(lo, hi) == len(between)
                assert layout.prose_apart(lo, hi) == len([i for i in between if i not in own])
                checked += 1
    assert checked > 1000
