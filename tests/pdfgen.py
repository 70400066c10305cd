"""Report-like PDF fixtures rendered from the report's text, for testing the PDF extractor.

The published PDF of *Migration Initiatives 2015* is not available, so the PDF path of the
pipeline is tested against PDFs rendered here from ``raw/migration-initiatives-2015.txt``, in
many layouts (``Layout``). The default layout is a contract the tests check exactly:

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

The layout options (``LAYOUT_OPTIONS``; each field of ``Layout``) are ordinary publishing
choices: paper A4 or Letter; top and bottom margins 36-80 pt (the running header's baseline
sits at two thirds of the top margin, the footer's at half the bottom margin); a running header
at the top and/or a running footer at the bottom; page numbers bottom centre, bottom outer or top
outer (outer: right on odd pages, left on even ones, the header or footer text then on the
inner side); Helvetica, Times or Courier at 8-10.5 pt (leading 11/8.5 of the size); one, two or
three columns with gutters of 10-40 pt; lines justified by word spacing (the PDF's Tw) or by
placing each word (no space drawn), or ragged; columns that start where the text's page marks
say (``follow_marks``) or filled to the bottom; regional tables on table pages or flowing in
the column (label left, amount right-aligned at the column's edge, a label wrapped only where
its next word would not fit before the amount), across column and page breaks; the amount on
the box's "Funding requirement (in USD)" line; boxes shaded or white text on a dark box.
``pairwise_layouts`` picks combinations that cover every pair of option values.

Reading each page column by column and dropping the header/footer gives back the input lines,
with these character changes (reportlab's standard fonts use WinAnsiEncoding, no ToUnicode):
U+2010 HYPHEN and U+2011 NON-BREAKING HYPHEN come back as "-" (U+002D), a tab or other
control character as a space. Everything else in the 2015 report (U+2019, U+201C, U+201D,
U+2013, U+2014, U+2022 and the accented Latin letters) comes back unchanged; see
``_register_fonts`` for the bullet. ``expected_lines`` says which lines a layout gives back.

CLI: ``python -m tests.pdfgen raw/migration-initiatives-2015.txt OUT.pdf [--lines A:B] [--cover]
[--layout name=value ...]``.
"""

from __future__ import annotations

import argparse
import itertools
import math
import re
import sys
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Literal

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.rl_codecs import RL_Codecs
from reportlab.pdfgen.canvas import Canvas

# --- geometry of the default layout (points; reportlab's y axis points up, pdfplumber's `top` down) --
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
FOOTER_TEXT = "International Organization for Migration"  # the running footer, when there is one

FUNDING_LINE = "Funding requirement (in USD)"
BOX_GREY = 0.9  # fill colour (grey level) of a programme box
DARK_BOX_GREY = 0.2  # ... of a dark box, its text white
BOX_PAD_X = 3.0  # the box is the column widened by this much on each side
JUSTIFY_FILL = 0.75  # a paragraph line at least this share of the column wide is justified

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
TABLE_TITLE = "Funding requirements for"

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
# "Postncrisis"). So the body is drawn with the standard fonts under a codec of our own: cp1252
# (bullet = 0x95), hyphens without a WinAnsi code as "-", control characters as a space. The PDF
# still says /BaseFont /Helvetica /Encoding /WinAnsiEncoding; pdfplumber's fontname is "Helvetica".
_CODEC = "rl_dynamic_mi_etl_winansi"
FACES = {
    "Helvetica": ("Helvetica", "Helvetica-Bold"),
    "Times": ("Times-Roman", "Times-Bold"),
    "Courier": ("Courier", "Courier-Bold"),
}
_FONTS = {face: f"MI-{face}" for pair in FACES.values() for face in pair}
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


# --- layouts ------------------------------------------------------------------------------------

PAPER = {"A4": A4, "Letter": LETTER}


