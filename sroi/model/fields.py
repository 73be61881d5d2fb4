"""The field types of the model records: the parsers of :mod:`sroi.parsing`, for pydantic.

Each type checks a value with the same function the proxy table, the command line and
:func:`sroi.evaluate` use, so a value means the same everywhere; a failed check becomes a
pydantic error whose message (what is wrong, what is allowed) the model reports as a
:class:`~sroi.errors.Problem`. The JSON Schema of each type states the same rule.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, Literal, Optional, TypeVar, Union

from pydantic import BeforeValidator, Field, PlainSerializer, PlainValidator, WrapValidator
from pydantic_core import PydanticCustomError

from sroi.distributions import (
    DISTRIBUTION_ALLOWED,
    DistributionError,
    Uncertain,
    parse_distribution,
)
from sroi.errors import ModelError, Problem
from sroi.formatting import discount_rate_json
from sroi.parsing import (
    FIRST_PRICE_YEAR,
    LAST_PRICE_YEAR,
    MAX_YEARS,
    PRICE_YEAR_PATTERN,
    allowed_of,
    format_bearer_split,
    message_of,
    parse_bearer_split,
    parse_choice,
    parse_discount_rate,
    parse_fraction,
    parse_non_negative,
    parse_number,
    parse_price_year,
    parse_whole_years,
)
from sroi.vocabulary import (
    CATEGORIES,
    DISCOUNT_SCHEDULES,
    INPUT_KINDS,
    MARMOT_OBJECTIVES,
    VALUE_TYPES,
)

__all__ = [
    "UNCERTAIN_FIELDS",
    "YEARLY_FIELDS",
    "CalendarYear",
    "Category",
    "DiscountRateField",
    "Duration",
    "Fraction",
    "FractionOrYearly",
    "InputKind",
    "MarmotObjective",
    "NonNegative",
    "OptionalNumber",
    "PriceYearField",
    "QuantityOrYearly",
    "Text",
    "UncertainNonNegative",
    "ValueType",
    "YearsFromOne",
    "YearsFromZero",
    "check_bearer",
    "check_discount_rate",
    "check_price_year",
    "for_pydantic",
]

T = TypeVar("T")


def for_pydantic(parse: Callable[[Any], T]) -> Callable[[Any], T]:
    """Wrap a parser of :mod:`sroi.parsing` so that its error is a pydantic error.

    The model then reports the parser's message at the field's location.
    """

    def check(value: Any) -> T:
        try:
            return parse(value)
        except ModelError as exc:
            raise PydanticCustomError(
                "sroi_value",
                "{message}",
                {"message": message_of(exc), "allowed": allowed_of(exc)},
            ) from None

    check.__name__ = getattr(parse, "__name__", "check")
    return check


def _optional(check: Callable[[Any], T]) -> Callable[[Any], T | None]:
    def optional(value: Any) -> T | None:
        return None if value is None else check(value)

    return optional


_MAX_FLOAT = sys.float_info.max


def _plain_number(value: Any, low: float, high: float) -> float | None:
    """``value`` as a float when it is a plain ``float`` or ``int`` (not a subclass: not a
    yes/no value, a distribution or a numpy scalar) that is finite and within
    ``low .. high``; None otherwise, for the field's full check to take it and say why.

    The fields' fast path: a number already valid is taken without the parsers' calls
    (the same float the parser gives); anything else goes through them unchanged.
    """
    kind = type(value)
    if (kind is float or kind is int) and low <= value <= high:
        return float(value)
    return None


check_discount_rate = for_pydantic(parse_discount_rate)
"""The model's ``discount_rate``: :func:`~sroi.parsing.parse_discount_rate` for pydantic."""


def _price_year_plain(value: Any) -> int | str:
    return parse_price_year(value).plain


check_price_year = _optional(for_pydantic(_price_year_plain))
"""The model's ``price_year``: ``2024`` or ``"2024/25"`` (None when not given)."""


def _bearer(value: Any) -> str:
    return format_bearer_split(parse_bearer_split(value))


check_bearer = _optional(for_pydantic(_bearer))
"""An outcome's ``bearer``: one agency, or shares written as ``DWP:0.94;NHS:0.06``."""


def _whole(minimum: int) -> Callable[[Any], int]:
    check = for_pydantic(lambda value: parse_whole_years(value, minimum=minimum))

    def whole(value: Any) -> int:
        if type(value) is int and minimum <= value <= MAX_YEARS:
            return value  # already a whole number of years in range
        return check(value)

    return whole


