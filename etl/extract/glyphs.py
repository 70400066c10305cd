"""A PDF page's characters -> rows of pieces, by position only (never by their text).

Every character pdfminer draws on the page is counted (spaces are not: they carry no text of
their own): text turned sideways or upside down is left out (`turned`), a copy printed over its
own character, a fraction of a point aside (fake bold), is read once (`overprinted`), and every
other character goes into a piece (`Segment.glyphs`). Characters inside a form XObject are
read like the page's own.

Characters sharing a baseline (the text matrix's y: a condensed or larger line has other tops)
form a row; a row splits into pieces at gaps wider than `GAP` font sizes with no space drawn in
them: columns, words set apart, a table's label and amount. Inside a piece, a gap wider than
`WORD_GAP` font sizes with no space drawn is a word break (words placed one by one).
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

GAP = 0.8  # a gap wider than this many font sizes, with no space drawn in it, separates two pieces
WORD_GAP = 0.15  # ... and this many, between two characters of a piece, is a space (Times' is 0.25)
ROW = 1.0  # characters whose baselines are this close (points) share a row


class Glyph(NamedTuple):  # a tuple: made for every character drawn, it must be cheap
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float  # from the page's top
    size: float
    font: str


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
    glyphs: int  # characters drawn in it, spaces not counted
    first_word: float  # width of its first word
    font: str  # the font most of its characters are drawn in

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True, slots=True)
class PageRows:
    """One page read: its rows of pieces, top to bottom, and the characters left out."""

    number: int  # 1-based
    width: float
    height: float
    rows: tuple[tuple[Segment, ...], ...]
    drawn: int  # every character drawn, spaces not counted
    turned: int  # ... of them sideways or upside down, left out
    overprinted: int  # ... of them copies printed over their own character, read once


@dataclass(frozen=True, slots=True)
class PageGlyphs:
    """One page's characters as drawn (etl/extract/pdf.py), upright ones only."""

    number: int  # 1-based
    width: float
    height: float
    glyphs: list[Glyph]  # upright characters, spaces included
    turned: int  # characters (not spaces) drawn sideways or upside down, left out


def glyphs_to_rows(page: PageGlyphs) -> PageRows:
    """A page's characters -> its rows of pieces. Positions are measured from the top left
    corner of the page as displayed (its rotation and media box origin applied)."""
    drawn = sum(not g.text.isspace() for g in page.glyphs) + page.turned
    rows = []
    overprinted = 0
    for row in _rows(page.glyphs):
        kept, copies = _deduplicated(row)
        overprinted += copies
        pieces = tuple(_segments(kept))
        if pieces:
            rows.append(pieces)
    return PageRows(page.number, page.width, page.height, tuple(rows), drawn, page.turned, overprinted)


_BASELINE = operator.attrgetter("baseline")
_X0 = operator.attrgetter("x0")


def _rows(glyphs: list[Glyph]) -> Iterator[list[Glyph]]:
    """Characters grouped by baseline (within `ROW` points of the row's first), top to bottom."""
    row: list[Glyph] = []
    start = 0.0
    for g in sorted(glyphs, key=_BASELINE):
        if row and g.baseline - start > ROW:
            yield row
            row = []
        if not row:
            start = g.baseline
        row.append(g)
    if row:
        yield row


def _deduplicated(row: list[Glyph]) -> tuple[list[Glyph], int]:
    """A row's characters, left to right, without the copies drawn over them (fake bold: each
    glyph twice, shifted a fraction of a point); and how many copies (not spaces) were left out."""
    out: list[Glyph] = []
    last = None
    copies = 0
    for g in sorted(row, key=_X0):
        if last is not None and g.text == last.text and abs(g.x0 - last.x0) < 0.3 * (last.x1 - last.x0):
            copies += not g.text.isspace()
            continue
        out.append(g)
        last = g
    return out, copies


def _segments(row: list[Glyph]) -> Iterator[Segment]:
    runs: list[list[Glyph]] = []
    run: list[Glyph] = []
    previous = None
    for g in row:
        if previous is not None:  # max(g.size, previous.size, 1.0), without the builtin's call (millions a report)
            size = g.size if g.size > previous.size else previous.size
            wide = g.x0 - previous.x1 > GAP * (size if size > 1.0 else 1.0)
        if previous is None or wide:
            run = []
            runs.append(run)
        run.append(g)
        previous = g
    spaces = ""  # spaces drawn apart from any text (a justified line's double space): kept with the next piece
    for run in runs:
        if all(g.text.isspace() for g in run):
            spaces += "".join(g.text for g in run)
            continue
        yield _segment(run, spaces)
        spaces = ""


def _segment(run: list[Glyph], spaces: str) -> Segment:
    """A piece of a row; its text keeps the spaces drawn around it (`spaces` before it)."""
    ink: list[Glyph] = []
    parts = [spaces]
    first_word = None
    previous = run[0]
    blank = True  # no text but spaces yet
    for g in run:
        text = g.text
        space = text.isspace()
        if g is not previous:
            apart = g.x0 - previous.x1 > WORD_GAP * (g.size if g.size > 1.0 else 1.0)
            if apart and not space and not previous.text.isspace():
                parts.append(" ")  # a word gap drawn by position, not by a space character
            if first_word is None and (space or apart) and not blank:
                first_word = previous.x1 - run[0].x0
        parts.append(text)
        if not space:
            ink.append(g)
            blank = blank and not text
        previous = g
    x1 = max(g.x1 for g in ink)
    sizes = {g.size for g in ink}
    fonts = {g.font for g in ink}
    return Segment(
        "".join(parts),
        run[0].x0,
        x1,
        min(g.top for g in ink),
        max(g.bottom for g in ink),
        round(ink[0].baseline, 1),
        round(ink[0].size, 1) if len(sizes) == 1 else Counter(round(g.size, 1) for g in ink).most_common(1)[0][0],
        len(ink),
        first_word if first_word is not None else x1 - run[0].x0,
        ink[0].font if len(fonts) == 1 else Counter(g.font for g in ink).most_common(1)[0][0],
    )
