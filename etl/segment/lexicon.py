"""What a single line of a report is: an amount, an area label, a country heading, a marker.

These are the only places that know how the report prints things; everything after
segmentation works with the classified items.
"""

from __future__ import annotations

from typing import Final, Literal

import regex

from etl.errors import AmountUnparseable, InvalidFigure
from etl.gazetteer import Gazetteer, normalize
from etl.source import SourceRef

FUNDED: Final = "funded"
Amount = int | Literal["funded"]

_AMOUNT = regex.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+)\s*$")
_FUNDED = regex.compile(r"^\s*funded\s*$", regex.IGNORECASE)
# An amount-shaped token with a stray letter or a broken group, e.g. a letter O for a zero, or a group of two digits.
_NEAR_AMOUNT = regex.compile(r"^\s*\d{1,3}(?:[,.][0-9OoIl]{1,4})+\s*$")
_NEGATIVE = regex.compile(r"^\s*(?:[-\u2212\u2013]\s*\d{1,3}(?:[,.]\d{3})+|\(\s*\d{1,3}(?:[,.]\d{3})+\s*\))\s*$")
MAX_USD = 10**11  # no figure of an appeal reaches USD 100 billion
_FIX_DIGITS = "correct the digits in the raw file (amounts are whole USD, thousands separated by commas)"
_TOTAL = "total funding requirement"
_MARKER = "funding requirement (in usd)"
_REGIONAL = frozenset({"regional programmes", "regional programme", "regional programs"})


def parse_amount(text: str) -> Amount | None:
    """A whole-USD amount (thousands separated by commas or dots) or FUNDED, or None if the line is not one."""
    match = _AMOUNT.match(text)
    if match:
        return int(match.group(1).replace(",", "").replace(".", ""))
    if _FUNDED.match(text):
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
    return normalize(text) == _MARKER


def is_total_label(text: str) -> bool:
    return normalize(text) == _TOTAL


def is_regional_label(text: str) -> bool:
    return normalize(text) in _REGIONAL


def is_target_populations(text: str) -> bool:
    return normalize(text) == "target populations"


def strip_heading(text: str) -> str:
    """A heading as printed, without the page-start space and a trailing comma ("Mauritius,").

    A trailing full stop is kept: "Tajikistan." ends a sentence, it opens no section.
    """
    return text.strip().rstrip(",:").strip()


def match_area(texts: list[str], gaz: Gazetteer) -> tuple[tuple[str, ...], int]:
    """The area ids of a label starting at texts[0] and how many lines it spans (0 if none)."""
    for span in (1, 2, 3):
        if len(texts) < span or not texts[span - 1].strip():
            break
        joined = normalize(" ".join(t.strip() for t in texts[:span]))
        areas = gaz.area_keys.get(joined)
        if areas:
            return areas, span
        if not gaz.may_continue(joined):
            break
    return (), 0


def match_country(texts: list[str], gaz: Gazetteer, allowed: frozenset[str]) -> tuple[str | None, int]:
    """The ISO3 of a country heading starting at texts[0] (one to three lines), if allowed."""
    for span in (1, 2, 3):
        if len(texts) < span or not texts[span - 1].strip():
            break
        joined = normalize(strip_heading(" ".join(t.strip() for t in texts[:span])))
        iso3 = gaz.country_keys.get(joined)
        if iso3 is not None and iso3 in allowed:
            return iso3, span
        if not gaz.may_continue(joined):
            break
    return None, 0
