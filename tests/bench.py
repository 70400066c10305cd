"""`make bench`: time a full build of raw/ against its floor and print the ratio; then the PDF
path on a report-like PDF of the whole 2015 report.

The floor is a Python that imports the same third-party libraries as `mi-etl build`, reads the
same files and regex-scans their amounts: what any tool reading these reports has to pay. The
goal is a build within 2x the floor. Best of several runs, wall-clock, on this machine.

The PDF: tests/pdfgen.py renders the whole report (every regional table as a table page, from
the text build's rows), `mi-etl build` reads it with `--jobs` processes; printed: pages/s and
the peak memory of the largest process, against the goals (under 20 s, under 300 MB a
process), and whether every row of regions, region_countries, region_areas and programmes
equals the text path's.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
GOAL = 2.0


def _libraries() -> list[str]:
    """Every third-party module `mi-etl build` loads, in the order it loads them."""
    probe = (
        "import sys; import etl.cli, etl.pipeline, etl.resolve, etl.load, etl.validate, etl.reconcile;"
        "print(' '.join(n for n, m in list(sys.modules.items()) if m is not None"
        " and 'site-packages' in (getattr(m, '__file__', None) or '')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True, cwd=ROOT)
    return [n for n in out.stdout.split() if n.split(".")[0] not in ("etl", "schemas") and not n.startswith("_")]


def _best(command: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    libraries = _libraries()
    floor_code = (
        "import importlib, pathlib\n"
        f"for name in {libraries!r}:\n"
        "    importlib.import_module(name)\n"
        "import regex\n"
        "amount = regex.compile(r'^\\s*(\\d{1,3}(?:,\\d{3})+|\\d{1,3}(?:\\.\\d{3})+)\\s*$', regex.M)\n"
        "for p in sorted(pathlib.Path('raw').glob('*.txt')):\n"
        "    text = p.read_text(encoding='utf-8')\n"
        "    found = amount.findall(text)\n"
    )
    floor = _best([sys.executable, "-c", floor_code])
    mi_etl = str(Path(sys.executable).parent / "mi-etl")
    with tempfile.TemporaryDirectory() as tmp:
        build = _best([mi_etl, "build", "raw", "--out", f"{tmp}/out", "--cache", f"{tmp}/cache", "--force"])
        cached = _best([mi_etl, "build", "raw", "--out", f"{tmp}/out", "--cache", f"{tmp}/cache"])
    ratio = build / floor
    packages = sorted({n.split(".")[0] for n in libraries})
    print(f"third-party modules imported by both: {len(libraries)} from {', '.join(packages)}")
    print(f"floor (import, read, regex-scan amounts): {floor:.2f} s")
    print(f"mi-etl build raw/:                        {build:.2f} s")
    print(f"mi-etl build raw/, nothing changed:       {cached:.2f} s (read from the cache)")
    print(f"ratio: {ratio:.1f}x (goal: within {GOAL:.0f}x) -> {'met' if ratio <= GOAL else 'NOT met'}")
    pdf_bench(mi_etl)


PDF_SECONDS = 20.0
PDF_MEGABYTES = 300.0
COMPARED = {
    "regions": ("region_id", "region_label", "total_usd", "sections", "resolution"),
    "region_countries": ("region_id", "row_label", "country_iso3", "status", "requirement_usd"),
    "region_areas": ("region_id", "area_id", "area_label", "status", "requirement_usd"),
    "programmes": ("programme_id", "title", "area_label", "status", "requirement_usd", "basis", "description"),
}


def pdf_bench(mi_etl: str) -> None:
    from tests import pdfgen

    jobs = os.cpu_count() or 1
    text = ROOT / "raw" / "migration-initiatives-2015.txt"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([mi_etl, "build", str(text), "--out", f"{tmp}/text"], check=True, capture_output=True, cwd=ROOT)
        lines = pdfgen.read_lines(text)
        report = pdfgen.with_table_pages(lines, folder / "text")
        start = time.perf_counter()
        layout = pdfgen.Layout(follow_marks=True)
        pdf = folder / "report.pdf"
        pages = pdfgen.render_report(report.lines, pdf, tables=report.tables, cover=True, layout=layout)
        rendered = time.perf_counter() - start
        size = (folder / "report.pdf").stat().st_size / 2**20
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        command = [mi_etl, "build", str(folder / "report.pdf"), "--out", f"{tmp}/pdf", "--jobs", str(jobs)]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - start
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        if done.returncode != 0:
            print(f"PDF build failed ({done.returncode}): {done.stderr.strip().splitlines()[-1]}")
            return
        same = {t: _rows(folder / "text", t, c) == _rows(folder / "pdf", t, c) for t, c in COMPARED.items()}
    print(f"PDF: {pages} pages ({size:.1f} MB) rendered in {rendered:.1f} s")
    print(
        f"mi-etl build report.pdf --jobs {jobs}:        {seconds:.1f} s, {pages / seconds:.1f} pages/s"
        f" (goal: under {PDF_SECONDS:.0f} s) -> {'met' if seconds < PDF_SECONDS else 'NOT met'}"
    )
    print(
        f"peak memory of the largest process:      {peak:.0f} MB"
        f" (goal: under {PDF_MEGABYTES:.0f} MB) -> {'met' if peak < PDF_MEGABYTES else 'NOT met'}"
    )
    for table, equal in same.items():
        print(f"  {table:<17} rows equal to the text path's: {'yes' if equal else 'NO'}")


def _rows(out: Path, table: str, columns: tuple[str, ...]) -> list[tuple[object, ...]]:
    def same(value: object) -> object:  # the generator's fonts draw U+2010 as "-" (tests/pdfgen.py)
        if isinstance(value, str):  # and a tab as a space
            return value.replace("\u2010", "-").replace("\u2011", "-").replace("\t", " ")
        return value

    return [tuple(same(r[c]) for c in columns) for r in pq.read_table(out / f"{table}.parquet").to_pylist()]


if __name__ == "__main__":
    main()
