"""The multiregional part of a report -> its groups, initiative titles, text blocks and the
sentences that state an amount.

The part starts at the "multiregional INITIATIVES" title after the last regional section and
ends before the list of donors. Its groups are named in the bullet list under that title (and,
in capitals, in the text); an initiative is a Title Case line (or two or three) after a blank
line, followed by its text. Nothing is paired here: which initiative a sentence belongs to is
the resolver's job.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import regex

from etl.errors import AmountUnparseable
from etl.gazetteer import normalize
from etl.segment.furniture import Furniture
from etl.segment.lexicon import heading_kind, is_heading
from etl.segment.words import content_words, cosine, idf
from etl.source import Line, SourceRef

_SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "its",
        "of",
        "on",
        "or",
        "the",
        "to",
        "through",
        "towards",
        "via",
        "with",
        "against",
        "versus",
    ]
)
_WORD = regex.compile(r"[\p{L}][\p{L}\p{M}'\u2019\-]*")
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s*(?P<{0}>million|billion|mn|bn)\b)?"
_USD = r"(?:USD|US\$|US\s+dollars?|United\s+States\s+dollars?)"
_AMOUNT = regex.compile(
    rf"(?:{_USD})\s*(?P<a>{_NUMBER}){_SCALE.format('m')}"
    rf"|(?P<b>\d{{1,3}}(?:,\d{{3}})+|{_NUMBER}(?=\s*(?:million|billion|mn|bn)\b)){_SCALE.format('n')}\s*{_USD}",
    regex.IGNORECASE,
)
# what an amount may not run on into: a space before three digits, a decimal comma, cents
_MALFORMED = regex.compile(r"^(?:,\d|\.\d|\s\d{3}\b)")
_OTHER_CURRENCY = regex.compile(r"(?:\b(?:EUR|CHF|GBP|JPY)|[€£])\s*\d", regex.IGNORECASE)
_SCALES = {"million": 10**6, "mn": 10**6, "billion": 10**9, "bn": 10**9}
_ABBREVIATIONS = ("U.S.", "e.g.", "i.e.", "etc.", "No.", "approx.", "Mr.", "Ms.", "Dr.", "St.")
# a sentence ends at a full stop before a capital, or after an amount whatever follows (a column broken
# mid-paragraph goes on with "outputs of the project...", a new sentence cut from its start)
_SENTENCE_END = regex.compile(r"(?<=[.!?][\u201d\"\u2019)]?)\s+(?=[A-Z\u201c\"(])|(?<=\d[.])\s+(?=\p{Ll})")
_TITLE_YEAR = regex.compile(r"\bMigration Initiatives\s+(?:19|20)\d\d\b", regex.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Heading:
    kind: str  # "group" or "title"
    text: str
    index: int
    span: int
    ref: SourceRef


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph: consecutive text lines between blank lines, headings or page breaks."""

    start: int
    end: int
    text: str
    lines: tuple[int, ...] = ()  # the line index of each of its lines
    offsets: tuple[int, ...] = ()  # where each of those lines starts in `text`

    def line_at(self, offset: int) -> int:
        """The index of the line the character at `offset` of the text was printed on."""
        n = 0
        while n + 1 < len(self.offsets) and self.offsets[n + 1] <= offset:
            n += 1
        return self.lines[n] if self.lines else self.start

    @property
    def opens_mid_sentence(self) -> bool:
        return self.text[:1].islower()

    @property
    def ends_mid_sentence(self) -> bool:
        return not self.text.rstrip().endswith((".", "!", "?", ".”", ".)", ":"))


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence that states one or more USD amounts."""

    text: str
    amounts: tuple[tuple[int, int, int, SourceRef], ...]  # (USD, start and end in the text, line of its digits)
    block: int
    ref: SourceRef  # where the sentence starts


@dataclass(frozen=True, slots=True)
class MultiregionalText:
    start: int
    end: int
    groups: tuple[str, ...]  # from the bullet list, in order
    headings: tuple[Heading, ...]
    blocks: tuple[Block, ...]
    statements: tuple[Statement, ...]
    furniture: frozenset[int] = frozenset()  # lines that are no title and no text: page furniture, the part's title
    unspaced: bool = False  # the exporter wrote no blank lines: two titles stacked may touch the second's text


def find_multiregional(lines: tuple[Line, ...], after: int | None = None) -> int | None:
    """Where the multiregional part starts, after the last regional funding table (after line `after`
    when given): its title ("Multiregional initiatives", etl/data/wording.toml; the title also runs in
    page headers inside the part, the first one opens it) or, where the title is not printed, the
    line before the bullet list of its groups. None if the report has no such part."""
    if after is None:
        after = max((i for i, line in enumerate(lines) if heading_kind(line.text) in _TABLE_HEADINGS), default=0)
    title = next((i for i in range(after, len(lines)) if is_heading(lines[i].text, "multiregional_title")), None)
    bullets = next((i for i in range(after, len(lines) - 2) if _bullet_list_at(lines, i)), None)
    found = [i for i in (title, None if bullets is None else max(after, bullets - 1)) if i is not None]
    return min(found) if found else None


_TABLE_HEADINGS = ("country_column", "area_column", "total_row")
BULLET_LIST = 3  # lines in a row opening with a bullet: the list of the part's groups
LIST_REACH = 2  # text lines of the page an exporter may write between the part's title and its list
END_BULLETS = 3  # a line holding this many bullets (the back cover's run-in list) ends the part


def _bullet_list_at(lines: tuple[Line, ...], i: int) -> bool:
    """A list opening at line i: its items open with a bullet, an item may wrap onto a second line."""
    if not lines[i].text.strip().startswith("\u2022"):
        return False
    window = [lines[k].text.strip() for k in range(i, min(i + 2 * BULLET_LIST, len(lines)))]
    return sum(t.startswith("\u2022") for t in window) >= BULLET_LIST


def lines_to_multiregional(
    lines: tuple[Line, ...], start: int, furniture: Furniture | None = None
) -> MultiregionalText:
    """Classify the lines of the multiregional part (page furniture, if found, is no title or text)."""
    end = next((i for i in range(start, len(lines)) if lines[i].text.count("•") >= END_BULLETS), len(lines))
    view = [start, *(k for k in range(start + 1, end) if lines[k].text.strip())]
    if len(view) < DOUBLE_SPACED * (end - start - len(view)):
        return _part_in(lines, view, start, end, furniture)
    return _classify(lines, start, end, furniture)


DOUBLE_SPACED = 1.2  # a part with about as many blank lines as text lines has a blank line after each


def _part_in(
    lines: tuple[Line, ...], view: list[int], start: int, end: int, furniture: Furniture | None
) -> MultiregionalText:
    """A part written with a blank line after every line (an exporter's; a blank line then tells
    nothing): classified as the text lines alone, as an exporter that writes none gives them, and
    every index mapped back to the document's lines. A title or a text runs on to the next text line."""
    compact = tuple(lines[k] for k in view)
    seen = None
    if furniture is not None:
        running = frozenset(c for c, k in enumerate(view) if k in furniture.running)
        numbers = frozenset(c for c, k in enumerate(view) if k in furniture.page_numbers)
        seen = Furniture(running, numbers, furniture.keys)
    part = _classify(compact, 0, len(compact), seen)
    at = [*view, end]  # compact index -> document index; one past the last, the part's end

    def heading(h: Heading) -> Heading:
        return dataclasses.replace(h, index=at[h.index], span=at[h.index + h.span] - at[h.index])

    def block(b: Block) -> Block:
        return dataclasses.replace(b, start=at[b.start], end=at[b.end], lines=tuple(at[k] for k in b.lines))

    return MultiregionalText(
        start,
        end,
        part.groups,
        tuple(heading(h) for h in part.headings),
        tuple(block(b) for b in part.blocks),
        part.statements,
        frozenset(at[c] for c in part.furniture),
        unspaced=True,
    )


