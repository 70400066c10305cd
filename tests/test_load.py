"""Python values -> Arrow arrays (etl/load/arrays.py): the same arrays `pyarrow.array` makes, and
no pandas imported on the way."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.load.arrays import values_to_array
from schemas.tables import TABLES

DICT = pa.dictionary(pa.int32(), pa.string())
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12)


def _general(values: list[Any], type_: pa.DataType) -> pa.Array:
    """What pyarrow's own conversion gives."""
    if pa.types.is_dictionary(type_):
        return pa.array(values, type=pa.string()).dictionary_encode()
    return pa.array(values, type=type_)


def _same(values: list[Any], type_: pa.DataType) -> None:
    got = values_to_array(values, type_)
    got.validate(full=True)
    want = _general(values, type_)
    assert got.type == want.type
    assert got.null_count == want.null_count
    assert got.equals(want), (got, want)


@pytest.mark.parametrize(
    ("values", "type_"),
    [
        ([], pa.int64()),
        ([None], pa.int32()),
        ([0, None, 10**11, 2**31 - 1], pa.int64()),
        ([2015, None, -1], pa.int32()),
        ([], pa.string()),
        (["", None, "Côte d’Ivoire", "naïve\u2010text", "a" * 1000], pa.string()),
        ([None, None], pa.string()),
        (["ok", "ok", None, "mismatch", "ok"], DICT),
        ([], DICT),
        ([None], DICT),
        ([["Migrants", "IDPs"], [], None, ["Côte d’Ivoire"]], pa.list_(pa.string())),
        ([[], []], pa.list_(pa.string())),
    ],
)
def test_the_array_is_pyarrows_own(values: list[Any], type_: pa.DataType) -> None:
    _same(values, type_)


@given(st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1))))
def test_any_whole_numbers(values: list[int | None]) -> None:
    _same(values, pa.int64())


@given(st.lists(st.one_of(st.none(), TEXT)))
def test_any_strings_plain_and_dictionary_encoded(values: list[str | None]) -> None:
    _same(values, pa.string())
    _same(values, DICT)


@given(st.lists(st.one_of(st.none(), st.lists(TEXT, max_size=4))))
def test_any_lists_of_strings(values: list[list[str] | None]) -> None:
    _same(values, pa.list_(pa.string()))


def test_every_column_type_of_the_tables_is_built_from_buffers() -> None:
    """No column falls back to pyarrow's general conversion (which asks pandas)."""
    kinds = (pa.types.is_dictionary, pa.types.is_integer, pa.types.is_string, pa.types.is_list)
    for spec in TABLES.values():
        for column in spec.columns:
            assert any(kind(column.type) for kind in kinds), (spec, column.name, column.type)


def test_building_the_tables_imports_no_pandas() -> None:
    """pandas is installed here (frictionless and the tests use it): the build still does not pay
    for importing it."""
    code = (
        "import sys\n"
        "from etl.load.arrays import values_to_array\n"
        "import pyarrow as pa\n"
        "from schemas.tables import TABLES\n"
        "for spec in TABLES.values():\n"
        "    for c in spec.columns:\n"
        "        values_to_array([None] if c.nullable else [], c.type)\n"
        "values_to_array(['a'], pa.dictionary(pa.int32(), pa.string()))\n"
        "values_to_array([['a']], pa.list_(pa.string()))\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
    )
    pytest.importorskip("pandas")
    subprocess.run([sys.executable, "-c", code], check=True)
