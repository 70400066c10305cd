"""The tables -> a Frictionless Data Package (v2) descriptor: out/datapackage.json.

It names every table with its columns (type, description, required), primary key and foreign
keys, the source reports with their SHA-256, and the terms of the source. Written with the
tables and swapped in with them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from schemas.rows import ProjectRow, ReportRow
from schemas.tables import TABLES, TableSpec

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
SOURCE_TERMS = (
    "The figures come from IOM's Migration Initiatives appeals, (c) International Organization for Migration"
    " (IOM). They are reproduced here for analysis; the reports themselves state the terms of their use."
)


def _field_type(t: pa.DataType) -> str:
    if pa.types.is_dictionary(t) or pa.types.is_string(t):
        return "string"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_list(t):
        return "any"  # a Parquet list<string>: Table Schema's "array" is JSON text, which Parquet lists are not
    raise ValueError(f"no Table Schema type for {t}")  # pragma: no cover - specs use the types above


def _resource(spec: TableSpec) -> dict[str, Any]:
    fields = []
    for c in spec.columns:
        field: dict[str, Any] = {"name": c.name, "type": _field_type(c.type), "description": c.description}
        if not c.nullable:
            field["constraints"] = {"required": True}
        fields.append(field)
    # Parquet has real nulls: an empty string is a value (a blank line's text), never a missing one.
    schema: dict[str, Any] = {"fields": fields, "missingValues": [], "primaryKey": list(spec.primary_key)}
    stated = [fk for fk in spec.foreign_keys if not fk.partial]  # see ForeignKey.partial
    if stated:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields), "reference": {"resource": fk.table, "fields": list(fk.reference)}}
            for fk in stated
        ]
    return {
        "name": spec.name,
        "path": f"{spec.name}.parquet",
        "format": "parquet",
        "mediatype": "application/vnd.apache.parquet",
        "description": spec.description,
        "schema": schema,
    }


def package_descriptor(
    reports: Sequence[ReportRow], version: str, projects: Sequence[ProjectRow] = ()
) -> dict[str, Any]:
    """The descriptor of one build's tables."""
    return {
        "$schema": PROFILE,
        "name": "migration-initiatives-funding",
        "title": "IOM Migration Initiatives: funding requirements by region, country, area and programme",
        "description": (
            "Every funding figure of the reports' regional tables and programme boxes, paired by the reports'"
            " own sums, with the place each was read and the checks of that arithmetic; the multiregional"
            " initiatives as their sentences state them; IOM Development Fund project sheets. Built by mi-etl."
        ),
        "version": version,
        "licenses": [{"name": "other-closed", "title": SOURCE_TERMS}],
        "sources": [
            {"title": r.title, "path": r.source_file, "sha256": r.source_sha256}
            for r in sorted(reports, key=lambda r: r.report_id)
        ]
        + [
            {
                "title": f"IOM Development Fund project {p.project_id}: {p.title}",
                "path": p.source_file,
                "sha256": p.source_sha256,
            }
            for p in sorted(projects, key=lambda p: p.project_id)
        ],
        "resources": [_resource(spec) for spec in TABLES.values()],
    }


def descriptor_text(descriptor: dict[str, Any]) -> str:
    """Stable JSON: the same tables give the same bytes."""
    return json.dumps(descriptor, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
