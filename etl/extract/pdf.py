"""PDF reports -> documents: the same stream of positioned lines the text path gives.

Each page's characters (pdfplumber) are read by position, never by text:

1. The running header and footer are dropped: whatever lies in the top or bottom band of the
   page (`BAND` of its height), page numbers included.
2. Characters sharing a baseline (the text matrix's y: a condensed or larger line has other
   tops) form a row; a row splits into segments at gaps wider than `GAP`: the two columns, or
   the label and the amount of a table row.
3. The gutter is the x near the middle of the page that the fewest segments cross. A segment
   across it of several words (a heading over both columns) cuts the page into bands; a single
   word across it (an amount wider than its column) stays in the column it starts in.
4. Reading order: band by band, the left column top to bottom, then the right one. Two segments
   on one row of a column (a table's label and amount) become two lines, label first; a label
   wrapped onto the next row (no amount there, same left edge) is joined to it first.
5. Blank lines come back from the vertical space: a gap of n line heights between two lines of a
   column, above the first line of a column, or (when the text flows on to the next column)
   below its last, gives n - 1 (or n) blank lines, as the text export of a PDF has them.

Each line's `SourceRef` names the page and the box of its characters (x0, top, x1, bottom in PDF
points from the page's top left), and its place in the stream (for ordering).

Pages are split across processes (`jobs`); each worker opens the file once and closes every
page after use, so memory stays flat however long the report is.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from etl.errors import EmptyInput, UnreadablePdf, in_worker
from etl.source import Document, Line, SourceRef

BAND = 0.06  # the running header and footer live in the top and bottom 6% of a page
GAP = 12.0  # points: a wider gap between two characters of a row separates two segments
MAX_PAGES = 3000
_AMOUNT = regex.compile(r"^\s*(?:\d{1,3}(?:[,.]\d{3})+|\d+|funded)\s*$", regex.IGNORECASE)
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
    height: float
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
            f"no text on any of its {pages} pages (a scanned image without a text layer?)",
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
            with multiprocessing.get_context("fork").Pool(len(runs)) as pool:
                return [page for run in pool.map(_read_run, runs) for page in run]
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
                out.append(page_to_text(n + 1, page.width, page.height, _layout_chars(page)))
            except UnreadablePdf:
                raise
            except Exception as err:
                raise _unreadable(f"{display}#p{n + 1}", err) from None
            finally:
                page.close()  # pdfplumber keeps every parsed page otherwise: gigabytes over a report
    finally:
        pdf.close()
    return out


def _layout_chars(page: Any) -> list[dict[str, Any]]:
    """The page's characters from the layout pdfplumber builds with pdfminer, read straight from
    its objects: pdfplumber's own `page.chars` turns every attribute of every character into a
    dict first, which costs more than the parsing itself."""
    from pdfminer.layout import LTChar

    edge = float(page.mediabox[3])  # the page's top in PDF coordinates (y grows upwards)
    out = []
    for obj in page.layout:
        if isinstance(obj, LTChar):
            out.append(
                {
                    "text": obj.get_text(),
                    "x0": obj.x0,
                    "x1": obj.x1,
                    "top": edge - obj.y1,
                    "bottom": edge - obj.y0,
                    "baseline": edge - obj.matrix[5],
                    "size": obj.size,
                    "upright": obj.upright,
                }
            )
    return out


def page_to_text(number: int, width: float, height: float, chars: list[dict[str, Any]]) -> PageText:
    """One page's characters -> its lines in reading order (header and footer dropped)."""
    body = [
        c for c in chars if c.get("upright", True) and BAND * height <= c["top"] and c["bottom"] <= (1 - BAND) * height
    ]
    segments = [s for row in _rows(body, height) for s in _segments(row, height)]
    if not segments:
        return PageText(number, height, ())
    gutter = _gutter(segments, width)
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
    return PageText(number, height, tuple(placed))


def _baseline(char: dict[str, Any], height: float) -> float:
    """From the page's top: the text matrix's y (pdfplumber's `chars` give the matrix)."""
    if "baseline" in char:
        return float(char["baseline"])
    matrix = char.get("matrix")
    return float(height - matrix[5]) if matrix else float(char["bottom"])


def _rows(chars: list[dict[str, Any]], height: float) -> Iterator[list[dict[str, Any]]]:
    """Characters grouped by baseline (within a point), top to bottom."""
    keyed = sorted((_baseline(c, height), n) for n, c in enumerate(chars))
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


def _segments(row: list[dict[str, Any]], height: float) -> list[Segment]:
    row = sorted(row, key=lambda c: c["x0"])
    out: list[Segment] = []
    run: list[dict[str, Any]] = []
    for c in row:
        if run and c["x0"] - run[-1]["x1"] > GAP:
            out.append(_segment(run, height))
            run = []
        run.append(c)
    if run:
        out.append(_segment(run, height))
    return [s for s in out if s.text.strip()]


def _segment(run: list[dict[str, Any]], height: float) -> Segment:
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
        round(_baseline(ink[0], height), 1),
        sizes.most_common(1)[0][0],
    )


def _gutter(segments: list[Segment], width: float) -> float | None:
    """The middle of the widest stretch of the page's middle third that the fewest segments
    cross, if both sides hold text; None for a page of one column. (On a table page the gap
    between a label and its amount is empty too, but narrower than the gutter.)"""
    xs = range(int(width * 0.35), int(width * 0.65) + 1)
    counts = [sum(1 for s in segments if s.x0 < x < s.x1) for x in xs]
    fewest = min(counts)
    runs: list[tuple[int, int]] = []  # (start, end) indices of stretches at the minimum
    for n, count in enumerate(counts):
        if count == fewest:
            if runs and runs[-1][1] == n - 1:
                runs[-1] = (runs[-1][0], n)
            else:
                runs.append((n, n))
    middle = len(counts) / 2
    start, end = max(runs, key=lambda r: (r[1] - r[0], -abs((r[0] + r[1]) / 2 - middle)))
    x = float(xs[0]) + (start + end) / 2
    left_side = sum(1 for s in segments if s.x1 <= x)
    right_side = sum(1 for s in segments if s.x0 >= x)
    if fewest > 0.1 * len(segments) or min(left_side, right_side) == 0:
        return None
    return x


