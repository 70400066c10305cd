"""The multiregional part -> its initiatives, each with its group, the amounts its sentences
state and what those amounts are (a requirement, per workshop, a target...).

There is no table to check these against, so nothing is summed: each amount is recorded with
the sentence that states it and its basis. A text block belongs to the title printed just
above it; a block printed elsewhere (the PDF's columns interleave) belongs to the initiative
whose text it continues or whose words it shares most. An initiative no sentence gives an
amount to is recorded as missing.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass

import regex

from etl.errors import Unresolved
from etl.gazetteer import load_gazetteer, normalize
from etl.segment.furniture import Furniture
from etl.segment.multiregional import (
    Block,
    Heading,
    MultiregionalText,
    Statement,
    find_multiregional,
    lines_to_multiregional,
)
from etl.segment.words import content_words as _words
from etl.segment.words import cosine as _cosine
from etl.segment.words import idf as _idf
from etl.source import Document, Line, SourceRef

_SENTENCE = regex.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# words that say nothing of what a text is about, and those every amount sentence uses
NEAR = 0.5  # per block the owner's text is away from it (log scale), a small preference for the nearer
STATED = 2.0  # an initiative whose own text states its amount rarely states another
SUBJECT = 1.0  # "This programme requires ...": the initiative whose own text calls itself a programme


@dataclass(frozen=True, slots=True)
class Initiative:
    title: str
    title_ref: SourceRef
    group: str
    description: str


@dataclass(frozen=True, slots=True)
class InitiativeFigure:
    initiative: Initiative
    status: str  # amount or missing
    value: int | None
    basis: str  # requirement, per_unit, co_funding, first_year, additional, multi_year, target, replenishment
    period: str | None  # "2015", "2014", "2 years", "years 2 and 3"
    note: str | None  # context the sentence gives: an overall budget, a unit
    sentence: str | None
    ref: SourceRef


def document_to_initiatives(doc: Document, furniture: Furniture | None = None) -> list[InitiativeFigure]:
    """The multiregional part of a document that holds nothing else (an excerpt, whose running lines
    are too few to find: `furniture` may give them) -> its initiatives' figures; none if it has no
    such part. A whole report's part comes from segmentation."""
    start = find_multiregional(doc.lines)
    if start is None:
        return []
    return multiregional_to_figures(lines_to_multiregional(doc.lines, start, furniture), doc.lines)


def multiregional_to_figures(text: MultiregionalText, lines: tuple[Line, ...]) -> list[InitiativeFigure]:
    """Every initiative of the part with the amounts its sentences state (or missing)."""
    groups = _groups(text)
    titles = [h for h in text.headings if h.kind == "title"]
    # A group heading with text right under it (no title) is an initiative of its own: the World
    # Migration Report. So is a fund whose text names it with no title: "... Fund (RRTF) was established".
    for h in text.headings:
        at = _text_after(h, lines, text.furniture)
        block = next((b for b in text.blocks if b.start == at), None)
        if h.kind == "group" and block is not None and _about(block.text, h.text):
            titles.append(Heading("title", h.text, h.index, h.span, h.ref))
            groups[h.index] = h.text
    under_title = {_text_after(h, lines, text.furniture) for h in titles}
    for block in text.blocks:
        named = None if block.start in under_title or block.opens_mid_sentence else _named_in(block.text)
        if named and not any(normalize(named) in normalize(t.text) for t in titles):
            heading = Heading("title", named, block.start - 1, 1, lines[block.start].ref)
            groups[heading.index] = _group_before(text, block.start)
            titles.append(heading)
    titles.sort(key=lambda h: h.index)
    owners = _owners(text, titles, lines)
    owner = owners.owner
    bodies: dict[int, list[str]] = {}
    for n, block in enumerate(text.blocks):
        if owner.get(n) is not None:
            bodies.setdefault(owner[n], []).append(block.text)  # type: ignore[arg-type]
    _regroup(text, titles, groups, bodies, owners.idf)
    initiatives = [
        Initiative(h.text, h.ref, groups.get(h.index, ""), " ".join(bodies.get(t, []))) for t, h in enumerate(titles)
    ]
    figures: list[InitiativeFigure] = []
    stated: set[int] = set()
    for statement in text.statements:
        t = _statement_owner(statement, owners, titles, groups, text.blocks[statement.block].start)
        if t is None:  # no initiative title anywhere in the part: the amount cannot be placed
            raise Unresolved(
                statement.ref,
                f"the multiregional part states {statement.text!r} but names no initiative it could belong to",
                fix="check the part's initiative titles in the raw file",
            )
        stated.add(t)
        figures += _figures(initiatives[t], statement)
    for t, initiative in enumerate(initiatives):
        if t not in stated:
            ref = initiative.title_ref
            missing = InitiativeFigure(initiative, "missing", None, "requirement", None, None, None, ref)
            figures.append(missing)
    figures.sort(key=lambda f: (f.initiative.title_ref.line or 0, f.ref.line or 0))
    return figures


