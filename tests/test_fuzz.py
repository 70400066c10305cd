"""Fuzzing: mutated excerpts of the real report never crash the pipeline.

Lines dropped, swapped or duplicated, numbers altered, bytes flipped: the pipeline must end
in a catalogued error (an EtlError with its code and place) or in rows whose failing sums the
checks report. `make test` runs a short pass; `make fuzz` runs 10,000 examples.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.errors import EtlError
from etl.extract.text import bytes_to_document
from etl.pipeline import document_to_rows
from etl.reconcile import rows_to_reconciliation
from etl.reconcile.known import load_known
from etl.validate import Rows
from tests.conftest import FIXTURES

TABLE = """Migration Initiatives 2015
 Funding requirements for
EAST AND HORN OF AFRICA
Country

USD
Djibouti
7,700,000

Ethiopia
30,350,000

Total funding requirement
38,050,000

Programmatic area
USD
Emergency, Operations and Post-crisis
17,800,000

Migration Health
2,600,000

Immigration and Border Management
6,300,000

Migrant Assistance
9,000,000

Labour Migration and Human Development
2,300,000

Migration and Environment
50,000

Total funding requirement
38,050,000
"""
BASE = (TABLE + (FIXTURES / "amount_printed_under_the_next_heading.txt").read_text(encoding="utf-8")).split("\n")


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    lines = list(BASE)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["drop", "swap", "duplicate", "number", "edit"]))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if kind == "drop":
            del lines[i]
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "duplicate":
            lines.insert(j, lines[i])
        elif kind == "number":
            lines[i] = draw(st.from_regex(r"\A-?[0-9OlI]{1,3}([,.][0-9OlI]{3}){0,4}\Z"))
        else:
            lines[i] = draw(st.text(max_size=40))
        if not lines:
            break
    data = bytearray("\n".join(lines).encode("utf-8"))
    for _ in range(draw(st.integers(0, 3))):
        if data:
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))  # `make fuzz` sets 10,000


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_mutated_excerpts_end_in_rows_or_a_catalogued_error(data: bytes) -> None:
    rows = Rows()
    try:
        document_to_rows(bytes_to_document(data, "fuzz.txt"), rows, time_limit=1.0)
    except EtlError as err:
        line = err.line()
        assert line.startswith("fuzz.txt") and f": {err.code}: " in line and "\n" not in line
        return
    for check in rows_to_reconciliation(rows, load_known()):
        assert check.status in ("ok", "mismatch", "known_discrepancy")
