"""Raw files -> documents (a stream of lines with their places)."""

from __future__ import annotations

import hashlib
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


def path_to_document(path: Path, jobs: int = 1) -> Document:
    """Read one raw file; PDFs go through pdfplumber (pages split over `jobs` processes),
    everything else is read as text."""
    display = display_name(path)
    if is_pdf(path):
        from etl.extract.pdf import pdf_to_document

        return pdf_to_document(path, display, jobs)
    return text_to_document(path, display)


def is_pdf(path: Path) -> bool:
    with path.open("rb") as f:
        return path.suffix.lower() == ".pdf" or f.read(5) == b"%PDF-"


def fingerprint(path: Path) -> tuple[str, str]:
    """A raw file's display name and the SHA-256 of its bytes (what the cache is keyed by)."""
    return display_name(path), hashlib.sha256(path.read_bytes()).hexdigest()


def display_name(path: Path) -> str:
    """How a file is named in every source reference: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
