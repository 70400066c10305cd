"""Stage 1: a region's layout -> its table rows and the section of every programme amount.

Decided together, as one integer program:
- each table label's amount (every row gets one, every printed amount is used once);
- each programme amount's section: the one its nearest heading gives, or a neighbouring
  one at a price that grows with how deep inside its nominal section the amount sits
  (two columns of a page interleave the end of one section with the start of the next).
The report's own sums are hard: each section's amounts add up to its table row, the
country rows and the area rows to the total. Only if no pairing satisfies them all is a
relaxed model solved, in which a box may hold an amount printed nowhere, or the table may
not add up; those gaps are reported, never filled in. If even that fails within its time
bound, the lenient plan pairs by position and value alone and lets the checks report every
sum that does not hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from etl.gazetteer import area_order
from etl.resolve.layout import Layout, amount_value
from etl.resolve.prices import (
    ASTRAY,
    DEPTH,
    LENIENT_MISMATCH,
    LOST_TOTAL,
    MISPRINTED,
    NAMED,
    NAMED_ONLY,
    OFF_ROW,
    TABLE_LINE,
    TABLE_LINE_CAP,
    UNPRINTED,
)
from etl.resolve.solver import Expr, Model, Outcome, Var
from etl.segment.lexicon import FUNDED
from etl.source import SourceRef

NAMED_MANY = 3  # a text that names this many of the region's countries is about the region: no evidence
MAX_UNPRINTED = 3  # boxes the relaxed model may leave without a printed amount
RELAXED_LIMIT = 5.0  # seconds for the relaxed model before the lenient plan
TOTALS_PRINTED = 2  # a table prints its total under each of its two columns


@dataclass(frozen=True, slots=True)
class SectionPlan:
    outcome: Outcome
    token_section: tuple[int, ...]
    table_amount: dict[int, int]  # table label -> table amount
    gaps: dict[str, int]  # "table:..." -> table value minus sum; "box:N" -> amount box N lacks
    unit: int
    box_section: dict[int, int]  # box N -> the section whose sum it lacks
    lenient: bool = False  # the sums could not be met: paired by position and value only
    lost_totals: tuple[int, ...] = ()  # table amounts that are a column's total whose label was not read

    def section_gap(self, key: str) -> int:
        """What a section's table row says beyond its programmes and boxes (0 when it adds up)."""
        return self.gaps.get(f"section:{key}", 0)

    def unprinted(self) -> dict[int, int]:
        """Boxes whose amount the report prints nowhere, with what their section lacks."""
        return {int(k[4:]): v for k, v in self.gaps.items() if k.startswith("box:")}


def group_key(kind: str, key: str, n_total: int) -> str:
    if kind == "total":
        return f"total:{n_total}"
    if kind == "area":
        return f"area:{key}"
    return f"row:{key}"


def table_groups(layout: Layout) -> dict[str, list[int]]:
    """Table labels that stand for the same row (a legend repeats an area label, for one)."""
    groups: dict[str, list[int]] = {}
    totals = 0
    for i, label in enumerate(layout.table.labels):
        groups.setdefault(group_key(label.kind, label.key, totals), []).append(i)
        totals += label.kind == "total"
    return groups


