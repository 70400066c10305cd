"""A region's resolution -> its figures, each with its place and the evidence that fixed it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from etl.gazetteer import load_gazetteer
from etl.resolve.areas import Choice, label_sections
from etl.resolve.layout import Layout, amount_value
from etl.resolve.prices import TEXT_WEIGHT
from etl.resolve.region import Resolution, final_sections
from etl.segment.lexicon import FUNDED, Amount, format_amount, strip_heading
from etl.segment.table import TableAmount, TableLabel, TableText
from etl.segment.zone import REGIONAL, target_populations
from etl.source import Line, SourceRef

CONFIDENT_TEXT = 2 * TEXT_WEIGHT  # text doubt below this many points: "its text is about the area"


@dataclass(frozen=True, slots=True)
class TableFigure:
    kind: str  # country, regional, area, total
    key: str  # ISO3, "regional", area id, "total"
    label: str
    label_ref: SourceRef
    value: Amount
    amount_ref: SourceRef
    evidence: str


@dataclass(frozen=True, slots=True)
class ProgrammeFigure:
    section: str  # ISO3 or "regional"
    section_label: str
    area_id: str
    area_label: str | None
    status: str  # amount, funded, missing
    value: int | None
    description: str
    populations: tuple[str, ...]
    source_ref: SourceRef
    label_ref: SourceRef | None
    evidence: str


@dataclass(frozen=True, slots=True)
class RegionFigures:
    region_id: str
    region_label: str
    name_ref: SourceRef
    rows: tuple[TableFigure, ...]  # countries and the regional-programmes row, in section order
    areas: tuple[TableFigure, ...]
    totals: tuple[TableFigure, ...]
    programmes: tuple[ProgrammeFigure, ...]
    unresolved: str | None  # why the solvers gave up, if they did
    resolution: str  # optimal, time_bound or unbalanced (see Resolution.state)
    lost_totals: tuple[SourceRef, ...] = ()  # a column's total printed again, its label not read
    unresolved_ref: SourceRef | None = None  # where to look first when unresolved (else the title)
    timed_out: bool = False  # unresolved at the time bound: a longer --time-limit may find a pairing


def resolution_to_figures(
    res: Resolution,
    region_label: str,
    name_ref: SourceRef,
    lines: tuple[Line, ...],
    listed: frozenset[str] = frozenset(),
) -> RegionFigures:
    """Name every figure of a resolved region and say what fixed it."""
    layout, plan, cells = res.layout, res.plan, res.cells
    if not res.solved:
        reason = res.failure or "no pairing found"
        empty = RegionFigures(layout.region_id, region_label, name_ref, (), (), (), (), reason, "unresolved")
        return replace(empty, unresolved_ref=res.failure_ref, timed_out=res.timed_out)
    section_index = {s.key: n for n, s in enumerate(layout.sections)}
    section_of = final_sections(plan, cells)
    members: dict[int, list[int]] = {}
    for k, s in enumerate(section_of):
        members.setdefault(s, []).append(k)
    sums = {layout.sections[s].key: sum(layout.value(k) for k in ks) for s, ks in members.items()}
    lacking = {plan.box_section[b]: v for b, v in plan.unprinted().items()}
    table = layout.table
    area_sums: dict[str, tuple[int, int]] = {}
    for k, a in cells.token_area.items():
        total, count = area_sums.get(a, (0, 0))
        area_sums[a] = (total + layout.value(k), count + 1)
    rows, areas, totals = _table_figures(
        table, _totals_in_order({**plan.table_amount, **cells.area_amount}, table), section_index, members, sums,
        lacking, area_sums,
    )  # fmt: skip

    spare = _spare_labels(res, section_of)
    programmes = [
        _programme(
            layout, k, section_of[k], cells.token_area[k], cells.choice[k], res.token_box.get(k), lines, listed,
            spare.get(k),
        )
        for k in sorted(cells.token_area, key=lambda k: (section_of[k], layout.tokens[k].index))
    ]  # fmt: skip
    for missing in res.missing:
        programmes.append(
            _missing_programme(
                layout, missing.section, missing.area, missing.label, missing.box, missing.lacking, lines, listed
            )
        )
    programmes.sort(key=lambda p: (section_index[p.section], p.source_ref.line or 0))
    return RegionFigures(
        layout.region_id,
        region_label,
        name_ref,
        tuple(f for _, f in rows),
        tuple(areas),
        tuple(totals),
        tuple(programmes),
        None,
        res.state,
        tuple(table.amounts[t].ref for t in plan.lost_totals),
    )


def _table_figures(
    table: TableText,
    pairs: dict[int, int],
    section_index: dict[str, int],
    members: dict[int, list[int]],
    sums: dict[str, int],
    lacking: dict[int, int],
    area_sums: dict[str, tuple[int, int]],
) -> tuple[list[tuple[int, TableFigure]], list[TableFigure], list[TableFigure]]:
    """The table's rows (with their section's index), area rows and totals, each with what fixed it."""
    rows, areas, totals = [], [], []
    for i, label in enumerate(table.labels):
        if i not in pairs:
            continue  # a repeated label (a chart legend) that took no amount
        amount = table.amounts[pairs[i]]
        reasons = [_adjacency(label, amount, table.labels, table.amounts)]
        if label.kind in ("country", "regional"):
            s = section_index[label.key]
            reasons.append(_row_reason(amount.value, len(members.get(s, [])), sums.get(label.key, 0), lacking.get(s)))
            figure = TableFigure(
                label.kind, label.key, label.text, label.ref, amount.value, amount.ref, "; ".join(reasons)
            )
            rows.append((s, figure))
        elif label.kind == "area":
            total, count = area_sums.get(label.key, (0, 0))
            if amount.value == FUNDED and total == 0:
                reasons.append("its programmes are all funded")
            elif amount_value(amount.value) == total:
                reasons.append(f"its {count} programme amounts across the sections add up to it")
            else:
                reasons.append(f"its {count} programme amounts across the sections add up to {format_amount(total)}")
            areas.append(
                TableFigure("area", label.key, label.text, label.ref, amount.value, amount.ref, "; ".join(reasons))
            )
        else:
            reasons.append("the largest printed figure of the table, printed for both columns")
            totals.append(
                TableFigure("total", "total", label.text, label.ref, amount.value, amount.ref, "; ".join(reasons))
            )
    rows.sort(key=lambda pair: pair[0])
    return rows, areas, totals


def _row_reason(value: Amount, count: int, added: int, lacking: int | None) -> str:
    """How a country's (or the regional) row stands to its section's programme amounts."""
    if lacking is not None:
        return (
            f"its section's {count} printed amounts add up to {format_amount(added)}, "
            f"{format_amount(lacking)} short: one box prints no amount"
        )
    if value == FUNDED and added == 0:
        return f"its section's {count} programmes are all funded"
    if amount_value(value) == added:
        return f"its section's {count} programme amounts add up to it"
    return f"its section's {count} programme amounts add up to {format_amount(added)}, not to it"


def _totals_in_order(pairs: dict[int, int], table: TableText) -> dict[int, int]:
    """The table's total printed twice (one per column) is the same figure either way: the first
    total label takes the first printed total, so the pairing does not hang on a solver's tie."""
    labels = sorted(i for i in pairs if table.labels[i].kind == "total")
    amounts = sorted((pairs[i] for i in labels), key=lambda t: table.amounts[t].index)
    if len({table.amounts[t].value for t in amounts}) > 1:
        return pairs
    return {**pairs, **dict(zip(labels, amounts, strict=True))}


