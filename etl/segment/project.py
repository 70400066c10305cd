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
    title_lines: tuple[int, ...] = ()  # where each part was read, by line index
    label_lines: tuple[int, ...] = ()
    body: int = 0  # the description's first line

    def value(self, label: str) -> tuple[str, SourceRef] | None:
        """The field's value (its lines joined) and where its label was read, if the sheet has it."""
        field = self.fields.get(label)
        if field is None or not field.values:
            return None
        return " ".join(field.values), field.ref


# An id label ends its line; the scan looks for that end first (a pattern anchored at every line's
# start is tried at each of a report's 30,000 lines, four times slower), then at what comes before.
_ID_LABEL = regex.compile(r"(?:projects?|prima)[ \t]+id[ \t]*$", regex.IGNORECASE | regex.MULTILINE)


def is_project_sheet(doc: Document) -> bool:
    """A project page names its ids and most of its other fields on lines of their own."""
    if not _has_id_line("\n".join(line.text for line in doc.lines)):
        return False  # (one scan in C: a whole report is told apart in milliseconds)
    labels = {_KEYS[key] for line in doc.lines if (key := normalize(line.text)) in _KEYS}
    return bool(labels & {"Projects ID", "Prima ID"}) and len(labels) >= len(FIELDS) // 2


def _has_id_line(text: str) -> bool:
    """A line that is an id label alone ("Projects ID", "PRIMA ID"), spaces or tabs around it."""
    for match in _ID_LABEL.finditer(text):
        if not text[text.rfind("\n", 0, match.start()) + 1 : match.start()].strip(" \t"):
            return True
    return False


def document_to_project(doc: Document, gaz: Gazetteer) -> ProjectSheet:
    """Read a project page's title, fields and description.

    Each field is its label line and the value lines after it, up to a "-" line or the next
    label; the benefiting member states run on while their lines name countries. The first line
    that is neither a label nor a value starts the description: a label inside the description
    is text.
    """
    lines = doc.lines
    first = next((i for i, line in enumerate(lines) if normalize(line.text) in _KEYS), None)
    if first is None:
        raise TableUnreadable(doc.path, "the project page has no field labels", fix=_FIX)
    title, title_lines = _title(lines, first)
    title_ref = lines[title_lines[0]].ref
    labels: list[int] = []
    fields: dict[str, Field] = {}
    countries: list[tuple[str, str]] = []
    i = first
    while i < len(lines):
        text = lines[i].text.strip()
        key = normalize(text)
        if not text or text == _SEPARATOR:
            i += 1
            continue
        if key not in _KEYS:
            break  # the description
        label, ref = _KEYS[key], lines[i].ref
        labels.append(i)
        if label in fields:
            raise TableUnreadable(ref, f"the project page gives the field {label!r} twice", fix=_FIX)
        i += 1
        values: list[str] = []
        while i < len(lines) and lines[i].text.strip() != _SEPARATOR and normalize(lines[i].text) not in _KEYS:
            value = lines[i].text.strip()
            if label == COUNTRIES:
                named = _countries(value, gaz)
                if named is None:
                    break  # not a list of countries: the description starts here
                countries += named
            elif not value or len(value) > _PROSE or value.endswith("."):
                break
            values.append(value)
            i += 1
        if label == COUNTRIES and not values:
            line = lines[i] if i < len(lines) else lines[i - 1]
            raise UnknownCountry(
                line.ref,
                f"'{COUNTRIES}' names a country the gazetteer does not know",
                fix="add the name to etl/data/countries.csv",
                value=_unknown(line.text.strip(), gaz),
            )
        fields[label] = Field(label, tuple(values), ref)
    if "Projects ID" not in fields or not fields["Projects ID"].values:
        where = fields["Projects ID"].ref if "Projects ID" in fields else lines[first].ref
        raise TableUnreadable(where, "the project page gives no 'Projects ID'", fix=_FIX)
    description = "\n\n".join(line.text.strip() for line in lines[i:] if line.text.strip())
    return ProjectSheet(title, title_ref, fields, tuple(countries), description, title_lines, tuple(labels), i)


_FIX = "give the project page as the IDF site prints it: its title, then each field's label and value"
_MENU = ("-", "\u2022")


def _title(lines: tuple[Line, ...], first: int) -> tuple[str, tuple[int, ...]]:
    """The title: the lines just above the first field (a "-" line between), up to the site's
    menu (its items start with "- ")."""
    i = first - 1
    while i >= 0 and lines[i].text.strip() in ("", _SEPARATOR):
        i -= 1
    parts: list[int] = []
    while i >= 0 and lines[i].text.strip() and not lines[i].text.strip().startswith(_MENU):
        parts.insert(0, i)
        i -= 1
    if not parts:
        raise TableUnreadable(lines[first].ref, "the project page has no title before its fields", fix=_FIX)
    return " ".join(lines[k].text.strip() for k in parts), tuple(parts)


def _countries(value: str, gaz: Gazetteer) -> list[tuple[str, str]] | None:
    """A line of benefiting member states as (ISO3, name as printed): one name, or several
    separated by commas, semicolons or a last "and" ("Congo, Democratic Republic of the" stays
    whole); None if the line is not such a list."""
    iso3 = gaz.country(value)
    if iso3:
        return [(iso3, value)]
    parts = [p.strip() for p in regex.split(r"[,;]", value) if p.strip()]
    if parts and " and " in parts[-1] and not gaz.country(parts[-1]):
        head, _, tail = parts[-1].rpartition(" and ")
        parts[-1:] = [head.strip(), tail.strip()]
    out: list[tuple[str, str]] = []
    n = 0
    while n < len(parts):
        for width in (1, 2):  # a name with a comma in it takes two parts
            name = ", ".join(parts[n : n + width])
            found = gaz.country(name)
            if found and n + width <= len(parts):
                out.append((found, name))
                n += width
                break
        else:
            return None
    return out or None


def _unknown(value: str, gaz: Gazetteer) -> str:
    """The first name of a list the gazetteer does not know (the whole line if none is named)."""
    parts = [p.strip() for p in regex.split(r"[,;]|\band\b", value) if p.strip()]
    return next((p for p in parts if not gaz.country(p)), value)
