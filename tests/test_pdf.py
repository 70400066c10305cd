"""The PDF path: report-like PDFs rendered from the report's text (tests/pdfgen.py) give the rows
the text path gives, with page references; the classic traps of PDF text; bad PDFs."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from etl.errors import UnreadablePdf
from etl.extract import path_to_document
from etl.extract.text import bytes_to_document
from etl.gazetteer import load_gazetteer
from etl.pipeline import BuildReport, build
from etl.segment.regions import document_to_regions
from etl.segment.table import lines_to_table
from etl.source import Document
from tests import pdfgen as g
from tests.conftest import RAW, ROOT, failing_build, read
from tests.pdfgen import COMPARED

LINES = g.read_lines(RAW)
NAMES = [r["name"] for r in csv.DictReader((ROOT / "etl" / "data" / "countries.csv").open(encoding="utf-8"))]


def _same_text(value: Any) -> Any:
    """The generator's fonts have no U+2010/U+2011 hyphen nor tab: they come back as '-' and ' '
    (tests/pdfgen.py)."""
    if isinstance(value, str):
        return value.replace("\u2010", "-").replace("\u2011", "-").replace("\t", " ")
    if isinstance(value, list):
        return [_same_text(v) for v in value]
    return value


def _rows(out: Path, table: str) -> list[tuple[Any, ...]]:
    return [tuple(_same_text(r[c]) for c in COMPARED[table]) for r in read(out, table)]


@pytest.fixture(scope="module", params=["east_horn_africa", "southern_africa"])
def region_built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """One region of the report as text and as a PDF (its table a table page), both built."""
    region_id: str = request.param
    doc = bytes_to_document(RAW.read_bytes(), "report")
    region = next(r for r in document_to_regions(doc, load_gazetteer()) if r.region_id == region_id)
    excerpt = LINES[region.table[0] - 40 : region.zone[1]]
    folder = tmp_path_factory.mktemp(region_id)
    text = folder / f"{region_id}.txt"
    text.write_text("\n".join(excerpt) + "\n", encoding="utf-8")
    build([text], folder / "out-text")
    report = g.with_table_pages(excerpt, folder / "out-text")
    pdf = folder / f"{region_id}.pdf"
    g.render_report(report.lines, pdf, tables=report.tables, layout=g.Layout(follow_marks=True))
    build([pdf], folder / "out-pdf", jobs=2)
    return folder / "out-text", folder / "out-pdf", region_id


@pytest.mark.parametrize("table", list(COMPARED))
def test_a_pdf_gives_the_rows_the_text_gives(region_built: tuple[Path, Path, str], table: str) -> None:
    text_out, pdf_out, region_id = region_built
    rows = _rows(text_out, table)
    assert rows and _rows(pdf_out, table) == rows
    assert {r["region_id"] for r in read(pdf_out, "regions")} == {region_id}


def test_pdf_rows_name_their_page_and_box(region_built: tuple[Path, Path, str]) -> None:
    _, pdf_out, region_id = region_built
    with pdfplumber.open(pdf_out.parent / f"{region_id}.pdf") as pdf:
        sizes = {n: (float(p.width), float(p.height)) for n, p in enumerate(pdf.pages, start=1)}
    for table in ("region_countries", "region_areas", "programmes"):
        for r in read(pdf_out, table):
            file, page = str(r["source_ref"]).rsplit("#p", 1)
            assert file.endswith(f"/{region_id}.pdf") and page.isdigit()
            if r["status"] != "missing":
                width, height = sizes[int(page)]
                x0, top, x1, bottom = (float(v) for v in str(r["source_box"]).split(","))
                assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height
    (report,) = read(pdf_out, "reports")
    assert report["source_kind"] == "pdf"


def test_text_rows_have_no_box(built_2015: tuple[Path, BuildReport]) -> None:
    assert {r["source_box"] for r in read(built_2015[0], "region_countries")} == {None}
    assert read(built_2015[0], "pages") == []


def test_pdf_pages_account_for_every_character(region_built: tuple[Path, Path, str]) -> None:
    """The pages table: one row per page; every character drawn is in the lines but the running
    header and the page number, which are named."""
    _, pdf_out, region_id = region_built
    pages = read(pdf_out, "pages")
    with pdfplumber.open(pdf_out.parent / f"{region_id}.pdf") as pdf:
        assert [p["page"] for p in pages] == list(range(1, len(pdf.pages) + 1))
    assert {p["report_id"] for p in pages} == {"mi-2015"}
    for p in pages:
        assert p["furniture"] == [g.HEADER_TEXT, str(p["page"])]
        assert p["chars_furniture"] == g.furniture_glyphs(g.DEFAULT_LAYOUT, [p["page"]])
        assert p["chars_in_lines"] == p["chars_drawn"] - p["chars_furniture"] > 0
        assert p["chars_turned"] == p["chars_overprinted"] == 0


def _texts(path: Path) -> list[str]:
    return [line.text for line in path_to_document(path).lines if line.text.strip()]


def test_table_continues_on_next_page(tmp_path: Path) -> None:
    """One table over two pages: the rows of both pages, each label before its amount, a label
    wrapped onto two lines read as one, the repeated header row and both totals as printed."""
    path = tmp_path / "table.pdf"
    spec = g.table_continues_on_next_page(path, NAMES)
    rows = [x for row in spec.countries for x in row]
    areas = [x for row in spec.areas for x in row]
    first, second = rows[: 48 * 2], rows[48 * 2 :]
    total = ["Total funding requirement", spec.total]
    head = ["Funding requirements for", spec.region_title, "Country", "USD"]
    assert _texts(path) == [
        *head,
        *first,
        "Programmatic area",
        "USD",
        *areas,
        *total,
        "Country",
        "USD",
        *second,
        *total,
    ]
    doc = path_to_document(path)
    table = lines_to_table(doc.lines, 0, len(doc.lines), load_gazetteer())
    assert len(table.countries()) == 70 and len(table.areas()) == 7 and len(table.totals()) == 2
    assert len(table.amounts) == 70 + 7 + 2


def test_heading_across_columns(tmp_path: Path) -> None:
    path = tmp_path / "heading.pdf"
    expected = g.heading_across_columns(path)
    assert _texts(path) == expected


def test_amount_wider_than_its_column_gap(tmp_path: Path) -> None:
    path = tmp_path / "wide.pdf"
    expected = g.wide_amount(path)
    assert _texts(path) == expected


def _page(path: Path, draw: Callable[[Canvas], None]) -> list[str]:
    c = Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 8.5)
    draw(c)
    c.showPage()
    c.save()
    return _texts(path)


_PROSE = [
    "IOM aims to hold regional workshops in the",
    "Regional Administrative Centres and at its",
    "Headquarters, with the governments concerned.",
]


def test_a_piece_beside_a_heading_across_the_columns_is_kept(tmp_path: Path) -> None:
    """A piece on the baseline of a heading across both columns (found by the PDF fuzzer: it was
    in no band, so it was lost without a count): read with the heading, after it."""

    def draw(c: Canvas) -> None:
        c.setFont("Helvetica-Bold", 14)
        c.drawString(50, 760, g.HEADING_TEXT)  # to x = 480 or so, across the gutter
        c.setFont("Helvetica", 8.5)
        c.drawRightString(545, 760, "2015")
        for k in range(6):
            c.drawString(50, 730 - 11 * k, f"left column line {k}")
            c.drawString(310, 730 - 11 * k, f"right column line {k}")

    texts = _page(tmp_path / "beside.pdf", draw)
    assert texts == [
        g.HEADING_TEXT,
        "2015",
        *(f"left column line {k}" for k in range(6)),
        *(f"right column line {k}" for k in range(6)),
    ]
    (audit,) = path_to_document(tmp_path / "beside.pdf").pages
    assert audit.in_lines == audit.drawn


def test_a_line_far_below_the_others_is_one_paragraph_break_away(tmp_path: Path) -> None:
    """Tiny lines close together, then one drawn far below the page (found by the PDF fuzzer: a
    blank line per line height of the gap, millions of them, exhausted the memory)."""

    def draw(c: Canvas) -> None:
        c.setFont("Helvetica", 2)
        for k in range(20):
            c.drawString(50, 700 - 2.4 * k, f"line {k}")
        c.drawString(50, -90_000, "far below")

    doc = _pages(tmp_path / "far.pdf", draw)
    assert [line.text for line in doc.lines] == [*(f"line {k}" for k in range(20)), "", "far below"]


def test_justified_lines_stay_whole(tmp_path: Path) -> None:
    """Words set far apart (a justified line, no space drawn) are one line, not table cells."""

    def draw(c: Canvas) -> None:
        for k, line in enumerate(_PROSE):
            words = line.split()
            step = (235 - sum(c.stringWidth(w) for w in words)) / (len(words) - 1)
            for x0, y in ((50, 700), (310, 700)):
                x = x0
                for w in words:
                    c.drawString(x, y - 11 * k, w)
                    x += c.stringWidth(w) + step

    assert _page(tmp_path / "justified.pdf", draw) == _PROSE + _PROSE


def test_a_narrow_gutter_still_separates_the_columns(tmp_path: Path) -> None:
    left = [f"left column line {k:02d} runs to the very edge of it" for k in range(12)]
    right = [f"right column line {k}" for k in range(12)]

    def draw(c: Canvas) -> None:
        for k in range(12):
            c.drawString(50, 700 - 11 * k, left[k])
            c.drawString(50 + c.stringWidth(left[0]) + 10, 700 - 11 * k, right[k])  # a 10 pt gutter

    assert _page(tmp_path / "gutter.pdf", draw) == left + right


def test_a_table_across_the_page_keeps_its_rows(tmp_path: Path) -> None:
    rows = [
        ("Country", "USD"),
        ("Burundi", "4,500,000"),
        ("Kenya", "9,000,000"),
        ("Total funding requirement", "13,500,000"),
    ]

    def draw(c: Canvas) -> None:
        for k, (label, amount) in enumerate(rows):
            c.drawString(50, 700 - 13 * k, label)
            c.drawRightString(545, 700 - 13 * k, amount)

    assert _page(tmp_path / "wide-table.pdf", draw) == [x for row in rows for x in row]


def _pages(path: Path, *pages: Callable[[Canvas], None], size: tuple[float, float] = A4) -> Document:
    c = Canvas(str(path), pagesize=size)
    for draw in pages:
        c.setFont("Helvetica", 8.5)
        draw(c)
        c.showPage()
    c.save()
    return path_to_document(path)


def _edges(number: int) -> Callable[[Canvas], None]:
    """A page whose running header sits 30 pt from the top, its number 30 pt from the bottom, with
    a heading 65 pt from the top (where a fixed band once cut), drawn twice (fake bold), and text
    upside down."""

    def draw(c: Canvas) -> None:
        c.drawString(50, g.PAGE_HEIGHT - 30, "Migration Initiatives 2015")
        c.drawCentredString(g.PAGE_WIDTH / 2, 30, str(number))
        c.setFont("Helvetica-Bold", 24)
        c.drawString(50, g.PAGE_HEIGHT - 65, "EAST AND HORN")
        c.drawString(50.4, g.PAGE_HEIGHT - 65, "EAST AND HORN")  # drawn twice: fake bold
        c.setFont("Helvetica", 8.5)
        c.drawString(50, 600, "Funding requirement (in USD)")
        c.saveState()
        c.translate(400, 300)
        c.rotate(180)
        c.drawString(0, 0, "upside down")
        c.restoreState()

    return draw


def test_running_header_and_page_number_found_by_repetition(tmp_path: Path) -> None:
    """Over three pages the header and the page numbers repeat (digits masked): they are left
    out and named; the heading near the top is read, once; the upside-down text is counted."""
    doc = _pages(tmp_path / "edges.pdf", *(_edges(n) for n in (7, 8, 9)))
    assert [line.text for line in doc.lines if line.text] == ["EAST AND HORN", "Funding requirement (in USD)"] * 3
    assert [a.furniture_text for a in doc.pages] == [("Migration Initiatives 2015", str(n)) for n in (7, 8, 9)]
    heading, box, header, upside = (
        len(t.replace(" ", "")) for t in ("EAST AND HORN", g.FUNDING_LINE, g.HEADER_TEXT, "upside down")
    )
    for a in doc.pages:  # one-digit page numbers
        assert (a.in_lines, a.furniture, a.turned, a.overprinted) == (heading + box, header + 1, upside, heading)
        assert a.drawn == a.in_lines + a.furniture + a.turned + a.overprinted


def test_a_single_page_keeps_its_header(tmp_path: Path) -> None:
    """One page repeats nothing: what sits where a header would is body text, never dropped for its place."""
    doc = _pages(tmp_path / "one.pdf", _edges(17))
    texts = [line.text for line in doc.lines if line.text]
    assert texts == ["Migration Initiatives 2015", "EAST AND HORN", "Funding requirement (in USD)", "17"]
    (audit,) = doc.pages
    assert audit.furniture == 0 and audit.furniture_text == ()


def _body(lines: list[str], x: float, first: float, step: float = 11.0) -> Callable[[Canvas], None]:
    def draw(c: Canvas) -> None:
        for k, text in enumerate(lines):
            c.drawString(x, c._pagesize[1] - first - k * step, text)

    return draw


def _header_footer(number: int, header_top: float, footer_bottom: float) -> Callable[[Canvas], None]:
    def draw(c: Canvas) -> None:
        c.setFont("Helvetica", 7)
        c.drawString(50, c._pagesize[1] - header_top, "Migration Initiatives 2015")
        c.drawCentredString(c._pagesize[0] / 2, footer_bottom, str(number))
        c.setFont("Helvetica", 8.5)

    return draw


def _both(*draws: Callable[[Canvas], None]) -> Callable[[Canvas], None]:
    def draw(c: Canvas) -> None:
        for d in draws:
            d(c)

    return draw


def test_first_line_48pt_below_the_top_is_read(tmp_path: Path) -> None:
    """A body whose first baseline is 48 pt below the page top (a 0.67 in margin) lost its first
    line on every page to a fixed band; a header 56 pt from the top and a Letter footer 48 pt
    from the bottom passed into the body. By repetition, all three are told right."""
    from reportlab.lib.pagesizes import LETTER

    pages = [[f"Programmatic area {n}", *(f"line {k} of page {n}" for k in range(5))] for n in range(3)]
    draws = [_both(_header_footer(n + 1, 20, 48), _body(lines, 50, 48)) for n, lines in enumerate(pages)]
    doc = _pages(tmp_path / "tight.pdf", *draws, size=LETTER)
    assert [line.text for line in doc.lines if line.text] == [t for lines in pages for t in lines]
    draws = [_both(_header_footer(n + 1, 56, 48), _body(lines, 50, 70)) for n, lines in enumerate(pages)]
    doc = _pages(tmp_path / "low-header.pdf", *draws, size=LETTER)
    assert [line.text for line in doc.lines if line.text] == [t for lines in pages for t in lines]
    assert [a.furniture_text for a in doc.pages] == [("Migration Initiatives 2015", str(n)) for n in (1, 2, 3)]


def test_pages_over_processes_read_the_same(tmp_path: Path) -> None:
    path = tmp_path / "excerpt.pdf"
    g.render_report(LINES[490:1500], path)
    one, two = path_to_document(path, jobs=1), path_to_document(path, jobs=2)
    assert one.lines == two.lines and len({line.ref.page for line in one.lines}) >= 8


_PRINTABLE = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12)
_LINES = st.lists(
    st.one_of(st.just(""), st.lists(_PRINTABLE, min_size=1, max_size=6).map(" ".join)), min_size=1, max_size=150
)
_BARE = g.Layout(header=False, number="none")  # no furniture: a page of any length is all body


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_LINES)
def test_any_column_text_comes_back_line_for_line(tmp_path: Path, lines: list[str]) -> None:
    """Lines flowed into columns and pages come back in order, and the blank lines between two
    lines of a column with them. (A blank line at the top or bottom of a column stands for
    nothing: the next column's first line is marked `fresh` instead.)"""
    assume(any(lines))
    path = tmp_path / "lines.pdf"
    g.render_report(lines, path, layout=_BARE)
    doc = path_to_document(path)
    got = [line.text for line in doc.lines]
    assert [t for t in got if t] == [t for t in lines if t]
    assert got.count("") <= lines.count("")
    starts = [n for n, line in enumerate(doc.lines) if line.fresh]
    assert starts and starts[0] == 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(st.just(""), st.lists(_PRINTABLE, min_size=1, max_size=6).map(" ".join)),
        min_size=2 * g.LINES_PER_COLUMN + 1,
        max_size=5 * g.LINES_PER_COLUMN,
    )
)
def test_furniture_of_any_report_is_left_out_and_only_it(tmp_path: Path, lines: list[str]) -> None:
    """Over two pages or more the running header and the page numbers are left out, and every
    other character drawn is in the lines."""
    path = tmp_path / "lines.pdf"
    pages = g.render_report(lines, path)
    assume(pages > 1)
    doc = path_to_document(path)
    assert [line.text for line in doc.lines if line.text] == [t for t in lines if t]
    assert sum(a.furniture for a in doc.pages) == g.furniture_glyphs(g.DEFAULT_LAYOUT, range(1, pages + 1))
    assert sum(a.in_lines for a in doc.pages) == sum(len(t.replace(" ", "")) for t in lines)
    assert all(a.drawn == a.in_lines + a.furniture and not a.turned and not a.overprinted for a in doc.pages)


