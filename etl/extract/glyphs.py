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
    glyphs, turned = page.glyphs, page.turned
    drawn = sum(not g.text.isspace() for g in glyphs) + turned
    rows = []
    overprinted = 0
    for row in _rows(glyphs):
        kept = _deduplicated(row)
        overprinted += sum(not g.text.isspace() for g in row) - sum(not g.text.isspace() for g in kept)
        pieces = tuple(_segments(kept))
        if pieces:
            rows.append(pieces)
    return PageRows(page.number, page.width, page.height, tuple(rows), drawn, turned, overprinted)


def _rows(glyphs: list[Glyph]) -> Iterator[list[Glyph]]:
    """Characters grouped by baseline (within `ROW` points of the row's first), top to bottom."""
    row: list[Glyph] = []
    start = 0.0
    for g in sorted(glyphs, key=lambda g: g.baseline):
        if row and g.baseline - start > ROW:
            yield row
            row = []
        if not row:
            start = g.baseline
        row.append(g)
    if row:
        yield row


def _deduplicated(row: list[Glyph]) -> list[Glyph]:
    """A row's characters without the copies drawn over them (fake bold: each glyph twice,
    shifted a fraction of a point)."""
    out: list[Glyph] = []
    for g in sorted(row, key=lambda g: g.x0):
        if out and g.text == out[-1].text and abs(g.x0 - out[-1].x0) < 0.3 * (out[-1].x1 - out[-1].x0):
            continue
        out.append(g)
    return out


def _segments(row: list[Glyph]) -> Iterator[Segment]:
    runs: list[list[Glyph]] = []
    for g in row:
        if runs and g.x0 - runs[-1][-1].x1 > GAP * max(g.size, runs[-1][-1].size, 1.0):
            runs.append([])
        if not runs:
            runs.append([])
        runs[-1].append(g)
    spaces = ""  # spaces drawn apart from any text (a justified line's double space): kept with the next piece
    for run in runs:
        if all(g.text.isspace() for g in run):
            spaces += "".join(g.text for g in run)
            continue
        yield _segment(run, spaces)
        spaces = ""


def _segment(run: list[Glyph], spaces: str) -> Segment:
    """A piece of a row; its text keeps the spaces drawn around it (`spaces` before it)."""
    ink = [g for g in run if not g.text.isspace()]
    text = spaces
    first_word = None
    previous = None
    for g in run:
        if previous is not None:
            apart = g.x0 - previous.x1 > WORD_GAP * max(g.size, 1.0)
            if apart and not g.text.isspace() and not previous.text.isspace():
                text += " "  # a word gap drawn by position, not by a space character
            if first_word is None and (g.text.isspace() or apart) and text.strip():
                first_word = previous.x1 - run[0].x0
        text += g.text
        previous = g
    sizes = Counter(round(g.size, 1) for g in ink)
    fonts = Counter(g.font for g in ink)
    return Segment(
        text,
        run[0].x0,
        max(g.x1 for g in ink),
        min(g.top for g in ink),
        max(g.bottom for g in ink),
        round(ink[0].baseline, 1),
        sizes.most_common(1)[0][0],
        len(ink),
        first_word if first_word is not None else max(g.x1 for g in ink) - run[0].x0,
        fonts.most_common(1)[0][0],
    )
