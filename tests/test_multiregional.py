"""The multiregional part: initiatives whose amounts stand in sentences, one test per trap.

The fixtures are excerpts of raw/migration-initiatives-2015.txt (the part's title and group list,
then the lines of one group), named after the trap they hold; the last tests read the whole
report's build.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.errors import AmountUnparseable
from etl.extract.text import bytes_to_document
from etl.gazetteer import load_gazetteer
from etl.pipeline import BuildReport
from etl.resolve.multiregional import InitiativeFigure, document_to_initiatives
from etl.segment.furniture import Furniture, lines_to_furniture
from etl.source import Document
from tests.conftest import FIXTURES, RAW, read

Said = tuple[str, int | None, str, str | None, str | None]  # status, USD, basis, period, note


@cache
def _report_furniture() -> Furniture:
    """The running lines of the whole report (by text: an excerpt has too few of them to find its own)."""
    found = lines_to_furniture(bytes_to_document(RAW.read_bytes(), "report").lines, load_gazetteer())
    return Furniture(frozenset(), frozenset(), found.keys)


def _figures(name: str) -> list[InitiativeFigure]:
    path = FIXTURES / f"{name}.txt"
    return document_to_initiatives(bytes_to_document(path.read_bytes(), name), _report_furniture())


def _said(figures: list[InitiativeFigure]) -> dict[str, list[Said]]:
    out: dict[str, list[Said]] = {}
    for f in figures:
        out.setdefault(f.initiative.title, []).append((f.status, f.value, f.basis, f.period, f.note))
    return out


def _groups(figures: list[InitiativeFigure]) -> dict[str, str]:
    return {f.initiative.title: f.initiative.group for f in figures}


def test_sentence_printed_before_its_heading() -> None:
    """'The funding required for 2015 is USD 240,000.' (line 31) closes a text printed above the
    two stacked group headings; its title, 'Global Migration Group Overview', comes 60 lines later."""
    figures = _figures("multiregional_sentence_before_its_heading")
    said = _said(figures)
    assert said["Global Migration Group Overview"] == [("amount", 240_000, "requirement", "2015", None)]
    assert next(f.ref.line for f in figures if f.value == 240_000) == 31
    assert said["Operational Support to Regional Consultative Processes on Migration"] == [
        ("amount", 300_000, "requirement", "2015", None)  # "... is USD" / "300,000." over two lines
    ]
    assert said["GMG Working Group on Mainstreaming Migration into National Development Strategies"] == [
        ("missing", None, "requirement", None, None)
    ]
    assert set(_groups(figures).values()) == {"International Partnerships at the Global and Regional Levels"}


def test_stacked_titles_ending_a_column() -> None:
    """The same excerpt as a PDF with three columns gives it: the second of the two stacked titles
    ends a column and the text about the first opens the next one, with no blank line between
    (a column start, marked by a leading space). That text is not the second title's for being
    right under it: each title keeps its own amount."""
    lines = (FIXTURES / "multiregional_sentence_before_its_heading.txt").read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith("Recognizing the need"))
    assert lines[at - 1] == "" and lines[at - 2] == "Society"
    text = "\n".join([*lines[: at - 1], " " + lines[at], *lines[at + 1 :]])
    said = _said(document_to_initiatives(bytes_to_document(text.encode(), "columns"), _report_furniture()))
    assert said["Operational Support to Regional Consultative Processes on Migration"] == [
        ("amount", 300_000, "requirement", "2015", None)
    ]
    assert said["Strengthening Collaboration with Civil Society"] == [("amount", 200_000, "requirement", "2015", None)]


def test_per_workshop_amount_printed_after_the_next_headings() -> None:
    """The Regional Trainings title (line 33) has no text under it: its text and 'per regional
    training workshop is USD 100,000' come 100 lines later, after the Atlas and MAP titles."""
    said = _said(_figures("multiregional_co_funding_and_per_workshop"))
    assert said["Regional Trainings Workshops on Migration, Environment and Climate Change"] == [
        ("amount", 100_000, "per_unit", None, "per regional training workshop")
    ]


