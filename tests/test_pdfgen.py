"""The PDF fixture generator (tests/pdfgen.py) keeps its layout contract, read back with pdfplumber."""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from tests import pdfgen as g

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw" / "migration-initiatives-2015.txt"
LINES = g.read_lines(RAW)
EXCERPT = LINES[799:1000]  # lines 800-1000 of the report: 4 programme boxes, labels with no amount
NAMES = [r["name"] for r in csv.DictReader((ROOT / "etl" / "data" / "countries.csv").open(encoding="utf-8"))]

Word = dict[str, Any]


def _body_words(page: Any) -> list[Word]:
    """Words inside the body area (running header and footer dropped by position, not by text)."""
    return [
        w for w in page.extract_words() if w["top"] >= g.MARGIN_TOP and w["bottom"] <= g.PAGE_HEIGHT - g.MARGIN_BOTTOM
    ]


def _lines_of(words: list[Word]) -> list[str]:
    by_top: dict[int, list[Word]] = defaultdict(list)
    for w in words:
        by_top[round(w["top"])].append(w)
    return [" ".join(w["text"] for w in sorted(by_top[t], key=lambda w: w["x0"])) for t in sorted(by_top)]


def _read_columns(page: Any) -> list[str]:
    words = _body_words(page)
    left = [w for w in words if w["x0"] < g.COLUMN_SPLIT_X]
    right = [w for w in words if w["x0"] >= g.COLUMN_SPLIT_X]
    return _lines_of(left) + _lines_of(right)


def _expected(lines: list[str]) -> list[str]:
    return [" ".join(line.split()) for line in lines if line.strip()]


def _baseline(obj: Word) -> float:
    """Distance from the page top to the baseline of a char (its text matrix's y)."""
    return float(g.PAGE_HEIGHT - obj["matrix"][5])


@pytest.fixture(scope="module")
def excerpt_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("pdfgen") / "excerpt.pdf"
    return path, g.render_report(EXCERPT, path)


def test_page_size_and_count(excerpt_pdf: tuple[Path, int]) -> None:
    path, pages = excerpt_pdf
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == pages == 2
        for page in pdf.pages:
            assert page.width == pytest.approx(595.28, abs=0.01)
            assert page.height == pytest.approx(841.89, abs=0.01)


def test_running_header_and_footer(excerpt_pdf: tuple[Path, int]) -> None:
    path, _ = excerpt_pdf
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            header = [c for c in page.chars if _baseline(c) == pytest.approx(40)]
            assert "".join(c["text"] for c in header) == "Migration Initiatives 2015"
            assert header[0]["x0"] == pytest.approx(50)
            assert {round(c["size"], 2) for c in header} == {7.0}
            assert {c["fontname"] for c in header} == {"Helvetica"}
            footer = [c for c in page.chars if g.PAGE_HEIGHT - _baseline(c) == pytest.approx(35)]
            assert "".join(c["text"] for c in footer) == str(number)
            assert (footer[0]["x0"] + footer[-1]["x1"]) / 2 == pytest.approx(g.PAGE_WIDTH / 2)
            assert {round(c["size"], 2) for c in footer} == {7.0}


def test_columns_read_back_as_the_input(excerpt_pdf: tuple[Path, int]) -> None:
    """Left column then right column, page by page, gives the non-blank lines in order.

    The excerpt has "Migration Initiatives 2015" as a body line (line 829, the original's running
    head): it must come back as a body line, since the generated header is dropped by position.
    """
    path, _ = excerpt_pdf
    with pdfplumber.open(path) as pdf:
        got = [line for page in pdf.pages for line in _read_columns(page)]
    assert got == _expected(EXCERPT)
    assert "Migration Initiatives 2015" in got


