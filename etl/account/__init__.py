"""A document, its segments and its figures -> an account of every line read: its role, and every
amount-shaped token that became no figure, with the reason.

Nothing read is silently dropped: each line of a report is a table's heading, label or amount, a
programme's heading, label, box line, amount, text or target populations, a multiregional
heading or text, page furniture, or text outside every region (the foreword, a region's
introduction, the back matter). Every amount-shaped token (a number alone on a line, digits with
thousands separators in a line of text, "Funded") is a figure of the fact tables or an unread
amount with its reason (a page number, a percentage, a year, an amount in prose, outside any
region...). A number alone on a line inside a region's table or programme sections that is
neither is `unaccounted`: the build stops naming its line.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import regex

from etl.errors import Unaccounted
from etl.resolve import Reading, segments_to_reading
from etl.resolve.figures import RegionFigures
from etl.resolve.multiregional import InitiativeFigure
from etl.segment import RegionSegment, Segments
from etl.segment.lexicon import NAME_LINES, is_target_populations, parse_amount, population_lines
from etl.segment.project import ProjectSheet
from etl.source import Document, Line
from schemas.types import LineRole

Role = LineRole
ROLES: tuple[Role, ...] = Role.__args__  # type: ignore[attr-defined]

_NUMBER_LINE = regex.compile(r"^\s*(?:\d[\d,.]*%?|\(\d[\d,.]*\))\s*$")
_IN_TEXT = regex.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})+(?![\d,])")
_PERCENT = regex.compile(r"^\s*[\d.,]+\s*%\s*$")
_YEAR = regex.compile(r"^\s*(?:19|20)\d\d\s*$")
_SMALL_NUMBER = regex.compile(r"^\s*\d{1,4}\s*$")


@dataclass(frozen=True, slots=True)
class LineAccount:
    index: int  # 0-based position in the document's lines
    role: Role
    region_id: str | None = None
    section_id: str | None = None  # ISO3 or "regional" in a region's sections; a multiregional group's name


@dataclass(frozen=True, slots=True)
class UnreadAmount:
    index: int
    position: int  # where the token starts in the line's text
    text: str
    reason: str
    region_id: str | None = None


@dataclass(frozen=True, slots=True)
class Account:
    lines: tuple[LineAccount, ...]
    unread: tuple[UnreadAmount, ...]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for line in self.lines:
            out[line.role] = out.get(line.role, 0) + 1
        return out


def appeal_to_account(
    doc: Document,
    segments: Segments,
    regions: Iterable[RegionFigures],
    initiatives: Iterable[InitiativeFigure],
    reading: Reading | None = None,
) -> Account:
    """Give every line of an appeal its role, and account for every amount-shaped token."""
    roles: dict[int, LineAccount] = {}
    first_region = min((r.where.table[0] for r in segments.regions), default=len(doc.lines))
    reading = reading or segments_to_reading(doc, segments)
    for region in segments.regions:
        _region_roles(doc, region, reading.lines, reading.listed, roles)
    part = segments.multiregional
    if part is not None:
        for i in range(part.start, part.end):
            roles[i] = LineAccount(i, "multiregional_heading" if i < _part_body(part) else "multiregional_text")
        for h in part.headings:
            for k in range(h.index, h.index + h.span):
                if k in part.furniture:
                    continue  # page furniture inside a title carried over a page break
                roles[k] = LineAccount(k, "multiregional_heading", section_id=h.text if h.kind == "group" else None)
    out = []
    for i, line in enumerate(doc.lines):
        role = roles.get(i)
        if not line.text.strip():
            role = LineAccount(i, "blank", *(_where(role)))
        elif i in segments.furniture.page_numbers and _is_text(role):
            role = LineAccount(i, "page_number", *(_where(role)))
        elif segments.is_running(i, line.text) and _is_text(role):
            role = LineAccount(i, "running_header", *(_where(role)))
        elif role is None:
            following = _next_region(segments, i)
            if i < first_region:
                role = LineAccount(i, "front_matter")
            elif following is None:
                role = LineAccount(i, "back_matter")  # after the last region: its annexes, the back matter
            else:
                role = LineAccount(i, "region_intro", following)
        out.append(role)
    return Account(tuple(out), tuple(_unread(doc, segments, tuple(out), regions, initiatives)))


_TEXT_ROLES = frozenset({"programme_text", "multiregional_text", "table_other", "region_intro", "front_matter"})


def _is_text(role: LineAccount | None) -> bool:
    """No role yet, or only that of text: page furniture may take its place."""
    return role is None or role.role in _TEXT_ROLES


def _where(role: LineAccount | None) -> tuple[str | None, str | None]:
    return (role.region_id, role.section_id) if role is not None else (None, None)


def _part_body(part: object) -> int:
    """The first line after the part's title and its bullet list of groups."""
    headings = getattr(part, "headings", ())
    return min((h.index for h in headings), default=getattr(part, "end", 0))


