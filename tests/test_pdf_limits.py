"""Hostile and oversized PDFs: each limit of etl/extract/limits.py refuses its file with one coded
line (`too-large`, exit 2), names the page where there is one, and leaves out/ as it was; the
bounded stream decoders read what pdfminer's own read, and pdfminer is itself again afterwards.
(How long a refusal takes, and how much memory, is measured by `make bench`.)"""

from __future__ import annotations

import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pdfminer.pdftypes
import pytest
from pdfminer.lzw import lzwdecode
from pdfminer.pdfpage import PDFPage
from pdfminer.runlength import rldecode

from etl.extract import limits, path_to_document
from etl.extract.limits import MAX_PAGES, MAX_STREAM_BYTES, StreamTooLarge, bounded_streams, inflate
from tests import pdfgen as g
from tests.conftest import failing_build

_MIB = 2**20
TEXT = b"BT /F1 9 Tf 72 700 Td (Migration Initiatives) Tj ET"
SPLIT = f"split the file into parts of at most {MAX_PAGES} pages, or give the report's text as a .txt file"
BOMB = "if the file is genuine, give the report's text as a .txt file in raw/"


def _pdftypes(name: str) -> Any:
    """A module-level name of pdfminer.pdftypes (what PDFStream.decode calls)."""
    return getattr(pdfminer.pdftypes, name)


def _one_page(content: bytes, filters: str = "/FlateDecode") -> bytes:
    """A one-page PDF whose content stream is ``content`` as stored (already encoded by ``filters``)."""
    return g.pdf_of_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            g.stream_object(content, filters),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


# --- pages ----------------------------------------------------------------------------------------


def test_a_flat_page_tree_of_5000_pages_is_refused_by_its_count(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,000 pages in one flat page tree hung the build: every page object was built to count
    them. The tree's /Count is read first; no page object is built before the refusal."""

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a page object was built")

    monkeypatch.setattr(PDFPage, "create_pages", never)
    monkeypatch.setattr(PDFPage, "__init__", never)
    raw = tmp_path / "flat.pdf"
    raw.write_bytes(g.flat_page_tree(5000, content=TEXT))
    assert raw.stat().st_size < _MIB
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == f"{raw}: too-large: the PDF has 5000 pages (its page tree's /Count), more than {MAX_PAGES}; {SPLIT}"


def test_a_page_tree_whose_count_says_too_few_is_walked_within_bounds(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "liar.pdf"
    raw.write_bytes(g.flat_page_tree(MAX_PAGES + 1, count=2, content=TEXT))
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}: too-large: the page tree holds more than {MAX_PAGES} pages (its page tree's /Count says 2); {SPLIT}"
    )


def test_every_page_of_a_tree_whose_count_says_too_few_is_read(tmp_path: Path) -> None:
    raw = tmp_path / "three.pdf"
    words = (b"Health", b"Labour", b"Policy")  # the same text on every page would be a running header
    raw.write_bytes(g.flat_page_tree(3, count=1, content=[TEXT.replace(b"Migration", word) for word in words]))
    doc = path_to_document(raw)
    assert [line.ref.page for line in doc.lines if line.text] == [1, 2, 3]
    assert [a.page for a in doc.pages] == [1, 2, 3]


def test_a_loop_in_the_page_tree_is_walked_once(tmp_path: Path) -> None:
    """A node listing itself (or an ancestor) among its kids: each page is read once, no endless walk."""
    raw = tmp_path / "loop.pdf"
    raw.write_bytes(
        g.pdf_of_objects(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R 2 0 R 6 0 R] /Count 2 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
                b" /Resources << /Font << /F1 5 0 R >> >> >>",
                g.stream_object(zlib.compress(TEXT), "/FlateDecode"),
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 >>",
            ]
        )
    )
    doc = path_to_document(raw)
    assert [a.page for a in doc.pages] == [1]  # 3 0 R, under the root and again under 6 0 R: one page, as for pdfminer


# --- streams --------------------------------------------------------------------------------------


def test_a_deflate_bomb_is_refused_while_inflating(tmp_path: Path, out: Path) -> None:
    """A content stream that inflates to 64 MiB (64 KiB on disk) is refused at its page."""
    raw = tmp_path / "bomb.pdf"
    raw.write_bytes(_one_page(g.deflated(64 * _MIB)))
    assert raw.stat().st_size < _MIB
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == f"{raw}#p1: too-large: a stream inflates to more than 16 MiB (a decompression bomb?); {BOMB}"