def _classify(lines: tuple[Line, ...], start: int, end: int, furniture: Furniture | None = None) -> MultiregionalText:
    skipped = frozenset(k for k in range(start, end) if _chrome(lines[k].text, k, furniture))
    groups, i, between = _bullet_groups(lines, start + 1, end, skipped)
    headings: list[Heading] = []
    blocks: list[Block] = []
    body: list[int] = []

    def close() -> None:
        if body:
            text, offsets = _joined(lines[k].text for k in body)
            blocks.append(Block(body[0], body[-1] + 1, text, tuple(body), offsets))
            body.clear()

    if between:  # a page's text written between the title and its list: a paragraph of its own
        body.extend(between)
        close()

    texts = [t for k in range(start, end) if (t := lines[k].text.strip())]
    width = statistics.median([len(t) for t in texts] or [0])
    unspaced = (end - start) - len(texts) < UNSPACED * (end - start)  # an exporter that writes no blank lines
    previous_blank = True  # a title starts after a blank line, a page break or a sentence's end
    seen: set[str] = set()
    pairs = Counter(p for k in range(start, end) for p in itertools.pairwise(_words_of(lines[k].text)))
    while i < end:
        text = lines[i].text.strip()
        if not text or i in skipped:
            close()
            previous_blank = True
            i += 1
            continue
        if lines[i].fresh or (body and _breaks_off(lines[body[-1]].text, text)):
            close()  # a page or column starts: a paragraph may not go on across it
            previous_blank = True
        span, name = _group_at(lines, i, end, groups, seen, skipped)
        if span:
            close()
            seen.add(name)
            headings.append(Heading("group", name, i, span, lines[i].ref))
            i += span
            previous_blank = True
            continue
        span = _title_span(lines, i, end, width, skipped, pairs) if previous_blank else 0
        if span and (
            _goes_on(lines, i, pairs, skipped, blocks, body, headings)
            or _named_again(lines[i].text, headings, blocks, body)
        ):
            span = 0  # the sentence goes on, or the text names its title again, after a page break
        if span:
            close()
            title = _join(lines[k].text for k in range(i, i + span) if k not in skipped and lines[k].text.strip())
            headings.append(Heading("title", title.strip(), i, span, lines[i].ref))
            i += span
            previous_blank = False
            continue
        body.append(i)
        previous_blank = text.endswith((".", ".”", ".)", ":"))
        if unspaced and previous_blank and len(text) < PARAGRAPH_END * width:
            close()  # no blank lines to go by: a sentence ending on a short line ends its paragraph
        i += 1
    close()
    # the titles' words joined as printed over their lines count too ("... for Humanitarian" / "Action ...")
    blocks = _carried(blocks, lines, skipped, {h.index for h in headings}, pairs + _title_pairs(headings))
    if unspaced:  # otherwise a blank line stands between two titles printed one above the other
        blocks = _rejoined(blocks, lines)
        headings = _unstacked(headings, blocks, lines, skipped)
    statements = [s for n, block in enumerate(blocks) for s in _statements(block, n, lines)]
    part = (tuple(groups), tuple(headings), tuple(blocks), tuple(statements))
    return MultiregionalText(start, end, *part, skipped, unspaced)


