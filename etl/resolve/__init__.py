"""Scrambled labels and amounts -> figures, using the report's own sums.

`segments_to_figures` runs the whole stage for one report: lay out every region, learn the
text model from the report's clean boxes, then resolve each region.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from etl.errors import Truncated, in_worker
from etl.gazetteer import Gazetteer, load_gazetteer
from etl.resolve.figures import RegionFigures, resolution_to_figures
from etl.resolve.layout import Layout, amount_value, table_and_zone_to_layout
from etl.resolve.region import layout_to_resolution
from etl.resolve.textmodel import TextModel, clean_boxes, examples_to_model, text_words
from etl.segment import Segments
from etl.segment.lexicon import format_amount, listed_items
from etl.segment.regions import RegionText
from etl.segment.zone import REGIONAL, ZoneText
from etl.source import Document, Line
from etl.workers import map_in_processes

TIME_LIMIT = 20.0  # seconds per solve; a region needs two solves, a few more if the first fails


@dataclass(frozen=True, slots=True)
class Laid:
    region: RegionText
    layout: Layout
    zone: ZoneText | None = None  # what the layout was made from, to lay it out again


@dataclass(frozen=True, slots=True)
class Reading:
    """A report's lines as its programmes' text is read (`reading_lines`), and the items its lists
    of target populations print (`listed_items`)."""

    lines: tuple[Line, ...]
    listed: frozenset[str]


def segments_to_reading(doc: Document, segments: Segments) -> Reading:
    lines = reading_lines(doc, segments)
    return Reading(lines, listed_items(lines, item_lines(segments)))


def item_lines(segments: Segments) -> frozenset[int]:
    """Every line of a region's programme sections that is part of an item (a heading, a label, a
    box line, an amount): where a programme's text ends."""
    return frozenset(
        k
        for region in segments.regions
        for item in region.zone.items
        for k in range(item.index, item.index + item.span)
    )


def reading_lines(doc: Document, segments: Segments) -> tuple[Line, ...]:
    """The document's lines as the programmes' text is read: page furniture (running headers and
    footers, page numbers: the lines `document_lines` calls so) blanked, so that a page break inside
    a programme's text adds nothing to its description or target populations and no distance
    between its items (a blank line counts for none). Every index still names the same line."""
    numbers = segments.furniture.page_numbers
    return tuple(
        dataclasses.replace(line, text="")
        if line.text.strip() and (n in numbers or segments.is_running(n, line.text))
        else line
        for n, line in enumerate(doc.lines)
    )


def segments_to_layouts(
    segments: Segments, doc: Document, gaz: Gazetteer, lines: tuple[Line, ...] | None = None
) -> list[Laid]:
    """Every region of a report laid out for the solvers (`lines`: its `reading_lines`, if known)."""
    laid = []
    lines = reading_lines(doc, segments) if lines is None else lines
    for region in segments.regions:
        layout = table_and_zone_to_layout(region.where.region_id, region.table, region.zone, lines, gaz)
        if region.where.open_end:
            _refuse_cut_off(doc, region.where, layout)
        laid.append(Laid(region.where, layout, region.zone))
    return laid


def _refuse_cut_off(doc: Document, region: RegionText, layout: Layout) -> None:
    """A region whose sections run to the end of the file and fall short of its table: the file is cut off."""
    headless = [s.label for s in layout.sections if s.heading is None and s.key != REGIONAL]
    printed = sum(layout.value(k) for k in range(len(layout.tokens)))
    total = max((amount_value(a.value) for a in layout.table.amounts), default=0)
    if len(headless) < 2 and printed >= total:
        return
    last = next((line.ref for line in reversed(doc.lines) if line.text.strip()), doc.path)
    raise Truncated(
        last,
        f"the text ends inside region {region.name!r}: its programmes print {format_amount(printed)} of the "
        f"table's {format_amount(total)}, and {len(headless)} of its {len(layout.sections)} sections have no heading",
        fix="give the whole report (this file looks cut off)",
    )


def segments_to_figures(
    segments: Segments,
    doc: Document,
    gaz: Gazetteer,
    time_limit: float = TIME_LIMIT,
    progress: Callable[[str], None] | None = None,
    jobs: int = 1,
    reading: Reading | None = None,
) -> list[RegionFigures]:
    """Resolve every region of a report; with jobs > 1, regions are solved in parallel processes."""
    reading = reading or segments_to_reading(doc, segments)
    lines, listed = reading.lines, reading.listed
    laid = segments_to_layouts(segments, doc, gaz, lines)
    examples = []
    for item in laid:
        layout = item.layout
        spans = dict(zip((t.index for t in layout.tokens), layout.token_text, strict=True))
        items = sorted(layout.tokens + layout.labels + layout.markers, key=lambda i: i.index)
        for n, area in clean_boxes(items):
            examples.append((area, text_words(lines, spans[items[n].index])))
    model = examples_to_model(examples)
    tasks = [(item, model, lines, listed, time_limit) for item in laid]
    if jobs > 1 and len(laid) > 1 and "fork" in multiprocessing.get_all_start_methods():
        global _SHARED
        _SHARED = tasks  # inherited by the forked workers: nothing large is pickled
        try:
            figures = []
            for n, figure in enumerate(map_in_processes(_resolve_shared, range(len(tasks)), min(jobs, len(laid)))):
                if progress:
                    progress(laid[n].region.region_id)
                figures.append(figure)
            return figures
        finally:
            _SHARED = []
    figures = []
    for task in tasks:
        if progress:
            progress(task[0].region.region_id)
        figures.append(_resolve(*task))
    return figures


_SHARED: list[tuple[Laid, TextModel, tuple[Line, ...], frozenset[str], float]] = []


@in_worker
def _resolve_shared(n: int) -> RegionFigures:
    return _resolve(*_SHARED[n])


def _resolve(
    item: Laid, model: TextModel, lines: tuple[Line, ...], listed: frozenset[str], time_limit: float
) -> RegionFigures:
    resolution = layout_to_resolution(item.layout, model, lines, time_limit)
    if not resolution.solved and not resolution.timed_out:
        for layout in _placed_otherwise(item, lines):
            again = layout_to_resolution(layout, model, lines, time_limit)
            if again.solved:
                resolution = again
                break
    return resolution_to_figures(resolution, item.region.name, item.region.name_ref, lines, listed)


def _placed_otherwise(item: Laid, lines: tuple[Line, ...]) -> Iterator[Layout]:
    """The region laid out again with a section whose heading is not printed placed in the alphabet
    by another name of its country: a report keeps a renamed country where its old name sorted
    ("Cabo Verde" after CAMEROON, where "Cape Verde" goes). Tried, one section and one name at a
    time, only when the sums rule out the first placement."""
    if item.zone is None:
        return
    gaz = load_gazetteer()
    layout = item.layout
    seen = {tuple(s.key for s in layout.sections)}
    for section in layout.sections:
        if section.heading is not None or section.key == REGIONAL:
            continue
        for name in sorted(k for k, iso3 in gaz.country_keys.items() if iso3 == section.key):
            again = table_and_zone_to_layout(
                layout.region_id, layout.table, item.zone, lines, gaz, sorted_as={section.key: name}
            )
            order = tuple(s.key for s in again.sections)
            if order not in seen:
                seen.add(order)
                yield again
