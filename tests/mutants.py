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
import textwrap
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


# Lines printed on many pages, renamed everywhere as another edition names its footer and theme.
RUNNING: dict[str, tuple[str, str]] = {
    "running_footer": ("Migration Initiatives 2015", "IOM Appeals 2015"),
    "theme_line": ("Migrants and Cities", "Cities and Mobility"),
}
HEADING_VARIANTS: dict[str, Variant] = {k: v for k, v in _CASE.items()}


def report_lines() -> list[str]:
    return RAW.read_text(encoding="utf-8").split("\n")


def sites(lines: list[str]) -> dict[str, list[int]]:
    """Kind -> the 0-based indices of its lines in the report."""
    out: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for i, line in enumerate(lines):
        for kind, (match, _) in KINDS.items():
            if match(line):
                out[kind].append(i)
    out["country_heading"] = country_headings(lines)
    return out


def country_headings(lines: list[str]) -> list[int]:
    """The lines of the report's country headings (the sections' own, as segmentation finds them)."""
    from etl.gazetteer import load_gazetteer
    from etl.segment import document_to_segments

    doc = bytes_to_document("\n".join(lines).encode("utf-8"), "report.txt")
    segments = document_to_segments(doc, load_gazetteer())
    return sorted(
        item.index
        for region in segments.regions
        for item in region.zone.items
        if item.kind == "heading" and item.section != "regional" and item.span == 1
    )


def mutations(lines: list[str], kinds: list[str] | None = None) -> Iterator[Mutation]:
    """Every structural mutation of the report, kind by kind, line by line."""
    found = sites(lines)
    for kind in kinds or [*KINDS, "country_heading", *RUNNING]:
        if kind in RUNNING:
            yield Mutation(kind, "renamed", 0, RUNNING[kind][1])
            continue
        variants = HEADING_VARIANTS if kind == "country_heading" else KINDS[kind][1]
        for i in found[kind]:
            for variant, change in variants.items():
                new = change(lines[i])
                if new is not None and new == lines[i]:
                    continue
                yield Mutation(kind, variant, i + 1, "" if new is None else new)


def sample(lines: list[str]) -> list[Mutation]:
    """One occurrence of each kind for each variant, a different one for each variant (spread over
    the report), and the renamed running lines: what `make test` runs."""
    out: list[Mutation] = []
    by_kind: dict[str, list[Mutation]] = {}
    for m in mutations(lines):
        by_kind.setdefault(m.kind, []).append(m)
    for kind, found in by_kind.items():
        variants = sorted({m.variant for m in found})
        lines_of = sorted({m.line for m in found})
        for n, variant in enumerate(variants):
            line = lines_of[(n * 7 + len(kind)) % len(lines_of)]
            out += [m for m in found if m.variant == variant and m.line == line][:1]
    return out


def apply(lines: list[str], mutation: Mutation) -> list[str]:
    if mutation.kind in RUNNING:
        old, new = RUNNING[mutation.kind]
        return [line.replace(old, new) if line.strip() == old else line for line in lines]
    i = mutation.line - 1
    if mutation.variant == "deleted":
        return lines[:i] + lines[i + 1 :]
    leading = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    return [*lines[:i], leading + mutation.text.strip(), *lines[i + 1 :]]