SPLIT = 1.5  # how much more a part of a title must share with another text than the whole title does
SPLIT_WORDS = 3  # a title of its own has this many content words at least
SHORT = 0.5  # a line this much shorter than the part's lines ends what it holds: no sentence runs on from it
PARAGRAPH_END = 0.8  # a line this much shorter than the part's lines may end a paragraph
UNSPACED = 0.02  # a part with fewer blank lines than this among its lines has none to tell paragraphs by
STACKED_LINES = 3  # two titles stacked take three lines at least (one wrapped): a two-line title stays whole
TITLE_LINES = 4  # an initiative's title wraps over four lines at most
TITLE_CHARS = 70  # a title line is shorter than a column of text (about 90 characters)
TITLE_WORDS = 10  # ... and has at most this many words
CAPS_LETTERS = 3  # a line in capitals has at least this many letters (not "IOM" alone)
CAPS_HEADING = 6  # a group heading in capitals that the list does not name has at least this many letters


NEAR = 0.5  # per block a text is away from the one it continues (log scale), a small preference for the nearer
BROKEN = 1.0  # how much a text opening mid-sentence must share with the text before a line to continue it there


FRAGMENT_WORDS = 3  # a sentence's opening words a column may end with before it breaks
# a line that ends a sentence and opens the next with a few words: "... at large. The e-learning"
_OPENS = regex.compile(
    r"[.!?][\u201d\"\u2019)]?\s+(\p{Lu}[\p{L}\p{M}'\u2019\-]*(?:\s+[\p{L}\p{M}'\u2019\-]+){0,"
    + str(FRAGMENT_WORDS - 1)
    + r"})\s*$"
)


def _block(lines: tuple[Line, ...], indices: list[int] | tuple[int, ...]) -> Block:
    text, offsets = _joined(lines[k].text for k in indices)
    return Block(indices[0], indices[-1] + 1, text, tuple(indices), offsets)


def _carried(
    blocks: list[Block],
    lines: tuple[Line, ...],
    skipped: frozenset[int],
    headings: set[int],
    pairs: Counter[tuple[str, str]],
) -> list[Block]:
    """A sentence carried over a page or column break: a block that ends mid-sentence (or on a
    colon: what it announces follows, "... Public Opinion and Migration:" / "A Global Survey Report
    (2015) ...") and the block right after the break (only blank lines and page furniture between)
    are one paragraph, so that the sentence states its amount whole ("... The funding required for
    2015 is USD" / "200,000."). The block after the break goes on with the sentence when it opens
    with digits; in lower case (unless the sentence opened with a few words at the break that never
    join it as printed and do join another text opening mid-sentence: "... at large. The
    e-learning" goes on in "tool will include ...", not in "the course builds ..."); or with a word
    that follows the last one elsewhere in the part ("... the Government of the" / "United States
    of America ..."). A text opening in capitals otherwise begins a sentence of its own."""
    openings = Counter(first[0] for b in blocks if b.opens_mid_sentence and (first := _words_of(b.text[:40])))
    out: list[Block] = []
    for block in blocks:
        before = out[-1] if out else None
        if (
            before is not None
            and (before.ends_mid_sentence or before.text.rstrip().endswith(":"))
            and all(k in skipped or not lines[k].text.strip() for k in range(before.end, block.start))
            and not any(k in headings for k in range(before.end, block.start))
            and (
                _continues(before.text, block, pairs, openings)
                if any(lines[k].fresh or k in skipped for k in range(before.end, block.start + 1))
                else _blank_inside(before.text, block)
            )
        ):
            out[-1] = _block(lines, (*before.lines, *block.lines))
            continue
        out.append(block)
    return out


def _blank_inside(before: str, block: Block) -> bool:
    """A blank line, no page break, inside a sentence: the text before it broke off mid-sentence
    and the text after it opens in lower case or with digits (an exporter that parts a page's text
    into blocks writes blank lines anywhere: "The Global Assistance Fund (GAF) ensures the" / "" /
    "continued provision of protection and assistance,"; "... is USD" / "" / "200,000."). Not a
    sentence begun with a few words at a column's end ("... planning. The" / "" / "data. ..."):
    that goes on where its words join."""
    return (block.text[:1].islower() or block.text[:1].isdigit()) and not _OPENS.search(before.rstrip())


def _continues(before: str, block: Block, pairs: Counter[tuple[str, str]], openings: Counter[str]) -> bool:
    last, first = _words_of(before[-40:]), _words_of(block.text[:40])
    if block.text[:1].isdigit() or before.rstrip().endswith(":"):
        return True  # the rest of an amount ("USD" / "200,000."); what a colon announces
    if not last or not first:
        return False
    joins = pairs[(last[-1], first[0])]
    if block.opens_mid_sentence and _OPENS.search(before) and not joins:
        # a sentence that opens with a few words at the column's end goes on where its words join
        return not any(pairs[(last[-1], w)] for w in openings if w != first[0])
    return block.opens_mid_sentence or joins > 0


