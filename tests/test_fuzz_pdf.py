"""Fuzzing PDFs: mutated bytes of small generated PDFs never crash the PDF reader nor hang it.

Truncations, bytes flipped anywhere, in a stream or in the cross-reference table, wrong
/Length values, broken or unknown filters, deep nesting, chunks dropped or repeated: each
mutated file read by `pdf_to_document` ends in a document (every character of every page
accounted for) or in a catalogued error (an EtlError, one line naming the file), within
`BOUND` seconds. `make test` runs a short pass; `make fuzz` runs 10,000 examples.
"""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4

from etl.errors import EtlError
from etl.extract.pdf import pdf_to_document
from tests import pdfgen as g
from tests.conftest import RAW

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))  # `make fuzz` sets 10,000
BOUND = 30  # seconds one example may take, on a loaded 2-core machine


def _seeds() -> list[bytes]:
    """Small PDFs of the generator: two report pages (streams deflated, and not), a table page,
    a page of hand-written objects."""
    import tempfile

    lines = g.read_lines(RAW)[799:950]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "seed.pdf"
        for layout, tables in (
            (g.Layout(), {}),
            (g.Layout(columns=1, justify="words", tables="flow"), {40: _TABLE}),
            (g.Layout(font="Times", number="top_outer", boxes="dark"), {0: _TABLE}),
        ):
            g.render_report(lines, path, tables=tables, layout=layout)
            out.append(path.read_bytes())
        c = g.new_canvas(path)
        c._pageCompression = 0  # content streams as plain operators, for flips to land in
        c.setFont("Helvetica", 9)
        c.drawString(50, A4[1] - 80, "Funding requirement (in USD)")
        c.drawRightString(285, A4[1] - 80, "3,500,000")
        c.showPage()
        c.save()
        out.append(path.read_bytes())
    out.append(g.flat_page_tree(3, content=[b"BT /F1 9 Tf 72 700 Td (%s) Tj ET" % w for w in (b"a", b"b", b"c")]))
    return out


_TABLE = g.TableSpec(
    "EAST AND HORN OF AFRICA",
    [("Djibouti", "7,700,000"), ("Ethiopia", "Funded")],
    [("Migration Health", "7,700,000")],
    "7,700,000",
)
SEEDS = _seeds()
FILTERS = [
    *(b"/" + name for name in (b"FlateDecode", b"LZWDecode", b"RunLengthDecode", b"ASCII85Decode")),
    *(b"/" + name for name in (b"ASCIIHexDecode", b"DCTDecode", b"CCITTFaxDecode", b"Crypt", b"Bogus")),
    b"[/FlateDecode /FlateDecode]",
    b"[]",
]


def _spans(data: bytes, start: bytes, end: bytes) -> list[tuple[int, int]]:
    return [(m.end(), m.end() + max(1, data.find(end, m.end()) - m.end())) for m in re.finditer(re.escape(start), data)]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "stream", "xref", "length", "filter", "nest", "chunk"]))
        if kind == "truncate":
            del data[draw(st.integers(0, len(data) - 1)) :]
        elif kind in ("flip", "stream", "xref"):
            spans = {
                "flip": [(0, len(data))],
                "stream": _spans(bytes(data), b"stream\n", b"endstream"),
                "xref": _spans(bytes(data), b"xref", b"trailer"),
            }[kind]
            if spans:
                low, high = draw(st.sampled_from(spans))
                for _ in range(draw(st.integers(1, 8))):
                    at = draw(st.integers(low, max(low, min(high, len(data)) - 1)))
                    if at < len(data):
                        data[at] = draw(st.integers(0, 255))
        elif kind == "length":
            lengths = list(re.finditer(rb"/Length \d+", data))
            if lengths:
                m = draw(st.sampled_from(lengths))
                data[m.start() : m.end()] = b"/Length %d" % draw(st.integers(-5, 10**9))
        elif kind == "filter":
            filters = list(re.finditer(rb"/Filter\s*(\[[^\]]*\]|/\w+)", data))
            if filters:
                m = draw(st.sampled_from(filters))
                data[m.start() : m.end()] = b"/Filter " + draw(st.sampled_from(FILTERS))
        elif kind == "nest":
            at = draw(st.integers(0, len(data)))
            depth = draw(st.sampled_from([10, 1000, 100_000]))
            opening, closing = draw(st.sampled_from([(b"[", b"]"), (b"<<", b">>"), (b"(", b")")]))
            data[at:at] = opening * depth + (closing * depth if draw(st.booleans()) else b"")
        else:
            a = draw(st.integers(0, len(data)))
            b = draw(st.integers(a, min(len(data), a + 4096)))
            if draw(st.booleans()):
                del data[a:b]
            else:
                data[b:b] = data[a:b] * draw(st.integers(1, 3))
        if not data:
            break
    return bytes(data)


class Hang(Exception):
    pass


@contextmanager
def _bound(seconds: int) -> Iterator[None]:
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no outcome within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_mutated_pdfs_end_in_a_document_or_a_catalogued_error(tmp_path: Path, data: bytes) -> None:
    raw = tmp_path / "fuzz.pdf"
    raw.write_bytes(data)
    try:
        with _bound(BOUND):
            doc = pdf_to_document(raw, "fuzz.pdf")
    except EtlError as err:
        line = err.line()
        assert line.startswith("fuzz.pdf") and f": {err.code}: " in line and "\n" not in line
        return
    assert doc.lines and doc.pages
    for audit in doc.pages:
        assert audit.drawn == audit.in_lines + audit.furniture + audit.turned + audit.overprinted


def test_the_seeds_read_whole(tmp_path: Path) -> None:
    """Unmutated, every seed gives its lines (the fuzzer starts from good files)."""
    for n, data in enumerate(SEEDS):
        raw = tmp_path / f"seed{n}.pdf"
        raw.write_bytes(data)
        assert pdf_to_document(raw, raw.name).lines
