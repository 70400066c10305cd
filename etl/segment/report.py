"""A document -> which report it is: title, edition and a stable report id."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex

from etl.errors import NotAReport
from etl.source import Document

_TITLE = regex.compile(r"\bMigration Initiatives\s+((?:19|20)\d\d)\b", regex.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReportInfo:
    report_id: str
    title: str
    edition: int


def has_report_title(doc: Document) -> bool:
    return any(_TITLE.search(line.text) for line in doc.lines)


def document_to_report(doc: Document) -> ReportInfo:
    """The edition is the year most often printed after "Migration Initiatives" (the running footer)."""
    years: Counter[int] = Counter()
    for line in doc.lines:
        for match in _TITLE.finditer(line.text):
            years[int(match.group(1))] += 1
    if not years:
        raise NotAReport(
            doc.path,
            "no 'Migration Initiatives <year>' title anywhere in the document",
            fix="give an IOM Migration Initiatives appeal report, or remove the file from raw/",
        )
    edition = max(years, key=lambda y: (years[y], y))
    return ReportInfo(report_id=f"mi-{edition}", title=f"Migration Initiatives {edition}", edition=edition)
