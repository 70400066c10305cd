"""PDF reports -> documents: the same stream of positioned lines the text path gives.

A PDF is read by position, never by its text, in these steps:

1. **Limits** (`etl/extract/limits.py`): the page count from the page tree before any page is
   built, streams inflated within bounds, objects per page counted: a file past a limit is
   refused (`too-large`) before it can hang the build or exhaust memory.
2. **Characters** (`etl/extract/glyphs.py`): each page's characters (pdfminer's interpreter on
   pdfplumber's document, drawn straight into glyphs: `_GlyphDevice`) in rows of pieces;
   turned text and fake-bold copies left out, counted.
3. **Furniture** (`etl/extract/furniture.py`): running headers, footers and page numbers
   found by their repetition over nearby pages, left out, their text kept.
4. **Columns** (`etl/extract/columns.py`): columns by alignment, headings across them, table
   cells and wrapped labels, reading order.
5. **Blank lines** come back from the vertical space: a gap of two line heights or more
   between two lines of a column gives a blank line (a paragraph break; `MAX_BLANKS`; none
   between two table rows). The first line of a column is marked `fresh`: a paragraph does
   not run on into it.

Each line's `SourceRef` names the page and the box of its characters (x0, top, x1, bottom in PDF
points from the page's top left), and its place in the stream (for ordering). The document's
`pages` says where every character of every page went (`PageAudit`): into the lines, or left out
as furniture, turned text or an overprinted copy.

Pages are split across processes (`jobs`); each worker opens the file once and draws each
page's characters in turn, so memory stays flat however long the report is.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import multiprocessing
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.layout import LTChar
from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.utils import apply_matrix_rect

from etl.errors import EmptyInput, EtlError, TooLarge, UnreadablePdf, in_worker
from etl.extract import limits
from etl.extract.columns import Placed, segments_to_lines
from etl.extract.furniture import pages_to_furniture
from etl.extract.glyphs import Glyph, PageGlyphs, PageRows, glyphs_to_rows
from etl.extract.limits import PageNode, PageTooLarge, StreamTooLarge, bounded_streams, document_to_pages, node_to_page
from etl.source import Document, Line, PageAudit, SourceRef
from etl.workers import map_in_processes

_new = tuple.__new__
_FIX = "give a PDF with a text layer, or the report's text as a .txt file in raw/"
MAX_BLANKS = 1  # a wide gap is one paragraph break, as a text export writes it (never two blank lines)

UNDEFINED_BULLET = 127  # the code of a one-byte font where the standard fonts draw "•"


@dataclass(frozen=True, slots=True)
class PageText:
    number: int  # 1-based
    lines: tuple[Placed, ...]


def pdf_to_document(path: Path, display: str, jobs: int = 1) -> Document:
    """Read a PDF's text layer into a document of lines in reading order."""
    data = path.read_bytes()
    if not data.strip():
        raise EmptyInput(display, "the file is empty", fix="put the report's PDF in it or remove it from raw/")
    nodes = _page_nodes(path, display)
    if not nodes:
        raise UnreadablePdf(display, "the PDF has no pages", fix=_FIX)
    pages = _read_pages(path, display, nodes, jobs)
    texts: list[PageText] = []
    audits: list[PageAudit] = []
    for page, furniture in zip(pages, pages_to_furniture(pages), strict=True):
        body = [s for k, row in enumerate(page.rows) if k not in furniture for s in row]
        placed = segments_to_lines(body)
        texts.append(PageText(page.number, tuple(placed)))
        dropped = [page.rows[k] for k in sorted(furniture)]
        audits.append(
            PageAudit(
                page.number,
                drawn=page.drawn,
                in_lines=sum(line.glyphs for line in placed),
                furniture=sum(s.glyphs for row in dropped for s in row),
                turned=page.turned,
                overprinted=page.overprinted,
                furniture_text=tuple(" ".join(s.text.strip() for s in row) for row in dropped),
            )
        )
    if not any(t.lines for t in texts):
        raise UnreadablePdf(
            f"{display}#p1",
            f"no text that reads left to right in the body of any of its {len(pages)} pages"
            " (a scanned image without a text layer? text set sideways?)",
            fix="run OCR on it first (e.g. ocrmypdf), or give the report's text as a .txt file",
        )
    lines = tuple(_with_blank_lines(texts, display))
    digest = hashlib.sha256(data).hexdigest()
    return Document(path=display, sha256=digest, lines=lines, kind="pdf", pages=tuple(audits))


@contextlib.contextmanager
def _opened(path: Path, display: str) -> Iterator[Any]:
    """The file opened with pdfplumber (within the stream limits). Closed by closing the file:
    pdfplumber's own `close()` builds every page object of the file first, to close them."""
    with bounded_streams(), path.open("rb") as stream:
        try:
            pdf = pdfplumber.open(stream)
        except Exception as err:  # pdfminer raises many kinds on bad input; none may escape as a traceback
            raise _refusal(display, err) from None
        yield pdf