def test_co_funding_out_of_a_larger_budget() -> None:
    """'This programme requires USD 660,000 in co-funding of an overall budget of USD 3.3 million.'"""
    said = _said(_figures("multiregional_co_funding_and_per_workshop"))
    assert said["Migration, Environment and Climate Change: Evidence for Policy"] == [
        ("amount", 660_000, "co_funding", None, "of an overall budget of USD 3,300,000")
    ]
    assert said["Atlas of Environmental Migration"] == [
        ("amount", 40_000, "co_funding", None, "of an overall budget of USD 174,500")  # "40,000 USD for ..."
    ]
    assert said["World Migration Report"] == [("amount", 600_000, "requirement", None, None)]  # a group and its text


def test_requirement_for_2014() -> None:
    said = _said(_figures("multiregional_requirement_for_2014"))
    essentials = next(v for k, v in said.items() if k.startswith("The Essentials of International Migration Law"))
    assert essentials == [("amount", 230_000, "requirement", "2014", None)]


def test_need_over_two_years_and_the_components_of_a_project() -> None:
    """'(a) Strengthening IOM's Principles ...' needs USD 1,000,000 for years 2 and 3; the project's
    'three other key components' need USD 10,475,000 over the next two years: the project's figure,
    not the component's. The components printed with no amount are missing."""
    figures = _figures("multiregional_two_year_need_and_components")
    said = _said(figures)
    assert said["Strengthening IOM\u2019s Emergency Response Capacity"] == [
        ("amount", 10_475_000, "multi_year", "2 years", None)
    ]
    component = next(v for k, v in said.items() if k.startswith("(a) Strengthening"))
    assert component == [("amount", 1_000_000, "multi_year", "years 2 and 3", None)]
    missing = sorted(k for k, v in said.items() if v[0][0] == "missing")
    assert missing == [
        "Capacity-building towards Resilience: Reducing Risks of Population Displacement",
        "Durable Solutions",
        "IOM Humanitarian Policy",
        "Pre-positioning of Humanitarian Relief Items",
        "Protection Mainstreaming",
        "Steering Committee for the Comprehensive Guide for Planning Mass Evacuation in Natural Disasters",
        "The World Humanitarian Summit and the Transformation through Innovation Thematic Team",
    ]


def test_fund_targets_and_replenishment() -> None:
    """'targets USD 5 million as its funding requirement. IOM seeks USD 4 million to replenish the
    Fund' (a fund with no title of its own: its text introduces it), 'requires USD 30 million to
    remain an effective tool', 'to reach its target of USD 10 million, the funding required is
    USD 1,000,000'. The IOM Development Fund is a group earlier and a fund here."""
    figures = _figures("multiregional_fund_targets_and_an_untitled_fund")
    said = _said(figures)
    assert said["Rapid Response Transportation Fund"] == [
        ("amount", 5_000_000, "target", None, None),
        ("amount", 4_000_000, "replenishment", None, None),
    ]
    assert said["Migration Emergency Funding Mechanism"] == [("amount", 30_000_000, "target", None, None)]
    assert sorted(said["IOM Development Fund"]) == [
        ("amount", 1_000_000, "requirement", None, None),
        ("amount", 10_000_000, "target", None, None),
    ]
    assert said["Emergency Preparedness Account"] == [("amount", 500_000, "requirement", "2015", None)]
    assert set(_groups(figures).values()) == {"IOM Funds"}


def test_a_report_without_the_part_has_no_initiatives() -> None:
    text = (FIXTURES / "table_amount_before_first_label.txt").read_bytes()
    assert document_to_initiatives(bytes_to_document(text, "excerpt")) == []


def _document(*body: str) -> Document:
    head = ["multiregional INITIATIVES", "", "\u2022 IOM Funds", "IOM FUNDS", "Emergency Preparedness Account"]
    return bytes_to_document("\n".join([*head, *body]).encode(), "generated")


