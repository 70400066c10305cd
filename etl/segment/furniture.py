"""A document's lines -> its page furniture: running headers and footers, and page numbers.

Furniture is found by repetition, never by a list of one edition's strings: a short line that
recurs through the document (the same text with its digits masked: "Migration Initiatives 2015"
and "Migration Initiatives 2016" are one line) and that means nothing to the report's structure
is a running header or footer. A line the structure gives a meaning to is never furniture: a
heading of etl/data/wording.toml, an amount, a programmatic area's label or a part of one, a
country's or region's name, an item of a "Target populations" list. A number alone on a line of
at most four digits that no table or box reads is a page number (a figure is printed with its
thousands separated, so no amount is lost to this).

A PDF's extractor drops its furniture by position and repetition (etl/extract/pdf.py); a text
export keeps it among the body lines, so it is found here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex

from etl.gazetteer import Gazetteer, normalize
from etl.segment.lexicon import heading_kind, is_target_populations, parse_amount
from etl.source import Line

REPEATS = 10  # a running line recurs at least this often (a report of a few pages has no furniture to find)
MAX_WORDS = 8  # a running header or footer is a short line
LISTED_CHARS = 60  # an item of a 'Target populations' list is a short line
_DIGITS = regex.compile(r"\d")
_PAGE_NUMBER = regex.compile(r"^\s*\d{1,4}\s*$")
_SENTENCE_END = (".", ",", ";", ":", "!", "?")


@dataclass(frozen=True, slots=True)
class Furniture:
    """The lines of a document that are page furniture, by index."""

    running: frozenset[int]  # running headers and footers
    page_numbers: frozenset[int]
    keys: frozenset[str]  # the masked text of every running line

    def __contains__(self, index: object) -> bool:
        return index in self.running or index in self.page_numbers

    def is_running(self, text: str) -> bool:
        return masked(text) in self.keys


def masked(text: str) -> str:
    """A line's text as a running line is compared: normalized, every digit a '#'."""
    return str(_DIGITS.sub("#", normalize(text)))


def lines_to_furniture(lines: tuple[Line, ...], gaz: Gazetteer) -> Furniture:
    """Find the running lines and the page numbers among a document's lines."""
    occurrences: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if line.text.strip():
            occurrences.setdefault(masked(line.text), []).append(i)
    listed = _listed(lines)
    keys = set()
    for key, where in occurrences.items():
        if len(where) < REPEATS or not _may_run(lines[where[0]].text, gaz):
            continue
        if sum(i in listed for i in where) * 2 >= len(where):
            continue  # a target population: it recurs because many programmes reach it
        keys.add(key)
    running = frozenset(i for key in keys for i in occurrences[key])
    numbers = frozenset(i for i, line in enumerate(lines) if _PAGE_NUMBER.match(line.text))
    return Furniture(running, numbers, frozenset(keys))


def _may_run(text: str, gaz: Gazetteer) -> bool:
    """A short line with no meaning to the report's structure (a region's name may run as a header)."""
    stripped = text.strip()
    words = stripped.split()
    if not words or len(words) > MAX_WORDS or stripped.endswith(_SENTENCE_END) or not stripped[:1].isupper():
        return False
    if heading_kind(stripped) is not None or parse_amount(stripped) is not None:
        return False
    key = normalize(stripped)
    return not (gaz.areas(stripped) or gaz.country(stripped) or key in gaz.prefixes or _ends_a_name(key, gaz))


def _ends_a_name(key: str, gaz: Gazetteer) -> bool:
    """The last words of a name printed over two lines ("Development" of "Labour Migration and Human Development")."""
    return any(name.endswith(" " + key) for name in gaz.area_keys) or any(
        name.endswith(" " + key) for name in gaz.country_keys
    )


def _listed(lines: tuple[Line, ...]) -> set[int]:
    """The lines of every "Target populations" list (a short line after another, up to a blank)."""
    out: set[int] = set()
    i = 0
    while i < len(lines):
        if is_target_populations(lines[i].text):
            j = i + 1
            while j < len(lines) and lines[j].text.strip() and len(lines[j].text.strip()) <= LISTED_CHARS:
                out.add(j)
                j += 1
            i = j
        else:
            i += 1
    return out


def repeated_keys(lines: tuple[Line, ...]) -> Counter[str]:
    """How often each masked line occurs (for callers that judge a single candidate)."""
    return Counter(masked(line.text) for line in lines if line.text.strip())
