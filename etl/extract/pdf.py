"""PDF reports -> documents: the same stream of positioned lines the text path gives.

Each page's characters (pdfplumber) are read by position, never by text:

1. The running header and footer are dropped: text whose baseline lies in the top or bottom
   band of the page (`BAND` of its height), page numbers included. Text turned sideways or
   upside down is left out; a character printed twice over itself (fake bold) is read once.
2. Characters sharing a baseline (the text matrix's y: a condensed or larger line has other
   tops) form a row; a row splits into pieces at gaps wider than `GAP` font sizes with no space
   drawn in them: the two columns, words set apart, a table's label and amount.
3. The gutter is the x near the middle of the page that the fewest segments cross. A segment
   across it of several words (a heading over both columns) cuts the page into bands; a single
   word across it (an amount wider than its column) stays in the column it starts in.
4. Reading order: band by band, the left column top to bottom, then the right one. Two segments
   on one row of a column (a table's label and amount) become two lines, label first; a label
   wrapped onto the next row (no amount there, same left edge) is joined to it first.
5. Blank lines come back from the vertical space: a gap of n line heights between two lines of
   a column gives n - 1 blank lines (a paragraph break). The first line of a column is marked
   `fresh`: a paragraph does not run on into it from the line before.

Each line's `SourceRef` names the page and the box of its characters (x0, top, x1, bottom in PDF
points from the page's top left), and its place in the stream (for ordering).

Pages are split across processes (`jobs`); each worker opens the file once and closes every
page after use, so memory stays flat however long the report is.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import multiprocessing
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from etl.errors import EmptyInput, UnreadablePdf, in_worker
from etl.source import Document, Line, SourceRef
from etl.workers import map_in_processes

BAND = 0.06  # the running header and footer: text whose baseline is in the top or bottom 6% of a page
MAX_BAND = 50.5  # ... and no more than A4's 6% on a taller page
GAP = 0.8  # a gap wider than this many font sizes, with no space drawn in it, separates two pieces
CELL_GAP = 2.5  # ... and this many, before an amount (or "USD"), two cells of a table row
_CELL = regex.compile(r"^\s*(?:\d{1,3}(?:[,.]\d{3})+|\d+|funded|usd)\s*$", regex.IGNORECASE)
MAX_PAGES = 3000
_FIX = "give a PDF with a text layer, or the report's text as a .txt file in raw/"


@dataclass(frozen=True, slots=True)
class Segment:
    """Characters of one row with no wide gap between them."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float  # from the page's top
    size: float


@dataclass(frozen=True, slots=True)
class Placed:
    """A line of a page in reading order, before blank lines are restored."""

    text: str
    box: tuple[float, float, float, float]
    baseline: float
    column: int  # 0 left (or whole width), 1 right
    band: int
    size: float
    table_row: bool  # one cell of a row of several (a table's label or amount)


@dataclass(frozen=True, slots=True)
class PageText:
    number: int  # 1-based
    lines: tuple[Placed, ...]

    @property
    def is_table_page(self) -> bool:
        return sum(line.table_row for line in self.lines) >= 6


def pdf_to_document(path: Path, display: str, jobs: int = 1) -> Document:
    """Read a PDF's text layer into a document of lines in reading order."""
    data = path.read_bytes()
    if not data.strip():
        raise EmptyInput(display, "the file is empty", fix="put the report's PDF in it or remove it from raw/")
    pages = _page_count(path, display)
    if pages == 0:
        raise UnreadablePdf(display, "the PDF has no pages", fix=_FIX)
    if pages > MAX_PAGES:
        raise UnreadablePdf(display, f"the PDF has {pages} pages, more than {MAX_PAGES}", fix="split the file")
    texts = _read_pages(path, display, pages, jobs)
    if not any(t.lines for t in texts):
        raise UnreadablePdf(
            f"{display}#p1",
            f"no text that reads left to right in the body of any of its {pages} pages"
            " (a scanned image without a text layer? text set sideways?)",
            fix="run OCR on it first (e.g. ocrmypdf), or give the report's text as a .txt file",
        )
    lines = tuple(_with_blank_lines(texts, display))
    return Document(path=display, sha256=hashlib.sha256(data).hexdigest(), lines=lines, kind="pdf")


def _open(path: Path, display: str) -> Any:
    import pdfplumber

    try:
        return pdfplumber.open(path)
    except Exception as err:  # pdfminer raises many kinds on bad input; none may escape as a traceback
        raise _unreadable(display, err) from None


