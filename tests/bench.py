"""`make bench`: time a full build of raw/ against its floor and print the ratio.

The floor is a Python that imports the same third-party libraries as `mi-etl build`, reads the
same files and regex-scans their amounts: what any tool reading these reports has to pay. The
goal is a build within 2x the floor. Best of several runs, wall-clock, on this machine.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


if __name__ == "__main__":
    main()