def _goes_on(
    lines: tuple[Line, ...],
    i: int,
    pairs: Counter[tuple[str, str]],
    skipped: frozenset[int],
    blocks: list[Block],
    body: list[int],
    headings: Sequence[Heading] = (),
) -> bool:
    """A line that looks like a title after text broken off mid-sentence (only blank lines and page
    furniture between) whose first word follows the text's last word elsewhere in the part, or
    after a comma, a semicolon, a small word or a possessive, or a word alone on its line after a
    line of one word (text printed a word a line), or after a text of one line right under its
    title (a sentence just begun): the sentence goes on ("... lead agency of the
    Camp" / "Coordination and Camp Management (CCCM)"), no title starts."""
    if body or not blocks:
        return False  # no break: a text line before it
    k = i - 1
    while k >= 0 and (k in skipped or not lines[k].text.strip()):
        k -= 1
    if k < 0 or k != blocks[-1].end - 1 or not blocks[-1].ends_mid_sentence:
        return False
    before = lines[k].text.rstrip()
    if before.endswith((",", ";", "\u2019s", "'s")) or _ends_open(before):
        return True  # "... Monitoring Centre," / "UNHCR, the International ..."; "... of the" / "United States ..."
    last, first = _words_of(before), _words_of(lines[i].text)
    title = headings[-1] if headings else None
    begun = title is not None and title.kind == "title" and blocks[-1].start == title.index + title.span
    if begun and len(blocks[-1].lines) == 1:
        return (
            True  # a sentence begun on the line under its title ("In partnership with the Gender Violence and Health")
        )
    if len(before.split()) == 1 and len(lines[i].text.split()) == 1:
        return True  # text printed a word a line, cut by the break: "Offices," / "Administrative" / "Centres"
    if not (last and first):
        return False
    join = (last[-1], first[0])
    # the words join elsewhere in the part, or in a title as printed over its lines ("... National
    # Development" / "Strategies with the United Nations ...", under "... National Development Strategies")
    return pairs[join] > 0 or _title_pairs(headings)[join] > 0


def _title_pairs(headings: Iterable[Heading]) -> Counter[tuple[str, str]]:
    """The word pairs of the titles, each read whole as printed over its lines."""
    return Counter(p for h in headings if h.kind == "title" for p in itertools.pairwise(_words_of(h.text)))


def _named_again(text: str, headings: list[Heading], blocks: list[Block], body: list[int]) -> bool:
    """A title-like line right under a title (no text between) that names nothing the title does not:
    the text starts by naming the initiative ("Migration Emergency Funding Mechanism" / "IOM's
    Migration Emergency Funding Mechanism (MEFM) was established ..."), carried over a page break."""
    if body or not headings or headings[-1].kind != "title" or (blocks and blocks[-1].start > headings[-1].index):
        return False
    words = set(_content(text))
    return bool(words) and words <= set(_content(headings[-1].text))


def _words_of(text: str) -> list[str]:
    """The words of a text in lower case, a possessive's "'s" dropped ("Development's" is "development")."""
    return [_POSSESSIVE.sub("", w.lower()) for w in _WORD.findall(text)]


_POSSESSIVE = regex.compile(r"['\u2019]s$")


def _rejoined(blocks: list[Block], lines: tuple[Line, ...]) -> list[Block]:
    """With no blank lines, a column that breaks mid-sentence runs on into the text printed after
    it: "... civil society at large. The e-learning" / "the course builds upon the first-level
    training" (the column goes on with another initiative's text; "tool will include ..." follows
    pages later). A text opening mid-sentence that no text ending mid-sentence can precede continues
    at a line inside another block that ends on a sentence's first words: one where those words join
    the text's first word in the part's own text at least as often as they join the next line's
    ("e-learning tool", not "e-learning the"), and the text before that line is the most about it.
    The block is split there; the second part opens a text of its own."""
    pairs = Counter(itertools.pairwise(w.lower() for b in blocks for w in _WORD.findall(b.text)))
    blocks = list(blocks)
    for _ in range(len(blocks)):
        weights = idf([b.text for b in blocks])
        words = [Counter(content_words(b.text)) for b in blocks]
        breaks = (_break_for(n, blocks, lines, pairs, weights) for n in _orphans(blocks, words, weights, pairs))
        split = next((s for s in breaks if s is not None), None)
        if split is None:
            break
        m, q = split
        b = blocks[m]
        blocks[m : m + 1] = [_block(lines, b.lines[:q]), _block(lines, b.lines[q:])]
    return blocks


def _orphans(
    blocks: list[Block], words: list[Counter[str]], weights: dict[str, float], pairs: Counter[tuple[str, str]]
) -> list[int]:
    """The blocks opening mid-sentence that no block ending mid-sentence continues into (each
    broken text goes on in one block: the closest pairs first). A text that ends on a sentence's
    first words goes on only where they join the next text's first word somewhere in the part
    ("... working on migration. As" / "the course builds ...", not "tool will include ...")."""
    opening = [n for n, b in enumerate(blocks) if b.opens_mid_sentence]
    broken = [m for m, b in enumerate(blocks) if b.ends_mid_sentence]
    scored = sorted(
        (cosine(words[n], words[m], weights) - NEAR * math.log1p(abs(m - n)), n, m)
        for n in opening
        for m in broken
        if m != n and _may_open(blocks[m].text, blocks[n].text, pairs)
    )
    paired: set[int] = set()
    used: set[int] = set()
    for score, n, m in reversed(scored):
        if score > 0 and n not in paired and m not in used:
            paired.add(n)
            used.add(m)
    return [n for n in opening if n not in paired]


