"""The limits that keep a build's time and memory bounded, whatever a file holds.

Each is far above what an appeal needs (the 2015 report: 2 MB of text, 32,556 lines of at most
a few hundred characters, 150 programme boxes in its largest region) and far below what would
hang a build or exhaust the machine. An input past one is refused with `too-large`, naming what
and where (README: Bad input). The PDF reader's own limits (pages, decompressed streams) are in
etl/extract/pdf.py.
"""

from __future__ import annotations

MAX_TEXT_BYTES = 64 * 2**20  # a text report: 30 times the 2015 report
MAX_LINES = 1_000_000  # lines of a text report: 30 times the 2015 report
MAX_LINE_CHARS = 10_000  # one line: a page of text run together, no more (the report's longest is ~200)
MAX_BOXES_PER_REGION = 4_000  # programme boxes of one region: 25 times the largest region of 2015
DEADLINE_PER_REPORT = 300.0  # seconds a build may take by default, per report read: 10 times the slowest