@dataclass(frozen=True)
class Layout:
    """How a report is laid out (module docstring); the defaults are the contract layout."""

    paper: Literal["A4", "Letter"] = "A4"
    margin_top: float = MARGIN_TOP
    margin_bottom: float = MARGIN_BOTTOM
    header: bool = True
    footer: bool = False
    number: Literal["bottom_centre", "bottom_outer", "top_outer", "none"] = "bottom_centre"
    font: Literal["Helvetica", "Times", "Courier"] = "Helvetica"
    size: float = BODY_SIZE
    gutter: float = COLUMN_GAP
    justify: Literal["none", "spacing", "words"] = "none"
    columns: int = 2
    follow_marks: bool = False
    tables: Literal["pages", "flow"] = "pages"
    amount_on_box_line: bool = False
    boxes: Literal["shaded", "dark"] = "shaded"

    @property
    def width(self) -> float:
        return float(PAPER[self.paper][0])

    @property
    def height(self) -> float:
        return float(PAPER[self.paper][1])

    @property
    def column_width(self) -> float:
        return (self.width - MARGIN_LEFT - MARGIN_RIGHT - (self.columns - 1) * self.gutter) / self.columns

    def column_x0(self, column: int) -> float:
        return MARGIN_LEFT + column * (self.column_width + self.gutter)

    @property
    def leading(self) -> float:
        return self.size * LEADING / BODY_SIZE

    @property
    def regular(self) -> str:
        return FACES[self.font][0]

    @property
    def bold(self) -> str:
        return FACES[self.font][1]

    def header_y(self, height: float) -> float:
        """Baseline of the running header (and of top page numbers), at 2/3 of the top margin."""
        return height - self.margin_top * 2 / 3

    @property
    def footer_y(self) -> float:
        """Baseline of the running footer and bottom page numbers, at half the bottom margin."""
        return self.margin_bottom / 2

    def slots(self, height: float) -> int:
        """Line slots of a column on a page this tall."""
        return int((height - self.margin_top - self.margin_bottom) // self.leading)

    def name(self) -> str:
        """The options that differ from the default, e.g. 'columns=3,font=Times' (test ids)."""
        changed = [f"{f.name}={getattr(self, f.name)}" for f in fields(self) if getattr(self, f.name) != f.default]
        return ",".join(changed) or "default"


DEFAULT_LAYOUT = Layout()

# Each option's values: the default first.
LAYOUT_OPTIONS: dict[str, tuple[object, ...]] = {
    "paper": ("A4", "Letter"),
    "margin_top": (MARGIN_TOP, 36.0, 48.0, 80.0),
    "margin_bottom": (MARGIN_BOTTOM, 36.0, 50.0, 80.0),
    "header": (True, False),
    "footer": (False, True),
    "number": ("bottom_centre", "bottom_outer", "top_outer", "none"),
    "font": ("Helvetica", "Times", "Courier"),
    "size": (BODY_SIZE, 8.0, 9.5, 10.5),
    "gutter": (COLUMN_GAP, 10.0, 18.0, 40.0),
    "justify": ("none", "spacing", "words"),
    "columns": (2, 1, 3),
    "follow_marks": (False, True),
    "tables": ("pages", "flow"),
    "amount_on_box_line": (False, True),
    "boxes": ("shaded", "dark"),
}


def single_option_layouts() -> list[Layout]:
    """Each option value that is not the default, alone (every other option at its default)."""
    return [Layout(**{name: value}) for name, values in LAYOUT_OPTIONS.items() for value in values[1:]]  # type: ignore[arg-type]


def pairwise_layouts() -> list[Layout]:
    """Layouts that together hold every pair of values of two options (all-pairs), picked greedily
    and deterministically: each new layout starts from the first pair not yet held and takes,
    option by option, the value that holds most pairs not yet held."""
    names = list(LAYOUT_OPTIONS)
    index = {name: n for n, name in enumerate(names)}

    def order(n: int, value: object) -> int:
        return LAYOUT_OPTIONS[names[n]].index(value)

    def key(a: str, va: object, b: str, vb: object) -> tuple[int, object, int, object]:
        return (index[a], va, index[b], vb) if index[a] < index[b] else (index[b], vb, index[a], va)

    todo = {
        key(a, va, b, vb)
        for a, b in itertools.combinations(names, 2)
        for va in LAYOUT_OPTIONS[a]
        for vb in LAYOUT_OPTIONS[b]
    }
    layouts: list[Layout] = []
    while todo:
        i, vi, j, vj = min(todo, key=lambda k: (k[0], order(k[0], k[1]), k[2], order(k[2], k[3])))
        chosen: dict[str, object] = {names[i]: vi, names[j]: vj}
        for name in names:
            if name not in chosen:
                chosen[name] = max(
                    LAYOUT_OPTIONS[name],
                    key=lambda v, name=name: sum(key(m, chosen[m], name, v) in todo for m in chosen),  # type: ignore[misc]
                )
        todo -= {key(a, chosen[a], b, chosen[b]) for a, b in itertools.combinations(names, 2)}
        layouts.append(Layout(**chosen))  # type: ignore[arg-type]
    return layouts


def new_canvas(path: Path, layout: Layout = DEFAULT_LAYOUT) -> Canvas:
    """A canvas of the layout's paper, compressed and reproducible (same input, same bytes)."""
    _register_fonts()
    c = Canvas(str(path), pagesize=(layout.width, layout.height), pageCompression=1, invariant=1)
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


def furniture(layout: Layout, number: int, width: float, height: float) -> list[tuple[str, float, float, str]]:
    """What a page's running header, footer and page number draw: (text, x, baseline y, align)."""
    out: list[tuple[str, float, float, str]] = []
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    odd = number % 2 == 1
    top, bottom = layout.header_y(height), layout.footer_y
    if layout.number == "bottom_centre":
        out.append((str(number), width / 2, bottom, "centre"))
    elif layout.number in ("bottom_outer", "top_outer"):
        y = bottom if layout.number == "bottom_outer" else top
        out.append((str(number), right, y, "right") if odd else (str(number), left, y, "left"))
    if layout.header:  # on the inner side when a page number is at the top outer corner
        inner_right = layout.number == "top_outer" and not odd
        out.append((HEADER_TEXT, right, top, "right") if inner_right else (HEADER_TEXT, left, top, "left"))
    if layout.footer:
        inner_right = layout.number == "bottom_outer" and not odd
        out.append((FOOTER_TEXT, right, bottom, "right") if inner_right else (FOOTER_TEXT, left, bottom, "left"))
    return out


def draw_furniture(c: Canvas, layout: Layout = DEFAULT_LAYOUT, height: float | None = None) -> None:
    """The running header, footer and page number (the physical page, cover included) on this page."""
    for text, x, y, align in furniture(layout, c.getPageNumber(), layout.width, height or layout.height):
        _draw(c, text, x, y, layout.regular, HEADER_SIZE, align=align)


def furniture_glyphs(layout: Layout, numbers: Sequence[int]) -> int:
    """Characters (spaces not counted) the furniture of these pages draws: what a reader drops as furniture."""
    return sum(
        len(text.replace(" ", "")) for n in numbers for text, *_ in furniture(layout, n, layout.width, layout.height)
    )


def slot_baseline(slot: int, top: float = BODY_TOP, size: float = BODY_SIZE, leading: float = LEADING) -> float:
    """Baseline of line slot ``slot`` (0-based) of a column whose first slot starts at ``top``."""
    return top - size - slot * leading


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


# --- the body: rows placed in columns ------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """What one line slot (or, for a wrapped table label, several) of a column holds: a body line
    (blank: ""), or a table row / box line: label lines and an amount right-aligned on the first."""

    text: str = ""
    label: tuple[str, ...] = ()
    amount: str = ""
    bold: bool = False
    box: bool = False  # inside a programme box
    justify: bool = False  # stretched to the column's width
    index: int | None = None  # the line of the text it draws (of a box line with its amount: the box line)
    size: float = 0.0  # a table label's size where its longest word needs it smaller (0: the layout's)

    @property
    def slots(self) -> int:
        return max(1, len(self.label))

    @property
    def drawn(self) -> bool:
        return bool(self.text or self.label)

    def read(self) -> list[str]:
        """The lines a reader gives back for this row: the text, or the label (wrapped lines
        joined) then the amount."""
        if self.label:
            return [" ".join(self.label), self.amount]
        return [self.text] if self.text else []


def body_rows(lines: Sequence[str], begin: int, end: int, layout: Layout, boxes: dict[int, int]) -> list[Row]:
    """Lines ``begin``..``end`` as rows: a box's funding line takes its amount when the layout
    prints it there (the blank lines and the amount line then take no row)."""
    owner = {k: label for label, amount in boxes.items() for k in range(label, amount + 1)}
    rows: list[Row] = []
    k = begin
    while k < end:
        text = lines[k].strip()
        if layout.amount_on_box_line and k in owner and k == owner[k] + 1 and boxes[owner[k]] < end:
            amount = lines[boxes[owner[k]]].strip()
            if text_width(f"{text} {amount}", layout.regular, layout.size) + layout.size <= layout.column_width:
                rows.append(Row(label=(text,), amount=amount, box=True, index=k))  # else it stays on its own line
                k = boxes[owner[k]] + 1
                continue
        rows.append(Row(text=text, box=k in owner, justify=_justified(lines, k, end, layout, owner), index=k))
        k += 1
    return rows


def _justified(lines: Sequence[str], k: int, end: int, layout: Layout, owner: dict[int, int]) -> bool:
    """A paragraph line that is not its paragraph's last and nearly fills the column is justified."""
    if layout.justify == "none" or k in owner or k + 1 >= end:
        return False
    text, following = lines[k].strip(), lines[k + 1]
    if " " not in text or not following.strip() or following.startswith(" ") or k + 1 in owner:
        return False
    natural = text_width(text, layout.regular, layout.size)
    return JUSTIFY_FILL * layout.column_width <= natural <= layout.column_width


def table_rows(spec: TableSpec, layout: Layout) -> list[Row]:
    """A regional table flowing in a column: title, then the country and the area tables, each
    label wrapped only where its next word would not fit before its amount (1 em apart)."""

    def row(label: str, amount: str, bold: bool = False) -> Row:
        face = layout.bold if bold else layout.regular
        room = layout.column_width - text_width(amount, face, layout.size) - layout.size
        size = label_size(label, room, face, layout.size)
        return Row(label=tuple(_wrap(label, room, face, size)), amount=amount, bold=bold, size=size)

    rows = [Row(text=TABLE_TITLE, bold=True), Row(text=spec.region_title, bold=True)]
    for header, items in (("Country", spec.countries), ("Programmatic area", spec.areas)):
        rows.append(row(header, "USD", bold=True))
        rows += [row(label, amount) for label, amount in items]
        rows.append(row(TOTAL_LABEL, spec.total, bold=True))
    return rows


class _Sheet:
    """One page being laid out: rows placed by column and slot, drawn when the page is done
    (boxes first, so the text is drawn over them)."""

    def __init__(self, layout: Layout, height: float, top: float) -> None:
        self.layout, self.height, self.top = layout, height, top
        self.placed: list[tuple[int, int, Row]] = []

    @property
    def open(self) -> bool:
        return any(row.drawn or row.box for _, _, row in self.placed)

    def place(self, column: int, slot: int, row: Row) -> None:
        self.placed.append((column, slot, row))

    def finish(self, c: Canvas) -> None:
        layout = self.layout
        c.setPageSize((layout.width, self.height))
        draw_furniture(c, layout, self.height)
        dark = layout.boxes == "dark"
        for column, first, last in self._box_runs():
            c.saveState()
            c.setFillGray(DARK_BOX_GREY if dark else BOX_GREY)
            y = self.top - last * layout.leading
            x = layout.column_x0(column) - BOX_PAD_X
            c.rect(x, y, layout.column_width + 2 * BOX_PAD_X, (last - first) * layout.leading, stroke=0, fill=1)
            c.restoreState()
        for column, slot, row in self.placed:
            y = slot_baseline(slot, self.top, layout.size, layout.leading)
            if dark and row.box:
                c.saveState()
                c.setFillGray(1.0)
            _draw_row(c, row, layout.column_x0(column), y, layout)
            if dark and row.box:
                c.restoreState()
        c.showPage()

    def _box_runs(self) -> list[tuple[int, int, int]]:
        """(column, first slot, slot after the last) of each run of box rows."""
        runs: list[tuple[int, int, int]] = []
        for column, slot, row in sorted(self.placed, key=lambda p: (p[0], p[1])):
            if not row.box:
                continue
            if runs and runs[-1][0] == column and runs[-1][2] == slot:
                runs[-1] = (column, runs[-1][1], slot + row.slots)
            else:
                runs.append((column, slot, slot + row.slots))
        return runs


def _draw_row(c: Canvas, row: Row, x: float, y: float, layout: Layout) -> None:
    if row.label:
        face = layout.bold if row.bold else layout.regular
        for k, text in enumerate(row.label):
            _draw(c, text, x, y - k * layout.leading, face, row.size or layout.size)
        _draw(c, row.amount, x + layout.column_width, y, face, layout.size, align="right")
    elif row.text:
        _draw_body_line(c, row.text, x, y, layout, bold=row.bold, justify=row.justify)


def _draw_body_line(
    c: Canvas,
    text: str,
    x: float,
    y: float,
    layout: Layout = DEFAULT_LAYOUT,
    *,
    bold: bool = False,
    justify: bool = False,
) -> None:
    """A body line at the layout's size, smaller if it is too wide, condensed below 5 pt: never past
    its column. Justified by word spacing (Tw) or by placing each word, as the layout says."""
    face = layout.bold if bold else layout.regular
    width = layout.column_width
    size = fit_size(text, width, face, layout.size)
    natural = text_width(text, face, size)
    if natural > width:
        c.saveState()  # the horizontal scaling (Tz) is graphics state: it would outlive the line
        t = c.beginText(x, y)
        t.setFont(_font(face), size)
        t.setHorizScale(math.floor(width / natural * 10000) / 100)
        t.textOut(text)
        c.drawText(t)
        c.restoreState()
        return
    if layout.justify == "words":  # each word placed; a run of several spaces stays inside a piece
        pieces = re.split(r"(?<=\S) (?=\S)", text)
        space = text_width(" ", face, size)
        extra = (width - natural) / (len(pieces) - 1) if justify and len(pieces) > 1 else 0.0
        for piece in pieces:
            _draw(c, piece, x, y, face, size)
            x += text_width(piece, face, size) + space + extra
        return
    if layout.justify == "spacing" and justify and text.count(" "):
        c.saveState()  # the word spacing (Tw) is graphics state: it would outlive the line
        t = c.beginText(x, y)
        t.setFont(_font(face), size)
        t.setWordSpace((width - natural) / text.count(" "))
        t.textOut(text)
        c.drawText(t)
        c.restoreState()
        return
    _draw(c, text, x, y, face, size)


class _Flow:
    """Rows flowed into the layout's columns, top to bottom, left to right, page by page. The
    text line drawn first in each column goes to `starts`."""

    def __init__(self, c: Canvas, layout: Layout, starts: list[int]) -> None:
        self.c, self.layout, self.starts = c, layout, starts
        self.pages = 0
        self.column = 0
        self.slot = 0
        self.started = False  # a line is drawn in this column
        self.sheet = _Sheet(layout, layout.height, layout.height - layout.margin_top)

    def add(self, row: Row) -> None:
        room = self.layout.slots(self.layout.height) - self.slot
        if room <= 0 or (row.slots > room and self.slot > 0):
            self.column_break()
        self.sheet.place(self.column, self.slot, row)
        self.slot += row.slots
        if row.drawn and not self.started:
            self.started = True
            if row.index is not None:
                self.starts.append(row.index)

    def column_break(self) -> None:
        if self.column + 1 < self.layout.columns:
            self.column, self.slot, self.started = self.column + 1, 0, False
        else:
            self.close_page()

    def close_page(self) -> None:
        """End the current page if anything was drawn on it; the next row starts a new page."""
        if self.sheet.open:
            self.sheet.finish(self.c)
            self.pages += 1
        self.column, self.slot, self.started = 0, 0, False
        self.sheet = _Sheet(self.layout, self.layout.height, self.layout.height - self.layout.margin_top)


def render_table_page(
    canvas: Canvas,
    region_title: str,
    countries: list[tuple[str, str]],
    areas: list[tuple[str, str]],
    total: str,
    layout: Layout = DEFAULT_LAYOUT,
) -> int:
    """Draw a regional table on the canvas's current (empty) page; returns the pages used.

    Default layout: title "Funding requirements for" / region title (Helvetica-Bold 12, baselines
    769.89 and 754.89). Left: "Country" / "USD", one row per country (label at x=50, amount
    right-aligned at x=260), "Total funding requirement" / total. Right, side by side: the same
    for "Programmatic area" (label at x=310.28, amount right-aligned at x=545.28). Header and
    total rows are bold, rows regular, 13 pt apart; a label wider than 150 pt wraps (at spaces)
    onto further lines 13 pt lower, its amount on the first line's baseline. A table that does
    not fit continues on the next page under a repeated header row (no title). Every page gets
    the running header and footer and is finished with showPage(). Other layouts scale this
    with their paper, gutter, font and size.
    """
    g = _TableGeometry.of(layout)
    left = _table_rows("Country", countries, total, layout, g.wrap, g.rights[0] - g.xs[0])
    right = _table_rows("Programmatic area", areas, total, layout, g.wrap, g.rights[1] - g.xs[1])
    pages = 0
    first = True
    while first or left or right:
        canvas.setPageSize((layout.width, layout.height))
        draw_furniture(canvas, layout)
        if first:
            _draw(canvas, TABLE_TITLE, MARGIN_LEFT, g.titles[0], layout.bold, TITLE_SIZE)
            _draw(canvas, region_title, MARGIN_LEFT, g.titles[1], layout.bold, TITLE_SIZE)
        top = g.first_top if first else g.continued_top
        left = _draw_table_part(canvas, left, top, g.xs[0], g.rights[0], layout, g)
        right = _draw_table_part(canvas, right, top, g.xs[1], g.rights[1], layout, g)
        canvas.showPage()
        pages += 1
        first = False
    return pages


@dataclass(frozen=True)
class _TableGeometry:
    """Where a table page puts things in a layout (the default layout: the numbers above)."""

    xs: tuple[float, float]  # label x of the country and the area table
    rights: tuple[float, float]  # where their amounts end
    titles: tuple[float, float]  # baselines of the two title lines
    first_top: float  # baseline of the header row under the title
    continued_top: float  # ... on a continuation page
    step: float  # row height
    wrap: float  # the widest a label line gets
    lowest: float  # the lowest baseline a row may have

    @classmethod
    def of(cls, layout: Layout) -> _TableGeometry:
        half = (layout.width - MARGIN_LEFT - MARGIN_RIGHT - layout.gutter) / 2
        xs = (MARGIN_LEFT, MARGIN_LEFT + half + layout.gutter)
        rights = (xs[0] + half - (COLUMN_WIDTH - (COUNTRY_AMOUNT_RIGHT - COUNTRY_LABEL_X)), layout.width - MARGIN_RIGHT)
        body_top = layout.height - layout.margin_top
        titles = (body_top - TITLE_SIZE, body_top - TITLE_SIZE - TITLE_LEADING)
        step = ROW_HEIGHT * layout.size / BODY_SIZE
        wrap = half - (COLUMN_WIDTH - LABEL_WRAP_WIDTH)
        lowest = layout.margin_bottom + 4.5
        return cls(xs, rights, titles, titles[1] - 2 * step, body_top - layout.size, step, wrap, lowest)


# a table row as drawn: (label lines, amount, bold)
_Row = tuple[list[str], str, bool, float]  # (label lines, amount, bold, the label's size)


def _table_rows(
    header: str, rows: list[tuple[str, str]], total: str, layout: Layout, wrap: float, span: float
) -> list[_Row]:
    """The rows of one table of a table page; a label wraps at ``wrap`` points, or sooner where its
    next word would not fit before its amount (1 em apart; ``span`` = label x to amount's right)."""

    def row(label: str, amount: str, bold: bool = False) -> _Row:
        face = layout.bold if bold else layout.regular
        room = min(wrap, span - text_width(amount, face, layout.size) - layout.size)
        size = label_size(label, room, face, layout.size)
        return (_wrap(label, room, face, size), amount, bold, size)

    return [row(header, "USD", True), *(row(label, amount) for label, amount in rows), row(TOTAL_LABEL, total, True)]


def label_size(label: str, room: float, face: str, size: float) -> float:
    """The size a table label is drawn at: ``size``, or smaller where its longest word alone is
    wider than the room before its amount (a label wraps at spaces, never inside a word)."""
    widest = max((text_width(word, face, size) for word in label.split()), default=0.0)
    return size if widest <= room else math.floor(size * room / widest * 100) / 100


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


def _draw_table_part(
    c: Canvas, rows: list[_Row], top: float, label_x: float, amount_right: float, layout: Layout, g: _TableGeometry
) -> list[_Row]:
    """Draw rows (the header row first) from baseline ``top`` down while they fit.

    Returns the rows left over, under the header row again, or [] when the table is done.
    """
    drawn = _fitting(rows, top, g)
    y = top
    for label_lines, amount, bold, size in rows[:drawn]:
        face = layout.bold if bold else layout.regular
        for k, text in enumerate(label_lines):
            _draw(c, text, label_x, y - k * g.step, face, size)
        _draw(c, amount, amount_right, y, face, layout.size, align="right")
        y -= len(label_lines) * g.step
    rest = rows[drawn:]
    return [rows[0], *rest] if rest else []


def _fitting(rows: list[_Row], top: float, g: _TableGeometry) -> int:
    """How many of the rows fit from baseline ``top`` down (the header row and one more always do)."""
    y = top
    for drawn, (label_lines, *_) in enumerate(rows):
        if drawn > 1 and y - (len(label_lines) - 1) * g.step < g.lowest:
            return drawn
        y -= len(label_lines) * g.step
    return len(rows)


def render_report(
    lines: list[str],
    path: Path,
    *,
    tables: dict[int, TableSpec] | None = None,
    cover: bool = False,
    layout: Layout = DEFAULT_LAYOUT,
    starts: list[int] | None = None,
) -> int:
    """Render ``lines`` as a report PDF at ``path`` in ``layout``; returns the number of pages.

    ``tables`` maps a 0-based index into ``lines`` (``len(lines)`` = after the last line) to a
    table drawn just before that line: on page(s) of its own (the body resumes on a new page),
    or flowing in the column (``layout.tables == "flow"``). ``cover`` adds a first page with the
    title and subtitle only (no header, no footer); page numbers in footers count it.

    ``layout.follow_marks`` lays the text out as the PDF it was exported from was: a text export
    marks the first line of each page or column with a leading space, so each such line starts a
    new column here, and a page is as tall as its longest column needs (its paper at least). The
    extractor then sees its column starts where the text has its marks. ``starts`` (if given)
    receives the index of the line drawn first in each column (``marked`` puts the text's marks
    there).
    """
    tables = dict(tables or {})
    bad = [i for i in tables if not 0 <= i <= len(lines)]
    if bad:
        raise ValueError(f"table positions out of range 0..{len(lines)}: {sorted(bad)}")
    c = new_canvas(path, layout)
    pages = 0
    if cover:
        _draw_cover(c, layout)
        pages += 1
    if layout.follow_marks:
        pages += _render_following_marks(c, lines, tables, layout, starts if starts is not None else [])
        c.save()
        return pages
    flow = _Flow(c, layout, starts if starts is not None else [])
    boxes = find_boxes(lines)
    cuts = sorted({0, len(lines), *tables})
    for begin, end in itertools.pairwise(cuts):
        if begin in tables:
            pages += _table(c, flow, tables[begin], layout)
        for row in body_rows(lines, begin, end, layout, boxes):
            flow.add(row)
    flow.close_page()
    if len(lines) in tables:
        pages += _table(c, flow, tables[len(lines)], layout)
        flow.close_page()
    c.save()
    return pages + flow.pages


def _table(c: Canvas, flow: _Flow, spec: TableSpec, layout: Layout) -> int:
    """A table where the flow has reached: its rows in the flow, or table pages; the pages it ends."""
    if layout.tables == "flow":
        for row in table_rows(spec, layout):
            flow.add(row)
        return 0
    flow.close_page()
    return render_table_page(c, spec.region_title, spec.countries, spec.areas, spec.total, layout)


def _render_following_marks(
    c: Canvas, lines: list[str], tables: dict[int, TableSpec], layout: Layout, starts: list[int]
) -> int:
    """Columns that start where the text's leading-space marks say; returns the pages drawn."""
    boxes = find_boxes(lines)
    items: list[list[Row] | TableSpec] = []  # the rows of each column, and table pages
    start = 0
    for i in range(len(lines) + 1):
        cut = i == len(lines) or i in tables or (lines[i].startswith(" ") and i > start)
        if cut and i > start:
            items.append(body_rows(lines, start, i, layout, boxes))
            start = i
        if i in tables:
            items.append(tables[i] if layout.tables == "pages" else table_rows(tables[i], layout))
    pages = 0
    page: list[list[Row]] = []

    def finish() -> None:
        nonlocal pages
        if not page:
            return
        tallest = max(sum(row.slots for row in rows) for rows in page)
        height = max(layout.height, layout.margin_top + layout.margin_bottom + tallest * layout.leading)
        sheet = _Sheet(layout, height, height - layout.margin_top)
        for column, rows in enumerate(page):
            slot = 0
            for row in rows:
                sheet.place(column, slot, row)
                slot += row.slots
            first = next((row for row in rows if row.drawn), None)
            if first is not None and first.index is not None:
                starts.append(first.index)
        sheet.finish(c)
        pages += 1
        page.clear()

    for item in items:
        if isinstance(item, TableSpec):
            finish()
            pages += render_table_page(c, item.region_title, item.countries, item.areas, item.total, layout)
            continue
        page.append(item)
        if len(page) == layout.columns:
            finish()
    finish()
    return pages


def _draw_cover(c: Canvas, layout: Layout = DEFAULT_LAYOUT) -> None:
    c.setPageSize((layout.width, layout.height))
    _draw(c, COVER_TITLE, layout.width / 2, layout.height * 0.6, layout.bold, 28, align="centre")
    _draw(c, COVER_SUBTITLE, layout.width / 2, layout.height * 0.6 - 36, layout.regular, 14, align="centre")
    c.showPage()


def read_lines(path: Path) -> list[str]:
    """The lines of a .txt as the pipeline numbers them (split on \\n only; a final newline ends the last line)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


# --- regional tables as table pages --------------------------------------------------------------


@dataclass(frozen=True)
class Excerpt:
    """A report (or part of one) as ``render_report`` draws it, and as a text export prints it."""

    lines: list[str]  # the text without its regional tables' blocks
    tables: dict[int, TableSpec]  # each table, at the index of the line it comes before
    blocks: dict[int, list[str]]  # ... and its lines as the text export prints them

    def text(self, starts: Sequence[int] | None = None) -> list[str]:
        """The text export: the lines with each table's block in place; with ``starts`` (the
        lines a rendering starts its columns with), marked there and nowhere else (``marked``)."""
        lines = self.lines if starts is None else marked(self.lines, starts)
        out: list[str] = []
        for n, line in enumerate(lines):
            out += self.blocks.get(n, [])
            out.append(line)
        return out + self.blocks.get(len(lines), [])


def with_table_pages(lines: list[str], built: Path) -> Excerpt:
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
    blocks: dict[int, list[str]] = {}
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
        blocks[len(kept)] = lines[cut:end]
        position = end
    kept += lines[position:]
    return Excerpt(kept, tables, blocks)


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


def _finish_without_furniture(c: Canvas, sheet: _Sheet) -> None:
    """A page of one of these traps: no running header or page number (on a single page they
    would be body text: furniture is told by its repetition over pages)."""
    sheet.layout = replace(DEFAULT_LAYOUT, header=False, number="none")
    sheet.finish(c)


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
    _draw(c, HEADING_TEXT, MARGIN_LEFT, HEADING_BASELINE, BODY_BOLD_FONT, HEADING_SIZE)
    sheet = _Sheet(DEFAULT_LAYOUT, PAGE_HEIGHT, HEADING_BASELINE - 12)
    for column, texts in enumerate((_LEFT_TEXT, _RIGHT_TEXT)):
        for slot, text in enumerate(texts):
            sheet.place(column, slot, Row(text=text))
    _finish_without_furniture(c, sheet)
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
    sheet = _Sheet(DEFAULT_LAYOUT, PAGE_HEIGHT, BODY_TOP)
    left = [*left_before, *[""] * WIDE_AMOUNT_SLOTS, *left_after]
    right = [*right_before, *[""] * (len(left_before) + WIDE_AMOUNT_SLOTS - len(right_before)), *right_after]
    for column, texts in enumerate((left, right)):
        for slot, text in enumerate(texts):
            box = column == 0 and 3 <= slot < 3 + 3 + WIDE_AMOUNT_SLOTS  # label, funding line, blank, amount
            sheet.place(column, slot, Row(text=text, box=box))
    # the amount: baseline 3 pt above the bottom of its 4 slots
    bottom = BODY_TOP - (len(left_before) + WIDE_AMOUNT_SLOTS) * LEADING
    _draw(c, WIDE_AMOUNT, COLUMN_X0[0], bottom + 8.0, BODY_BOLD_FONT, WIDE_AMOUNT_SIZE)
    _finish_without_furniture(c, sheet)
    c.save()
    return [*(t for t in left_before if t), WIDE_AMOUNT, *left_after, *right_before, *right_after]


# --- what a reader must give back ----------------------------------------------------------------

# The columns of the fact tables a PDF and the text it was drawn from must give alike.
COMPARED = {
    "regions": ("region_id", "region_label", "total_usd", "sections", "resolution"),
    "region_countries": ("region_id", "row_label", "country_iso3", "status", "requirement_usd"),
    "region_areas": ("region_id", "area_id", "area_label", "status", "requirement_usd"),
    "programmes": (
        "programme_id", "section_label", "title", "area_label", "status", "requirement_usd",
        "basis", "period", "basis_note", "description", "target_populations",
    ),
}  # fmt: skip


_AS_DRAWN = str.maketrans({0x2010: "-", 0x2011: "-", **{c: " " for c in range(0x20)}, 0x7F: " "})


def as_drawn(text: str) -> str:
    """Text as the generator's fonts draw it: U+2010/U+2011 as '-', control characters as spaces."""
    return text.translate(_AS_DRAWN)


