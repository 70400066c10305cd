"""Validated rows -> normalized Arrow tables -> Parquet files in out/, swapped in atomically.

mi-etl replaces only a folder it wrote. Each output folder holds a marker, `.mi-etl`, with the
pipeline version and the name of every file written there; a folder is replaced only when it is
new, empty, or marked and holding nothing but what its marker lists, and only those files are
ever deleted (no `rmtree`). `check_output` refuses any other `--out` before the build starts.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from etl.errors import OutputUnsafe, OutputUnwritable
from etl.load.arrays import values_to_array
from schemas.tables import TableSpec

ROW_GROUP_SIZE = 65_536
COMPRESSION = "zstd"
MARKER = ".mi-etl"
_MARKER_HEAD = "mi-etl "
_MARKER_NOTE = "# written by mi-etl, which replaces this folder whole at the next build; the files it wrote:"


def rows_to_table(spec: TableSpec, rows: Sequence[BaseModel], metadata: dict[str, str]) -> pa.Table:
    """One table: the spec's columns in order, rows sorted by the primary key."""
    ordered = sorted(rows, key=lambda r: tuple(_sortable(getattr(r, k)) for k in spec.primary_key))
    columns = {c.name: [getattr(r, c.name) for r in ordered] for c in spec.columns}
    schema = spec.schema().with_metadata(
        {**spec.schema().metadata, **_pandas_metadata(spec), **{k.encode(): v.encode() for k, v in metadata.items()}}
    )
    arrays = [values_to_array(columns[column.name], column.type) for column in spec.columns]
    return pa.Table.from_arrays(arrays, schema=schema)


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (1, value)


def _pandas_metadata(spec: TableSpec) -> dict[bytes, bytes]:
    """The nullable integer columns, as pandas should read them: nullable integers (Int64, null as
    pd.NA), not floats with NaN. pandas reads this key of the Arrow schema (as pyarrow writes it for
    a DataFrame), so do frictionless (which reads Parquet through pandas) and pd.read_parquet; other
    readers (pyarrow, DuckDB, Spark) ignore it and see int64 with nulls."""
    columns = [
        {
            "name": c.name,
            "field_name": c.name,
            "pandas_type": str(c.type),
            "numpy_type": str(c.type).capitalize(),
            "metadata": None,
        }
        for c in spec.columns
        if c.nullable and pa.types.is_integer(c.type)
    ]
    if not columns:
        return {}
    return {b"pandas": json.dumps({"index_columns": [], "column_indexes": [], "columns": columns}).encode()}


def check_output(out: Path, inputs: Sequence[Path], what: str = "--out") -> None:
    """Refuse, before any work, an output folder the build must not replace: a file, the working
    folder or one above it, a folder holding an input or inside one, a folder holding files
    mi-etl did not write; or one that cannot be written."""
    where, target = str(out), out.resolve()
    cwd = Path.cwd().resolve()
    if cwd.is_relative_to(target):
        above = "the working folder" if cwd == target else f"a folder above the working folder {cwd}"
        raise OutputUnsafe(where, f"{what} is {above}, which the build would replace whole", fix=_OWN_FOLDER)
    for given in inputs:
        path = given.resolve()
        if path == target:
            raise OutputUnsafe(where, f"{what} is an input of the build", fix=_APART)
        if path.is_relative_to(target):
            raise OutputUnsafe(where, f"{what} holds an input of the build, {given}", fix=_APART)
        if target.is_relative_to(path):
            raise OutputUnsafe(where, f"{what} lies inside an input of the build, {given}", fix=_APART)
    if target.exists() and not target.is_dir():
        raise OutputUnsafe(where, f"{what} is a file, not a folder", fix="give a folder for the tables, e.g. --out out")
    if target.is_dir():
        _refuse_foreign(target, where, what)
    _probe(target.parent, where, what)


_OWN_FOLDER = "give the tables a folder of their own, e.g. --out out"
_APART = "give a folder apart from the reports, the --known file and the --cache folder, e.g. --out out"


