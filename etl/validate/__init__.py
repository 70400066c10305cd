"""Figures -> validated rows (pydantic), collecting every problem before failing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

import regex
from pydantic import BaseModel, TypeAdapter, ValidationError

from etl.account import Account
from etl.errors import AmountUnparseable, InvalidFigure, Unresolved, raise_all
from etl.gazetteer import area_order, load_gazetteer, normalize
from etl.resolve.figures import ProgrammeFigure, RegionFigures, TableFigure
from etl.resolve.multiregional import InitiativeFigure, area_of_group
from etl.segment.lexicon import FUNDED
from etl.segment.project import ProjectSheet
from etl.segment.report import ReportInfo
from etl.segment.zone import REGIONAL
from etl.source import Document, SourceRef
from schemas.rows import (
    AreaRow,
    CountryRow,
    DocumentLineRow,
    PageRow,
    ProgrammeRow,
    ProjectRow,
    RegionAreaRow,
    RegionCountryRow,
    RegionRow,
    ReportRow,
    UnreadAmountRow,
)

M = TypeVar("M", bound=BaseModel)
# tables made per raw document (the dimensions are made once for the whole build)
PER_REPORT = (
    "reports",
    "pages",
    "regions",
    "region_countries",
    "region_areas",
    "programmes",
    "projects",
    "document_lines",
    "unread_amounts",
)


@dataclass(slots=True)
class Rows:
    """Every validated row of one build, per table."""

    reports: list[ReportRow] = field(default_factory=list)
    pages: list[PageRow] = field(default_factory=list)
    regions: list[RegionRow] = field(default_factory=list)
    region_countries: list[RegionCountryRow] = field(default_factory=list)
    region_areas: list[RegionAreaRow] = field(default_factory=list)
    programmes: list[ProgrammeRow] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)
    document_lines: list[DocumentLineRow] = field(default_factory=list)
    unread_amounts: list[UnreadAmountRow] = field(default_factory=list)
    countries: list[CountryRow] = field(default_factory=list)
    areas: list[AreaRow] = field(default_factory=list)

    def extend(self, other: Rows) -> None:
        """Add another report's rows."""
        for table in PER_REPORT:
            getattr(self, table).extend(getattr(other, table))

    def add_dimensions(self) -> None:
        """The country and area dimensions: every key the facts use, with every printed name."""
        gaz = load_gazetteer()
        names: dict[str, set[str]] = {}
        for r in self.region_countries:
            if r.country_iso3:
                names.setdefault(r.country_iso3, set()).add(r.row_label)
        for p in self.programmes:
            if p.country_iso3:
                names.setdefault(p.country_iso3, set()).add(p.section_label)
        for project in self.projects:
            for iso3, name in zip(project.benefiting_iso3, project.benefiting_names, strict=True):
                names.setdefault(iso3, set()).add(name)
        self.countries = [
            CountryRow(
                country_iso3=iso3,
                iso_alpha2=gaz.countries[iso3].alpha2 or "",
                un_m49=gaz.countries[iso3].numeric,
                name=gaz.countries[iso3].name,
                report_names=sorted(printed),
            )
            for iso3, printed in sorted(names.items())
        ]
        labels: dict[str, set[str]] = {a: set() for a in area_order()}
        for area in self.region_areas:
            labels[area.area_id].add(area.area_label)
        for p in self.programmes:
            if p.area_id and p.area_label:
                labels[p.area_id].add(p.area_label)
        self.areas = [
            AreaRow(area_id=a, name=gaz.area_names[a], report_labels=sorted(printed)) for a, printed in labels.items()
        ]


class _Collector:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def make(self, model: Callable[..., M], where: SourceRef | str, **values: Any) -> M | None:
        """The row, or None with every problem recorded: first the shapes the schema declares, then
        the codes and ids the gazetteer must know."""
        try:
            row = model(**values)
        except ValidationError as err:
            for e in err.errors():
                field_name = ".".join(str(p) for p in e["loc"]) or "row"
                self.problems.append(f"{where}: {field_name} = {e.get('input')!r}: {e['msg']}")
            return None
        unknown = unknown_ids(row)
        self.problems.extend(f"{where}: {field_name} = {value!r}: {message}" for field_name, value, message in unknown)
        return None if unknown else row

    def make_all(self, model: type[M], rows: Sequence[tuple[SourceRef | str, Mapping[str, object]]]) -> list[M]:
        """Many rows of one model validated in one call (pydantic-core validates a list at once):
        for rows that name no country, area or region the gazetteer must know."""
        try:
            return TypeAdapter(list[model]).validate_python([values for _, values in rows])  # type: ignore[valid-type]
        except ValidationError as err:
            for e in err.errors():
                n, *field = e["loc"]
                field_name = ".".join(str(p) for p in field) or "row"
                self.problems.append(f"{rows[int(n)][0]}: {field_name} = {e.get('input')!r}: {e['msg']}")
            return []


