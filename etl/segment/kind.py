"""A document -> which kind of raw document it is, from its content (never from its name)."""

from __future__ import annotations

from typing import Literal

from etl.errors import NotAReport
from etl.segment.project import is_project_sheet
from etl.segment.report import has_report_title
from etl.source import Document

Kind = Literal["appeal", "idf_project"]


def document_to_kind(doc: Document) -> Kind:
    """An IOM Development Fund project page (its id fields), or a Migration Initiatives appeal (its
    title); anything else is refused rather than guessed at."""
    if is_project_sheet(doc):
        return "idf_project"
    if has_report_title(doc):
        return "appeal"
    raise NotAReport(
        doc.path,
        "neither a Migration Initiatives appeal (no 'Migration Initiatives <year>' title) nor an IOM Development"
        " Fund project page (no 'Projects ID' and 'Prima ID' fields)",
        fix="give one of those, or remove the file from raw/",
    )
