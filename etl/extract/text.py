"""Text already extracted from a PDF -> a Document of numbered lines."""

from __future__ import annotations

import hashlib
from pathlib import Path

from etl.errors import EmptyInput, EncodingProblem, NotAReport
from etl.source import Document, Line, SourceRef


def decode_report_text(data: bytes, where: str) -> str:
    """Decode a text report: UTF-8 (with or without BOM), else Windows-1252 when that is clean."""
    if not data.strip():
        raise EmptyInput(where, "the file is empty", fix="put the report's text in it or remove it from raw/")
    if b"\x00" in data:
        raise NotAReport(
            where,
            "the file holds binary bytes, not text",
            fix="give a text export of the report (UTF-8) or the PDF itself with a .pdf name",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        utf8_error = err
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        offset = utf8_error.start
        line = data.count(b"\n", 0, offset) + 1
        raise EncodingProblem(
            f"{where}:{line}",
            f"byte {data[offset]:#04x} is neither UTF-8 nor Windows-1252",
            fix="re-export the text as UTF-8 (e.g. iconv -f <encoding> -t UTF-8)",
        ) from None
    return text


def text_to_document(path: Path, display: str | None = None) -> Document:
    """Read a text report; each line keeps its 1-based line number in the file."""
    return bytes_to_document(path.read_bytes(), display or str(path))


PAGE_BREAK = "\f"  # a form feed: what pdftotext writes between two pages


def bytes_to_document(data: bytes, where: str) -> Document:
    """A text report's bytes -> its document. A page or column starts (`Line.fresh`) where the
    exporter says so: a form feed before the line, or a leading space (pdftotext's mark)."""
    text = decode_report_text(data, where)
    lines = []
    page_break = False
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        line = raw.replace(PAGE_BREAK, "")
        fresh = page_break or raw.startswith((" ", PAGE_BREAK))
        page_break = raw.endswith(PAGE_BREAK) or (PAGE_BREAK in raw and not line.strip())
        lines.append(Line(text=line, ref=SourceRef(file=where, line=number), fresh=fresh and bool(line.strip())))
        if fresh and not line.strip():
            page_break = True  # the page starts with a blank line: its first text line is the fresh one
    return Document(path=where, sha256=hashlib.sha256(data).hexdigest(), lines=tuple(lines), kind="text")
