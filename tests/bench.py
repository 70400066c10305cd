"""`make bench`: the README's performance goals, measured on this machine (never in a unit test).

1. **Text**: `mi-etl build` of the 2015 text (cache bypassed, `--force`) against its floor, a
   bare Python that imports pyarrow and pydantic, reads the file and regex-scans its amounts:
   the ratio of the medians of RUNS runs each (goal: within 4x), and where the build's time
   goes (its stages, timed in one process from the build's own progress messages).
2. **Start-up**: `mi-etl --help` and `mi-etl check` (goal: 0.3 s each; nothing of the pipeline
   is imported for them).
3. **Scaling**: 1, 2 and 4 copies of the report (under different editions' titles) in one
   build: seconds per report, one process and all cores (goal: flat).
4. **Boxes**: one region's programme boxes repeated 1x to 16x (synthetic), segmentation and
   layout timed: seconds per box (goal: flat; nothing super-linear in the input's size).
5. **PDF**: tests/pdfgen.py renders the whole report, `mi-etl build` reads it with every core:
   pages/s (goal: 50), peak memory of the largest process (goal: 300 MB), rows equal to the
   text path's; then every pairwise layout of the layout matrix (`BENCH_LAYOUTS=N`: the first
   N), then hostile inputs (time and memory of their refusal).

`BENCH_ONLY=text,startup,scaling,boxes,pdf` runs some parts only.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from tests.pdfgen import COMPARED

ROOT = Path(__file__).resolve().parent.parent
TEXT = ROOT / "raw" / "migration-initiatives-2015.txt"
RUNS = 5
TEXT_GOAL = 4.0  # x the floor
STARTUP_GOAL = 0.3  # seconds
PDF_PAGES_GOAL = 50.0  # pages a second
PDF_MEGABYTES = 300.0
BIN = Path(sys.executable).parent
MI_ETL = str(BIN / "mi-etl")

FLOOR = """
import pathlib, re, sys
import pyarrow, pydantic
text = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")
found = re.findall(r"\\b\\d{1,3}(?:,\\d{3})+\\b|\\bFunded\\b", text)
"""


def _median(command: list[str], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def text_bench() -> None:
    floor = _median([sys.executable, "-c", FLOOR, str(TEXT)])
    with tempfile.TemporaryDirectory() as tmp:
        base = [MI_ETL, "build", str(TEXT), "--out", f"{tmp}/out", "--cache", f"{tmp}/cache"]
        build = _median([*base, "--force"])
        one = _median([*base, "--force", "--jobs", "1"])
        cached = _median(base)
    ratio = build / floor
    print(f"text: the 2015 report (median of {RUNS} runs)")
    print(f"  floor (import pyarrow + pydantic, read, regex-scan amounts): {floor:.2f} s")
    print(f"  mi-etl build --force (all cores):                          {build:.2f} s")
    print(f"  mi-etl build --force --jobs 1:                             {one:.2f} s")
    print(f"  mi-etl build, nothing changed (read from the cache):       {cached:.2f} s")
    print(f"  ratio: {ratio:.1f}x the floor (goal: within {TEXT_GOAL:.0f}x) -> {_verdict(ratio <= TEXT_GOAL)}")
    print("  where the time goes (one process, --jobs 1):")
    for stage, seconds in _stages().items():
        print(f"    {stage:<44} {seconds:5.2f} s")


STAGES = """
import json, sys, tempfile, time
t0 = time.perf_counter()
from etl.pipeline import build
imported = time.perf_counter()
marks = []
with tempfile.TemporaryDirectory() as tmp:
    build([__import__("pathlib").Path(sys.argv[1])], __import__("pathlib").Path(tmp) / "out", jobs=1,
          progress=lambda m: marks.append((time.perf_counter(), m)), force=True)
end = time.perf_counter()
print(json.dumps({"t0": t0, "imported": imported, "marks": marks, "end": end}))
"""


def _stages() -> dict[str, float]:
    """The build's stages, timed by its progress messages (one process)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", STAGES, str(TEXT)], check=True, capture_output=True, cwd=ROOT, text=True
    )
    got = json.loads(done.stdout.strip().splitlines()[-1])
    marks: list[tuple[float, str]] = got["marks"]
    stages: dict[str, float] = {
        "Python start": got["t0"] - start,
        "imports (etl.pipeline and its libraries)": got["imported"] - got["t0"],
    }
    at = {m.strip(): t for t, m in marks}
    regions = [t for t, m in marks if m.startswith("  resolving ") and "multiregional" not in m]
    multiregional = at.get("resolving multiregional initiatives")
    if regions and multiregional is not None:
        stages["read, identify, segment, lay out, text model"] = regions[0] - got["imported"]
        stages[f"resolve {len(regions)} regions (3 solves each)"] = multiregional - regions[0]
    if multiregional is not None and "checking the sums" in at:
        stages["multiregional part, validation, account of every line"] = at["checking the sums"] - multiregional
    if "writing the tables" in at and "checking the sums" in at:
        stages["reconcile, build the Arrow tables"] = at["writing the tables"] - at["checking the sums"]
        stages["write Parquet, swap out/"] = got["end"] - at["writing the tables"]
    stages["total"] = sum(stages.values())
    return stages