# --- defects of two-column pages ------------------------------------------------------------------

_PROSE_LINES = [line for line in LINES[799:1000] if len(line) > 40][:60]


def _reads_back(path: Path, lines: list[str], layout: g.Layout, tables: dict[int, g.TableSpec] | None = None) -> None:
    g.render_report(lines, path, layout=layout, tables=tables)
    assert _texts(path) == g.expected_lines(lines, layout, tables)


def test_a_right_column_of_short_table_lines_is_no_table_across(tmp_path: Path) -> None:
    """Prose on the left, a table's short lines (country, amount, blank) on the right: rows that
    line up do not make the page a table across (the columns were read interleaved, "Migration
    Initiatives 2015 Kazakhstan"), with a 72 pt top margin, Times 9.5, a 12 pt gutter, justified."""
    table = [x for n, name in enumerate(NAMES[40:60], start=1) for x in (name, f"{n},500,000", "")]
    lines = [*_PROSE_LINES[:45], f" {table[0]}", *table[1:]]  # the right column starts at the text's mark
    layout = g.Layout(margin_top=72.0, font="Times", size=9.5, gutter=12.0, justify="spacing", follow_marks=True)
    _reads_back(tmp_path / "table-column.pdf", lines, layout)


def test_short_lines_and_one_right_aligned_amount_keep_their_gutter(tmp_path: Path) -> None:
    """A left column of short lines and one amount right-aligned on its box line: the hole inside
    the column is wider than the 23 pt gutter, yet the gutter is where the right column starts."""
    short = ["Target populations", "Migrants", "Returnees", "", "Migration Health", g.FUNDING_LINE, "", "4,000,000"]
    lines = [*short * 6, f" {_PROSE_LINES[0]}", *_PROSE_LINES[1:48]]
    layout = g.Layout(gutter=23.0, amount_on_box_line=True, follow_marks=True)
    _reads_back(tmp_path / "short-lines.pdf", lines, layout)


