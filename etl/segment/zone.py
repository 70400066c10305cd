"""A region's programme lines -> items: section headings, area labels, boxes, amounts, text.

Nothing is paired here. Headings are recognised only for the countries of the region's own
table, so a country named in prose elsewhere cannot open a section.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from typing import Literal

from etl.gazetteer import Gazetteer, normalize
from etl.segment.lexicon import (
    Amount,
    is_marker,
    is_regional_label,
    is_target_populations,
    joined,
    match_area,
    match_country,
    name_lines,
    population_lines,
    read_amount,
    strip_heading,
)
from etl.source import Line, SourceRef

ItemKind = Literal["heading", "label", "marker", "amount"]
REGIONAL = "regional"


@dataclass(frozen=True, slots=True)
class ZoneItem:
    """One recognised thing in the programme sections, at line index `index`."""

    kind: ItemKind
    index: int
    span: int
    text: str
    ref: SourceRef
    section: str | None = None  # heading: ISO3 or REGIONAL
    areas: tuple[str, ...] = ()  # label: one area id, two for a combined box
    value: Amount | None = None  # amount: USD or FUNDED


@dataclass(frozen=True, slots=True)
class ZoneText:
    start: int
    end: int
    items: tuple[ZoneItem, ...]


def lines_to_zone(
    lines: tuple[Line, ...],
    start: int,
    end: int,
    countries: frozenset[str],
    gaz: Gazetteer,
    furniture: Container[int] = frozenset(),
) -> ZoneText:
    """Classify the lines of a region's programme sections into items (`furniture`: the page's
    furniture, which a name printed over two lines is read across: "Labour Migration and Human" /
    footer, page number, header / "Development")."""
    items: list[ZoneItem] = []
    i = start
    while i < end:
        line = lines[i]
        text = line.text.strip()
        if not text:
            i += 1
            continue
        value = read_amount(text, line.ref, "programme amount")
        if value is not None:
            items.append(ZoneItem("amount", i, 1, text, line.ref, value=value))
            i += 1
            continue
        if is_marker(text):
            items.append(ZoneItem("marker", i, 1, text, line.ref))
            i += 1
            continue
        if is_regional_label(text):
            items.append(ZoneItem("heading", i, 1, text, line.ref, section=REGIONAL))
            i += 1
            continue
        if not _may_name(text, gaz):
            i += 1  # most lines: neither a name nor its first part (what match_area and match_country try first)
            continue
        at = name_lines(lines, i, end, furniture)
        window = [lines[k].text for k in at]
        areas, span = match_area(window, gaz)
        if span:
            items.append(ZoneItem("label", i, at[span - 1] + 1 - i, joined(window, span), line.ref, areas=areas))
            i = at[span - 1] + 1
            continue
        iso3, span = match_country(window, gaz, countries)
        if iso3:
            items.append(ZoneItem("heading", i, at[span - 1] + 1 - i, joined(window, span), line.ref, section=iso3))
            i = at[span - 1] + 1
            continue
        i += 1
    return ZoneText(start, end, tuple(_one_heading_each(items, lines)))


def _may_name(text: str, gaz: Gazetteer) -> bool:
    """The line alone is an area's or a country's name, or the first part of one."""
    area, country = normalize(text), normalize(strip_heading(text))
    return area in gaz.area_keys or country in gaz.country_keys or area in gaz.prefixes or country in gaz.prefixes


def _one_heading_each(items: list[ZoneItem], lines: tuple[Line, ...]) -> list[ZoneItem]:
    """Keep one heading per section, the likeliest: one that opens a box, printed in capitals.

    A country named alone on a line of prose would otherwise open a second section.
    """
    best: dict[str, tuple[int, int]] = {}
    for n, item in enumerate(items):
        if item.kind != "heading" or item.section is None:
            continue
        score = 2 * _opens_box(items, n) + item.text.isupper()
        if item.section not in best or score > best[item.section][0]:
            best[item.section] = (score, n)
    keep = {n for _, n in best.values()}
    return [item for n, item in enumerate(items) if item.kind != "heading" or n in keep]


def _opens_box(items: list[ZoneItem], n: int) -> bool:
    if n + 1 >= len(items) or items[n + 1].kind not in ("label", "marker"):
        return False
    return items[n + 1].index - (items[n].index + items[n].span) <= 2


def target_populations(
    lines: tuple[Line, ...], start: int, end: int, listed: frozenset[str] = frozenset()
) -> tuple[tuple[str, ...], int] | None:
    """The target populations listed under the first "Target populations" line in [start, end)
    (a list a page break cuts goes on with items of `listed`: `population_lines`)."""
    for i in range(start, end):
        if is_target_populations(lines[i].text):
            return tuple(lines[j].text.strip() for j in population_lines(lines, i + 1, end, listed=listed)), i
    return None