def _may_open(before: str, text: str, pairs: Counter[tuple[str, str]]) -> bool:
    """Whether `text` may go on from `before`: unless `before` ends on a sentence's first words,
    whose last word then joins the text's first somewhere in the part."""
    fragment = _OPENS.search(before.rstrip())
    if not fragment:
        return True
    last, first = _WORD.findall(fragment.group(1)), _WORD.findall(text[:40])
    return bool(last and first) and pairs[(last[-1].lower(), first[0].lower())] > 0


def _break_for(
    n: int, blocks: list[Block], lines: tuple[Line, ...], pairs: Counter[tuple[str, str]], weights: dict[str, float]
) -> tuple[int, int] | None:
    """Where the text block n continues: (block, its line) or None."""
    first = _WORD.findall(blocks[n].text[:40])
    if not first:
        return None
    opening = first[0].lower()
    about = Counter(content_words(blocks[n].text))
    best: tuple[float, int, int] | None = None
    for m, b in enumerate(blocks):
        for q in range(1, len(b.lines)):
            fragment = _OPENS.search(lines[b.lines[q - 1]].text)
            after = _WORD.findall(lines[b.lines[q]].text)
            if not fragment or not after or m == n:
                continue
            last = _WORD.findall(fragment.group(1))[-1].lower()
            if not pairs[(last, opening)] or pairs[(last, opening)] < pairs[(last, after[0].lower())]:
                continue  # the words join as printed more often than they would join there
            text = b.text[: b.offsets[q]]
            score = cosine(about, Counter(content_words(text)), weights) - NEAR * math.log1p(abs(m - n))
            if score > BROKEN and (best is None or score > best[0]):
                best = (score, m, q)
    return None if best is None else (best[1], best[2])


def _unstacked(
    headings: list[Heading], blocks: list[Block], lines: tuple[Line, ...], skipped: frozenset[int] = frozenset()
) -> list[Heading]:
    """Two titles printed one above the other with no blank line between them (an exporter that
    writes none) read as one: split where a line closes a title and each part is about a sentence
    of its own, far more than the whole title is about any (not of the text printed right above it,
    the initiative's before)."""
    if not blocks:
        return headings
    under = {h.index + h.span: h.index for h in headings}  # a block printed right under a heading is its text
    above: dict[int, int] = {}  # heading -> the block printed right above it (only blank lines and furniture between)
    for n, b in enumerate(blocks):
        k = b.end
        while k < len(lines) and (k in skipped or not lines[k].text.strip()):
            k += 1
        above[k] = n
    sentences = [(n, sentence) for n, b in enumerate(blocks) for _, sentence in _sentences(b.text)]
    weights = idf([sentence for _, sentence in sentences])
    profiles = [Counter(content_words(sentence)) for _, sentence in sentences]
    text_of = [n for n, _ in sentences]
    out: list[Heading] = []
    for h in headings:
        # a part is not about another heading's own text (printed right under it): "Multi-country
        # Research Study on Older / Displaced People's Access..." under "Multi-country Research Study to
        # Enhance..." is one title, both its parts about its own text
        theirs = {
            n
            for n, (b, _) in enumerate(sentences)
            if under.get(blocks[b].start, h.index) != h.index or above.get(h.index) == b
        }
        stacked = h.kind == "title" and h.span >= STACKED_LINES
        opening = next((t for n, t in sentences if under.get(blocks[n].start) == h.index), "")
        parts = (
            (_named_split(h, lines, opening) or _split(h, profiles, weights, lines, text_of, theirs))
            if stacked
            else None
        )
        out += parts or [h]
    return out


def _named_split(h: Heading, lines: tuple[Line, ...], opening: str) -> list[Heading] | None:
    """Two titles stacked where the text printed right under them opens by naming the second,
    every word of it ("Regional Trainings Workshops on / Migration, Environment and Climate /
    Change" over "Atlas of Environmental Migration", its text "The Atlas of Environmental Migration
    will be ..."): split before the second's first line (the last such line, its words the fewest)."""
    named = set(content_words(opening))
    texts = [lines[k].text.strip() for k in range(h.index, h.index + h.span)]
    for k in range(h.span - 1, 0, -1):
        second = set(content_words(" ".join(texts[k:])))
        if _ends_open(texts[k - 1]) or texts[k - 1].endswith(",") or not texts[k][:1].isupper():
            continue  # the title goes on: "... on" / "Migration, Environment and"
        if len(second) >= SPLIT_WORDS and second <= named and not set(content_words(" ".join(texts[:k]))) <= named:
            return [
                Heading("title", _join(texts[:k]), h.index, k, h.ref),
                Heading("title", _join(texts[k:]), h.index + k, h.span - k, lines[h.index + k].ref),
            ]
    return None


