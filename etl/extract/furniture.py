"""The pages of a PDF -> which of their rows are running headers, footers and page numbers.

Furniture is told by repetition, never by where it sits: a page's top-most (or bottom-most) row
is furniture when each of its pieces recurs, on at least half of the pages within `WINDOW`
pages of it (at least one), as a piece of their top-most (bottom-most) row with the same text
once digits are masked ("Page 12" = "Page 7"), the same baseline (measured from the top for a
header, from the bottom for a footer: pages may differ in height) and the same aligned edge:
left, right or centre, or mirrored (an outer page number sits right on odd pages and left on
even ones; a right-aligned number's left edge moves as it gains digits). A document of one
page has nothing to repeat: all of it is body. Nothing else is dropped for where it sits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import regex

from etl.extract.glyphs import PageRows, Segment

WINDOW = 4  # pages either side
SHARE = 0.5  # of the other pages of the window that must repeat a row
ALIGN = 1.0  # points: same baseline, same edge

_DIGITS = regex.compile(r"\d+")


def pages_to_furniture(pages: Sequence[PageRows]) -> list[set[int]]:
    """For each page, the indexes of its rows that are furniture (its first and/or last)."""
    out: list[set[int]] = [set() for _ in pages]
    for n, page in enumerate(pages):
        if not page.rows:
            continue
        others = [q for q in range(max(0, n - WINDOW), min(len(pages), n + WINDOW + 1)) if q != n]
        if not others:
            continue
        needed = max(1, math.ceil(SHARE * len(others)))
        for index, top in ((0, True), (len(page.rows) - 1, False)):
            row = page.rows[index]
            if all(sum(_recurs(s, page, pages[q], top) for q in others) >= needed for s in row):
                out[n].add(index)
    return out


def _recurs(piece: Segment, page: PageRows, other: PageRows, top: bool) -> bool:
    """Does `other`'s top-most (bottom-most) row hold a piece like this one?"""
    if not other.rows:
        return False
    text = _masked(piece.text)
    line = _level(piece, page, top)
    row = other.rows[0] if top else other.rows[-1]
    return any(
        _masked(s.text) == text and abs(_level(s, other, top) - line) <= ALIGN and _aligned(piece, page, s, other)
        for s in row
    )


def _masked(text: str) -> str:
    return str(_DIGITS.sub("#", " ".join(text.split())))


def _level(piece: Segment, page: PageRows, top: bool) -> float:
    return piece.baseline if top else page.height - piece.baseline


def _aligned(a: Segment, page: PageRows, b: Segment, other: PageRows) -> bool:
    same = abs(a.x0 - b.x0) <= ALIGN or abs(a.x1 - b.x1) <= ALIGN or abs((a.x0 + a.x1) - (b.x0 + b.x1)) <= 2 * ALIGN
    mirrored = abs(a.x0 - (other.width - b.x1)) <= ALIGN or abs((page.width - a.x1) - b.x0) <= ALIGN
    return same or mirrored
