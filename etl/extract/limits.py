"""What a PDF may cost to read, checked before (or while) the cost is paid: a file made to hang
or exhaust the machine is refused with a `too-large` line instead.

- **Pages** (`MAX_PAGES`): counted from the page tree root's `/Count` before any page object
  is built, then the tree is walked once, bounded (`MAX_TREE_NODES`), to find each page's
  object; a tree whose `/Count` lies is caught by the walk. (pdfminer's own
  `PDFPage.create_pages`, behind pdfplumber's `pdf.pages`, parses every page object of the
  file before the first one can be read.)
- **Inflated streams** (`MAX_STREAM_BYTES` for one stream, `MAX_INFLATED_BYTES` for all the
  streams a process inflates while reading one file): checked while inflating, so a
  decompression bomb costs at most the limit. pdfminer decodes streams in
  `pdfminer.pdftypes.PDFStream.decode` with the module-level names `zlib` (FlateDecode:
  `zlib.decompress`, and `decompress_corrupted` when that fails), `lzwdecode` and `rldecode`;
  `bounded_streams()` points exactly those four names of that one module at bounded
  equivalents for as long as mi-etl reads a PDF, and puts pdfminer's own back afterwards. The
  bounded inflater asks zlib for at most the limit (`decompressobj().decompress(data,
  max_length)`), so memory never grows past it; a stream cut short or with a bad checksum
  gives what it holds, as pdfminer's does.
- **Objects on a page** (`MAX_PAGE_OBJECTS`: characters, paths and images): a small content
  stream can draw millions of characters, each a Python object; counted as pdfminer draws them
  (the character codes of each string before it is drawn).
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, NoReturn

from etl.errors import TooLarge

MAX_PAGES = 3000  # a report runs to a few hundred
MAX_TREE_NODES = 2 * MAX_PAGES  # page objects and the page-tree nodes above them
MAX_STREAM_BYTES = 16 * 2**20  # one inflated stream; a dense page's content stream takes under 1 MiB
MAX_INFLATED_BYTES = 256 * 2**20  # every stream one process inflates reading one file
MAX_PAGE_OBJECTS = 200_000  # characters, paths and images drawn on one page; a dense page draws ~10,000

_MIB = 2**20
SPLIT = f"split the file into parts of at most {MAX_PAGES} pages, or give the report's text as a .txt file"
BOMB = "if the file is genuine, give the report's text as a .txt file in raw/"


class StreamTooLarge(Exception):
    """A stream would inflate past a limit (raised inside pdfminer, turned into `TooLarge`)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class PageTooLarge(Exception):
    """A page draws more objects than `MAX_PAGE_OBJECTS`."""


@dataclass(frozen=True, slots=True)
class PageNode:
    """A page of the page tree: its object number and the `Pages` nodes above it (root first),
    whose inheritable attributes (resources, media box, rotation) it takes."""

    objid: int
    ancestors: tuple[int, ...]


def document_to_pages(doc: Any, display: str) -> list[PageNode]:
    """The pages of a pdfminer document in order, from its page tree: its `/Count` is checked
    first, then the tree is walked, never past `MAX_PAGES` pages or `MAX_TREE_NODES` nodes."""
    from pdfminer.pdfpage import LITERAL_PAGE, LITERAL_PAGES
    from pdfminer.pdftypes import PDFObjRef, resolve1

    root = doc.catalog.get("Pages")
    tree = resolve1(root)
    count = resolve1(tree.get("Count")) if isinstance(tree, dict) else None
    if isinstance(count, int) and count > MAX_PAGES:
        raise TooLarge(display, f"the PDF has {count} pages (its page tree's /Count), more than {MAX_PAGES}", fix=SPLIT)
    said = f" (its page tree's /Count says {count})" if isinstance(count, int) else ""
    pages: list[PageNode] = []
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[int, ...]]] = [(root, ())]
    while stack:
        ref, ancestors = stack.pop()
        if not isinstance(ref, PDFObjRef) or ref.objid in seen:
            continue  # an entry that is no object of the file, or a loop: pdfminer skips these too
        seen.add(ref.objid)
        if len(seen) > MAX_TREE_NODES:
            raise TooLarge(display, f"the page tree has more than {MAX_TREE_NODES} nodes{said}", fix=SPLIT)
        node = resolve1(ref)
        if not isinstance(node, dict):
            continue
        kind = node.get("Type", node.get("type"))
        if kind is LITERAL_PAGES and "Kids" in node:
            kids = resolve1(node["Kids"])
            if not isinstance(kids, list):
                continue
            if len(kids) > MAX_TREE_NODES:
                raise TooLarge(display, f"a node of the page tree lists {len(kids)} pages{said}", fix=SPLIT)
            stack += [(kid, (*ancestors, ref.objid)) for kid in reversed(kids)]
        elif kind is LITERAL_PAGE:
            pages.append(PageNode(ref.objid, ancestors))
            if len(pages) > MAX_PAGES:
                raise TooLarge(display, f"the page tree holds more than {MAX_PAGES} pages{said}", fix=SPLIT)
    return pages