def _next_region(segments: Segments, i: int) -> str | None:
    """A line between two regions introduces the next one (its strategy, its charts)."""
    return next((r.where.region_id for r in segments.regions if r.where.table[0] > i), None)


def _region_roles(
    doc: Document,
    region: RegionSegment,
    reading: tuple[Line, ...],
    listed: frozenset[str],
    roles: dict[int, LineAccount],
) -> None:
    where = region.where
    rid = where.region_id
    start, end = where.table
    for i in range(start, end):
        roles[i] = LineAccount(i, "table_other", rid)
    for i in where.headings:
        roles[i] = LineAccount(i, "table_heading", rid)
    printed = {amount.index for amount in region.table.amounts}
    for label in region.table.labels:
        for k in range(label.index, _label_lines(doc, label.index, label.text, printed)[-1] + 1):
            roles[k] = LineAccount(k, "table_label", rid)  # an amount printed inside it: below
    for amount in region.table.amounts:
        roles[amount.index] = LineAccount(amount.index, "table_amount", rid)
    for i in where.title:
        roles[i] = LineAccount(i, "region_title", rid)
    zone_start, zone_end = where.zone
    section: str | None = None
    items = {item.index: item for item in region.zone.items}
    starts = sorted(items)
    listing: set[int] = set()  # the lines the programmes' target populations are read from (resolve.figures)
    i = zone_start
    while i < zone_end:
        item = items.get(i)
        text = doc.lines[i].text
        if item is not None:
            if item.kind == "heading":
                section = item.section
            kind = _ITEM_ROLES[item.kind]
            for k in range(i, i + item.span):
                if doc.lines[k].text.strip() and not reading[k].text:
                    continue  # page furniture inside a name printed over a page break: its own role
                roles[k] = LineAccount(k, kind, rid, section)
            i += item.span
            continue
        if is_target_populations(text):
            listing = {i} | set(population_lines(reading, i + 1, _next_item(starts, i, zone_end), listed=listed))
        roles[i] = LineAccount(i, "target_populations" if i in listing else "programme_text", rid, section)
        i += 1


def _next_item(starts: list[int], i: int, end: int) -> int:
    """Where the zone's next item after line i starts (the end of a programme's text)."""
    at = bisect.bisect_right(starts, i)
    return starts[at] if at < len(starts) and starts[at] < end else end


_ITEM_ROLES: dict[str, Role] = {
    "heading": "section_heading",
    "label": "area_label",
    "marker": "box_line",
    "amount": "programme_amount",
}