def unknown_ids(row: BaseModel) -> list[tuple[str, str, str]]:
    """(field, value, what is wrong) for each country code, area or region id of a row the gazetteer
    does not know. A region id is known when etl/data/regions.csv lists it, or when it is the id
    the gazetteer derives from the row's printed region title (a `regions` row: the facts of a
    region take the id of its row, so a row without a title is checked by the schema's shape only)."""
    gaz = load_gazetteer()
    codes: list[tuple[str, str | None]] = [("country_iso3", getattr(row, "country_iso3", None))]
    codes += [(f"benefiting_iso3.{n}", iso3) for n, iso3 in enumerate(getattr(row, "benefiting_iso3", ()))]
    found = [
        (name, iso3, f"{iso3!r} is not an ISO 3166-1 alpha-3 code the gazetteer knows ({KNOWN_COUNTRIES})")
        for name, iso3 in codes
        if iso3 is not None and iso3 not in gaz.countries
    ]
    area_id: str | None = getattr(row, "area_id", None)
    if area_id is not None and area_id not in gaz.area_names:
        found.append(("area_id", area_id, f"unknown programmatic area {area_id!r} (known: {', '.join(area_order())})"))
    region_id: str | None = getattr(row, "region_id", None)
    title: str | None = getattr(row, "region_label", None)
    if region_id is not None and title is not None and region_id not in gaz.region_names:
        derived = gaz.region_for_title(title).region_id if normalize(title) else None
        if region_id != derived:
            hint = (
                f"a region it does not list takes the id derived from its printed title {title!r}: {derived!r}"
                if derived
                else "and the printed title is blank"
            )
            found.append(
                ("region_id", region_id, f"unknown IOM region id {region_id!r} (see etl/data/regions.csv; {hint})")
            )
    return found


KNOWN_COUNTRIES = "ISO 3166-1 via pycountry, and etl/data/countries.csv"


def figures_to_rows(
    info: ReportInfo,
    doc: Document,
    regions: list[RegionFigures],
    rows: Rows,
    initiatives: list[InitiativeFigure] | None = None,
) -> None:
    """Validate one report's figures into `rows`; raise with every problem if any figure fails."""
    _refuse_unresolved(regions)
    gaz = load_gazetteer()
    c = _Collector()
    _report_rows(c, info, doc, rows)
    for region in regions:
        _region_rows(c, info.report_id, region, gaz.region_names, rows)
    _initiative_rows(c, info.report_id, initiatives or [], rows)
    _raise_problems(c)


def _refuse_unresolved(regions: list[RegionFigures]) -> None:
    """A region the resolver could not pair stops the report, beside a section with no printed
    heading if it has one (the likeliest cause), else at its title."""
    unresolved = [r for r in regions if r.unresolved]
    if unresolved:
        r = unresolved[0]
        raise Unresolved(
            r.unresolved_ref or r.name_ref,
            f"region {r.region_label!r}: {r.unresolved}",
            fix="run with a longer --time-limit, or report the region as an issue"
            if r.timed_out
            else "check the region's table and amounts against the printed report, or report the region as an issue",
        )


def _report_rows(c: _Collector, info: ReportInfo, doc: Document, rows: Rows) -> None:
    """The report's own row, and its pages' (a PDF's)."""
    report = c.make(
        ReportRow,
        doc.path,
        report_id=info.report_id,
        title=info.title,
        edition=info.edition,
        source_file=doc.path,
        source_sha256=doc.sha256,
        source_kind=doc.kind,
        lines=len(doc.lines),
    )
    if report:
        rows.reports.append(report)
    rows.pages += _page_rows(c, doc, info.report_id)


def _region_rows(c: _Collector, report_id: str, region: RegionFigures, names: dict[str, str], rows: Rows) -> None:
    """A region's row, its table's rows and its programmes'."""
    total = region.totals[0] if region.totals else None
    row = c.make(
        RegionRow,
        region.name_ref,
        report_id=report_id,
        region_id=region.region_id,
        region_name=names.get(region.region_id, region.region_label),
        region_label=region.region_label,
        total_usd=_usd(total.value) if total else None,
        sections=len(region.rows),
        resolution=region.resolution,
        source_ref=str(total.amount_ref) if total else str(region.name_ref),
        source_box=total.amount_ref.box() if total else region.name_ref.box(),
        evidence=total.evidence if total else "no total printed",
    )
    if row:
        rows.regions.append(row)
    for fig in region.rows:
        country = c.make(
            RegionCountryRow,
            fig.amount_ref,
            report_id=report_id,
            region_id=region.region_id,
            row_label=fig.label,
            country_iso3=None if fig.key == REGIONAL else fig.key,
            **_cell(fig),
        )
        if country:
            rows.region_countries.append(country)
    for fig in region.areas:
        area = c.make(
            RegionAreaRow,
            fig.amount_ref,
            report_id=report_id,
            region_id=region.region_id,
            area_id=fig.key,
            area_label=fig.label,
            **_cell(fig),
        )
        if area:
            rows.region_areas.append(area)
    for p in region.programmes:
        programme = _programme_row(c, report_id, region.region_id, p)
        if programme:
            rows.programmes.append(programme)