# How other exporters write the same report: the same rows are due.
EXPORTS: dict[str, Callable[[list[str]], str]] = {
    "no_blank_lines": lambda lines: "\n".join(line for line in lines if line.strip()),
    "crlf": lambda lines: "\r\n".join(lines),
    "form_feeds": lambda lines: "\n".join("\f" + line.lstrip() if line.startswith(" ") else line for line in lines),
    "no_leading_spaces": lambda lines: "\n".join(line.lstrip() for line in lines),
    "trailing_spaces": lambda lines: "\n".join(line + "   " for line in lines),
    # a blank line after every line: blank lines tell nothing, names run across them
    "blank_line_after_every_line": lambda lines: "\n\n".join(line for line in lines if line.strip()),
    # every line indented: a page or column start is the line indented further
    "every_line_indented": lambda lines: "\n".join("    " + line for line in lines),
    # the form feed on a line of its own before a page's first line
    "form_feed_lines": lambda lines: "\n".join(
        "\f\n" + line.lstrip() if line.startswith(" ") else line for line in lines
    ),
    # pages of another size, ending anywhere: inside a sentence, a title, a group heading, the list
    # of groups, between "USD" and its digits (pdfminer: a blank line, a form feed before the next page)
    "page_ends_anywhere": lambda lines: _paged(lines, every=57, blank=True),
    "form_feed_every_43_lines": lambda lines: _paged(lines, every=43, blank=False),
    # the same pages, and no blank line anywhere: two titles stacked with no blank line between
    # them, the text under them naming the second ("... Climate" / "Change" / "Atlas of ...")
    "page_ends_anywhere_no_blank_lines": lambda lines: "\n".join(
        line for line in _paged(lines, every=57, blank=True).split("\n") if line.strip()
    ),
    # pdfminer's whole page break: the footer, the page number and the next page's header between
    # blank lines, every 53 lines: inside names over two lines, lists, titles
    "furniture_every_53_lines": lambda lines: _paged(lines, every=53, blank=True, furniture=True),
    # lines longer than a column wrapped as a word processor wraps them (95 characters): a wrapped
    # paragraph's last line may hold a heading's words alone ("countries", "thematic areas")
    "long_lines_wrapped": lambda lines: "\n".join(
        part for line in lines for part in (textwrap.wrap(line, 95) if len(line) > 95 else [line])
    ),
}


def _paged(lines: list[str], every: int, blank: bool, furniture: bool = False, offset: int = 0) -> str:
    """The lines with a page break before every `every`-th line after `offset`, whatever it holds
    (with the page's footer, number and the next page's header, as pdfminer writes them, if
    `furniture`)."""
    out: list[str] = []
    for n, line in enumerate(lines):
        broken = n > offset and (n - offset) % every == 0
        if broken and furniture:
            out += ["", "Migration Initiatives 2015", "", str(n // every), "\fIOM appeal 2015", "", line.lstrip()]
        elif broken:
            out += ["", "\f" + line] if blank else ["\f" + line]
        else:
            out.append(line)
    return "\n".join(out)


def paged_with_furniture(lines: list[str], every: int, offset: int) -> str:
    return _paged(lines, every, blank=True, furniture=True, offset=offset)


def text_rows(text: str, name: str = "report.txt") -> Rows:
    rows = Rows()
    document_to_rows(bytes_to_document(text.encode("utf-8"), name), rows, jobs=1)
    return rows


_LABELS = frozenset({"region_label", "section_label", "row_label", "area_label"})


def figures(rows: Rows) -> dict[str, list[tuple[Any, ...]]]:
    """What the rows say, without where it was read (a label as printed compared without its case:
    a heading printed in capitals, or missing and named by its table row, is the same section)."""
    out = {}
    for table, columns in COMPARED.items():
        out[table] = sorted(
            (_comparable(r, columns) for r in getattr(rows, table)),
            key=lambda t: tuple(str(v) for v in t),
        )
    return out


def _comparable(row: Any, columns: tuple[str, ...]) -> tuple[Any, ...]:
    values = ((c, getattr(row, c)) for c in columns)
    return tuple(normalize(v) if c in _LABELS and isinstance(v, str) else v for c, v in values)


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
    if mutation.kind == "export":
        return judge(mutation, EXPORTS[mutation.variant](_LINES), _BASE)
    return judge(mutation, "\n".join(apply(_LINES, mutation)), _BASE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kinds", default="")
    parser.add_argument("--every", type=int, default=1, help="take every Nth mutation")
    parser.add_argument("--offset", type=int, default=0, help="start at the Nth mutation")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--log", default="")
    args = parser.parse_args(argv)
    global _BASE, _LINES
    _LINES = report_lines()
    _BASE = figures(text_rows("\n".join(_LINES)))
    kinds = [k for k in args.kinds.split(",") if k]
    todo = [m for m in mutations(_LINES, [k for k in kinds if k != "export"] or None)][args.offset :: args.every]
    if not kinds or "export" in kinds:
        todo = [Mutation("export", name, 0, "") for name in EXPORTS] + (todo if kinds != ["export"] else [])
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