def expected_lines(
    lines: list[str], layout: Layout = DEFAULT_LAYOUT, tables: dict[int, TableSpec] | None = None
) -> list[str]:
    """The non-blank lines a reader gives back for ``render_report(lines, tables=tables,
    layout=layout)``, in reading order, furniture left out: the body lines (a box line with its
    amount: the label, then the amount), each table's lines (title, then the country table, then
    the area table, page by page for a table page; a wrapped label is one line)."""
    tables = tables or {}
    boxes = find_boxes(lines)
    out: list[str] = []
    cuts = sorted({0, len(lines), *tables})
    for n, begin in enumerate(cuts):
        if begin in tables:
            spec = tables[begin]
            if layout.tables == "pages":
                out += _table_page_reading(spec, layout)
            else:
                out += [text for row in table_rows(spec, layout) for text in row.read()]
        if n + 1 < len(cuts):
            out += [text for row in body_rows(lines, begin, cuts[n + 1], layout, boxes) for text in row.read()]
    return [as_drawn(text) for text in out if text.strip()]


def _table_page_reading(spec: TableSpec, layout: Layout) -> list[str]:
    """A table page's lines in reading order: the title, then on each page the country table's
    rows, then the area table's."""
    g = _TableGeometry.of(layout)
    parts = [
        _table_rows("Country", spec.countries, spec.total, layout, g.wrap, g.rights[0] - g.xs[0]),
        _table_rows("Programmatic area", spec.areas, spec.total, layout, g.wrap, g.rights[1] - g.xs[1]),
    ]
    out = [TABLE_TITLE, spec.region_title]
    first = True
    while first or any(parts):
        for n, rows in enumerate(parts):
            drawn = _fitting(rows, g.first_top if first else g.continued_top, g)
            out += [text for label, amount, *_ in rows[:drawn] for text in (" ".join(label), amount)]
            parts[n] = [rows[0], *rows[drawn:]] if rows[drawn:] else []
        first = False
    return out


