"""README.md is the user's manual: its commands, tables and columns stay current."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl.docs import END, START, data_dictionary
from etl.errors import EtlError, EtlErrors
from etl.pipeline import BuildReport
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_starts_with_the_two_commands() -> None:
    head = README[:600]
    assert "make build" in head
    assert "make test" in head


def test_data_dictionary_matches_the_table_specs() -> None:
    section = README[README.index(START) : README.index(END) + len(END)]
    assert section == data_dictionary(), "run `python -m etl.docs` to rewrite it"


def test_every_cli_command_is_documented() -> None:
    for command in ("mi-etl build", "mi-etl check", "mi-etl explain"):
        assert command in README


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# --- Every example runs as written ----------------------------------------------------------------

VENV_BIN = Path(sys.executable).parent


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    return README[start : README.index("\n## ", start + 1)]


def _blocks(text: str) -> list[tuple[str, str]]:
    """The fenced code blocks of a text, with their language, in order."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w+)\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)]


def _in_a_copy(built_2015: tuple[Path, BuildReport], folder: Path) -> Path:
    shutil.copytree(built_2015[0], folder / "out")
    return folder


def test_the_reading_examples_run_as_written(
    tmp_path: Path, built_2015: tuple[Path, BuildReport], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shell, SQL and pandas, in order, from a folder holding out/ (the hive-partitioning COPY
    failed as written: DuckDB makes the partitioned folder, not the folder above it)."""
    folder = _in_a_copy(built_2015, tmp_path)
    monkeypatch.chdir(folder)
    blocks = _blocks(_section("Reading the tables"))
    assert [lang for lang, _ in blocks] == ["sh", "sh", "sql", "python", "sql"]
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    for lang, code in blocks:
        if lang == "sh":
            done = subprocess.run(["bash", "-eu", "-c", code], cwd=folder, env=env, capture_output=True, text=True)
            assert done.returncode == 0, f"{code}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        elif lang == "sql":
            con = duckdb.connect()
            for statement in con.extract_statements(code):
                rows = con.execute(statement).fetchall()
                assert rows, statement.query  # every query finds rows; COPY says how many it wrote
        else:
            namespace: dict[str, Any] = {}
            exec(compile(code, "README.md", "exec"), namespace)
            frames = [v for k, v in namespace.items() if not k.startswith("_") and hasattr(v, "empty")]
            assert len(frames) == 4 and not any(f.empty for f in frames)
    assert (folder / "lake" / "programmes" / "report_id=mi-2015").is_dir()


def test_the_explain_examples_run_as_written(tmp_path: Path, built_2015: tuple[Path, BuildReport]) -> None:
    folder = _in_a_copy(built_2015, tmp_path)
    commands = re.findall(r"`(mi-etl explain [^`.]*)`", README)
    assert len(commands) == 4, commands
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout.strip() and not done.stderr, f"{command}: {done.stderr}"


def test_the_synopsis_names_real_options() -> None:
    (synopsis,) = [code for lang, code in _blocks(_section("Command line")) if lang == "sh"]
    for command in ("build", "check", "explain"):
        usage = " ".join(line for line in synopsis.split(".venv/bin/") if line.startswith(f"mi-etl {command}"))
        options = set(re.findall(r"--[a-z-]+", usage))
        done = subprocess.run([str(VENV_BIN / "mi-etl"), command, "--help"], capture_output=True, text=True)
        assert done.returncode == 0 and options and all(o in done.stdout for o in options), (command, options)


def test_the_make_targets_exist() -> None:
    """`make build` and `make test` themselves run in CI (.ci/run); here, that make knows them."""
    ((lang, code), *_) = _blocks(README)
    assert lang == "sh" and [line.split("#")[0].split() for line in code.splitlines()] == [
        ["make", "build"],
        ["make", "test"],
    ]
    for target in ("build", "test"):
        done = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0 and "mi-etl build raw" in done.stdout, done.stderr


def test_the_error_table_lists_every_code() -> None:
    table = README[README.index("### Errors") : README.index("## Output tables")]
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| (\d+) \|", table, re.MULTILINE))
    codes = {kind.code: str(kind.exit_code) for kind in EtlError.__subclasses__() if kind is not EtlErrors}
    assert rows == codes
