"""A document's lines -> its regions: each region's funding table and programme sections.

A regional funding table is found by its headings (etl/data/wording.toml): the title "Funding
requirements for <REGION>", the column headings "Country", "USD" and "Programmatic area", and the
"Total funding requirement" rows. Two kinds of them near each other make a table, so a heading an
edition spells otherwise, or leaves out, loses no region. What cannot be read stops the build with
its line: a title with no table near it, a table whose region cannot be named, a programme box
outside every region.

The table runs from its first column heading (and the country rows printed just above it) to the
heading of the first programme section ("Regional Programmes", or a country's when a region has
no regional programmes); the region's programme sections (the "zone") run from there to the end
of the target populations of its last box.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from typing import overload

from etl.errors import NotAReport, RegionMissing, TableUnreadable, Unaccounted
from etl.gazetteer import Gazetteer, normalize
from etl.segment.lexicon import (
    NAME_LINES,
    HeadingKind,
    heading_kind,
    heading_words,
    is_marker,
    is_regional_label,
    is_target_populations,
    match_area,
    match_country,
    name_spans,
    paged_over,
    parse_amount,
    phrasings,
    population_lines,
    strip_heading,
)
from etl.segment.multiregional import find_multiregional
from etl.source import Document, Line, SourceRef

TABLE_GAP = 200  # lines: two headings further apart belong to two tables (a table printed whole runs ~150)
TABLE_AMOUNTS = 2  # amounts alone on their lines that a table's headings stand among (without a region title)
TABLE_REACH = 50  # lines around the headings where a table's amounts are looked for
_TRAILING = 40  # lines after a box's target populations where a stray amount or label may follow
_TABLE_MARKS: tuple[HeadingKind, ...] = ("region_title", "country_column", "area_column", "total_row", "amount_column")
_STRONG: tuple[HeadingKind, ...] = ("region_title", "country_column", "area_column", "total_row")


@dataclass(frozen=True, slots=True)
class RegionText:
    """Where one region's table and programme sections are, as [start, end) line indices."""

    region_id: str
    name: str
    name_ref: SourceRef
    table: tuple[int, int]
    zone: tuple[int, int]
    open_end: bool = False  # the last region, and no part of the report follows it: maybe cut off
    title: tuple[int, ...] = ()  # the lines of its "Funding requirements for <REGION>" title
    headings: tuple[int, ...] = ()  # the lines of its table's headings
    curated: bool = True  # the region id is etl/data/regions.csv's, not derived from the title


@dataclass(frozen=True, slots=True)
class _Table:
    marks: tuple[tuple[int, HeadingKind], ...]

    @property
    def kinds(self) -> set[HeadingKind]:
        return {kind for _, kind in self.marks}

    def first(self, *, titles: bool = True) -> int:
        return min(i for i, kind in self.marks if titles or kind != "region_title")

    @property
    def last(self) -> int:
        return max(i for i, _ in self.marks)

    @property
    def titles(self) -> list[int]:
        return [i for i, kind in self.marks if kind == "region_title"]


def table_marks(lines: tuple[Line, ...]) -> list[tuple[int, HeadingKind]]:
    """Every line that is a heading of a regional funding table, with its kind."""
    out: list[tuple[int, HeadingKind]] = []
    title = phrasings("region_title")
    for i, line in enumerate(lines):
        kind = heading_kind(line.text)
        if kind in _TABLE_MARKS:
            out.append((i, kind))
        elif kind is None and _title_prefix(line.text, title):
            out.append((i, "region_title"))  # "Funding requirements for East and Horn of Africa" on one line
    return out


def _title_prefix(text: str, title: frozenset[str]) -> int:
    """How many words of the line the region title takes when the region's name follows on it."""
    words = heading_words(text)
    for n in (3, 4):
        if len(words) > n and "".join(words[:n]) in title:
            rest = _rest_of_title(text, n)
            return n if rest[:1].isupper() and _looks_like_name(rest) else 0
    return 0


