"""A page's body pieces -> its lines in reading order: columns found by alignment.

1. **Column starts.** A column starts at an x where rows start (left edges within `ALIGN`
   points), with text ending left of it (`LEFT_TEXT`), and where the rows around (within `NEAR`
   lines) that reach past it start there too: at most `CROSSING_SHARE` as many rows have a piece
   across it or starting just right of it (`INDENT`). An indent, or a word of a justified line,
   starts where the other lines of its column run on or start elsewhere, so it starts no
   column. On one of its rows at least, the gap before it must be more than twice the gaps of
   the line on its left (a gutter, not the word space of a justified line), unless `ALIGNED` rows start
   there: so a column starting on a single row (the last line of a text) is found when nothing
   crosses it, and the last words of two justified lines that happen to line up are none. An
   edge where only amounts (or "USD", "Funded") start is a table's amount column, not a page
   column: a table printed across the page is one column.
2. **Bands.** A piece of several words across a column start (a heading over the columns) cuts
   the page into bands, read top to bottom, the other pieces of its row with it; a single word
   across one (an amount wider than its column) stays in the column it starts in.
3. **Lines.** In each band, each column top to bottom; the pieces of a row in a column are one
   line (words set far apart in a justified line stay together), except a table's cells: an
   amount (or "USD", "Funded") set apart from the rest (`CELL_GAP` font sizes, and more than
   twice any other gap of the row: not a justified line's word space) is a line of its own,
   after its label. A label wrapped onto the rows below is joined to it first: a row holding
   one piece, at the label's left edge, right below it, in the label's font, no amount and
   ending before the amount, continues the label when its first word would not have fitted
   before the amount (`WRAP_GAP` font sizes from it), or when the next row is a table row again
   (or there is none: the column ends).

Every piece goes into exactly one line: the characters of a page's lines are its body's.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from etl.extract.glyphs import Segment

ALIGN = 1.0  # points: left edges this close are one edge
NEAR = 6  # lines above and below a column's rows where pieces crossing its start are counted
CROSSING_SHARE = 0.25  # rows against a column start, at most this share of the rows that start there
ALIGNED = 3  # rows starting at one x make a column start even with no gutter before it on any of them
INDENT = 3.0  # font sizes: a piece starting this close right of a would-be column start is against it
LEFT_TEXT = 4.0  # font sizes: the widest piece left of a column start is at least this wide
CELL_GAP = 0.9  # font sizes between a label and an amount printed on its row, at least
WRAP_GAP = 2.5  # font sizes a label's next word needs before its amount, to fit there
SPACE = 0.25  # font sizes: a word space
CELL = regex.compile(r"^\s*(?:\d{1,3}(?:[,.]\d{3})+|\d+|funded|usd)\s*$", regex.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Placed:
    """A line of a page in reading order, before blank lines are restored."""

    text: str
    box: tuple[float, float, float, float]
    baseline: float
    column: int  # 0 the leftmost (or whole width)
    band: int
    size: float
    table_row: bool  # one cell of a row of several (a table's label or amount)
    glyphs: int


def segments_to_lines(segments: Sequence[Segment]) -> list[Placed]:
    """One page's body pieces -> its lines in reading order (every piece in exactly one line)."""
    if not segments:
        return []
    starts = column_starts(segments)
    cuts: list[float] = []  # baselines of the rows holding a piece across the columns
    for s in sorted(segments, key=lambda s: s.baseline):
        if s.words > 1 and _crosses(s, starts[1:]) and not (cuts and s.baseline - cuts[-1] <= 1.0):
            cuts.append(s.baseline)
    bands: list[list[Segment]] = [[] for _ in range(2 * len(cuts) + 1)]  # band, row across, band, ...
    for s in segments:
        k = bisect.bisect_left(cuts, s.baseline - 1.0)
        across = k < len(cuts) and abs(s.baseline - cuts[k]) <= 1.0
        bands[2 * k + 1 if across else 2 * k].append(s)
    placed: list[Placed] = []
    for band, inside in enumerate(bands):
        if band % 2:  # a row across the columns: one line (a table's cells apart)
            placed += _column_lines(inside, 0, band)
            continue
        for column in range(len(starts)):
            placed += _column_lines([s for s in inside if _column(s, starts) == column], column, band)
    return placed


def column_starts(segments: Sequence[Segment]) -> list[float]:
    """The x where each column of the page starts, left to right (the first: the leftmost text)."""
    ordered = sorted(segments, key=lambda s: s.x0)
    spacing = _line_spacing(segments)
    rows = _rows(segments)
    baselines = [row[0].baseline for row in rows]
    ends = [[s.x1 for s in row] for row in rows]
    starts = [ordered[0].x0]
    clusters: list[list[Segment]] = [[ordered[0]]]
    for s in ordered[1:]:
        if s.x0 - clusters[-1][-1].x0 <= ALIGN:
            clusters[-1].append(s)
        else:
            clusters.append([s])
    for cluster in clusters[1:]:
        x = cluster[0].x0
        if all(CELL.match(s.text) for s in cluster):
            continue  # a table's amounts
        low = bisect.bisect_left(baselines, min(s.baseline for s in cluster) - NEAR * spacing)
        high = bisect.bisect_right(baselines, max(s.baseline for s in cluster) + NEAR * spacing)
        left = [s.x1 - s.x0 for row in rows[low:high] for s in row if s.x1 < x - ALIGN]
        if not left or max(left) < LEFT_TEXT * cluster[0].size:
            continue  # no text on its left (bullets or numbers are none): not a second column
        support = against = 0
        gutters = 0  # rows whose gap before x is a gutter, not a word space
        for row, row_ends in zip(rows[low:high], ends[low:high], strict=True):
            k = bisect.bisect_right(row_ends, x + ALIGN)  # the first piece reaching past x
            if k == len(row):
                continue
            piece = row[k]
            if abs(piece.x0 - x) <= ALIGN:
                if CELL.match(piece.text):
                    continue  # an amount alone: right-aligned amounts of one width share their left edge
                support += 1
                gutters += row_gap(row, k, starts[-1])
            elif piece.x0 < x or piece.x0 - x <= INDENT * piece.size:
                against += 1  # a piece across x, or one starting just right of it (a word after a gap)
        if support and against <= CROSSING_SHARE * support and (gutters or support >= ALIGNED):
            starts.append(x)
    return starts


