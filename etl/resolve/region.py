"""A region's layout -> its resolution: table rows, sections and areas that make the sums hold.

Stage 1 (sections.py) pairs the table and places every amount in a section; stage 2
(areas.py) gives every amount its area. When stage 2 finds that no area pairing adds up
with stage 1's sections, stage 1 is asked for its next-best placement, a few times at most.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

from etl.resolve.areas import CellPlan, sections_to_cells
from etl.resolve.layout import Layout, amount_value
from etl.resolve.prices import BOX_ASTRAY, BOX_MATCH, BOX_OTHER_AREA, BOX_STEP, BOX_WINDOW
from etl.resolve.sections import SectionPlan, layout_to_sections, reach
from etl.resolve.solver import Model, Outcome, Var
from etl.resolve.textmodel import TextModel, text_words
from etl.segment.lexicon import format_amount
from etl.source import Line, SourceRef

ATTEMPTS = 4  # stage-1 placements tried before settling for one whose areas do not add up
BOX_TIME_LIMIT = 10.0


@dataclass(frozen=True, slots=True)
class Missing:
    """A labelled box in a cell no amount reaches: the report prints no amount for it."""

    label: int | None  # the label, or None for a box the sums show to lack its amount
    section: int
    area: str
    box: int | None = None
    lacking: int | None = None  # what the section's sum lacks, when the table shows it


@dataclass(frozen=True, slots=True)
class Resolution:
    layout: Layout
    plan: SectionPlan
    cells: CellPlan
    missing: tuple[Missing, ...]
    token_box: dict[int, int]  # amount -> the box line matched with it
    failure: str | None = None  # why no pairing was found
    failure_ref: SourceRef | None = None  # where to look first, if the layout shows it
    timed_out: bool = False  # the failure is the time bound's: a longer one may find a pairing

    @property
    def solved(self) -> bool:
        return self.plan.outcome.solved and self.cells.outcome.solved

    @property
    def state(self) -> str:
        """optimal: every sum holds (or one a box lacks) and the search closed; time_bound: a
        search stopped at the time bound; unbalanced: the report's sums do not all hold."""
        if self.plan.lenient or self.cells.gaps or any(not k.startswith("box:") for k in self.plan.gaps):
            return "unbalanced"
        if self.plan.outcome.status == "OPTIMAL" and self.cells.outcome.status == "OPTIMAL":
            return "optimal"
        return "time_bound"


def layout_to_resolution(layout: Layout, model: TextModel, lines: tuple[Line, ...], time_limit: float) -> Resolution:
    """Resolve one region within the time bound (per solve)."""
    values = [layout.value(k) for k in range(len(layout.tokens))]
    values += [amount_value(a.value) for a in layout.table.amounts]
    unit = reduce(math.gcd, (v for v in values if v), 0) or 1
    text = [
        {area: model.trust * score for area, score in model.log_posterior(text_words(lines, span)).items()}
        for span in layout.token_text
    ]
    tried: list[tuple[int, ...]] = []
    first: tuple[SectionPlan, CellPlan] | None = None
    for _ in range(ATTEMPTS):
        plan = layout_to_sections(layout, unit, time_limit, tried)
        if not plan.outcome.solved:
            break
        cells = sections_to_cells(layout, plan, text, time_limit)
        settled = cells.outcome.solved and not cells.gaps
        if settled or (cells.outcome.solved and (plan.lenient or plan.gaps)):
            # exact, or the report itself does not add up: another placement would not help
            return Resolution(layout, plan, cells, *_missing(layout, plan, cells))
        if cells.outcome.solved:
            first = first or (plan, cells)
        tried.append(plan.token_section)
    if first is None:
        failed = plan if not plan.outcome.solved else cells
        why, where = _failure(layout, failed.outcome, time_limit)
        timed_out = failed.outcome.status != "INFEASIBLE"
        return Resolution(layout, plan, CellPlan(failed.outcome), (), {}, why, where, timed_out)
    plan, cells = first
    return Resolution(layout, plan, cells, *_missing(layout, plan, cells))


