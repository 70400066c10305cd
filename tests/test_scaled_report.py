"""Nothing is known by heart: a copy of the report with every amount multiplied and a cover page
added gives the multiplied figures, row for row."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

from etl.pipeline import build
from tests.conftest import RAW, read

FACTOR = 3
_AMOUNT = regex.compile(r"^(\s*)(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+)(\s*)$")


def _scale(line: str) -> str:
    match = _AMOUNT.match(line)
    if not match:
        return line
    sep = "," if "," in match.group(2) else "."
    value = int(match.group(2).replace(",", "").replace(".", "")) * FACTOR
    return f"{match.group(1)}{value:,}".replace(",", sep) + match.group(3)


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
    (raw / "scaled.txt").write_text(COVER + "\n".join(_scale(line) for line in text.split("\n")), encoding="utf-8")
    out = folder / "out"
    build([raw], out)
    return out


def _values(out: Path, table: str, key: tuple[str, ...]) -> dict[tuple[object, ...], object]:
    return {tuple(r[k] for k in key): (r["status"], r["requirement_usd"]) for r in read(out, table)}


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("region_countries", ("region_id", "row_label")),
        ("region_areas", ("region_id", "area_id")),
        ("programmes", ("region_id", "section_id", "area_id")),
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
    assert multiplied == {k: v * FACTOR for k, v in original.items()}  # type: ignore[operator]