REGROUP = 2.0  # how many times closer to the group before an initiative's text must be to move there


def _regroup(
    text: MultiregionalText,
    titles: list[Heading],
    groups: dict[int, str],
    bodies: dict[int, list[str]],
    idf: dict[str, float],
) -> None:
    """A group heading can be printed just above the last initiative of the group before it
    (the columns interleave): the first initiative under a heading goes back to the group
    before when its text is about that group's subject, sharing far more words with that
    group's initiatives than with those of its own."""
    order = [h.text for h in text.headings if h.kind == "group"]
    members: dict[str, list[int]] = {}
    for t, title in enumerate(titles):
        members.setdefault(groups.get(title.index, ""), []).append(t)

    def words(ts: list[int]) -> Counter[str]:
        out: Counter[str] = Counter()
        for t in ts:
            out.update(_words(" ".join([titles[t].text, *bodies.get(t, [])])))
        return out

    for previous, group in itertools.pairwise(order):
        own = members.get(group, [])
        before = members.get(previous, [])
        if len(own) < 2 or not before:
            continue
        first = own[0]
        mine = words([first])
        closer = _cosine(mine, words(before), idf)
        if closer > REGROUP * _cosine(mine, words(own[1:]), idf):
            groups[titles[first].index] = previous
            members[group] = own[1:]
            members[previous] = [*before, first]


def _about(text: str, title: str) -> bool:
    """A text that names what a heading names (most of its words): "The World Migration Report 2015
    aims..." under WORLD MIGRATION REPORT."""
    named = set(_words(title))
    return bool(named) and len(named & set(_words(text))) * 2 > len(named)


def _group_before(text: MultiregionalText, index: int) -> str:
    return next((h.text for h in reversed(text.headings) if h.kind == "group" and h.index < index), "")


def _groups(text: MultiregionalText) -> dict[int, str]:
    """Each title's group: the last group heading before it; when group headings stand together,
    the titles after them are shared out in order, a title family (same acronym) kept whole."""
    out: dict[int, str] = {}
    headings = list(text.headings)
    n = 0
    while n < len(headings):
        if headings[n].kind != "group":
            n += 1
            continue
        run = [headings[n]]
        while n + 1 < len(headings) and headings[n + 1].kind == "group" and _adjacent(text, run[-1], headings[n + 1]):
            n += 1
            run.append(headings[n])
        titles = []
        while n + 1 < len(headings) and headings[n + 1].kind == "title":
            n += 1
            titles.append(headings[n])
        for title, group in zip(titles, _share(titles, [g.text for g in run]), strict=True):
            out[title.index] = group
        n += 1
    return out


def _adjacent(text: MultiregionalText, first: Heading, second: Heading) -> bool:
    """Two group headings with no text between them (the extractor printed them together)."""
    return not any(first.index < b.start < second.index for b in text.blocks)


def _share(titles: list[Heading], groups: list[str]) -> list[str]:
    if len(groups) == 1 or len(titles) < len(groups):
        return [groups[-1]] * len(titles)
    families = _families(titles)
    weight = _idf([t.text for t in titles] + groups)
    best: tuple[float, int, int] | None = None
    for k in range(1, len(titles) + 1):  # two groups: the first k titles to the first (more are rare)
        if k < len(titles) and families[k] == families[k - 1]:
            continue  # a family is not split
        score = sum(_overlap(t.text, groups[0], weight) for t in titles[:k])
        score += sum(_overlap(t.text, groups[1], weight) for t in titles[k:])
        after_family = families.count(families[k - 1]) > 1  # on a tie, split where a family ends
        if best is None or (score, after_family) > (best[0], best[1]):
            best = (score, after_family, k)
    k = best[2] if best else len(titles)
    return [groups[0]] * k + [groups[1]] * (len(titles) - k)


