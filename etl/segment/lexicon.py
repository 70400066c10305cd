"""What a single line of a report is: an amount, an area label, a country heading, a structural heading.

The printed wording of the structure (table headings, the box line, "Target populations"...) is
data, in etl/data/wording.toml, matched through `heading_key`, which lets the case, plural or
singular, hyphens, brackets and "US$" for "USD" vary as editions and exporters vary them.
Everything after segmentation works with the classified items.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Sequence
from functools import cache
from importlib import resources
from typing import Final, Literal

import regex

from etl.errors import AmountUnparseable, InvalidFigure
from etl.gazetteer import Gazetteer, normalize
from etl.source import Line, SourceRef

FUNDED: Final = "funded"
Amount = int | Literal["funded"]
HeadingKind = Literal[
    "region_title",
    "country_column",
    "amount_column",
    "area_column",
    "total_row",
    "regional_row",
    "box_line",
    "target_populations",
    "multiregional_title",
    "funded",
]

_AMOUNT = regex.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+)\s*$")
# An amount-shaped token with a stray letter or a broken group, e.g. a letter O for a zero, or a group of two digits.
_NEAR_AMOUNT = regex.compile(r"^\s*\d{1,3}(?:[,.][0-9OoIl]{1,4})+\s*$")
_NEGATIVE = regex.compile(r"^\s*(?:[-\u2212\u2013]\s*\d{1,3}(?:[,.]\d{3})+|\(\s*\d{1,3}(?:[,.]\d{3})+\s*\))\s*$")
MAX_USD = 10**11  # no figure of an appeal reaches USD 100 billion
_FIX_DIGITS = "correct the digits in the raw file (amounts are whole USD, thousands separated by commas)"

_DOLLARS = regex.compile(r"u\.?\s?s\.?\s?\$|\bu\.?\s?s\.?\s+dollars?\b|\bunited states dollars?\b|\bus\s?dollars?\b")
_WORDS = regex.compile(r"[\p{L}\p{N}]+")
_IGNORED = frozenset({"in"})
_PROSE_END = (".", ",", ";", ":")


@cache
def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


@cache
def heading_words(text: str) -> tuple[str, ...]:
    """A line's words as a heading is recognised by: casefolded, singular, "USD" for every way of
    writing US dollars, without brackets, punctuation and "in" ("(in USD)" = "(USD)"); none for a
    line that ends as prose does (a full stop, comma, semicolon or colon)."""
    if text.rstrip().endswith(_PROSE_END):
        return ()  # most lines of a report: known before the costlier normalisation
    key = normalize(text)
    if "$" in key or "dollar" in key:  # every way _DOLLARS knows of writing US dollars has one of these
        key = _DOLLARS.sub(" usd ", key)
    if key.endswith(_PROSE_END):
        return ()  # the end of a sentence or the start of a list: prose, not a heading
    return tuple(_singular(w) for w in _WORDS.findall(key) if w not in _IGNORED)


@cache
def heading_key(text: str) -> str:
    """The words run together, so that a hyphen or a space inside a word does not count
    ("Multi-regional" = "multiregional")."""
    return "".join(heading_words(text))


@cache
def _wording() -> dict[str, frozenset[str]]:
    data = tomllib.loads(resources.files("etl.data").joinpath("wording.toml").read_text(encoding="utf-8"))
    return {kind: frozenset(heading_key(p) for p in phrases) for kind, phrases in data["headings"].items()}


def phrasings(kind: HeadingKind) -> frozenset[str]:
    """The heading keys of every phrasing of a kind of heading (etl/data/wording.toml)."""
    return _wording()[kind]


@cache
def is_heading(text: str, kind: HeadingKind) -> bool:
    """The line is, in full, a heading of this kind (asked of most lines many times: remembered)."""
    return heading_key(text) in _wording()[kind]


def heading_kind(text: str) -> HeadingKind | None:
    """Which structural heading a line is, if any."""
    key = heading_key(text)
    if not key:
        return None
    for kind, keys in _wording().items():
        if key in keys:
            return kind  # type: ignore[return-value]
    return None


def parse_amount(text: str) -> Amount | None:
    """A whole-USD amount (thousands separated by commas or dots) or FUNDED, or None if the line is not one."""
    match = _AMOUNT.match(text)
    if match:
        return int(match.group(1).replace(",", "").replace(".", ""))
    if is_heading(text, "funded"):
        return FUNDED
    return None


def read_amount(text: str, ref: SourceRef, what: str) -> Amount | None:
    """A line's amount, None if it is no amount; an amount-shaped line that cannot be one is an error."""
    value = parse_amount(text)
    if value is None:
        if is_broken_amount(text):
            raise AmountUnparseable(ref, f"cannot read the {what}", value=text.strip(), fix=_FIX_DIGITS)
        if _NEGATIVE.match(text):
            raise AmountUnparseable(
                ref, f"a negative {what}", value=text.strip(), fix="a funding requirement is never negative: correct it"
            )
        return None
    if value != FUNDED and value > MAX_USD:
        raise InvalidFigure(
            ref,
            f"the {what} is over USD {MAX_USD // 10**9} billion",
            value=text.strip(),
            fix="check the digits in the raw file (a figure this large is not an appeal's)",
        )
    return value


