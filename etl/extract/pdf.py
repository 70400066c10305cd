"""PDF reports -> documents. Layout-aware extraction is tracked in the PDF issue; until then a
PDF is refused with a clear message rather than read badly."""

from __future__ import annotations

from pathlib import Path

from etl.errors import UnreadablePdf
from etl.source import Document


def pdf_to_document(path: Path, display: str) -> Document:
    raise UnreadablePdf(
        display,
        "PDF input is not supported yet",
        fix="give the text extracted from the PDF (e.g. pdftotext) as a .txt file in raw/",
    )
