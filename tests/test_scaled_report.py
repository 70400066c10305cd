"""Nothing is known by heart: a copy of the report with every amount multiplied (in the tables,
the boxes and the multiregional part's sentences) and a cover page added gives the multiplied
figures, row for row."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import regex

from etl.pipeline import build
from tests.conftest import RAW, read

FACTOR = 3
_AMOUNT = regex.compile(r"^(\s*)(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+)(\s*)$")


_IN_SENTENCE = regex.compile(r"\b\d{1,3}(?:,\d{3})+\b|(?<=USD\s*)\d+(?:\.\d+)?(?=\s*million)")


def _scale(line: str) -> str:
    match = _AMOUNT.match(line)
    if not match:
        return line
    sep = "," if "," in match.group(2) else "."
    value = int(match.group(2).replace(",", "").replace(".", "")) * FACTOR
    return f"{match.group(1)}{value:,}".replace(",", sep) + str(match.group(3))


def _scale_prose(line: str) -> str:
    """In the multiregional part amounts stand in sentences: "USD 240,000.", "USD 3.3 million"."""
    return str(_IN_SENTENCE.sub(lambda m: _times(m.group()), line))


def _times(number: str) -> str:
    if "," in number:
        return f"{int(number.replace(',', '')) * FACTOR:,}"
    return f"{Decimal(number) * FACTOR:f}"


def _scale_report(text: str) -> str:
    lines = text.split("\n")
    part = max(i for i, line in enumerate(lines) if line.strip().lower() == "programmatic area")
    part = next(i for i in range(part, len(lines)) if lines[i].strip().lower() == "multiregional initiatives")
    return "\n".join(_scale(line) if i < part else _scale_prose(line) for i, line in enumerate(lines))


COVER = """International Organization for Migration
MIGRATION INITIATIVES 2015
Migrants and Cities: New Partnerships to Manage Urban Mobility
17 route des Morillons, 1211 Geneva 19, Switzerland
Cover page added for this test: 12 pages, 300,000 copies printed, ISBN 978-92-9068-000-0

"""


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scaled")
    raw = folder / "raw"
    raw.mkdir()
    text = RAW.read_text(encoding="utf-8")
    (raw / "scaled.txt").write_text(COVER + _scale_report(text), encoding="utf-8")
    out = folder / "out"
    build([raw], out)
    return out


def _values(out: Path, table: str, key: tuple[str, ...]) -> dict[tuple[object, ...], tuple[str, int | None]]:
    return {tuple(r[k] for k in key): (r["status"], r["requirement_usd"]) for r in read(out, table)}


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("region_countries", ("region_id", "row_label")),
        ("region_areas", ("region_id", "area_id")),
        ("programmes", ("programme_id",)),
    ],
)
def test_every_figure_scales(built_2015: tuple[Path, object], scaled: Path, table: str, key: tuple[str, ...]) -> None:
    original = _values(built_2015[0], table, key)
    multiplied = _values(scaled, table, key)
    assert multiplied.keys() == original.keys()
    for k, (status, usd) in original.items():
        expected = (status, usd * FACTOR if isinstance(usd, int) else usd)
        assert multiplied[k] == expected, k


def test_totals_scale(built_2015: tuple[Path, object], scaled: Path) -> None:
    original = {r["region_id"]: r["total_usd"] for r in read(built_2015[0], "regions")}
    multiplied = {r["region_id"]: r["total_usd"] for r in read(scaled, "regions")}
    assert multiplied == {k: v * FACTOR for k, v in original.items()}
