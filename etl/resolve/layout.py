"""A region's table and zone items -> the layout the solvers work on.

The layout fixes what the text says for sure (the order of things, which section each
heading opens, how far apart two items are, what the text after an amount is about) and
leaves open what it does not (which amount belongs to which label). Sections are ordered by
their headings; a section whose heading is missing from the text takes the place its table
row gives it, and starts at the first amount whose text names its country.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass

import regex

from etl.gazetteer import Gazetteer, area_order, normalize
from etl.resolve.prices import NAMED_MANY
from etl.segment.lexicon import FUNDED, Amount, strip_heading
from etl.segment.table import TableLabel, TableText
from etl.segment.zone import REGIONAL, ZoneItem, ZoneText
from etl.source import Line

TEXT_REACH = 60  # lines of programme text read after an item (blank lines do not count)


@dataclass(frozen=True, slots=True)
class Section:
    key: str  # ISO3 or REGIONAL
    label: str  # the table row label as printed
    heading: ZoneItem | None


@dataclass(frozen=True, slots=True)
class Layout:
    """Everything the solvers need about one region, in index form."""

    region_id: str
    sections: tuple[Section, ...]
    tokens: tuple[ZoneItem, ...]  # programme amounts in text order
    labels: tuple[ZoneItem, ...]  # area labels in text order
    markers: tuple[ZoneItem, ...]  # "Funding requirement (in USD)" lines: one per programme box
    events: dict[int, int]  # line index of a label or amount -> its rank among them
    token_nominal: tuple[int, ...]  # the section the nearest heading before an amount gives
    marker_nominal: tuple[int, ...]
    label_boxed: tuple[bool, ...]  # a box line stands next to the label
    marker_unfilled: tuple[bool, ...]  # no amount follows the box before the next item
    marker_label: tuple[int | None, ...]  # the label heading the box, if one stands next to it
    token_text: tuple[tuple[int, int], ...]  # [start, end) of the programme text after an amount
    label_text: tuple[tuple[int, int], ...]
    token_mentions: tuple[frozenset[int], ...]  # sections whose country the text names
    table: TableText
    ink: dict[int, int]  # line index of a table or zone item -> how many text lines precede it
    prose: dict[int, int]  # line index of a zone item -> how many lines of programme text precede it

    def value(self, k: int) -> int:
        return amount_value(self.tokens[k].value)

    def lines_apart(self, a: int, b: int) -> int:
        """How many lines of text lie between two items' lines: blank lines do not count, so an
        exporter that writes none, or more, changes no distance."""
        return abs(self.ink[a] - self.ink[b])

    def prose_apart(self, a: int, b: int) -> int:
        """How many lines of programme text lie between two zone items: the items' own lines
        (headings, box lines, labels, amounts) do not count, so a heading or a box line that an
        edition leaves out, or prints twice, changes no distance (nor do furniture or blank lines)."""
        return abs(self.prose[a] - self.prose[b])


def table_and_zone_to_layout(
    region_id: str,
    table: TableText,
    zone: ZoneText,
    lines: tuple[Line, ...],
    gaz: Gazetteer,
    sorted_as: dict[str, str] | None = None,
) -> Layout:
    """Order the sections, rank the items, read what follows each and give each its nominal section
    (`sorted_as`: a section whose heading is not printed goes in the alphabet by this name of its
    country rather than by its table row's)."""
    sections = _ordered_sections(table, zone, sorted_as or {})
    items = zone.items
    tokens = tuple(i for i in items if i.kind == "amount")
    labels = tuple(i for i in items if i.kind == "label")
    boxes = tuple(i for i in items if i.kind == "marker")
    ranked = sorted(tokens + labels, key=lambda i: i.index)
    first = min([zone.start, *(x.index for x in table.labels), *(x.index for x in table.amounts)])
    ink = _ink(lines, first, zone.end)
    prose = _ink(
        lines, zone.start, zone.end, frozenset(i for item in items for i in range(item.index, item.index + item.span))
    )
    follows = _following(items, zone.end, lines)
    token_text = tuple(follows[t.index] for t in tokens)
    label_text = tuple(follows[lab.index] for lab in labels)
    names = _Names(sections, gaz)
    token_mentions = tuple(names.in_text(lines, span) for span in token_text)
    starts = _starts(sections, tokens, token_mentions, items)
    claims = _box_labels(items)
    boxed = set(claims.values())
    label_at = {lab.index: n for n, lab in enumerate(labels)}
    return Layout(
        region_id=region_id,
        sections=sections,
        tokens=tokens,
        labels=labels,
        markers=boxes,
        events={item.index: rank for rank, item in enumerate(ranked)},
        token_nominal=tuple(_nominal(t.index, starts) for t in tokens),
        marker_nominal=tuple(_nominal(b.index, starts) for b in boxes),
        label_boxed=tuple(lab.index in boxed for lab in labels),
        marker_unfilled=tuple(_unfilled(b, items) for b in boxes),
        marker_label=tuple(label_at.get(claims.get(b.index, -1)) for b in boxes),
        token_text=token_text,
        label_text=label_text,
        token_mentions=token_mentions,
        table=table,
        ink=ink,
        prose=prose,
    )


def amount_value(value: Amount | None) -> int:
    """USD of an amount; a funded programme requests nothing."""
    return 0 if value is None or value == FUNDED else int(value)


def _ordered_sections(table: TableText, zone: ZoneText, sorted_as: dict[str, str]) -> tuple[Section, ...]:
    """The region's sections in the order the text prints them: by their headings; a section whose
    heading is not printed goes where its name falls among the others when they stand in
    alphabetical order (a report lists its countries alphabetically), else after the table row
    before it that has a heading."""
    headings = {h.section: h for h in zone.items if h.kind == "heading" and h.section}
    rows: list[TableLabel] = []
    seen: set[str] = set()
    for label in table.countries():
        if label.key not in seen:
            seen.add(label.key)
            rows.append(label)
    order = [Section(r.key, r.text, headings[r.key]) for r in rows if r.key in headings]
    order.sort(key=lambda s: s.heading.index if s.heading else -1)
    if not any(s.key == REGIONAL for s in order):
        regional = next((r for r in rows if r.key == REGIONAL), None)
        if regional is not None:
            order.insert(0, Section(REGIONAL, regional.text, None))
    countries = [_sort_key(s.heading.text if s.heading else s.label) for s in order if s.key != REGIONAL]
    inversions = sum(a > b for a, b in itertools.pairwise(countries))
    alphabetical = inversions <= max(1, len(countries) // 10)  # a renamed country printed where its old name was
    for n, row in enumerate(rows):
        if row.key in headings or row.key == REGIONAL:
            continue
        keys = [s.key for s in order]
        if alphabetical:
            # after the last section before it in the alphabet, among those printed in alphabetical
            # order: a country printed under another name ("Kosovo" listed as "UNSC resolution 1244-
            # administered Kosovo") is out of that order and places nothing
            names = [_sort_key(s.heading.text if s.heading else s.label) for s in order]
            below = [m for m in _in_order(names, order) if names[m] < _sort_key(sorted_as.get(row.key, row.text))]
            first = next((m for m, s in enumerate(order) if s.key != REGIONAL), len(order))
            at = below[-1] + 1 if below else first
        else:
            before = [r.key for r in rows[:n] if r.key in headings or r.key == REGIONAL]
            at = keys.index(before[-1]) + 1 if before else len(order)
        order.insert(at, Section(row.key, row.text, None))
    return tuple(order)


def _in_order(keys: list[str], order: list[Section]) -> list[int]:
    """The longest run of country sections (not necessarily adjacent) whose names stand in
    alphabetical order: their indices."""
    members = [m for m, s in enumerate(order) if s.key != REGIONAL]
    best: dict[int, list[int]] = {}
    for m in members:
        longest = max((best[p] for p in best if keys[p] <= keys[m]), key=len, default=[])
        best[m] = [*longest, m]
    return max(best.values(), key=len, default=[])


def _sort_key(label: str) -> str:
    """A name as an alphabetical list orders it: no case, no accents."""
    folded = unicodedata.normalize("NFKD", normalize(strip_heading(label)))
    return "".join(c for c in folded if not unicodedata.combining(c))


def _starts(
    sections: tuple[Section, ...],
    tokens: tuple[ZoneItem, ...],
    mentions: tuple[frozenset[int], ...],
    items: tuple[ZoneItem, ...] = (),
) -> list[tuple[int, int]]:
    """Where each section starts in the text: its heading; with none, the box of the first amount
    after the previous section's start whose text names its country and not the previous one's;
    failing that, the first box whose area comes no later in the areas' order than the box before
    it (a section prints its boxes in that order, each area once)."""
    starts: list[tuple[int, int]] = []
    boxes = sorted((i for i in items if i.kind in ("label", "marker", "amount")), key=lambda i: i.index)
    for n, section in enumerate(sections):
        if section.heading is not None:
            starts.append((section.heading.index, n))
            continue
        after = starts[-1][0] if starts else -1
        limit = next((s.heading.index for s in sections[n + 1 :] if s.heading is not None), None)
        inside = [k for k, t in enumerate(tokens) if t.index > after and (limit is None or t.index < limit)]
        named = next((k for k in inside if _names_only_few(mentions[k], n)), None)
        if named is not None:
            starts.append((_box_start(boxes, tokens[named].index), n))
            continue
        reset = _area_reset(boxes, after, limit)
        if reset is not None and after >= 0:
            starts.append((reset, n))
    starts.sort()
    return starts


def _names_only_few(mentions: frozenset[int], n: int) -> bool:
    """A text naming section n's country, not the previous section's, and few others: a regional
    programme's text that lists the countries it reaches ("... Austria, Belgium, Italy and Spain")
    starts no country's section (the same rule as the prices' `NAMED_MANY`)."""
    return n in mentions and (n - 1) not in mentions and len(mentions) < NAMED_MANY


def _box_start(boxes: list[ZoneItem], index: int) -> int:
    """The first line of the box an amount closes: its label and box line printed just above it."""
    at = next(n for n, item in enumerate(boxes) if item.index == index)
    start = index
    for item in reversed(boxes[max(0, at - 2) : at]):
        if item.kind == "amount":
            break
        start = item.index
        if item.kind == "label":
            break
    return start


def _area_reset(boxes: list[ZoneItem], after: int, limit: int | None) -> int | None:
    """The first area label, between two lines, whose area comes no later than the label's before it."""
    order = {a: n for n, a in enumerate(area_order())}
    previous: int | None = None
    for item in boxes:
        if item.kind != "label" or item.index <= after or (limit is not None and item.index >= limit):
            continue
        rank = min(order.get(a, 0) for a in item.areas)
        if previous is not None and rank <= previous:
            return item.index
        previous = rank
    return None


def _nominal(index: int, starts: list[tuple[int, int]]) -> int:
    section = 0
    for start, n in starts:
        if start <= index:
            section = n
    return section


def _ink(lines: tuple[Line, ...], start: int, end: int, skip: frozenset[int] = frozenset()) -> dict[int, int]:
    """Line index -> the number of non-blank lines from `start` up to it (not counting `skip`)."""
    out = {}
    count = 0
    for i in range(start, end + 1):
        out[i] = count
        if i < len(lines) and i not in skip and lines[i].text.strip():
            count += 1
    return out


def _following(items: tuple[ZoneItem, ...], end: int, lines: tuple[Line, ...]) -> dict[int, tuple[int, int]]:
    """For each item, the lines between it and the next item (at most TEXT_REACH text lines)."""
    out: dict[int, tuple[int, int]] = {}
    ordered = sorted(items, key=lambda i: i.index)
    for n, item in enumerate(ordered):
        start = item.index + item.span
        stop = ordered[n + 1].index if n + 1 < len(ordered) else end
        reach, i = 0, start
        while i < stop and reach < TEXT_REACH:
            reach += bool(lines[i].text.strip())
            i += 1
        out[item.index] = (start, max(start, i))
    return out


def _box_labels(items: tuple[ZoneItem, ...]) -> dict[int, int]:
    """Box line -> the label heading it: the label just before it, else the one just after."""
    ordered = [i for i in sorted(items, key=lambda i: i.index) if i.kind != "heading"]
    claims: dict[int, int] = {}
    for n, item in enumerate(ordered):
        if item.kind != "marker":
            continue
        before = ordered[n - 1] if n else None
        after = ordered[n + 1] if n + 1 < len(ordered) else None
        if before is not None and before.kind == "label" and before.index not in claims.values():
            claims[item.index] = before.index
        elif after is not None and after.kind == "label":
            claims[item.index] = after.index
    return claims


def _unfilled(marker: ZoneItem, items: tuple[ZoneItem, ...]) -> bool:
    following = next((i for i in items if i.index > marker.index), None)
    return following is None or following.kind != "amount"


class _Names:
    """Which sections' countries a stretch of text names ("the Government of Japan")."""

    def __init__(self, sections: tuple[Section, ...], gaz: Gazetteer) -> None:
        self.names: dict[str, int] = {}
        for n, section in enumerate(sections):
            if section.key == REGIONAL:
                continue
            for key, iso3 in gaz.country_keys.items():
                if iso3 == section.key:
                    self.names[key] = n
            self.names[normalize(section.label)] = n
        ordered = sorted(self.names, key=len, reverse=True)
        alternation = "|".join(regex.escape(k) for k in ordered)
        # a name, or its demonym made by a suffix: "Moldovan", "Georgian", "Burundian", "Sudanese"
        self.pattern = regex.compile(rf"(?<![\w-])({alternation})(?:ese|ian|an|n)?(?![\w-])") if ordered else None

    def in_text(self, lines: tuple[Line, ...], span: tuple[int, int]) -> frozenset[int]:
        if self.pattern is None:
            return frozenset()
        text = normalize(" ".join(lines[i].text for i in range(*span)))
        return frozenset(self.names[m.group(1)] for m in self.pattern.finditer(text))