def _programme_row(c: _Collector, report_id: str, region_id: str, p: ProgrammeFigure) -> ProgrammeRow | None:
    """A programme box of a regional or a country section."""
    return c.make(
        ProgrammeRow,
        p.source_ref,
        report_id=report_id,
        programme_id=f"{region_id}/{p.section}/{p.area_id}",
        region_id=region_id,
        scope="regional" if p.section == REGIONAL else "country",
        section_id=p.section,
        country_iso3=None if p.section == REGIONAL else p.section,
        section_label=p.section_label,
        title=None,
        area_id=p.area_id,
        area_label=p.area_label,
        status=p.status,
        requirement_usd=p.value,
        basis="requirement",
        basis_note=None,
        period=None,
        description=p.description,
        target_populations=list(p.populations),
        source_ref=str(p.source_ref),
        source_box=p.source_ref.box(),
        label_ref=str(p.label_ref) if p.label_ref else None,
        evidence=p.evidence,
    )


def _initiative_rows(c: _Collector, report_id: str, initiatives: list[InitiativeFigure], rows: Rows) -> None:
    """The multiregional part's initiatives, one programme row each."""
    for stated, programme_id in zip(initiatives, initiative_ids(initiatives), strict=True):
        initiative = stated.initiative
        programme = c.make(
            ProgrammeRow,
            stated.ref,
            report_id=report_id,
            programme_id=programme_id,
            region_id=None,
            scope="multiregional",
            section_id=slug(initiative.group),
            country_iso3=None,
            section_label=initiative.group,
            title=initiative.title,
            area_id=area_of_group(initiative.group),
            area_label=None,
            status=stated.status,
            requirement_usd=stated.value,
            basis=stated.basis,
            basis_note=stated.note,
            period=stated.period,
            description=initiative.description,
            target_populations=[],
            source_ref=str(stated.ref),
            source_box=stated.ref.box(),
            label_ref=str(initiative.title_ref),
            evidence=stated.sentence or "no sentence of the initiative's text states an amount",
        )
        if programme:
            rows.programmes.append(programme)


def _page_rows(c: _Collector, doc: Document, report_id: str | None) -> list[PageRow]:
    """A PDF's pages: where every character drawn on each went (none for text input)."""
    out = []
    for audit in doc.pages:
        row = c.make(
            PageRow,
            SourceRef(doc.path, page=audit.page),
            source_file=doc.path,
            page=audit.page,
            report_id=report_id,
            chars_drawn=audit.drawn,
            chars_in_lines=audit.in_lines,
            chars_furniture=audit.furniture,
            chars_turned=audit.turned,
            chars_overprinted=audit.overprinted,
            furniture=list(audit.furniture_text),
        )
        if row:
            out.append(row)
    return out


def _raise_problems(c: _Collector) -> None:
    """Stop with every problem found, one line each."""
    raise_all(
        [
            InvalidFigure(problem.split(": ")[0], problem.split(": ", 1)[1], fix="correct the figure in the raw file")
            for problem in c.problems
        ]
    )


def _usd(value: object) -> int | None:
    return None if value == FUNDED or value is None else int(value)  # type: ignore[call-overload]


def _cell(fig: TableFigure) -> dict[str, Any]:
    """The values every row of a regional table has: its amount, its places and its evidence."""
    funded = fig.value == FUNDED
    return {
        "status": "funded" if funded else "amount",
        "requirement_usd": None if funded else int(fig.value),
        "source_ref": str(fig.amount_ref),
        "source_box": fig.amount_ref.box(),
        "label_ref": str(fig.label_ref),
        "evidence": fig.evidence,
    }


def slug(text: str, words: int | None = None) -> str:
    """An id from a printed name ("IOM Funds" -> iom_funds), its first `words` words if given."""
    return "_".join(regex.findall(r"[a-z0-9]+", normalize(text))[:words]) or "untitled"


TITLE_WORDS = 6  # an initiative's id takes the first words of its title