def _split(
    h: Heading,
    profiles: list[Counter[str]],
    weights: dict[str, float],
    lines: tuple[Line, ...],
    text_of: list[int],
    theirs: set[int],
) -> list[Heading] | None:
    """Two titles where each part is most about a text of its own (`text_of`: each sentence's block),
    none of them another heading's (`theirs`), far more than the whole title is about any sentence."""
    texts = [lines[k].text.strip() for k in range(h.index, h.index + h.span)]
    whole = _best(Counter(content_words(" ".join(texts))), profiles, weights)[1]
    candidates = []
    for k in range(1, h.span):
        first, second = " ".join(texts[:k]), " ".join(texts[k:])
        if _ends_open(texts[k - 1]) or texts[k - 1].endswith(",") or not texts[k][:1].isupper():
            continue  # the title goes on: "... on" / "Migration, Environment and"
        if min(len(set(content_words(first))), len(set(content_words(second)))) < SPLIT_WORDS:
            continue
        (a, score_a), (b, score_b) = (
            _best(Counter(content_words(part)), profiles, weights, theirs) for part in (first, second)
        )
        if text_of[a] != text_of[b]:
            candidates.append((min(score_a, score_b), score_a + score_b, k))
    if not candidates:
        return None
    low, both, k = max(candidates)
    if low * 2 <= SPLIT * whole or both <= SPLIT * whole:
        return None
    return [
        Heading("title", _join(texts[:k]), h.index, k, h.ref),
        Heading("title", _join(texts[k:]), h.index + k, h.span - k, lines[h.index + k].ref),
    ]


def _best(
    words: Counter[str],
    profiles: list[Counter[str]],
    weights: dict[str, float],
    theirs: set[int] | frozenset[int] = frozenset(),
) -> tuple[int, float]:
    """The sentence a title's words are most about, and how much (of those not another heading's)."""
    scored = [(cosine(words, p, weights), -n) for n, p in enumerate(profiles) if n not in theirs]
    score, n = max(scored, default=(0.0, 0))
    return -n, score


def _breaks_off(before: str, text: str) -> bool:
    """A sentence ends and the next line opens in lower case: the columns break here, and the line
    goes on with a sentence of another text (an exporter that marks no page or column start)."""
    ended = before.rstrip().endswith((".", ".\u201d", ".)")) and not before.rstrip().endswith(_ABBREVIATIONS)
    return ended and text[:1].islower()


def _joined(texts: Iterable[str]) -> tuple[str, tuple[int, ...]]:
    """The lines as one text, and where each starts in it."""
    out = ""
    offsets = []
    for t in texts:
        t = t.strip()
        if out.endswith("-") and t[:1].islower() and not out.endswith(" -"):
            offsets.append(len(out) - 1)
            out = out[:-1] + t  # a word hyphenated across lines
        else:
            offsets.append(len(out) + 1 if out else 0)
            out = f"{out} {t}" if out else t
    return out, tuple(offsets)


def _join(texts: Iterable[str]) -> str:
    return _joined(texts)[0]


def _bullet_groups(
    lines: tuple[Line, ...], i: int, end: int, skipped: frozenset[int] = frozenset()
) -> tuple[list[str], int, list[int]]:
    """The group names of the bullet list under the title, the line after the list, and the text
    lines printed between the title and the list. The list may open the page after the title's,
    a few lines of the page's text printed before it (an exporter that orders a page's blocks by
    their place writes a wide block after the narrow ones: "multiregional INITIATIVES" /
    "Organisation for Security and Co-operation in Europe" / page break / "• International
    Partnerships ..."), and goes on across a page break; so does an item wrapped there
    ("• Operations, Emergencies and" / "Post-Crisis")."""
    groups: list[str] = []
    first = i
    between: list[int] = []
    while i < end and (i in skipped or not lines[i].text.strip()):
        i += 1  # a page may end under the title: the list opens the next
    if i < end and not lines[i].text.strip().startswith("•"):
        ahead: list[int] = []  # the next text lines, furniture and blank lines aside
        m = i
        while m < end and len(ahead) <= LIST_REACH:
            if m not in skipped and lines[m].text.strip():
                ahead.append(m)
            m += 1
        j = next((m for m in ahead if _bullet_list_at(lines, m)), None)
        if j is not None:
            between = [k for k in ahead if k < j]
            i = j
    if i >= end or not lines[i].text.strip().startswith("•"):
        i = first  # no list: what follows the title is read from its first line
        while i < end and not lines[i].text.strip():
            i += 1
    while i < end and lines[i].text.strip().startswith("•"):
        name = lines[i].text.strip().lstrip("•").strip()
        i += 1
        while (
            (k := _across(lines, i, end, skipped)) is not None
            and not lines[k].text.strip().startswith("•")
            and _is_title_line(lines[k].text, continuation=True)
            and not _caps(lines[k].text)  # a heading in capitals after the list
            and _ends_open(name)  # "International Partnerships at the" / "Global and Regional Levels"
        ):
            name = f"{name} {lines[k].text.strip()}"
            i = k + 1
        groups.append(name)
        k = _across(lines, i, end, skipped)
        if k is not None and k != i and lines[k].text.strip().startswith("•"):
            i = k  # the list goes on on the next page
    return groups, i, between