def _unreadable(where: str, err: Exception) -> UnreadablePdf:
    while err.args and isinstance(err.args[0], Exception):  # pdfplumber wraps pdfminer's errors
        err = err.args[0]
    name = type(err).__name__
    if "Password" in name or "Encrypt" in name or "password" in str(err).lower():
        return UnreadablePdf(where, "the PDF is encrypted", fix="give an unencrypted copy, or its text as a .txt file")
    detail = str(err).strip().splitlines()[0][:120] if str(err).strip() else name
    return UnreadablePdf(where, f"the file is not a readable PDF ({detail})", fix=_FIX)


def _page_count(path: Path, display: str) -> int:
    pdf = _open(path, display)
    try:
        return len(pdf.pages)
    except Exception as err:
        raise _unreadable(display, err) from None
    finally:
        pdf.close()


_PENDING: tuple[Path, str] | None = None


def _read_pages(path: Path, display: str, pages: int, jobs: int) -> list[PageText]:
    """Every page's lines; with jobs > 1 the pages are split into contiguous runs, one per process."""
    runs = _runs(pages, jobs if pages >= 8 else 1)
    if len(runs) > 1 and "fork" in multiprocessing.get_all_start_methods():
        global _PENDING
        _PENDING = (path, display)
        try:
            return [page for run in map_in_processes(_read_run, runs, len(runs)) for page in run]
        finally:
            _PENDING = None
    return _read_range(path, display, 0, pages)


