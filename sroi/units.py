"""Units of money, counts and time: the one pint registry of ``sroi``.

A financial proxy is a sum of money per something (``GBP / person / year``,
``GBP / offence``, ``GBP / hour``). This module parses such units and works out the factor
that turns a proxy value into money per unit of an outcome's quantity per year, refusing
combinations that make no sense (a per-hour rate applied to a count of people).

The registry is deliberately small: it knows currencies, counts and time, and nothing else,
so a typo such as ``GBP / m`` (metre) is an error rather than a length. It is built on first
use by :func:`registry`, never at import, so ``import sroi`` stays fast.

**Currencies.** Each currency (``GBP``, ``EUR``, ``USD``) is its own base dimension, so one
never converts silently into another: ``sroi`` does not do exchange rates.

**Counts.** ``person`` is a count; ``claimant``, ``child``, ``pupil``, ``patient``, ``victim``,
``volunteer``, ``tenant``, ``learner``, ``participant``, ``resident``, ``adult``,
``young_person``, ``user`` (and ``people``) *are* persons (they convert to ``person`` with
factor 1). Every other count is its own dimension and never converts into a person:
``household``, ``claim``, ``episode``, ``tenancy``, ``offence``, ``incident``, ``attendance``,
``admission``, ``bed_day``, ``placement``, ``session``, ``visit``, ``contact``, ``assessment``,
``place``, ``journey``, ``case``, ``application``, ``consultation``, ``course``, ``arrest``,
``hazard``, ``fatality``, ``family``, ``dwelling``, ``tonne_CO2e`` (``tCO2e``), ``QALY`` and
``WELLBY``. Plurals parse (``households``).

**Time.** ``hour``, ``day``, ``week``, ``month`` and ``year`` with pint's own definitions: a
year is the Julian year of 365.25 days, so **1 year = 365.25 / 7 = 52.178571 weeks** and a
month is 1/12 year (30.4375 days). A weekly proxy is therefore annualised by 52.1786, not 52.

References
----------
.. [1] H. E. Grecco et al., *Pint: makes units easy*, ``default_en.txt`` (definitions of
   ``year = 365.25 * day``, ``week = 7 * day``, ``month = year / 12``).
   https://github.com/hgrecco/pint
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from sroi.errors import UnitError, show_value

if TYPE_CHECKING:  # pint is imported lazily, on first use
    import pint

__all__ = [
    "COUNT_UNITS",
    "CURRENCIES",
    "MAX_UNIT_LENGTH",
    "PERSON_ALIASES",
    "WEEKS_PER_YEAR",
    "annual_value_factor",
    "currency_of",
    "is_money_per_something",
    "parse_unit",
    "registry",
]

#: Currencies known to the registry; each is its own dimension (no exchange rates).
CURRENCIES: tuple[str, ...] = ("GBP", "EUR", "USD")

#: Names that are persons: they convert to ``person`` with factor 1.
PERSON_ALIASES: tuple[str, ...] = (
    "claimant",
    "child",
    "pupil",
    "patient",
    "victim",
    "volunteer",
    "tenant",
    "learner",
    "participant",
    "resident",
    "adult",
    "young_person",
    "user",
)

#: Count units that are not persons; each is its own dimension.
COUNT_UNITS: tuple[str, ...] = (
    "household",
    "claim",
    "episode",
    "tenancy",
    "offence",
    "incident",
    "attendance",
    "admission",
    "bed_day",
    "placement",
    "session",
    "visit",
    "contact",
    "assessment",
    "place",
    "journey",
    "case",
    "application",
    "consultation",
    "course",
    "arrest",
    "hazard",
    "fatality",
    "family",
    "dwelling",
    "QALY",
    "WELLBY",
)

#: The longest unit text read [characters]: longer text is refused before pint reads it.
MAX_UNIT_LENGTH: int = 200

#: Weeks in pint's (Julian) year of 365.25 days [weeks / year].
WEEKS_PER_YEAR: float = 365.25 / 7

_TIME_DEFINITIONS = (
    "second = [time] = s = sec",
    "minute = 60 * second = min",
    "hour = 60 * minute = h = hr",
    "day = 24 * hour = d",
    "week = 7 * day",
    "year = 365.25 * day = a = yr = julian_year",
    "month = year / 12",
)


@functools.cache
def registry() -> pint.UnitRegistry:
    """Return the library's one pint registry, built on first call and cached.

    Returns
    -------
    pint.UnitRegistry
        A registry holding only currencies, counts and time (see the module docstring).

    Examples
    --------
    >>> ureg = registry()
    >>> ureg is registry()
    True
    >>> round(ureg.Quantity(1, "year").to("week").magnitude, 4)
    52.1786
    """
    import pint

    ureg = pint.UnitRegistry(None, autoconvert_offset_to_baseunit=False, cache_folder=None)
    for definition in _TIME_DEFINITIONS:
        ureg.define(definition)
    for code in CURRENCIES:
        ureg.define(f"{code} = [currency_{code}]")
    ureg.define("person = [person] = _ = people")
    for alias in PERSON_ALIASES:
        ureg.define(f"{alias} = person")
    for name in COUNT_UNITS:
        ureg.define(f"{name} = [{name.lower()}]")
    ureg.define("tonne_CO2e = [emissions_co2e] = tCO2e")
    ureg.define("kg_CO2e = tonne_CO2e / 1000 = kgCO2e")
    if hasattr(ureg, "formatter"):  # pint >= 0.24: keep units in the order written
        ureg.formatter.default_sort_func = None
    return ureg


_PER = re.compile(r"\s+per\s+", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit such as ``"GBP / person / year"``.

    ``per`` may be written for ``/`` (``"GBP per person per year"``).

    Parameters
    ----------
    text : str
        The unit, in pint's syntax with the names this registry defines.

    Returns
    -------
    pint.Unit

    Raises
    ------
    UnitError
        If ``text`` is not a unit this registry knows; the message names ``text``.

    Examples
    --------
    >>> parse_unit("GBP / claimant / week")
    <Unit('GBP / claimant / week')>
    >>> str(parse_unit("GBP per household per year"))
    'GBP / household / year'
    >>> parse_unit("GBP / persn / year")
    Traceback (most recent call last):
    ...
    sroi.errors.UnitError: cannot parse unit 'GBP / persn / year':
    'persn' is not defined in the unit registry
    """
    if not isinstance(text, str) or not text.strip():
        raise UnitError(f"cannot parse unit {show_value(text)}: expected a non-empty string")
    if len(text) > MAX_UNIT_LENGTH:
        raise UnitError(
            f"cannot parse unit {show_value(text)}: a unit is at most {MAX_UNIT_LENGTH} "
            f"characters, this one is {len(text):,}"
        )
    ureg = registry()
    try:
        return ureg.parse_units(_PER.sub(" / ", text.strip()))
    except Exception as exc:  # pint raises several unrelated types (tokenize, Attribute...)
        detail = (str(exc) or type(exc).__name__)[:300]
        raise UnitError(f"cannot parse unit {text!r}: {detail}") from None


