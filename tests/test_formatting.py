"""sroi.formatting: money, ratios, percentages, quantities and discount rates as text, the
same in the summary, the reports, the plots and the command line."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sroi
from sroi.formatting import (
    CURRENCY_SYMBOLS,
    deductions_text,
    describe_bearers,
    discount_rate_json,
    discount_rate_text,
    money,
    number,
    percent,
    quantity,
    ratio_text,
    share,
)
from tests.conftest import hand_worked

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
fractions = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@pytest.mark.parametrize(
    ("amount", "currency", "decimals", "text"),
    [
        (1234.564, "GBP", 2, "£1,234.56"),
        (-5, "GBP", 2, "-£5.00"),
        (3, "NOK", 2, "NOK 3.00"),
        (-3, "NOK", 2, "-NOK 3.00"),
        (171_241.876, "EUR", 0, "€171,242"),
        (1, "USD", 0, "$1"),
        (-0.001, "GBP", 2, "£0.00"),  # no minus sign on a figure that rounds to nothing
        (-0.4, "GBP", 0, "£0"),
        (-0.6, "GBP", 0, "-£1"),
        (np.float64(2.5), "GBP", 2, "£2.50"),
        (None, "GBP", 2, ""),
        (math.nan, "GBP", 2, ""),
    ],
)
def test_money(amount, currency, decimals, text):
    assert money(amount, currency, decimals) == text


def test_currency_symbols():
    assert dict(CURRENCY_SYMBOLS) == {"GBP": "£", "EUR": "€", "USD": "$"}
    with pytest.raises(TypeError):
        CURRENCY_SYMBOLS["NOK"] = "kr"  # type: ignore[index]


def _money_before(amount: float, currency: str, decimals: int = 2) -> str:
    """The money formatter as sroi.result wrote it before sroi.formatting (the oracle)."""
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency)
    text = f"{abs(amount):,.{decimals}f}"
    text = f"{symbol}{text}" if symbol else f"{currency} {text}"
    return f"-{text}" if amount < 0 and round(abs(amount), decimals) > 0 else text


@given(finite, st.sampled_from(["GBP", "EUR", "USD", "NOK"]), st.integers(0, 3))
def test_money_is_byte_identical_to_the_old_formatter(amount, currency, decimals):
    assert money(amount, currency, decimals) == _money_before(amount, currency, decimals)


@given(fractions, st.integers(0, 3))
def test_percent_is_the_format_spec_percent(x, decimals):
    # the summary, the plots and the bearer text wrote f"{x:.1%}"; the reports 100 * x
    assert percent(x, decimals) == f"{x:.{decimals}%}" == f"{100 * x:.{decimals}f}%"


def test_percent_share_and_ratio():
    assert (percent(0.25), percent(0.005, 2), percent(None), percent(math.nan)) == (
        "25.0%",
        "0.50%",
        "",
        "",
    )
    assert (share(25, 100), share(1, 3, 2), share(5, 0)) == ("25.0%", "33.33%", "")
    assert ratio_text(1.90104, "GBP") == "£1.90 per £1"
    assert ratio_text(0.5, "NOK") == "NOK 0.50 per NOK 1"
    assert ratio_text(None, "GBP") == "none"


def test_quantity_number_and_deductions():
    assert (quantity(160.0), quantity(2.5), quantity(12_000)) == ("160", "2.50", "12,000")
    assert (number(9800), number(1234.5, 0), number(-0.5)) == ("9,800.00", "1,234", "-0.50")
    assert deductions_text([0.3, 0.0, 0.15, 0.025]) == "30/0/15/2.5"


@pytest.mark.parametrize(
    ("rate", "text", "data"),
    [
        (0.035, "3.5 %", 0.035),
        (0, "0 %", 0),
        ("green_book", "the Green Book's 3.5 % declining schedule", "green_book"),
        (
            "green_book_health",
            "the Green Book's 1.5 % declining schedule for health effects",
            "green_book_health",
        ),
        ((0.05, 0.04), "yearly rates 5 %, 4 % (the last carries on)", [0.05, 0.04]),
        ([0.03], "yearly rates 3 % (the last carries on)", [0.03]),
    ],
)
def test_discount_rate_text_and_json(rate, text, data):
    assert discount_rate_text(rate) == text
    assert discount_rate_json(rate) == data
    assert type(discount_rate_json(rate)) is type(data)


def test_describe_bearers():
    assert describe_bearers((("DWP", 0.94), ("NHS", 0.06))) == "DWP 94% / NHS 6%"
    assert describe_bearers((("NHS", 1.0),)) == "NHS"
    assert describe_bearers(()) == ""


def test_one_formatter_serves_result_reports_plots_and_the_command_line():
    from sroi import cli, plots, result
    from sroi.proxies import catalogue
    from sroi.report import _common, markdown

    assert result._money is _common.money is plots.money is money
    assert result._rate_text is discount_rate_text
    assert result._json_rate is discount_rate_json
    assert result.CURRENCY_SYMBOLS is CURRENCY_SYMBOLS
    assert _common.ratio_text is ratio_text
    assert _common.percent is percent and _common.quantity is quantity
    assert markdown._share is share
    assert catalogue.describe_bearers is cli.describe_bearers is describe_bearers


def test_result_text_uses_the_shared_formatters():
    r = sroi.evaluate(hand_worked())
    lines = r.summary().splitlines()
    assert lines[0] == ("SROI: Hand-worked example (GBP; discounted at 3.5 %; 3 years)")
    assert f"  Present value of outcomes         {money(r.present_value, 'GBP')}" in lines
    assert repr(r) == (
        f"<Result 'Hand-worked example': ratio {r.ratio:.2f}, present value "
        f"{money(r.present_value, 'GBP')}, NPV {money(r.npv, 'GBP')}>"
    )
    assert r.to_dict()["parameters"]["discount_rate"] == discount_rate_json(r.discount_rate)