@given(st.integers(min_value=1, max_value=10**10), st.booleans(), st.booleans())
def test_any_amount_in_a_sentence_is_read_exactly(usd: int, split: bool, after: bool) -> None:
    """'USD 1,234,567.' on one line or over two ('... is USD' / '1,234,567.'), or '1,234,567 USD' (a
    number after which USD is printed needs its thousands separator: '2015 USD 300,000' is no 2,015)."""
    amount = f"{usd:,} USD" if after and usd >= 1000 else f"USD {usd:,}"
    sentence = f"The funding required is {amount}."
    cut = sentence.index(amount) + amount.index(" ")
    body = [sentence[:cut], sentence[cut + 1 :]] if split else [sentence]
    figures = document_to_initiatives(_document("The EPA was established in 1993.", *body))
    assert [(f.status, f.value) for f in figures] == [("amount", usd)]


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=9))
def test_millions_are_exact(whole: int, tenth: int) -> None:
    """'USD 3.3 million' is 3,300,000, not a float's 3,299,999.99."""
    figures = document_to_initiatives(_document(f"The funding required is USD {whole}.{tenth} million."))
    assert [f.value for f in figures] == [whole * 1_000_000 + tenth * 100_000]


def _part(out: Path) -> dict[str, list[dict[str, object]]]:
    rows: dict[str, list[dict[str, object]]] = {}
    for r in read(out, "programmes"):
        if r["scope"] == "multiregional":
            rows.setdefault(str(r["title"]), []).append(r)
    return rows


def test_the_report_part_in_programmes(built_2015: tuple[Path, BuildReport]) -> None:
    part = _part(built_2015[0])
    rows = [r for rs in part.values() for r in rs]
    assert len(part) == 36 and len(rows) == 38
    assert all(r["region_id"] is None and r["country_iso3"] is None for r in rows)
    assert {r["status"] for r in rows} == {"amount", "missing"}
    missing = [t for t, rs in part.items() if rs[0]["status"] == "missing"]
    assert len(missing) == 8  # seven of Operations, Emergencies and Post-crisis, one GMG working group
    overview = part["Global Migration Group Overview"][0]
    assert overview["evidence"] == "The funding required for 2015 is USD 240,000."
    assert overview["source_ref"] == "raw/migration-initiatives-2015.txt:31330"
    assert overview["section_label"] == "International Partnerships at the Global and Regional Levels"
    assert overview["programme_id"] == (
        "multiregional/international_partnerships_at_the_global_and_regional_levels/global_migration_group_overview"
    )
    health = part["\u201cCaring for Trafficked Persons\u201d Training Package"][0]
    assert (health["area_id"], health["requirement_usd"]) == ("migration_health", 330_000)


def test_the_part_is_not_claimed_as_checked(built_2015: tuple[Path, BuildReport]) -> None:
    rows = [r for r in read(built_2015[0], "reconciliation") if r["check"] == "multiregional"]
    assert [(r["status"], r["region_id"], r["expected_usd"], r["actual_usd"]) for r in rows] == [
        ("not_checked", None, None, None)
    ]
    assert "nothing was added up" in str(rows[0]["note"])


@pytest.mark.parametrize("basis", ["per_unit", "target", "replenishment"])
def test_amounts_that_are_no_request_are_marked(built_2015: tuple[Path, BuildReport], basis: str) -> None:
    rows = [r for rs in _part(built_2015[0]).values() for r in rs if r["basis"] == basis]
    assert rows and all(r["status"] == "amount" for r in rows)


def _said_in(sentence: str) -> list[tuple[int | None, str, str | None, str | None]]:
    figures = document_to_initiatives(_document("The EPA was established in 1993.", sentence))
    return [(f.value, f.basis, f.period, f.note) for f in figures]


