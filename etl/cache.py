"""A report's validated rows kept between builds: the same bytes, read the same way by the same
pipeline, are not parsed again.

The key covers the report's bytes, the name it is read under (every source_ref carries it),
the solver time bound, and a fingerprint of the pipeline itself: its code and its hand-kept
data. Changing any of them is a cache miss; `--force` ignores the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import etl
import schemas
from etl.validate import PER_REPORT, Rows
from schemas.rows import PageRow, ProgrammeRow, ProjectRow, RegionAreaRow, RegionCountryRow, RegionRow, ReportRow

DEFAULT = Path(".cache") / "mi-etl"
_MODELS: dict[str, Any] = {
    "reports": ReportRow,
    "pages": PageRow,
    "regions": RegionRow,
    "region_countries": RegionCountryRow,
    "region_areas": RegionAreaRow,
    "programmes": ProgrammeRow,
    "projects": ProjectRow,
}


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
    return hashlib.sha256(f"{name}\n{sha256}\n{time_limit!r}\n{pipeline_fingerprint()}".encode()).hexdigest()


def load_rows(folder: Path, key: str) -> Rows | None:
    """The cached rows of a report, or None (absent, or unreadable: then it is parsed again)."""
    path = folder / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = Rows()
        for table in PER_REPORT:
            getattr(rows, table).extend(_MODELS[table].model_validate(r) for r in data[table])
        return rows
    except (OSError, ValueError, KeyError):
        return None


def save_rows(folder: Path, key: str, rows: Rows) -> None:
    """Keep a report's rows; written to a temporary file and renamed, so a reader never sees half."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {table: [r.model_dump(mode="json") for r in getattr(rows, table)] for table in PER_REPORT}
    handle, name = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    os.replace(name, folder / f"{key}.json")