def layout_to_sections(
    layout: Layout, unit: int, time_limit: float, exclude: Sequence[tuple[int, ...]] = ()
) -> SectionPlan:
    """Solve stage 1 with exact sums, or, if the report does not add up, with the fewest gaps."""
    printed = sum(layout.value(k) for k in range(len(layout.tokens)))
    totals = {amount_value(a.value) for a in layout.table.amounts}
    if printed in totals:  # else the programmes cannot add up to any total: skip to the relaxed model
        plan = _solve(layout, unit, time_limit, exclude, relaxed=False)
        if plan.outcome.status != "INFEASIBLE":
            return plan
    short = max(totals, default=0) - printed
    if short > 0:  # most often one box lacks all the total lacks: a far smaller model, tried first
        plan = _solve(layout, unit, time_limit, exclude, relaxed=True, single=short // unit)
        if plan.outcome.status != "INFEASIBLE":
            return plan
    plan = _solve(layout, unit, min(time_limit, RELAXED_LIMIT), exclude, relaxed=True)
    if plan.outcome.solved:
        return plan
    return lenient_sections(layout, unit, time_limit)


def lenient_sections(layout: Layout, unit: int, time_limit: float) -> SectionPlan:
    """No pairing meets the sums: every amount stays where the text puts it, and each table
    label takes the printed amount nearest to it, preferring for a country row the amount its
    section adds up to. Every sum that fails is then a reported mismatch, nothing is forced."""
    options = section_options(layout)
    token_section = tuple(min(o, key=lambda s: (o[s], s)) for o in options)
    sums: dict[str, int] = {}
    for k, s in enumerate(token_section):
        key = layout.sections[s].key
        sums[key] = sums.get(key, 0) + layout.value(k)
    labels, amounts = layout.table.labels, layout.table.amounts
    top = max((amount_value(a.value) for a in amounts), default=0)
    m = Model()
    p: dict[tuple[int, int], Var] = {}
    mates = row_mates(layout)
    for i, label in enumerate(labels):
        for t, amount in enumerate(amounts):
            value = amount_value(amount.value)
            price = table_price(i, t, layout, mates)
            if label.kind in ("country", "regional"):
                # the amount its section adds up to, or the nearest in value: a misprinted row stays close
                expected = sums.get(label.key, 0)
                price += round(LENIENT_MISMATCH * min(1.0, abs(value - expected) / max(expected, 1)))
            if label.kind == "total" and value != top:
                price += LENIENT_MISMATCH
            p[i, t] = var = m.fraction()  # a transportation problem: its LP optimum is whole
            m.cost(price, var)
    for members in table_groups(layout).values():
        m.exactly_one(p[i, t] for i in members for t in range(len(amounts)))
    for i in range(len(labels)):
        m.at_most_one(p[i, t] for t in range(len(amounts)))
    for t in range(len(amounts)):
        m.at_most_one(p[i, t] for i in range(len(labels)))
    outcome = m.solve(time_limit)
    chosen = {i: t for (i, t), var in p.items() if outcome.solved and m.true(var)}
    gaps = {}
    for i, t in chosen.items():
        label = labels[i]
        if label.kind in ("country", "regional"):
            gap = amount_value(amounts[t].value) - sums.get(label.key, 0)
            if gap:
                gaps[f"section:{label.key}"] = gap
    return SectionPlan(outcome, token_section, chosen, gaps, unit, {}, lenient=True)


def _solve(
    layout: Layout,
    unit: int,
    time_limit: float,
    exclude: Sequence[tuple[int, ...]],
    relaxed: bool,
    single: int | None = None,
) -> SectionPlan:
    m = Model()
    K = len(layout.tokens)
    value = [layout.value(k) // unit for k in range(K)]
    labels, amounts = layout.table.labels, layout.table.amounts
    worth = [amount_value(a.value) // unit for a in amounts]
    bound = sum(worth) + sum(value) + 1

    # --- table: one amount per row, every printed amount used once
    p: dict[tuple[int, int], Var] = {}
    mates = row_mates(layout)
    options = section_options(layout)
    ranges = _row_ranges(layout, options, relaxed)
    for i, label in enumerate(labels):
        for t, amount in enumerate(amounts):
            if label.kind == "total" and amount.value == FUNDED:
                continue
            if label.kind in ("country", "regional"):
                lo, hi = ranges.get(label.key, (0, 0))
                if not lo <= amount_value(amount.value) <= hi:
                    continue  # no choice of its section's amounts can add up to this
            p[i, t] = var = m.boolean()
            m.cost(table_price(i, t, layout, mates), var)
    groups = table_groups(layout)
    for members in groups.values():
        m.exactly_one(p[i, t] for i in members for t in range(len(amounts)) if (i, t) in p)
    for i in range(len(labels)):
        m.at_most_one(p[i, t] for t in range(len(amounts)) if (i, t) in p)
    lost = _lost_totals(m, layout, worth)
    for t in range(len(amounts)):
        m.exactly_one([*(p[i, t] for i in range(len(labels)) if (i, t) in p), *([lost[t]] if t in lost else [])])

    def row(key: str) -> Expr:
        return m.sum(worth[t] * p[i, t] for i in groups.get(key, []) for t in range(len(amounts)) if (i, t) in p)

    gaps: dict[str, Var] = {}

    def equal(key: str, left: Expr, right: Expr) -> None:
        if relaxed:
            gaps[key], flag = m.gap(left, right, bound)
            m.cost(UNPRINTED, flag)
        else:
            m.add(left == right)

    total_keys = sorted(k for k in groups if k.startswith("total:"))
    total = row(total_keys[0]) if total_keys else None
    for t, var in lost.items():
        if total is not None:
            m.add(total >= worth[t] * var)  # what stands for a lost total is the total
    if total is not None:
        for extra in total_keys[1:]:
            equal(f"table:{extra}", row(extra), total)
        equal("table:countries", m.sum(row(k) for k in groups if k.startswith("row:")), total)
        equal("table:areas", m.sum(row(k) for k in groups if k.startswith("area:")), total)

    # --- sections: each amount stays in its nominal section or moves next door, at a price
    x: dict[tuple[int, int], Var] = {}
    for k, choices in enumerate(options):
        for s, price in choices.items():
            x[k, s] = var = m.boolean()
            m.cost(price, var)
        m.exactly_one(x[k, s] for s in choices)

    # --- relaxed: a box whose amount is printed nowhere holds the difference (reported, not output)
    unprinted: dict[tuple[int, int], Var | Expr] = {}  # (box, section) -> what the box lacks
    if relaxed:
        flags = []
        for b, unfilled in enumerate(layout.marker_unfilled):
            if not unfilled:
                continue
            nominal = layout.marker_nominal[b]
            for s in reach(layout, nominal):
                flag = m.boolean()
                if single is not None:
                    unprinted[b, s] = single * flag
                else:
                    unprinted[b, s] = var = m.integer(0, bound)
                    m.add(var <= bound * flag)
                    m.add(var >= flag)
                m.cost(UNPRINTED + (0 if s == nominal else ASTRAY), flag)
                flags.append(flag)
        if single is not None:
            m.add(m.sum(flags) == 1)
        else:
            m.add(m.sum(flags) <= MAX_UNPRINTED)
        if total is not None:  # what the boxes lack is what the total lacks: redundant, it guides the search
            m.add(m.sum(unprinted.values()) == total - sum(value))
    for s, section in enumerate(layout.sections):
        # a section holds one programme per area at most
        m.add(m.sum(x[k, s] for k in range(K) if (k, s) in x) <= len(area_order()))
        got = m.sum(value[k] * x[k, s] for k in range(K) if (k, s) in x)
        boxes = [var for (b, bs), var in unprinted.items() if bs == s]
        if relaxed and single is None:
            # the table row itself may be misprinted: a gap no box explains, priced above a box
            gaps[f"section:{section.key}"], flag = m.gap(got + m.sum(boxes), row(f"row:{section.key}"), bound)
            m.cost(UNPRINTED + MISPRINTED, flag)
        else:
            m.add(got + m.sum(boxes) == row(f"row:{section.key}"))
    for assignment in exclude:
        m.add(m.sum(x[k, s] for k, s in enumerate(assignment) if (k, s) in x) <= K - 1)

    outcome = m.solve(time_limit)
    if not outcome.solved:
        return SectionPlan(outcome, (), {}, {}, unit, {})
    token_section = tuple(
        next((s for s in range(len(layout.sections)) if (k, s) in x and m.true(x[k, s])), layout.token_nominal[k])
        for k in range(K)
    )
    chosen = {i: t for (i, t), var in p.items() if m.true(var)}
    found = {key: m.value(var) * unit for key, var in gaps.items() if m.value(var)}
    lacks = {key: m.value(var) for key, var in unprinted.items()}
    found.update({f"box:{b}": v * unit for (b, _), v in lacks.items() if v})
    box_section = {b: s for (b, s), v in lacks.items() if v}
    spare = tuple(t for t, var in lost.items() if m.true(var))
    return SectionPlan(outcome, token_section, chosen, found, unit, box_section, lost_totals=spare)


def _lost_totals(m: Model, layout: Layout, worth: list[int]) -> dict[int, Var]:
    """A table whose 'Total funding requirement' label is read under one column only still prints
    the total under the other: the amounts that may be it (the largest), one of them at most per
    label not read. Nothing is added for it: it is the total again."""
    missing = TOTALS_PRINTED - sum(label.kind == "total" for label in layout.table.labels)
    top = max(worth, default=0)
    if missing <= 0 or not top:
        return {}
    lost = {t: m.boolean() for t, w in enumerate(worth) if w == top}
    for var in lost.values():
        m.cost(LOST_TOTAL, var)
    m.add(m.sum(lost.values()) <= missing)
    return lost


def row_mates(layout: Layout) -> dict[tuple[str, int], int]:
    """Table labels and amounts printed on one row of a page (a PDF's table: the text path has no
    rows): ("label", i) -> t and ("amount", t) -> i."""
    mates: dict[tuple[str, int], int] = {}
    amounts = layout.table.amounts
    for i, label in enumerate(layout.table.labels):
        on_row = [t for t, amount in enumerate(amounts) if _same_row(label.ref, amount.ref)]
        if on_row:  # the nearest to its right: the next table's amounts share the row further right
            t = min(on_row, key=lambda t: amounts[t].ref.bbox[0])  # type: ignore[index]
            mates[("label", i)] = t
            mates[("amount", t)] = i
    return mates


def _same_row(a: SourceRef, b: SourceRef) -> bool:
    return (
        a.page is not None
        and a.page == b.page
        and a.bbox is not None
        and b.bbox is not None
        and abs(a.bbox[1] - b.bbox[1]) < 2.0
        and a.bbox[2] < b.bbox[0]
    )


def table_price(i: int, t: int, layout: Layout, mates: dict[tuple[str, int], int]) -> int:
    """Pairing table label i with amount t: the lines between them; nothing for a label and the
    amount on its row, and OFF_ROW for breaking up a row."""
    if mates.get(("label", i)) == t:
        return 0
    label, amount = layout.table.labels[i], layout.table.amounts[t]
    price = TABLE_LINE * min(layout.lines_apart(label.index, amount.index), TABLE_LINE_CAP)
    price += OFF_ROW * ((("label", i) in mates) + (("amount", t) in mates))
    return price


def _row_ranges(layout: Layout, options: list[dict[int, int]], relaxed: bool) -> dict[str, tuple[int, int]]:
    """The least and most a section's amounts can add up to, given where each amount may go."""
    ranges = {}
    for s, section in enumerate(layout.sections):
        lo = sum(layout.value(k) for k, o in enumerate(options) if set(o) == {s})
        hi = sum(layout.value(k) for k, o in enumerate(options) if s in o)
        ranges[section.key] = (lo, 10**15 if relaxed else hi)
    return ranges


def section_options(layout: Layout) -> list[dict[int, int]]:
    """For each amount, the sections it may belong to and the price of each.

    Its nominal section is free; a neighbouring one costs more the deeper inside its nominal
    section the amount sits, and is out of reach from DEPTH amounts in, unless it is a section
    whose heading is not printed: where that starts, only the sums can tell. Text that names one of
    them pays most of the way there.
    """
    out = []
    for k, (before, after) in enumerate(_depths(layout)):
        nominal = layout.token_nominal[k]
        options = {}
        for s in reach(layout, nominal):
            depth = after if s > nominal else before
            headless = layout.sections[s].heading is None or layout.sections[nominal].heading is None
            if s != nominal and depth >= DEPTH and not headless:
                continue
            options[s] = ASTRAY * (1 + depth) if s != nominal else 0
        out.append(named_discount(options, layout.token_mentions[k]))
    return out


def named_discount(options: dict[int, int], named: frozenset[int]) -> dict[int, int]:
    """Text naming just one of the candidate sections' countries is strong evidence for it; naming
    several, weak evidence for each; naming many of the region's countries, none (a regional
    programme lists the countries it reaches)."""
    if len(named) >= NAMED_MANY:
        return options
    hits = [s for s in options if s in named]
    bonus = NAMED_ONLY if len(hits) == 1 else NAMED
    return {s: price - (bonus if s in hits else 0) for s, price in options.items()}


def reach(layout: Layout, nominal: int) -> list[int]:
    """The nominal section and its neighbours; past a section with no heading, one further."""
    S = len(layout.sections)
    out = [nominal]
    for step in (-1, 1):
        s = nominal + step
        while 0 <= s < S:
            out.append(s)
            if layout.sections[s].heading is not None:
                break
            s += step
    return sorted(out)


def _depths(layout: Layout) -> list[tuple[int, int]]:
    """For each amount: how many amounts of its nominal section come before it and after it."""
    order: dict[int, list[int]] = {}
    for k, n in enumerate(layout.token_nominal):
        order.setdefault(n, []).append(k)
    out = [(0, 0)] * len(layout.tokens)
    for members in order.values():
        for j, k in enumerate(members):
            out[k] = (j, len(members) - 1 - j)
    return out
