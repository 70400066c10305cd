"""A report's validated rows kept between builds: the same bytes, read the same way by the same
pipeline, are not parsed again.

The key covers the report's bytes, the name it is read under (every source_ref carries it),
the solver time bound, the solver (the HiGHS version and MI_ETL_SOLVER_PARAMS), and a
fingerprint of the pipeline itself: its code and its hand-kept
data. Changing any of them is a cache miss; `--force` ignores the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

from pydantic import BaseModel, TypeAdapter

import etl
import schemas
from etl.errors import OutputUnwritable
from etl.resolve.solver import solver_settings
from etl.validate import PER_REPORT, Rows
from schemas.rows import MODELS

DEFAULT = Path(".cache") / "mi-etl"


@cache
def pipeline_fingerprint() -> str:
    """SHA-256 over the pipeline's own files: code, gazetteers, known discrepancies."""
    digest = hashlib.sha256()
    for package in (etl, schemas):
        root = Path(str(package.__file__)).parent
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".csv", ".toml") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(name: str, sha256: str, time_limit: float) -> str:
    """Everything that changes a report's rows, hashed."""
    parts = (name, sha256, repr(time_limit), solver_settings(), pipeline_fingerprint())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def load_rows(folder: Path, key: str) -> Rows | None:
    """The cached rows of a report, or None (absent, or unreadable: then it is parsed again)."""
    path = folder / f"{key}.json"
    try:
        data = json.loads(path.read_bytes())
        rows = Rows()
        for table in PER_REPORT:  # each table's rows validated in one call (pydantic-core), as they were built
            getattr(rows, table).extend(_adapter(table).validate_python(data[table]))
        return rows
    except (OSError, ValueError, KeyError, TypeError):
        return None


@cache
def _adapter(table: str) -> TypeAdapter[list[BaseModel]]:
    """A table's rows <-> JSON in one call to pydantic-core (row by row in Python is 5x slower)."""
    return TypeAdapter(list[MODELS[table]])  # type: ignore[valid-type]


def check_cache(folder: Path) -> None:
    """Refuse, before any work, a --cache that is a file or lies under one."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        where = "is a file" if existing == folder else f"lies under {existing}, which is a file"
        raise OutputUnwritable(str(folder), f"--cache {where}", fix="give --cache a folder, e.g. --cache .cache/mi-etl")


def save_rows(folder: Path, key: str, rows: Rows) -> None:
    """Keep a report's rows; written to a temporary file and renamed, so a reader never sees half."""
    tables = (
        json.dumps(table).encode() + b":" + _adapter(table).dump_json(getattr(rows, table)) for table in PER_REPORT
    )
    data = b"{" + b",".join(tables) + b"}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(handle, "wb") as f:
            os.fchmod(f.fileno(), 0o666 & ~_umask())  # mkstemp makes it 0600: the user's umask decides
            f.write(data)
        os.replace(name, folder / f"{key}.json")
    except OSError as err:
        raise OutputUnwritable(
            str(folder),
            f"the cache cannot be written: {err.strerror or err}",
            fix="give --cache a folder you can write to",
        ) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