def document_to_regions(doc: Document, gaz: Gazetteer, furniture: Container[int] = frozenset()) -> list[RegionText]:
    """Find every regional funding table and the programme sections that follow it, up to the
    multiregional part (`furniture`: the lines that are page furniture, which a title's name is
    read across: "Funding requirements for" / footer, page number, header / "Asia and the Pacific")."""
    lines = doc.lines
    tables = _tables(table_marks(lines), lines)
    part = find_multiregional(lines, tables[-1].last) if tables else None
    end = len(lines) if part is None else part
    if not tables:
        raise NotAReport(
            doc.path,
            "no regional funding table (no 'Country', 'Programmatic area' and 'Total funding requirement' headings)",
            fix="give a Migration Initiatives appeal report, or remove the file from raw/",
        )
    regions: list[RegionText] = []
    previous_end = 0
    for n, table in enumerate(tables):
        start = _table_start(lines, table.first(titles=False), previous_end, gaz)
        next_start = tables[n + 1].first() if n + 1 < len(tables) else end
        table_end = _table_end(lines, table.last, next_start, gaz, furniture)
        zone_end = _zone_end(lines, table_end, next_start, gaz, furniture)
        title, (region_id, name, ref, curated) = _region_name(lines, table, start, previous_end, gaz, furniture)
        open_end = n + 1 == len(tables) and end == len(lines)
        headings = tuple(i for i, kind in table.marks if kind != "region_title")
        regions.append(
            RegionText(
                region_id,
                name,
                ref,
                (start, table_end),
                (table_end, zone_end),
                open_end,
                title,
                headings,
                curated,
            )
        )
        previous_end = zone_end
    _check_one_table_each(regions)
    _check_boxes_inside(lines, regions, end)
    return regions


def _tables(marks: list[tuple[int, HeadingKind]], lines: tuple[Line, ...]) -> list[_Table]:
    """Headings near each other, as tables: two kinds of heading make one; a title alone is an error."""
    groups: list[list[tuple[int, HeadingKind]]] = []
    for mark in marks:
        if groups and mark[0] - groups[-1][-1][0] <= TABLE_GAP:
            groups[-1].append(mark)
        else:
            groups.append([mark])
    tables = []
    for group in groups:
        table = _Table(tuple(group))
        if len(table.kinds & set(_STRONG)) >= 2 and (table.titles or _amounts_near(group, lines) >= TABLE_AMOUNTS):
            tables.append(table)
        elif table.titles:
            raise TableUnreadable(
                lines[group[0][0]].ref,
                "a 'Funding requirements for <REGION>' title with no funding table near it (no 'Country',"
                " 'Programmatic area' or 'Total funding requirement' heading within"
                f" {TABLE_GAP} lines)",
                fix="the table needs its column headings as the report prints them",
            )
    return tables


def _amounts_near(group: list[tuple[int, HeadingKind]], lines: tuple[Line, ...]) -> int:
    """How many lines that are an amount alone stand among a group of headings (or just around it):
    a table prints its rows' amounts; prose whose wrapped lines end in a heading's words
    ("... the region's" / "countries", "... across" / "thematic areas") prints none."""
    lo = max(0, group[0][0] - TABLE_REACH)
    hi = min(len(lines), group[-1][0] + TABLE_REACH)
    return sum(parse_amount(lines[i].text) is not None for i in range(lo, hi))


def _table_start(lines: tuple[Line, ...], first: int, floor: int, gaz: Gazetteer) -> int:
    """The table's first column heading, or the first of the country rows printed just above it
    (when the "Country" heading itself is not printed): nothing but blank lines, amounts and table
    labels lies between them."""
    start = first
    i = first - 1
    while i >= floor:
        text = lines[i].text
        if not text.strip():
            i -= 1
            continue
        if not _is_table_item(lines, i, gaz):
            break
        start = i
        i -= 1
    return start


def _is_table_item(lines: tuple[Line, ...], i: int, gaz: Gazetteer) -> bool:
    text = lines[i].text
    if parse_amount(text) is not None or is_regional_label(text) or heading_kind(text) == "total_row":
        return True
    if gaz.country(strip_heading(text)) or gaz.areas(text):
        return True
    # the second line of a label printed over two ("Labour Migration and Human" / "Development")
    before = lines[i - 1].text if i else ""
    return bool(before.strip()) and bool(gaz.areas(f"{before.strip()} {text.strip()}"))


def _table_end(
    lines: tuple[Line, ...], after: int, limit: int, gaz: Gazetteer, furniture: Container[int] = frozenset()
) -> int:
    """The first line of the first section: its heading ("Regional Programmes", or a country's
    when a region has no regional programmes), its label and its first box; or, where a box's
    text comes before that heading (an export that writes a page's columns out of order), the
    line after the table's last total."""
    first_marker = next((i for i in range(after, limit) if is_marker(lines[i].text)), None)
    if first_marker is None:
        return limit
    heading = _first_section_line(lines, after, first_marker, gaz, furniture)
    return _before_box_text(lines, after, heading)