def _families(titles: list[Heading]) -> list[int]:
    """Titles about the same subject: one starts with an acronym another title spells out."""
    family: list[int] = []
    for n, title in enumerate(titles):
        first = title.text.split()[0]
        joined = next(
            (
                family[m]
                for m in range(n)
                if first.isupper()
                and len(first) > 1
                and (_initials(titles[m].text).startswith(first) or titles[m].text.split()[0] == first)
            ),
            n,
        )
        family.append(joined)
    return family


def _initials(text: str) -> str:
    return "".join(w[0] for w in text.split() if w[:1].isupper())


def _overlap(title: str, group: str, weight: dict[str, float]) -> float:
    """Shared word stems, rare stems weighing more; stems in most titles ("migration") not at all."""
    common = min(weight.values(), default=0.0) + 1.0
    stems = {w[:5]: weight.get(w, 1.0) for w in _words(title) if weight.get(w, 1.0) > common}
    return sum(stems[w[:5]] for w in {w[:5]: w for w in _words(group)} if w in stems)


@dataclass(frozen=True, slots=True)
class _Owners:
    owner: dict[int, int | None]  # block -> title
    idf: dict[str, float]  # the weight of each word over the part's blocks


def _text_after(title: Heading, lines: tuple[Line, ...], furniture: frozenset[int]) -> int:
    """Where the text printed just below a title starts: the next line; across a page break (page
    furniture, and the blank lines around it, between them; a form feed on a line of its own and
    nothing else), the first line of the next page."""
    j = k = title.index + title.span
    crossed = False
    while k < len(lines) and (k in furniture or not lines[k].text.strip()):
        crossed = crossed or k in furniture
        k += 1
    return k if crossed or (k < len(lines) and lines[k].fresh) else j


def _owners(text: MultiregionalText, titles: list[Heading], lines: tuple[Line, ...]) -> _Owners:
    """Block -> title: the title printed just above; else, for a block that opens mid-sentence,
    the owner of the text it continues (each broken-off text continues in one block only);
    else the title whose words it shares most, nearby preferred."""
    blocks = text.blocks
    starts = {_text_after(h, lines, text.furniture): t for t, h in enumerate(titles)}
    # Two titles stacked with no text between them, the second ending a column: the block opening
    # the next column (fresh) is no more the second's than the first's (as after a blank line):
    # the rules below decide. So they do where the exporter wrote no blank lines: the text of
    # either title may be printed right under the second.
    stacked = {
        t for t in range(1, len(titles)) if not any(titles[t - 1].index < b.start < titles[t].index for b in blocks)
    }
    # (a block that starts past the line under its title opens the next page: `_text_after` crossed a break)
    owner: dict[int, int | None] = {}
    for n, b in enumerate(blocks):
        t = starts.get(b.start)
        paged = t is not None and b.start > titles[t].index + titles[t].span
        owner[n] = None if (lines[b.start].fresh or text.unspaced or paged) and t in stacked else t
    idf = _idf([b.text for b in blocks])
    profiles = [Counter({w: 3 * c for w, c in Counter(_words(t.text)).items()}) for t in titles]
    for n, o in owner.items():
        if o is not None:
            profiles[o].update(_words(blocks[n].text))
    # continuations: pair each block opening mid-sentence with a text that broke off mid-sentence
    opening = [n for n, b in enumerate(blocks) if owner[n] is None and b.opens_mid_sentence]
    broken = [n for n, b in enumerate(blocks) if b.ends_mid_sentence]
    pairs = []
    for n in opening:
        words = Counter(_words(blocks[n].text))
        for m in broken:
            if m != n:
                similar = _cosine(words, Counter(_words(blocks[m].text)), idf)
                pairs.append((similar - NEAR * math.log1p(abs(m - n)), n, m))
    continues: dict[int, int] = {}
    used: set[int] = set()
    for _, n, m in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if n not in continues and m not in used:
            continues[n] = m
            used.add(m)
    for _ in range(len(blocks)):  # follow chains of continuations
        changed = False
        for n, m in continues.items():
            if owner[n] is None and owner[m] is not None:
                owner[n] = owner[m]
                profiles[owner[m]].update(_words(blocks[n].text))  # type: ignore[index]
                changed = True
        if not changed:
            break
    firm = {n for n, o in owner.items() if o is not None}
    stating = {owner[s.block] for s in text.statements if s.block in firm}
    for n, block in enumerate(blocks):
        if owner[n] is not None:
            continue
        words = Counter(_words(block.text))
        states = any(s.block == n for s in text.statements)
        subject = regex.match(r"this ([a-z-]+) (?:requires|seeks|needs)", block.text.lower())  # This programme requires
        scored = []
        for t, title in enumerate(titles):
            owned = [m for m, o in owner.items() if o == t] or [_block_after(blocks, title.index)]
            distance = min(abs(m - n) for m in owned)
            score = _cosine(words, profiles[t], idf) - NEAR * math.log1p(distance)
            if subject and any(o == t and subject.group(1) in blocks[m].text.lower() for m, o in owner.items()):
                score += SUBJECT
            if states and t in stating:
                score -= STATED
            scored.append((score, -t))
        if scored:
            score, t = max(scored)
            owner[n] = -t if score > 0 or states else None  # a stated amount is never left out
    return _Owners(owner, idf)


