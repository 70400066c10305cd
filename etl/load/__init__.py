"""Validated rows -> normalized Arrow tables -> Parquet files in out/, swapped in atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from schemas.tables import TABLES, TableSpec

ROW_GROUP_SIZE = 65_536
COMPRESSION = "zstd"


def rows_to_table(spec: TableSpec, rows: Sequence[BaseModel], metadata: dict[str, str]) -> pa.Table:
    """One table: the spec's columns in order, rows sorted by the primary key."""
    ordered = sorted(rows, key=lambda r: tuple(_sortable(getattr(r, k)) for k in spec.primary_key))
    columns = {c.name: [getattr(r, c.name) for r in ordered] for c in spec.columns}
    schema = spec.schema().with_metadata(
        {**spec.schema().metadata, **{k.encode(): v.encode() for k, v in metadata.items()}}
    )
    arrays = []
    for column in spec.columns:
        values = columns[column.name]
        if pa.types.is_dictionary(column.type):
            arrays.append(pa.array(values, type=pa.string()).dictionary_encode())
        else:
            arrays.append(pa.array(values, type=column.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (1, value)


def write_tables(tables: dict[str, pa.Table], out: Path, files: dict[str, str] | None = None) -> None:
    """Write every table (and the text files given) into a fresh folder beside `out`, then swap it
    in: `out` is never half-written."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for name, table in tables.items():
            pq.write_table(
                table,
                staging / f"{name}.parquet",
                compression=COMPRESSION,
                row_group_size=ROW_GROUP_SIZE,
                use_dictionary=True,
                write_statistics=True,
            )
        for name, text in (files or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)


def table_names() -> list[str]:
    return list(TABLES)