def _as_unit(unit: str | pint.Unit) -> pint.Unit:
    return parse_unit(unit) if isinstance(unit, str) else unit


def _split(unit: pint.Unit) -> tuple[str | None, dict[str, int]]:
    """Split a unit's dimensionality into (currency code or None, other dimensions)."""
    currency = None
    others: dict[str, int] = {}
    for dim, exp in unit.dimensionality.items():
        if dim.startswith("[currency_") and exp == 1 and currency is None:
            currency = dim[len("[currency_") : -1]
        else:
            others[dim] = exp
    return currency, others


def currency_of(unit: str | pint.Unit) -> str | None:
    """Return the currency code of a money unit, or None if it is not money per something.

    Examples
    --------
    >>> currency_of("EUR / person / year")
    'EUR'
    >>> currency_of("person / year") is None
    True
    """
    unit = _as_unit(unit)
    currency, _ = _split(unit)
    return currency if is_money_per_something(unit) else None


def is_money_per_something(unit: str | pint.Unit) -> bool:
    """Whether ``unit`` is one currency per one thing, optionally also per time.

    Allowed shapes: money per count (``GBP / offence``), money per count per time
    (``GBP / person / week``) and money per time (``GBP / hour``, a rate per hour of a
    count of hours).

    Parameters
    ----------
    unit : str or pint.Unit

    Returns
    -------
    bool

    Raises
    ------
    UnitError
        If ``unit`` is a string that does not parse.

    Examples
    --------
    >>> is_money_per_something("GBP / person / year")
    True
    >>> is_money_per_something("GBP / hour")
    True
    >>> is_money_per_something("GBP")
    False
    >>> is_money_per_something("GBP * person")
    False
    """
    return _shape_problem(_as_unit(unit)) is None


def _shape_problem(unit: pint.Unit) -> str | None:
    currency, others = _split(unit)
    if currency is None:
        return "is not an amount of money in one currency (GBP, EUR, USD ...)"
    if not others:
        return "is money, not money per something (write e.g. GBP / person / year)"
    if any(exp > 0 for exp in others.values()):
        return "must be money divided by things, not multiplied by them"
    time_exp = others.pop("[time]", 0)
    if time_exp not in (0, -1):
        return "may be per time at most once (per year, per week ...)"
    if len(others) > 1 or any(exp != -1 for exp in others.values()):
        return "must be per one kind of thing (per person, per household ...), not several"
    return None