def _block_after(blocks: tuple[Block, ...], index: int) -> int:
    """The first block after a line: where a title's text would start."""
    return next((n for n, b in enumerate(blocks) if b.start > index), len(blocks) - 1)


_FUND = regex.compile(
    r"\b(?:the\s+)?((?:[A-Z][\w\u2019'-]+\s+){1,6}(?:Fund|Account|Mechanism|Facility))\s*\(([A-Z]{2,6})\)"
    r"\s+(?:was|is)\s+established"
)


def _named_in(text: str) -> str | None:
    """A fund the first sentence of a text introduces: "... the Rapid Response Transportation
    Fund (RRTF) was established in late 2000 ..." (the report printed no title for it)."""
    first = _SENTENCE.split(text, maxsplit=1)[0]
    m = _FUND.search(first)
    return m.group(1).strip() if m else None


def _statement_owner(
    statement: Statement, owners: _Owners, titles: list[Heading], groups: dict[int, str], at: int = -1
) -> int | None:
    """The initiative a sentence names (its title's words, as printed or nearly: "Principled for
    Humanitarian Action through Policy Developments"); else the owner of its block; a sentence
    about the other components, after a component's title ("(a) ...") and in the same group as its
    block's owner, belongs to the project they make up, whichever initiative's text its paragraph
    runs on from (`at`: the line its block starts at)."""
    said = {w[:5] for w in _words(statement.text)}
    named = []
    for n, title in enumerate(titles):
        words = {w[:5] for w in _words(title.text)}
        if len(words) >= 3 and len(words & said) >= 0.8 * len(words):
            named.append((len(words & said), n))
    if named:
        return max(named)[1]
    t = owners.owner.get(statement.block)
    if t is not None and _OTHER_COMPONENTS.search(statement.text):
        group = groups.get(titles[t].index)
        components = [
            n
            for n, title in enumerate(titles)
            if _COMPONENT.match(title.text) and title.index < at and groups.get(title.index) == group
        ]
        own = _COMPONENT.match(titles[t].text) is not None
        if own or components:  # a component's text stating what the *other* components need
            return _parent(titles, t if own else components[-1], groups)
    return t


_COMPONENT = regex.compile(r"\([a-z]\)\s")
_OTHER_COMPONENTS = regex.compile(r"\bother\b(?:\s+\w+){0,3}\s+components?\b", regex.IGNORECASE)


def _parent(titles: list[Heading], component: int, groups: dict[int, str]) -> int:
    """The project a component "(a) ..." belongs to: the first title of its group before it."""
    group = groups.get(titles[component].index)
    before = [
        t for t in range(component) if groups.get(titles[t].index) == group and not _COMPONENT.match(titles[t].text)
    ]
    return before[0] if before else component


_BUDGET = regex.compile(
    r"(?:(?:overall|total|whole)\s+(?:project\s+)?budget\s+(?:of|is)|out\s+of\s+(?:a|an|the)\s+"
    r"(?:(?:overall|total)\s+)?(?:budget\s+(?:of\s+)?)?)\s*$"
)
_TARGET_BEFORE = regex.compile(r"(?:\btarget\s+of|\btargets)\s*$")
_TARGET_AFTER = regex.compile(r"^\s*to\s+remain\b")
_REPLENISH_AFTER = regex.compile(r"^\s*to\s+replenish\b")
_RECEIVED = regex.compile(
    r"\b(?:has|have|had)\s+(?:already\s+)?(?:been\s+)?(?:received|raised|secured|mobili[sz]ed)\b"
    r"|\balready\s+(?:received|raised|secured|funded|pledged)\b"
)
_PER_UNIT = regex.compile(
    r"\bper\s+((?:regional\s+|national\s+)?(?:training\s+)?(?:workshops?|months?|persons?|participants?|events?"
    r"|courses?|countries|country|units?|sessions?|trainees?|beneficiar(?:y|ies)))\b"
)
_PER_YEAR = regex.compile(r"\b(?:per\s+(?:year|annum)|a\s+year|annually|each\s+year)\b")
_NUMBERS = {"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
            "ten": "10"}  # fmt: skip