def row_gap(row: list[Segment], k: int, since: float) -> bool:
    """Is the gap before the row's k-th piece a gutter rather than a word space: more than twice
    the gaps between the pieces before it that start at or right of `since` (the column on its
    left: its line's word spaces; other gutters do not count)? True with no piece before it."""
    if k == 0:
        return True
    left = [j for j in range(k) if row[j].x0 >= since - ALIGN]
    words = [row[j].x0 - row[j - 1].x1 for j in left if j - 1 in left]
    return row[k].x0 - row[k - 1].x1 > 2 * max(words, default=0.0)


def _rows(segments: Sequence[Segment]) -> list[list[Segment]]:
    """Pieces grouped by baseline (within a point), top to bottom, each row left to right."""
    rows: list[list[Segment]] = []
    for s in sorted(segments, key=lambda s: (s.baseline, s.x0)):
        if rows and abs(rows[-1][0].baseline - s.baseline) <= 1.0:
            rows[-1].append(s)
        else:
            rows.append([s])
    for row in rows:
        row.sort(key=lambda s: s.x0)
    return rows


def _line_spacing(segments: Sequence[Segment]) -> float:
    """The page's most common distance between two rows (1.2 font sizes without two rows)."""
    baselines = sorted({s.baseline for s in segments})
    steps = Counter(round(b - a, 1) for a, b in itertools.pairwise(baselines) if b - a > 1.0)
    if steps:
        return float(steps.most_common(1)[0][0])
    return 1.2 * max(s.size for s in segments)


def _crosses(s: Segment, starts: Sequence[float]) -> bool:
    return any(s.x0 < x - ALIGN and s.x1 > x + ALIGN for x in starts)


def _column(s: Segment, starts: Sequence[float]) -> int:
    return max(0, bisect.bisect_right(starts, s.x0 + ALIGN) - 1)


def _column_lines(segments: list[Segment], column: int, band: int) -> list[Placed]:
    """A column's pieces as lines: row by row, a table's cells apart, wrapped labels joined."""
    cells = [_cells(row) for row in _rows(segments)]
    out: list[Placed] = []
    n = 0
    while n < len(cells):
        row = cells[n]
        last = row[0].baseline
        while n + 1 < len(cells) and _continues(row, last, cells[n + 1], cells[n + 2] if n + 2 < len(cells) else None):
            last = cells[n + 1][0].baseline
            row = [_join(row[0], cells[n + 1][0]), *row[1:]]
            n += 1
        for s in row:
            box = (s.x0, s.top, s.x1, s.bottom)
            out.append(Placed(s.text.rstrip(), box, s.baseline, column, band, s.size, len(row) > 1, s.glyphs))
        n += 1
    return out


def _cells(row: list[Segment]) -> list[Segment]:
    """A row's pieces: one line, but for amounts set far apart (table cells)."""
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(row)]
    out = [row[0]]
    for k, piece in enumerate(row[1:]):
        others = max((g for j, g in enumerate(gaps) if j != k), default=0.0)
        if gaps[k] > CELL_GAP * piece.size and gaps[k] > 2 * others and CELL.match(piece.text):
            out.append(piece)
        else:
            out[-1] = _join(out[-1], piece)
    return out


def _join(first: Segment, second: Segment) -> Segment:
    """Two pieces as one: the spaces drawn between them kept, one put where none is drawn."""
    spaced = first.text[-1:].isspace() or second.text[:1].isspace()
    return Segment(
        first.text + second.text if spaced else f"{first.text} {second.text}",
        first.x0,
        max(first.x1, second.x1),
        min(first.top, second.top),
        max(first.bottom, second.bottom),
        first.baseline,
        first.size,
        first.glyphs + second.glyphs,
        first.first_word,
        first.font,
    )


def _continues(row: list[Segment], last: float, following: list[Segment], after: list[Segment] | None) -> bool:
    """Is the next row the rest of this table row's label (`last`: the baseline of its lowest line;
    `after`: the row after the next, None where the column ends)?"""
    if len(row) != 2 or len(following) != 1 or not CELL.match(row[1].text) or CELL.match(row[0].text):
        return False
    label, amount, nxt = row[0], row[1], following[0]
    if abs(nxt.x0 - label.x0) > ALIGN or not 0 < nxt.baseline - last <= 2.0 * label.size or CELL.match(nxt.text):
        return False
    if nxt.font != label.font or abs(nxt.size - label.size) > 0.05 * label.size:
        return False  # a label goes on in its own font
    if nxt.x1 > amount.x0:
        return False  # a line running on under the amount: text, not a label
    room = amount.x0 - label.x1
    needed = SPACE * label.size + nxt.first_word + WRAP_GAP * label.size
    table_again = after is None or (len(after) == 2 and bool(CELL.match(after[1].text)))
    return room < needed or table_again