def test_inflating_a_bomb_never_holds_more_than_the_limit() -> None:
    """300 MiB of zeros, deflated: refused having held about one limit's worth, not the bomb (it
    took 740 MB before)."""
    bomb = g.deflated(300 * _MIB, b"\0")
    tracemalloc.start()
    try:
        with bounded_streams(), pytest.raises(StreamTooLarge):
            inflate(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * MAX_STREAM_BYTES  # zlib's output buffer grows by doubling up to the limit


def test_inflate_reads_what_pdfminer_reads() -> None:
    """The bounded inflater gives pdfminer's result: whole data, data cut short, data whose
    checksum is wrong; damage inside the data is zlib's error, as for pdfminer's."""
    data = TEXT * 1000
    whole = zlib.compress(data)
    cut = whole[: len(whole) // 2]
    wrong_sum = whole[:-1] + bytes([whole[-1] ^ 0xFF])
    for stored in (whole, cut, wrong_sum):
        assert inflate(stored) == pdfminer.pdftypes.decompress_corrupted(stored)
    assert inflate(whole) == data
    assert inflate(wrong_sum) == data
    damaged = whole[:2] + b"\xff" * 8 + whole[10:]
    with pytest.raises(zlib.error):
        inflate(damaged)
    assert inflate(g.deflated(MAX_STREAM_BYTES)) == b" " * MAX_STREAM_BYTES  # the limit itself is allowed


def _lzw(codes: list[int]) -> bytes:
    """LZW codes packed as PDF's LZWDecode writes them (9 to 12 bits, widths growing as pdfminer's
    decoder reads them)."""
    bits, length, width, first = "", 258, 9, True
    for code in codes:
        bits += format(code, f"0{width}b")
        if code == 256:
            length, width, first = 258, 9, True
            continue
        if first:
            first = False
            continue
        length += 1
        width = {511: 10, 1023: 11, 2047: 12}.get(length, width)
    bits += "0" * (-len(bits) % 8)
    return bytes(int(bits[k : k + 8], 2) for k in range(0, len(bits), 8))


def _lzw_bomb(cycles: int) -> bytes:
    """Each cycle: 'A', then codes each meaning the one before plus 'A': 7 MiB from 6 KiB."""
    return _lzw([c for _ in range(cycles) for c in (256, 65, *range(258, 4096))])


def test_lzw_decode_reads_what_pdfminer_reads() -> None:
    small = _lzw_bomb(1)[:300]
    with bounded_streams():
        assert _pdftypes("lzwdecode")(small) == lzwdecode(small)
        assert limits.lzw_decode(_lzw([256, 72, 105, 257])) == lzwdecode(_lzw([256, 72, 105, 257])) == b"Hi"


def test_an_lzw_bomb_is_refused(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "lzw.pdf"
    raw.write_bytes(_one_page(_lzw_bomb(3), "/LZWDecode"))
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == f"{raw}#p1: too-large: a stream inflates to more than 16 MiB (a decompression bomb?); {BOMB}"


def test_run_length_decode_reads_what_pdfminer_reads() -> None:
    data = b"\x02abc\xfdz\x00q\x80ignored"
    assert limits.run_length_decode(data) == rldecode(data) == b"abczzzzq"


def test_a_run_length_bomb_is_refused(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "rle.pdf"
    raw.write_bytes(_one_page(b"\x81A" * (MAX_STREAM_BYTES // 128 + 1), "/RunLengthDecode"))
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == f"{raw}#p1: too-large: a stream inflates to more than 16 MiB (a decompression bomb?); {BOMB}"


def test_the_streams_of_a_file_share_one_budget(tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each stream under its limit, all of them over the file's budget (made small here): refused
    at the page that overdraws it."""
    monkeypatch.setattr(limits, "MAX_INFLATED_BYTES", 3 * _MIB)
    raw = tmp_path / "many.pdf"
    raw.write_bytes(g.flat_page_tree(5, content=[TEXT + b" " * _MIB + b"%d" % n for n in range(5)]))  # 1 MiB a page
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}#p3: too-large: the PDF's streams inflate to more than 3 MiB in all (a decompression bomb?); {BOMB}"
    )


def test_a_page_drawing_too_many_characters_is_refused(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A few bytes of content can draw millions of characters (each a Python object): counted as
    they are drawn, refused past the limit (made small here)."""
    monkeypatch.setattr(limits, "MAX_PAGE_OBJECTS", 1000)
    raw = tmp_path / "chars.pdf"
    raw.write_bytes(_one_page(zlib.compress(b"BT /F1 1 Tf (" + b"A" * 1001 + b") Tj ET")))
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == f"{raw}#p1: too-large: the page draws more than 1000 characters, paths and images; {BOMB}"


def test_pdfminer_is_itself_again_after_reading(tmp_path: Path) -> None:
    """The bounded decoders replace four names of pdfminer.pdftypes only while a PDF is read."""
    names = ("zlib", "decompress_corrupted", "lzwdecode", "rldecode")
    before = [_pdftypes(name) for name in names]
    with bounded_streams():
        assert _pdftypes("zlib").decompress is inflate
        assert [_pdftypes(name) for name in names[1:]] == [inflate, limits.lzw_decode, limits.run_length_decode]
        with bounded_streams():
            pass
        assert _pdftypes("lzwdecode") is limits.lzw_decode
    assert [_pdftypes(name) for name in names] == before
    assert _pdftypes("zlib") is zlib
    raw = tmp_path / "ok.pdf"
    raw.write_bytes(g.flat_page_tree(1, content=TEXT))
    assert [line.text for line in path_to_document(raw).lines] == ["Migration Initiatives"]  # one page: no header
    assert [_pdftypes(name) for name in names] == before


def test_a_catalog_nested_100000_deep_ends_in_a_coded_line(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "deep.pdf"
    deep = b"<< /Type /Catalog /Pages 2 0 R /Deep " + b"[" * 100_000 + b"]" * 100_000 + b" >>"
    raw.write_bytes(g.pdf_of_objects([deep, b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    code, line = failing_build(raw, out)
    assert code == 2
    assert line.startswith(f"{raw}: unreadable-pdf: ")
