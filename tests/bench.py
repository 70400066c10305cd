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
    "programmes": (
        "programme_id", "section_label", "title", "area_label", "status", "requirement_usd",
        "basis", "period", "basis_note", "description", "target_populations",
    ),
}  # fmt: skip


def pdf_bench(mi_etl: str) -> None:
    """The whole report as a PDF: in the contract layout (time, memory, rows), then in every
    pairwise layout of the layout matrix (rows), then hostile PDFs (time and memory of a refusal)."""
    from tests import pdfgen

    jobs = os.cpu_count() or 1
    text = ROOT / "raw" / "migration-initiatives-2015.txt"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([mi_etl, "build", str(text), "--out", f"{tmp}/text"], check=True, capture_output=True, cwd=ROOT)
        report = pdfgen.with_table_pages(pdfgen.read_lines(text), folder / "text")
        start = time.perf_counter()
        pdf = folder / "report.pdf"
        layout = pdfgen.Layout(follow_marks=True)
        pages = pdfgen.render_report(report.lines, pdf, tables=report.tables, cover=True, layout=layout)
        rendered = time.perf_counter() - start
        size = pdf.stat().st_size / 2**20
        code, seconds, peak, last = _run([mi_etl, "build", str(pdf), "--out", f"{tmp}/pdf", "--jobs", str(jobs)])
        if code != 0:
            print(f"PDF build failed ({code}): {last}")
            return
        differ = _differ(folder / "text", folder / "pdf")
        print(f"PDF: {pages} pages ({size:.1f} MB) rendered in {rendered:.1f} s")
        print(
            f"mi-etl build report.pdf --jobs {jobs}:        {seconds:.1f} s, {pages / seconds:.1f} pages/s"
            f" (goal: under {PDF_SECONDS:.0f} s) -> {'met' if seconds < PDF_SECONDS else 'NOT met'}"
        )
        print(
            f"peak memory of the largest process:      {peak:.0f} MB"
            f" (goal: under {PDF_MEGABYTES:.0f} MB) -> {'met' if peak < PDF_MEGABYTES else 'NOT met'}"
        )
        print(f"  rows of {', '.join(COMPARED)} equal to the text path's: {'yes' if not differ else 'NO: ' + differ}")
        layout_matrix(mi_etl, folder, report, jobs)
        hostile(mi_etl, folder)


def layout_matrix(mi_etl: str, folder: Path, report: object, jobs: int) -> None:
    """The whole report in every pairwise layout (tests/pdfgen.py), built, its rows against the
    text path's (for a layout whose columns start elsewhere than the text's marks: the text
    marked where they start). BENCH_LAYOUTS=N runs the first N only."""
    from tests import pdfgen

    assert isinstance(report, pdfgen.Excerpt)
    layouts = pdfgen.pairwise_layouts()[: int(os.environ.get("BENCH_LAYOUTS", "1000"))]
    print(f"layout matrix: the whole report in {len(layouts)} pairwise layouts (--jobs {jobs})")
    equal = 0
    for n, layout in enumerate(layouts, start=1):
        pdf = folder / "layout.pdf"
        starts: list[int] = []
        pages = pdfgen.render_report(report.lines, pdf, tables=report.tables, cover=True, layout=layout, starts=starts)
        want = folder / "text"
        if not layout.follow_marks:
            marked = folder / "marked.txt"
            marked.write_text("\n".join(report.text(starts)) + "\n", encoding="utf-8")
            done = subprocess.run([mi_etl, "build", str(marked), "--out", f"{folder}/marked"], capture_output=True)
            want = folder / ("marked" if done.returncode == 0 else "marked.rejected")
        code, seconds, _, last = _run([mi_etl, "build", str(pdf), "--out", f"{folder}/layout", "--jobs", str(jobs)])
        built = folder / ("layout" if code == 0 else "layout.rejected")  # a failing check: tables beside out/
        differ = last if code not in (0, 1) else _differ(want, built)
        equal += not differ
        verdict = "rows equal" if not differ else f"DIFFER: {differ}"
        print(f"  {n:2} {pages:4} pages {seconds:5.1f} s  {verdict:<12} {layout.name()}")
    print(f"  {equal} of {len(layouts)} layouts give the text path's rows")


def hostile(mi_etl: str, folder: Path) -> None:
    """Hostile PDFs built one by one: how long the refusal takes and the peak memory on the way."""
    from tests import pdfgen

    text = b"BT /F1 9 Tf 72 700 Td (Migration Initiatives) Tj ET"
    many = b"BT /F1 1 Tf (" + b"A" * 250_000 + b") Tj ET"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R"
    page += b" /Resources << /Font << /F1 4 0 R >> >> >>"
    cases = {
        "flat page tree, 20,000 pages": pdfgen.flat_page_tree(20_000, content=text),
        "page tree whose /Count says 2 of 3,001 pages": pdfgen.flat_page_tree(3001, count=2, content=text),
        "300 MB deflate bomb in a content stream": pdfgen.pdf_of_objects(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
                pdfgen.stream_object(pdfgen.deflated(300 * 2**20), "/FlateDecode"),
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                page,
            ]
        ),
        "a page drawing 250,000 characters": pdfgen.flat_page_tree(1, content=many),
    }
    print("hostile PDFs (mi-etl build, one process):")
    for name, data in cases.items():
        raw = folder / "hostile.pdf"
        raw.write_bytes(data)
        code, seconds, peak, last = _run([mi_etl, "build", str(raw), "--out", f"{folder}/hostile", "--jobs", "1"])
        size = len(data) / 2**20
        said = last.split(": ", 1)[-1][:70]
        print(f"  {name} ({size:.1f} MB): exit {code} in {seconds:.1f} s, peak {peak:.0f} MB: {said}")


def _run(command: list[str]) -> tuple[int, float, float, str]:
    """Exit code, seconds, peak memory (MB) of the process and its children, last line of stderr."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    return process.returncode, seconds, usage.ru_maxrss / 1024, lines[-1] if lines else ""


def _differ(want: Path, got: Path) -> str:
    """The tables whose rows differ ('' when all are equal)."""
    return ", ".join(t for t, c in COMPARED.items() if _rows(want, t, c) != _rows(got, t, c))


def _rows(out: Path, table: str, columns: tuple[str, ...]) -> list[tuple[object, ...]]:
    def same(value: object) -> object:  # the generator's fonts draw U+2010 as "-" (tests/pdfgen.py)
        if isinstance(value, str):  # and a tab as a space
            return value.replace("\u2010", "-").replace("\u2011", "-").replace("\t", " ")
        if isinstance(value, list):
            return tuple(same(v) for v in value)
        return value

    rows = pq.read_table(out / f"{table}.parquet").to_pylist()
    return sorted((tuple(same(r[c]) for c in columns) for r in rows), key=repr)


if __name__ == "__main__":
    main()
