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

from etl.gazetteer import AREA_ORDER
from etl.resolve.layout import Layout, amount_value
from etl.resolve.sections import SectionPlan, table_groups
from etl.resolve.solver import Model, Outcome, Var
from etl.segment.lexicon import FUNDED

PAIR_STEP = 10  # per label or amount between a label and the amount paired with it
PAIR_AFTER = 8  # the label comes after its amount
PAIR_LINES = 20  # one unit per this many lines between them (capped)
PAIR_WINDOW = 6  # farthest label (in items) an amount may be paired with
UNLABELLED = 45  # an amount that takes an area no nearby label names
TEXT_WEIGHT = 20  # per nat of the text model's doubt that the text is about the area
TEXT_CAP = 200
TABLE_LINE = 1
TABLE_LINE_CAP = 40
GAP = 100_000  # relaxed model only: an area whose programmes do not add up to its row


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
    choice: dict[int, Choice] = field(default_factory=dict)  # amount -> evidence of its area
    area_amount: dict[int, int] = field(default_factory=dict)  # table area label -> table amount
    unprinted_area: dict[int, str] = field(default_factory=dict)  # box -> area of its unprinted amount
    gaps: dict[str, int] = field(default_factory=dict)


def label_sections(layout: Layout, section_of: tuple[int, ...]) -> list[set[int]]:
    """The sections a label may belong to: those of the amounts just before and after it."""
    ranks = [layout.events[t.index] for t in layout.tokens]
    out = []
    for label in layout.labels:
        rank = layout.events[label.index]
        before = max((k for k in range(len(ranks)) if ranks[k] < rank), default=None)
        after = min((k for k in range(len(ranks)) if ranks[k] > rank), default=None)
        out.append({section_of[k] for k in (before, after) if k is not None})
    return out


def choices(layout: Layout, section_of: tuple[int, ...], text: list[dict[str, float]]) -> dict[tuple[int, str], Choice]:
    """The price of each (amount, area): the nearest label naming the area, and the text."""
    natural = label_sections(layout, section_of)
    ranks = [layout.events[t.index] for t in layout.tokens]
    label_ranks = [layout.events[lab.index] for lab in layout.labels]
    out: dict[tuple[int, str], Choice] = {}
    for k, token in enumerate(layout.tokens):
        for a in AREA_ORDER:
            best, who = UNLABELLED, None
            for n, label in enumerate(layout.labels):
                step = ranks[k] - label_ranks[n]
                if abs(step) > PAIR_WINDOW or a not in label.areas or section_of[k] not in natural[n]:
                    continue
                lines = min(abs(token.index - label.index), 200) // PAIR_LINES
                cost = PAIR_STEP * (abs(step) - 1) + (PAIR_AFTER if step < 0 else 0) + lines
                if cost < best:
                    best, who = cost, n
            doubt = min(int(TEXT_WEIGHT * -text[k][a]), TEXT_CAP)
            out[k, a] = Choice(who, best, doubt)
    return out


def sections_to_cells(layout: Layout, plan: SectionPlan, text: list[dict[str, float]], time_limit: float) -> CellPlan:
    """Solve stage 2 with exact area sums, else with the fewest areas that miss."""
    cells = _solve(layout, plan, text, time_limit, relaxed=False)
    if cells.outcome.status == "INFEASIBLE":
        cells = _solve(layout, plan, text, time_limit, relaxed=True)
    return cells


def _solve(
    layout: Layout, plan: SectionPlan, text: list[dict[str, float]], time_limit: float, relaxed: bool
) -> CellPlan:
    m = Model()
    unit = plan.unit
    K = len(layout.tokens)
    section_of = plan.token_section
    table = layout.table
    groups = {key: members for key, members in table_groups(layout).items() if key.startswith("area:")}
    area_labels = [i for members in groups.values() for i in members]
    area_amounts = sorted({t for i, t in plan.table_amount.items() if table.labels[i].kind == "area"})
    present = [key.removeprefix("area:") for key in groups]

    # --- which printed area amount is which area row
    ap: dict[tuple[int, int], Var] = {}
    for i in area_labels:
        for t in area_amounts:
            ap[i, t] = var = m.boolean()
            m.cost(TABLE_LINE * min(abs(table.labels[i].index - table.amounts[t].index), TABLE_LINE_CAP), var)
    for members in groups.values():
        m.exactly_one(ap[i, t] for i in members for t in area_amounts)
    for i in area_labels:
        m.at_most_one(ap[i, t] for t in area_amounts)
    for t in area_amounts:
        m.exactly_one(ap[i, t] for i in area_labels)

    # --- each amount's area, and the area of each box whose amount is printed nowhere
    priced = choices(layout, section_of, text)
    z: dict[tuple[int, str], Var] = {}
    for k in range(K):
        funded = layout.tokens[k].value == FUNDED
        options = []
        for a in AREA_ORDER:
            if a in present or funded:
                z[k, a] = var = m.boolean()
                options.append(var)
                m.cost(priced[k, a].label_cost + priced[k, a].text_cost, var)
        m.exactly_one(options)
    boxes = plan.unprinted()
    unprinted: dict[tuple[int, str], Var] = {}
    for b in boxes:
        m.exactly_one(unprinted.setdefault((b, a), m.boolean()) for a in present)
    for s in range(len(layout.sections)):
        members = [k for k in range(K) if section_of[k] == s]
        for a in AREA_ORDER:
            cell = [z[k, a] for k in members if (k, a) in z]
            cell += [unprinted[b, a] for b in boxes if layout.marker_nominal[b] == s and (b, a) in unprinted]
            m.at_most_one(cell)
    bound = (sum(layout.value(k) for k in range(K)) + sum(boxes.values())) // unit + 1
    bound += sum(amount_value(table.amounts[t].value) for t in area_amounts) // unit
    gaps: dict[str, Var] = {}
    for a in AREA_ORDER:
        got = m.sum(layout.value(k) // unit * z[k, a] for k in range(K) if (k, a) in z)
        got += m.sum(amount // unit * unprinted[b, a] for b, amount in boxes.items() if (b, a) in unprinted)
        target = m.sum(
            amount_value(table.amounts[t].value) // unit * ap[i, t]
            for i in groups.get(f"area:{a}", [])
            for t in area_amounts
        )
        if relaxed:
            gaps[a], flag = m.gap(got, target, bound, a)
            m.cost(GAP, flag)
        else:
            m.add(got == target)

    outcome = m.solve(time_limit)
    out = CellPlan(outcome)
    if not outcome.solved:
        return out
    out.token_area = {k: a for (k, a), var in z.items() if m.true(var)}
    out.choice = {k: priced[k, a] for k, a in out.token_area.items()}
    out.area_amount = {i: t for (i, t), var in ap.items() if m.true(var)}
    out.unprinted_area = {b: a for (b, a), var in unprinted.items() if m.true(var)}
    out.gaps = {f"area:{a}": m.value(var) * unit for a, var in gaps.items() if m.value(var)}
    return out
