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

import itertools
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
    NAMED_MANY,
    NAMED_ONLY,
    OFF_ROW,
    TABLE_LINE,
    TABLE_LINE_CAP,
    UNPRINTED,
)
from etl.resolve.solver import Expr, Model, Outcome, Var
from etl.segment.lexicon import FUNDED, MAX_USD, NAME_LINES
from etl.source import SourceRef

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
    """One integer program: the table's rows paired with their printed amounts, each amount's
    section, their sums equal (relaxed: a box printing no amount may hold a difference)."""
    m = _SectionModel(layout, unit, relaxed)
    m.pair_table()
    m.add_table_sums()
    m.choose_sections()
    if relaxed:
        m.allow_unprinted(single)
    m.add_section_sums(single)
    for assignment in exclude:
        m.exclude(assignment)
    return m.solved(time_limit)


class _SectionModel:
    """The program of `_solve`, built in named steps. Variables: `p[label, amount]` (a table row's
    printed amount), `lost[amount]` (a total whose label is lost), `x[amount, section]` (each
    programme amount's section), `unprinted[box, section]` (what a box printing no amount lacks),
    `gaps` (relaxed: a sum's difference, priced)."""

    def __init__(self, layout: Layout, unit: int, relaxed: bool) -> None:
        self.m = Model()
        self.layout, self.unit, self.relaxed = layout, unit, relaxed
        self.K = len(layout.tokens)
        self.value = [layout.value(k) // unit for k in range(self.K)]
        self.worth = [amount_value(a.value) // unit for a in layout.table.amounts]
        self.bound = sum(self.worth) + sum(self.value) + 1
        self.options = section_options(layout)
        self.groups = table_groups(layout)
        self.p: dict[tuple[int, int], Var] = {}
        self.lost: dict[int, Var] = {}
        self.x: dict[tuple[int, int], Var] = {}
        self.unprinted: dict[tuple[int, int], Var | Expr] = {}  # (box, section) -> what the box lacks
        self.gaps: dict[str, Var] = {}
        self.total: Expr | None = None

    def row(self, key: str) -> Expr:
        """A table row's amount: the one printed amount paired with it."""
        amounts = range(len(self.layout.table.amounts))
        return self.m.sum(
            self.worth[t] * self.p[i, t] for i in self.groups.get(key, []) for t in amounts if (i, t) in self.p
        )

    def equal(self, key: str, left: Expr, right: Expr) -> None:
        """Two sides equal; relaxed, a gap between them priced as a box printing no amount."""
        if self.relaxed:
            self.gaps[key], flag = self.m.gap(left, right, self.bound)
            self.m.cost(UNPRINTED, flag)
        else:
            self.m.add(left == right)

    def pair_table(self) -> None:
        """The table: one amount per row, every printed amount used once (or a lost total's)."""
        m, layout, p = self.m, self.layout, self.p
        labels, amounts = layout.table.labels, layout.table.amounts
        mates = row_mates(layout)
        ranges = _row_ranges(layout, self.options, self.relaxed)
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
        for members in self.groups.values():
            m.exactly_one(p[i, t] for i in members for t in range(len(amounts)) if (i, t) in p)
        for i in range(len(labels)):
            m.at_most_one(p[i, t] for t in range(len(amounts)) if (i, t) in p)
        self.lost = lost = _lost_totals(m, layout, self.worth)
        for t in range(len(amounts)):
            m.exactly_one([*(p[i, t] for i in range(len(labels)) if (i, t) in p), *([lost[t]] if t in lost else [])])

    def add_table_sums(self) -> None:
        """The table's own sums: countries and areas each add up to the total."""
        m, groups = self.m, self.groups
        total_keys = sorted(k for k in groups if k.startswith("total:"))
        self.total = total = self.row(total_keys[0]) if total_keys else None
        for t, var in self.lost.items():
            if total is not None:
                m.add(total >= self.worth[t] * var)  # what stands for a lost total is the total
        if total is not None:
            for extra in total_keys[1:]:
                self.equal(f"table:{extra}", self.row(extra), total)
            self.equal("table:countries", m.sum(self.row(k) for k in groups if k.startswith("row:")), total)
            self.equal("table:areas", m.sum(self.row(k) for k in groups if k.startswith("area:")), total)

    def choose_sections(self) -> None:
        """Each amount stays in its nominal section or moves next door, at a price."""
        for k, choices in enumerate(self.options):
            for s, price in choices.items():
                self.x[k, s] = var = self.m.boolean()
                self.m.cost(price, var)
            self.m.exactly_one(self.x[k, s] for s in choices)

    def allow_unprinted(self, single: int | None) -> None:
        """Relaxed: a box whose amount is printed nowhere holds the difference (reported, not output);
        `single`: exactly one box, lacking that much."""
        m, layout, bound = self.m, self.layout, self.bound
        flags = []
        for b, unfilled in enumerate(layout.marker_unfilled):
            if not unfilled:
                continue
            nominal = layout.marker_nominal[b]
            for s in reach(layout, nominal):
                flag = m.boolean()
                if single is not None:
                    self.unprinted[b, s] = single * flag
                else:
                    self.unprinted[b, s] = var = m.integer(0, bound)
                    m.add(var <= bound * flag)
                    m.add(var >= flag)
                m.cost(UNPRINTED + (0 if s == nominal else ASTRAY), flag)
                flags.append(flag)
        if single is not None:
            m.add(m.sum(flags) == 1)
        else:
            m.add(m.sum(flags) <= MAX_UNPRINTED)
        if self.total is not None:  # what the boxes lack is what the total lacks: redundant, it guides the search
            m.add(m.sum(self.unprinted.values()) == self.total - sum(self.value))

    def add_section_sums(self, single: int | None) -> None:
        """A section's amounts (and what its empty boxes lack) add up to its table row."""
        m, x, K = self.m, self.x, self.K
        for s, section in enumerate(self.layout.sections):
            # a section holds one programme per area at most
            m.add(m.sum(x[k, s] for k in range(K) if (k, s) in x) <= len(area_order()))
            got = m.sum(self.value[k] * x[k, s] for k in range(K) if (k, s) in x)
            boxes = [var for (b, bs), var in self.unprinted.items() if bs == s]
            if self.relaxed and single is None:
                # the table row itself may be misprinted: a gap no box explains, priced above a box
                key = f"section:{section.key}"
                self.gaps[key], flag = m.gap(got + m.sum(boxes), self.row(f"row:{section.key}"), self.bound)
                m.cost(UNPRINTED + MISPRINTED, flag)
            else:
                m.add(got + m.sum(boxes) == self.row(f"row:{section.key}"))

    def exclude(self, assignment: tuple[int, ...]) -> None:
        """Not this assignment of amounts to sections again (the search for another answer)."""
        self.m.add(self.m.sum(self.x[k, s] for k, s in enumerate(assignment) if (k, s) in self.x) <= self.K - 1)

    def solved(self, time_limit: float) -> SectionPlan:
        m, layout, unit = self.m, self.layout, self.unit
        outcome = m.solve(time_limit)
        if not outcome.solved:
            return SectionPlan(outcome, (), {}, {}, unit, {})
        token_section = tuple(
            next(
                (s for s in range(len(layout.sections)) if (k, s) in self.x and m.true(self.x[k, s])),
                layout.token_nominal[k],
            )
            for k in range(self.K)
        )
        chosen = {i: t for (i, t), var in self.p.items() if m.true(var)}
        found = {key: m.value(var) * unit for key, var in self.gaps.items() if m.value(var)}
        lacks = {key: m.value(var) for key, var in self.unprinted.items()}
        found.update({f"box:{b}": v * unit for (b, _), v in lacks.items() if v})
        box_section = {b: s for (b, s), v in lacks.items() if v}
        spare = tuple(t for t, var in self.lost.items() if m.true(var))
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
    """Table labels and amounts printed as one row: ("label", i) -> t and ("amount", t) -> i.

    In a PDF, a label and the amount on its row of the page. In text, a label whose lines run
    straight into an amount's line, with a blank line after it: an export that writes a row's
    cells one under the other, rows apart (the 2015 text never prints a label and an amount on
    consecutive lines: its rows are out of step, and nothing of this applies to it)."""
    mates: dict[tuple[str, int], int] = {}
    amounts = layout.table.amounts
    for i, label in enumerate(layout.table.labels):
        on_row = [t for t, amount in enumerate(amounts) if _same_row(label.ref, amount.ref)]
        if on_row:  # the nearest to its right: the next table's amounts share the row further right
            t = min(on_row, key=lambda t: amounts[t].ref.bbox[0])  # type: ignore[index]
            mates[("label", i)] = t
            mates[("amount", t)] = i
    if not mates:
        mates = _text_rows(layout)
    return mates


def _text_rows(layout: Layout) -> dict[tuple[str, int], int]:
    """A text table's rows written as label lines, the amount's line right under them, a blank line."""
    mates: dict[tuple[str, int], int] = {}
    items = sorted(
        [(lab.index, "label", i) for i, lab in enumerate(layout.table.labels)]
        + [(a.index, "amount", t) for t, a in enumerate(layout.table.amounts)]
    )
    ink = layout.ink
    for (at, kind, i), (then, next_kind, t) in itertools.pairwise(items):
        if kind != "label" or next_kind != "amount" or then - at > NAME_LINES:
            continue
        unbroken = ink.get(then, -1) - ink.get(at, 0) == then - at  # no blank line within the row
        blank_after = then + 2 not in ink or ink[then + 2] == ink[then + 1]
        if unbroken and blank_after:
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
        ranges[section.key] = (lo, MAX_USD if relaxed else hi)  # relaxed: a row may be misprinted
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