def marked(lines: Sequence[str], starts: Sequence[int]) -> list[str]:
    """The lines as a text export of a PDF whose columns start at ``starts`` marks them: a leading
    space on each column's first line, on no other (what a PDF with columns elsewhere than the
    text's own marks gives the text path)."""
    first = set(starts)
    return [f" {line.lstrip(' ')}" if n in first else line.lstrip(" ") for n, line in enumerate(lines)]


def printed_amount(value: int | str) -> str:
    """An amount as the report prints it: 7,700,000, or a word ('Funded') as it is."""
    return f"{value:,}" if isinstance(value, int) else value


def report_excerpt(
    region: str, countries: dict[str, int | str], areas: dict[str, int | str], sections: list[str]
) -> Excerpt:
    """A one-region report around ``sections`` (lines of the report's text): the title, the
    region's funding table (in the text export: labels and amounts on lines of their own), the
    sections."""
    total = sum(v for v in countries.values() if isinstance(v, int))
    block = [f" {TABLE_TITLE}", region.upper(), "Country", "", "USD"]
    for label, value in countries.items():
        block += [label, printed_amount(value), ""]
    block += [TOTAL_LABEL, printed_amount(total), "", "Programmatic area", "USD"]
    for label, value in areas.items():
        block += [label, printed_amount(value), ""]
    block += [TOTAL_LABEL, printed_amount(total)]
    spec = TableSpec(
        region.upper(),
        [(label, printed_amount(v)) for label, v in countries.items()],
        [(label, printed_amount(v)) for label, v in areas.items()],
        printed_amount(total),
    )
    return Excerpt(["Migration Initiatives 2015", *sections], {1: spec}, {1: block})