def _before_box_text(lines: tuple[Line, ...], after: int, end: int) -> int:
    """`end`, or the line after the table's last total when a paragraph stands between it and `end`."""
    run = 0
    for i in range(after, end):
        run = run + 1 if lines[i].text.strip() and parse_amount(lines[i].text) is None else 0
        if run > NAME_LINES:  # more lines in a row than a name runs over: a box's text
            values = {k: a for k in range(after, i - run + 1) if isinstance(a := parse_amount(lines[k].text), int)}
            if not values:
                return end
            total = max(values.values())
            return max(k for k, v in values.items() if v == total) + 1
    return end


def _first_section_line(
    lines: tuple[Line, ...], after: int, first_marker: int, gaz: Gazetteer, furniture: Container[int] = frozenset()
) -> int:
    """The first box's label (and the section heading above it), a page's furniture between them
    and the box line passed over ("Operations, Emergencies and Post-crisis" / footer, page number,
    header / "Funding requirement (in USD)")."""
    j = first_marker - 1
    while j > after and (not lines[j].text.strip() or j in furniture):
        j -= 1
    j -= _name_ending_at(lines, j, lambda texts, span: match_area(texts, gaz)[1] == span)
    while j > after and (not lines[j].text.strip() or j in furniture):
        j -= 1
    if is_regional_label(lines[j].text):
        return j
    return j + 1 - _name_ending_at(lines, j, lambda texts, span: match_country(texts, gaz)[1] == span)


def _name_ending_at(lines: tuple[Line, ...], j: int, matches: Callable[[list[str], int], bool]) -> int:
    """How many lines (one to three) a name printed over them and ending at line j takes; 0 if none."""
    for span in range(1, NAME_LINES + 1):
        if matches([lines[k].text for k in range(max(0, j - span + 1), j + 1)], span):
            return span
    return 0


def _zone_end(
    lines: tuple[Line, ...], start: int, limit: int, gaz: Gazetteer, furniture: Container[int] = frozenset()
) -> int:
    """After the last box, the zone runs to the end of a target-populations list that no
    amount or area label follows closely (the region's last programme text)."""
    last_marker = next((i for i in range(limit - 1, start - 1, -1) if is_marker(lines[i].text)), None)
    if last_marker is None:
        return start
    end = i = last_marker + 1
    while i < limit:
        if is_target_populations(lines[i].text):
            end = i = _population_end(lines, i + 1, limit, gaz, furniture)
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


def _population_end(
    lines: tuple[Line, ...], i: int, limit: int, gaz: Gazetteer, furniture: Container[int] = frozenset()
) -> int:
    """The line after the list of target populations whose items start at line i, read as the
    programmes' lists are (`population_lines`, the page furniture blank: a list goes on across a
    page break)."""
    found = population_lines(_Blanked(lines, furniture), i, limit, stop=lambda k: _is_programme_item(lines, k, gaz))
    return found[-1] + 1 if found else i


class _Blanked(Sequence[Line]):
    """The lines with the page furniture's blanked (as the programmes' text is read), looked up one
    at a time: a list's end is found without copying the document."""

    def __init__(self, lines: tuple[Line, ...], furniture: Container[int]) -> None:
        self.lines = lines
        self.furniture = furniture

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, k: int) -> Line: ...
    @overload
    def __getitem__(self, k: slice) -> Sequence[Line]: ...
    def __getitem__(self, k: int | slice) -> Line | Sequence[Line]:
        if isinstance(k, slice):
            return [self[n] for n in range(*k.indices(len(self.lines)))]
        line = self.lines[k]
        return Line("", line.ref, line.fresh) if k in self.furniture and line.text else line


def _region_name(
    lines: tuple[Line, ...],
    table: _Table,
    start: int,
    previous_end: int,
    gaz: Gazetteer,
    furniture: Container[int] = frozenset(),
) -> tuple[tuple[int, ...], tuple[str, str, SourceRef, bool]]:
    """The region a table belongs to and the lines of its title: the name its "Funding requirements
    for" title prints, else the last region name printed before the table."""
    first = table.first(titles=False)
    for i in sorted(table.titles, key=lambda t: abs(t - first)):
        found = _titled(lines, i, gaz, furniture)
        if found:
            return found
    for i in range(start - 1, previous_end - 1, -1):
        named = _known_name(lines, i, start, gaz)
        if named:
            return (), named
    raise RegionMissing(
        lines[first].ref,
        "cannot tell which region this funding table belongs to: no 'Funding requirements for <REGION>'"
        " title near it and no region's name printed before it",
        fix="the table needs its 'Funding requirements for <REGION>' title as the report prints it",
    )