def test_a_box_line_amount_keeps_the_label_and_the_prose_apart(tmp_path: Path) -> None:
    """The amount on the "Funding requirement (in USD)" line: the prose after it is no wrapped
    label, so the line, the amount and the prose are three lines."""
    lines = ["Migration Health", g.FUNDING_LINE, "", "4,000,000", *_PROSE_LINES[:4]] * 30  # two pages
    layout = g.Layout(amount_on_box_line=True)
    _reads_back(tmp_path / "box-line.pdf", lines, layout)
    assert _texts(tmp_path / "box-line.pdf")[:4] == ["Migration Health", g.FUNDING_LINE, "4,000,000", _PROSE_LINES[0]]


# --- bad PDFs ----------------------------------------------------------------------------------


def test_encrypted_pdf(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "locked.pdf"
    c = Canvas(str(raw), pagesize=A4, encrypt="secret")
    c.drawString(50, 700, "Migration Initiatives 2015")
    c.save()
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == f"{raw}: unreadable-pdf: the PDF is encrypted; give an unencrypted copy, or its text as a .txt file"


def test_corrupt_pdf(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "corrupt.pdf"
    raw.write_bytes(b"%PDF-1.4\n" + b"this is not a PDF body\n" * 50)
    code, line = failing_build(raw, out)
    assert code == 2
    assert line.startswith(f"{raw}: unreadable-pdf: ")


def test_truncated_pdf(tmp_path: Path, out: Path) -> None:
    whole = tmp_path / "whole.pdf"
    g.render_report(LINES[490:700], whole)
    raw = tmp_path / "truncated.pdf"
    raw.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 3])
    code, line = failing_build(raw, out)
    assert code == 2
    assert line.startswith(f"{raw}") and ": unreadable-pdf: " in line


