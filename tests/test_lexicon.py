"""Amount parsing: the report's own formats, and nothing that is not an amount."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from etl.segment.lexicon import FUNDED, format_amount, is_broken_amount, parse_amount


def test_thousands_with_commas_dots_and_funded() -> None:
    assert parse_amount("9,050,000") == 9_050_000
    assert parse_amount(" 600,000") == 600_000  # a page-start space
    assert parse_amount("500.000") == 500_000  # one section writes thousands with dots
    assert parse_amount("Funded") == FUNDED
    assert parse_amount("funded") == FUNDED


def test_not_amounts() -> None:
    for text in (
        "66",
        "2015",
        "13.7%",
        "4,999.80",
        "fully funded",
        "government-funded",
        "USD",
        "1,2O0,000",
        "",
    ):
        assert parse_amount(text) is None, text


def test_broken_amount_is_recognised() -> None:
    assert is_broken_amount("1,2O0,000")
    assert not is_broken_amount("1,200,000")
    assert not is_broken_amount("2015")


@given(st.integers(min_value=1000, max_value=10**11))
def test_parse_inverts_format(value: int) -> None:
    assert parse_amount(format_amount(value)) == value


@given(st.text())
def test_any_text_parses_or_not_without_crashing(text: str) -> None:
    value = parse_amount(text)
    assert value is None or value == FUNDED or isinstance(value, int)
