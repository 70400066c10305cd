"""The resolver's prices keep the order the models rely on (etl/resolve/prices.py)."""

from __future__ import annotations

from etl.resolve import prices


def test_every_price_keeps_its_order() -> None:
    assert prices.broken() == []


def test_a_price_out_of_order_is_named() -> None:
    saved = prices.ORDER
    try:
        prices.ORDER = ((False, "breaking a printed row costs more than any distance in a text table"),)
        assert prices.broken() == ["breaking a printed row costs more than any distance in a text table"]
    finally:
        prices.ORDER = saved