def is_broken_amount(text: str) -> bool:
    """True for a line shaped like an amount that cannot be read as one (a letter among its digits)."""
    return parse_amount(text) is None and bool(_NEAR_AMOUNT.match(text)) and "," in text


def format_amount(value: Amount) -> str:
    """The report's own way of printing an amount (inverse of parse_amount)."""
    return "Funded" if value == FUNDED else f"{value:,}"


def is_marker(text: str) -> bool:
    """The "Funding requirement (in USD)" line that opens a programme box."""
    return is_heading(text, "box_line")


def is_total_label(text: str) -> bool:
    return is_heading(text, "total_row")


def is_regional_label(text: str) -> bool:
    return is_heading(text, "regional_row")


def is_target_populations(text: str) -> bool:
    return is_heading(text, "target_populations")


def strip_heading(text: str) -> str:
    """A heading as printed, without the page-start space and a trailing comma ("Mauritius,").

    A trailing full stop is kept: "Tajikistan." ends a sentence, it opens no section.
    """
    return text.strip().rstrip(",:").strip()


NAME_LINES = 3  # a name (an area's label, a country's, a region's) is printed over at most this many lines
POPULATION_CHARS = 60  # a line of a "Target populations" list is short


def name_spans(texts: Sequence[str]) -> Iterator[tuple[int, str]]:
    """The one, two, then three lines from texts[0] joined, as a name printed over them would read,
    up to a blank line: (lines taken, text)."""
    for span in range(1, NAME_LINES + 1):
        if len(texts) < span or not texts[span - 1].strip():
            return
        yield span, joined(texts, span)


def name_lines(lines: tuple[Line, ...], start: int, end: int) -> list[int]:
    """The lines a name starting at line `start` may be printed over: the first NAME_LINES text
    lines from it, each at most one blank line after the one before (an exporter that writes a
    blank line after every line, or each line as a block of its own: "Labour Migration and Human",
    "", "Development"). `match_area` and `match_country` read one line alone first, so a name whole
    on its line is not run on into the next."""
    out = [start]
    k = start + 1
    while len(out) < NAME_LINES and k < end and k - out[-1] <= 2:
        if lines[k].text.strip():
            out.append(k)
        k += 1
    return out


def joined(texts: Sequence[str], span: int) -> str:
    """The first `span` lines as one text (a name printed over them)."""
    return " ".join(t.strip() for t in texts[:span])


def match_area(texts: Sequence[str], gaz: Gazetteer) -> tuple[tuple[str, ...], int]:
    """The area ids of a label starting at texts[0] and how many lines it spans (0 if none)."""
    for span, joined in name_spans(texts):
        key = normalize(joined)
        areas = gaz.area_keys.get(key)
        if areas:
            return areas, span
        if not gaz.may_continue(key):
            break
    return (), 0


def match_country(
    texts: Sequence[str], gaz: Gazetteer, allowed: frozenset[str] | None = None
) -> tuple[str | None, int]:
    """The ISO3 of a country name starting at texts[0] (one to three lines), if allowed (any if None)."""
    for span, joined in name_spans(texts):
        key = normalize(strip_heading(joined))
        iso3 = gaz.country_keys.get(key)
        if iso3 is not None and (allowed is None or iso3 in allowed):
            return iso3, span
        if not gaz.may_continue(key):
            break
    return None, 0


def is_population(line: Line) -> bool:
    """A line of a "Target populations" list: short, no sentence, no heading or amount, on the same
    page and column as the list's heading."""
    stripped = line.text.strip()
    if not stripped or line.fresh or len(stripped) > POPULATION_CHARS or stripped.endswith("."):
        return False
    return heading_kind(stripped) is None and parse_amount(stripped) is None