def _titled(
    lines: tuple[Line, ...], i: int, gaz: Gazetteer, furniture: Container[int] = frozenset()
) -> tuple[tuple[int, ...], tuple[str, str, SourceRef, bool]] | None:
    """The region a title names: on the title's own line, or on the lines after it (over a page's
    furniture: a page may end inside the title)."""
    taken = _title_prefix(lines[i].text, phrasings("region_title"))
    if taken:
        rest = _rest_of_title(lines[i].text, taken)
        return (i,), _named(rest, lines[i].ref, gaz)
    following: list[int] = []
    looked = 0  # lines looked at past the title, a page break's furniture not counted
    k = i + 1
    while k < len(lines) and len(following) < NAME_LINES and looked < NAME_LINES + 2:
        k = paged_over(lines, k, len(lines), furniture)
        if k >= len(lines):
            break
        looked += 1
        if lines[k].text.strip():
            following.append(k)
        k += 1
    for span, name in name_spans([lines[k].text for k in following]):
        if gaz.region(name):
            return (i, *following[:span]), _named(name, lines[following[0]].ref, gaz)
    if not following or not _looks_like_name(lines[following[0]].text):
        return None
    taken_lines = [following[0]]
    for k in following[1:]:
        previous = lines[taken_lines[-1]].text.strip()
        if previous.endswith((",", "and", "&")) and _looks_like_name(lines[k].text):
            taken_lines.append(k)
        else:
            break
    name = " ".join(lines[k].text.strip() for k in taken_lines)
    return (i, *taken_lines), _named(name, lines[taken_lines[0]].ref, gaz)


def _rest_of_title(text: str, words: int) -> str:
    """What follows the title's words on its line: the region's name as printed."""
    tokens = text.split()
    return " ".join(tokens[words:]).strip()


def _looks_like_name(text: str) -> bool:
    """A region's name as a title prints it: short, no sentence, not a table's own line."""
    stripped = text.strip()
    if not stripped or len(stripped.split()) > 10 or stripped.endswith((".", ";", ":")):
        return False
    return heading_kind(stripped) is None and parse_amount(stripped) is None and stripped[:1].isalpha()


def _named(name: str, ref: SourceRef, gaz: Gazetteer) -> tuple[str, str, SourceRef, bool]:
    found = gaz.region_for_title(name)
    return found.region_id, name, ref, found.curated


def _known_name(lines: tuple[Line, ...], i: int, end: int, gaz: Gazetteer) -> tuple[str, str, SourceRef, bool] | None:
    for _, name in name_spans([lines[k].text for k in range(i, min(i + NAME_LINES, end))]):
        region_id = gaz.region(name)
        if region_id:
            return region_id, name, lines[i].ref, True
    return None


def _check_one_table_each(regions: list[RegionText]) -> None:
    seen: dict[str, RegionText] = {}
    for region in regions:
        if region.region_id in seen:
            raise RegionMissing(
                region.name_ref,
                f"a second funding table for region {region.name!r} (the first at {seen[region.region_id].name_ref})",
                fix="check the region title of this table in the raw file",
            )
        seen[region.region_id] = region


def _check_boxes_inside(lines: tuple[Line, ...], regions: list[RegionText], end: int) -> None:
    """Every programme box of the report lies in some region's programme sections: one outside them
    all would be a programme silently lost."""
    zones = [region.zone for region in regions]
    for i in range(end):
        if is_marker(lines[i].text) and not any(a <= i < b for a, b in zones):
            before = [r for r in regions if r.zone[1] <= i]
            where = f" (after the sections of region {before[-1].name!r})" if before else ""
            raise Unaccounted(
                lines[i].ref,
                f"a programme box outside every region's programme sections{where}",
                value=normalize(lines[i].text),
                fix="the region it belongs to needs its funding table (title, 'Country', 'Programmatic area',"
                " totals) as the report prints them",
            )


__all__ = ["RegionText", "document_to_regions", "table_marks"]