@pytest.mark.parametrize(
    ("sentence", "said"),
    [
        (
            "IOM requires USD 200,000 for 2015 and USD 300,000 for 2016.",
            [(200_000, "requirement", "2015", None), (300_000, "requirement", "2016", None)],
        ),
        (
            "Each costs USD 100,000 per workshop, and USD 1 million is required in total.",
            [(100_000, "per_unit", None, "per workshop"), (1_000_000, "requirement", None, None)],
        ),
        (
            "It seeks USD 500,000 in co-funding out of a total budget of USD 3.3 million.",
            [(500_000, "co_funding", None, "of an overall budget of USD 3,300,000")],
        ),
        ("The Fund has already raised USD 5 million.", [(5_000_000, "received", None, None)]),
        ("The funding required is USD 200,000 per year.", [(200_000, "requirement", "per year", None)]),
        ("First\u2010year funding requirement is USD 200,000.", [(200_000, "first_year", None, None)]),
        ("It needs USD 2 million over the next 10 years.", [(2_000_000, "multi_year", "10 years", None)]),
        ("The funding required for 2015-2016 is US$ 400,000.", [(400_000, "requirement", "2015-2016", None)]),
        ("The U.S. Government asks USD 5 mn for 2016.", [(5_000_000, "requirement", "2016", None)]),
    ],
)
def test_each_amount_is_read_in_its_own_clause(
    sentence: str, said: list[tuple[int, str, str | None, str | None]]
) -> None:
    assert _said_in(sentence) == said


@pytest.mark.parametrize(
    "sentence",
    [
        "The funding required is USD 240 000.",
        "The funding required is USD 1,5 million.",
        "The funding required is USD 1,500.50.",
        "The funding required is EUR 300,000.",
    ],
)
def test_an_amount_that_is_not_whole_us_dollars_is_refused(sentence: str) -> None:
    with pytest.raises(AmountUnparseable) as err:
        _said_in(sentence)
    assert err.value.where == "generated:7"


def test_a_group_heading_printed_above_the_last_initiative_of_the_group_before() -> None:
    """'International / Migration Law' (31718) stands just above the Platform on Diasporas' and
    Migrants' Investments and Remittances for Adaptation, whose text is about climate adaptation:
    it stays with Migration, Environment and Climate Change."""
    figures = _figures("multiregional_requirement_for_2014")
    assert "Platform on Diasporas\u2019 and Migrants\u2019 Investments and Remittances for Adaptation" in _groups(
        figures
    )


def _page_break_after_title(lines: list[str], title: str) -> list[str]:
    """The lines as pdfminer's extract_text writes a PDF whose page ends under `title`: footer,
    page number and next page's header apart by blank lines, the next page's text unindented."""
    at = lines.index(title) + 1
    page = ["Migration Initiatives 2015", "", "518", "", "\fMigration Initiatives 2015", ""]
    return [*lines[:at], *page, lines[at].lstrip(), *lines[at + 1 :]]


def test_a_title_ending_a_page_keeps_the_text_on_the_next() -> None:
    """'Public Opinion and Migration' (2015, line 31474) ends a page in a PDF of the report: its text
    and 'Total funding required for this is USD 250,000.' open the next, after the footer, the page
    number and the header. The text is still the title's, as when printed right under it."""
    lines = RAW.read_text(encoding="utf-8").split("\n")[31453:31491]
    title = "Public Opinion and Migration"
    for body in (lines, _page_break_after_title(lines, title)):
        said = _said(document_to_initiatives(_document("", *body), _report_furniture()))
        assert said[title] == [("amount", 250_000, "requirement", None, None)], said
        assert said["Migrant Fatalities"] == [("amount", 200_000, "first_year", None, None)]


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("multiregional_*.txt")))
def test_without_blank_lines_each_initiative_keeps_its_amounts(name: str) -> None:
    """An exporter that writes no blank lines: two titles stacked touch the second's text
    ("Operational Support ..." / "Strengthening Collaboration ..." / "Recognizing the need ..."),
    a column broken mid-sentence runs on into another initiative's text ("... at large. The
    e-learning" / "the course builds upon ..."), a title over three lines reads like two ("Multi-
    country Research Study on Older" / "Displaced People's Access ..."). Each initiative keeps its
    amounts, as with the blank lines."""
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    unspaced = "\n".join(line for line in text.split("\n") if line.strip())
    furniture = _report_furniture()
    got = _said(document_to_initiatives(bytes_to_document(unspaced.encode(), name), furniture))
    assert got == _said(_figures(name))


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("multiregional_*.txt")))
def test_a_page_that_ends_anywhere_changes_no_figure(name: str) -> None:
    """Pages of another size: a page break before every 5th line of the excerpt in turn, as pdfminer
    writes one (a blank line, a form feed before the next page's first line) and as a bare form
    feed. A sentence goes on across it ("... is USD" / "200,000."; "... of the" / "United States
    ..."), so do a title, a group heading and the list of groups; a line after it that only looks
    like a title is text. Each initiative keeps its amounts and its group."""
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    furniture = _report_furniture()
    want = _figures(name)
    digits = {k + 1 for k, line in enumerate(lines[:-1]) if line.rstrip().endswith("USD")}  # "... is USD" / "200,000."
    assert digits or name != "multiregional_sentence_before_its_heading"
    for at in sorted({*range(1, len(lines), 5), *digits}):
        if not lines[at].strip():
            continue
        page = ["", "\f" + lines[at]] if at % 2 else ["\f" + lines[at]]
        paged = "\n".join([*lines[:at], *page, *lines[at + 1 :]])
        got = document_to_initiatives(bytes_to_document(paged.encode(), name), furniture)
        assert (_said(got), _groups(got)) == (_said(want), _groups(want)), f"a page break before line {at + 1}"


