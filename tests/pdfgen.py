"""Report-like PDF fixtures rendered from the report's text, for testing the PDF extractor.

The published PDF of *Migration Initiatives 2015* is not available, so the PDF path of the
pipeline is tested against PDFs rendered here from ``raw/migration-initiatives-2015.txt``.
The layout is a contract the extractor (etl/extract/pdf.py) relies on:

* A4 portrait, margins left/right 50 pt, top 60 pt, bottom 70 pt.
* Body: two columns 235 pt wide (x0 = 50 and x0 = 310.28; gap 25.28 pt), Helvetica 8.5 pt,
  leading 11 pt. One input line = one drawn text line at the column's left edge, never wrapped,
  without its leading and trailing spaces (a text export's leading space marks a page start;
  a published PDF has none, so none is drawn).
  A line wider than the column is drawn at a smaller size that fits; below 5 pt it is condensed
  instead (horizontal scaling), so no line leaves its column. A blank line advances one
  leading. Columns fill top to bottom, left then right, then the next page.
* Running header "Migration Initiatives 2015" (Helvetica 7 pt, baseline 40 pt from the top, at
  x = 50) and footer = the physical page number (Helvetica 7 pt, centred, baseline 35 pt from
  the bottom) on every page but the cover.
* Programme boxes: label / "Funding requirement (in USD)" / [blank lines] / amount get a light
  grey filled rectangle behind them (fill only).
* Regional tables on pages of their own (``render_table_page``).

Reading each page column by column and dropping the header/footer gives back the input lines,
with these character changes (reportlab's standard fonts use WinAnsiEncoding, no ToUnicode):
U+2010 HYPHEN and U+2011 NON-BREAKING HYPHEN come back as "-" (U+002D), a tab or other
control character as a space. Everything else in the 2015 report (U+2019, U+201C, U+201D,
U+2013, U+2014, U+2022 and the accented Latin letters) comes back unchanged; see
``_register_fonts`` for the bullet.

CLI: ``python -m tests.pdfgen raw/migration-initiatives-2015.txt OUT.pdf [--lines A:B] [--cover]``.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.rl_codecs import RL_Codecs
from reportlab.pdfgen.canvas import Canvas

# --- geometry (points; reportlab's y axis points up, pdfplumber's `top` is measured down) ------
PAGE_WIDTH, PAGE_HEIGHT = A4  # 595.2756 x 841.8898
MARGIN_LEFT = 50.0
MARGIN_RIGHT = 50.0
MARGIN_TOP = 60.0
MARGIN_BOTTOM = 70.0
COLUMN_WIDTH = 235.0
COLUMN_GAP = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - 2 * COLUMN_WIDTH  # 25.2756
COLUMN_X0 = (MARGIN_LEFT, MARGIN_LEFT + COLUMN_WIDTH + COLUMN_GAP)  # (50.0, 310.2756)
COLUMN_SPLIT_X = 305.0  # a word with x0 below this is in the left column

BODY_FONT = "Helvetica"
BODY_BOLD_FONT = "Helvetica-Bold"
BODY_SIZE = 8.5
MIN_BODY_SIZE = 5.0
LEADING = 11.0
BODY_TOP = PAGE_HEIGHT - MARGIN_TOP  # y of the top of the first line slot of a column
LINES_PER_COLUMN = int((BODY_TOP - MARGIN_BOTTOM) // LEADING)  # 64
# line slot k of a column spans [BODY_TOP - 11(k+1), BODY_TOP - 11k]; its baseline is
# BODY_TOP - 8.5 - 11k (773.39 for the first line, 80.39 for the 64th)

HEADER_TEXT = "Migration Initiatives 2015"
HEADER_SIZE = 7.0
HEADER_X = MARGIN_LEFT
HEADER_BASELINE = PAGE_HEIGHT - 40.0  # 40 pt from the top
FOOTER_SIZE = 7.0
FOOTER_BASELINE = 35.0  # 35 pt from the bottom
FOOTER_CENTRE_X = PAGE_WIDTH / 2

FUNDING_LINE = "Funding requirement (in USD)"
BOX_GREY = 0.9  # fill colour (grey level) of a programme box
BOX_PAD_X = 3.0  # the box is the column widened by this much on each side

TITLE_FONT = BODY_BOLD_FONT
TITLE_SIZE = 12.0
TITLE_LEADING = 15.0
TITLE_BASELINES = (BODY_TOP - TITLE_SIZE, BODY_TOP - TITLE_SIZE - TITLE_LEADING)  # 769.89, 754.89
TABLE_SIZE = 8.5  # rows Helvetica, header and total rows Helvetica-Bold
ROW_HEIGHT = 13.0
TABLE_HEADER_BASELINE = TITLE_BASELINES[1] - 2 * ROW_HEIGHT  # 728.89 on the title page
TABLE_CONTINUED_HEADER_BASELINE = BODY_TOP - BODY_SIZE  # 773.39 on a continuation page
TABLE_MIN_BASELINE = MARGIN_BOTTOM + 4.5  # the lowest baseline a table line may have
LABEL_WRAP_WIDTH = 150.0
COUNTRY_LABEL_X = MARGIN_LEFT  # 50
COUNTRY_AMOUNT_RIGHT = 260.0
AREA_LABEL_X = COLUMN_X0[1]  # 310.2756
AREA_AMOUNT_RIGHT = PAGE_WIDTH - MARGIN_RIGHT  # 545.2756
TOTAL_LABEL = "Total funding requirement"

COVER_TITLE = "MIGRATION INITIATIVES 2015"
COVER_SUBTITLE = "Migrants and Cities: New Partnerships to Manage Urban Mobility"

# an amount line of a programme box: 5,000,000 (or 5.000.000)
AMOUNT_RE = re.compile(r"\s*\d{1,3}(?:[,.]\d{3})+\s*")


@dataclass(frozen=True)
class TableSpec:
    """One regional table: ``countries`` and ``areas`` are (label, amount) rows, amounts as printed."""

    region_title: str
    countries: list[tuple[str, str]] = field(default_factory=list)
    areas: list[tuple[str, str]] = field(default_factory=list)
    total: str = ""


# --- fonts --------------------------------------------------------------------------------------
# reportlab's own WinAnsi codec writes "•" as byte 0x7F, which the PDF spec allows but pdfminer
# (so pdfplumber) does not decode: it yields "(cid:127)". Characters outside WinAnsi are drawn
# with ZapfDingbats' black square (code "n"), which pdfplumber yields as "n" ("Post‐crisis" ->
# "Postncrisis"). So the body is drawn with Helvetica under a codec of our own: cp1252 (bullet =
# 0x95), hyphens without a WinAnsi code as "-", control characters as a space. The PDF still
# says /BaseFont /Helvetica /Encoding /WinAnsiEncoding; pdfplumber's fontname is "Helvetica".
_CODEC = "rl_dynamic_mi_etl_winansi"
_FONTS = {BODY_FONT: "MI-Helvetica", BODY_BOLD_FONT: "MI-Helvetica-Bold"}
_SUBSTITUTES = {0x2010: 0x2D, 0x2011: 0x2D, 0x7F: 0x20, **{c: 0x20 for c in range(0x20)}}
_registered = False


def _register_fonts() -> None:
    global _registered
    if _registered:
        return
    encode: dict[int, int] = {}
    decode: dict[int, int] = {}
    for code in range(0x20, 0x100):
        try:
            char = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
        if code != 0x7F:
            encode[ord(char)] = code
            decode[code] = ord(char)
    encode.update(_SUBSTITUTES)
    RL_Codecs.add_dynamic_codec(_CODEC, encode, decode)
    pdfmetrics.registerEncoding(pdfmetrics.Encoding(_CODEC, "WinAnsiEncoding"))
    for face, name in _FONTS.items():
        pdfmetrics.registerFont(pdfmetrics.Font(name, face, _CODEC))
    _registered = True


def _font(face: str) -> str:
    _register_fonts()
    return _FONTS[face]


def text_width(text: str, face: str = BODY_FONT, size: float = BODY_SIZE) -> float:
    """Width of ``text`` as drawn here (after the character substitutions)."""
    return float(pdfmetrics.stringWidth(text, _font(face), size))


def fit_size(text: str, width: float = COLUMN_WIDTH, face: str = BODY_FONT, size: float = BODY_SIZE) -> float:
    """The size a body line is drawn at: ``size`` if it fits, else smaller, not below 5 pt."""
    natural = text_width(text, face, size)
    if natural <= width:
        return size
    return max(MIN_BODY_SIZE, math.floor(size * width / natural * 100) / 100)


def new_canvas(path: Path) -> Canvas:
    """An A4 canvas, compressed and reproducible (same input, same bytes)."""
    _register_fonts()
    c = Canvas(str(path), pagesize=A4, pageCompression=1, invariant=1)
    c.setTitle("Migration Initiatives 2015 (test rendering)")
    return c


def _draw(c: Canvas, text: str, x: float, y: float, face: str, size: float, *, align: str = "left") -> None:
    c.setFont(_font(face), size)
    if align == "right":
        c.drawRightString(x, y, text)
    elif align == "centre":
        c.drawCentredString(x, y, text)
    else:
        c.drawString(x, y, text)


def draw_running_header_footer(c: Canvas, height: float = PAGE_HEIGHT) -> None:
    """The running header and the page number (the physical page, cover included) on this page."""
    _draw(c, HEADER_TEXT, HEADER_X, height - 40.0, BODY_FONT, HEADER_SIZE)
    _draw(c, str(c.getPageNumber()), FOOTER_CENTRE_X, FOOTER_BASELINE, BODY_FONT, FOOTER_SIZE, align="centre")


def slot_baseline(slot: int, top: float = BODY_TOP) -> float:
    """Baseline of line slot ``slot`` (0-based) of a column whose first slot starts at ``top``."""
    return top - BODY_SIZE - slot * LEADING


def find_boxes(lines: Sequence[str]) -> dict[int, int]:
    """Programme boxes: {index of the label line: index of the amount line} (0-based).

    A box is a non-blank label line, then "Funding requirement (in USD)", then after any blank
    lines an amount such as "5,000,000". A label followed by anything else gets no box.
    """
    boxes: dict[int, int] = {}
    i = 0
    while i + 2 < len(lines):
        label, funding = lines[i].strip(), lines[i + 1].strip()
        if label and label != FUNDING_LINE and funding == FUNDING_LINE:
            j = i + 2
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and AMOUNT_RE.fullmatch(lines[j]):
                boxes[i] = j
                i = j + 1
                continue
        i += 1
    return boxes


class _Body:
    """Flows body lines into two columns, page by page (one showPage per finished page)."""

    def __init__(self, c: Canvas) -> None:
        self.c = c
        self.pages = 0
        self.open = False  # header/footer drawn on the current page
        self.col = 0
        self.slot = 0
        self.top = BODY_TOP

    def _ensure_open(self) -> None:
        if not self.open:
            draw_running_header_footer(self.c)
            self.open = True

    def close_page(self) -> None:
        """End the current page if anything was drawn on it; the next line starts a new page."""
        if self.open:
            self.c.showPage()
            self.pages += 1
            self.open = False
        self.col, self.slot, self.top = 0, 0, BODY_TOP

    def column_break(self) -> None:
        if self.col == 0:
            self.col, self.slot = 1, 0
        else:
            self.close_page()

    def _room(self) -> int:
        return int((self.top - MARGIN_BOTTOM) // LEADING) - self.slot

    def _make_room(self) -> None:
        if self._room() <= 0:
            self.column_break()

    def rect(self, nslots: int) -> None:
        """Grey box behind the next ``nslots`` slots of this column (as many as fit)."""
        self._make_room()
        n = min(nslots, self._room())
        self._ensure_open()
        x0 = COLUMN_X0[self.col]
        y_top = self.top - self.slot * LEADING
        self.c.saveState()
        self.c.setFillGray(BOX_GREY)
        self.c.rect(x0 - BOX_PAD_X, y_top - n * LEADING, COLUMN_WIDTH + 2 * BOX_PAD_X, n * LEADING, stroke=0, fill=1)
        self.c.restoreState()

    def line(self, text: str) -> None:
        self._make_room()
        text = text.strip()  # a published PDF draws no leading space (a text export's page-start mark)
        if text.strip():
            self._ensure_open()
            _draw_body_line(self.c, text, COLUMN_X0[self.col], slot_baseline(self.slot, self.top))
        self.slot += 1


def render_table_page(
    canvas: Canvas,
    region_title: str,
    countries: list[tuple[str, str]],
    areas: list[tuple[str, str]],
    total: str,
) -> int:
    """Draw a regional table on the canvas's current (empty) page; returns the pages used.

    Title "Funding requirements for" / region title (Helvetica-Bold 12, baselines 769.89 and
    754.89). Left: "Country" / "USD", one row per country (label at x=50, amount right-aligned
    at x=260), "Total funding requirement" / total. Right, side by side: the same for
    "Programmatic area" (label at x=310.28, amount right-aligned at x=545.28). Header and total
    rows are Helvetica-Bold 8.5, rows Helvetica 8.5, 13 pt apart; a label wider than 150 pt wraps
    (at spaces) onto further lines 13 pt lower, its amount on the first line's baseline. A table
    that does not fit continues on the next page under a repeated header row (no title). Every
    page gets the running header and footer and is finished with showPage().
    """
    left = _table_rows("Country", countries, total)
    right = _table_rows("Programmatic area", areas, total)
    pages = 0
    first = True
    while first or left or right:
        draw_running_header_footer(canvas)
        if first:
            _draw(canvas, "Funding requirements for", MARGIN_LEFT, TITLE_BASELINES[0], TITLE_FONT, TITLE_SIZE)
            _draw(canvas, region_title, MARGIN_LEFT, TITLE_BASELINES[1], TITLE_FONT, TITLE_SIZE)
        top = TABLE_HEADER_BASELINE if first else TABLE_CONTINUED_HEADER_BASELINE
        left = _draw_table_part(canvas, left, top, COUNTRY_LABEL_X, COUNTRY_AMOUNT_RIGHT)
        right = _draw_table_part(canvas, right, top, AREA_LABEL_X, AREA_AMOUNT_RIGHT)
        canvas.showPage()
        pages += 1
        first = False
    return pages


# a table row as drawn: (label lines, amount, bold)
_Row = tuple[list[str], str, bool]


def _table_rows(header: str, rows: list[tuple[str, str]], total: str) -> list[_Row]:
    out: list[_Row] = [([header], "USD", True)]
    out += [(_wrap(label, LABEL_WRAP_WIDTH, BODY_FONT, TABLE_SIZE), amount, False) for label, amount in rows]
    out.append(([TOTAL_LABEL], total, True))
    return out


def _wrap(text: str, width: float, face: str, size: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, face, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else [""]


def _draw_table_part(c: Canvas, rows: list[_Row], top: float, label_x: float, amount_right: float) -> list[_Row]:
    """Draw rows (the header row first) from baseline ``top`` down while they fit.

    Returns the rows left over, under the header row again, or [] when the table is done.
    """
    if not rows:
        return rows
    y = top
    drawn = 0
    for label_lines, amount, bold in rows:
        if drawn > 1 and y - (len(label_lines) - 1) * ROW_HEIGHT < TABLE_MIN_BASELINE:
            break
        face = BODY_BOLD_FONT if bold else BODY_FONT
        for k, text in enumerate(label_lines):
            _draw(c, text, label_x, y - k * ROW_HEIGHT, face, TABLE_SIZE)
        _draw(c, amount, amount_right, y, face, TABLE_SIZE, align="right")
        y -= len(label_lines) * ROW_HEIGHT
        drawn += 1
    rest = rows[drawn:]
    return [rows[0], *rest] if rest else []


def render_report(
    lines: list[str],
    path: Path,
    *,
    tables: dict[int, TableSpec] | None = None,
    cover: bool = False,
    follow_marks: bool = False,
) -> int:
    """Render ``lines`` as a two-column report PDF at ``path``; returns the number of pages.

    ``tables`` maps a 0-based index into ``lines`` (``len(lines)`` = after the last line) to a
    table drawn on page(s) of its own just before that line; the body resumes on a new page.
    ``cover`` adds a first page with the title and subtitle only (no header, no footer); page
    numbers in footers count it.

    ``follow_marks`` lays the text out as the PDF it was exported from was: a text export marks
    the first line of each page or column with a leading space, so each such line starts a new
    column here, and a page is as tall as its longer column needs (A4 at least). The extractor
    then sees its column starts where the text has its marks.
    """
    tables = dict(tables or {})
    bad = [i for i in tables if not 0 <= i <= len(lines)]
    if bad:
        raise ValueError(f"table positions out of range 0..{len(lines)}: {sorted(bad)}")
    c = new_canvas(path)
    pages = 0
    if cover:
        _draw_cover(c)
        pages += 1
    if follow_marks:
        pages += _render_following_marks(c, lines, tables)
        c.save()
        return pages
    body = _Body(c)
    boxes = find_boxes(lines)
    box_end = -1
    for i, text in enumerate(lines):
        if i in tables:
            body.close_page()
            spec = tables[i]
            pages += render_table_page(c, spec.region_title, spec.countries, spec.areas, spec.total)
        if i in boxes:
            box_end = boxes[i]
            body.rect(box_end - i + 1)
        elif i <= box_end:
            body._make_room()
            if body.slot == 0:  # the box goes on in a new column or page
                body.rect(box_end - i + 1)
        body.line(text)
    body.close_page()
    if len(lines) in tables:
        spec = tables[len(lines)]
        pages += render_table_page(c, spec.region_title, spec.countries, spec.areas, spec.total)
    c.save()
    return pages + body.pages


def _render_following_marks(c: Canvas, lines: list[str], tables: dict[int, TableSpec]) -> int:
    """Columns that start where the text's leading-space marks say; returns the pages drawn."""
    items: list[tuple[int, int] | TableSpec] = []  # runs of lines [start, end), and tables
    start = 0
    for i in range(len(lines) + 1):
        cut = i == len(lines) or i in tables or (lines[i].startswith(" ") and i > start)
        if cut and i > start:
            items.append((start, i))
            start = i
        if i in tables:
            items.append(tables[i])
    boxes = find_boxes(lines)
    in_box = {k for label, amount in boxes.items() for k in range(label, amount + 1)}
    pages = 0
    page: list[tuple[int, int]] = []

    def finish() -> None:
        nonlocal pages
        if not page:
            return
        tallest = max(end - begin for begin, end in page)
        height = max(PAGE_HEIGHT, MARGIN_TOP + MARGIN_BOTTOM + tallest * LEADING)
        c.setPageSize((PAGE_WIDTH, height))
        draw_running_header_footer(c, height)
        for col, (begin, end) in enumerate(page):
            top = height - MARGIN_TOP
            for k in range(begin, end):  # the grey box behind each line of a programme box
                if k in in_box:
                    c.saveState()
                    c.setFillGray(BOX_GREY)
                    y = top - (k - begin + 1) * LEADING
                    c.rect(COLUMN_X0[col] - BOX_PAD_X, y, COLUMN_WIDTH + 2 * BOX_PAD_X, LEADING, stroke=0, fill=1)
                    c.restoreState()
            for k in range(begin, end):
                text = lines[k].strip()
                if text:
                    _draw_body_line(c, text, COLUMN_X0[col], slot_baseline(k - begin, top))
        c.showPage()
        pages += 1
        page.clear()

    for item in items:
        if isinstance(item, TableSpec):
            finish()
            c.setPageSize(A4)
            pages += render_table_page(c, item.region_title, item.countries, item.areas, item.total)
            continue
        page.append(item)
        if len(page) == 2:
            finish()
    finish()
    return pages


