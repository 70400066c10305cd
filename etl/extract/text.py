"""Text already extracted from a PDF -> a Document of numbered lines."""

from __future__ import annotations

import codecs
import hashlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from etl.errors import EmptyInput, EncodingProblem, NotAReport, TooLarge
from etl.limits import MAX_LINE_CHARS, MAX_LINES, MAX_TEXT_BYTES
from etl.source import Document, Line, SourceRef

# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_REEXPORT = "re-export the text as UTF-8 (e.g. iconv -f <encoding> -t UTF-8)"


def decode_report_text(data: bytes, where: str) -> str:
    """Decode a text report: by its byte-order mark (UTF-8, UTF-16 or UTF-32, little or big
    endian); without one, UTF-8, else Windows-1252 when that is clean."""
    if not data.strip():
        raise EmptyInput(where, "the file is empty", fix="put the report's text in it or remove it from raw/")
    bom, codec = next(((b, c) for b, c in BOMS if data.startswith(b)), (b"", ""))
    if codec:
        text = _decode_marked(data, bom, codec, where)
    else:
        nul = data.find(b"\x00")
        _refuse_nul(nul, data.count(b"\n", 0, max(nul, 0)) + 1, where)
        text = _decode_unmarked(data, where)
    if not text.strip():
        raise EmptyInput(where, "the file is empty", fix="put the report's text in it or remove it from raw/")
    return text


def _decode_marked(data: bytes, bom: bytes, codec: str, where: str) -> str:
    try:
        text = data[len(bom) :].decode(codec)
    except UnicodeDecodeError as err:
        offset = len(bom) + err.start
        bad = data[offset : len(bom) + err.end]
        line = data[len(bom) : offset].decode(codec, errors="replace").count("\n") + 1
        shown = " ".join(f"{b:#04x}" for b in bad)
        name = codec.upper().replace("-LE", " LE").replace("-BE", " BE")
        raise EncodingProblem(
            f"{where}:{line}",
            f"{'bytes' if len(bad) > 1 else 'byte'} {shown} at offset {offset} {'are' if len(bad) > 1 else 'is'} not"
            f" {name}, as the file's byte-order mark says",
            fix=_REEXPORT,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        _refuse_nul(len(bom) + len(text[:nul].encode(codec)), text.count("\n", 0, nul) + 1, where, "character")
    return text


def _refuse_nul(offset: int, line: int, where: str, what: str = "byte") -> None:
    if offset >= 0:
        raise NotAReport(
            f"{where}:{line}",
            f"a NUL {what} at offset {offset}: the file holds binary bytes, not text",
            fix="give a text export of the report (UTF-8, or UTF-16 with its byte-order mark) or the PDF itself",
        )


def _decode_unmarked(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        utf8 = err.start
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as err:
        cp1252 = err.start
    line, cp1252_line = data.count(b"\n", 0, utf8) + 1, data.count(b"\n", 0, cp1252) + 1
    if cp1252 == utf8:
        message = f"byte {data[utf8]:#04x} at offset {utf8} is neither UTF-8 nor Windows-1252"
    else:
        message = (
            f"byte {data[utf8]:#04x} at offset {utf8} is not UTF-8, and byte {data[cp1252]:#04x} at offset"
            f" {cp1252} (line {cp1252_line}) is not Windows-1252"
        )
    raise EncodingProblem(f"{where}:{line}", message, fix=_REEXPORT)


def text_to_document(path: Path, display: str | None = None) -> Document:
    """Read a text report; each line keeps its 1-based line number in the file."""
    where = display or str(path)
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise TooLarge(
            where,
            f"a text file of {size / 2**20:.0f} MB, more than {MAX_TEXT_BYTES // 2**20} MB",
            fix="give one report per file (an appeal's text is a few MB)",
        )
    return bytes_to_document(path.read_bytes(), where)


PAGE_BREAK = "\f"  # a form feed: what pdftotext writes between two pages
# pdfminer's text for a glyph it cannot map to a character: WinAnsi's code 127, where reportlab's
# standard fonts (and other writers) put the bullet "•" that opens each item of a list; pypdf
# writes the code itself (U+007F, a control character no text holds)
UNMAPPED_BULLET = "(cid:127)"
RAW_BULLET = "\x7f"


def with_bullets(text: str) -> str:
    """The text with the standard fonts' unmapped bullet, as pdfminer or pypdf writes it, read as "•"."""
    if UNMAPPED_BULLET in text:
        text = text.replace(UNMAPPED_BULLET, "\u2022")
    return text.replace(RAW_BULLET, "\u2022") if RAW_BULLET in text else text


# Spaces another exporter writes where pdftotext writes " ": the no-break space (a word processor's
# "Funding requirement (in\u00a0USD)", or every leading space), the figure, thin and other fixed-width
# spaces. Read as the plain space they print as, so a heading, a title and a page start read the same.
_SPACES = str.maketrans(dict.fromkeys([0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000], " "))


def with_plain_spaces(text: str) -> str:
    """The text with every printed space a plain one (no-break, figure, thin, ... spaces)."""
    return text.translate(_SPACES) if any(ord(c) in _SPACES for c in set(text)) else text


def _refuse_oversized(text: str, where: str) -> None:
    """Too many lines, or a line too long to be one of a report's, before any line is built."""
    count = text.count("\n") + 1
    if count > MAX_LINES:
        raise TooLarge(where, f"{count} lines, more than {MAX_LINES}", fix="give one report per file")
    start = 0
    for number, end in enumerate(_ends(text), start=1):
        if end - start > MAX_LINE_CHARS:
            raise TooLarge(
                f"{where}:{number}",
                f"a line of {end - start} characters, more than {MAX_LINE_CHARS}",
                fix="re-export the text with its line breaks (a report's lines are a column wide)",
            )
        start = end + 1


def _ends(text: str) -> Iterator[int]:
    """Where each line ends, found in C (str.find), not character by character."""
    at = text.find("\n")
    while at >= 0:
        yield at
        at = text.find("\n", at + 1)
    yield len(text)


def _margin(raws: list[str]) -> int:
    """The spaces most text lines start with (0 for pdftotext; an exporter may indent every line):
    a line starting with more is one pdftotext marks as a page or column start."""
    widths = Counter(len(raw) - len(raw.lstrip(" ")) for raw in raws if raw.strip())
    return widths.most_common(1)[0][0] if widths else 0


def bytes_to_document(data: bytes, where: str) -> Document:
    """A text report's bytes -> its document. A page or column starts (`Line.fresh`) where the
    exporter says so: a form feed before the line, or a leading space (pdftotext's mark)."""
    text = decode_report_text(data, where).replace("\r\n", "\n").replace("\r", "\n")
    text = with_plain_spaces(with_bullets(text))
    _refuse_oversized(text, where)
    lines = []
    page_break = False
    raws = text.split("\n")
    margin = _margin(raws)
    for number, raw in enumerate(raws, start=1):
        line = raw.replace(PAGE_BREAK, "")
        fresh = page_break or raw.startswith(PAGE_BREAK) or raw.startswith(" ", margin)
        carried = page_break or PAGE_BREAK in raw  # a blank line of spaces alone marks nothing (trailing spaces)
        page_break = raw.endswith(PAGE_BREAK) or (PAGE_BREAK in raw and not line.strip())
        lines.append(Line(text=line, ref=SourceRef(file=where, line=number), fresh=fresh and bool(line.strip())))
        if carried and not line.strip():
            page_break = True  # the page starts with a blank line: its first text line is the fresh one
    return Document(path=where, sha256=hashlib.sha256(data).hexdigest(), lines=tuple(lines), kind="text")