@pytest.mark.parametrize(
    ("first", "last", "opening"), [(31900, 31927, "Centres"), (32222, 32245, "Development\u2019s")]
)
def test_a_page_that_ends_in_text_printed_a_word_a_line_goes_on(first: int, last: int, opening: str) -> None:
    """2015 prints justified lines a word a line ("Regional" / "Offices," / "Administrative" /
    "Centres" / "and" / "Headquarters;"). A page that ends inside them leaves a word alone at the top
    of the next: it goes on with the text, it opens no title ("Centres" took PRIMA's USD 150,000)."""
    lines = RAW.read_text(encoding="utf-8").split("\n")[first - 1 : last]
    at = lines.index(opening)
    want = _said(document_to_initiatives(_document("", *lines), _report_furniture()))
    for page in (["", "\f" + lines[at]], ["\f" + lines[at]]):
        paged = [*lines[:at], *page, *lines[at + 1 :]]
        assert _said(document_to_initiatives(_document("", *paged), _report_furniture())) == want


@pytest.mark.parametrize(
    ("first", "last", "ending"),
    [
        (31541, 31660, "Change"),  # "Regional Trainings Workshops on ... Climate Change" / "Atlas of ..."
        (31849, 31875, "Enhance Understanding of Health"),  # "... of Health" / "Needs of Trafficked Persons ..."
    ],
)
def test_a_page_that_ends_between_title_lines_with_its_furniture(first: int, last: int, ending: str) -> None:
    """pdfminer's whole page break (footer, page number, next page's header) after a title's line:
    two titles stacked stay two ("Atlas of Environmental Migration", whose text names it alone,
    took the 100,000 of the workshops above it), one title goes on ("Understanding of Health" /
    "Needs of ...": the words join in the part's text)."""
    lines = RAW.read_text(encoding="utf-8").split("\n")[first - 1 : last]
    at = lines.index(ending) + 1
    page = ["", "Migration Initiatives 2015", "", "671", "\fMigration Initiatives 2015", ""]
    want = _said(document_to_initiatives(_document("", *lines), _report_furniture()))
    paged = [*lines[:at], *page, *lines[at:]]
    assert _said(document_to_initiatives(_document("", *paged), _report_furniture())) == want


def test_a_title_over_three_lines_like_the_one_before() -> None:
    said = _said(_figures("multiregional_titles_alike_over_three_lines"))
    older = "Multi-country Research Study on Older Displaced People\u2019s Access to Health Care in Humanitarian"
    older += " Settings"
    assert said[older] == [("amount", 200_000, "additional", None, None)]
    assert len(said) == 3


