"""Parsers for the values a model, a proxy table and the command line share.

One input has one meaning everywhere: a price year, a discount rate, a fraction or a sum
of money is read by the same function whether it comes from a model file, a cell of a
proxy table, a command-line option or an argument of :func:`sroi.evaluate`. The model's
field types wrap these functions; so do the proxy table's row checks and the command line.

Every parser returns the value in its one canonical form, or raises a
:class:`~sroi.errors.ModelError` (so also a :class:`ValueError`) holding one
:class:`~sroi.errors.Problem`: where the value came from (when the caller says), what is
wrong and what is allowed, and the value given. :func:`message_of` gives the message alone,
for callers that report it in their own way (a pydantic field, a table cell, an option).

===========================  ==============================================================
parser                       accepts
===========================  ==============================================================
:func:`parse_number`         a finite number (money per unit, a value) [any sign]
:func:`parse_non_negative`   a finite number >= 0 (a quantity, an amount of money)
:func:`parse_fraction`       a number in [0, 1] (a deduction, a drop-off, a rate)
:func:`parse_whole_years`    a whole number of years in a range (a duration, a year)
:func:`parse_price_year`     a calendar year 1800-2300 (``2024``, ``"2024"``) or a
                             financial year (``"2024/25"``, ``"2024-25"``, ``"2024/2025"``)
:func:`parse_discount_rate`  a rate [fraction], yearly rates, or a schedule name
:func:`parse_choice`         one word of a vocabulary (:mod:`sroi.vocabulary`)
:func:`parse_bearer_split`   who gains: ``"NHS"`` or ``"DWP:0.94;NHS:0.06"``
===========================  ==============================================================

Numbers are numbers: text such as ``"100"`` is refused, unless the caller reads a medium
where every value is text (a CSV cell, a command-line option) and says so with
``from_text=True``.

This module imports nothing of ``sroi`` but :mod:`sroi.errors` and :mod:`sroi.vocabulary`.

Examples
--------
>>> parse_price_year("2024-25")
PriceYear('2024/25')
>>> parse_price_year(1750)
Traceback (most recent call last):
...
sroi.errors.ModelError: 1 problem in the model:
  price_year: must be a calendar year from 1800 to 2300, such as 2024, or a financial year
  such as 2024/25 (got 1750)
>>> parse_discount_rate([0.035, 0.03])
(0.035, 0.03)
>>> parse_fraction(0.25)
0.25
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Union

from sroi.errors import ModelError, Problem, show_value
from sroi.vocabulary import DISCOUNT_SCHEDULES

__all__ = [
    "DISCOUNT_RATE_TEXT_ALLOWED",
    "FIRST_PRICE_YEAR",
    "LAST_PRICE_YEAR",
    "MAX_YEARS",
    "PRICE_YEAR_ALLOWED",
    "PRICE_YEAR_PATTERN",
    "PriceYear",
    "allowed_of",
    "format_bearer_split",
    "kind_of",
    "message_of",
    "parse_bearer_split",
    "parse_choice",
    "parse_discount_rate",
    "parse_discount_rate_text",
    "parse_fraction",
    "parse_non_negative",
    "parse_number",
    "parse_price_year",
    "parse_whole_years",
    "rate_from_text",
]

FIRST_PRICE_YEAR = 1800
"""The earliest price year accepted [calendar year]."""

LAST_PRICE_YEAR = 2300
"""The latest price year accepted [calendar year]; a financial year may start in it."""

MAX_YEARS = 1000
"""The longest horizon a model may reach [years]: durations, start years and input years."""

_NOTHING = object()

_NUMBER = "a finite number"
_NON_NEGATIVE = "a finite number >= 0"
_FRACTION = "a number from 0 to 1 (0.25 for 25 %)"

DiscountRateValue = Union[float, str, tuple[float, ...]]
"""A parsed discount rate: a constant rate, a schedule name, or yearly rates."""


def _refuse(
    message: str, value: Any = _NOTHING, location: str = "", *, allowed: str = ""
) -> ModelError:
    """The error every parser raises: a ModelError with one Problem (what, where, the value
    and what is allowed)."""
    if value is _NOTHING:
        return ModelError([Problem(location, message, allowed=allowed)])
    return ModelError([Problem(location, message, value, allowed=allowed)])


def message_of(error: ModelError) -> str:
    """What a parser's error says is wrong and allowed, without its location or value.

    Examples
    --------
    >>> try:
    ...     parse_fraction(1.5, "deadweight")
    ... except ModelError as exc:
    ...     print(message_of(exc))
    must be a fraction between 0 and 1, e.g. 0.25 for 25 %
    """
    return error.problems[0].message


def allowed_of(error: ModelError) -> str:
    """What a parser's error says is allowed, in words (``""`` when it does not say).

    Examples
    --------
    >>> try:
    ...     parse_fraction(1.5, "deadweight")
    ... except ModelError as exc:
    ...     print(allowed_of(exc))
    a number from 0 to 1 (0.25 for 25 %)
    """
    return error.problems[0].allowed


def kind_of(value: Any) -> str:
    """What sort of value this is, in words, for messages.

    Examples
    --------
    >>> kind_of("100"), kind_of(True), kind_of(None), kind_of([1]), kind_of(2.5)
    ('text', 'a yes/no value', 'nothing (null)', 'a list', 'float')
    """
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


# --------------------------------------------------------------------------------------
# Numbers


def parse_number(value: Any, location: str = "", *, from_text: bool = False) -> float:
    """A finite number, such as a value per unit [money] (any sign).

    Parameters
    ----------
    value : Any
        A number (not a yes/no value). With ``from_text=True`` text is read too
        (``" 12.5 "``), for media where every value is text: CSV cells, options.
    location : str, default ""
        Where the value came from, for the error.
    from_text : bool, default False
        Whether to read a number written as text.

    Returns
    -------
    float

    Raises
    ------
    ModelError
        If ``value`` is not a number, or is NaN, infinite or too large for a float.

    Examples
    --------
    >>> parse_number(-1_000), parse_number("12.5", from_text=True)
    (-1000.0, 12.5)
    >>> parse_number("12.5")
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: must be a number, not text
    >>> parse_number(float("nan"), "value")
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the model:
      value: must be a finite number (got nan)
    """
    if from_text and isinstance(value, str):
        try:
            out = float(value.strip())
        except ValueError:
            raise _refuse("must be a number", value, location, allowed=_NUMBER) from None
    elif isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        raise _refuse(f"must be a number, not {kind_of(value)}", value, location, allowed=_NUMBER)
    else:
        try:
            out = float(value)
        except OverflowError:  # an integer or fraction beyond float range
            out = math.inf
        except (ValueError, TypeError, ArithmeticError):  # a signalling NaN, odd types
            out = math.nan
    if not math.isfinite(out):
        raise _refuse("must be a finite number", value, location, allowed=_NUMBER)
    return out


def parse_non_negative(value: Any, location: str = "", *, from_text: bool = False) -> float:
    """A finite number >= 0: a quantity [count] or an amount of money [money].

    Parameters
    ----------
    value : Any
        A number; text too with ``from_text=True`` (see :func:`parse_number`).
    location : str, default ""
        Where the value came from, for the error.
    from_text : bool, default False
        Whether to read a number written as text.

    Returns
    -------
    float

    Raises
    ------
    ModelError
        If ``value`` is not a finite number, or is negative.

    Examples
    --------
    >>> parse_non_negative(150_000)
    150000.0
    >>> parse_non_negative(-1)
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: must not be negative
    """
    try:
        out = parse_number(value, location, from_text=from_text)
    except ModelError as exc:
        raise _refuse(message_of(exc), value, location, allowed=_NON_NEGATIVE) from None
    if out < 0:
        raise _refuse("must not be negative", value, location, allowed=_NON_NEGATIVE)
    return out


def parse_fraction(value: Any, location: str = "", *, from_text: bool = False) -> float:
    """A fraction [0-1]: a deduction, a drop-off, a share or a rate.

    Parameters
    ----------
    value : Any
        A number from 0 to 1 (0.25 for 25 %), or a percentage written as text with its
        sign (``"25%"`` or ``"25 %"``, as a spreadsheet shows it); other text too with
        ``from_text=True``.
    location : str, default ""
        Where the value came from, for the error.
    from_text : bool, default False
        Whether to read a number written as text.

    Returns
    -------
    float
        [fraction, 0-1]

    Raises
    ------
    ModelError
        If ``value`` is not a number from 0 to 1.

    Examples
    --------
    >>> parse_fraction(0.25), parse_fraction("25%"), parse_fraction("2.5 %")
    (0.25, 0.25, 0.025)
    >>> parse_fraction(25)
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: must be a fraction between 0 and 1, e.g. 0.25 for 25 %
    """
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            out = rate_from_text(value)
        except ValueError:
            raise _refuse(
                "must be a fraction between 0 and 1, e.g. 0.25, 25% or 25 %",
                value,
                location,
                allowed=_FRACTION,
            ) from None
    else:
        try:
            out = parse_number(value, location, from_text=from_text)
        except ModelError as exc:
            raise _refuse(message_of(exc), value, location, allowed=_FRACTION) from None
    if not 0.0 <= out <= 1.0:
        raise _refuse(
            "must be a fraction between 0 and 1, e.g. 0.25 for 25 %",
            value,
            location,
            allowed=_FRACTION,
        )
    return out


def parse_whole_years(
    value: Any, location: str = "", *, minimum: int = 0, maximum: int = MAX_YEARS
) -> int:
    """A whole number of years in ``minimum .. maximum`` [years]: a duration or a year.

    Parameters
    ----------
    value : Any
        A number; a float that is whole (``3.0``) is accepted.
    location : str, default ""
        Where the value came from, for the error.
    minimum : int, default 0
        The least number allowed [years].
    maximum : int, default MAX_YEARS
        The greatest number allowed [years]: the longest horizon sroi evaluates.

    Returns
    -------
    int
        [years]

    Raises
    ------
    ModelError
        If ``value`` is not a whole number in the range.

    Examples
    --------
    >>> parse_whole_years(3.0, minimum=1)
    3
    >>> parse_whole_years(2.5)
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: must be a whole number of years
    >>> parse_whole_years(0, "duration", minimum=1)
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the model:
      duration: must be a whole number >= 1 (got 0)
    """
    allowed = f"a whole number of years from {minimum} to {maximum}"
    try:
        out = parse_number(value, location)
    except ModelError as exc:
        raise _refuse(message_of(exc), value, location, allowed=allowed) from None
    if not out.is_integer():
        raise _refuse("must be a whole number of years", value, location, allowed=allowed)
    if out < minimum:
        raise _refuse(f"must be a whole number >= {minimum}", value, location, allowed=allowed)
    if out > maximum:
        raise _refuse(
            f"must be at most {maximum} years (the longest horizon sroi evaluates)",
            value,
            location,
            allowed=allowed,
        )
    return int(out)


# --------------------------------------------------------------------------------------
# Price years


@dataclass(frozen=True, order=True)
class PriceYear:
    """A price year: a calendar year, or a UK financial year (April to March).

    Parameters
    ----------
    start : int
        The calendar year, or the year in which the financial year starts (2019 for
        2019/20) [year].
    financial : bool, default False
        Whether this is the financial year ``start``/``start + 1``.

    Examples
    --------
    >>> PriceYear.parse("2019/20")
    PriceYear('2019/20')
    >>> str(PriceYear.parse("2019-2020")), str(PriceYear.parse(2021))
    ('2019/20', '2021')
    >>> PriceYear.parse("1999/00").start
    1999
    >>> PriceYear.parse("2024").plain, PriceYear.parse("2024-25").plain
    (2024, '2024/25')
    """

    start: int
    financial: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.start, bool) or not isinstance(self.start, int):
            raise TypeError(f"PriceYear.start must be an int, got {self.start!r}")
        if not FIRST_PRICE_YEAR <= self.start <= LAST_PRICE_YEAR:
            raise _refuse(
                f"must be {PRICE_YEAR_ALLOWED}",
                self.start,
                "price_year",
                allowed=PRICE_YEAR_ALLOWED,
            )

    @classmethod
    def parse(cls, value: str | int | PriceYear) -> PriceYear:
        """Read a price year by :func:`parse_price_year`.

        Raises
        ------
        ModelError
            If ``value`` is not a price year in one of the accepted forms.
        """
        return parse_price_year(value)

    @property
    def kind(self) -> str:
        """``"financial"`` or ``"calendar"``."""
        return "financial" if self.financial else "calendar"

    @property
    def plain(self) -> int | str:
        """The year as a model stores it: ``2024`` (an int) or ``"2024/25"``."""
        return str(self) if self.financial else self.start

    def __str__(self) -> str:
        if self.financial:
            return f"{self.start}/{(self.start + 1) % 100:02d}"
        return str(self.start)

    def __repr__(self) -> str:
        return f"PriceYear({str(self)!r})"


_CALENDAR = re.compile(r"[0-9]{4}")
_FINANCIAL = re.compile(r"([0-9]{4})[/-]([0-9]{2}|[0-9]{4})")
PRICE_YEAR_ALLOWED = (
    f"a calendar year from {FIRST_PRICE_YEAR} to {LAST_PRICE_YEAR}, such as 2024, "
    "or a financial year such as 2024/25"
)
"""What :func:`parse_price_year` accepts, in words."""

PRICE_YEAR_PATTERN = r"^\s*[0-9]{4}([/-]([0-9]{2}|[0-9]{4}))?\s*$"
"""The forms of a price year written as text, as a JSON Schema ``pattern`` (the schema
cannot say that a financial year's second year must follow its first, or the range of
years; :func:`parse_price_year` checks both)."""


def parse_price_year(value: Any, location: str = "price_year") -> PriceYear:
    """A price year: the one rule for models, proxy tables, deflators and the command line.

    Parameters
    ----------
    value : int, str or PriceYear
        A calendar year from 1800 to 2300 (``2024`` or ``"2024"``), or the financial year
        April 2024 to March 2025 written ``"2024/25"``, ``"2024-25"`` or ``"2024/2025"``.
        Spaces around the text are ignored; a float (``2024.0``) is not a year.
    location : str, default "price_year"
        Where the value came from, for the error.

    Returns
    -------
    PriceYear

    Raises
    ------
    ModelError
        If ``value`` is in none of these forms, outside 1800-2300, or a financial year
        whose second year does not follow its first.

    Examples
    --------
    >>> parse_price_year(2024), parse_price_year(" 2024/2025 ")
    (PriceYear('2024'), PriceYear('2024/25'))
    >>> parse_price_year("2012/14")
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the model:
      price_year: must be a calendar year from 1800 to 2300, such as 2024, or a financial
      year such as 2024/25; a financial year's second year must follow its first, as in
      2012/13 (got '2012/14')
    """
    if isinstance(value, PriceYear):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if FIRST_PRICE_YEAR <= int(value) <= LAST_PRICE_YEAR:
            return PriceYear(int(value))
    elif isinstance(value, str):
        text = value.strip()
        if _CALENDAR.fullmatch(text) and FIRST_PRICE_YEAR <= int(text) <= LAST_PRICE_YEAR:
            return PriceYear(int(text))
        match = _FINANCIAL.fullmatch(text)
        if match and FIRST_PRICE_YEAR <= int(match.group(1)) <= LAST_PRICE_YEAR:
            start, end = int(match.group(1)), match.group(2)
            follows = (start + 1) % (100 if len(end) == 2 else 10_000)
            if int(end) != follows:
                raise _refuse(
                    f"must be {PRICE_YEAR_ALLOWED}; a financial year's second year must "
                    f"follow its first, as in {start}/{(start + 1) % 100:02d}",
                    value,
                    location,
                    allowed=PRICE_YEAR_ALLOWED,
                )
            return PriceYear(start, financial=True)
    raise _refuse(f"must be {PRICE_YEAR_ALLOWED}", value, location, allowed=PRICE_YEAR_ALLOWED)


# --------------------------------------------------------------------------------------
# Discount rates

_SCHEDULE_NAMES = ", ".join(map(repr, DISCOUNT_SCHEDULES))
DISCOUNT_RATE_TEXT_ALLOWED = (
    "a rate between 0 and 1 (0.035, 3.5% or 3.5 %), comma-separated yearly rates, or one of "
    + ", ".join(DISCOUNT_SCHEDULES)
)
"""What :func:`parse_discount_rate_text` accepts, in words."""

_DISCOUNT_RATE = (
    "a rate between 0 and 1 (3.5 % is 0.035), a list of yearly rates, or one of "
    + ", ".join(DISCOUNT_SCHEDULES)
)


def parse_discount_rate(value: Any, location: str = "discount_rate") -> DiscountRateValue:
    """A discount rate: a constant rate, yearly rates, or the name of a schedule.

    Parameters
    ----------
    value : float, str or sequence of float
        A rate [fraction, 0-1] (3.5 % is ``0.035``, also written ``"3.5%"`` or
        ``"3.5 %"``); a list of yearly rates ``[r_1, ..., r_n]`` [fraction, 0-1] whose last
        rate carries on (or ``"5%, 4%"``); or one of
        :data:`~sroi.vocabulary.DISCOUNT_SCHEDULES`.
    location : str, default "discount_rate"
        Where the value came from, for the error.

    Returns
    -------
    float, str or tuple of float
        The rate, the schedule name, or the yearly rates as a tuple.

    Raises
    ------
    ModelError
        If ``value`` is none of these.

    Examples
    --------
    >>> parse_discount_rate(0.035), parse_discount_rate("green_book")
    (0.035, 'green_book')
    >>> parse_discount_rate([0.05, 0.04]), parse_discount_rate("5%, 4 %")
    ((0.05, 0.04), (0.05, 0.04))
    >>> parse_discount_rate("3.5%"), parse_discount_rate([0.05, "4%"])
    (0.035, (0.05, 0.04))
    >>> parse_discount_rate(3.5)
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the model:
      discount_rate: must be a rate between 0 and 1 (3.5 % is 0.035), a list of yearly rates,
      or one of 'green_book', 'green_book_health' (got 3.5)
    """
    if isinstance(value, str) and value not in DISCOUNT_SCHEDULES:
        try:  # a rate written as text, as a spreadsheet or the command line shows it
            rates = tuple(rate_from_text(part) for part in value.split(","))
        except ValueError:
            pass
        else:
            return parse_discount_rate(rates[0] if len(rates) == 1 else rates, location)
    if isinstance(value, str):
        if value not in DISCOUNT_SCHEDULES:
            raise _refuse(
                "unknown discount schedule; allowed: a number between 0 and 1, a list of yearly "
                f"rates, or one of {_SCHEDULE_NAMES}",
                value,
                location,
                allowed=_DISCOUNT_RATE,
            )
        return value
    if isinstance(value, (list, tuple)):
        if not value:
            raise _refuse(
                "a list of yearly rates must not be empty", value, location, allowed=_DISCOUNT_RATE
            )
        rates = []
        for i, item in enumerate(value):
            try:
                rates.append(parse_fraction(item))
            except ModelError as exc:
                raise _refuse(
                    f"year {i + 1} of the yearly rates {message_of(exc)}",
                    value,
                    location,
                    allowed=_DISCOUNT_RATE,
                ) from None
        return tuple(rates)
    try:
        return parse_fraction(value)
    except ModelError:
        raise _refuse(
            "must be a rate between 0 and 1 (3.5 % is 0.035), a list of yearly rates, or one "
            f"of {_SCHEDULE_NAMES}",
            value,
            location,
            allowed=_DISCOUNT_RATE,
        ) from None


_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def rate_from_text(text: str) -> float:
    """A rate written as text: a fraction (``"0.035"``) or a percentage (``"3.5%"``,
    ``"3.5 %"``) [fraction].

    Only the number is read; whether it is a rate in range is for the caller to check. A
    bare ``"3.5"`` is 3.5, not 3.5 %: a percentage needs its sign.

    Raises
    ------
    ValueError
        If the text is neither.

    Examples
    --------
    >>> rate_from_text("0.035"), rate_from_text("3.5%"), rate_from_text(" 3.5 % ")
    (0.035, 0.035, 0.035)
    >>> rate_from_text("3.5")
    3.5
    """
    written = str(text).strip()
    if written.endswith("%"):
        number = written[:-1].strip()
        if not _DECIMAL.match(number):
            raise ValueError(f"not a rate: {text!r}")
        # In decimal, 0.7 % is exactly 0.007 (0.7 / 100 in floats is 0.006999999999999999).
        return float(Decimal(number) / 100)
    return float(written)


def parse_discount_rate_text(text: str, location: str = "discount_rate") -> DiscountRateValue:
    """A discount rate written as text, as on the command line: ``0.035``, ``3.5%`` or
    ``3.5 %``, ``0.05,0.04`` or ``5%,4%`` (yearly rates, the last carries on) or a
    schedule name.

    The numbers are read from the text (by :func:`rate_from_text`) and then checked by
    :func:`parse_discount_rate`, so the two accept the same rates. A bare ``3.5`` is
    refused: it is not a fraction, and a percentage needs its sign.

    Parameters
    ----------
    text : str
        ``"0.035"`` or ``"3.5%"`` [fraction], ``"0.05,0.04"`` or ``"5%,4%"`` [fraction
        each] or a schedule name.
    location : str, default "discount_rate"
        Where the text came from, for the error.

    Returns
    -------
    float, str or tuple of float

    Raises
    ------
    ModelError
        If the text is none of these; the message is ``"must be "`` +
        :data:`DISCOUNT_RATE_TEXT_ALLOWED`.

    Examples
    --------
    >>> parse_discount_rate_text("0.035"), parse_discount_rate_text(" 0.05, 0.04 ")
    (0.035, (0.05, 0.04))
    >>> parse_discount_rate_text("3.5%"), parse_discount_rate_text("5 %, 4 %")
    (0.035, (0.05, 0.04))
    >>> parse_discount_rate_text("3.5")
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the model:
      discount_rate: must be a rate between 0 and 1 (0.035, 3.5% or 3.5 %), comma-separated
      yearly rates, or one of green_book, green_book_health (got '3.5')
    """
    written: Any = str(text).strip()
    try:
        rates = tuple(rate_from_text(part) for part in written.split(","))
    except ValueError:
        pass
    else:
        written = rates[0] if len(rates) == 1 else rates
    try:
        return parse_discount_rate(written, location)
    except ModelError:
        raise _refuse(
            f"must be {DISCOUNT_RATE_TEXT_ALLOWED}",
            text,
            location,
            allowed=DISCOUNT_RATE_TEXT_ALLOWED,
        ) from None


# --------------------------------------------------------------------------------------
# Vocabularies and who gains


def _one_of(options: tuple[str, ...]) -> str:
    shown = [repr(o) for o in options]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def parse_choice(value: Any, allowed: Iterable[str], location: str = "") -> str:
    """One word of a vocabulary, exactly as written there (see :mod:`sroi.vocabulary`).

    Parameters
    ----------
    value : Any
        The word given; case and spaces count.
    allowed : iterable of str
        The vocabulary (a mapping's keys are its words).
    location : str, default ""
        Where the value came from, for the error.

    Returns
    -------
    str

    Raises
    ------
    ModelError
        If ``value`` is not one of the words; the message lists them.

    Examples
    --------
    >>> parse_choice("fiscal", ("fiscal", "economic"))
    'fiscal'
    >>> parse_choice("Fiscal", ("fiscal", "economic", "social"))
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: must be one of 'fiscal', 'economic' or 'social'
    """
    options = tuple(allowed)
    if isinstance(value, str) and value in options:
        return value
    raise _refuse(
        f"must be one of {_one_of(options)}", value, location, allowed="one of " + _one_of(options)
    )


_SHARE_TOLERANCE = 1e-9
_SPLIT_FORM = "AGENCY:share;AGENCY:share, as in DWP:0.94;NHS:0.06"


def parse_bearer_split(
    text: Any, location: str = "", *, shares_only: bool = False
) -> tuple[tuple[str, float], ...]:
    """Who gains: ``"NHS"`` or ``"DWP:0.94;NHS:0.06"`` -> ((agency, share), ...).

    Parameters
    ----------
    text : str
        One agency's name (it gains the whole value), or ``AGENCY:share`` pairs joined by
        ``;`` whose shares [fraction, (0, 1]] sum to 1.
    location : str, default ""
        Where the text came from, for the error.
    shares_only : bool, default False
        Require ``AGENCY:share`` pairs (a proxy table's ``bearer_split`` column).

    Returns
    -------
    tuple of (str, float)

    Raises
    ------
    ModelError
        If the text is neither.

    Examples
    --------
    >>> parse_bearer_split("DWP:0.94;NHS:0.06")
    (('DWP', 0.94), ('NHS', 0.06))
    >>> parse_bearer_split("Local authority")
    (('Local authority', 1.0),)
    >>> parse_bearer_split("DWP:0.5;NHS:0.4")
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: shares must sum to 1, they sum to 0.9
    """
    allowed = _SPLIT_FORM if shares_only else f"one agency (NHS), or {_SPLIT_FORM}"
    if not isinstance(text, str):
        raise _refuse(f"must be text, not {kind_of(text)}", text, location, allowed=allowed)
    stripped = text.strip()
    if not stripped:
        raise _refuse(
            "must name who gains, e.g. NHS or DWP:0.94;NHS:0.06", text, location, allowed=allowed
        )
    if ":" not in stripped and not shares_only:
        return ((stripped, 1.0),)

    def fail(message: str) -> ModelError:
        return _refuse(message, text, location, allowed=allowed)

    pairs: list[tuple[str, float]] = []
    for part in stripped.split(";"):
        if not part.strip():
            continue
        agency, sep, share_text = part.rpartition(":")
        agency = agency.strip()
        if not sep or not agency:
            raise fail(
                f"each entry must be AGENCY:share, as in DWP:0.94;NHS:0.06 ({show_value(part)})"
            )
        who = show_value(agency)
        try:
            share = float(share_text)
        except ValueError:
            raise fail(
                f"share of {who} is not a number ({show_value(share_text.strip())})"
            ) from None
        if not (math.isfinite(share) and 0.0 < share <= 1.0):
            raise fail(f"share of {who} must be a fraction in (0, 1], got {share!r}")
        if any(agency == a for a, _ in pairs):
            raise fail(f"agency {who} appears twice")
        pairs.append((agency, share))
    if not pairs:
        raise fail(f"must be {_SPLIT_FORM}")
    total = math.fsum(s for _, s in pairs)
    if abs(total - 1.0) > _SHARE_TOLERANCE:
        raise fail(f"shares must sum to 1, they sum to {total!r}")
    return tuple(pairs)


def format_bearer_split(split: Iterable[tuple[str, float]]) -> str:
    """Who gains, written back in the form :func:`parse_bearer_split` reads.

    Shares are written exactly (``repr``), so parsing the text gives the same shares.

    Examples
    --------
    >>> format_bearer_split((("DWP", 0.94), ("NHS", 0.06)))
    'DWP:0.94;NHS:0.06'
    >>> format_bearer_split((("NHS", 1.0),))
    'NHS'
    """
    pairs = tuple(split)
    if len(pairs) == 1 and pairs[0][1] == 1.0:
        return pairs[0][0]
    return ";".join(f"{agency}:{share!r}" for agency, share in pairs)