def _runs(pages: int, jobs: int) -> list[tuple[int, int]]:
    size = -(-pages // max(1, jobs))
    return [(start, min(start + size, pages)) for start in range(0, pages, size)]


@in_worker
def _read_run(run: tuple[int, int]) -> list[PageText]:
    assert _PENDING is not None
    return _read_range(*_PENDING, *run)


def _read_range(path: Path, display: str, start: int, end: int) -> list[PageText]:
    pdf = _open(path, display)
    out = []
    try:
        for n in range(start, end):
            page = pdf.pages[n]
            try:
                out.append(page_to_text(n + 1, *_layout_chars(page)))
            except UnreadablePdf:
                raise
            except Exception as err:
                raise _unreadable(f"{display}#p{n + 1}", err) from None
            finally:
                page.close()  # pdfplumber keeps every parsed page otherwise: gigabytes over a report
    finally:
        pdf.close()
    return out


def _layout_chars(page: Any) -> tuple[float, float, list[dict[str, Any]]]:
    """The page's width, height and characters, from the layout pdfplumber builds with pdfminer,
    read straight from its objects: pdfplumber's own `page.chars` turns every attribute of every
    character into a dict first, which costs more than the parsing itself. The layout's
    coordinates are the page as displayed (its rotation and the origin of its media box applied);
    positions here are measured from its top left corner."""
    from pdfminer.layout import LTChar

    layout = page.layout
    left, edge = float(layout.x0), float(layout.y1)
    out = []
    for obj in layout:
        if isinstance(obj, LTChar) and obj.upright and obj.matrix[0] > 0:  # no sideways or upside-down text
            out.append(
                {
                    "text": obj.get_text(),
                    "x0": obj.x0 - left,
                    "x1": obj.x1 - left,
                    "top": edge - obj.y1,
                    "bottom": edge - obj.y0,
                    "baseline": edge - obj.matrix[5],
                    "size": obj.size,
                }
            )
    return float(layout.width), float(layout.height), out


def page_to_text(number: int, width: float, height: float, chars: list[dict[str, Any]]) -> PageText:
    """One page's characters -> its lines in reading order (header and footer dropped)."""
    band = min(BAND * height, MAX_BAND)
    body = [c for c in chars if band <= _baseline(c) <= height - band]
    segments = [s for row in _rows(body) for s in _segments(_deduplicated(row))]
    if not segments:
        return PageText(number, ())
    gutter = _gutter(segments, width)
    if gutter is not None and _one_table_across(segments, gutter):
        gutter = None
    spanning = sorted(
        (s for s in segments if gutter is not None and s.x0 < gutter < s.x1 and len(s.text.split()) > 1),
        key=lambda s: s.baseline,
    )
    cuts = [s.baseline for s in spanning]
    placed: list[Placed] = []
    for band in range(len(cuts) + 1):
        low = cuts[band - 1] if band else float("-inf")
        high = cuts[band] if band < len(cuts) else float("inf")
        inside = [s for s in segments if low < s.baseline < high and s not in spanning]
        for column in (0, 1):
            mine = [s for s in inside if (gutter is None or s.x0 < gutter) == (column == 0)]
            placed += _column_lines(mine, column, band * 2)
        if band < len(cuts):
            s = spanning[band]
            placed.append(Placed(s.text, (s.x0, s.top, s.x1, s.bottom), s.baseline, 0, band * 2 + 1, s.size, False))
    return PageText(number, tuple(placed))


def _baseline(char: dict[str, Any]) -> float:
    """From the page's top: the text matrix's y (a condensed or larger line has other tops)."""
    return float(char["baseline"])


def _rows(chars: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Characters grouped by baseline (within a point), top to bottom."""
    keyed = sorted((_baseline(c), n) for n, c in enumerate(chars))
    row: list[dict[str, Any]] = []
    start = 0.0
    for baseline, n in keyed:
        if row and baseline - start > 1.0:
            yield row
            row = []
        if not row:
            start = baseline
        row.append(chars[n])
    if row:
        yield row


def _deduplicated(row: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A row's characters without the copies drawn over them (fake bold: each glyph twice,
    shifted a fraction of a point)."""
    out: list[dict[str, Any]] = []
    for c in sorted(row, key=lambda c: c["x0"]):
        width = out[-1]["x1"] - out[-1]["x0"] if out else 0.0
        overlaps = out and abs(c["x0"] - out[-1]["x0"]) < 0.3 * width
        if overlaps and c["text"] == out[-1]["text"]:
            continue
        out.append(c)
    return out


def _segments(row: list[dict[str, Any]]) -> list[Segment]:
    row = sorted(row, key=lambda c: c["x0"])
    out: list[Segment] = []
    run: list[dict[str, Any]] = []
    for c in row:
        if run and c["x0"] - run[-1]["x1"] > GAP * max(c["size"], run[-1]["size"], 1.0):
            out.append(_segment(run))
            run = []
        run.append(c)
    if run:
        out.append(_segment(run))
    return [s for s in out if s.text.strip()]


def _segment(run: list[dict[str, Any]]) -> Segment:
    text = ""
    previous = None
    for c in run:
        drawn_apart = previous is not None and c["x0"] - previous["x1"] > 0.25 * max(c["size"], 1.0)
        if drawn_apart and not c["text"].isspace() and not previous["text"].isspace():  # type: ignore[index]
            text += " "  # a word gap drawn by position, not by a space character
        text += c["text"]
        previous = c
    text = text.rstrip()
    ink = [c for c in run if not c["text"].isspace()] or run
    sizes = Counter(round(c["size"], 1) for c in ink)
    return Segment(
        text,
        min(c["x0"] for c in run),
        max(c["x1"] for c in ink),
        min(c["top"] for c in ink),
        max(c["bottom"] for c in ink),
        round(_baseline(ink[0]), 1),
        sizes.most_common(1)[0][0],
    )


def _gutter(segments: list[Segment], width: float) -> float | None:
    """The middle of the widest stretch of the page's middle third, with text on both sides,
    that the fewest pieces cross; None for a page of one column. (On a table page the gap
    between a label and its amount is empty too, but narrower than the gutter; right of a
    short column the page is empty, but there is no text beyond it.)"""
    low, high = int(width * 0.35), int(width * 0.65)
    xs = [float(x) for x in range(low, high + 1)]
    steps = [0] * (high - low + 2)  # crossings per whole x, by a difference array
    for s in segments:
        a, b = max(low, math.floor(s.x0) + 1), min(high, math.ceil(s.x1) - 1)
        if a <= b:
            steps[a - low] += 1
            steps[b - low + 1] -= 1
    leftmost_end, rightmost_start = min(s.x1 for s in segments), max(s.x0 for s in segments)
    counts: dict[float, int] = {}
    crossing = 0
    for k, x in enumerate(xs):
        crossing += steps[k]
        if leftmost_end <= x <= rightmost_start:
            counts[x] = crossing
    if not counts:
        return None
    fewest = min(counts.values())
    if fewest > 0.1 * len(segments):
        return None
    runs: list[list[float]] = []
    for x in xs:
        if counts.get(x) == fewest:
            if runs and runs[-1][-1] == x - 1:
                runs[-1].append(x)
            else:
                runs.append([x])
    middle = width / 2
    best = max(runs, key=lambda r: (len(r), -abs((r[0] + r[-1]) / 2 - middle)))
    return (best[0] + best[-1]) / 2


def _one_table_across(segments: list[Segment], gutter: float) -> bool:
    """A table printed across the page (labels on the left, amounts on the right) is one
    column: most rows that hold text on both sides of the gap hold a label on its left and
    only an amount on its right."""
    rows: dict[float, list[Segment]] = {}
    for s in segments:
        rows.setdefault(s.baseline, []).append(s)
    both = [r for r in rows.values() if any(s.x1 <= gutter for s in r) and any(s.x0 >= gutter for s in r)]
    across = [
        r
        for r in both
        if all(_CELL.match(s.text) for s in r if s.x0 >= gutter)
        and not any(_CELL.match(s.text) for s in r if s.x1 <= gutter)
    ]
    return len(both) >= 3 and len(across) > 0.5 * len(both)


def _column_lines(segments: list[Segment], column: int, band: int) -> list[Placed]:
    """A column's pieces as lines: row by row, the pieces of a row joined into one line (words
    set far apart in a justified line stay one line), except a table's cells: an amount (or
    "USD") far to the right of the rest is a cell of its own. A table label wrapped onto the
    next row is joined before its amount."""
    rows: list[list[Segment]] = []
    for s in sorted(segments, key=lambda s: (s.baseline, s.x0)):
        if rows and abs(rows[-1][0].baseline - s.baseline) <= 1.0:
            rows[-1].append(s)
        else:
            rows.append([s])
    cells = [_cells(row) for row in rows]
    out: list[Placed] = []
    n = 0
    while n < len(cells):
        row = cells[n]
        if n + 1 < len(cells) and _continues(row, cells[n + 1]):
            row = [_join(row[0], cells[n + 1][0]), *row[1:]]
            n += 1
        for s in row:
            out.append(Placed(s.text, (s.x0, s.top, s.x1, s.bottom), s.baseline, column, band, s.size, len(row) > 1))
        n += 1
    return out


def _cells(row: list[Segment]) -> list[Segment]:
    out = [row[0]]
    for piece in row[1:]:
        if piece.x0 - out[-1].x1 > CELL_GAP * piece.size and _CELL.match(piece.text):
            out.append(piece)
        else:
            out[-1] = _join(out[-1], piece)
    return out


def _join(first: Segment, second: Segment) -> Segment:
    return Segment(
        f"{first.text} {second.text.strip()}",
        first.x0,
        max(first.x1, second.x1),
        min(first.top, second.top),
        max(first.bottom, second.bottom),
        first.baseline,
        first.size,
    )


def _continues(row: list[Segment], following: list[Segment]) -> bool:
    """The next row is the rest of this table row's label: this row is a label and an amount,
    the next one cell, at the label's left edge, one row below, and no amount."""
    label, nxt = row[0], following[0]
    return (
        len(row) == 2
        and bool(_CELL.match(row[1].text))
        and not _CELL.match(label.text)
        and len(following) == 1
        and abs(nxt.x0 - label.x0) <= 1.0
        and 0 < nxt.baseline - label.baseline <= 2.0 * label.size
        and not _CELL.match(nxt.text)
    )


def _with_blank_lines(pages: list[PageText], display: str) -> Iterator[Line]:
    """The document's lines, with the blank lines the vertical space between two lines of a
    column stands for (a paragraph break). Space above a column's first line or below its last
    stands for nothing: where a column starts, the line says so (`Line.fresh`)."""
    leading = _leading(pages)
    number = 0
    for page in pages:
        groups: dict[tuple[int, int], list[Placed]] = {}
        for x in page.lines:
            groups.setdefault((x.band, x.column), []).append(x)
        for group in groups.values():
            previous: Placed | None = None
            for n, x in enumerate(group):
                if previous is not None and not page.is_table_page:
                    gap = x.baseline - previous.baseline
                    blanks = _slots(gap, leading) - 1 if leading else int(gap > 1.8 * previous.size)
                    for _ in range(blanks):
                        number += 1
                        yield Line("", SourceRef(display, line=number, page=page.number))
                number += 1
                ref = SourceRef(display, line=number, page=page.number, bbox=x.box)
                yield Line(x.text, ref, fresh=n == 0 or x.text.startswith(" "))  # a column's first line
                previous = x


def _slots(distance: float, leading: float) -> int:
    return max(0, round(distance / leading)) if leading > 0 else 0


def _leading(pages: list[PageText]) -> float:
    """The body's leading: the most common distance between two consecutive lines of a column
    that is a plausible line spacing (under twice the font size); 0 if there is none."""
    deltas: Counter[float] = Counter()
    for page in pages:
        if page.is_table_page:
            continue
        for a, b in itertools.pairwise(page.lines):
            if (a.band, a.column) == (b.band, b.column) and 0 < b.baseline - a.baseline <= 2 * a.size:
                deltas[round(b.baseline - a.baseline, 1)] += 1
    # No two lines one line apart: the leading is unknown, a wide gap is one paragraph break.
    return float(deltas.most_common(1)[0][0]) if deltas else 0.0