def _label_lines(doc: Document, index: int, text: str, amounts: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """The lines a table label was read from (a label may run over two or three; its row's amount,
    one of `amounts`, may be printed between them)."""
    out = [index]
    joined = doc.lines[index].text.strip()
    k = index + 1
    while joined != text.strip() and k < len(doc.lines) and len(out) < NAME_LINES:
        if doc.lines[k].text.strip() and k not in amounts:  # a blank line within a name (an exporter's) stays blank
            joined = f"{joined} {doc.lines[k].text.strip()}"
            out.append(k)
        k += 1
    return out


def _unread(
    doc: Document,
    segments: Segments,
    lines: tuple[LineAccount, ...],
    regions: Iterable[RegionFigures],
    initiatives: Iterable[InitiativeFigure],
) -> Iterator[UnreadAmount]:
    regions = tuple(regions)
    figures = _figure_lines(regions)
    unbalanced = {r.region_id for r in regions if r.resolution == "unbalanced"}
    lost_totals = {ref.line - 1 for r in regions for ref in r.lost_totals if ref.line is not None}
    stated = {(f.ref.line, f.value) for f in initiatives if f.value is not None and f.ref.line is not None}
    for i, line in enumerate(doc.lines):
        text = line.text
        role = lines[i]
        if _NUMBER_LINE.match(text) or parse_amount(text) is not None:
            if i in figures or (i + 1, _whole(text)) in stated:
                continue
            reason = _LOST_TOTAL if i in lost_totals else _reason(text, role, unbalanced)
            if reason is None:
                raise Unaccounted(
                    line.ref,
                    f"an amount in the {role.role.replace('_', ' ')} of region {role.region_id!r} that is no figure of"
                    " any table",
                    value=text.strip(),
                    fix="report this as an issue: every amount of a region's table and boxes must become a figure",
                )
            yield UnreadAmount(i, len(text) - len(text.lstrip()), text.strip(), reason, role.region_id)
            continue
        for match in _IN_TEXT.finditer(text):
            value = int(match.group().replace(",", ""))
            if (i + 1, value) in stated:
                continue
            yield UnreadAmount(i, match.start(), match.group(), _prose_reason(role), role.region_id)


_LOST_TOTAL = "the table's total printed again under its other column, whose 'Total' label was not read"


def _whole(text: str) -> int | None:
    """A number alone on a line as whole dollars ("200,000." ends a sentence), if it is one."""
    digits = text.strip().rstrip(".").replace(",", "")
    return int(digits) if digits.isdigit() else None


def _figure_lines(regions: Iterable[RegionFigures]) -> set[int]:
    out: set[int] = set()
    for region in regions:
        for figure in (*region.rows, *region.areas, *region.totals):
            if figure.amount_ref.line is not None:
                out.add(figure.amount_ref.line - 1)
        for programme in region.programmes:
            if programme.status != "missing" and programme.source_ref.line is not None:
                out.add(programme.source_ref.line - 1)
    return out


def _reason(text: str, role: LineAccount, unbalanced: set[str]) -> str | None:
    """Why a number alone on a line is no figure; None when nothing explains it."""
    bare = text.strip().rstrip(".")
    if role.role == "page_number" or (_SMALL_NUMBER.match(bare) and not _YEAR.match(bare)):
        return "page number"
    if _PERCENT.match(text):
        return "percentage (a chart's label)"
    if _YEAR.match(bare):
        return "year"
    if parse_amount(text) is None:
        return "a number that is no whole amount (a decimal, a sentence's last word)"
    if role.role == "table_amount" and role.region_id in unbalanced:
        return "left over: the region's table does not add up, and no row takes it"
    if role.role in ("table_amount", "programme_amount"):
        return None  # a table's or a box's amount must be a figure
    if role.role == "table_other":
        return "printed in a table block but no row of the table"
    if role.region_id is not None and role.role not in ("region_intro",):
        return None
    if role.role == "region_intro":
        return "in a region's introduction (another table: no funding requirement)"
    return "outside any region"


def _prose_reason(role: LineAccount) -> str:
    if role.role in ("multiregional_text", "multiregional_heading"):
        return "in a multiregional sentence beside its figure (a budget, a target of another kind)"
    if role.region_id is not None and role.role != "region_intro":
        return "in a programme's text (prose, not a box's amount)"
    if role.role == "region_intro":
        return "in a region's introduction (prose)"
    return "in prose outside any region"


def project_to_account(doc: Document, sheet: ProjectSheet) -> Account:
    """A project page's lines: the site's menu, the title, the fields' labels and values, the description."""
    out = []
    for i, line in enumerate(doc.lines):
        role: Role
        if not line.text.strip():
            role = "blank"
        elif i in sheet.title_lines:
            role = "project_title"
        elif i < min(sheet.title_lines, default=0):
            role = "project_menu"
        elif i in sheet.label_lines:
            role = "project_field"
        elif i >= sheet.body:
            role = "project_description"
        else:
            role = "project_value"
        out.append(LineAccount(i, role))
    return Account(tuple(out), ())


__all__ = ["ROLES", "Account", "LineAccount", "Role", "UnreadAmount", "appeal_to_account", "project_to_account"]
