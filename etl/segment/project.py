"""An IOM Development Fund project page -> its title, its fields and its description.

The page, as text, is the site's menu, the project's title, then its fields: a label line
("Start Date") and its value lines, a line "-" between fields; the description follows the
values of the last field. Nothing is interpreted here (no years, no amounts): that is the
validation stage's job.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from etl.errors import TableUnreadable, UnknownCountry
from etl.gazetteer import Gazetteer, normalize
from etl.source import Document, Line, SourceRef

FIELDS = (
    "Start Date",
    "End Date",
    "Project Status",
    "Project Type",
    "Budget Amount (USD)",
    "Coverage",
    "Year",
    "IDF Region",
    "Prima ID",
    "Projects ID",
    "Benefiting Member States",
)
_KEYS = {normalize(f): f for f in FIELDS}
_SEPARATOR = "-"
_PROSE = 80  # a value line is short; a longer line, or one that ends a sentence, starts the description
COUNTRIES = "Benefiting Member States"


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    values: tuple[str, ...]
    ref: SourceRef  # where the label was read


@dataclass(frozen=True, slots=True)
class ProjectSheet:
    title: str
    title_ref: SourceRef
    fields: dict[str, Field]
    countries: tuple[tuple[str, str], ...]  # (ISO3, name as printed) of the benefiting member states
    description: str

    def value(self, label: str) -> tuple[str, SourceRef] | None:
        """The field's value (its lines joined) and where its label was read, if the sheet has it."""
        field = self.fields.get(label)
        if field is None or not field.values:
            return None
        return " ".join(field.values), field.ref


_ID_LINE = regex.compile(r"^[ \t]*(?:projects?|prima)[ \t]+id[ \t]*$", regex.IGNORECASE | regex.MULTILINE)


def is_project_sheet(doc: Document) -> bool:
    """A project page names its ids and most of its other fields on lines of their own."""
    if not _ID_LINE.search("\n".join(line.text for line in doc.lines)):
        return False  # (one scan in C: a 30,000-line report is told apart in milliseconds)
    labels = {_KEYS[key] for line in doc.lines if (key := normalize(line.text)) in _KEYS}
    return bool(labels & {"Projects ID", "Prima ID"}) and len(labels) >= len(FIELDS) // 2


def document_to_project(doc: Document, gaz: Gazetteer) -> ProjectSheet:
    """Read a project page's title, fields and description."""
    lines = doc.lines
    first = next((i for i, line in enumerate(lines) if normalize(line.text) in _KEYS), None)
    if first is None:
        raise TableUnreadable(doc.path, "the project page has no field labels", fix=_FIX)
    title_at = next((i for i in range(first - 1, -1, -1) if lines[i].text.strip() not in ("", _SEPARATOR)), None)
    if title_at is None:
        raise TableUnreadable(lines[first].ref, "the project page has no title before its fields", fix=_FIX)
    fields: dict[str, Field] = {}
    label: str | None = None
    label_ref = lines[first].ref
    values: list[str] = []
    i = first
    description_at = len(lines)
    while i < len(lines):
        text = lines[i].text.strip()
        key = normalize(text)
        if key in _KEYS:
            if label is not None:
                _add(fields, label, values, label_ref)
            label, label_ref, values = _KEYS[key], lines[i].ref, []
        elif text == _SEPARATOR:
            pass
        elif text and (len(text) > _PROSE or text.endswith(".")) and not _more_labels(lines, i):
            description_at = i
            break
        elif text:
            values.append(text)
        i += 1
    if label is not None:
        _add(fields, label, values, label_ref)
    if "Projects ID" not in fields or not fields["Projects ID"].values:
        where = fields["Projects ID"].ref if "Projects ID" in fields else lines[first].ref
        raise TableUnreadable(where, "the project page gives no 'Projects ID'", fix=_FIX)
    description = "\n\n".join(line.text.strip() for line in lines[description_at:] if line.text.strip())
    countries = _countries(fields.get(COUNTRIES), gaz)
    return ProjectSheet(lines[title_at].text.strip(), lines[title_at].ref, fields, countries, description)


_FIX = "give the project page as the IDF site prints it: its title, then each field's label and value"


def _add(fields: dict[str, Field], label: str, values: list[str], ref: SourceRef) -> None:
    if label in fields:
        raise TableUnreadable(ref, f"the project page gives the field {label!r} twice", fix=_FIX)
    fields[label] = Field(label, tuple(values), ref)


def _more_labels(lines: tuple[Line, ...], i: int) -> bool:
    """Prose before another field label is a long value, not the description."""
    return any(normalize(line.text) in _KEYS for line in lines[i + 1 :])


def _countries(field: Field | None, gaz: Gazetteer) -> tuple[tuple[str, str], ...]:
    """Each benefiting member state as (ISO3, name as printed); a line may list several."""
    if field is None:
        return ()
    out = []
    for value in field.values:
        whole = gaz.country(value)
        names = [value] if whole else [n.strip() for n in value.replace(";", ",").split(",") if n.strip()]
        for name in names:
            iso3 = gaz.country(name)
            if iso3 is None:
                raise UnknownCountry(
                    field.ref,
                    f"'{COUNTRIES}' names a country the gazetteer does not know",
                    fix="add the name to etl/data/countries.csv",
                    value=name,
                )
            out.append((iso3, name))
    return tuple(out)