def _may_be_uncertain(bounds: tuple[float, float]) -> WrapValidator:
    """Accept a distribution (a mapping) in place of the number; see :mod:`sroi.distributions`."""
    low, high = max(bounds[0], -_MAX_FLOAT), min(bounds[1], _MAX_FLOAT)

    def validate(value: Any, handler: Callable[[Any], Any]) -> Any:
        plain = _plain_number(value, low, high)
        if plain is not None:
            return plain
        if isinstance(value, Uncertain):
            value = value.distribution.to_dict()
        if isinstance(value, Mapping):
            try:
                return Uncertain(parse_distribution(value, bounds=bounds))
            except DistributionError as exc:
                raise PydanticCustomError(
                    "distribution",
                    "is not a valid distribution: {problem}",
                    {"problem": str(exc), "allowed": DISTRIBUTION_ALLOWED},
                ) from None
        return handler(value)

    return WrapValidator(validate)


def _dump_uncertain(value: Any) -> Any:
    return value.distribution.to_dict() if isinstance(value, Uncertain) else value


_AS_WRITTEN = PlainSerializer(_dump_uncertain, return_type=Any)


def _may_be_yearly(parse: Callable[[Any], float], bounds: tuple[float, float]) -> WrapValidator:
    """Accept a list of numbers, one per year of the outcome, in place of the number."""
    low, high = max(bounds[0], -_MAX_FLOAT), min(bounds[1], _MAX_FLOAT)

    def validate(value: Any, handler: Callable[[Any], Any]) -> Any:
        plain = _plain_number(value, low, high)
        if plain is not None:
            return plain
        if not isinstance(value, (list, tuple)):
            return handler(value)
        if not value:
            raise PydanticCustomError(
                "yearly_list", "a list of yearly values must not be empty", {"allowed": ""}
            )
        out = []
        for year, item in enumerate(value, start=1):
            try:
                out.append(parse(item))
            except ModelError as exc:
                raise PydanticCustomError(
                    "yearly_value",
                    "year {year} of the yearly values {message}",
                    {"year": year, "message": message_of(exc), "allowed": allowed_of(exc)},
                ) from None
        return tuple(out)

    return WrapValidator(validate)