def pdfminer_text(path: Path) -> str:
    """What pdfminer's own text export (``pdfminer.high_level.extract_text``, installed with
    pdfplumber) writes for a PDF: the text a user might give mi-etl as a .txt instead of the PDF."""
    from pdfminer.high_level import extract_text

    return str(extract_text(str(path)))


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


def parse_layout(options: Sequence[str]) -> Layout:
    """A layout from NAME=VALUE options, each value one of ``LAYOUT_OPTIONS``' (e.g. columns=3, margin_top=36.0)."""
    chosen: dict[str, object] = {}
    for option in options:
        name, _, value = option.partition("=")
        values = {str(v): v for v in LAYOUT_OPTIONS.get(name, ())}
        if value not in values:
            known = ", ".join(f"{n}={'|'.join(map(str, vs))}" for n, vs in LAYOUT_OPTIONS.items())
            raise ValueError(f"--layout {option}: not one of {known}")
        chosen[name] = values[value]
    return Layout(**chosen)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.pdfgen", description=__doc__.split("\n")[0])
    parser.add_argument("text", type=Path, help="the report's text, e.g. raw/migration-initiatives-2015.txt")
    parser.add_argument("out", type=Path, help="the PDF to write")
    parser.add_argument("--lines", metavar="A:B", help="render only lines A..B (1-based, inclusive)")
    parser.add_argument("--cover", action="store_true", help="add a cover page")
    parser.add_argument(
        "--layout", metavar="NAME=VALUE", action="append", default=[], help="a layout option (Layout), e.g. columns=3"
    )
    args = parser.parse_args(argv)
    try:
        layout = parse_layout(args.layout)
    except ValueError as e:
        parser.error(str(e))
    lines = read_lines(args.text)
    a, b = 1, len(lines)
    if args.lines:
        try:
            a, b = _line_range(args.lines, len(lines))
        except argparse.ArgumentTypeError as e:
            parser.error(str(e))
    start = time.perf_counter()
    pages = render_report(lines[a - 1 : b], args.out, cover=args.cover, layout=layout)
    elapsed = time.perf_counter() - start
    print(f"{args.out}: lines {a}-{b} of {args.text}, {pages} pages, {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# --- hostile PDFs, written object by object --------------------------------------------------------


def pdf_of_objects(objects: Sequence[bytes]) -> bytes:
    """A PDF file of these objects (object 1 = the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream_object(data: bytes, filters: str = "") -> bytes:
    """A stream object's body: its dictionary (/Length, /Filter if any) and its bytes."""
    named = f" /Filter [{filters}]" if filters else ""
    return f"<< /Length {len(data)}{named} >>\nstream\n".encode() + data + b"\nendstream"


def deflated(size: int, fill: bytes = b" ") -> bytes:
    """``size`` bytes of ``fill`` deflated, made chunk by chunk (a bomb kept small on disk and in memory)."""
    deflater = zlib.compressobj(9)
    chunk = fill * (2**20 // len(fill))
    out = bytearray()
    left = size
    while left > 0:
        out += deflater.compress(chunk[:left])
        left -= min(left, len(chunk))
    return bytes(out + deflater.flush())


def flat_page_tree(pages: int, count: int | None = None, content: bytes | Sequence[bytes] = b"") -> bytes:
    """A PDF of ``pages`` pages, all kids of one page-tree node whose /Count says ``count`` (default:
    the truth), every page drawing ``content`` (a content stream, deflated here; or one per page)
    in Helvetica as /F1."""
    streams = [content] if isinstance(content, bytes) else list(content)
    first_page = 4 + len(streams)
    kids = " ".join(f"{n} 0 R" for n in range(first_page, first_page + pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages if count is None else count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *(stream_object(zlib.compress(data), "/FlateDecode") for data in streams),
    ]
    for n in range(pages):
        contents = 4 + (n if len(streams) > 1 else 0)
        page = f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R".encode()
        objects.append(page + b" /Resources << /Font << /F1 3 0 R >> >> >>")
    return pdf_of_objects(objects)