def _adjacency(
    label: TableLabel, amount: TableAmount, labels: tuple[TableLabel, ...], amounts: tuple[TableAmount, ...]
) -> str:
    lo, hi = sorted((label.index, amount.index))
    between = [a for a in amounts if lo < a.index < hi]
    if amount.index > label.index and not between:
        return f"printed next to its label ({label.ref})"
    return f"printed at {amount.ref}, away from its label ({label.ref}): paired by the sums"


def _section_label(layout: Layout, s: int) -> str:
    section = layout.sections[s]
    return strip_heading(section.heading.text) if section.heading is not None else section.label


def _boxed_label(layout: Layout, choice: Choice, box: int | None, area: str) -> int | None:
    """The label of the amount's box, when no label near the amount names its area and the box's does."""
    boxed = layout.marker_label[box] if box is not None else None
    if choice.label is None and boxed is not None and area in layout.labels[boxed].areas:
        return boxed
    return None


def _spare_labels(res: Resolution, section_of: tuple[int, ...]) -> dict[int, int]:
    """Amounts that no label names (none near them, nor their box's) -> a label by elimination:
    a label naming the amount's area among those no other amount or missing programme took that
    stands by the amount's section, the nearest pairs first. A label and its amount printed
    further apart than a pairing's reach, or a box line between them left out, still find each
    other; the sums placed the amount, the label only names it."""
    layout, cells = res.layout, res.cells
    taken = {m.label for m in res.missing if m.label is not None}
    open_: list[int] = []
    for k, choice in cells.choice.items():
        n = (
            choice.label
            if choice.label is not None
            else _boxed_label(layout, choice, res.token_box.get(k), cells.token_area[k])
        )
        if n is None:
            open_.append(k)
        else:
            taken.add(n)
    if not open_:
        return {}
    # a label stands by the sections of the amounts around it, or by the next or the one before
    # (two columns print a section's first box before its heading, or its last after the next one's)
    natural = [{t for s in near for t in (s - 1, s, s + 1)} for near in label_sections(layout, section_of)]
    free = [n for n in range(len(layout.labels)) if n not in taken]
    options = {
        k: [n for n in free if cells.token_area[k] in layout.labels[n].areas and section_of[k] in natural[n]]
        for k in open_
    }
    # the nearest pairs first, each amount and label once: where one label could name two amounts
    # (or one amount take two labels), the nearer one takes it
    pairs = sorted(
        (abs(layout.tokens[k].index - layout.labels[n].index), k, n) for k, found in options.items() for n in found
    )
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, k, n in pairs:
        if k not in out and n not in used:
            out[k] = n
            used.add(n)
    return out


