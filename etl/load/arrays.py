"""Python values -> an Arrow array of a table's column type, built from its buffers.

`pyarrow.array` asks pandas about every Python list it is given (is it a Series? an Index?), and
so imports pandas, where it is installed, the first time: 0.2 to 0.5 s of a build that never uses
pandas. The column types of the tables (schemas/tables.py) are few: whole numbers, strings,
dictionary-encoded strings and lists of strings. Their buffers are laid out here as the Arrow
format defines them, and pyarrow assembles the array without a question to pandas. The result is
the array `pyarrow.array(values, type)` gives (for a dictionary: `.dictionary_encode()` of the
strings, the dictionary in order of first occurrence); tests/test_load.py compares the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

_OFFSET = np.int32


def values_to_array(values: Sequence[Any], type_: pa.DataType) -> pa.Array:
    """The values (None for a null) as an Arrow array of `type_`."""
    if pa.types.is_dictionary(type_):
        return _dictionary(values, type_)
    if pa.types.is_integer(type_):
        return _integers(values, type_)
    if pa.types.is_string(type_):
        return _strings(values)
    if pa.types.is_list(type_) and pa.types.is_string(type_.value_type):
        return _string_lists(values, type_)
    return pa.array(values, type=type_)  # a type no table has yet: the general way


def _validity(values: Sequence[Any]) -> tuple[pa.Buffer | None, int]:
    """The validity bitmap (None when nothing is null) and the number of nulls."""
    valid = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    nulls = len(values) - int(valid.sum())
    if not nulls:
        return None, 0
    return pa.py_buffer(np.packbits(valid, bitorder="little")), nulls


def _integers(values: Sequence[Any], type_: pa.DataType) -> pa.Array:
    validity, nulls = _validity(values)
    data = np.fromiter((0 if v is None else v for v in values), dtype=type_.to_pandas_dtype(), count=len(values))
    return pa.Array.from_buffers(type_, len(values), [validity, pa.py_buffer(data)], null_count=nulls)


def _strings(values: Sequence[Any]) -> pa.Array:
    validity, nulls = _validity(values)
    encoded = [b"" if v is None else v.encode("utf-8") for v in values]
    ends = np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
    if len(ends) and ends[-1] > np.iinfo(_OFFSET).max:
        return pa.array(values, type=pa.string())  # past 2 GiB of text: Arrow's own chunking
    offsets = np.zeros(len(encoded) + 1, dtype=_OFFSET)
    offsets[1:] = ends
    data = b"".join(encoded)
    return pa.Array.from_buffers(
        pa.string(), len(values), [validity, pa.py_buffer(offsets), pa.py_buffer(data)], null_count=nulls
    )


def _dictionary(values: Sequence[Any], type_: pa.DataType) -> pa.Array:
    codes: dict[str, int] = {}
    indices = [None if v is None else codes.setdefault(v, len(codes)) for v in values]
    dictionary = _strings(list(codes))
    index_type = type_.index_type
    validity, nulls = _validity(indices)
    data = np.fromiter((0 if i is None else i for i in indices), dtype=index_type.to_pandas_dtype(), count=len(values))
    indices_array = pa.Array.from_buffers(index_type, len(values), [validity, pa.py_buffer(data)], null_count=nulls)
    return pa.DictionaryArray.from_arrays(indices_array, dictionary)


def _string_lists(values: Sequence[Any], type_: pa.DataType) -> pa.Array:
    validity, nulls = _validity(values)
    items = [item for v in values if v is not None for item in v]
    offsets = np.zeros(len(values) + 1, dtype=_OFFSET)
    lengths = np.fromiter((0 if v is None else len(v) for v in values), dtype=np.int64, count=len(values))
    offsets[1:] = np.cumsum(lengths)
    child = _strings(items)
    return pa.Array.from_buffers(
        type_, len(values), [validity, pa.py_buffer(offsets)], null_count=nulls, children=[child]
    )
