"""Lines -> the parts of a report: its page furniture, each region's funding table and programme
sections, and the multiregional part; nothing is paired here.

`document_to_segments` runs the whole stage for one appeal; the resolver gets what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.errors import TableUnreadable, TooLarge, Unaccounted
from etl.gazetteer import Gazetteer
from etl.limits import MAX_BOXES_PER_REGION
from etl.segment.furniture import Furniture, lines_to_furniture
from etl.segment.lexicon import heading_kind, is_marker
from etl.segment.multiregional import MultiregionalText, find_multiregional, lines_to_multiregional
from etl.segment.regions import RegionText, document_to_regions
from etl.segment.table import TableText, lines_to_table
from etl.segment.zone import ZoneText, lines_to_zone
from etl.source import Document

_STATED = ("USD", "US$")


@dataclass(frozen=True, slots=True)
class RegionSegment:
    """One region: where its parts are, its table's labels and amounts, its sections' items."""

    where: RegionText
    table: TableText
    zone: ZoneText


@dataclass(frozen=True, slots=True)
class Segments:
    furniture: Furniture
    regions: tuple[RegionSegment, ...]
    multiregional: MultiregionalText | None
    region_names: frozenset[str] = frozenset()  # each region's name, as `running_key` gives it

    def is_running(self, i: int, text: str) -> bool:
        """Line i is a running header or footer: a line recurring through the document, or a
        region's name alone on a line (the header of that region's pages, however few)."""
        return i in self.furniture.running or running_key(text) in self.region_names


def running_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def document_to_segments(doc: Document, gaz: Gazetteer) -> Segments:
    """Find a report's furniture, regions (table and sections classified) and multiregional part."""
    furniture = lines_to_furniture(doc.lines, gaz)
    regions = []
    for where in document_to_regions(doc, gaz, furniture):
        skip = frozenset(where.title) | furniture.running
        table = lines_to_table(doc.lines, *where.table, gaz, skip, where.name)
        if not table.countries() or not table.totals() or not table.areas():
            missing = (
                "country rows"
                if not table.countries()
                else "'Total funding requirement' row"
                if not table.totals()
                else "programmatic area rows"
            )
            raise TableUnreadable(
                doc.lines[where.table[0]].ref,
                f"the funding table of region {where.name!r} has no {missing}",
                fix="the table needs its 'Country' and 'Programmatic area' columns and their totals as the report"
                " prints them",
            )
        _refuse_too_many_boxes(doc, where)
        countries = frozenset(label.key for label in table.countries() if label.kind == "country")
        zone = lines_to_zone(doc.lines, *where.zone, countries, gaz, furniture)
        regions.append(RegionSegment(where, table, zone))
    last = max(regions[-1].where.zone[1], regions[-1].where.table[1])
    start = find_multiregional(doc.lines, last)
    part = None if start is None else lines_to_multiregional(doc.lines, start, furniture)
    if part is None:
        _refuse_unread_part(doc, last)
    names = frozenset(running_key(r.where.name) for r in regions)
    return Segments(furniture, tuple(regions), part, names)


def _refuse_too_many_boxes(doc: Document, where: RegionText) -> None:
    """A region of more programme boxes than any appeal prints (a corrupted or concatenated export)
    is refused before its boxes are classified and paired."""
    boxes = sum(is_marker(doc.lines[i].text) for i in range(*where.zone))
    if boxes > MAX_BOXES_PER_REGION:
        raise TooLarge(
            where.name_ref,
            f"region {where.name!r} prints {boxes} programme boxes, more than {MAX_BOXES_PER_REGION}",
            fix="give the report once, whole (is the text repeated or two exports joined?)",
        )


def _refuse_unread_part(doc: Document, after: int) -> None:
    """No multiregional part was found, yet the report goes on after its last region with amounts
    stated in sentences: a part is there that cannot be read, so it must not be dropped."""
    for line in doc.lines[after:]:
        text = line.text
        if any(mark in text for mark in _STATED) and any(c.isdigit() for c in text) and heading_kind(text) is None:
            raise Unaccounted(
                line.ref,
                "an amount stated after the last region, but no multiregional part to read it in (no"
                " 'Multiregional initiatives' title and no bullet list of its groups)",
                value=text.strip(),
                fix="the part needs its title as the report prints it (or add the title's wording to"
                " etl/data/wording.toml)",
            )


__all__ = ["RegionSegment", "Segments", "document_to_segments"]