def test_body_geometry(excerpt_pdf: tuple[Path, int]) -> None:
    """Helvetica 8.5 on 64 baselines 11 pt apart from 68.5 pt below the top; lines start at x=50 or 310.28."""
    path, _ = excerpt_pdf
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        body = [c for c in page.chars if c["top"] >= g.MARGIN_TOP and c["bottom"] <= g.PAGE_HEIGHT - g.MARGIN_BOTTOM]
        assert {c["fontname"] for c in body} == {"Helvetica"}
        sizes = {round(c["size"], 2) for c in body}
        assert 8.5 in sizes and min(sizes) >= 5  # two lines of the excerpt are condensed
        baselines = sorted({round(_baseline(c), 2) for c in body})
        assert baselines[0] == pytest.approx(g.MARGIN_TOP + 8.5)
        assert len(baselines) == g.LINES_PER_COLUMN == 64
        assert all(b - a == pytest.approx(11) for a, b in itertools.pairwise(baselines))
        assert baselines[-1] <= g.PAGE_HEIGHT - g.MARGIN_BOTTOM - 2
        line_starts = defaultdict(list)
        for c in body:
            line_starts[(round(_baseline(c), 2), c["x0"] < g.COLUMN_SPLIT_X)].append(c["x0"])
        assert {round(min(xs), 2) for xs in line_starts.values()} <= {50.0, 310.28, 52.36, 312.64}  # 2.36: a space
        lines = [line for line in EXCERPT[:128] if line.strip()]
        assert max(g.text_width(line.rstrip(), size=5) for line in lines) < g.COLUMN_WIDTH  # nothing overflows here


def test_programme_boxes_have_a_grey_rectangle_behind_them(excerpt_pdf: tuple[Path, int]) -> None:
    path, _ = excerpt_pdf
    boxes = g.find_boxes(EXCERPT)
    # Operations, Emergencies and Post-crisis / Migration Health / Immigration and Border Management /
    # Migration Policy and Research; the labels followed by no amount get no box
    assert len(boxes) == 4
    with pdfplumber.open(path) as pdf:
        rects = [(p.page_number, r) for p in pdf.pages for r in p.rects]
        assert len(rects) == len(boxes)
        for _, r in rects:
            assert r["fill"] and not r["stroke"]
            colour = r["non_stroking_color"]
            assert (tuple(colour) if isinstance(colour, list | tuple) else (colour,)) == (g.BOX_GREY,)
            assert r["width"] == pytest.approx(g.COLUMN_WIDTH + 2 * g.BOX_PAD_X)
        for n, r in rects:
            inside = _lines_of([w for w in pdf.pages[n - 1].extract_words() if _inside(w, r)])
            start = next(i for i in boxes if _expected([EXCERPT[i]]) == inside[:1])
            assert inside == _expected(EXCERPT[start : boxes[start] + 1])