def one_off_per_person(unit: str | pint.Unit) -> bool:
    """Whether a proxy's unit is money per person (or child, household, family) with no
    time in it: a one-off or whole-period value, not a yearly one.

    Examples
    --------
    >>> one_off_per_person("GBP / person"), one_off_per_person("GBP / person / year")
    (True, False)
    >>> one_off_per_person("GBP / offence")
    False
    """
    counts, times = _denominator(_as_unit(unit))
    people = ("person", "child", "household", "family")
    return not times and any(any(p in name for p in people) for name in counts)


def _denominator(unit: pint.Unit) -> tuple[list[str], list[str]]:
    """Names in a unit's denominator: (count unit names, time unit names)."""
    ureg = registry()
    counts: list[str] = []
    times: list[str] = []
    for name, exp in unit._units.items():
        if exp < 0:
            is_time = dict(ureg.get_dimensionality(name)) == {"[time]": 1}
            (times if is_time else counts).append(name)
    return counts, times


def annual_value_factor(
    proxy_unit: str | pint.Unit,
    quantity_unit: str | pint.Unit | None = None,
    currency: str = "GBP",
) -> float:
    """Factor turning a proxy value into money per unit of quantity per year.

    An outcome's impact in one year is ``quantity * value * factor``, where ``value`` is in
    ``proxy_unit`` and ``quantity`` is counted in ``quantity_unit``. The rule:

    - a proxy with a time in its denominator (``GBP / person / week``) is a flow and is
      converted to per year (``x 52.1786`` for a week, ``x 12`` for a month, ``x 365.25`` for
      a day): each unit of quantity enjoys it for the whole year;
    - a proxy without time (``GBP / offence``, a per-event or one-off value) counts events:
      each unit of quantity is one event in the outcome's year (factor 1);
    - a proxy per time only (``GBP / hour``) is a rate: the quantity must itself be a time
      (hours of volunteering), converted to the proxy's time unit.

    Parameters
    ----------
    proxy_unit : str or pint.Unit
        The proxy's unit, money per something, e.g. ``"GBP / person / week"``.
    quantity_unit : str or pint.Unit, optional
        What the outcome's quantity counts, e.g. ``"person"``. None means the proxy's own
        count unit (or, for a per-time proxy, its time unit).
    currency : str, default "GBP"
        The model's currency; the proxy must be in it.

    Returns
    -------
    float
        The factor [currency per quantity-unit per year, per proxy value].

    Raises
    ------
    UnitError
        If a unit does not parse, the proxy is not money per something, its currency is not
        ``currency``, or the quantity is not what the proxy counts (the message says why).

    Examples
    --------
    A weekly cost per person, for a quantity of claimants (claimants are persons):

    >>> round(annual_value_factor("GBP / person / week", "claimant"), 4)
    52.1786
    >>> annual_value_factor("GBP / person / month")
    12.0
    >>> annual_value_factor("GBP / offence")
    1.0
    >>> annual_value_factor("GBP / hour", "hour")
    1.0
    >>> annual_value_factor("GBP / hour", "person")
    Traceback (most recent call last):
    ...
    sroi.errors.UnitError: a per-hour proxy needs a quantity in hours, got person
    (proxy unit 'GBP / hour' is a rate per hour)
    """
    proxy = _as_unit(proxy_unit)
    problem = _shape_problem(proxy)
    if problem is not None:
        raise UnitError(f"proxy unit '{proxy}' {problem}")
    proxy_currency, _ = _split(proxy)
    if currency not in CURRENCIES:
        raise UnitError(f"unknown currency {currency!r}; known currencies: {', '.join(CURRENCIES)}")
    if proxy_currency != currency:
        raise UnitError(
            f"proxy unit '{proxy}' is in {proxy_currency} but the model's currency is "
            f"{currency}; sroi does not convert currencies, so give a value in {currency}"
        )
    ureg = registry()
    counts, times = _denominator(proxy)
    if quantity_unit is None:
        quantity = ureg.Quantity(1, counts[0] if counts else times[0])
    else:
        quantity = ureg.Quantity(1, _as_unit(quantity_unit))

    value = ureg.Quantity(1, proxy) * quantity
    money = ureg.Unit(currency)
    dims = dict(value.dimensionality)
    if dims == dict(money.dimensionality):
        return float(value.to(money).magnitude)
    if dims == dict((money / ureg.year).dimensionality):
        return float(value.to(money / ureg.year).magnitude)

    got = str(quantity.units)
    if not counts:
        per = times[0]
        raise UnitError(
            f"a per-{per} proxy needs a quantity in {per}s, got {got} "
            f"(proxy unit '{proxy}' is a rate per {per})"
        )
    raise UnitError(
        f"proxy unit '{proxy}' values each {counts[0]}, but the quantity is counted in "
        f"{got}; count the quantity in {counts[0]}s or choose another proxy"
    )