def _group_at(
    lines: tuple[Line, ...], i: int, end: int, groups: list[str], seen: set[str], skipped: frozenset[int] = frozenset()
) -> tuple[int, str]:
    """A group heading: a line in capitals, or a group name of the list still ahead in the list's
    order (met again, or after a later group, the same words title an initiative: the IOM
    Development Fund is a group and a fund)."""
    keys = {normalize(g): g for g in groups}
    rows = [i]
    while len(rows) < 4 and (k := _across(lines, rows[-1] + 1, end, skipped)) is not None:
        rows.append(k)  # a heading goes on across a page break
    for n in range(1, len(rows) + 1):
        joined = normalize(_join(lines[k].text for k in rows[:n]))
        if joined in keys and (_caps(lines[i].text) or _still_ahead(keys[joined], groups, seen)):
            return rows[n - 1] - i + 1, keys[joined]
    text = lines[i].text.strip()
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= CAPS_HEADING and all(c.isupper() for c in letters) and text == text.upper():
        n = 1
        while (
            n < len(rows)
            and _caps(lines[rows[n]].text)
            and (rows[n] == rows[n - 1] + 1 or _ends_open(lines[rows[n - 1]].text))
            and normalize(_join(lines[k].text for k in rows[:n])) not in keys
        ):
            n += 1
        name = _join(lines[k].text for k in rows[:n])
        return rows[n - 1] - i + 1, name.title() if normalize(name) not in keys else keys[normalize(name)]
    return 0, ""


def _still_ahead(name: str, groups: list[str], seen: set[str]) -> bool:
    """A group of the list not met yet and not before one met: the groups come in the list's order."""
    met = [groups.index(g) for g in seen if g in groups]
    return name not in seen and groups.index(name) > max(met, default=-1)


def _caps(text: str) -> bool:
    letters = [c for c in text.strip() if c.isalpha()]
    return len(letters) >= CAPS_LETTERS and all(c.isupper() for c in letters)


def _is_title_line(text: str, continuation: bool = False, last: bool = True) -> bool:
    stripped = text.strip().strip('“”"')
    if not stripped or stripped[-1] in (".;:" if not last else ".,;:") or len(stripped) > TITLE_CHARS:
        return False
    words = _WORD.findall(stripped)
    if not words or len(words) > TITLE_WORDS:
        return False
    content = [w for w in words if w.lower() not in _SMALL]
    if not content:
        return False
    if not continuation and not (words[0][:1].isupper() or stripped[:1] == "("):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() for w in content)


def _chrome(text: str, i: int, furniture: Furniture | None) -> bool:
    """Page furniture, the part's own title and year, a page number: no title and no text."""
    stripped = text.strip()
    if not stripped:
        return False
    running = furniture is not None and (i in furniture or furniture.is_running(stripped))
    title = is_heading(stripped, "multiregional_title") or bool(_TITLE_YEAR.fullmatch(stripped))
    return running or title or stripped.isdigit()


def _title_span(
    lines: tuple[Line, ...],
    i: int,
    end: int,
    width: float = 0.0,
    skipped: frozenset[int] = frozenset(),
    pairs: Counter[tuple[str, str]] | None = None,
) -> int:
    """How many lines (one to four) a title starting at line i runs over; 0 if none starts there.

    A title line may end with a comma or a small word when the title goes on; the first line of
    the text may look like a title line ("Using Caring for Trafficked Persons: Guidance for"), so a
    line that ends with a small word before prose, or repeats the title's words, is text. A title
    goes on across a page break (`_goes_over`); the span then covers the page's furniture.
    """
    if not _is_title_line(lines[i].text, last=False):
        return 0
    rows = [i]
    words = set(_content(lines[i].text))
    while len(rows) < TITLE_LINES:
        k = rows[-1] + 1
        j = _across(lines, k, end, skipped)
        parted = j is None and (j := _small_after_blank(lines, k, end)) is not None
        if j is None or not _is_title_line(lines[j].text, continuation=True, last=False):
            break
        repeated = set(_content(lines[j].text))
        if repeated and repeated <= words:
            break  # the text starts by naming the initiative again
        if not parted and (j != k or lines[j].fresh) and not _goes_over(lines, rows, j, end, skipped, words, pairs):
            break  # two titles stacked, the page breaking between them
        words |= repeated
        rows.append(j)
    after = _across(lines, rows[-1] + 1, end, skipped)
    following = lines[after].text.strip() if after is not None else ""
    while rows and _ends_open(lines[rows[-1]].text) and following and not _is_title_line(following):
        following = lines[rows.pop()].text.strip()  # "... Guidance for" before prose: that line starts the text
    if not rows or not _is_title_line(lines[rows[-1]].text, continuation=len(rows) > 1):
        return 0
    if len(rows) > 1 and all(len(_WORD.findall(lines[r].text)) == 1 for r in rows[:-1]):
        return 0  # a word a line ("Offices," / "Administrative" / "Centres"): a squeezed column, no title
    span = rows[-1] - i + 1
    if span == 1 and following and following[:1].islower() and len(lines[i].text.strip()) >= SHORT * width:
        return 0  # a capitalised phrase inside a sentence (a short line ends its own: a title, the columns break)
    return span


