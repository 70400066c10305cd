"""What a single line of a report is: an amount, an area label, a country heading, a structural heading.

The printed wording of the structure (table headings, the box line, "Target populations"...) is
data, in etl/data/wording.toml, matched through `heading_key`, which lets the case, plural or
singular, hyphens, brackets and "US$" for "USD" vary as editions and exporters vary them.
Everything after segmentation works with the classified items.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable, Collection, Container, Iterator, Sequence
from functools import cache
from importlib import resources
from typing import Final, Literal

import regex

from etl.errors import AmountUnparseable, InvalidFigure
from etl.gazetteer import Gazetteer, normalize
from etl.segment.words import FUNCTION_WORDS
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


@cache
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


def name_lines(lines: tuple[Line, ...], start: int, end: int, furniture: Container[int] = frozenset()) -> list[int]:
    """The lines a name starting at line `start` may be printed over: the first NAME_LINES text
    lines from it, each at most one blank line after the one before (an exporter that writes a
    blank line after every line, or each line as a block of its own: "Labour Migration and Human",
    "", "Development"), or after a page break: the page's furniture and the blank lines around it
    (`paged_over`: "Labour Migration and Human" / "", footer, "", page number, header, "" /
    "Development"). `match_area` and `match_country` read one line alone first, so a name whole
    on its line is not run on into the next."""
    out = [start]
    k = start + 1
    while len(out) < NAME_LINES and k < end:
        after = paged_over(lines, k, end, furniture)
        if after >= end or (after == k and k - out[-1] > 2):
            break  # the end, or two blank lines and no page break
        k = after
        if lines[k].text.strip():
            out.append(k)
        k += 1
    return out


def paged_over(lines: Sequence[Line], k: int, end: int, furniture: Container[int]) -> int:
    """Line k, or, where a page break's furniture starts there (among blank lines), the first line
    after it. A break shows: a page number, or a line that opens a page (a running header or
    footer alone may be a title's or a name's own line, as a region's name runs as a header)."""
    j, seen, broke = k, False, False
    while j < end and (j in furniture or not lines[j].text.strip()):
        if j in furniture:
            seen = True
            broke = broke or lines[j].fresh or lines[j].text.strip().isdigit()
        j += 1
    return j if seen and broke else k


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
    return not line.fresh and _population_text(line.text)


def _population_text(text: str) -> bool:
    stripped = text.strip()
    if not stripped or len(stripped) > POPULATION_CHARS or stripped.endswith("."):
        return False
    return heading_kind(stripped) is None and parse_amount(stripped) is None


def population_lines(
    lines: Sequence[Line],
    first: int,
    end: int,
    stop: Callable[[int], bool] = lambda k: False,
    listed: frozenset[str] = frozenset(),
) -> list[int]:
    """The lines of a "Target populations" list whose items start at line `first`, before `end`:
    short lines (`is_population`) up to a blank line or a new page or column, or a line `stop`
    says is no item.

    A list that a page break cuts goes on over the blank lines and the page's furniture (blanked
    in the reading lines) when the next page's text lines are items the report lists elsewhere
    (`listed`, from `listed_items`): an exporter's page of another size ends anywhere, inside a
    list too, and the text after a list is the next programme's, short lines included."""
    out: list[int] = []
    k = first
    while k < end:
        # an item; a page or column that opens with one of the report's own items goes on with the list
        known = _known(lines[k].text, listed)
        if (
            _population_text(lines[k].text)
            and not stop(k)
            and (known or (not lines[k].fresh and _item_shaped(lines, k, end)))
        ):
            out.append(k)
            k += 1
            continue
        if _interleaved(lines, k, end, listed) and not stop(k + 1):
            k += 1  # a line of the other column, between two of the list's items
            continue
        if lines[k].text.strip():
            break  # no item: the list ends here
        j = next((m for m in range(k, end) if lines[m].text.strip()), end)
        if j >= end:
            break
        if not any(lines[m].fresh for m in range(k, j + 1)):
            # a blank line, no page break: the list ends, unless it has not begun (the heading, a
            # blank line, its items) or what follows is an item the report lists elsewhere (an
            # exporter that parts a page's text into blocks writes blank lines inside a list)
            if not (_population_text(lines[j].text) and not stop(j)):
                break
            if not (_known(lines[j].text, listed) or (not out and _item_shaped(lines, j, end))):
                break
        elif not _goes_on_listing(lines, j, end, stop, listed):
            break
        out.append(j)
        k = j + 1
    return out


def _goes_on_listing(
    lines: Sequence[Line], j: int, end: int, stop: Callable[[int], bool], listed: frozenset[str]
) -> bool:
    """The text at line j, the first after a page break inside a list, is more of the list: an item
    the report lists elsewhere, or a block of lines (up to a blank one) each shaped as an item.
    The text of another column or of the next programme does not go on the list ("border-related
    health issues ..." / ... / "Equi-Health project.")."""
    if stop(j) or not _population_text(lines[j].text):
        return False
    if _known(lines[j].text, listed):
        return True
    k = j
    while k < end and lines[k].text.strip():
        if _ACRONYM.fullmatch(lines[k].text.strip()) and k > j:
            break  # a glossary printed under the list begins ("Migrants and vulnerable populations" / "ASEAN")
        if stop(k) or not _population_text(lines[k].text) or not _item_shaped(lines, k, end):
            return False
        k += 1
    return True


_SENTENCE_INSIDE = regex.compile(r"[.;]\s+\S")
_ACRONYM = regex.compile(r"\p{Lu}[\p{Lu}\d&]{1,9}")


def _item_shaped(lines: Sequence[Line], k: int, end: int) -> bool:
    """A list item is a name, not a line of a sentence: it starts with no lower-case letter ("will
    provide tuberculosis screening, ..."), holds no sentence's end ("... Ossetia. These mobile
    centres"), ends with no comma or small word ("To address the ... challenges, the"), is no
    acronym alone (a glossary's, printed under a list: "CCCM", "DRR"), and the line under it does
    not carry on its sentence in lower case ("IOM will give support and advice on migration" /
    "topics in preparation ...")."""
    text = lines[k].text.strip()
    if text[:1].islower() or _SENTENCE_INSIDE.search(text) or text.endswith((",", ";", ":")):
        return False
    if _ACRONYM.fullmatch(text):
        return False  # a glossary's acronym printed under a list ("CCCM", "DRR", "ASEAN"): no population
    words = _WORDS.findall(text.casefold())
    if words and words[-1] in FUNCTION_WORDS:
        return False
    below = lines[k + 1] if k + 1 < end else None
    return below is None or below.fresh or not below.text.strip()[:1].islower()


def _interleaved(lines: Sequence[Line], k: int, end: int, listed: frozenset[str]) -> bool:
    """Line k is no item, yet the line under it is one the report lists elsewhere: two columns
    read line by line into one ("Target populations" / "Abkhazia and South Ossetia. These mobile
    centres" / "Governments and regional bodies" / "will provide tuberculosis screening, ...")."""
    text = lines[k].text.strip()
    if not text or lines[k].fresh or k + 1 >= end or heading_kind(text) is not None or parse_amount(text) is not None:
        return False  # a structural line (the next list's "Target populations") is never skipped
    return is_population(lines[k + 1]) and _known(lines[k + 1].text, listed)


def _known(text: str, listed: frozenset[str]) -> bool:
    return normalize(text) in listed


def listed_items(lines: Sequence[Line], items: Collection[int]) -> frozenset[str]:
    """The items (normalized) that two or more "Target populations" lists of a document print, as
    read on one page: the report's own words for its target populations, which a list cut by a
    page break may go on with. (A line read as an item once may be a sentence's.) A list ends at
    the next of `items`, the lines that open a programme item (a label, a heading, an amount)."""
    seen: Counter[str] = Counter()
    for i, line in enumerate(lines):
        if is_target_populations(line.text):
            found = population_lines(lines, i + 1, len(lines), stop=items.__contains__)
            seen.update({normalize(lines[k].text) for k in found})
    return frozenset(item for item, lists in seen.items() if lists >= 2)
