"""Golden files: every figure of every region of the 2015 report, as the pipeline resolves it.

A change in any figure shows up as a diff of tests/golden/<region>.tsv (multiregional.tsv for the
multiregional part); after review, rewrite
them with `pytest --regen-golden` and commit the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.pipeline import BuildReport
from tests.conftest import read
from tests.test_regional_tables import REGIONS

GOLDEN = Path(__file__).resolve().parent / "golden"


def _line(ref: object) -> str:
    return str(ref).rsplit(":", 1)[-1]


def _render(out: Path, region: str) -> str:
    lines = ["kind\tsection\tarea\tstatus\tusd\tamount_line\tlabel_line"]
    for r in read(out, "region_countries"):
        if r["region_id"] == region:
            section = r["country_iso3"] or "regional"
            lines.append(
                f"row\t{section}\t\t{r['status']}\t{r['requirement_usd']}\t{_line(r['source_ref'])}\t{_line(r['label_ref'])}"
            )
    for r in read(out, "region_areas"):
        if r["region_id"] == region:
            lines.append(
                f"area\t\t{r['area_id']}\t{r['status']}\t{r['requirement_usd']}\t{_line(r['source_ref'])}\t{_line(r['label_ref'])}"
            )
    for r in read(out, "programmes"):
        if r["region_id"] == region:
            label = _line(r["label_ref"]) if r["label_ref"] else ""
            lines.append(
                f"programme\t{r['section_id']}\t{r['area_id']}\t{r['status']}\t{r['requirement_usd']}\t{_line(r['source_ref'])}\t{label}"
            )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_region_matches_golden(built_2015: tuple[Path, BuildReport], regen: bool, region: str) -> None:
    path = GOLDEN / f"{region}.tsv"
    rendered = _render(built_2015[0], region)
    if regen:
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run pytest --regen-golden and review it"
    assert rendered == path.read_text(encoding="utf-8")


def _render_multiregional(out: Path) -> str:
    lines = ["programme_id\tstatus\tusd\tbasis\tperiod\tbasis_note\tamount_line\ttitle_line"]
    for r in read(out, "programmes"):
        if r["scope"] == "multiregional":
            values = [r["programme_id"], r["status"], r["requirement_usd"], r["basis"], r["period"], r["basis_note"]]
            values += [_line(r["source_ref"]), _line(r["label_ref"])]
            lines.append("\t".join("" if v is None else str(v) for v in values))
    return "\n".join(lines) + "\n"


def test_multiregional_part_matches_golden(built_2015: tuple[Path, BuildReport], regen: bool) -> None:
    path = GOLDEN / "multiregional.tsv"
    rendered = _render_multiregional(built_2015[0])
    if regen:
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run pytest --regen-golden and review it"
    assert rendered == path.read_text(encoding="utf-8")
