"""README.md is the user's manual: its commands, tables and columns stay current."""

from __future__ import annotations

from etl.docs import END, START, data_dictionary
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