def _dump_yearly(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return _dump_uncertain(value)


YEARLY_FIELDS = ("quantity", "deadweight", "displacement", "attribution", "leakage")
"""The outcome figures that may be given year by year, as a list (one value per year)."""

FractionOrYearly = Annotated[
    Union[float, tuple[float, ...]],
    BeforeValidator(for_pydantic(parse_fraction)),
    Field(json_schema_extra={"minimum": 0, "maximum": 1}),
    _may_be_uncertain((0.0, 1.0)),
    _may_be_yearly(parse_fraction, (0.0, 1.0)),
    PlainSerializer(_dump_yearly, return_type=Any),
]
"""A fraction [0-1], a distribution of one, or one fraction per year of the outcome."""

QuantityOrYearly = Annotated[
    Union[float, tuple[float, ...]],
    BeforeValidator(for_pydantic(parse_non_negative)),
    Field(json_schema_extra={"minimum": 0}),
    _may_be_uncertain((0.0, math.inf)),
    _may_be_yearly(parse_non_negative, (0.0, math.inf)),
    PlainSerializer(_dump_yearly, return_type=Any),
]
"""A number >= 0, a distribution of one, or one number per year of the outcome [count]."""


def _duration(value: Any) -> int | float:
    if type(value) is int and 0 < value <= MAX_YEARS:
        return value  # already a whole number of years in range
    years = parse_non_negative(value)
    if not 0 < years <= MAX_YEARS:
        rule = f"a number of years above 0 and at most {MAX_YEARS} years"
        raise ModelError(
            [
                Problem(
                    "",
                    f"must be {rule}",
                    value,
                    allowed=f"{rule} (whole, unless the conventions say partial_years: pro_rata)",
                )
            ]
        )
    return int(years) if float(years).is_integer() else years


Duration = Annotated[
    Union[int, float],
    BeforeValidator(for_pydantic(_duration)),
    Field(json_schema_extra={"exclusiveMinimum": 0, "maximum": MAX_YEARS}),
]
"""Years an outcome lasts: whole, or with a part year at the end when the model's
conventions say ``partial_years: pro_rata`` [years, > 0]."""

UNCERTAIN_FIELDS = {
    "outcomes": ("quantity", "value", "deadweight", "displacement", "attribution", "drop_off"),
    "inputs": ("amount",),
}
"""The fields that may be written as a distribution instead of a number."""

NonNegative = Annotated[
    float,
    BeforeValidator(for_pydantic(parse_non_negative)),
    Field(json_schema_extra={"minimum": 0}),
]
"""A number >= 0 [count or money]."""

UncertainNonNegative = Annotated[
    float,
    BeforeValidator(for_pydantic(parse_non_negative)),
    Field(json_schema_extra={"minimum": 0}),
    _may_be_uncertain((0.0, math.inf)),
    _AS_WRITTEN,
]
"""A number >= 0, or a distribution of one [count or money]."""

Fraction = Annotated[
    float,
    BeforeValidator(for_pydantic(parse_fraction)),
    Field(json_schema_extra={"minimum": 0, "maximum": 1}),
    _may_be_uncertain((0.0, 1.0)),
    _AS_WRITTEN,
]
"""A fraction [0-1], or a distribution of one."""

OptionalNumber = Annotated[
    Optional[float],
    BeforeValidator(_optional(for_pydantic(parse_number))),
    _may_be_uncertain((-math.inf, math.inf)),
    _AS_WRITTEN,
]
"""A finite number of any sign (a value [money per unit per year]), a distribution, or None."""

Text = Annotated[str, Field(min_length=1)]
"""Text that is not empty (after stripping spaces)."""


YearsFromZero = Annotated[
    int,
    BeforeValidator(_whole(0)),
    Field(json_schema_extra={"minimum": 0, "maximum": MAX_YEARS}),
]
"""A whole number of years from 0 to :data:`~sroi.parsing.MAX_YEARS` [years]."""

YearsFromOne = Annotated[
    int,
    BeforeValidator(_whole(1)),
    Field(json_schema_extra={"minimum": 1, "maximum": MAX_YEARS}),
]
"""A whole number of years from 1 to :data:`~sroi.parsing.MAX_YEARS` [years]."""


CalendarYear = Annotated[
    int,
    BeforeValidator(
        for_pydantic(lambda value: parse_whole_years(value, minimum=1800, maximum=2300))
    ),
    Field(json_schema_extra={"minimum": 1800, "maximum": 2300}),
]
"""A calendar year, 1800 to 2300 [year]."""


def _choice(words: Iterable[str], *, optional: bool) -> Any:
    options = tuple(words)

    def check(value: Any) -> str:
        return parse_choice(value, options)

    literal = Literal[options]  # type: ignore[valid-type]
    return Annotated[
        Optional[str] if optional else str,
        PlainValidator(
            _optional(for_pydantic(check)) if optional else for_pydantic(check),
            json_schema_input_type=Optional[literal] if optional else literal,
        ),
    ]


InputKind = _choice(INPUT_KINDS, optional=False)
"""One of :data:`~sroi.vocabulary.INPUT_KINDS`."""

Category = _choice(CATEGORIES, optional=True)
"""One of :data:`~sroi.vocabulary.CATEGORIES`, or None."""

ValueType = _choice(VALUE_TYPES, optional=True)
"""One of :data:`~sroi.vocabulary.VALUE_TYPES`, or None."""

MarmotObjective = _choice(MARMOT_OBJECTIVES, optional=True)
"""The id of one of :data:`~sroi.vocabulary.MARMOT_OBJECTIVES`, or None."""


DiscountRateField = Annotated[
    Union[float, str, tuple[float, ...]],
    PlainValidator(
        check_discount_rate,
        json_schema_input_type=Union[
            Annotated[float, Field(ge=0, le=1)],
            Literal[DISCOUNT_SCHEDULES],  # type: ignore[valid-type]
            Annotated[list[Annotated[float, Field(ge=0, le=1)]], Field(min_length=1)],
        ],
    ),
    PlainSerializer(discount_rate_json, return_type=Any),
]
"""A discount rate [fraction, 0-1], a schedule name, or yearly rates [fraction, 0-1]."""

PriceYearField = Annotated[
    Union[int, str, None],
    PlainValidator(
        check_price_year,
        json_schema_input_type=Optional[
            Annotated[int, Field(ge=FIRST_PRICE_YEAR, le=LAST_PRICE_YEAR)]
            | Annotated[str, Field(pattern=PRICE_YEAR_PATTERN)]
        ],
    ),
]
"""A price year: ``2024`` or ``"2024/25"`` (also ``"2024-25"``, ``"2024/2025"``)."""