_YEARS = r"(\d+|two|three|four|five|six|seven|eight|nine|ten)"
_SPAN = regex.compile(rf"\bover\s+(?:the\s+(?:next|coming)\s+)?{_YEARS}\s+years\b|\b{_YEARS}-year\b")
_YEAR_PAIR = regex.compile(r"\byears?\s+(\d)\s+and\s+(\d)\b")
_FOR_YEAR = regex.compile(
    r"\b(?:for|in|during)\s+(?:the\s+year\s+)?((?:19|20)\d\d)(?:\s*[-\u2013/]\s*((?:19|20)?\d\d))?\b"
)


def _figures(initiative: Initiative, statement: Statement) -> list[InitiativeFigure]:
    """What one sentence states: one figure per amount it asks for, each read in its own clause
    (from the amount before it to the one after it); an overall budget is context, not a figure."""
    text = statement.text
    low = text.lower().replace("\u2010", "-").replace("\u2011", "-")
    amounts = sorted(statement.amounts, key=lambda a: a[1])
    clauses = []
    for k, (value, start, end, ref) in enumerate(amounts):
        before = low[amounts[k - 1][2] if k else 0 : start]
        after = low[end : amounts[k + 1][1] if k + 1 < len(amounts) else len(low)]
        clauses.append((value, ref, before, after, _role(before, after)))
    budgets = [value for value, _, _, _, role in clauses if role == "overall_budget"]
    figures = []
    for value, ref, before, after, role in clauses:
        if role == "overall_budget":
            continue
        basis, note = role, None
        if role == "requirement":
            basis, note = _basis(before, after, low, bool(budgets))
        if basis == "co_funding" and budgets:
            note = f"of an overall budget of USD {budgets[0]:,}"
        period = _period(after) or _period(before, last=True)
        figures.append(InitiativeFigure(initiative, "amount", value, basis, period, note, text, ref))
    return figures


def _role(before: str, after: str) -> str:
    """What an amount is, from the words right around it."""
    if _BUDGET.search(before):
        return "overall_budget"
    if _TARGET_BEFORE.search(before) or _TARGET_AFTER.search(after):
        return "target"
    if _REPLENISH_AFTER.search(after):
        return "replenishment"
    if _RECEIVED.search(before) or _RECEIVED.search(after):
        return "received"
    return "requirement"


def _basis(before: str, after: str, sentence: str, budget: bool) -> tuple[str, str | None]:
    """A requirement's basis, and the unit of a per-unit cost."""
    clause = f"{before} {after}"
    own = regex.split(r",|;|\band\b", before)[-1]  # the words of this amount's clause, not the last one's
    unit = _PER_UNIT.search(after) or _PER_UNIT.search(own)
    if unit:
        return "per_unit", f"per {unit.group(1)}"
    if budget or "co-funding" in clause or "co-funding" in sentence:
        return "co_funding", None
    if "first-year" in clause or "first year" in clause:
        return "first_year", None
    if _SPAN.search(clause) or _YEAR_PAIR.search(clause):
        return "multi_year", None
    if "additional" in clause:
        return "additional", None
    return "requirement", None


def _period(clause: str, last: bool = False) -> str | None:
    """The period a clause names: "2015", "2015-2016", "2 years", "years 2 and 3", "per year"."""
    found = list(_FOR_YEAR.finditer(clause))
    if found:
        m = found[-1] if last else found[0]
        if m.group(2):
            end = m.group(2) if len(m.group(2)) == 4 else m.group(1)[:2] + m.group(2)
            return f"{m.group(1)}-{end}"
        return str(m.group(1))
    m = _SPAN.search(clause)
    if m:
        n = m.group(1) or m.group(2)
        return f"{_NUMBERS.get(n, n)} years"
    m = _YEAR_PAIR.search(clause)
    if m:
        return f"years {m.group(1)} and {m.group(2)}"
    if _PER_YEAR.search(clause):
        return "per year"
    return None


def area_of_group(group: str) -> str | None:
    """The programmatic area a group is named after, if any ("Migration Health")."""
    areas = load_gazetteer().areas(group)
    return areas[0] if len(areas) == 1 else None