def test_a_box_across_a_column_break_is_drawn_in_both_columns(tmp_path: Path) -> None:
    filler = [f"line {n}" for n in range(g.LINES_PER_COLUMN - 2)]
    lines = [*filler, "Migration Health", "Funding requirement (in USD)", "", "500,000", "after"]
    path = tmp_path / "split.pdf"
    g.render_report(lines, path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        rects = sorted(page.rects, key=lambda r: r["x0"])
        assert len(rects) == 2
        words = page.extract_words()
        assert _lines_of([w for w in words if _inside(w, rects[0])]) == [
            "Migration Health",
            "Funding requirement (in USD)",
        ]
        assert _lines_of([w for w in words if _inside(w, rects[1])]) == ["500,000"]
        assert rects[0]["bottom"] == pytest.approx(g.MARGIN_TOP + 11 * g.LINES_PER_COLUMN)
        assert rects[1]["top"] == pytest.approx(g.MARGIN_TOP)
        assert rects[1]["height"] == pytest.approx(22)  # the blank line and the amount
        assert _read_columns(page) == _expected(lines)


def _inside(w: Word, r: Word) -> bool:
    return bool(r["x0"] <= w["x0"] and w["x1"] <= r["x1"] and r["top"] <= w["top"] and w["bottom"] <= r["bottom"])


def test_no_box_without_an_amount() -> None:
    lines = ["Migrant Assistance", "Funding requirement (in USD)", "", "well as within Western Europe", "x"]
    assert g.find_boxes(lines) == {}
    assert g.find_boxes(["", "Funding requirement (in USD)", "5,000,000"]) == {}
    assert g.find_boxes(["Migration Health", "Funding requirement (in USD)", "", "", "500,000"]) == {0: 4}


def test_long_lines_are_made_smaller_then_condensed(tmp_path: Path) -> None:
    fits = "IOM will continue working with the Government of Burundi"
    smaller = "reduction-related challenges through communitydriven awareness-raising and public education"
    condensed = (
        "Some areas of northern Kenya face unique migration challenges due to the presence of nomadic and"
        " seminomadic pastoralists in Ethiopia, Kenya, Somalia and Uganda."
    )
    path = tmp_path / "long.pdf"
    g.render_report([fits, smaller, condensed], path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        lines = defaultdict(list)
        for c in page.chars:
            if c["top"] > g.MARGIN_TOP:
                lines[round(_baseline(c))].append(c)
        sizes = [{round(c["size"], 2) for c in cs} for _, cs in sorted(lines.items())]
        extents = [max(c["x1"] for c in cs) for _, cs in sorted(lines.items())]
        assert sizes[0] == {8.5}
        assert len(sizes[1]) == 1 and 5 < next(iter(sizes[1])) < 8.5
        assert extents[1] <= 50 + g.COLUMN_WIDTH
        assert sizes[2] == {5.0} and extents[2] <= 50 + g.COLUMN_WIDTH + 0.01  # condensed, not spilled
        assert _read_columns(page) == [fits, smaller, condensed]  # nothing crosses the gutter


def test_characters_of_the_report_round_trip(tmp_path: Path) -> None:
    """Curly quotes, dashes, the bullet and accented letters come back unchanged; U+2010 as "-", a tab as a space."""
    lines = [
        "IOM’s “global city.” 2013–2016 — • élan",
        "ô ö à ç ó ï è Ô ã ú á © í ü",
        "Emergency, Operations and Post‐crisis",
        "\tUnited Nations Department of Economic and Social Affairs",
        "tab\tinside",
    ]
    path = tmp_path / "chars.pdf"
    g.render_report(lines, path)
    with pdfplumber.open(path) as pdf:
        got = _read_columns(pdf.pages[0])
    assert got == [
        "IOM’s “global city.” 2013–2016 — • élan",
        "ô ö à ç ó ï è Ô ã ú á © í ü",
        "Emergency, Operations and Post-crisis",
        "United Nations Department of Economic and Social Affairs",
        "tab inside",
    ]


EHA = g.TableSpec(
    "EAST AND HORN OF AFRICA",
    [
        ("Burundi", "9,050,000"),
        ("United Kingdom of Great Britain and Northern Ireland", "7,700,000"),
        ("Ethiopia", "30,350,000"),
    ],
    [("Emergency, Operations and Post-crisis", "33,500,000"), ("Migration Health", "13,600,000")],
    "47,100,000",
)


def test_table_page(tmp_path: Path) -> None:
    path = tmp_path / "table.pdf"
    pages = g.render_report(EXCERPT[:30], path, tables={0: EHA, 10: EHA})
    with pdfplumber.open(path) as pdf:
        assert pages == len(pdf.pages) == 4  # table, 10 lines, table, 20 lines
        page = pdf.pages[0]
        words = page.extract_words(extra_attrs=["fontname", "size"])
        title = [w for w in words if w["fontname"] == "Helvetica-Bold" and round(w["size"]) == 12]
        assert _lines_of(title) == ["Funding requirements for", "EAST AND HORN OF AFRICA"]
        assert all(w["x0"] >= 50 for w in title)
        assert _lines_of([w for w in words if w["top"] < g.MARGIN_TOP]) == ["Migration Initiatives 2015"]
        assert [w["text"] for w in words if w["top"] > g.PAGE_HEIGHT - g.MARGIN_BOTTOM] == ["1"]

        def row(label_first: str, amount: str, label_x: float, amount_right: float) -> None:
            label = next(w for w in words if w["text"] == label_first and w["x0"] == pytest.approx(label_x, abs=0.01))
            value = next(w for w in words if w["text"] == amount and w["x1"] == pytest.approx(amount_right, abs=0.01))
            assert label["bottom"] == pytest.approx(value["bottom"])  # same size, so same baseline

        row("Country", "USD", 50, 260)
        row("Burundi", "9,050,000", 50, 260)
        row("United", "7,700,000", 50, 260)
        row("Ethiopia", "30,350,000", 50, 260)
        row("Programmatic", "USD", 310.28, 545.28)
        row("Emergency,", "33,500,000", 310.28, 545.28)
        row("Migration", "13,600,000", 310.28, 545.28)
        totals = [w for w in words if w["text"] == "47,100,000"]
        assert sorted(round(w["x1"], 2) for w in totals) == [260.0, 545.28]
        # the long label: two lines within 150 pt, 13 pt apart, its amount on the first
        left = [w for w in words if w["x0"] < 305 and w["top"] > 100]
        lines = _lines_of([w for w in left if w["x1"] < 205])
        i = lines.index("United Kingdom of Great Britain and")
        assert lines[i + 1] == "Northern Ireland"
        uk = [w for w in left if w["text"] in {"United", "Northern"}]
        assert uk[1]["bottom"] - uk[0]["bottom"] == pytest.approx(13)
        assert max(w["x1"] for w in left if w["x1"] < 205) <= 50 + g.LABEL_WRAP_WIDTH
        # row heights: Country, Burundi, United / Northern, Ethiopia, Total
        tops = sorted({round(w["bottom"], 2) for w in left if w["x0"] == pytest.approx(50)})
        assert [round(b - a, 2) for a, b in itertools.pairwise(tops)] == [13.0] * 5
        # the body resumes on a page of its own, with the next page number
        assert _read_columns(pdf.pages[1]) == _expected(EXCERPT[:10])
        assert pdf.pages[1].extract_words()[-1]["text"] == "2"


def test_cover(tmp_path: Path) -> None:
    path = tmp_path / "cover.pdf"
    assert g.render_report(EXCERPT[:5], path, cover=True) == 2
    with pdfplumber.open(path) as pdf:
        text = pdf.pages[0].extract_text()
        assert text.split("\n") == ["MIGRATION INITIATIVES 2015", g.COVER_SUBTITLE]
        footer = [w["text"] for w in pdf.pages[1].extract_words() if w["top"] > g.PAGE_HEIGHT - g.MARGIN_BOTTOM]
        assert footer == ["2"]


def test_table_continues_on_next_page(tmp_path: Path) -> None:
    path = tmp_path / "trap-table.pdf"
    spec = g.table_continues_on_next_page(path, NAMES)
    assert len(spec.countries) == 70
    total = int(spec.total.replace(",", ""))
    assert sum(int(a.replace(",", "")) for _, a in spec.countries) == total
    assert sum(int(a.replace(",", "")) for _, a in spec.areas) == total
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 2
        first, second = (p.extract_words() for p in pdf.pages)
        top2 = _lines_of([w for w in second if g.MARGIN_TOP <= w["top"] < 100])
        assert top2[0] == "Country USD"
        assert "Programmatic" not in {w["text"] for w in second}  # the areas table ended on page 1
        labels = " ".join(w["text"] for p in (first, second) for w in p if w["x1"] < 205)
        for label, _ in spec.countries:
            assert label in labels
        assert [w["text"] for w in second if w["x1"] == pytest.approx(260)][-1] == spec.total
        assert sum(1 for w in second if w["text"] == "Country") == 1


def test_heading_across_columns(tmp_path: Path) -> None:
    path = tmp_path / "trap-heading.pdf"
    expected = g.heading_across_columns(path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        words = page.extract_words(extra_attrs=["fontname", "size"])
        heading = [w for w in words if w["fontname"] == "Helvetica-Bold"]
        assert {round(w["size"]) for w in heading} == {14}
        assert " ".join(w["text"] for w in heading) == expected[0]
        assert heading[0]["x0"] < 305 < heading[-1]["x1"]
        assert any(w["x0"] >= 305 for w in heading)  # so a plain split at the gutter cuts it
        body = [w for w in words if w["fontname"] == "Helvetica" and g.MARGIN_TOP < w["top"] < 700]
        left = [w for w in body if w["x0"] < 305]
        right = [w for w in body if w["x0"] >= 305]
        assert [expected[0], *_lines_of(left), *_lines_of(right)] == expected
        assert min(w["top"] for w in body) > max(w["bottom"] for w in heading)


def test_wide_amount(tmp_path: Path) -> None:
    path = tmp_path / "trap-wide.pdf"
    expected = g.wide_amount(path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        amount = next(w for w in words if w["text"] == g.WIDE_AMOUNT)
        assert amount["x0"] == pytest.approx(50)
        assert amount["x1"] > g.COLUMN_X0[1]  # across the whole gap
        digits = [c for c in page.chars if c["size"] > 30]
        assert any(c["x0"] >= 305 for c in digits) and any(c["x1"] < 285 for c in digits)
        # words, not chars, assigned to columns give the lines back
        assert _read_columns(page) == expected
        box = page.rects[0]
        assert _inside(next(w for w in words if w["text"] == "Total,"), box)


def test_cli_line_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.pdf"
    assert g.main([str(RAW), str(out), "--lines", "800:1000", "--cover"]) == 0
    assert "lines 800-1000" in capsys.readouterr().err
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 3
        got = [line for page in pdf.pages[1:] for line in _read_columns(page)]
    assert got == _expected(EXCERPT)
    with pytest.raises(SystemExit) as e:
        g.main([str(RAW), str(out), "--lines", "1000:800"])
    assert e.value.code == 2


def test_rendering_is_reproducible(tmp_path: Path) -> None:
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    g.render_report(EXCERPT, a)
    g.render_report(EXCERPT, b)
    assert a.read_bytes() == b.read_bytes()


def test_whole_report_renders(tmp_path: Path) -> None:
    """(How fast, and how fast it is read back, is measured by `make bench`.)"""
    pages = g.render_report(LINES, tmp_path / "whole.pdf", cover=True)
    assert pages == 256
    assert len(LINES) == 32_556


def test_cli_layout_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.pdf"
    assert g.main([str(RAW), str(out), "--lines", "800:1000", "--layout", "columns=3", "--layout", "font=Times"]) == 0
    with pdfplumber.open(out) as pdf:
        starts = {round(c["x0"], 1) for c in pdf.pages[0].chars if c["fontname"] == "Times-Roman" and c["size"] > 8}
    layout = g.Layout(columns=3, font="Times")
    assert {round(layout.column_x0(k), 1) for k in range(3)} <= starts
    with pytest.raises(SystemExit) as e:
        g.main([str(RAW), str(out), "--layout", "columns=4"])
    assert e.value.code == 2
    assert "--layout columns=4: not one of" in capsys.readouterr().err


def test_pairwise_layouts_hold_every_pair_of_option_values() -> None:
    layouts = g.pairwise_layouts()
    names = list(g.LAYOUT_OPTIONS)
    for a, b in itertools.combinations(names, 2):
        held = {(getattr(x, a), getattr(x, b)) for x in layouts}
        assert held == set(itertools.product(g.LAYOUT_OPTIONS[a], g.LAYOUT_OPTIONS[b])), (a, b)
    assert len(layouts) < 40  # far fewer than the 2 x 4 x 4 x ... combinations