@pytest.mark.parametrize("written", ["(cid:127)", "\x7f"])
def test_pdfminers_unmapped_bullet_opens_a_list_item(written: str) -> None:
    """pdfminer writes "(cid:127)" for the bullet that reportlab's standard fonts put at WinAnsi
    code 127, pypdf the code itself (U+007F): the list of the part's groups is still a list of
    bullets, and its groups the same."""
    text = (FIXTURES / "multiregional_sentence_before_its_heading.txt").read_text(encoding="utf-8")
    assert "\u2022" in text
    unmapped = text.replace("\u2022", written)
    doc = bytes_to_document(unmapped.encode(), "excerpt")
    assert [line.text for line in doc.lines] == text.split("\n")
    got = document_to_initiatives(doc, _report_furniture())
    want = _figures("multiregional_sentence_before_its_heading")
    assert (_said(got), _groups(got)) == (_said(want), _groups(want))


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u202f"])
def test_no_break_spaces_read_as_spaces(space: str) -> None:
    """An exporter that writes a no-break (or thin) space for each space, the leading ones too:
    the lines read as the plain text does (a title's words, a page start), the groups and figures
    the same ('Humanitarian\\xa0Assistance\\xa0to ...' was a title of its own)."""
    text = (FIXTURES / "multiregional_sentence_before_its_heading.txt").read_text(encoding="utf-8")
    spaced = text.replace(" ", space)
    doc = bytes_to_document(spaced.encode(), "excerpt")
    plain = bytes_to_document(text.encode(), "excerpt")
    assert [(line.text, line.fresh) for line in doc.lines] == [(line.text, line.fresh) for line in plain.lines]
    got = document_to_initiatives(doc, _report_furniture())
    want = _figures("multiregional_sentence_before_its_heading")
    assert (_said(got), _groups(got)) == (_said(want), _groups(want))


def test_pdfminers_blank_lines_inside_a_sentence() -> None:
    """pdfminer's text of a plain PDF of the report (each line drawn in Helvetica, a page number
    under each page) parts a page's text into blocks with a blank line between them, inside a
    sentence too: "... displacement and/or" / "" / "cross-border settings. Additional funding is
    required" / "" / "to conduct ..." / ... / "is USD" / "" / "200,000.". The sentence is one
    sentence still, and states its amount (it was 'missing')."""
    said = _said(_figures("multiregional_pdfminer_blank_lines_inside_sentences"))
    title = (
        "Multi-country Research Study on Older Displaced People\u2019s Access to Health Care in Humanitarian Settings"
    )
    assert said[title] == [("amount", 200_000, "additional", None, None)]
    assert said["Global Assistance Fund"] == [("amount", 300_000, "requirement", "2015", None)]
    assert said["Humanitarian Assistance to Stranded Migrants"] == [("amount", 250_000, "requirement", None, None)]


def test_pdfminers_blank_line_inside_a_title() -> None:
    """The same PDF's text parts a title over a blank line: "Capacity-building towards Resilience:
    Reducing Risks" / "" / "of Population Displacement". A line after a blank line that opens with
    a small word in lower case goes on with the title."""
    titles = set(_said(_figures("multiregional_pdfminer_title_parted_by_a_blank_line")))
    assert "Capacity-building towards Resilience: Reducing Risks of Population Displacement" in titles
    assert "Capacity-building towards Resilience: Reducing Risks" not in titles


def test_a_line_of_the_page_written_between_the_title_and_its_list() -> None:
    """pdfminer orders a page's blocks by their place and writes a wide block after the narrow ones:
    the glossary's last line ("Organisation for Security and Co-operation in Europe") came after the
    part's title, then the page number, then the list of groups on the next page. The list is still
    the part's list (its groups were lost, and the line read as a title of its own)."""
    name = "multiregional_sentence_before_its_heading"
    lines = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if line.strip().startswith("\u2022"))
    wide = ["Organisation for Security and Co-operation in Europe", "", "313", ""]
    moved = [*lines[:at], *wide, "\f" + lines[at], *lines[at + 1 :]]
    got = document_to_initiatives(bytes_to_document("\n".join(moved).encode(), "excerpt"), _report_furniture())
    want = _figures(name)
    assert (_said(got), _groups(got)) == (_said(want), _groups(want))
