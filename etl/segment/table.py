"""A regional table's lines -> its labels and amounts, each with its place, still unpaired.

The table is printed in two columns (countries, programmatic areas) whose text is
interleaved, so only the kinds of things are read here; pairing is the resolver's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import regex

from etl.errors import UnknownArea, UnknownCountry
from etl.gazetteer import Gazetteer, normalize
from etl.segment.lexicon import (
    NAME_LINES,
    Amount,
    heading_kind,
    heading_words,
    is_regional_label,
    is_target_populations,
    is_total_label,
    joined,
    match_area,
    match_country,
    name_lines,
    name_spans,
    parse_amount,
    read_amount,
)
from etl.source import Line, SourceRef

LabelKind = Literal["country", "regional", "area", "total"]

_HEADINGS = frozenset({"region_title", "country_column", "amount_column", "area_column", "box_line"})
_PERCENT = regex.compile(r"^[\d.,\s%]+%\s*$")


@dataclass(frozen=True, slots=True)
class TableLabel:
    kind: LabelKind
    key: str
    areas: tuple[str, ...]
    text: str
    ref: SourceRef
    index: int


@dataclass(frozen=True, slots=True)
class TableAmount:
    value: Amount
    text: str
    ref: SourceRef
    index: int


@dataclass(frozen=True, slots=True)
class TableText:
    labels: tuple[TableLabel, ...]
    amounts: tuple[TableAmount, ...]

    def countries(self) -> tuple[TableLabel, ...]:
        return tuple(label for label in self.labels if label.kind in ("country", "regional"))

    def areas(self) -> tuple[TableLabel, ...]:
        return tuple(label for label in self.labels if label.kind == "area")

    def totals(self) -> tuple[TableLabel, ...]:
        return tuple(label for label in self.labels if label.kind == "total")


def lines_to_table(
    lines: tuple[Line, ...],
    start: int,
    end: int,
    gaz: Gazetteer,
    skip: frozenset[int] = frozenset(),
    region_name: str = "",
) -> TableText:
    """Classify each line of a table block; unknown country or area labels are errors. The lines
    in `skip` (the region's title, page furniture) and the region's own name (a running header)
    are not the table's."""
    labels: list[TableLabel] = []
    amounts: list[TableAmount] = []
    own_name = normalize(region_name)
    i = start
    while i < end:
        line = lines[i]
        text = line.text.strip()
        if i in skip and parse_amount(text) is None:
            i += 1
            continue
        value = read_amount(text, line.ref, "table amount")
        if value is not None:
            amounts.append(TableAmount(value, text, line.ref, i))
            i += 1
            continue
        if not text or _PERCENT.match(text) or heading_kind(text) in _HEADINGS or normalize(text) == own_name:
            i += 1
            continue
        if is_total_label(text):
            labels.append(TableLabel("total", "total", (), text, line.ref, i))
            i += 1
            continue
        if is_regional_label(text):
            labels.append(TableLabel("regional", "regional", (), text, line.ref, i))
            i += 1
            continue
        window = [lines[k].text for k in range(i, min(i + NAME_LINES, end))]
        areas, span = match_area(window, gaz)
        if span:
            labels.append(TableLabel("area", areas[0], areas, joined(window, span), line.ref, i))
            i += span
            continue
        iso3, span = match_country(window, gaz)
        if iso3:
            labels.append(TableLabel("country", iso3, (), joined(window, span), line.ref, i))
            i += span
            continue
        inked = name_lines(lines, i, end)  # a name with blank lines inside (each line a block of its own)
        window = [lines[k].text for k in inked]
        areas, span = match_area(window, gaz)
        iso3, country_span = match_country(window, gaz)
        if span > 1 or country_span > 1:
            if span > 1:
                labels.append(TableLabel("area", areas[0], areas, joined(window, span), line.ref, i))
            else:
                span = country_span
                labels.append(TableLabel("country", iso3 or "", (), joined(window, span), line.ref, i))
            i = inked[span - 1] + 1
            continue
        crossed = _name_across_amount(lines, i, end, gaz)
        if crossed is not None:  # a label's lines with its row's amount printed between them
            label, between, i = crossed
            labels.append(label)
            amounts.extend(between)
            continue
        span = next((n for n, name in name_spans(window) if gaz.region(name)), 0)
        if span:  # a region's name: a running header, or its title
            i += span
            continue
        paragraph = all(lines[k].text.strip() for k in range(i, min(i + NAME_LINES + 1, end)))
        if not paragraph:  # more lines in a row than a name runs over: prose (an export's box text)
            _reject_unknown(line, text, gaz)
        i += 1
    return TableText(tuple(labels), tuple(amounts))


def _name_across_amount(
    lines: tuple[Line, ...], start: int, end: int, gaz: Gazetteer
) -> tuple[TableLabel, list[TableAmount], int] | None:
    """A label printed over two lines with amounts between them, as pdfminer orders a cell of two
    lines beside the column of amounts ("Emergency, Operations and", "66,700,000", "Post-crisis"):
    the label, the amounts (still the table's, in their places) and the line after the label. None
    if the line and the next line that is no amount do not make a known name."""
    first = lines[start].text.strip()
    if not gaz.may_continue(normalize(first)):
        return None
    k, between = start + 1, []
    while k < end and k - start <= AMOUNT_INSIDE_NAME:
        text = lines[k].text.strip()
        if text and (value := read_amount(text, lines[k].ref, "table amount")) is not None:
            between.append(TableAmount(value, text, lines[k].ref, k))
        elif text:
            break
        k += 1
    if not between or k >= end or not lines[k].text.strip():
        return None
    name = f"{first} {lines[k].text.strip()}"
    areas, span = match_area([first, lines[k].text], gaz)
    if span == 2:
        return TableLabel("area", areas[0], areas, name, lines[start].ref, start), between, k + 1
    iso3, span = match_country([first, lines[k].text], gaz)
    if iso3 and span == 2:
        return TableLabel("country", iso3, (), name, lines[start].ref, start), between, k + 1
    return None


AMOUNT_INSIDE_NAME = 24  # lines from a label's first line to its second, amounts and blank lines between


def _area_words(gaz: Gazetteer) -> set[str]:
    """The words the programmatic areas' labels are made of (etl/data/areas.csv), but the small ones."""
    return {w for key in gaz.area_keys for w in heading_words(key) if len(w) > 3}


def _reject_unknown(line: Line, text: str, gaz: Gazetteer) -> None:
    """A short title-like line in a table is a label we do not know: say so, do not guess."""
    words = text.split()
    if len(words) > 7 or text.endswith((".", ";")) or not text[:1].isupper():
        return  # prose that leaked into the table block
    if heading_kind(text) is not None or is_target_populations(text):
        return  # a heading of the programme boxes an export printed among the table's lines
    content = [w for w in words if len(w) > 3]
    if sum(w[:1].isupper() for w in content) * 2 < len(content):
        return  # mostly lower-case words: prose, not a name (a name's words are capitalised)
    if set(heading_words(text)) & _area_words(gaz):
        raise UnknownArea(
            line.ref,
            "unknown programmatic area label in a regional table",
            value=text,
            fix="add the label to etl/data/areas.csv (aliases) if it names one of the seven areas",
        )
    raise UnknownCountry(
        line.ref,
        "unknown country label in a regional table",
        value=text,
        fix="add the name to etl/data/countries.csv (aliases) with its ISO 3166-1 alpha-3 code",
    )
