"""Figures as text for people: money, ratios, percentages, quantities and discount rates.

The text summary of a result, the reports (HTML, Markdown, Excel), the plots and the
command line all write their figures with these functions, so a figure reads the same
wherever it appears. This module imports nothing of ``sroi``.

Examples
--------
>>> money(171_241.876, "GBP"), money(-5, "EUR", 0), money(3, "NOK")
('£171,241.88', '-€5', 'NOK 3.00')
>>> ratio_text(1.1416, "GBP")
'£1.14 per £1'
>>> percent(0.25), discount_rate_text(0.035)
('25.0%', '3.5 %')
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Union

__all__ = [
    "CURRENCY_SYMBOLS",
    "deductions_text",
    "describe_bearers",
    "discount_rate_json",
    "discount_rate_text",
    "discounted_payback_text",
    "money",
    "money_compact",
    "number",
    "payback_text",
    "percent",
    "quantity",
    "ratio_text",
    "share",
    "terminal_safe",
]

CURRENCY_SYMBOLS: Mapping[str, str] = MappingProxyType({"GBP": "£", "EUR": "€", "USD": "$"})
"""Symbols used to show money; other currencies are shown by their code."""

DiscountRateLike = Union[float, str, Sequence[float]]


def money(amount: float | None, currency: str, decimals: int = 2) -> str:
    """An amount of money with its symbol (or code) and thousands separators.

    Parameters
    ----------
    amount : float or None
        The amount [money]; None or NaN gives ``""``.
    currency : str
        ISO 4217 code; GBP, EUR and USD are shown by symbol, others by code.
    decimals : int, default 2
        Digits after the point.

    Returns
    -------
    str
        ``£1,234.56``; ``-£5.00`` for a loss (no minus sign when the amount rounds to 0).

    Examples
    --------
    >>> money(1234.564, "GBP"), money(-5, "GBP"), money(3, "NOK"), money(None, "GBP")
    ('£1,234.56', '-£5.00', 'NOK 3.00', '')
    >>> money(-0.001, "USD")
    '$0.00'
    """
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    text = f"{abs(amount):,.{decimals}f}"
    text = f"{symbol}{text}" if symbol else f"{currency} {text}"
    return f"-{text}" if amount < 0 and round(abs(amount), decimals) > 0 else text


def money_compact(amount: float | None, currency: str) -> str:
    """An amount of money short enough to label a bar: ``£1.2m``, ``£45k``, ``£950``.

    Millions and billions keep one decimal, thousands keep one below £10k and none above;
    an amount that would round to 1,000 of one unit is written in the next (999,960 is
    ``£1.0m``, not ``£1,000k``).

    Parameters
    ----------
    amount : float or None
        The amount [money]; None or NaN gives ``""``.
    currency : str
        ISO 4217 code; GBP, EUR and USD are shown by symbol, others by code.

    Returns
    -------
    str
        ``-£3.4m`` for a loss (no minus sign when the amount rounds to 0).

    Examples
    --------
    >>> money_compact(1_234_567, "GBP"), money_compact(45_210, "GBP"), money_compact(950.4, "GBP")
    ('£1.2m', '£45k', '£950')
    >>> money_compact(-7_450, "EUR"), money_compact(999_960, "GBP"), money_compact(2.5e9, "NOK")
    ('-€7.5k', '£1.0m', 'NOK 2.5bn')
    >>> money_compact(-0.2, "GBP"), money_compact(999.4, "GBP"), money_compact(None, "GBP")
    ('£0', '£999', '')
    """
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return ""
    size = abs(float(amount))
    text = f"{size:,.0f}"
    # each unit from where the one below would round up to 1,000 of itself
    for scale, unit, start in ((1e9, "bn", 999.95e6), (1e6, "m", 999.5e3), (1e3, "k", 999.5)):
        if size >= start:
            decimals = 0 if unit == "k" and size >= 9_950 else 1
            text = f"{size / scale:,.{decimals}f}{unit}"
            break
    symbol = CURRENCY_SYMBOLS.get(currency)
    signed = amount < 0 and text != "0"
    text = f"{symbol}{text}" if symbol else f"{currency} {text}"
    return f"-{text}" if signed else text


def ratio_text(ratio: float | None, currency: str) -> str:
    """An SROI ratio as money per unit invested: ``£1.90 per £1``; ``"none"`` for None.

    Parameters
    ----------
    ratio : float or None
        The ratio [money per unit invested].
    currency : str
        ISO 4217 code.

    Examples
    --------
    >>> ratio_text(1.90104, "GBP"), ratio_text(None, "GBP")
    ('£1.90 per £1', 'none')
    """
    if ratio is None:
        return "none"
    return f"{money(ratio, currency)} per {money(1, currency, 0)}"


def percent(value: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: ``25.0%``; ``""`` for None or NaN.

    Parameters
    ----------
    value : float or None
        The fraction [fraction; 0.25 is 25 %].
    decimals : int, default 1
        Digits after the point.

    Examples
    --------
    >>> percent(0.25), percent(0.005, 2), percent(0.94, 0), percent(float("nan"))
    ('25.0%', '0.50%', '94%', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{100 * float(value):.{decimals}f}%"


def share(part: float, whole: float, decimals: int = 1) -> str:
    """``part`` as a percentage of ``whole``; ``""`` when ``whole`` is 0.

    Examples
    --------
    >>> share(25, 100), share(5, 0)
    ('25.0%', '')
    """
    return percent(part / whole, decimals) if whole else ""


def quantity(value: float) -> str:
    """A count: ``1,234`` for a whole number, else ``12.50`` [count].

    Examples
    --------
    >>> quantity(160.0), quantity(2.5), quantity(12_000)
    ('160', '2.50', '12,000')
    """
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"


def number(value: float, decimals: int = 2) -> str:
    """A number with thousands separators and fixed decimals, without a currency.

    Examples
    --------
    >>> number(9800), number(1234.5, 0)
    ('9,800.00', '1,234')
    """
    return f"{float(value):,.{decimals}f}"


def deductions_text(fractions: Iterable[float]) -> str:
    """Deductions in per cent, joined by ``/``: ``30/0/15/0`` [fractions in, per cent out].

    Examples
    --------
    >>> deductions_text([0.3, 0.0, 0.15, 0.0])
    '30/0/15/0'
    """
    return "/".join(f"{100 * float(x):g}" for x in fractions)


_SCHEDULE_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "green_book": "the Green Book's 3.5 % declining schedule",
        "green_book_health": "the Green Book's 1.5 % declining schedule for health effects",
    }
)
"""The named discount schedules in words (the names of
:data:`sroi.vocabulary.DISCOUNT_SCHEDULES`)."""


def discount_rate_text(rate: DiscountRateLike) -> str:
    """A discount rate or schedule in words, to follow "discounted at".

    The one place a rate is put in words: the text summary of a result, every report, the
    comparison of bids and the command line use it.

    Parameters
    ----------
    rate : float, str or sequence of float
        A constant rate [fraction], a schedule name or yearly rates [fraction].

    Examples
    --------
    >>> discount_rate_text(0.035), discount_rate_text("green_book")
    ('3.5 %', "the Green Book's 3.5 % declining schedule")
    >>> discount_rate_text("green_book_health")
    "the Green Book's 1.5 % declining schedule for health effects"
    >>> discount_rate_text((0.05, 0.04))
    'yearly rates 5 %, 4 % (the last carries on)'
    """
    if isinstance(rate, str):
        return _SCHEDULE_WORDS.get(rate, f"the {rate!r} schedule")
    if isinstance(rate, (int, float)):
        return f"{rate * 100:g} %"
    rates = ", ".join(f"{r * 100:g} %" for r in rate)
    return f"yearly rates {rates} (the last carries on)"


def discount_rate_json(rate: DiscountRateLike) -> float | str | list[float]:
    """A discount rate or schedule as JSON-ready data: a number, a name or a list.

    Examples
    --------
    >>> discount_rate_json((0.05, 0.04)), discount_rate_json("green_book")
    ([0.05, 0.04], 'green_book')
    """
    if isinstance(rate, (str, int, float)):
        return rate
    return [float(r) for r in rate]


def describe_bearers(split: Iterable[tuple[str, float]]) -> str:
    """Who gains, for people: ``"DWP 94% / NHS 6%"``, or the agency alone, or ``""``.

    Parameters
    ----------
    split : iterable of (str, float)
        ``(agency, share)`` pairs [share: fraction, 0-1].

    Examples
    --------
    >>> describe_bearers((("DWP", 0.94), ("NHS", 0.06)))
    'DWP 94% / NHS 6%'
    >>> describe_bearers((("NHS", 1.0),)), describe_bearers(())
    ('NHS', '')
    """
    pairs = tuple(split)
    if len(pairs) == 1:
        return pairs[0][0]
    return " / ".join(f"{agency} {share:.0%}" for agency, share in pairs)


def payback_text(months: float | None, year: int | None = None) -> str:
    """The SROI Guide's payback period as text: months to one decimal, or ``never``.

    With ``year``, the year whose impact the formula assumed goes on is named.

    Examples
    --------
    >>> payback_text(26.666), payback_text(None)
    ('26.7 months', 'never')
    >>> payback_text(18.0, 2)
    "18.0 months (at year 2's impact a year)"
    """
    if months is None:
        return "never"
    if year is None or year == 1:
        return f"{months:.1f} months"
    return f"{months:.1f} months (at year {year}'s impact a year)"


def discounted_payback_text(years: float | None) -> str:
    """A discounted payback period as text: years to two decimals, or ``never``.

    Examples
    --------
    >>> discounted_payback_text(2.5694), discounted_payback_text(None)
    ('2.57 years', 'never')
    """
    return "never" if years is None else f"{years:.2f} years"


_TERMINAL_UNSAFE = re.compile(
    "[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"
    "\\ud800-\\udfff]"
)
"""What a terminal would obey rather than show (C0 controls but line feed and tab, DEL, C1
controls, the Unicode bidirectional formatting characters), and lone surrogates (a file
name that is not valid UTF-8), which cannot be written to a terminal at all."""


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    r"""Text that a terminal shows as it is: control characters written out, never obeyed.

    A terminal obeys control characters: ``ESC`` starts sequences that change colours, move
    the cursor or retitle the window (CSI ``ESC [``, OSC ``ESC ]``), ``BEL`` rings, a
    carriage return overwrites the line, and right-to-left overrides reorder what follows.
    Text a user typed (a model name, a stakeholder, a proxy's note) must never do that on
    someone else's screen, so each such character is written out as a Python-style escape
    instead: the C0 controls except line feed and tab, ``DEL``, the C1 controls
    (``U+0080`` to ``U+009F``, among them the one-character CSI ``U+009B``) and the Unicode
    bidirectional formatting characters. Lone surrogates (what Python makes of a file name
    that is not valid UTF-8) are written out the same way, since they cannot be printed.
    Everything else, line breaks and tabs included, is kept, so the text stays readable and
    nothing typed disappears from view.

    Parameters
    ----------
    text : str
        Text about to be printed to a terminal.

    Returns
    -------
    str
        The same text with each unsafe character replaced by ``\xNN`` (or ``\uNNNN``);
        text without any comes back unchanged, so applying it twice changes nothing more.

    Examples
    --------
    >>> print(terminal_safe("\x1b]0;pwned\x07\x1b[31mRed"))
    \x1b]0;pwned\x07\x1b[31mRed
    >>> print(terminal_safe("a\x9b2J b\u202ec d\re \udcff.yaml"))
    a\x9b2J b\u202ec d\x0de \udcff.yaml
    >>> terminal_safe("Café £1,000 — 3 ✓\tok\n")
    'Café £1,000 — 3 ✓\tok\n'
    """
    return _TERMINAL_UNSAFE.sub(_escaped, text)
