"""The Parquet tables: name, columns with types and meaning, primary key. Declarations only."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

STR = pa.string()
DICT = pa.dictionary(pa.int32(), pa.string())  # repeated short strings: ids, codes, statuses
USD = pa.int64()


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    nullable: bool
    description: str


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]
    # Holds where every field is set. A composite key some rows leave partly null (region_id of a
    # multiregional row) cannot be stated in a Table Schema, so the descriptor leaves it out; the
    # tests check it.
    partial: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    def schema(self) -> pa.Schema:
        return pa.schema(
            [
                pa.field(c.name, c.type, nullable=c.nullable, metadata={"description": c.description})
                for c in self.columns
            ],
            metadata={"description": self.description, "primary_key": ",".join(self.primary_key)},
        )


def _c(name: str, type_: pa.DataType, description: str, nullable: bool = False) -> Column:
    return Column(name, type_, nullable, description)


REPORT_ID = _c("report_id", DICT, "report identifier, e.g. mi-2015 (Migration Initiatives 2015)")
REGION_ID = _c(
    "region_id",
    DICT,
    "IOM region id: etl/data/regions.csv's (e.g. east_horn_africa), or derived from the printed title of a"
    " region it does not list (e.g. sub_saharan_africa)",
)
SOURCE_REF = _c("source_ref", STR, "where the figure was read: file:line (text) or file#pPAGE (PDF)")
SOURCE_BOX = _c(
    "source_box",
    STR,
    "PDF only: the box of the figure's characters on its page, 'x0,top,x1,bottom' in points from the"
    " page's top left; null for text input",
    True,
)
EVIDENCE = _c("evidence", STR, "what fixed the pairing of label and amount, in words")
STATUS = _c("status", DICT, "amount (a USD figure), or funded (printed 'funded': nothing requested)")
USD_NULLABLE = _c("requirement_usd", USD, "funding requirement in whole USD; null unless status is amount", True)

IN_REGION = ForeignKey(("report_id", "region_id"), "regions", ("report_id", "region_id"))
IN_REGION_IF_ANY = ForeignKey(("report_id", "region_id"), "regions", ("report_id", "region_id"), partial=True)
IN_REPORT = ForeignKey(("report_id",), "reports", ("report_id",))
OF_COUNTRY = ForeignKey(("country_iso3",), "countries", ("country_iso3",))
OF_AREA = ForeignKey(("area_id",), "areas", ("area_id",))

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "reports",
            "One row per raw report read.",
            (
                REPORT_ID,
                _c("title", STR, "report title as printed, e.g. Migration Initiatives 2015"),
                _c("edition", pa.int32(), "year of the edition"),
                _c("source_file", STR, "path of the raw file, relative to the build's working folder"),
                _c("source_sha256", STR, "SHA-256 of the raw file's bytes"),
                _c("source_kind", DICT, "text (text extracted from a PDF) or pdf"),
                _c("lines", pa.int32(), "lines of text read from the file"),
            ),
            ("report_id",),
        ),
        TableSpec(
            "pages",
            "One row per page of each PDF read: where every character drawn on it went (spaces not counted):"
            " chars_drawn = chars_in_lines + chars_furniture + chars_turned + chars_overprinted. No rows for text"
            " input.",
            (
                _c("source_file", STR, "path of the raw PDF, relative to the build's working folder"),
                _c("page", pa.int32(), "page number in the file (1-based), as in source_ref's #pPAGE"),
                _c("report_id", DICT, "the report the file is; null for an IOM Development Fund project page", True),
                _c("chars_drawn", pa.int32(), "characters drawn on the page"),
                _c("chars_in_lines", pa.int32(), "characters read into the document's lines"),
                _c(
                    "chars_furniture",
                    pa.int32(),
                    "characters left out as running header, footer or page number (told by their repetition on"
                    " nearby pages)",
                ),
                _c("chars_turned", pa.int32(), "characters left out as text turned sideways or upside down"),
                _c(
                    "chars_overprinted",
                    pa.int32(),
                    "characters left out as copies printed over their own character (fake bold, read once)",
                ),
                _c("furniture", pa.list_(pa.string()), "the rows left out as furniture, as printed (top row first)"),
            ),
            ("source_file", "page"),
            (ForeignKey(("report_id",), "reports", ("report_id",), partial=True),),
        ),
        TableSpec(
            "regions",
            "One row per IOM region of a report, with the total of its funding table.",
            (
                REPORT_ID,
                REGION_ID,
                _c("region_name", STR, "standard name of the region (etl/data/regions.csv), or its title as printed"),
                _c("region_label", STR, "region title as printed above its funding table"),
                _c("total_usd", USD, "the table's 'Total funding requirement' in whole USD"),
                _c("sections", pa.int32(), "country rows plus the regional-programmes row of the table"),
                _c(
                    "resolution",
                    DICT,
                    "optimal (every sum holds, or a box lacks its amount; search closed), time_bound (the best"
                    " pairing found when a solve reached --time-limit) or unbalanced (the report's sums do not"
                    " all hold: paired by position and evidence, every failing sum reported)",
                ),
                SOURCE_REF,
                SOURCE_BOX,
                EVIDENCE,
            ),
            ("report_id", "region_id"),
            (ForeignKey(("report_id",), "reports", ("report_id",)),),
        ),
        TableSpec(
            "region_countries",
            "The country column of each regional funding table: one row per country and the regional-programmes row.",
            (
                REPORT_ID,
                REGION_ID,
                _c("row_label", STR, "the row label as printed (Regional Programmes, or a country name)"),
                _c(
                    "country_iso3",
                    DICT,
                    "ISO 3166-1 alpha-3 (Kosovo: XKX); null for the regional-programmes row",
                    True,
                ),
                STATUS,
                USD_NULLABLE,
                SOURCE_REF,
                SOURCE_BOX,
                _c("label_ref", STR, "where the row label was read"),
                EVIDENCE,
            ),
            ("report_id", "region_id", "row_label"),
            (IN_REGION, OF_COUNTRY),
        ),
        TableSpec(
            "region_areas",
            "The programmatic-area column of each regional funding table.",
            (
                REPORT_ID,
                REGION_ID,
                _c("area_id", DICT, "programmatic area id (etl/data/areas.csv)"),
                _c("area_label", STR, "the area label as printed in the table"),
                STATUS,
                USD_NULLABLE,
                SOURCE_REF,
                SOURCE_BOX,
                _c("label_ref", STR, "where the area label was read"),
                EVIDENCE,
            ),
            ("report_id", "region_id", "area_id"),
            (IN_REGION, OF_AREA),
        ),
        TableSpec(
            "programmes",
            "One row per programme entry (a 'Funding requirement (in USD)' box) of the regional-programmes"
            " section and every country section, and one per amount (or missing amount) of each initiative"
            " of the multiregional part.",
            (
                REPORT_ID,
                _c(
                    "programme_id",
                    STR,
                    "stable id within the report: REGION/SECTION/AREA for a box"
                    " (east_horn_africa/BDI/migration_health), multiregional/GROUP/TITLE for an initiative"
                    " (/BASIS added where it states several amounts)",
                ),
                _c("region_id", DICT, "IOM region id; null for multiregional initiatives", True),
                _c("scope", DICT, "regional (the region's regional programmes), country, or multiregional"),
                _c(
                    "section_id",
                    DICT,
                    "the section: ISO3 of its country, 'regional', or the multiregional group's id (iom_funds)",
                ),
                _c(
                    "country_iso3",
                    DICT,
                    "ISO 3166-1 alpha-3 of a country section; null otherwise",
                    True,
                ),
                _c(
                    "section_label",
                    STR,
                    "the section heading as printed, without a trailing comma (the table row label if the heading"
                    " is missing); the group heading for a multiregional initiative",
                ),
                _c("title", STR, "the initiative's title as printed; null for regional and country boxes", True),
                _c(
                    "area_id",
                    DICT,
                    "programmatic area id; for a multiregional initiative the area its group is named after"
                    " (Migration Health), else null",
                    True,
                ),
                _c(
                    "area_label",
                    STR,
                    (
                        "the area label as printed for the box: next to the amount, by its box line, or the nearest"
                        " label of its area by its section that no other amount took (`evidence` says which);"
                        " null if none"
                    ),
                    True,
                ),
                _c(
                    "status",
                    DICT,
                    "amount, funded ('Funded' printed), or missing (the report prints no amount)",
                ),
                USD_NULLABLE,
                _c(
                    "basis",
                    DICT,
                    "what the amount is: requirement (every box), or as a multiregional sentence states it:"
                    " co_funding, first_year, additional, multi_year (comparable with requirements), per_unit,"
                    " target, replenishment, received (not a year's request: never add them up)",
                ),
                _c(
                    "basis_note",
                    STR,
                    "what the sentence says beside the amount: 'per regional training workshop',"
                    " 'of an overall budget of USD ...' (the budget as printed); null if nothing",
                    True,
                ),
                _c(
                    "period",
                    STR,
                    "the period the sentence names: 2015, 2015-2016, '2 years', 'years 2 and 3', 'per year'; else null",
                    True,
                ),
                _c(
                    "description",
                    STR,
                    "the programme's text as printed after its amount (empty if none), without the page"
                    " furniture printed inside it (running headers and footers, page numbers: `document_lines`"
                    " has them); an initiative's text",
                ),
                _c("target_populations", pa.list_(pa.string()), "the lines under its 'Target populations'"),
                _c(
                    "source_ref",
                    STR,
                    "where the amount was read (the label's or title's place for a missing amount)",
                ),
                SOURCE_BOX,
                _c("label_ref", STR, "where the area label (or initiative title) was read; null if none", True),
                _c(
                    "evidence",
                    STR,
                    "what fixed the pairing of label and amount, in words; for an initiative, the sentence that"
                    " states the amount",
                ),
            ),
            ("report_id", "programme_id"),
            (IN_REPORT, IN_REGION_IF_ANY, OF_COUNTRY, OF_AREA),
        ),
        TableSpec(
            "reconciliation",
            "Every check of the report's own arithmetic: one row per region and check, per section or per area.",
            (
                REPORT_ID,
                _c(
                    "check_id",
                    STR,
                    "stable id within the report: CHECK/REGION/SUBJECT (section_sum/east_horn_africa/BDI),"
                    " or multiregional",
                ),
                _c(
                    "check",
                    DICT,
                    "countries_total, areas_total, section_sum, area_resum or multiregional (README: Checks)",
                ),
                _c("region_id", DICT, "IOM region id; null for the multiregional part", True),
                _c(
                    "subject",
                    DICT,
                    "what was checked: 'region', a section id (ISO3 or 'regional'), an area id, or 'multiregional'",
                ),
                _c("country_iso3", DICT, "the country section checked (section_sum); null otherwise", True),
                _c("area_id", DICT, "the area checked (area_resum); null otherwise", True),
                _c("expected_usd", USD, "what the table says", True),
                _c("actual_usd", USD, "what the parts add up to", True),
                _c(
                    "status",
                    DICT,
                    "ok, mismatch, known_discrepancy (listed in etl/data/known_discrepancies.toml), or not_checked"
                    " (no table states a sum to check against: the multiregional part)",
                ),
                _c("source_ref", STR, "where the checked table figure was read"),
                _c("note", STR, "what the check compared; for a mismatch, where the report falls short"),
            ),
            ("report_id", "check_id"),
            (IN_REPORT, IN_REGION_IF_ANY, OF_COUNTRY, OF_AREA),
        ),
        TableSpec(
            "countries",
            "Dimension: every country a report names in its tables or sections. IOM's regions are not UN M49"
            " regions; this table gives each country's own codes only.",
            (
                _c("country_iso3", STR, "ISO 3166-1 alpha-3 (Kosovo: XKX, as IOM, the EU and the World Bank use)"),
                _c("iso_alpha2", STR, "ISO 3166-1 alpha-2 (Kosovo: XK)"),
                _c("un_m49", STR, "UN M49 / ISO 3166-1 numeric country code, e.g. 108; null where none exists", True),
                _c(
                    "name",
                    STR,
                    "standard short name: etl/data/countries.csv's, else the UN M49 name"
                    " (etl/data/un_country_names.csv)",
                ),
                _c("report_names", pa.list_(pa.string()), "every way the reports print the name"),
            ),
            ("country_iso3",),
        ),
        TableSpec(
            "projects",
            "One row per IOM Development Fund project sheet read (a project's page: its fields and description).",
            (
                _c("project_id", STR, "the sheet's 'Projects ID', e.g. TC.0993"),
                _c("prima_id", STR, "the sheet's 'Prima ID' (IOM's project system), e.g. AL10P0004", True),
                _c("title", STR, "the project's title as printed"),
                _c("start_date", STR, "'Start Date' as printed (the sheets print a year)", True),
                _c("start_year", pa.int32(), "the year of the start date", True),
                _c("end_date", STR, "'End Date' as printed", True),
                _c("end_year", pa.int32(), "the year of the end date", True),
                _c("status", DICT, "'Project Status' as printed, e.g. Completed", True),
                _c("project_type", DICT, "'Project Type' code as printed, e.g. TCMMCB", True),
                _c("budget_usd", USD, "'Budget Amount (USD)' in whole USD", True),
                _c("coverage", DICT, "'Coverage' as printed: National, Regional...", True),
                _c("year", pa.int32(), "the sheet's 'Year' (the IDF funding round)", True),
                _c(
                    "idf_region",
                    DICT,
                    "'IDF Region' as printed (the Fund's own regions, not IOM's appeal regions)",
                    True,
                ),
                _c(
                    "benefiting_iso3",
                    pa.list_(pa.string()),
                    "'Benefiting Member States' as ISO 3166-1 alpha-3 codes (countries table)",
                ),
                _c("benefiting_names", pa.list_(pa.string()), "'Benefiting Member States' as printed"),
                _c("description", STR, "the project's description, its paragraphs joined by blank lines"),
                _c("source_file", STR, "path of the raw file, relative to the build's working folder"),
                _c("source_sha256", STR, "SHA-256 of the raw file's bytes"),
                _c("source_ref", STR, "where the title was read (file:line, or file#pPAGE)"),
                SOURCE_BOX,
            ),
            ("project_id",),
        ),
        TableSpec(
            "document_lines",
            "Every line of every raw document read, with its role: what became of it (README: What mi-etl"
            " guarantees about its input).",
            (
                _c("source_file", STR, "path of the raw file, relative to the build's working folder"),
                _c(
                    "line",
                    pa.int32(),
                    "the line's place in the document: its line in a text file, its place in"
                    " the reading order of a PDF's pages",
                ),
                _c("source_ref", STR, "where the line was read: file:line (text) or file#pPAGE (PDF)"),
                _c("report_id", DICT, "the appeal the line belongs to; null for a project page", True),
                _c(
                    "role",
                    DICT,
                    "what the line is: blank, front_matter, region_intro, region_title, table_heading,"
                    " table_label, table_amount, table_other, section_heading, area_label, box_line,"
                    " programme_amount, programme_text, target_populations, multiregional_heading,"
                    " multiregional_text, back_matter, running_header, page_number, project_menu, project_title,"
                    " project_field, project_value or project_description",
                ),
                _c("region_id", DICT, "the region whose table, sections or introduction the line is in", True),
                _c(
                    "section_id",
                    DICT,
                    "the programme section the line is in (ISO3 or 'regional'); a multiregional group heading's name",
                    True,
                ),
                _c("text", STR, "the line as read"),
            ),
            ("source_file", "line"),
            (ForeignKey(("report_id",), "reports", ("report_id",), partial=True),),
        ),
        TableSpec(
            "unread_amounts",
            "Every amount-shaped token read (a number alone on a line, digits with thousands separated in a"
            " line of text, 'Funded') that is no figure of the fact tables, with the reason.",
            (
                _c("source_file", STR, "path of the raw file, relative to the build's working folder"),
                _c("line", pa.int32(), "the line's place in the document (document_lines.line)"),
                _c("position", pa.int32(), "where the token starts in the line's text (0-based)"),
                _c("source_ref", STR, "where the token was read: file:line (text) or file#pPAGE (PDF)"),
                _c("report_id", DICT, "the appeal it was read in; null for a project page", True),
                _c("region_id", DICT, "the region whose table, sections or introduction it is in", True),
                _c("text", STR, "the token as printed"),
                _c(
                    "reason",
                    DICT,
                    "why it is no figure: a page number, a percentage (a chart's label), a year, a number that is"
                    " no amount, in a programme's text, in a region's introduction, in a multiregional sentence"
                    " beside its figure, outside any region...",
                ),
            ),
            ("source_file", "line", "position"),
            (ForeignKey(("report_id",), "reports", ("report_id",), partial=True),),
        ),
        TableSpec(
            "areas",
            "Dimension: the seven programmatic areas of IOM's appeals.",
            (
                _c("area_id", STR, "programmatic area id"),
                _c("name", STR, "standard name of the area"),
                _c("report_labels", pa.list_(pa.string()), "every label the reports print for it"),
            ),
            ("area_id",),
        ),
    )
}
