"""Each table is declared twice: as the pydantic model that validates its rows (schemas/rows.py) and as
the Parquet spec it is written with (schemas/tables.py). These tests prove the two agree column by
column (name, order, type, nullability; the description is declared once, in the spec), and that
schemas/ depends on nothing in etl/."""

from __future__ import annotations

import ast
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pyarrow as pa
import pytest

from schemas import rows
from schemas.tables import TABLES

ROOT = Path(__file__).resolve().parent.parent

MODELS = rows.MODELS


def _plain(annotation: Any) -> tuple[Any, bool]:
    """A field's Python type without its constraints, and whether it takes None."""
    nullable = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            nullable = nullable or len(args) < len(get_args(annotation))
            assert len(args) == 1, f"a column holds one type, not {annotation}"
            annotation = args[0]
        elif origin is Literal:
            kinds = {type(a) for a in get_args(annotation)}
            assert len(kinds) == 1, f"a Literal of one type, not {annotation}"
            annotation = kinds.pop()
        else:
            return annotation, nullable


def _matches(python: Any, arrow: pa.DataType) -> bool:
    if get_origin(python) is list:
        (item,) = get_args(python)
        return pa.types.is_list(arrow) and _matches(_plain(item)[0], arrow.value_type)
    if pa.types.is_dictionary(arrow):
        return python is str and pa.types.is_string(arrow.value_type)
    return {
        str: pa.types.is_string,
        int: pa.types.is_integer,
        float: pa.types.is_floating,
        bool: pa.types.is_boolean,
    }.get(python, lambda _: False)(arrow) is True


def test_every_table_has_its_model() -> None:
    assert set(MODELS) == set(TABLES)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_model_and_spec_agree_column_by_column(table: str) -> None:
    spec, model = TABLES[table], MODELS[table]
    hints = typing.get_type_hints(model, include_extras=True)
    assert sorted(model.model_fields) == sorted(c.name for c in spec.columns), "the same columns (the spec orders them)"
    for column in spec.columns:
        field = model.model_fields[column.name]
        python, nullable = _plain(hints[column.name])
        assert nullable == column.nullable, f"{table}.{column.name}: nullable {nullable} vs {column.nullable}"
        assert _matches(python, column.type), f"{table}.{column.name}: {python} vs {column.type}"
        assert column.description.strip(), f"{table}.{column.name} is described in schemas/tables.py"
        own = field.description
        assert own is None or own == column.description or python is int, (
            f"{table}.{column.name}: described once, in schemas/tables.py"
        )


def test_schemas_import_nothing_from_etl() -> None:
    for path in sorted((ROOT / "schemas").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            assert not any(n == "etl" or n.startswith("etl.") for n in names), f"{path.name} imports {names}"


def test_a_disagreement_is_seen() -> None:
    """The check can fail: a model whose nullability differs from its column's is caught."""
    python, nullable = _plain(int | None)
    assert (python, nullable) == (int, True)
    assert not _matches(str, pa.int64()) and not _matches(list[int], pa.list_(pa.string()))