def startup_bench() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([MI_ETL, "build", str(TEXT), "--out", f"{tmp}/out"], check=True, capture_output=True, cwd=ROOT)
        helped = _median([MI_ETL, "--help"])
        checked = _median([MI_ETL, "check", "--out", f"{tmp}/out"])
    bare = _median([sys.executable, "-c", "pass"])
    print(f"start-up (median of {RUNS}; a bare Python starts in {bare:.2f} s):")
    print(f"  mi-etl --help:  {helped:.2f} s (goal: {STARTUP_GOAL} s) -> {_verdict(helped <= STARTUP_GOAL)}")
    print(f"  mi-etl check:   {checked:.2f} s (goal: {STARTUP_GOAL} s) -> {_verdict(checked <= STARTUP_GOAL)}")


def scaling_bench() -> None:
    text = TEXT.read_text(encoding="utf-8")
    print("scaling: copies of the report in one build (each under another edition's title), --force")
    with tempfile.TemporaryDirectory() as tmp:
        for copies in (1, 2, 4):
            raw = Path(tmp) / f"raw{copies}"
            raw.mkdir()
            for n in range(copies):
                edition = 2015 + 10 * n
                (raw / f"mi-{edition}.txt").write_text(
                    text.replace("Migration Initiatives 2015", f"Migration Initiatives {edition}"), encoding="utf-8"
                )
            times = {}
            for jobs in ("1", str(os.cpu_count() or 1)):
                times[jobs] = _median(
                    [MI_ETL, "build", str(raw), "--out", f"{tmp}/out{copies}", "--force", "--jobs", jobs], runs=3
                )
            cells = ", ".join(f"--jobs {j}: {s:5.2f} s, {s / copies:4.2f} s a report" for j, s in times.items())
            print(f"  {copies} report{'s' if copies > 1 else ' '}: {cells}")


BOXES = """
import sys, time
from pathlib import Path
from etl.extract.text import bytes_to_document
from etl.gazetteer import load_gazetteer
from etl.resolve import segments_to_layouts
from etl.segment import document_to_segments
lines = Path(sys.argv[1]).read_text(encoding="utf-8").split("\\n")
at = lines.index(" Regional Programmes") + 1  # inside the first region's programme sections
box = ["Migration Health", "Funding requirement (in USD)", "", "1,000,000", ""]
gaz = load_gazetteer()
for extra in (0, 250, 500, 1000, 2000, 3500):
    doc = bytes_to_document("\\n".join([*lines[:at], *(box * extra), *lines[at:]]).encode(), "boxes.txt")
    best = None
    for _ in range(3):
        start = time.perf_counter()
        laid = segments_to_layouts(document_to_segments(doc, gaz), doc, gaz)
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    print(extra, len(laid[0].layout.labels), best, flush=True)
"""


def boxes_bench() -> None:
    print("boxes: programme boxes added to the first region (synthetic), segmentation and layout of the whole report:")
    done = subprocess.run(
        [sys.executable, "-c", BOXES, str(TEXT)], check=True, capture_output=True, cwd=ROOT, text=True
    )
    base = 0.0
    for row in done.stdout.split("\n"):
        if not row.strip():
            continue
        extra, labels, seconds = int(row.split()[0]), int(row.split()[1]), float(row.split()[2])
        if extra == 0:
            base = seconds
            print(f"  the report as printed: {labels:>5} labels in the region, {seconds:5.2f} s")
            continue
        each = (seconds - base) / extra * 1000
        print(
            f"  {extra:>5} boxes added: {labels:>5} labels in the region, {seconds:5.2f} s, {each:5.2f} ms a box added"
        )


def main() -> None:
    # As an installed mi-etl runs: its modules compiled once (pip compiles the libraries' at install;
    # this machine sets PYTHONDONTWRITEBYTECODE, which would recompile mi-etl's 0.1 s every run)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "etl"), str(ROOT / "schemas")], check=True)
    only = set(filter(None, os.environ.get("BENCH_ONLY", "text,startup,scaling,boxes,pdf").split(",")))
    if "text" in only:
        text_bench()
    if "startup" in only:
        startup_bench()
    if "scaling" in only:
        scaling_bench()
    if "boxes" in only:
        boxes_bench()
    if "pdf" in only:
        pdf_bench(MI_ETL)


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
            f" (goal: {PDF_PAGES_GOAL:.0f} pages/s) -> {_verdict(pages / seconds >= PDF_PAGES_GOAL)}"
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
