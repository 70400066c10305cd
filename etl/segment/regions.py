"""A document's lines -> its regions: each region's funding table and programme sections.

A region is found by its table: the line "Programmatic area" sits in every regional
funding table. The table runs from the "Country" column heading to the "Regional
Programmes" heading that opens the first programme box; the region's programme sections
(the "zone") run from there to the end of the target populations of its last box.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.errors import NotAReport, RegionMissing
from etl.gazetteer import Gazetteer, normalize
from etl.segment.lexicon import (
    is_marker,
    is_regional_label,
    is_target_populations,
    match_area,
    parse_amount,
    strip_heading,
)
from etl.segment.multiregional import find_multiregional
from etl.source import Document, Line, SourceRef

_LOOKBACK = 60  # lines before "Programmatic area" where "Country" and the title may sit
_TABLE_LOOKBACK = 400  # a country table printed whole: two lines a row, up to 200 countries
_TRAILING = 40  # lines after a box's target populations where a stray amount or label may follow


@dataclass(frozen=True, slots=True)
class RegionText:
    """Where one region's table and programme sections are, as [start, end) line indices."""

    region_id: str
    name: str
    name_ref: SourceRef
    table: tuple[int, int]
    zone: tuple[int, int]
    open_end: bool = False  # the last region, and no part of the report follows it: maybe cut off


def document_to_regions(doc: Document, gaz: Gazetteer) -> list[RegionText]:
    """Find every regional funding table and the programme sections that follow it."""
    lines = doc.lines
    anchors = [i for i, line in enumerate(lines) if normalize(line.text) == "programmatic area"]
    if not anchors:
        raise NotAReport(
            doc.path,
            "no regional funding table (a 'Programmatic area' column heading) in the document",
            fix="give a Migration Initiatives appeal report, or remove the file from raw/",
        )
    part = find_multiregional(lines, anchors[-1])
    limit = len(lines) if part is None else part
    regions: list[RegionText] = []
    previous_end = 0
    for n, anchor in enumerate(anchors):
        start = _table_start(lines, anchor, anchors[n - 1] if n else 0)
        next_start = _table_start(lines, anchors[n + 1], anchor) if n + 1 < len(anchors) else limit
        table_end = _table_end(lines, anchor, next_start, gaz)
        zone_end = _zone_end(lines, table_end, next_start, gaz)
        region_id, name, ref = _region_name(doc, start, table_end, previous_end, gaz)
        open_end = n + 1 == len(anchors) and limit == len(lines)
        regions.append(RegionText(region_id, name, ref, (start, table_end), (table_end, zone_end), open_end))
        previous_end = zone_end
    seen: dict[str, RegionText] = {}
    for region in regions:
        if region.region_id in seen:
            raise RegionMissing(
                region.name_ref,
                f"a second funding table for region {region.name!r}",
                fix="check the region title of this table in the raw file",
            )
        seen[region.region_id] = region
    return regions


def _table_start(lines: tuple[Line, ...], anchor: int, floor: int) -> int:
    """The "Country" heading nearest above the "Programmatic area" one: within _LOOKBACK lines in
    a text export (the columns interleave), further when the country table is printed whole
    before the areas (a PDF's table page: two lines a row), but not past the previous table."""
    for i in range(anchor, max(anchor - _TABLE_LOOKBACK, floor, -1), -1):
        if normalize(lines[i].text) == "country":
            return i
    return anchor


def _table_end(lines: tuple[Line, ...], anchor: int, limit: int, gaz: Gazetteer) -> int:
    """The first line of the first section: its heading ("Regional Programmes", or a country's
    when a region has no regional programmes), its label and its first box."""
    first_marker = next((i for i in range(anchor, limit) if is_marker(lines[i].text)), None)
    if first_marker is None:
        return limit
    j = first_marker - 1
    while j > anchor and not lines[j].text.strip():
        j -= 1
    for span in (1, 2, 3):
        texts = [lines[k].text for k in range(j - span + 1, j + 1)]
        if match_area(texts, gaz)[1] == span:
            j -= span
            break
    while j > anchor and not lines[j].text.strip():
        j -= 1
    if is_regional_label(lines[j].text):
        return j
    for span in (1, 2, 3):
        name = " ".join(lines[k].text.strip() for k in range(j - span + 1, j + 1))
        if gaz.country(strip_heading(name)):
            return j - span + 1
    return j + 1


def _zone_end(lines: tuple[Line, ...], start: int, limit: int, gaz: Gazetteer) -> int:
    """After the last box, the zone runs to the end of a target-populations list that no
    amount or area label follows closely (the region's last programme text)."""
    last_marker = next((i for i in range(limit - 1, start - 1, -1) if is_marker(lines[i].text)), None)
    if last_marker is None:
        return start
    end = i = last_marker + 1
    while i < limit:
        if is_target_populations(lines[i].text):
            end = i = _population_end(lines, i + 1, limit)
            ahead = range(i, min(i + _TRAILING, limit))
            following = next((k for k in ahead if _is_programme_item(lines, k, gaz)), None)
            if following is None:
                return end
            end = i = following + 1  # the zone goes on at least to that item
            continue
        i += 1
    return limit if end == last_marker + 1 else end


def _is_programme_item(lines: tuple[Line, ...], i: int, gaz: Gazetteer) -> bool:
    texts = [lines[k].text for k in range(i, min(i + 3, len(lines)))]
    return parse_amount(lines[i].text) is not None or match_area(texts, gaz)[1] > 0


def _population_end(lines: tuple[Line, ...], i: int, limit: int) -> int:
    while i < limit and _is_population(lines[i]):
        i += 1
    return i


def _is_population(line: Line) -> bool:
    text = line.text
    stripped = text.strip()
    return bool(stripped) and not line.fresh and len(stripped) <= 60 and not stripped.endswith(".")


def _region_name(doc: Document, start: int, end: int, previous_end: int, gaz: Gazetteer) -> tuple[str, str, SourceRef]:
    """The region a table belongs to: its "Funding requirements for" title, else the last region title before it."""
    lines = doc.lines
    for i in range(max(start - _LOOKBACK, previous_end), end):
        if normalize(lines[i].text) == "funding requirements for":
            found = _region_at(lines, i + 1, end, gaz)
            if found:
                return found
    for i in range(start - 1, previous_end - 1, -1):
        found = _region_at(lines, i, start, gaz, exact_start=True)
        if found:
            return found
    raise RegionMissing(
        lines[start].ref,
        "cannot tell which region this funding table belongs to",
        fix="the table needs a 'Funding requirements for <REGION>' title or a region title before it",
    )


def _region_at(
    lines: tuple[Line, ...], i: int, end: int, gaz: Gazetteer, exact_start: bool = False
) -> tuple[str, str, SourceRef] | None:
    while not exact_start and i < end and not lines[i].text.strip():
        i += 1
    for span in (1, 2, 3):
        if i + span > end:
            break
        name = " ".join(lines[k].text.strip() for k in range(i, i + span))
        region_id = gaz.region(name)
        if region_id:
            return region_id, name, lines[i].ref
    return None
