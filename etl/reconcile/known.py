"""The reviewed list of known source discrepancies (etl/data/known_discrepancies.toml).

An entry names the report by edition (never by file name), the region, the check and the
section or area it concerns, and why the report itself does not add up there. It holds no
line numbers and no amounts: those move between a PDF and its text, or between printings.
A file that is not such a list is refused (`known-invalid`) with the line at fault.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from etl.errors import KnownInvalid
from etl.gazetteer import area_order, load_gazetteer

KNOWN_FILE = "known_discrepancies.toml"
SHIPPED = f"etl/data/{KNOWN_FILE}"
# The checks a discrepancy can be known for, with the key naming what they check; a test
# proves these are the names etl/reconcile gives its checks.
CHECKS = {"section_sum": "section", "area_resum": "area"}
_KEYS = ("edition", "region", "check", "section", "area", "reason")
_FIX = "correct the entry (README: Checks)"


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
        return text_to_known(text, SHIPPED)
    where = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KnownInvalid(
            where, "no such file", fix="give the path of a known-discrepancies file to --known"
        ) from None
    except IsADirectoryError:
        raise KnownInvalid(
            where, "this is a folder", fix="give the known-discrepancies file itself to --known"
        ) from None
    except OSError as err:
        raise KnownInvalid(where, f"cannot be read: {err.strerror or err}", fix="give a file you can read") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise KnownInvalid(
            f"{where}:{line}",
            f"byte {data[err.start]:#04x} at offset {err.start} is not UTF-8",
            fix="save the file as UTF-8 (TOML is UTF-8)",
        ) from None
    return text_to_known(text, where)


def text_to_known(text: str, where: str) -> KnownDiscrepancies:
    """A known-discrepancies file's text -> its entries, every one checked."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message, line = str(err), text.count("\n") + 1
        at = re.search(r" \(at line (\d+), column (\d+)\)$", message)
        if at:
            message, line = f"{message[: at.start()]} (column {at.group(2)})", int(at.group(1))
        elif message.endswith(" (at end of document)"):
            message = message.removesuffix(" (at end of document)") + " (at the end of the file)"
        raise KnownInvalid(
            f"{where}:{line}",
            f"not valid TOML: {message}",
            fix="correct the TOML syntax (each entry is a [[discrepancy]] table of key = value lines)",
        ) from None
    starts = _entry_lines(text)
    for key in data:
        if key != "discrepancy":
            raise KnownInvalid(
                f"{where}:{_line_of_key(text, key)}",
                f"unknown key {key!r}",
                fix="the file holds [[discrepancy]] entries only",
            )
    raw_entries = data.get("discrepancy", [])
    if not isinstance(raw_entries, list) or not all(isinstance(e, dict) for e in raw_entries):
        raise KnownInvalid(
            f"{where}:{_line_of_key(text, 'discrepancy')}",
            "'discrepancy' must be a list of tables",
            fix="write each entry as a [[discrepancy]] table",
        )
    lines = text.splitlines()
    entries = []
    for n, raw in enumerate(raw_entries):
        start = starts[n] if n < len(starts) else _line_of_key(text, "discrepancy")
        end = starts[n + 1] if n + 1 < len(starts) else len(lines) + 1

        def place(key: str | None = None, start: int = start, end: int = end) -> str:
            """The entry's line holding `key` (its header line if none does)."""
            if key is not None:
                found = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
                for number in range(start, end):
                    if found.match(lines[number - 1]):
                        return f"{where}:{number}"
            return f"{where}:{start}"

        entries.append(_entry(raw, place))
    return KnownDiscrepancies(tuple(entries))


def _entry(raw: dict[str, Any], place: Callable[[str | None], str]) -> Entry:
    for key in raw:
        if key not in _KEYS:
            raise KnownInvalid(place(key), f"an entry has an unknown key {key!r}", fix=f"use only {', '.join(_KEYS)}")
    edition = raw.get("edition")
    if not isinstance(edition, int) or isinstance(edition, bool):
        raise KnownInvalid(
            place("edition"), "an entry needs 'edition', the report's year as a number", value=_shown(edition), fix=_FIX
        )
    strings = {}
    for key in ("region", "check", "reason"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise KnownInvalid(
                place(key), f"an entry needs {key!r} as a non-empty string", value=_shown(value), fix=_FIX
            )
        strings[key] = value
    check = strings["check"]
    if check not in CHECKS:
        raise KnownInvalid(
            place("check"), "unknown check", value=check, fix=f"a known discrepancy is one of: {', '.join(CHECKS)}"
        )
    regions = load_gazetteer().region_names
    if strings["region"] not in regions:
        raise KnownInvalid(
            place("region"), "unknown region id", value=strings["region"], fix="use a region_id of etl/data/regions.csv"
        )
    wanted = CHECKS[check]
    subject = raw.get(wanted)
    if not isinstance(subject, str) or not subject:
        other = next(k for k in CHECKS.values() if k != wanted)
        given = f" (it gives {other!r})" if other in raw else ""
        raise KnownInvalid(
            place(other if other in raw else None),
            f"a {check} entry needs {wanted!r}{given}",
            value=_shown(subject) if subject is not None else None,
            fix=f"name the {'section (ISO3 or regional)' if wanted == 'section' else 'area (area id)'} it concerns",
        )
    if len([k for k in CHECKS.values() if k in raw]) > 1:
        raise KnownInvalid(
            place("area"), "an entry names both 'section' and 'area'", fix=f"a {check} entry names {wanted!r}"
        )
    if wanted == "area" and subject not in area_order():
        raise KnownInvalid(
            place("area"), "unknown area id", value=subject, fix=f"use one of: {', '.join(area_order())}"
        )
    if wanted == "section" and subject != "regional" and subject not in load_gazetteer().countries:
        raise KnownInvalid(
            place("section"),
            "unknown section",
            value=subject,
            fix="give an ISO3 code of etl/data/countries.csv or 'regional'",
        )
    return Entry(edition, strings["region"], check, subject, strings["reason"])


def _shown(value: object) -> str | None:
    return None if value is None else repr(value) if not isinstance(value, str) else value


def _entry_lines(text: str) -> list[int]:
    """The line of each [[discrepancy]] header, in order."""
    header = re.compile(r"^\s*\[\[\s*discrepancy\s*\]\]")
    return [n for n, line in enumerate(text.splitlines(), start=1) if header.match(line)]


def _line_of_key(text: str, key: str) -> int:
    found = re.compile(rf"^\s*(\[+\s*)?[\"']?{re.escape(key)}[\"']?\s*[=\]]")
    return next((n for n, line in enumerate(text.splitlines(), start=1) if found.match(line)), 1)
