"""The "Target populations" lists (etl/segment/lexicon.py `population_lines`): a list cut by a page
break goes on across it; the text after a list, the next page's or the other column's, is not taken
for its items.

The excerpts are the 2015 report's lines (raw/migration-initiatives-2015.txt) and the lines pdfminer
writes for the test generator's one-column PDF of it (tests/pdfgen.py), as the pipeline reads them:
page furniture blanked (etl/resolve `reading_lines`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.extract.text import bytes_to_document
from etl.gazetteer import normalize
from etl.pipeline import BuildReport
from etl.segment.lexicon import is_target_populations, population_lines
from etl.source import Line
from tests.conftest import read
from tests.mutants import report_lines, text_rows

# what the report lists in many programmes (`listed_items` finds them in the report itself)
LISTED = frozenset(
    normalize(item)
    for item in ("Governments and regional bodies", "Migrants and vulnerable populations", "Local NGOs and CSOs")
)
FURNITURE = ("Migration Initiatives 2015", "117", " European Union, Switzerland and Norway")


def _reading(text: str) -> tuple[Line, ...]:
    """The excerpt's lines with its furniture blanked, as `reading_lines` gives them."""
    lines = bytes_to_document(text.encode("utf-8"), "excerpt.txt").lines
    return tuple(Line("", line.ref, line.fresh) if line.text.lstrip("\f") in FURNITURE else line for line in lines)


def _items(text: str) -> list[str]:
    lines = _reading(text)
    first = next(i for i, line in enumerate(lines) if is_target_populations(line.text))
    return [lines[k].text.strip() for k in population_lines(lines, first + 1, len(lines), listed=LISTED)]


GOV, MIG = "Governments and regional bodies", "Migrants and vulnerable populations"
PAGE = ["", "Migration Initiatives 2015", "", "117", "\f European Union, Switzerland and Norway", ""]

# name -> (the excerpt's lines after "Target populations", the list's items)
EXCERPTS: dict[str, tuple[list[str], list[str]]] = {
    # pdfminer's page break (footer, page number, next page's header), then the rest of the list
    "a_page_break_cuts_the_list": ([GOV, *PAGE, MIG, "Local NGOs and CSOs", "", "Migration Health"],
                                   [GOV, MIG, "Local NGOs and CSOs"]),
    # an item the report lists nowhere else goes on when its block reads as a list
    "a_block_of_items_after_a_form_feed": ([GOV, "", "\fUN/IOs/INGOs", "Academia"], [GOV, "UN/IOs/INGOs", "Academia"]),
    # 2015, Lithuania: the page's running header, then the end of another column's paragraph
    "the_next_pages_paragraph": ([GOV, "Media", "Private sector", "Academia", PAGE[4].lstrip("\f"), "",
                                  "border-related health issues among public health",
                                  "authorities, law enforcement services and health-care",
                                  "providers within the framework of the EU-funded", "Equi-Health project."],
                                 [GOV, "Media", "Private sector", "Academia"]),
    # a blank line, no page break: the list ends, unless an item the report lists elsewhere follows
    # (pdfminer parts a page's text into blocks, and writes a blank line between them, inside a list
    # too), or the list has not begun (a blank line under the heading: the lines that PDF gives)
    "a_blank_line_and_no_page_break": ([GOV, "", "Academia", "Media"], [GOV]),
    "a_blank_line_before_a_listed_item": ([GOV, "", MIG, "", "Local NGOs and CSOs", "", "Migration Health"],
                                          [GOV, MIG, "Local NGOs and CSOs"]),
    "a_blank_line_under_the_heading": (["", "UN/IOs/INGOs", "Academia", "", "Funding requirement (in USD)"],
                                       ["UN/IOs/INGOs", "Academia"]),
    "a_blank_line_under_the_heading_before_a_sentence": (["", "IOM will support the Government", "in the area of"], []),
    # 2015, Georgia: the list's column and a paragraph's column read into one, line by line
    "two_columns_read_line_by_line": (["Abkhazia and South Ossetia. These mobile centres", GOV,
                                       "will provide tuberculosis screening, diagnosis and",
                                       "basic health services, with the aim of joining global",
                                       "efforts to end tuberculosis.", "Migrant Assistance"], [GOV]),
    # the one-column PDF's text (pdfminer): no column mark before the next paragraph
    "a_sentence_under_the_list": ([GOV, MIG, "Academia", "Media", "IOM will give support and advice on migration",
                                   "topics in preparation for the twentieth and twentyfirst sessions of the"],
                                  [GOV, MIG, "Academia", "Media"]),
    "a_line_ending_on_a_small_word": (["Media", "To address the numerous migration challenges, the"], ["Media"]),
    # a bare form feed (no blank line, no furniture): an item the report lists elsewhere goes on
    "a_bare_form_feed_before_a_listed_item": ([GOV, "\f" + MIG, "", "AVRR"], [GOV, MIG]),
    "a_bare_form_feed_before_a_sentence": ([GOV, "\fIOM will support the Government"], [GOV]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXCERPTS))
def test_the_lists_items(name: str) -> None:
    lines, items = EXCERPTS[name]
    assert _items("\n".join(["Target populations", *lines])) == items


def test_pages_that_end_inside_lists_change_no_programme(built_2015: tuple[Path, BuildReport]) -> None:
    """The whole report, a pdfminer page break (footer, page number, running header) after the first
    item of every fifth list of two or more items: every programme's target populations and
    description are the original's."""
    lines = report_lines()
    out: list[str] = []
    lists = 0
    i = 0
    while i < len(lines):
        out.append(lines[i])
        two = i + 2 < len(lines) and lines[i + 1].strip() and lines[i + 2].strip() and not lines[i + 2].startswith(" ")
        if is_target_populations(lines[i]) and two:
            lists += 1
            if lists % 5 == 0:
                out += [lines[i + 1], "", FURNITURE[0], "", FURNITURE[1], "\f" + FURNITURE[2], ""]
                i += 2
                continue
        i += 1
    assert lists > 400
    got = {r.programme_id: (r.target_populations, r.description) for r in text_rows("\n".join(out)).programmes}
    want = {r["programme_id"]: (r["target_populations"], r["description"]) for r in read(built_2015[0], "programmes")}
    assert set(got) == set(want)
    differ = sorted(k for k in want if (list(got[k][0]), got[k][1]) != (list(want[k][0]), want[k][1]))
    assert not differ, differ[:5]


def test_a_page_that_ends_inside_a_regions_last_list(built_2015: tuple[Path, BuildReport]) -> None:
    """A pdfminer page break after the first item of each region's last list (the one before the
    next region's table or the multiregional part): the region's programmes run to the list's end,
    read as the programmes' lists are, not to the break (Togo's, Viet Nam's, Uzbekistan's and the
    United Kingdom's lists lost their items after it)."""
    lines = report_lines()
    ends = [n for n, line in enumerate(lines) if line.strip().lower() in ("funding requirements for", "acronyms")]
    last = {max(k for k in range(end) if is_target_populations(lines[k])) for end in ends[1:]}
    out: list[str] = []
    for n, line in enumerate(lines):
        out.append(line)
        if n - 1 in last:
            out += ["", FURNITURE[0], "", FURNITURE[1], "\f" + FURNITURE[2], ""]
    assert len(last) >= 7
    got = {r.programme_id: r.target_populations for r in text_rows("\n".join(out)).programmes}
    want = {r["programme_id"]: r["target_populations"] for r in read(built_2015[0], "programmes")}
    assert {k: list(v) for k, v in got.items()} == {k: list(v) for k, v in want.items()}