def _programme(
    layout: Layout,
    k: int,
    s: int,
    area: str,
    choice: Choice,
    box: int | None,
    lines: tuple[Line, ...],
    listed: frozenset[str],
    spare: int | None = None,
) -> ProgrammeFigure:
    token = layout.tokens[k]
    label = layout.labels[choice.label] if choice.label is not None else None
    reasons = []
    boxed = _boxed_label(layout, choice, box, area)
    if boxed is not None:
        label = layout.labels[boxed]
        reasons.append(f"its box, label '{label.text}' at {label.ref}, is printed apart from the amount")
    elif label is None and spare is not None:
        label = layout.labels[spare]
        reasons.append(
            f"label '{label.text}' at {label.ref}, the nearest label by its section naming its area that no other"
            " amount took"
        )
    elif label is not None:
        gap = abs(layout.events[token.index] - layout.events[label.index]) - 1
        where = (
            "just above it"
            if gap == 0 and label.index < token.index
            else (f"{gap} item(s) {'before' if label.index < token.index else 'after'} it")
        )
        reasons.append(f"label '{label.text}' at {label.ref}, {where}")
    else:
        reasons.append("no label names its area nearby: the area totals place it")
    if choice.text_cost <= CONFIDENT_TEXT:
        reasons.append(f"its text is about {load_gazetteer().area_names[area].lower()}")
    nominal = layout.token_nominal[k]
    if nominal != s:
        direction = "before its section's heading" if nominal < s else "under the next section's heading"
        reasons.append(f"printed {direction}: placed by the section sums")
    reasons.append("section and area sums hold")
    description, populations = _text(layout.token_text[k], lines, listed)
    value = None if token.value == FUNDED else int(token.value) if token.value is not None else None
    return ProgrammeFigure(
        section=layout.sections[s].key,
        section_label=_section_label(layout, s),
        area_id=area,
        area_label=label.text if label is not None else None,
        status="funded" if token.value == FUNDED else "amount",
        value=value,
        description=description,
        populations=populations,
        source_ref=token.ref,
        label_ref=label.ref if label is not None else None,
        evidence="; ".join(reasons),
    )


def _missing_programme(
    layout: Layout,
    s: int,
    area: str,
    n: int | None,
    box: int | None,
    lacking: int | None,
    lines: tuple[Line, ...],
    listed: frozenset[str],
) -> ProgrammeFigure:
    label = layout.labels[n] if n is not None else None
    marker = layout.markers[box] if box is not None else None
    ref = label.ref if label is not None else marker.ref if marker is not None else layout.tokens[0].ref
    span = layout.label_text[n] if n is not None else (marker.index + 1, marker.index + 40) if marker else (0, 0)
    description, populations = _text(span, lines, listed)
    if lacking is not None:
        evidence = f"the box prints no amount; its section adds up to {format_amount(lacking)} less than its table row"
    else:
        evidence = "the box prints no amount and no printed amount can go to it without breaking the sums"
    return ProgrammeFigure(
        section=layout.sections[s].key,
        section_label=_section_label(layout, s),
        area_id=area,
        area_label=label.text if label is not None else None,
        status="missing",
        value=None,
        description=description,
        populations=populations,
        source_ref=ref,
        label_ref=label.ref if label is not None else None,
        evidence=evidence,
    )


def _text(span: tuple[int, int], lines: tuple[Line, ...], listed: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    """The description (lines up to "Target populations") and the target populations."""
    start, end = span
    found = target_populations(lines, start, end, listed)
    stop = found[1] if found else end
    description = " ".join(line.text.strip() for line in lines[start:stop] if line.text.strip())
    return description, found[0] if found else ()


__all__ = ["REGIONAL", "ProgrammeFigure", "RegionFigures", "TableFigure", "resolution_to_figures"]
