"""Reading built tables back: reconciliation for `mi-etl check`, a section's figures for `mi-etl explain`."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from etl.errors import OutputMissing, UnknownName

# etl.gazetteer (pycountry, 15 ms) is imported by the functions of `explain` only: `check` reads one table


def _read(out: Path, name: str) -> list[dict[str, Any]]:
    path = out / f"{name}.parquet"
    if not path.exists():
        raise OutputMissing(str(path), "no built table here", fix="run 'mi-etl build' (or 'make build') first")
    try:
        # ParquetFile, not read_table: read_table imports pyarrow.dataset, 0.3 s of `mi-etl check`'s start
        return pq.ParquetFile(path).read().to_pylist()  # type: ignore[no-any-return]
    except (OSError, pa.ArrowException) as err:
        raise OutputMissing(
            str(path), f"not a table mi-etl can read ({err})", fix="build again: run 'mi-etl build' (or 'make build')"
        ) from None


def read_reconciliation(out: Path) -> list[dict[str, Any]]:
    return _read(out, "reconciliation")


def explain_lines(out: Path, region: str, country: str | None) -> Iterator[str]:
    """A region's table rows, or one section's programmes, each with its place and evidence; or,
    for "multiregional", each initiative with what its sentence states."""
    from etl.gazetteer import load_gazetteer, normalize

    if normalize(region) in ("multiregional", "multiregional initiatives"):
        yield from _multiregional(out)
        return
    gaz = load_gazetteer()
    regions = _read(out, "regions")
    region_id = gaz.region(region) or region
    chosen = [r for r in regions if r["region_id"] == region_id]
    if not chosen:
        ids = [*sorted({r["region_id"] for r in regions}), "multiregional"]
        names = {r["region_name"]: r["region_id"] for r in regions}
        raise UnknownName(
            str(out / "regions.parquet"),
            "no region of the built tables is called",
            value=region,
            fix=_closest(region, ids, names, "region"),
        )
    for reg in chosen:
        lines = list(_table(out, reg) if country is None else _section(out, reg, country))  # an unknown name first
        yield f"{reg['region_name']} ({reg['report_id']}): total {reg['total_usd']:,} USD  [{reg['source_ref']}]"
        yield from lines


def _table(out: Path, reg: dict[str, Any]) -> Iterator[str]:
    key = (reg["report_id"], reg["region_id"])
    yield "countries:"
    for r in _read(out, "region_countries"):
        if (r["report_id"], r["region_id"]) == key:
            yield f"  {r['row_label']:<50} {_money(r):>14}  {r['source_ref']}"
            yield f"      {r['evidence']}"
    yield "areas:"
    for r in _read(out, "region_areas"):
        if (r["report_id"], r["region_id"]) == key:
            yield f"  {r['area_label']:<50} {_money(r):>14}  {r['source_ref']}"
            yield f"      {r['evidence']}"


def _section(out: Path, reg: dict[str, Any], country: str) -> Iterator[str]:
    from etl.gazetteer import load_gazetteer, normalize

    gaz = load_gazetteer()
    wanted = (
        "regional"
        if normalize(country) in ("regional", "regional programmes")
        else gaz.country(country) or country.upper()
    )
    key = (reg["report_id"], reg["region_id"], wanted)
    programmes = _read(out, "programmes")
    rows = [p for p in programmes if (p["report_id"], p["region_id"], p["section_id"]) == key]
    rows.sort(key=lambda p: _line_of(p["source_ref"]))
    if not rows:
        ids = sorted({p["section_id"] for p in programmes if p["region_id"] == reg["region_id"]})
        names = {gaz.countries[i].name: i for i in ids if i in gaz.countries}
        raise UnknownName(
            str(out / "programmes.parquet"),
            f"no section of {reg['region_name']} is called",
            value=country,
            fix=_closest(country, ids, names, "section"),
        )
    yield f"section {rows[0]['section_label']}:"
    for p in rows:
        yield f"  {p['area_id']:<36} {_money(p):>14}  {p['source_ref']}"
        yield f"      {p['evidence']}"
    for r in _read(out, "reconciliation"):
        if (r["report_id"], r["region_id"], r["check"], r["subject"]) == (
            reg["report_id"],
            reg["region_id"],
            "section_sum",
            wanted,
        ):
            yield f"  check: {r['status']}: expected {r['expected_usd']:,}, programmes add up to {r['actual_usd']:,}"


def _multiregional(out: Path) -> Iterator[str]:
    rows = [p for p in _read(out, "programmes") if p["scope"] == "multiregional"]
    if not rows:
        raise OutputMissing(str(out / "programmes.parquet"), "no multiregional initiatives", fix="build a full report")
    rows.sort(key=lambda p: (p["report_id"], _line_of(p["label_ref"] or p["source_ref"]), _line_of(p["source_ref"])))
    group = None
    for p in rows:
        if (p["report_id"], p["section_label"]) != group:
            group = (p["report_id"], p["section_label"])
            yield f"{p['section_label']} ({p['report_id']}):"
        basis = (
            p["basis"]
            + (f", {p['period']}" if p["period"] else "")
            + (f", {p['basis_note']}" if p["basis_note"] else "")
        )
        yield f"  {p['title'][:70]:<70} {_money(p):>12}  {basis}  [{p['source_ref']}]"
        if p["status"] == "amount":
            yield f"      {p['evidence']}"
    yield "not checked: no table of the report sums these amounts, and targets, per-unit costs and"
    yield "replenishments are not requests for the year; add up only what the basis makes comparable"


def _closest(given: str, ids: list[str], names: dict[str, str], what: str) -> str:
    """The fix of an unknown name: the closest valid ids (by id or by name, difflib), else every id."""
    from etl.gazetteer import normalize

    choices = {normalize(i): i for i in ids} | {normalize(name): i for name, i in names.items()}
    matches = difflib.get_close_matches(normalize(given), list(choices), n=5, cutoff=0.6)
    close = list(dict.fromkeys(choices[m] for m in matches))[:3]
    if close:
        named = {i: name for name, i in names.items()}
        shown = [f"{i!r} ({named[i]})" if i in named else repr(i) for i in close]
        return "did you mean " + " or ".join(shown) + "?"
    return f"give a {what} id or name; the ids are: {', '.join(ids)}"


def _money(row: dict[str, Any]) -> str:
    if row["status"] == "amount":
        return f"{row['requirement_usd']:,}"
    return str(row["status"])


def _line_of(ref: str) -> int:
    tail = ref.rsplit(":", 1)[-1].rsplit("#p", 1)[-1]
    return int(tail) if tail.isdigit() else 0