def _refusal(where: str, err: Exception) -> EtlError:
    """The coded error for an exception pdfminer (or a limit inside it) raised at `where`."""
    while err.args and isinstance(err.args[0], Exception):  # pdfplumber wraps pdfminer's errors
        err = err.args[0]
    if isinstance(err, EtlError):  # the deadline, or a refusal already coded
        return err
    if isinstance(err, StreamTooLarge):
        return TooLarge(where, f"{err.what} (a decompression bomb?)", fix=limits.BOMB)
    if isinstance(err, PageTooLarge):
        drawn = f"the page draws more than {limits.MAX_PAGE_OBJECTS} characters, paths and images"
        return TooLarge(where, drawn, fix=limits.BOMB)
    name = type(err).__name__
    if "Password" in name or "Encrypt" in name or "password" in str(err).lower():
        return UnreadablePdf(where, "the PDF is encrypted", fix="give an unencrypted copy, or its text as a .txt file")
    detail = str(err).strip().splitlines()[0][:120] if str(err).strip() else name
    return UnreadablePdf(where, f"the file is not a readable PDF ({detail})", fix=_FIX)


def _page_nodes(path: Path, display: str) -> list[PageNode]:
    """The pages of the file, from its page tree (limits.document_to_pages)."""
    with _opened(path, display) as pdf:
        try:
            return document_to_pages(pdf.doc, display)
        except EtlError:
            raise
        except Exception as err:
            raise _refusal(display, err) from None


_PENDING: tuple[Path, str, list[PageNode]] | None = None


def _read_pages(path: Path, display: str, nodes: list[PageNode], jobs: int) -> list[PageRows]:
    """Every page's rows; with jobs > 1 the pages are dealt out to the processes in turn (page n
    to process n mod jobs: a report's heavy pages, its tables, spread evenly), and put back in order."""
    runs = _runs(len(nodes), jobs if len(nodes) >= 8 else 1)
    if len(runs) > 1 and "fork" in multiprocessing.get_all_start_methods():
        global _PENDING
        _PENDING = (path, display, nodes)
        try:
            read = map_in_processes(_read_run, runs, len(runs))
            pages = {n: page for run, rows in zip(runs, read, strict=True) for n, page in zip(run, rows, strict=True)}
            return [pages[n] for n in range(len(nodes))]
        finally:
            _PENDING = None
    return _read_range(path, display, nodes, range(len(nodes)))


def _runs(pages: int, jobs: int) -> list[range]:
    jobs = max(1, min(jobs, pages))
    return [range(first, pages, jobs) for first in range(jobs)]


@in_worker
def _read_run(run: range) -> list[PageRows]:
    assert _PENDING is not None
    return _read_range(*_PENDING, run)


def _read_range(path: Path, display: str, nodes: list[PageNode], run: range) -> list[PageRows]:
    out = []
    with _opened(path, display) as pdf:
        for n in run:
            try:
                glyphs = _page_glyphs(pdf, node_to_page(pdf.doc, nodes[n]), n + 1)
            except EtlError:  # the deadline, a limit already coded
                raise
            except Exception as err:  # pdfminer's, on a damaged page; a limit's
                raise _refusal(f"{display}#p{n + 1}", err) from None
            out.append(glyphs_to_rows(glyphs))
    return out


def _page_glyphs(pdf: Any, page: Any, number: int) -> PageGlyphs:
    """The page's characters as pdfminer's interpreter draws them (pdfplumber's resource manager),
    with the objects drawn counted: past `limits.MAX_PAGE_OBJECTS` the page is refused before
    memory runs out."""
    from pdfminer.pdfinterp import PDFPageInterpreter

    device = _GlyphDevice(pdf.rsrcmgr, number)
    PDFPageInterpreter(pdf.rsrcmgr, device).process_page(page)
    return PageGlyphs(number, device.width, device.height, device.glyphs, device.turned)