def node_to_page(doc: Any, node: PageNode) -> Any:
    """A pdfminer page object for a page of the tree, with the attributes it inherits."""
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1

    attrs: dict[str, Any] = {}
    for objid in node.ancestors:
        parent = resolve1(doc.getobj(objid))
        attrs.update({k: v for k, v in parent.items() if k in PDFPage.INHERITABLE_ATTRS})
    own = resolve1(doc.getobj(node.objid))
    if not isinstance(own, dict):
        raise ValueError("a page of the page tree is not a dictionary")
    attrs.update(own)
    return PDFPage(doc, node.objid, attrs, None)


class _Budget:
    """The bytes inflated so far under one `bounded_streams()`."""

    def __init__(self) -> None:
        self.used = 0


_budget: _Budget | None = None


def _limit() -> int:
    """The most the next stream may inflate to: `MAX_STREAM_BYTES`, or what is left of the budget."""
    left = MAX_INFLATED_BYTES - _budget.used if _budget else MAX_INFLATED_BYTES
    return max(0, min(MAX_STREAM_BYTES, left))


def _refuse(limit: int) -> NoReturn:
    if limit < MAX_STREAM_BYTES:  # the budget ran out first
        raise StreamTooLarge(f"the PDF's streams inflate to more than {MAX_INFLATED_BYTES // _MIB} MiB in all")
    raise StreamTooLarge(f"a stream inflates to more than {MAX_STREAM_BYTES // _MIB} MiB")


def _spend(size: int) -> None:
    if _budget is not None:
        _budget.used += size


def inflate(data: bytes) -> bytes:
    """FlateDecode, bounded: at most the limit is ever inflated. A stream cut short gives what
    it holds; one whose checksum is wrong gives its data without the checksum (pdfminer's
    `decompress_corrupted` does the same, one byte at a time); other damage is `zlib.error`."""
    limit = _limit()
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as err:
        if "incorrect data check" not in str(err):
            raise
        inflater = zlib.decompressobj()
        out = inflater.decompress(data[:-4], limit + 1)  # the Adler-32 checksum left out
    if len(out) > limit:
        _refuse(limit)
    _spend(len(out))
    return out


def lzw_decode(data: bytes) -> bytes:
    """LZWDecode, bounded (pdfminer's decoder, read code by code, stopped at the limit)."""
    from io import BytesIO

    from pdfminer.lzw import CorruptDataError, LZWDecoder

    limit = _limit()
    decoder = LZWDecoder(BytesIO(data))
    out = bytearray()
    while True:
        try:
            code = decoder.readbits(decoder.nbits)
        except EOFError:
            break
        try:
            out += decoder.feed(code)
        except CorruptDataError:
            break
        if len(out) > limit:
            _refuse(limit)
    _spend(len(out))
    return bytes(out)


def run_length_decode(data: bytes) -> bytes:
    """RunLengthDecode, bounded (PDF 32000-1, 7.4.5): a length byte n < 128 copies the next
    n + 1 bytes, n > 128 repeats the next byte 257 - n times, 128 ends the data."""
    limit = _limit()
    out = bytearray()
    at = 0
    while at < len(data) and data[at] != 128:
        n = data[at]
        if n < 128:
            out += data[at + 1 : at + 2 + n]
            at += n + 2
        else:
            out += data[at + 1 : at + 2] * (257 - n)
            at += 2
        if len(out) > limit:
            _refuse(limit)
    _spend(len(out))
    return bytes(out)


_BOUNDED = {
    "zlib": SimpleNamespace(decompress=inflate, error=zlib.error),
    "decompress_corrupted": inflate,
    "lzwdecode": lzw_decode,
    "rldecode": run_length_decode,
}


@contextlib.contextmanager
def bounded_streams() -> Iterator[None]:
    """While inside, pdfminer inflates every stream within `MAX_STREAM_BYTES` (each) and
    `MAX_INFLATED_BYTES` (all together); outside, pdfminer is as it was."""
    import pdfminer.pdftypes as pdftypes

    global _budget
    saved = {name: getattr(pdftypes, name) for name in _BOUNDED}
    outer = _budget
    for name, bounded in _BOUNDED.items():
        setattr(pdftypes, name, bounded)
    _budget = _Budget()
    try:
        yield
    finally:
        for name, original in saved.items():
            setattr(pdftypes, name, original)
        _budget = outer
