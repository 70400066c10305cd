"""The report changed the ways another edition or another text exporter changes it: one structural
heading spelt otherwise or left out, the running footer renamed, no blank lines or a blank line after
every line, CRLF, form feeds, every line indented.
Each build gives the same rows as the original, or stops with one coded line naming a place near
the change; never a successful build with rows lost or added (README: What mi-etl guarantees).

`make test` runs one occurrence of each kind for each variant (tests/mutants.py `sample`);
`python -m tests.mutants` sweeps them all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from etl.extract import path_to_document
from etl.pipeline import BuildReport, document_to_rows
from etl.validate import Rows
from tests.conftest import RAW, read
from tests.mutants import (
    COMPARED,
    EXPORTS,
    Mutation,
    apply,
    figures,
    judge,
    paged_with_furniture,
    report_lines,
    sample,
    text_rows,
)

LINES = report_lines()
Figures = dict[str, list[tuple[Any, ...]]]


@pytest.fixture(scope="module")
def expected() -> Figures:
    return figures(text_rows("\n".join(LINES)))


@pytest.mark.parametrize("mutation", sample(LINES), ids=lambda m: m.name)
def test_a_heading_changed_gives_the_same_rows_or_stops_near_it(mutation: Mutation, expected: Figures) -> None:
    outcome = judge(mutation, "\n".join(apply(LINES, mutation)), expected)
    assert outcome.verdict in ("same", "error-near"), outcome.detail
    if outcome.verdict == "error-near":
        assert "\n" not in outcome.detail and outcome.detail.startswith("report.txt:")


@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_another_exporter_gives_the_same_rows(export: str, expected: Figures) -> None:
    outcome = judge(Mutation("export", export, 0, ""), EXPORTS[export](LINES), expected)
    assert outcome.verdict == "same", outcome.detail


def test_the_sample_covers_every_kind_and_variant() -> None:
    kinds = {m.kind for m in sample(LINES)}
    assert kinds == {
        "region_title",
        "country_column",
        "usd_column",
        "area_column",
        "total_row",
        "box_line",
        "multiregional_title",
        "country_heading",
        "running_footer",
        "theme_line",
    }
    assert {"deleted", "upper", "lower", "plural"} <= {m.variant for m in sample(LINES)}


def test_pdfminers_text_of_a_pdf_of_the_report_gives_the_same_rows(
    built_2015: tuple[Path, BuildReport], expected: Figures, tmp_path: Path
) -> None:
    """The whole report rendered as a one-column PDF (tests/pdfgen.py: a running header and a page
    number on each of its 500-odd pages, tables as the report prints them) and given as the text
    pdfminer's `extract_text` writes for it: each page's furniture between blank lines and after a
    form feed, anywhere in a programme's text, a list of target populations or under a
    multiregional title. The same rows as the text, descriptions and target populations included.
    (A two-column PDF's export is not read: README, What mi-etl guarantees.)"""
    from tests import pdfgen as g

    report = g.with_table_pages(g.read_lines(RAW), built_2015[0])
    pdf = tmp_path / "report.pdf"
    layout = g.Layout(follow_marks=True, columns=1)
    g.render_report(report.lines, pdf, tables=report.tables, cover=True, layout=layout)
    got = text_rows(g.pdfminer_text(pdf), "report.txt")
    want = {t: _as_drawn(read(built_2015[0], t), c) for t, c in g.COMPARED.items()}
    for table, columns in g.COMPARED.items():
        assert _as_drawn([r.model_dump() for r in getattr(got, table)], columns) == want[table], table
    # pypdf's text of the same PDF (no page marks, no blank lines): the same figures. A title over
    # three lines right under the text of the initiative before ("... multi-country study ...")
    # stays one title ("Multi-country Research Study on Older" / "Displaced People's Access ..."):
    # the text printed right above a title is not what a part of it is about
    outcome = judge(Mutation("export", "pypdf", 0, ""), _pypdf_text(pdf), expected)
    assert outcome.verdict == "same", outcome.detail


def _plain_pdf(path: Path, per_page: int) -> Path:
    """The report's text drawn as another tool would draw it, with nothing of tests/pdfgen.py: each
    line at its place in Helvetica 7 pt on a landscape A3 page, `per_page` lines a page (80 fit; of
    100, the last ten run past the page's bottom edge), the page's number under them."""
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.pdfgen import canvas

    width, height = landscape(A3)
    page = canvas.Canvas(str(path), pagesize=(width, height))
    for n, start in enumerate(range(0, len(LINES), per_page), start=1):
        page.setFont("Helvetica", 7)
        for k, line in enumerate(LINES[start : start + per_page]):
            page.drawString(30, height - 40 - 8.75 * k, line)
        page.drawString(width / 2, 20, str(n))
        page.showPage()
    page.save()
    return path


def _pypdf_text(pdf: Path) -> str:
    """The text pypdf's `extract_text` gives, its pages one after the other (no form feed, no blank line)."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


@pytest.mark.parametrize("extractor", ["mi-etl", "pdfminer", "pypdf"])
def test_a_plain_pdf_of_the_report_gives_the_same_figures(extractor: str, expected: Figures, tmp_path: Path) -> None:
    """80 lines a page. pdfminer's text: a paragraph that runs on from another initiative's text
    across a page ("... Beyond the scope ..., IOM has identified three other key components ... USD
    10,475,000") states what the project its components make up needs (it went to Durable
    Solutions). pypdf's: its pages joined with no page mark, the bullet written as the character
    U+007F, and a sentence begun at a column's end ("... at large. The e-learning") that goes on
    where its words join ("tool will include ..."), not in the next text opening mid-sentence (a
    group lost its list, two amounts went to another initiative)."""
    from pdfminer.high_level import extract_text

    pdf = _plain_pdf(tmp_path / "plain.pdf", 80)
    if extractor == "mi-etl":  # the PDF itself, read by position (its bullet, WinAnsi's 127, is no character)
        rows = Rows()
        document_to_rows(path_to_document(pdf), rows, jobs=1)
        assert figures(rows) == expected
        return
    text = extract_text(str(pdf)) if extractor == "pdfminer" else _pypdf_text(pdf)
    outcome = judge(Mutation("export", f"plain PDF, {extractor}", 0, ""), text, expected)
    assert outcome.verdict == "same", outcome.detail


def test_pdfminers_text_of_a_plain_pdf_that_overruns_its_pages(expected: Figures, tmp_path: Path) -> None:
    """100 lines a page, the last ten past the page's bottom edge, over the page number: pdfminer's
    `extract_text` parts each page into blocks by where its lines end, and writes blank lines
    between them (inside a sentence, a title, a list of target populations) and a wide block after
    the narrow ones (a glossary line between the multiregional title and its list of groups). The
    same figures (a group lost its three initiatives, three amounts went to another initiative
    or none, a phantom initiative was added)."""
    from pdfminer.high_level import extract_text

    pdf = _plain_pdf(tmp_path / "plain.pdf", 100)
    got = figures(text_rows(extract_text(str(pdf)), "report.txt"))
    period = COMPARED["programmes"].index("period")
    for table in COMPARED:
        assert [_without(r, period, table) for r in got[table]] == [_without(r, period, table) for r in expected[table]]
    # one sentence pdfminer writes after its amount, the block's order turned ("USD 500,000." /
    # "Funding requirement for the EPA for 2015 is"): the amount is read, not the year it names
    lost = {r[0] for r in set(expected["programmes"]) - set(got["programmes"])}
    assert lost == {"multiregional/iom_funds/emergency_preparedness_account"}


def _without(row: tuple[Any, ...], column: int, table: str) -> tuple[Any, ...]:
    return row[:column] + row[column + 1 :] if table == "programmes" else row


def _as_drawn(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """Rows as the PDF's fonts draw them (tests/pdfgen.py: U+2010 as "-", a tab as a space)."""

    def same(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("\u2010", "-").replace("\u2011", "-").replace("\t", " ")
        if isinstance(value, (list, tuple)):
            return tuple(same(v) for v in value)
        return value

    return sorted((tuple(same(r[c]) for c in columns) for r in rows), key=repr)


def test_a_missing_heading_goes_by_the_alphabet_of_the_others(expected: Figures) -> None:
    """SERBIA's heading left out: its section goes after RUSSIAN FEDERATION, where the alphabet of
    the printed headings puts it, not before "UNSC resolution 1244-administered KOSOVO" (printed
    among the K's, out of that order). It was placed after KAZAKHSTAN, and the region could not be
    paired within the time bound."""
    at = next(n for n, line in enumerate(LINES) if line.strip() == "SERBIA")
    mutation = Mutation("country_heading", "deleted", at + 1, "")
    outcome = judge(mutation, "\n".join(apply(LINES, mutation)), expected)
    assert outcome.verdict == "same", outcome.detail


def test_a_missing_heading_does_not_start_at_a_regional_text_naming_its_country(expected: Figures) -> None:
    """AUSTRIA's heading left out: the regional programme under "Regional Programmes" whose text
    names fourteen of the region's countries, Austria among them ("... conducted in Austria,
    Belgium, Italy and Spain"), stays regional. Austria's section was taken to start at it: the
    region's 1,000,000 went to Austria and Austria's "Funded" to the regional row, every sum still
    holding."""
    at = next(n for n, line in enumerate(LINES) if line.strip() == "AUSTRIA")
    mutation = Mutation("country_heading", "deleted", at + 1, "")
    outcome = judge(mutation, "\n".join(apply(LINES, mutation)), expected)
    assert outcome.verdict == "same", outcome.detail


def test_a_missing_heading_of_a_renamed_country_goes_where_another_of_its_names_sorts(expected: Figures) -> None:
    """'Cabo Verde' left out: the report prints it after CAMEROON, where its former name "Cape Verde"
    sorts, not after BURKINA FASO, where "Cabo Verde" would. The sums rule out the first placement;
    the region is laid out again by the country's other names and the one that adds up is taken.
    It stopped with an error naming BURKINA FASO's heading, 356 lines from the change."""
    at = [n for n, line in enumerate(LINES) if line.strip() == "Cabo Verde"][-1]  # the heading, after the table's row
    mutation = Mutation("country_heading", "deleted", at + 1, "")
    outcome = judge(mutation, "\n".join(apply(LINES, mutation)), expected)
    assert outcome.verdict == "same", outcome.detail


def test_a_missing_heading_claims_no_label_printed_after_the_next_heading(expected: Figures) -> None:
    """CHAD's heading left out: Chad's section may start anywhere after CENTRAL AFRICAN REPUBLIC's
    boxes, but it ends before CONGO's printed heading, so Congo's 'Migration Policy and Research'
    label, printed after that heading, is no label of Chad's. It was: Chad's policy amount then
    answered for that label, and of Côte d'Ivoire's and Congo's two amounts of 2,500,000 each
    took the other's section (every sum held both ways)."""
    at = next(n for n, line in enumerate(LINES) if line.strip() == "CHAD")
    mutation = Mutation("country_heading", "deleted", at + 1, "")
    outcome = judge(mutation, "\n".join(apply(LINES, mutation)), expected)
    assert outcome.verdict == "same", outcome.detail


def _page(number: int) -> list[str]:
    """A page break as pdfminer writes it: the footer, the page number, the next page's header."""
    return ["", "Migration Initiatives 2015", "", str(number), "\fIOM appeal 2015", ""]


def _break_inside(lines: list[str], first: str, second: str) -> list[str]:
    """Pages of 61 lines, and a page break between every line `first` and the line `second`
    after it (a blank line may stand between)."""
    out: list[str] = []
    for n, line in enumerate(lines):
        if n and n % 61 == 0:
            out += _page(len(out) // 61)
        out.append(line)
        after = next((m for m in range(n + 1, min(n + 3, len(lines))) if lines[m].strip()), None)
        if line.strip() == first and after is not None and lines[after].strip() == second:
            out += _page(len(out) // 61)
    return out


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Funding requirements for", "Asia and the Pacific"),  # a region's title: "Migration Initiatives 2015" named it
        ("Labour Migration and Human", "Development"),  # an area label: the amount lost its label
        ("multiregional INITIATIVES", "\u2022 International Partnerships at the"),  # the title, its list of groups
        ("Operations, Emergencies and Post-crisis", "Funding requirement (in USD)"),  # a box's label, its box line
    ],
)
def test_a_page_that_ends_inside_a_name_printed_over_two_lines(first: str, second: str, expected: Figures) -> None:
    """A page of another size ends between a name's two lines, or between the multiregional title
    and its list of groups: the footer, the page number and the next page's header stand between
    them. They are read across them, as a reader reads them (the list was lost: a group's three
    initiatives went to the group before)."""
    lines = _break_inside(LINES, first, second)
    assert len(lines) > len(LINES) + 6 * (len(LINES) // 61)
    outcome = judge(Mutation("export", f"break inside {first!r}", 0, ""), "\n".join(lines), expected)
    assert outcome.verdict == "same", outcome.detail


@pytest.mark.parametrize(
    ("every", "offset"),
    [
        (45, 30),  # "... strengthening IOM's Principled for Humanitarian" / page / "Action through ..."
        (62, 50),  # "In partnership with the Gender Violence and Health" / page / "Centre of the London ..."
        (52, 26),  # a region's title, and the first box's label and its box line, split by pages
        (41, 17),  # the multiregional title and its list of groups
        (47, 9),  # "... Climate Change" / page / "Atlas of Environmental Migration"
        (65, 21),  # "... National Development" / page / "Strategies with the United Nations ..."
    ],
)
def test_pages_of_another_size_with_their_furniture(every: int, offset: int, expected: Figures) -> None:
    """The whole report paginated anew, pdfminer's whole page break (footer, page number, next
    page's header) wherever the pages end: the same rows. Each of these paginations broke a figure
    or a label before."""
    outcome = judge(
        Mutation("export", f"pages of {every}", 0, ""), paged_with_furniture(LINES, every, offset), expected
    )
    assert outcome.verdict == "same", outcome.detail


@pytest.mark.parametrize(
    ("line", "printed"),
    [
        (3570, "Funding requirement (in USD)"),  # Angola: its 1,000,000 gained the label printed under BOTSWANA
        (13975, "Funding requirement (in USD)"),  # Cambodia: its 1,500,000 gained the label printed before CAMBODIA
        (19650, "Funding requirement (in USD)"),  # Azerbaijan: the box line under its label: the amount lost it
        (20556, "Funding requirement (in USD)"),  # Georgia: its 500,000 lost its label
        (9131, "Funding requirement (in USD)"),  # Togo: its 600,000 gained a label
        (15317, "Funding requirement (in USD)"),  # two amounts of one area, two labels: the nearer pairs
        (15403, "MARSHALL ISLANDS"),  # the next country's heading: Maldives' 500,000 lost its label
    ],
)
def test_a_box_line_or_heading_left_out_changes_no_label(line: int, printed: str, expected: Figures) -> None:
    """One box line ("Funding requirement (in USD)") or one country heading left out: every amount
    keeps its area and the label that names it. Which box an amount goes to, and so whether its
    box's label named it, turned on the box lines; an amount no label near it or its box names
    now takes, by elimination, the one label of its area by its section that no other amount took."""
    assert LINES[line - 1].strip() == printed
    mutation = Mutation("box_line" if printed.startswith("Funding") else "country_heading", "deleted", line, "")
    outcome = judge(mutation, "\n".join(apply(LINES, mutation)), expected)
    assert outcome.verdict == "same", outcome.detail
