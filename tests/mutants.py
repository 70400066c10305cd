"""Structural mutations of the real report: what another edition or another text exporter changes.

Each mutation changes one occurrence of one structural heading (plural, case, synonym, deletion),
or the whole text the way another exporter writes it (no blank lines, CRLF, form feeds, no leading
spaces, trailing spaces). The promise under test: the build gives the same rows as the original,
or stops with one coded line naming a place near the change, never a successful build with rows
lost or added.

`python -m tests.mutants [--kinds K,...] [--every N] [--jobs N]` sweeps every occurrence of every
kind (slow: one whole build each) and prints the ones that break the promise.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import regex

from etl.errors import EtlError
from etl.extract.text import bytes_to_document
from etl.gazetteer import normalize
from etl.pipeline import document_to_rows
from etl.validate import Rows
from tests.conftest import RAW

# The columns that say what a figure is; places (line numbers) move when a line is deleted.
COMPARED: dict[str, tuple[str, ...]] = {
    "regions": ("region_id", "region_label", "total_usd", "sections", "resolution"),
    "region_countries": ("region_id", "row_label", "country_iso3", "status", "requirement_usd"),
    "region_areas": ("region_id", "area_id", "area_label", "status", "requirement_usd"),
    "programmes": (
        "programme_id", "section_label", "title", "area_label", "status", "requirement_usd",
        "basis", "period", "basis_note",
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Mutation:
    kind: str  # the heading kind: region_title, country_column, ...
    variant: str  # plural, upper, lower, title, synonym..., deleted, renamed
    line: int  # 1-based line of the change in the original text (0: the whole text)
    text: str  # the new text of the line, or "" when deleted

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.variant}-{self.line}"


def _key(text: str) -> str:
    return normalize(text)


def _is(key: str) -> Callable[[str], bool]:
    return lambda text: _key(text) == key


# kind -> (which lines, variants: name -> new text from the old one, None to delete)
Variant = Callable[[str], str | None]
_CASE: dict[str, Variant] = {
    "upper": lambda t: t.upper(),
    "lower": lambda t: t.lower(),
    "title": lambda t: regex.sub(r"\b(\w)(\w*)", lambda m: m.group(1).upper() + m.group(2).lower(), t),
    "deleted": lambda t: None,
}
KINDS: dict[str, tuple[Callable[[str], bool], dict[str, Variant]]] = {
    "region_title": (
        _is("funding requirements for"),
        {**_CASE, "singular": lambda t: t.replace("requirements", "requirement")},
    ),
    "country_column": (_is("country"), {**_CASE, "plural": lambda t: t.replace("Country", "Countries")}),
    "usd_column": (
        _is("usd"),
        {**_CASE, "us_dollar_sign": lambda t: t.replace("USD", "US$"), "in_parentheses": lambda t: "(USD)"},
    ),
    "area_column": (
        lambda t: _key(t) == "programmatic area",
        {**_CASE, "plural": lambda t: t.rstrip() + "s", "hyphen": lambda t: t.replace(" ", "-")},
    ),
    "total_row": (
        _is("total funding requirement"),
        {**_CASE, "plural": lambda t: t.rstrip() + "s", "total_only": lambda t: "Total"},
    ),
    "box_line": (
        _is("funding requirement (in usd)"),
        {
            **_CASE,
            "plural": lambda t: t.replace("requirement", "requirements"),
            "us_dollar_sign": lambda t: t.replace("USD", "US$"),
            "no_in": lambda t: t.replace("(in USD)", "(USD)"),
        },
    ),
    "multiregional_title": (
        _is("multiregional initiatives"),
        {**_CASE, "hyphen": lambda t: "MULTI-REGIONAL INITIATIVES", "spaced": lambda t: "Multi regional initiatives"},
    ),
}


def report_lines() -> list[str]:
    return RAW.read_text(encoding="utf-8").split("\n")


def sites(lines: list[str]) -> dict[str, list[int]]:
    """Kind -> the 0-based indices of its lines in the report."""
    out: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for i, line in enumerate(lines):
        for kind, (match, _) in KINDS.items():
            if match(line):
                out[kind].append(i)
    return out


def mutations(lines: list[str], kinds: list[str] | None = None) -> Iterator[Mutation]:
    found = sites(lines)
    for kind in kinds or list(KINDS):
        if kind not in KINDS:
            continue
        for i in found[kind]:
            for variant, change in KINDS[kind][1].items():
                new = change(lines[i])
                if new is not None and new == lines[i]:
                    continue
                yield Mutation(kind, variant, i + 1, "" if new is None else new)


def apply(lines: list[str], mutation: Mutation) -> list[str]:
    i = mutation.line - 1
    if mutation.variant == "deleted":
        return lines[:i] + lines[i + 1 :]
    leading = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    return [*lines[:i], leading + mutation.text.strip(), *lines[i + 1 :]]


def text_rows(text: str, name: str = "report.txt") -> Rows:
    rows = Rows()
    document_to_rows(bytes_to_document(text.encode("utf-8"), name), rows, jobs=1)
    return rows


def figures(rows: Rows) -> dict[str, list[tuple[Any, ...]]]:
    """What the rows say, without where it was read."""
    out = {}
    for table, columns in COMPARED.items():
        out[table] = sorted(
            (tuple(getattr(r, c) for c in columns) for r in getattr(rows, table)),
            key=lambda t: tuple(str(v) for v in t),
        )
    return out


def difference(expected: dict[str, list[tuple[Any, ...]]], got: dict[str, list[tuple[Any, ...]]]) -> str:
    """A short account of how two sets of figures differ ('' when equal)."""
    notes = []
    for table in COMPARED:
        lost = sorted(set(expected[table]) - set(got[table]), key=str)
        new = sorted(set(got[table]) - set(expected[table]), key=str)
        if lost or new:
            notes.append(f"{table}: {len(lost)} lost {lost[:2]}, {len(new)} new {new[:2]}")
    return "; ".join(notes)


@dataclass(frozen=True, slots=True)
class Outcome:
    mutation: Mutation
    verdict: str  # same, error-near, error-far, differs, crash
    detail: str


NEAR = 150  # lines: an error names a place this near the change


def judge(mutation: Mutation, text: str, expected: dict[str, list[tuple[Any, ...]]]) -> Outcome:
    try:
        rows = text_rows(text)
    except EtlError as err:
        line = _line_of(err.where)
        near = line is not None and (mutation.line == 0 or abs(line - mutation.line) <= NEAR)
        return Outcome(mutation, "error-near" if near else "error-far", err.line())
    except Exception as err:
        return Outcome(mutation, "crash", f"{type(err).__name__}: {err}")
    diff = difference(expected, figures(rows))
    return Outcome(mutation, "differs" if diff else "same", diff)


def _line_of(where: str) -> int | None:
    m = regex.search(r":(\d+)$", where)
    return int(m.group(1)) if m else None


_BASE: dict[str, list[tuple[Any, ...]]] = {}
_LINES: list[str] = []


def _run(mutation: Mutation) -> Outcome:
    return judge(mutation, "\n".join(apply(_LINES, mutation)), _BASE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kinds", default="")
    parser.add_argument("--every", type=int, default=1, help="take every Nth mutation")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--log", default="")
    args = parser.parse_args(argv)
    global _BASE, _LINES
    _LINES = report_lines()
    _BASE = figures(text_rows("\n".join(_LINES)))
    todo = list(mutations(_LINES, [k for k in args.kinds.split(",") if k] or None))[:: args.every]
    print(f"{len(todo)} mutations", file=sys.stderr)
    bad = 0
    log = open(args.log, "a", encoding="utf-8") if args.log else None  # noqa: SIM115
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        for outcome in pool.imap_unordered(_run, todo):
            ok = outcome.verdict in ("same", "error-near")
            bad += not ok
            record = {"name": outcome.mutation.name, "verdict": outcome.verdict, "detail": outcome.detail[:400]}
            if log:
                log.write(json.dumps(record) + "\n")
                log.flush()
            if not ok:
                print(f"{outcome.mutation.name}: {outcome.verdict}: {outcome.detail[:300]}", flush=True)
    print(f"{bad} of {len(todo)} break the promise", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