class _GlyphDevice(PDFTextDevice):
    """pdfminer's text device, drawing each character as a `Glyph` and nothing else.

    The geometry is pdfminer's own (`LTChar`: its box is the advance by the font size, from the
    descent, through the text matrix; its size the box's height), computed without building an
    `LTChar` per character, a layout tree, or the paths and images this reader does not use
    (they are counted). pdfplumber's `page.chars` gives the same characters at the same places
    (tests/test_pdf.py). Vertical writing falls back to an `LTChar` per character."""

    def __init__(self, rsrcmgr: Any, number: int) -> None:
        super().__init__(rsrcmgr)
        self.number = number
        self.glyphs: list[Glyph] = []
        self.turned = 0
        self.drawn = 0
        self.width = self.height = 0.0
        # (font, cid) -> text, width, descent, font name, vertical
        self._fonts: dict[tuple[Any, int], tuple[str, float, float, str, bool]] = {}

    def begin_page(self, page: Any, ctm: Any) -> None:
        x0, y0, x1, y1 = apply_matrix_rect(ctm, page.mediabox)
        self.width, self.height = abs(x0 - x1), abs(y0 - y1)  # pdfminer's LTPage: origin at (0, 0)

    def _count(self, objects: int) -> None:
        self.drawn += objects
        if self.drawn > limits.MAX_PAGE_OBJECTS:
            raise PageTooLarge()

    def render_string(self, textstate: Any, seq: Any, *args: Any, **kwargs: Any) -> None:
        self._count(sum(len(x) for x in seq if isinstance(x, bytes)))  # character codes, before drawing
        super().render_string(textstate, seq, *args, **kwargs)

    def paint_path(self, *args: Any, **kwargs: Any) -> None:
        self._count(1)

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        self._count(1)

    def render_char(
        self, matrix: Any, font: Any, fontsize: float, scaling: float, rise: float, cid: int, *args: Any
    ) -> float:
        known = self._fonts.get((font, cid))
        if known is None:
            try:
                text = font.to_unichr(cid)
            except PDFUnicodeNotDefined:
                # as pdfminer's converter writes it; but code 127 of a one-byte font, which WinAnsi
                # leaves undefined, is where the standard fonts (reportlab's, and others') draw the
                # bullet "•" that opens each item of a list
                text = "\u2022" if cid == UNDEFINED_BULLET and not font.is_multibyte() else f"(cid:{cid})"
            vertical = font.is_vertical()
            known = (text, font.char_width(cid), font.get_descent(), font.fontname, vertical)
            self._fonts[font, cid] = known
        text, width, descent, fontname, vertical = known
        a, b, c, d, e, f = matrix
        if vertical:
            char = LTChar(matrix, font, fontsize, scaling, rise, text, width, font.char_disp(cid), *args)
            adv, x0, y0, x1, y1, upright = char.adv, char.x0, char.y0, char.x1, char.y1, char.upright
        else:
            adv = width * fontsize * scaling
            low = descent * fontsize + rise
            if b == 0 and c == 0:  # upright or mirrored: the box's corners, as apply_matrix_rect gives them
                x0, x1, y0, y1 = e, a * adv + e, d * low + f, d * (low + fontsize) + f
                if x1 < x0:
                    x0, x1 = x1, x0
                if y1 < y0:
                    y0, y1 = y1, y0
            else:
                x0, y0, x1, y1 = apply_matrix_rect(matrix, (0, low, adv, low + fontsize))
            upright = a * d * scaling > 0 and b * c <= 0
        if upright and a > 0:
            top = self.height
            size = x1 - x0 if vertical else y1 - y0
            # tuple.__new__: a NamedTuple's own __new__ is a Python call, a million times a report
            self.glyphs.append(_new(Glyph, (text, x0, x1, top - y1, top - y0, top - f, size, fontname)))
        elif not text.isspace():
            self.turned += 1
        return float(adv)


def _with_blank_lines(pages: list[PageText], display: str) -> Iterator[Line]:
    """The document's lines, with the blank line the vertical space between two lines of a
    column stands for (a paragraph break; none between table rows). Space above a column's first
    line or below its last stands for nothing: where a column starts, the line says so
    (`Line.fresh`)."""
    leading = _leading(pages)
    number = 0
    for page in pages:
        groups: dict[tuple[int, int], list[Placed]] = {}
        for x in page.lines:
            groups.setdefault((x.band, x.column), []).append(x)
        for group in groups.values():
            previous: Placed | None = None
            for n, x in enumerate(group):
                if previous is not None and not (previous.table_row or x.table_row):
                    gap = x.baseline - previous.baseline
                    blanks = _slots(gap, leading) - 1 if leading else int(gap > 1.8 * previous.size)
                    blanks = min(blanks, MAX_BLANKS)
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
    that is a plausible line spacing (under twice the font size), table rows aside; 0 if there
    is none."""
    deltas: Counter[float] = Counter()
    for page in pages:
        for a, b in itertools.pairwise(page.lines):
            if a.table_row or b.table_row or (a.band, a.column) != (b.band, b.column):
                continue
            if 0 < b.baseline - a.baseline <= 2 * a.size:
                deltas[round(b.baseline - a.baseline, 1)] += 1
    # No two lines one line apart: the leading is unknown, a wide gap is one paragraph break.
    return float(deltas.most_common(1)[0][0]) if deltas else 0.0
