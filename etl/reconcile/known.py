"""The reviewed list of known source discrepancies (etl/data/known_discrepancies.toml).

An entry names the report by edition (never by file name), the region, the check and the
section or area it concerns, and why the report itself does not add up there. It holds no
line numbers and no amounts: those move between a PDF and its text, or between printings.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

KNOWN_FILE = "known_discrepancies.toml"


@dataclass(frozen=True, slots=True)
class Entry:
    edition: int
    region: str
    check: str
    subject: str
    reason: str


@dataclass(frozen=True, slots=True)
class KnownDiscrepancies:
    entries: tuple[Entry, ...]

    def reason(self, edition: int, region: str | None, check: str, subject: str) -> str | None:
        for e in self.entries:
            if (e.edition, e.region, e.check, e.subject) == (edition, region, check, subject):
                return e.reason
        return None


def load_known(path: Path | None = None) -> KnownDiscrepancies:
    """Read the list shipped with the package, or the file given."""
    if path is None:
        text = resources.files("etl.data").joinpath(KNOWN_FILE).read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    entries = []
    for raw in data.get("discrepancy", []):
        subject = raw.get("section") or raw.get("area")
        if not subject:
            raise ValueError(f"{path or KNOWN_FILE}: an entry needs 'section' or 'area': {raw}")
        entries.append(Entry(int(raw["edition"]), raw["region"], raw["check"], subject, raw["reason"]))
    return KnownDiscrepancies(tuple(entries))