def _refuse_foreign(folder: Path, where: str, what: str) -> None:
    """A folder may be replaced when it is empty, or marked and holding only the files it lists."""
    entries = sorted(os.listdir(folder))
    listed = _written(folder)
    if listed is None and entries:
        shown = ", ".join(repr(e) for e in entries[:3]) + (", ..." if len(entries) > 3 else "")
        raise OutputUnsafe(
            where,
            f"{what} holds files mi-etl did not write ({shown}) and no {MARKER} marker of an earlier build",
            fix="give a new or empty folder, or one a build of mi-etl wrote (delete an old folder yourself)",
        )
    for entry in entries:
        path = folder / entry
        if entry not in (listed or set()) or path.is_symlink() or not path.is_file():
            raise OutputUnsafe(
                f"{where}/{entry}",
                f"this is not one of the files mi-etl wrote in {what}, which the build would replace whole",
                fix="move it out of the folder, or give another --out",
            )


def _written(folder: Path) -> set[str] | None:
    """What a folder's marker says mi-etl wrote there (the marker included), or None if unmarked."""
    marker = folder / MARKER
    try:
        if marker.is_symlink() or not marker.is_file():
            return None
        lines = marker.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or not lines[0].startswith(_MARKER_HEAD):
        return None
    return {MARKER} | {n for n in lines[1:] if n and not n.startswith("#") and "/" not in n and n not in (".", "..")}


def _probe(parent: Path, where: str, what: str) -> None:
    """Show that the folder can be made: create (and remove) an empty folder where it will go."""
    existing = parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputUnwritable(
            where, f"{what} lies under {existing}, which is a file", fix="give a folder you can write to"
        )
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".mi-etl-probe-", dir=existing))
    except OSError as err:
        raise OutputUnwritable(
            where,
            f"{what} cannot be created in {existing}: {err.strerror or err}",
            fix="give a folder you can write to",
        ) from None


def write_tables(
    tables: dict[str, pa.Table], out: Path, files: dict[str, str] | None = None, *, version: str = "0+unknown"
) -> None:
    """Write every table (and the text files given) into a fresh folder beside `out`, then swap it
    in: `out` is never half-written. The folder gets the marker first, so a build killed while
    writing leaves a folder the next build can prove its own and clear (`clear_stale`)."""
    target = out.resolve()
    names = sorted([*(f"{name}.parquet" for name in tables), *(files or {})])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-{os.getpid()}-", dir=target.parent))
    except OSError as err:
        raise _unwritable(out, err) from None
    try:
        os.chmod(staging, _folder_mode())  # mkdtemp makes it 0700: the tables are for everyone the umask allows
        (staging / MARKER).write_text("\n".join([f"{_MARKER_HEAD}{version}", _MARKER_NOTE, *names, ""]), "utf-8")
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
        _swap(staging, target, str(out))
    except OSError as err:
        _remove_written(staging)
        raise _unwritable(out, err) from None
    except BaseException:
        _remove_written(staging)
        raise


def _unwritable(out: Path, err: OSError) -> OutputUnwritable:
    return OutputUnwritable(
        str(out), f"the tables cannot be written: {err.strerror or err}", fix="give a folder you can write to"
    )


def _swap(staging: Path, target: Path, where: str) -> None:
    old = target.with_name(f".{target.name}.old-" + staging.name[len(f".{target.name}.new-") :])
    if target.exists() or target.is_symlink():
        _refuse_foreign(target, where, "--out")  # again: the folder may have changed since the build began
        os.replace(target, old)
    os.replace(staging, target)
    _remove_written(old)


def _remove_written(folder: Path) -> bool:
    """Delete a folder of mi-etl's: the files its marker lists, then the folder, when nothing else
    is in it (an empty folder goes too). Anything else is left as it is."""
    try:
        if folder.is_symlink() or not folder.is_dir():
            return False
        entries = os.listdir(folder)
        listed = _written(folder) or set()
        if any(e not in listed or (folder / e).is_symlink() or not (folder / e).is_file() for e in entries):
            return False
        for entry in sorted(entries, key=lambda e: e == MARKER):  # the marker last
            (folder / entry).unlink()
        folder.rmdir()
        return True
    except OSError:
        return False


def clear_stale(out: Path) -> None:
    """Clear the staging folders beside `out` that a killed build left (`.out.new-PID-*`, and
    `.out.old-PID-*` while `out` exists): only those of a process no longer running, and only
    when mi-etl's marker proves them its own."""
    target = out.resolve()
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(new|old)-(\d+)-")
    try:
        siblings = list(target.parent.iterdir())
    except OSError:
        return
    for path in siblings:
        found = pattern.match(path.name)
        if not found or (found.group(1) == "old" and not target.exists()):
            continue
        if not _running(int(found.group(2))):
            _remove_written(path)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _folder_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask
