"""The "Target populations" lists (etl/segment/lexicon.py `population_lines`): a list cut by a page
break goes on across it; the text after a list, the next page's or the other column's, is not taken
for its items.

The excerpts are the 2015 report's lines (raw/migration-initiatives-2015.txt) and the lines pdfminer
writes for the test generator's one-column PDF of it (tests/pdfgen.py), as the pipeline reads them:
page furniture blanked (etl/resolve `reading_lines`)."""

from __future__ import annotations

from pathlib import Path

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


def test_a_list_that_a_page_break_cuts_goes_on_on_the_next_page() -> None:
    """pdfminer's page break: a blank line, the footer, the page number, a form feed before the
    next page's running header, a blank line; then the rest of the list."""
    text = "\n".join(
        [
            "Target populations",
            "Governments and regional bodies",
            "",
            "Migration Initiatives 2015",
            "",
            "117",
            "\f European Union, Switzerland and Norway",
            "",
            "Migrants and vulnerable populations",
            "Local NGOs and CSOs",
            "",
            "Migration Health",
        ]
    )
    assert _items(text) == [
        "Governments and regional bodies",
        "Migrants and vulnerable populations",
        "Local NGOs and CSOs",
    ]


def test_an_item_the_report_lists_nowhere_else_goes_on_when_its_block_reads_as_a_list() -> None:
    text = "Target populations\nGovernments and regional bodies\n\n\fUN/IOs/INGOs\nAcademia\n"
    assert _items(text) == ["Governments and regional bodies", "UN/IOs/INGOs", "Academia"]


def test_the_next_pages_paragraph_is_not_taken_for_items() -> None:
    """2015, Lithuania: the page's running header, then the end of another column's paragraph."""
    text = "\n".join(
        [
            "Target populations",
            "Governments and regional bodies",
            "Media",
            "Private sector",
            "Academia",
            " European Union, Switzerland and Norway",
            "",
            "border-related health issues among public health",
            "authorities, law enforcement services and health-care",
            "providers within the framework of the EU-funded",
            "Equi-Health project.",
        ]
    )
    assert _items(text) == ["Governments and regional bodies", "Media", "Private sector", "Academia"]


def test_a_blank_line_without_a_page_break_ends_the_list() -> None:
    text = "Target populations\nGovernments and regional bodies\n\nMigrants and vulnerable populations\n"
    assert _items(text) == ["Governments and regional bodies"]


def test_two_columns_read_line_by_line_keep_only_the_lists_items() -> None:
    """2015, Georgia: the list's column and a paragraph's column read into one, line by line."""
    text = "\n".join(
        [
            "Target populations",
            "Abkhazia and South Ossetia. These mobile centres",
            "Governments and regional bodies",
            "will provide tuberculosis screening, diagnosis and",
            "basic health services, with the aim of joining global",
            "efforts to end tuberculosis.",
            "Migrant Assistance",
        ]
    )
    assert _items(text) == ["Governments and regional bodies"]


def test_the_sentence_printed_under_a_list_is_not_an_item() -> None:
    """The one-column PDF's text (pdfminer): no column mark before the next paragraph."""
    text = "\n".join(
        [
            "Target populations",
            "Governments and regional bodies",
            "Migrants and vulnerable populations",
            "Academia",
            "Media",
            "IOM will give support and advice on migration",
            "topics in preparation for the twentieth and twentyfirst sessions of the",
        ]
    )
    assert _items(text) == [
        "Governments and regional bodies",
        "Migrants and vulnerable populations",
        "Academia",
        "Media",
    ]
    assert _items("Target populations\nMedia\nTo address the numerous migration challenges, the\n") == ["Media"]


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


def test_a_bare_form_feed_inside_a_list_goes_on_with_the_reports_own_items() -> None:
    """A page break with no blank line and no furniture (a bare form feed before the next line):
    the next page opens with an item the report lists elsewhere, the list goes on."""
    text = "Target populations\nGovernments and regional bodies\n\fMigrants and vulnerable populations\n\nAVRR\n"
    assert _items(text) == ["Governments and regional bodies", "Migrants and vulnerable populations"]
    other = "Target populations\nGovernments and regional bodies\n\fIOM will support the Government\n"
    assert _items(other) == ["Governments and regional bodies"]
