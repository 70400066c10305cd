"""Where a piece of text came from: the reference that travels with every item."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A place in a raw file: a text line, or a PDF page with an optional word box."""

    file: str
    line: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def __str__(self) -> str:
        if self.page is not None:
            return f"{self.file}#p{self.page}"
        if self.line is not None:
            return f"{self.file}:{self.line}"
        return self.file

    def box(self) -> str | None:
        """The word box as 'x0,top,x1,bottom' in PDF points, or None for text input."""
        if self.bbox is None:
            return None
        return ",".join(f"{v:.1f}" for v in self.bbox)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a document's text stream, with its place in the raw file.

    `fresh`: a page or column starts with this line, so a paragraph does not run on into it from
    the line before. A PDF's extractor knows it from the page; a text export marks it (when at
    all) by a leading space, which is all the text path has to go by.
    """

    text: str
    ref: SourceRef
    fresh: bool = False


@dataclass(frozen=True, slots=True)
class PageAudit:
    """Where every character drawn on one page of a PDF went (spaces not counted): into the
    document's lines, or left out as running header, footer or page number (`furniture`, whose
    texts are kept), as text turned sideways or upside down (`turned`), or as a copy printed over
    itself (`overprinted`, fake bold). `drawn` is the sum of the other four."""

    page: int
    drawn: int
    in_lines: int
    furniture: int
    turned: int
    overprinted: int
    furniture_text: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """A raw file turned into a stream of lines, the input of segmentation; a PDF's also says
    what became of the characters of each page (`pages`; empty for text)."""

    path: str
    sha256: str
    lines: tuple[Line, ...]
    kind: str = "text"
    pages: tuple[PageAudit, ...] = ()
