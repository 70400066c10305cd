"""Raw files -> documents (a stream of lines with their places)."""

from __future__ import annotations

from pathlib import Path

from etl.errors import NoInput
from etl.extract.text import text_to_document
from etl.source import Document

SUFFIXES = (".txt", ".pdf")


def discover(paths: list[Path]) -> list[Path]:
    """The report files named, or found (not recursively) in the folders named, sorted by name."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            raise NoInput(str(path), "no such file or folder", fix="give a report file or a folder of reports")
    if not found:
        names = ", ".join(str(p) for p in paths)
        raise NoInput(names, "no .txt or .pdf report found", fix="put the raw reports (.txt or .pdf) in raw/")
    return found


def path_to_document(path: Path) -> Document:
    """Read one raw file; PDFs go through pdfplumber, everything else is read as text."""
    display = _display(path)
    if path.suffix.lower() == ".pdf" or path.read_bytes()[:5] == b"%PDF-":
        from etl.extract.pdf import pdf_to_document

        return pdf_to_document(path, display)
    return text_to_document(path, display)


def _display(path: Path) -> str:
    """How a file is named in every source reference: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