def _failure(layout: Layout, outcome: Outcome, time_limit: float) -> tuple[str, SourceRef | None]:
    """Why no pairing was found, and where to look first: beside a section whose heading is not
    printed (only the sums place its boxes), the heading of the section before it (or after it);
    None if every section prints its heading (the region's title is then the place)."""
    if outcome.status == "INFEASIBLE":
        printed = sum(layout.value(k) for k in range(len(layout.tokens)))
        total = max((amount_value(a.value) for a in layout.table.amounts), default=0)
        why = (
            f"its figures cannot add up, even with boxes that print no amount: the programmes print "
            f"{format_amount(printed)} against a table total of {format_amount(total)}"
        )
    else:
        why = f"no pairing found within the time bound ({time_limit:g} s a solve)"
    headless = [n for n, s in enumerate(layout.sections) if s.heading is None]
    if not headless:
        return why, None
    names = ", ".join(repr(layout.sections[m].label) for m in headless)
    n = headless[0]
    before = next((s.heading for s in reversed(layout.sections[:n]) if s.heading is not None), None)
    after = next((s.heading for s in layout.sections[n + 1 :] if s.heading is not None), None)
    beside = before or after
    if beside is None:
        return f"{why}; no section heading is printed for {names}, so only the sums place their boxes", None
    where = "after" if before is not None else "before"
    return (
        f"{why}; no section heading is printed for {names}, so only the sums place their boxes "
        f"({layout.sections[n].label!r} comes {where} the section {beside.text!r} printed here)",
        beside.ref,
    )


def final_sections(plan: SectionPlan, cells: CellPlan) -> tuple[int, ...]:
    """Each amount's section: stage 1's, or stage 2's for a "Funded" amount it moved."""
    return tuple(cells.token_section.get(k, s) for k, s in enumerate(plan.token_section))


def _missing(layout: Layout, plan: SectionPlan, cells: CellPlan) -> tuple[tuple[Missing, ...], dict[int, int]]:
    """Boxes the sums show to lack an amount, and boxes no printed amount can be matched to.

    Every "Funding requirement (in USD)" line opens one programme. Boxes and amounts are
    matched one to one, near each other and with the area of the box's label; a box left over
    whose cell (section, area) no amount fills is a programme whose amount the report omits.
    """
    section_of = final_sections(plan, cells)
    filled = {(section_of[k], a) for k, a in cells.token_area.items()}
    out: list[Missing] = []
    lacking = plan.unprinted()
    gap_boxes = set()
    for g, (box, area) in sorted(cells.unprinted.items()):
        s = plan.box_section[g]
        out.append(Missing(layout.marker_label[box], s, area, box, lacking[g]))
        filled.add((s, area))
        gap_boxes.add(box)
    matches = match_boxes(layout, section_of, cells.token_area, gap_boxes)
    for box in range(len(layout.markers)):
        if box in matches or box in gap_boxes:
            continue
        label = layout.marker_label[box]
        if label is None:
            continue
        s, area = layout.marker_nominal[box], layout.labels[label].areas[0]
        if (s, area) not in filled:
            out.append(Missing(label, s, area, box))
            filled.add((s, area))
    return tuple(out), {k: b for b, k in matches.items()}


def match_boxes(layout: Layout, section_of: tuple[int, ...], area_of: dict[int, str], skip: set[int]) -> dict[int, int]:
    """Match boxes and amounts one to one (a small assignment problem): box -> amount."""
    ranked = sorted(
        [(t.index, "t", k) for k, t in enumerate(layout.tokens)]
        + [(b.index, "b", n) for n, b in enumerate(layout.markers)]
    )
    rank = {(kind, i): r for r, (_, kind, i) in enumerate(ranked)}
    m = Model()
    pairs: dict[tuple[int, int], Var] = {}
    for b in range(len(layout.markers)):
        if b in skip:
            continue
        label = layout.marker_label[b]
        for k in range(len(layout.tokens)):
            distance = abs(rank["b", b] - rank["t", k])
            if distance > BOX_WINDOW or section_of[k] not in reach(layout, layout.marker_nominal[b]):
                continue
            cost = BOX_STEP * distance + (0 if section_of[k] == layout.marker_nominal[b] else BOX_ASTRAY)
            if label is not None and area_of.get(k) not in layout.labels[label].areas:
                cost += BOX_OTHER_AREA
            pairs[b, k] = var = m.fraction()  # a bipartite matching: the LP optimum is whole
            m.cost(cost - BOX_MATCH, var)
    by_box: dict[int, list[Var]] = {}
    by_amount: dict[int, list[Var]] = {}
    for (b, k), var in pairs.items():
        by_box.setdefault(b, []).append(var)
        by_amount.setdefault(k, []).append(var)
    for b in range(len(layout.markers)):
        m.at_most_one(by_box.get(b, []))
    for k in range(len(layout.tokens)):
        m.at_most_one(by_amount.get(k, []))
    outcome = m.solve(BOX_TIME_LIMIT)
    return {b: k for (b, k), var in pairs.items() if outcome.solved and m.true(var)}
