"""A region's layout -> its resolution: table rows, sections and areas that make the sums hold.

Stage 1 (sections.py) pairs the table and places every amount in a section; stage 2
(areas.py) gives every amount its area. When stage 2 finds that no area pairing adds up
with stage 1's sections, stage 1 is asked for its next-best placement, a few times at most.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

from etl.resolve.areas import CellPlan, label_sections, sections_to_cells
from etl.resolve.layout import Layout, amount_value
from etl.resolve.sections import SectionPlan, layout_to_sections
from etl.resolve.textmodel import TextModel, text_words
from etl.source import Line

ATTEMPTS = 4  # stage-1 placements tried before settling for one whose areas do not add up


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
    attempts: int

    @property
    def solved(self) -> bool:
        return self.plan.outcome.solved and self.cells.outcome.solved


def layout_to_resolution(layout: Layout, model: TextModel, lines: tuple[Line, ...], time_limit: float) -> Resolution:
    """Resolve one region within the time bound (per solve)."""
    values = [layout.value(k) for k in range(len(layout.tokens))]
    values += [amount_value(a.value) for a in layout.table.amounts]
    unit = reduce(math.gcd, (v for v in values if v), 0) or 1
    text = [model.log_posterior(text_words(lines, span)) for span in layout.token_text]
    tried: list[tuple[int, ...]] = []
    first: tuple[SectionPlan, CellPlan] | None = None
    for attempt in range(1, ATTEMPTS + 1):
        plan = layout_to_sections(layout, unit, time_limit, tried)
        if not plan.outcome.solved:
            break
        cells = sections_to_cells(layout, plan, text, time_limit)
        if cells.outcome.solved and not cells.gaps:
            return Resolution(layout, plan, cells, _missing(layout, plan, cells), attempt)
        first = first or (plan, cells)
        tried.append(plan.token_section)
    if first is None:
        empty = CellPlan(plan.outcome)
        return Resolution(layout, plan, empty, (), len(tried) + 1)
    plan, cells = first
    return Resolution(layout, plan, cells, _missing(layout, plan, cells), len(tried))


def final_sections(plan: SectionPlan, cells: CellPlan) -> tuple[int, ...]:
    """Each amount's section: stage 1's, or stage 2's for a "Funded" amount it moved."""
    return tuple(cells.token_section.get(k, s) for k, s in enumerate(plan.token_section))


def _missing(layout: Layout, plan: SectionPlan, cells: CellPlan) -> tuple[Missing, ...]:
    """Boxed labels whose cell no amount reaches, and boxes the sums show to lack an amount."""
    section_of = final_sections(plan, cells)
    filled = {(section_of[k], a) for k, a in cells.token_area.items()}
    out: list[Missing] = []
    lacking = plan.unprinted()
    for g, (box, area) in sorted(cells.unprinted.items()):
        s = plan.box_section[g]
        out.append(Missing(layout.marker_label[box], s, area, box, lacking[g]))
        filled.add((s, area))
    for n, sections in enumerate(label_sections(layout, section_of)):
        areas = layout.labels[n].areas
        if not layout.label_boxed[n]:
            continue
        candidates = sorted(sections | {layout.label_nominal[n]})
        if any((s, a) in filled for s in candidates for a in areas):
            continue
        s = layout.label_nominal[n] if layout.label_nominal[n] in sections or not sections else max(sections)
        out.append(Missing(n, s, areas[0]))
        filled.add((s, areas[0]))
    return tuple(out)
