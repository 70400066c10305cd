"""Hostile and oversized text input: a coded refusal within its bound, never a hang or a traceback
(README: Bad input). Each case asserts exit 2, the exact line and out/ untouched; the elapsed
time is bounded generously (what it really takes is measured by `make bench`)."""

from __future__ import annotations

import time
from pathlib import Path

from etl.limits import MAX_BOXES_PER_REGION, MAX_LINE_CHARS, MAX_LINES
from tests.conftest import RAW, failing_build

LINES = RAW.read_text(encoding="utf-8").split("\n")
BOUND = 60.0  # seconds: far above what each refusal takes, far below a hang


def _report(tmp: Path, lines: list[str]) -> Path:
    path = tmp / "hostile.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _timed(raw: Path, out: Path, *options: str) -> tuple[int, str, float]:
    start = time.monotonic()
    code, line = failing_build(raw, out, *options)
    return code, line, time.monotonic() - start


def test_a_line_of_amounts_megabytes_long(tmp_path: Path, out: Path) -> None:
    """A line of amount-like tokens inside a region: refused by its length, before any regex reads it."""
    long = " ".join(["1,000,000"] * (2 * 10**6 // 10))  # 2 MB on one line
    raw = _report(tmp_path, [*LINES[:600], long, *LINES[600:]])
    code, line, seconds = _timed(raw, out)
    assert code == 2 and seconds < BOUND
    assert line == (
        f"{raw}:601: too-large: a line of {len(long)} characters, more than {MAX_LINE_CHARS}; re-export the text"
        " with its line breaks (a report's lines are a column wide)"
    )


def test_more_lines_than_a_report_has(tmp_path: Path, out: Path) -> None:
    raw = _report(tmp_path, [*LINES, *(["x"] * MAX_LINES)])
    code, line, seconds = _timed(raw, out)
    assert code == 2 and seconds < BOUND
    assert line == f"{raw}: too-large: {len(LINES) + MAX_LINES} lines, more than {MAX_LINES}; give one report per file"


def test_fifty_thousand_extra_boxes_in_one_region(tmp_path: Path, out: Path) -> None:
    """A corrupted or concatenated export: refused with the region's place before anything is paired (its 57
    boxes and the 50,000 more)."""
    box = ["Migration Health", "Funding requirement (in USD)", "", "1,000,000", ""]
    at = LINES.index(" Regional Programmes") + 1  # inside the first region's programme sections
    raw = _report(tmp_path, [*LINES[:at], *(box * 50_000), *LINES[at:]])
    code, line, seconds = _timed(raw, out)
    assert code == 2 and seconds < BOUND
    assert line == (
        f"{raw}:503: too-large: region 'EAST AND HORN OF AFRICA' prints 50057 programme boxes, more than"
        f" {MAX_BOXES_PER_REGION}; give the report once, whole (is the text repeated or two exports joined?)"
    )


def test_the_whole_build_stops_at_its_deadline(tmp_path: Path, out: Path) -> None:
    code, line, seconds = _timed(RAW, out, "--deadline", "1")
    assert code == 2 and seconds < BOUND
    assert line.startswith(f"{RAW.relative_to(Path.cwd()) if RAW.is_relative_to(Path.cwd()) else RAW}: deadline: ")
    assert "the build passed its deadline of 1 s while " in line
    assert line.endswith("; give it more time (--deadline SECONDS), or read fewer reports at once")


def test_a_deadline_that_is_no_time_at_all(tmp_path: Path, out: Path) -> None:
    code, line = failing_build(RAW, out, "--deadline", "-3")
    assert (code, line) == (
        2,
        "--deadline: bad-option: the seconds the whole build may take must be a positive number '-3'; give e.g."
        " --deadline 300 (the default for one report)",
    )