def _draw_body_line(c: Canvas, text: str, x: float, y: float) -> None:
    """A body line at 8.5 pt, smaller if it is too wide, condensed below 5 pt: never past its column."""
    size = fit_size(text)
    natural = text_width(text, BODY_FONT, size)
    if natural <= COLUMN_WIDTH:
        _draw(c, text, x, y, BODY_FONT, size)
        return
    t = c.beginText(x, y)
    t.setFont(_font(BODY_FONT), size)
    t.setHorizScale(math.floor(COLUMN_WIDTH / natural * 10000) / 100)
    t.textOut(text)
    c.drawText(t)


def _draw_cover(c: Canvas) -> None:
    _draw(c, COVER_TITLE, PAGE_WIDTH / 2, PAGE_HEIGHT * 0.6, BODY_BOLD_FONT, 28, align="centre")
    _draw(c, COVER_SUBTITLE, PAGE_WIDTH / 2, PAGE_HEIGHT * 0.6 - 36, BODY_FONT, 14, align="centre")
    c.showPage()


def read_lines(path: Path) -> list[str]:
    """The lines of a .txt as the pipeline numbers them (split on \\n only; a final newline ends the last line)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


# --- regional tables as table pages --------------------------------------------------------------


def with_table_pages(lines: list[str], built: Path) -> tuple[list[str], dict[int, TableSpec]]:
    """``lines`` (a report's text) with each regional table's block cut out, and the table as the
    report prints it, from the text build's rows in ``built`` (an out/ folder), in its place.

    The block runs from the table's "Funding requirements for" title (with the chart legend
    printed around it) to the first programme section: what ``etl.segment.regions`` calls the
    table. Labels and amounts come from the build, so the PDF holds exactly the figures the text
    path read, each row with its label and amount on one baseline.
    """
    import pyarrow.parquet as pq

    from etl.extract.text import bytes_to_document
    from etl.gazetteer import load_gazetteer, normalize
    from etl.segment.regions import document_to_regions

    doc = bytes_to_document("\n".join(lines).encode("utf-8"), "excerpt")
    regions = document_to_regions(doc, load_gazetteer())
    countries = pq.read_table(built / "region_countries.parquet").to_pylist()
    areas = pq.read_table(built / "region_areas.parquet").to_pylist()
    totals = {r["region_id"]: r for r in pq.read_table(built / "regions.parquet").to_pylist()}
    kept: list[str] = []
    tables: dict[int, TableSpec] = {}
    position = 0
    for region in regions:
        start, end = region.table
        titles = [i for i in range(max(0, start - 60), end) if normalize(lines[i]) == "funding requirements for"]
        cut = min([start, *titles])
        kept += lines[position:cut]
        rows = [r for r in countries if r["region_id"] == region.region_id]
        rows.sort(key=lambda r: _line_number(r["label_ref"]))
        area_rows = [r for r in areas if r["region_id"] == region.region_id]
        area_rows.sort(key=lambda r: _line_number(r["label_ref"]))
        total = totals[region.region_id]
        tables[len(kept)] = TableSpec(
            total["region_label"],
            [(r["row_label"], _printed(r)) for r in rows],
            [(r["area_label"], _printed(r)) for r in area_rows],
            f"{total['total_usd']:,}",
        )
        position = end
    kept += lines[position:]
    return kept, tables


def _printed(row: dict[str, object]) -> str:
    return f"{row['requirement_usd']:,}" if row["status"] == "amount" else "Funded"


def _line_number(ref: str) -> int:
    return int(ref.rsplit(":", 1)[1])


# --- trap fixtures ----------------------------------------------------------------------------


def table_continues_on_next_page(path: Path, names: Sequence[str]) -> TableSpec:
    """A regional table of 70 countries (``names``, amounts made up) that runs over two pages;
    returns its spec.

    Page 1: title "Funding requirements for" / "EAST AND HORN OF AFRICA", then country rows 1-48
    on the left and the 7 programmatic areas + "Total funding requirement" and the total on the
    right. Page 2: the header row "Country" / "USD" again, country rows 49-70, then "Total
    funding requirement" and the total. A correct extractor outputs ONE table for the region: the
    70 country rows in order (the two pages joined, the repeated header row not a data row; the
    labels of rows 13 and 47 and of the area "Labour Migration and Human Development" take two
    lines but are one label each), the 7 area rows, and the total, which both the country
    amounts and the area amounts add up to.
    """
    long = [n for n in names if text_width(n, BODY_FONT, TABLE_SIZE) > LABEL_WRAP_WIDTH][:2]
    short = [n for n in names if n not in long][:68]
    ordered = [*short[:12], long[0], *short[12:45], long[1], *short[45:]]
    countries = [(name, f"{(n % 9 + 1) * 100_000 + n * 1_000:,}") for n, name in enumerate(ordered, start=1)]
    total = sum(int(amount.replace(",", "")) for _, amount in countries)
    shares = [0.4, 0.15, 0.15, 0.1, 0.1, 0.05]
    names = [
        "Emergency, Operations and Post-crisis",
        "Migration Health",
        "Immigration and Border Management",
        "Migrant Assistance",
        "Labour Migration and Human Development",
        "Migration Policy and Research",
    ]
    area_amounts = [round(total * s / 100_000) * 100_000 for s in shares]
    area_amounts.append(total - sum(area_amounts))
    areas = [(name, f"{a:,}") for name, a in zip([*names, "Migration and Environment"], area_amounts, strict=True)]
    spec = TableSpec("EAST AND HORN OF AFRICA", countries, areas, f"{total:,}")
    c = new_canvas(path)
    render_table_page(c, spec.region_title, spec.countries, spec.areas, spec.total)
    c.save()
    return spec


HEADING_TEXT = "Migrants and Cities: New Partnerships to Manage Urban Mobility"
HEADING_SIZE = 14.0
HEADING_BASELINE = BODY_TOP - HEADING_SIZE  # 767.89; the columns start 12 pt below it

_LEFT_TEXT = [
    "In today’s world there are approximately 232 million",
    "international and 740 million internal migrants.",
    "Over 54 per cent of the global population lives in",
    "urban areas, and the number of people living in",
    "cities will almost double to some 6.3 billion in 2050.",
    "",
    "New Partnerships for Inclusive Urban Development",
    "Cities take various initiatives to boost productivity,",
    "inclusiveness and sustainability.",
]
_RIGHT_TEXT = [
    "Migrants as Resources and Partners",
    "Migrants are often to be found among the architects",
    "and constructors of growing cities, the service",
    "providers, the entrepreneurs, job creators and",
    "innovators. As members of a global diaspora,",
    "migrants can act as bridge-builders, traders and",
    "business partners between cities and countries.",
]


def heading_across_columns(path: Path) -> list[str]:
    """One body page whose heading spans both columns; returns the lines in reading order.

    The heading "Migrants and Cities: New Partnerships to Manage Urban Mobility" (Helvetica-Bold
    14, x from 50 to about 480, across the column gap) sits at the top; under it a left column
    of 8 lines and a right column of 7. A correct extractor outputs the heading first as ONE
    line, then the left column's lines, then the right column's: exactly the returned list.
    Splitting the page at the gutter first would cut the heading in two and put its second half
    ("to Manage Urban Mobility") at the top of the right column.
    """
    c = new_canvas(path)
    body = _Body(c)
    body._ensure_open()
    _draw(c, HEADING_TEXT, MARGIN_LEFT, HEADING_BASELINE, BODY_BOLD_FONT, HEADING_SIZE)
    body.top = HEADING_BASELINE - 12
    for text in _LEFT_TEXT:
        body.line(text)
    body.column_break()
    for text in _RIGHT_TEXT:
        body.line(text)
    body.close_page()
    c.save()
    return [HEADING_TEXT, *(t for t in _LEFT_TEXT if t), *_RIGHT_TEXT]


WIDE_AMOUNT = "153,115,000,000"
WIDE_AMOUNT_SIZE = 38.0  # about 285 pt wide: x from 50 to about 335
WIDE_AMOUNT_SLOTS = 4  # the amount takes the height of 4 body lines


def wide_amount(path: Path) -> list[str]:
    """One body page with an amount drawn so large it crosses the column gap; returns the lines.

    Left column: 3 lines, then a programme box "Total, all programmatic areas" / "Funding
    requirement (in USD)" / (blank) / "153,115,000,000", the amount in Helvetica-Bold 38 from
    x=50 to about x=335 (past the gap, into the right column's x range), taking the height of 4
    body lines; then 3 more lines. Right column: 6 lines, 4 blank slots beside the amount, 3
    lines. A correct extractor outputs the amount as ONE line "153,115,000,000" in the left
    column, after "Funding requirement (in USD)", and nothing of it in the right column: exactly
    the returned list (left column, then right column). Assigning characters (not words) to
    columns by x would split it into "153,115,0" and "00,000".
    """
    left_before = [
        "IOM’s funding requirements for 2015 cover the",
        "nine regions and the global programmes set out",
        "in this publication.",
        "Total, all programmatic areas",
        FUNDING_LINE,
        "",
    ]
    left_after = [
        "This figure is the sum of the regional and",
        "global requirements, presented by programmatic",
        "area in the tables that follow.",
    ]
    right_before = [
        "Migration Initiatives 2015 presents",
        "the IOM regional strategies and",
        "funding requirements. The full contents",
        "introduce IOM’s planned and current",
        "thematic programming at the country",
        "level, as in the previous editions.",
    ]
    right_after = [
        "The amounts are in United States dollars",
        "and cover the calendar year 2015.",
        "Figures are rounded to the nearest 50,000.",
    ]
    c = new_canvas(path)
    body = _Body(c)
    for k, text in enumerate(left_before):
        if k == 3:
            body.rect(3 + WIDE_AMOUNT_SLOTS)  # label, funding line, blank, amount
        body.line(text)
    # the amount: baseline 3 pt above the bottom of its 4 slots
    bottom = body.top - (body.slot + WIDE_AMOUNT_SLOTS) * LEADING
    _draw(c, WIDE_AMOUNT, COLUMN_X0[0], bottom + 8.0, BODY_BOLD_FONT, WIDE_AMOUNT_SIZE)
    body.slot += WIDE_AMOUNT_SLOTS
    for text in left_after:
        body.line(text)
    body.column_break()
    for text in right_before:
        body.line(text)
    for _ in range(len(left_before) + WIDE_AMOUNT_SLOTS - len(right_before)):
        body.line("")
    for text in right_after:
        body.line(text)
    body.close_page()
    c.save()
    return [*(t for t in left_before if t), WIDE_AMOUNT, *left_after, *right_before, *right_after]


# --- command line -------------------------------------------------------------------------------


def _line_range(spec: str, n: int) -> tuple[int, int]:
    m = re.fullmatch(r"(\d*):(\d*)", spec)
    if not m:
        raise argparse.ArgumentTypeError(f"--lines wants A:B (1-based, inclusive), got {spec!r}")
    a = int(m[1]) if m[1] else 1
    b = int(m[2]) if m[2] else n
    if not 1 <= a <= b <= n:
        raise argparse.ArgumentTypeError(f"--lines {spec}: need 1 <= A <= B <= {n}")
    return a, b


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.pdfgen", description=__doc__.split("\n")[0])
    parser.add_argument("text", type=Path, help="the report's text, e.g. raw/migration-initiatives-2015.txt")
    parser.add_argument("out", type=Path, help="the PDF to write")
    parser.add_argument("--lines", metavar="A:B", help="render only lines A..B (1-based, inclusive)")
    parser.add_argument("--cover", action="store_true", help="add a cover page")
    args = parser.parse_args(argv)
    lines = read_lines(args.text)
    a, b = 1, len(lines)
    if args.lines:
        try:
            a, b = _line_range(args.lines, len(lines))
        except argparse.ArgumentTypeError as e:
            parser.error(str(e))
    start = time.perf_counter()
    pages = render_report(lines[a - 1 : b], args.out, cover=args.cover)
    elapsed = time.perf_counter() - start
    print(f"{args.out}: lines {a}-{b} of {args.text}, {pages} pages, {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
