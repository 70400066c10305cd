"""Stage 2: sections known -> the programmatic area of every programme amount.

One integer program per region: each amount takes one area; a section has at most one
amount per area; the amounts of an area, over all the region's sections, add up to the
table's area row (which printed area amount is which row is decided here too). What an
amount prefers is priced: the area of a label just before it, and what its text is about
(a model learnt from the report's own clean boxes). The sums decide first; the prices only
choose among pairings that add up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.gazetteer import area_order
from etl.resolve.layout import Layout, amount_value
from etl.resolve.prices import (
    ASTRAY,
    FUNDED_AROUND,
    GAP,
    MISSING,
    PAIR_AFTER,
    PAIR_STEP,
    PAIR_WINDOW,
    TEXT_CAP,
    TEXT_WEIGHT,
    UNLABELLED,
)
from etl.resolve.sections import (
    RELAXED_LIMIT,
    SectionPlan,
    named_discount,
    reach,
    row_mates,
    section_options,
    table_groups,
    table_price,
)
from etl.resolve.solver import Model, Outcome, Var
from etl.segment.lexicon import FUNDED

PAIR_LINES = 20  # one unit per this many lines between them (capped)


@dataclass(frozen=True, slots=True)
class Choice:
    """What an amount-area pairing rests on."""

    label: int | None  # the label naming the area, if one is near
    label_cost: int
    text_cost: int


@dataclass(slots=True)
class CellPlan:
    outcome: Outcome
    token_area: dict[int, str] = field(default_factory=dict)
    token_section: dict[int, int] = field(default_factory=dict)  # final: "Funded" amounts may move here
    choice: dict[int, Choice] = field(default_factory=dict)  # amount -> evidence of its area
    area_amount: dict[int, int] = field(default_factory=dict)  # table area label -> table amount
    unprinted: dict[int, tuple[int, str]] = field(default_factory=dict)  # gap -> (box, area) printing no amount
    gaps: dict[str, int] = field(default_factory=dict)


def label_sections(layout: Layout, section_of: tuple[int, ...]) -> list[set[int]]:
    """The sections a label may belong to: those the amounts just before and after it are in,
    or that their headings would put them in, and a section next to those whose heading is not
    printed (where it starts, nothing but the sums tells), unless the section after it prints its
    heading above the label."""
    ranks = [layout.events[t.index] for t in layout.tokens]
    out = []
    for label in layout.labels:
        rank = layout.events[label.index]
        before = max((k for k in range(len(ranks)) if ranks[k] < rank), default=None)
        after = min((k for k in range(len(ranks)) if ranks[k] > rank), default=None)
        near = [k for k in (before, after) if k is not None]
        found = {section_of[k] for k in near} | {layout.token_nominal[k] for k in near}
        headless = {n for s in found for n in (s - 1, s + 1) if 0 <= n < len(layout.sections)}
        # not the section before one whose heading is printed above the label: the sections go in
        # their order, so a section whose heading is not printed ends before that heading
        found |= {
            n for n in headless if layout.sections[n].heading is None and not _headed_before(layout, n + 1, label.index)
        }
        out.append(found)
    return out


def _headed_before(layout: Layout, s: int, index: int) -> bool:
    """Section s prints its heading before line `index`."""
    heading = layout.sections[s].heading if s < len(layout.sections) else None
    return heading is not None and heading.index < index


def candidate_sections(layout: Layout, section_of: tuple[int, ...]) -> list[dict[int, int]]:
    """The sections each amount may take here. The section sums stay constraints, so an amount
    may still trade places with another of equal weight, at stage 1's prices. A "Funded" amount
    weighs nothing: it may join, at no price, its heading's section or the section of the amounts
    printed around it (stage 1 has placed those); a neighbouring one costs a step."""
    options = section_options(layout)
    weights: dict[int, set[int]] = {}  # section -> the values of its amounts
    for k, s in enumerate(section_of):
        weights.setdefault(s, set()).add(layout.value(k))
    out = []
    for k in range(len(layout.tokens)):
        # a weighty amount can only trade places with one of the same value
        free = layout.value(k) == 0
        chosen = {
            s: p for s, p in options[k].items() if free or s == section_of[k] or layout.value(k) in weights.get(s, ())
        }
        chosen.setdefault(section_of[k], 0)
        if layout.value(k) == 0:
            weighty = [j for j in range(len(layout.tokens)) if layout.value(j)]
            before = max((j for j in weighty if j < k), default=None)
            after = min((j for j in weighty if j > k), default=None)
            around = {section_of[j] for j in (before, after) if j is not None} | {layout.token_nominal[k]}
            nominal = layout.token_nominal[k]
            prices = {s: 0 if s == nominal else FUNDED_AROUND if s in around else ASTRAY for s in set(chosen) | around}
            chosen = named_discount(prices, layout.token_mentions[k])
        out.append(chosen)
    return out


def choices(
    layout: Layout, section_of: tuple[int, ...], sections: list[dict[int, int]], text: list[dict[str, float]]
) -> dict[tuple[int, int, str], Choice]:
    """The price of each (amount, section, area): the nearest label naming the area, and the text."""
    natural = label_sections(layout, section_of)
    ranks = [layout.events[t.index] for t in layout.tokens]
    label_ranks = [layout.events[lab.index] for lab in layout.labels]
    out: dict[tuple[int, int, str], Choice] = {}
    for k, token in enumerate(layout.tokens):
        near = []  # (cost, label) of the labels within reach, cheapest first
        for n, label in enumerate(layout.labels):
            step = ranks[k] - label_ranks[n]
            if abs(step) <= PAIR_WINDOW:
                lines = min(layout.prose_apart(token.index, label.index), 200) // PAIR_LINES
                near.append((PAIR_STEP * (abs(step) - 1) + (PAIR_AFTER if step < 0 else 0) + lines, n))
        near.sort()
        for s in sections[k]:
            for a in area_order():
                best, who = UNLABELLED, None
                for cost, n in near:
                    if cost >= best:
                        break
                    if a in layout.labels[n].areas and s in natural[n]:
                        best, who = cost, n
                        break
                doubt = min(int(TEXT_WEIGHT * -text[k][a]), TEXT_CAP)
                out[k, s, a] = Choice(who, best, doubt)
    return out


def sections_to_cells(layout: Layout, plan: SectionPlan, text: list[dict[str, float]], time_limit: float) -> CellPlan:
    """Solve stage 2 with exact area sums, else with the fewest areas that miss, else leniently:
    by labels and text alone, every area sum that fails left to the checks to report."""
    if plan.lenient:
        return _solve(layout, plan, text, time_limit, relaxed=True, lenient=True)
    cells = _solve(layout, plan, text, time_limit, relaxed=False)
    if not cells.outcome.solved:
        cells = _solve(layout, plan, text, min(time_limit, RELAXED_LIMIT), relaxed=True)
    if not cells.outcome.solved:
        cells = _solve(layout, plan, text, time_limit, relaxed=True, lenient=True)
    return cells


def _solve(
    layout: Layout,
    plan: SectionPlan,
    text: list[dict[str, float]],
    time_limit: float,
    relaxed: bool,
    lenient: bool = False,
) -> CellPlan:
    """One integer program: every amount's area, the table's area rows, the boxes printing none."""
    m = _AreaModel(layout, plan, text, lenient)
    m.pair_area_rows()
    m.choose_areas()
    m.place_unprinted()
    m.one_amount_a_cell()
    if not lenient:
        m.keep_section_sums()
    m.price_missing_boxes()
    if not lenient:
        m.add_area_sums(relaxed)
    return m.solved(time_limit)


class _AreaModel:
    """The program of `_solve`, built in named steps. Variables: `ap[label, amount]` (which printed
    area amount is which area row), `z[amount, section, area]` (each amount's section and area),
    `unprinted[gap, box, area]` (which empty box an amount printed nowhere is, and its area)."""

    def __init__(self, layout: Layout, plan: SectionPlan, text: list[dict[str, float]], lenient: bool) -> None:
        self.m = Model()
        self.layout, self.plan, self.unit = layout, plan, plan.unit
        self.groups = {k: members for k, members in table_groups(layout).items() if k.startswith("area:")}
        self.area_labels = [i for members in self.groups.values() for i in members]
        table = layout.table
        self.area_amounts = sorted({t for i, t in plan.table_amount.items() if table.labels[i].kind == "area"})
        self.present = [key.removeprefix("area:") for key in self.groups]
        self.sections = (
            [{s: 0} for s in plan.token_section] if lenient else candidate_sections(layout, plan.token_section)
        )
        self.priced = choices(layout, plan.token_section, self.sections, text)
        self.gaps_by_box = plan.unprinted()
        self.ap: dict[tuple[int, int], Var] = {}
        self.z: dict[tuple[int, int, str], Var] = {}
        self.unprinted: dict[tuple[int, int, str], Var] = {}
        self.gaps: dict[str, Var] = {}

    def pair_area_rows(self) -> None:
        """Which printed area amount is which area row of the table."""
        m, layout = self.m, self.layout
        mates = row_mates(layout)
        for i in self.area_labels:
            for t in self.area_amounts:
                self.ap[i, t] = var = m.boolean()
                m.cost(table_price(i, t, layout, mates), var)
        for members in self.groups.values():
            m.exactly_one(self.ap[i, t] for i in members for t in self.area_amounts)
        for i in self.area_labels:
            m.at_most_one(self.ap[i, t] for t in self.area_amounts)
        for t in self.area_amounts:
            m.exactly_one(self.ap[i, t] for i in self.area_labels)

    def choose_areas(self) -> None:
        """Each amount's area (and a "Funded" one's section), priced by its label and its text."""
        m, layout, priced = self.m, self.layout, self.priced
        for k in range(len(layout.tokens)):
            funded = layout.tokens[k].value == FUNDED
            own = []
            for s, price in self.sections[k].items():
                for a in area_order():
                    if a in self.present or (funded and priced[k, s, a].label is not None):
                        self.z[k, s, a] = var = m.boolean()
                        m.cost(price + priced[k, s, a].label_cost + priced[k, s, a].text_cost, var)
                        own.append(var)
            m.exactly_one(own)

    def place_unprinted(self) -> None:
        """A box lacking an amount: stage 1 chose the section whose sum it lacks; which of the empty
        boxes there it is, is chosen here with the areas: best one whose own label names the area
        the area sums leave short."""
        m, layout = self.m, self.layout
        for g in self.gaps_by_box:
            s = self.plan.box_section[g]
            own = []
            for c, unfilled in enumerate(layout.marker_unfilled):
                if not unfilled or s not in reach(layout, layout.marker_nominal[c]):
                    continue
                heads = layout.marker_label[c]
                for a in self.present:
                    self.unprinted[g, c, a] = var = m.boolean()
                    named = heads is not None and a in layout.labels[heads].areas
                    m.cost((0 if named else UNLABELLED) + (0 if layout.marker_nominal[c] == s else ASTRAY), var)
                    own.append(var)
            m.exactly_one(own)
        # a box whose label an amount is paired with is not empty
        by_label: dict[int, list[Var]] = {}
        for key, v in self.z.items():
            label = self.priced[key].label
            if label is not None:
                by_label.setdefault(label, []).append(v)
        for (_, c, _), var in self.unprinted.items():
            heads = layout.marker_label[c]
            if heads is not None:
                m.add(var + m.sum(by_label.get(heads, [])) <= 1)

    def one_amount_a_cell(self) -> None:
        """A section has at most one amount per area."""
        cells: dict[tuple[int, str], list[Var]] = {}
        for (_, s, a), var in self.z.items():
            cells.setdefault((s, a), []).append(var)
        for (g, _, a), var in self.unprinted.items():
            cells.setdefault((self.plan.box_section[g], a), []).append(var)
        for cell in cells.values():
            self.m.at_most_one(cell)

    def keep_section_sums(self) -> None:
        """The section sums stage 1 settled stay exact."""
        m, layout, plan, unit = self.m, self.layout, self.plan, self.unit
        lacking = {s: 0 for s in range(len(layout.sections))}
        for g, amount in self.gaps_by_box.items():
            lacking[plan.box_section[g]] += amount
        rows = _row_values(layout, plan)
        for s, section in enumerate(layout.sections):
            got = m.sum(layout.value(k) // unit * var for (k, ss, _), var in self.z.items() if ss == s)
            m.add(got + lacking[s] // unit == (rows[section.key] - plan.section_gap(section.key)) // unit)

    def price_missing_boxes(self) -> None:
        """A box whose cell no amount reaches is missing: rare, so priced."""
        m, layout, plan = self.m, self.layout, self.plan
        natural = label_sections(layout, plan.token_section)
        cells: dict[tuple[int, str], list[Var]] = {}  # (section, area) -> its amounts' and empty boxes' variables
        for (_, s, a), var in self.z.items():
            cells.setdefault((s, a), []).append(var)
        for (g, _, a), var in self.unprinted.items():
            cells.setdefault((plan.box_section[g], a), []).append(var)
        for n, label in enumerate(layout.labels):
            if not layout.label_boxed[n]:
                continue
            near = [var for s in natural[n] for a in label.areas for var in cells.get((s, a), [])]
            missing = m.boolean()
            m.add(m.sum(near) + missing >= 1)
            m.cost(MISSING, missing)

    def add_area_sums(self, relaxed: bool) -> None:
        """The amounts of an area, over all the region's sections, add up to the table's area row
        (relaxed: a priced gap where they do not)."""
        m, layout, unit, table = self.m, self.layout, self.unit, self.layout.table
        bound = (sum(layout.value(k) for k in range(len(layout.tokens))) + sum(self.gaps_by_box.values())) // unit + 1
        bound += sum(amount_value(table.amounts[t].value) for t in self.area_amounts) // unit
        for a in area_order():
            got = m.sum(layout.value(k) // unit * var for (k, _, area), var in self.z.items() if area == a)
            got += m.sum(self.gaps_by_box[g] // unit * var for (g, _, area), var in self.unprinted.items() if area == a)
            target = m.sum(
                amount_value(table.amounts[t].value) // unit * self.ap[i, t]
                for i in self.groups.get(f"area:{a}", [])
                for t in self.area_amounts
            )
            if relaxed:
                self.gaps[a], flag = m.gap(got, target, bound)
                m.cost(GAP, flag)
            else:
                m.add(got == target)

    def solved(self, time_limit: float) -> CellPlan:
        m = self.m
        outcome = m.solve(time_limit)
        out = CellPlan(outcome)
        if not outcome.solved:
            return out
        chosen = [(k, s, a) for (k, s, a), var in self.z.items() if m.true(var)]
        out.token_area = {k: a for k, _, a in chosen}
        out.token_section = {k: s for k, s, _ in chosen}
        out.choice = {k: self.priced[k, s, a] for k, s, a in chosen}
        out.area_amount = {i: t for (i, t), var in self.ap.items() if m.true(var)}
        out.unprinted = {g: (c, a) for (g, c, a), var in self.unprinted.items() if m.true(var)}
        out.gaps = {f"area:{a}": m.value(var) * self.unit for a, var in self.gaps.items() if m.value(var)}
        return out


def _row_values(layout: Layout, plan: SectionPlan) -> dict[str, int]:
    """Each section's table row, as stage 1 paired it."""
    out = {}
    for i, t in plan.table_amount.items():
        label = layout.table.labels[i]
        if label.kind in ("country", "regional"):
            out[label.key] = amount_value(layout.table.amounts[t].value)
    return out