def _column_lines(segments: list[Segment], column: int, band: int) -> list[Placed]:
    """A column's segments as lines: row by row, the cells of a row left to right, a wrapped
    table label joined before its amount."""
    rows: list[list[Segment]] = []
    for s in sorted(segments, key=lambda s: (s.baseline, s.x0)):
        if rows and abs(rows[-1][0].baseline - s.baseline) <= 1.0:
            rows[-1].append(s)
        else:
            rows.append([s])
    out: list[Placed] = []
    n = 0
    while n < len(rows):
        row = rows[n]
        if len(row) > 1 and n + 1 < len(rows) and _continues(row, rows[n + 1]):
            nxt = rows[n + 1][0]
            first = row[0]
            joined = Segment(
                f"{first.text} {nxt.text.strip()}",
                first.x0,
                max(first.x1, nxt.x1),
                first.top,
                nxt.bottom,
                first.baseline,
                first.size,
            )
            row = [joined, *row[1:]]
            n += 1
        for s in row:
            out.append(Placed(s.text, (s.x0, s.top, s.x1, s.bottom), s.baseline, column, band, s.size, len(row) > 1))
        n += 1
    return out


def _continues(row: list[Segment], following: list[Segment]) -> bool:
    """The next row is the rest of this table row's label: one cell, at the label's left edge,
    one row below, and no amount."""
    label, nxt = row[0], following[0]
    return (
        len(following) == 1
        and abs(nxt.x0 - label.x0) <= 1.0
        and 0 < nxt.baseline - label.baseline <= 2.0 * label.size
        and not _AMOUNT.match(nxt.text)
        and not _AMOUNT.match(label.text)
    )


def _with_blank_lines(pages: list[PageText], display: str) -> Iterator[Line]:
    """The document's lines, with the blank lines the vertical space stands for."""
    leading = _leading(pages)
    top, bottom = _body_limits(pages)
    number = 0

    def emit(page: PageText, placed: list[Placed], above: float | None, below: float | None) -> Iterator[Line]:
        """A column's lines; `above`/`below`: the baselines its blank space is measured from."""
        nonlocal number
        previous = above
        for n, x in enumerate(placed):
            if previous is not None:
                for _ in range(_slots(x.baseline - previous, leading) - 1):
                    number += 1
                    yield Line("", SourceRef(display, line=number, page=page.number))
            number += 1
            ref = SourceRef(display, line=number, page=page.number, bbox=x.box)
            yield Line(x.text, ref, fresh=n == 0 or x.text.startswith(" "))  # a column's first line
            previous = x.baseline
        if below is not None and previous is not None:
            for _ in range(_slots(below - previous, leading)):
                number += 1
                yield Line("", SourceRef(display, line=number, page=page.number))

    for p, page in enumerate(pages):
        if page.is_table_page:
            yield from emit(page, list(page.lines), None, None)
            continue
        if len({x.band for x in page.lines}) > 1:  # a heading across the columns: no page-wide flow
            groups: dict[tuple[int, int], list[Placed]] = {}
            for x in page.lines:
                groups.setdefault((x.band, x.column), []).append(x)
            for group in groups.values():
                yield from emit(page, group, None, None)
            continue
        flows_on = p + 1 < len(pages) and bool(pages[p + 1].lines) and not pages[p + 1].is_table_page
        left = [x for x in page.lines if x.column == 0]
        right = [x for x in page.lines if x.column == 1]
        first = top - leading  # the slot above the first: its distance counts the blank slots
        yield from emit(page, left, first, bottom if right else None)
        yield from emit(page, right, first, bottom if flows_on else None)


def _slots(distance: float, leading: float) -> int:
    return max(0, round(distance / leading)) if leading > 0 else 0


def _leading(pages: list[PageText]) -> float:
    """The body's leading: the most common distance between two consecutive lines of a column
    that is a plausible line spacing (under twice the font size); failing any, 1.2 times the
    most common size."""
    deltas: Counter[float] = Counter()
    sizes: Counter[float] = Counter()
    for page in pages:
        if page.is_table_page:
            continue
        for a, b in zip(page.lines, page.lines[1:], strict=False):
            sizes[a.size] += 1
            if (a.band, a.column) == (b.band, b.column) and 0 < b.baseline - a.baseline <= 2 * a.size:
                deltas[round(b.baseline - a.baseline, 1)] += 1
        for x in page.lines[-1:]:
            sizes[x.size] += 1
    if deltas:
        return float(deltas.most_common(1)[0][0])
    return 1.2 * float(sizes.most_common(1)[0][0]) if sizes else 0.0


def _body_limits(pages: list[PageText]) -> tuple[float, float]:
    """The baseline of a full column's first line and of its last (the most common ones)."""
    firsts: Counter[float] = Counter()
    lasts: Counter[float] = Counter()
    for page in pages:
        if page.is_table_page or not page.lines:
            continue
        for column in (0, 1):
            mine = [x.baseline for x in page.lines if x.column == column and x.band == 0]
            if mine:
                firsts[min(mine)] += 1
                lasts[max(mine)] += 1
    top = firsts.most_common(1)[0][0] if firsts else 0.0
    bottom = max(lasts) if lasts else 0.0
    return top, bottom