def initiative_ids(figures: list[InitiativeFigure]) -> list[str]:
    """multiregional/GROUP/TITLE, with /BASIS where one initiative states several amounts (and a
    number if still not unique): stable across builds of the same report."""
    base = [f"multiregional/{slug(f.initiative.group)}/{slug(f.initiative.title, TITLE_WORDS)}" for f in figures]
    counts = Counter(base)
    ids = [f"{b}/{f.basis}" if counts[b] > 1 else b for b, f in zip(base, figures, strict=True)]
    seen: Counter[str] = Counter()
    out = []
    for i in ids:
        seen[i] += 1
        out.append(i if ids.count(i) == 1 else f"{i}/{seen[i]}")
    return out


def project_to_rows(doc: Document, sheet: ProjectSheet, rows: Rows) -> None:
    """Validate a project sheet into one `projects` row; raise naming the field that fails."""
    c = _Collector()

    def text(label: str) -> str | None:
        found = sheet.value(label)
        return found[0] if found and found[0].strip().lower() not in _NOT_GIVEN else None

    def year(label: str) -> int | None:
        found = sheet.value(label)
        if found is None or found[0].strip().lower() in _NOT_GIVEN:
            return None
        m = regex.search(r"\b(?:19|20)\d\d\b", found[0])
        if m is None:
            raise InvalidFigure(found[1], f"{label!r} gives no year", value=found[0], fix=_FIX_FIELD)
        return int(m.group())

    row = c.make(
        ProjectRow,
        sheet.title_ref,
        project_id=text("Projects ID"),
        prima_id=text("Prima ID"),
        title=sheet.title,
        start_date=text("Start Date"),
        start_year=year("Start Date"),
        end_date=text("End Date"),
        end_year=year("End Date"),
        status=text("Project Status"),
        project_type=text("Project Type"),
        budget_usd=_budget(sheet.value("Budget Amount (USD)")),
        coverage=text("Coverage"),
        year=year("Year"),
        idf_region=text("IDF Region"),
        benefiting_iso3=[iso3 for iso3, _ in sheet.countries],
        benefiting_names=[name for _, name in sheet.countries],
        description=sheet.description,
        source_file=doc.path,
        source_sha256=doc.sha256,
        source_ref=str(sheet.title_ref),
        source_box=sheet.title_ref.box(),
    )
    pages = _page_rows(c, doc, None)
    _raise_problems(c)
    if row:
        rows.projects.append(row)
    rows.pages += pages


_FIX_FIELD = "correct the field in the raw file"


_MONEY = regex.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_NOT_GIVEN = frozenset({"", "n/a", "na", "n.a.", "-", "\u2013", "tbd", "not available"})


def _budget(found: tuple[str, SourceRef] | None) -> int | None:
    """A printed budget ("nnnnnn.00", "USD n,nnn") -> whole dollars (the cents must be zero); 'N/A' -> null."""
    if found is None:
        return None
    text, ref = found
    plain = regex.sub(r"^(?:USD|US\$|\$)\s*|\s*(?:USD)$", "", text.strip(), flags=regex.IGNORECASE)
    if plain.lower() in _NOT_GIVEN:
        return None
    if not _MONEY.match(plain):
        raise AmountUnparseable(ref, "cannot read the budget amount", value=text, fix=_FIX_FIELD)
    value = Decimal(plain.replace(",", ""))
    if value != value.to_integral_value():
        raise AmountUnparseable(
            ref, "the budget is not a whole, positive number of dollars", value=text, fix=_FIX_FIELD
        )
    return int(value)


def account_to_rows(doc: Document, account: Account, rows: Rows, report_id: str | None = None) -> None:
    """The account of a document's lines -> `document_lines` and `unread_amounts` rows (their region
    ids are those of the document's own regions, checked with their rows)."""
    c = _Collector()
    lines = doc.lines
    described = [
        (
            lines[entry.index].ref,
            {
                "source_file": doc.path,
                "line": entry.index + 1,
                "source_ref": str(lines[entry.index].ref),
                "report_id": report_id,
                "role": entry.role,
                "region_id": entry.region_id,
                "section_id": entry.section_id,
                "text": lines[entry.index].text,
            },
        )
        for entry in account.lines
    ]
    rows.document_lines += c.make_all(DocumentLineRow, described)
    unread = [
        (
            lines[u.index].ref,
            {
                "source_file": doc.path,
                "line": u.index + 1,
                "position": u.position,
                "source_ref": str(lines[u.index].ref),
                "report_id": report_id,
                "region_id": u.region_id,
                "text": u.text,
                "reason": u.reason,
            },
        )
        for u in account.unread
    ]
    rows.unread_amounts += c.make_all(UnreadAmountRow, unread)
    _raise_problems(c)