def test_pdf_with_no_pages(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "empty.pdf"
    raw.write_bytes(_no_pages())
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}: unreadable-pdf: the PDF has no pages; give a PDF with a text layer, or the report's text as a"
        " .txt file in raw/"
    )


def test_image_only_pdf(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "scan.pdf"
    c = Canvas(str(raw), pagesize=A4)
    for _ in range(3):
        c.setFillGray(0.5)
        c.rect(50, 50, 400, 700, stroke=0, fill=1)  # a page of "scanned" ink, no text
        c.showPage()
    c.save()
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}#p1: unreadable-pdf: no text that reads left to right in the body of any of its 3 pages"
        " (a scanned image without a text layer? text set sideways?); run OCR on it first (e.g. ocrmypdf),"
        " or give the report's text as a .txt file"
    )


def test_bad_pdf_raises_the_documented_error(tmp_path: Path) -> None:
    raw = tmp_path / "x.pdf"
    raw.write_bytes(b"%PDF-1.7\n%%EOF\n")
    with pytest.raises(UnreadablePdf):
        path_to_document(raw)


def _no_pages() -> bytes:
    """A well-formed PDF whose page tree is empty."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _odd_text(c: Canvas) -> None:
    """Text drawn every way the reader meets: three fonts and sizes, scaled, spaced, raised,
    mirrored, turned, inside a form XObject, fake bold."""
    for n, (font, size) in enumerate((("Helvetica", 8.5), ("Times-Roman", 10.5), ("Courier-Bold", 9.0))):
        c.setFont(font, size)
        c.drawString(50, 780 - 14 * n, f"Funding requirement (in USD) 1,{n}00,000")
    text = c.beginText(50, 700)
    text.setFont("Helvetica", 9)
    text.setHorizScale(80)
    text.setCharSpace(0.7)
    text.setWordSpace(2)
    text.textOut("Migrant Assistance ")
    text.setRise(3)
    text.textOut("2,500,000")
    c.drawText(text)
    c.beginForm("box")
    c.setFont("Helvetica-Bold", 8)
    c.drawString(60, 600, "Regional programme in a form")
    c.endForm()
    c.doForm("box")
    c.saveState()
    c.translate(300, 500)
    c.rotate(90)
    c.drawString(0, 0, "turned")
    c.restoreState()
    c.saveState()
    c.translate(400, 400)
    c.scale(-1, 1)
    c.drawString(0, 0, "mirrored")
    c.restoreState()
    c.setFont("Helvetica-Bold", 12)
    c.drawString(50, 450, "KENYA")
    c.drawString(50.3, 450, "KENYA")


@pytest.mark.parametrize("rotation", [0, 90])
def test_the_characters_read_are_pdfplumbers(tmp_path: Path, rotation: int) -> None:
    """The reader draws characters without pdfplumber's per-character objects (etl/extract/pdf.py,
    for speed): each upright one is pdfplumber's `page.chars` entry, at the same place and size,
    and the others are counted as turned."""
    from etl.extract.limits import document_to_pages, node_to_page
    from etl.extract.pdf import _opened, _page_glyphs

    path = tmp_path / "odd.pdf"
    c = Canvas(str(path), pagesize=A4)
    c.setPageRotation(rotation)
    _odd_text(c)
    c.showPage()
    c.save()
    with pdfplumber.open(path) as plumbed:
        chars = plumbed.pages[0].chars
        height = float(plumbed.pages[0].height)
    upright = [ch for ch in chars if ch["upright"] and ch["matrix"][0] > 0]
    want = [
        (ch["text"], ch["x0"], ch["x1"], ch["top"], ch["bottom"], height - ch["matrix"][5], ch["size"], ch["fontname"])
        for ch in upright
    ]
    with _opened(path, "odd.pdf") as pdf:
        page = _page_glyphs(pdf, node_to_page(pdf.doc, document_to_pages(pdf.doc, "odd.pdf")[0]), 1)
    assert [g.text for g in page.glyphs] == [w[0] for w in want]
    assert [tuple(g) for g in page.glyphs] == [pytest.approx(w, abs=1e-9) for w in want]
    assert page.turned == sum(not ch["text"].isspace() for ch in chars if ch not in upright) > 0
    assert (page.width, page.height) == pytest.approx((float(plumbed.pages[0].width), height))


def test_text_that_reads_like_an_unmapped_glyph_is_read_as_printed(tmp_path: Path) -> None:
    """Only a glyph no font maps (code 127 of a one-byte font: the standard fonts' bullet) reads as
    "•"; the characters "(cid:127)" printed as text stay what they are (a search for the string in
    the joined line made them a bullet)."""
    lines = ["0", "(cid:127)", "a (cid:127) b"]
    path = tmp_path / "lines.pdf"
    g.render_report(lines, path, layout=_BARE)
    assert [line.text for line in path_to_document(path).lines if line.text] == lines