def _small_after_blank(lines: tuple[Line, ...], k: int, end: int) -> int | None:
    """The line after blank lines (no page break) that goes on with a title: it opens with a small
    word in lower case ("Capacity-building towards Resilience: Reducing Risks" / "" / "of Population
    Displacement": an exporter that parts a page's text into blocks writes blank lines anywhere)."""
    j = k
    while j < end and not lines[j].text.strip():
        j += 1
    if j == k or j >= end or lines[j].fresh:
        return None
    first = _WORD.findall(lines[j].text.strip()[:20])
    return j if first and first[0] in _SMALL and lines[j].text.strip()[:1].islower() else None


def _goes_over(
    lines: tuple[Line, ...],
    rows: list[int],
    j: int,
    end: int,
    skipped: frozenset[int],
    words: set[str],
    pairs: Counter[tuple[str, str]] | None = None,
) -> bool:
    """A title goes on across a page break at line j when it breaks open ("... on Data and" /
    "Research", "... Reducing Risks" / "of Population Displacement") or one side of the break is a
    single line ("Humanitarian Assistance to Stranded" / "Migrants"; a line naming the title's
    words again is its text), or the words at the break join elsewhere in the part ("health
    needs"). A line after the break whose text names it, and nothing of the lines before, is a
    title of its own ("... Climate Change" / "Atlas of Environmental Migration" / "The Atlas of
    Environmental Migration will be ..."). Two titles stacked take two lines each at least (STACKED_LINES),
    "Second-level Training Course on / International Migration Law" over "Comparative Analysis of
    Legislation and / Identification of Good Practices"."""
    if _ends_open(lines[rows[-1]].text) or lines[j].text.strip()[:1].islower() or len(rows) == 1:
        return True
    last, first = _words_of(lines[rows[-1]].text), _words_of(lines[j].text)
    if pairs and last and first and pairs[(last[-1], first[0])]:
        return True  # its words join elsewhere in the part ("... Understanding of Health" / "Needs of ...")
    k = j + 1
    more = k < end and k not in skipped and lines[k].text.strip() and not lines[k].fresh
    named, after = set(_content(lines[k].text)), set(_content(lines[j].text))
    if not more or (named <= words | after and named & (words - after)):
        return True  # the text starts under it, naming the title again ("The Maps on Migration, ...")
    if len(named & after) >= 2 and not named & (words - after):
        return False  # the text under it names it alone: a title of its own ("Atlas of Environmental Migration")
    return not _is_title_line(lines[k].text, continuation=True, last=False)


def _across(lines: tuple[Line, ...], k: int, end: int, skipped: frozenset[int]) -> int | None:
    """The text line that goes on from line k: k itself; past a page break (page furniture, or
    blank lines before a page's first line), the next page's first text line; None after a
    blank line alone (a paragraph or a title ends there) or at the part's end."""
    j = k
    while j < end and (j in skipped or not lines[j].text.strip()):
        j += 1
    if j >= end:
        return None
    return j if j == k or lines[j].fresh or any(m in skipped for m in range(k, j)) else None


def _content(text: str) -> list[str]:
    words = (w.lower().lstrip("\u2019'") for w in _WORD.findall(text))
    return [w for w in words if w not in _SMALL and not w.startswith("iom")]


def _ends_open(text: str) -> bool:
    words = _WORD.findall(text.strip())
    return bool(words) and words[-1].lower() in _SMALL


def _statements(block: Block, n: int, lines: tuple[Line, ...]) -> list[Statement]:
    out = []
    for start, sentence in _sentences(block.text):
        if _OTHER_CURRENCY.search(sentence):
            at = start + _OTHER_CURRENCY.search(sentence).start()  # type: ignore[union-attr,unused-ignore]
            raise AmountUnparseable(
                lines[block.line_at(at)].ref,
                "an amount in another currency than USD (the appeal states its figures in USD)",
                value=sentence.strip(),
                fix="give the amount in USD in the raw file",
            )
        amounts = []
        for m in _AMOUNT.finditer(sentence):
            digits = m.group("a") or m.group("b")
            scale = _SCALES.get((m.group("m") or m.group("n") or "").lower(), 1)
            after = sentence[m.end("a") if m.group("a") else m.end("b") :]
            value = Decimal(digits.replace(",", "")) * scale  # "USD x.y million": exact, no float
            if (scale == 1 and _MALFORMED.match(after)) or value != value.to_integral_value():
                raise AmountUnparseable(
                    lines[block.line_at(start + m.start())].ref,
                    "cannot read the amount in this sentence as whole US dollars",
                    value=sentence[m.start() : m.end() + 8].strip(),
                    fix="write it in the raw file as whole US dollars, thousands separated by commas, or in millions",
                )
            where = lines[block.line_at(start + (m.start("a") if m.group("a") else m.start("b")))].ref
            amounts.append((int(value), m.start(), m.end(), where))
        if amounts:
            ref = lines[block.line_at(start + len(sentence) - len(sentence.lstrip()))].ref
            out.append(Statement(sentence.strip(), tuple(amounts), n, ref))
    return out


def _sentences(text: str) -> list[tuple[int, str]]:
    """The text's sentences with where each starts; an abbreviation ("U.S.", "e.g.") ends none."""
    out: list[tuple[int, str]] = []
    position = 0
    for piece in _SENTENCE_END.split(text):
        start = text.index(piece, position)
        if out and out[-1][1].rstrip().endswith(_ABBREVIATIONS):
            first = out[-1][0]
            out[-1] = (first, text[first : start + len(piece)])
        else:
            out.append((start, piece))
        position = start + len(piece)
    return out
