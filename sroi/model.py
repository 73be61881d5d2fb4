"""The SROI model: stakeholders, inputs, outputs and outcomes, validated once at the boundary.

A :class:`Model` is an impact map: who put what in (:class:`Input`), what was delivered
(:class:`Output`, recorded and reported but not valued), and what changed for whom
(:class:`Outcome`), with each outcome's quantity, duration, financial proxy and the four
deductions. Models are frozen: every field is checked when the model is built and
cannot change afterwards.

Models are built from keyword arguments, a mapping (:meth:`Model.from_dict`), a YAML or JSON
file (:func:`load_model`), or a DataFrame of outcomes (:meth:`Model.from_frame`). Field
names are exactly those of ``DESIGN.md`` §3; an unknown field is an error, so a typo such
as ``dead_weight`` is never silently ignored. Every problem is reported at once, each
with its location::

    3 problems in the model:
      outcomes[0].deadweight: must be a fraction between 0 and 1 (got 1.5)
      outcomes[1].dead_weight: unknown field; did you mean 'deadweight'? (got 0.2)
      outcomes[2]: needs a financial proxy: give `value` or `proxy`

Examples
--------
>>> m = Model.from_dict({
...     "name": "Employment support",
...     "inputs": [{"stakeholder": "Council", "amount": 150_000}],
...     "outcomes": [{
...         "stakeholder": "Participants", "outcome": "Moved into work",
...         "quantity": 100, "value": 1_000, "duration": 3,
...         "deadweight": 0.25, "attribution": 0.1, "drop_off": 0.1,
...     }],
... })
>>> m.outcomes[0].deadweight
0.25
>>> m.outcome_ids
('outcome_1',)
"""

from __future__ import annotations

import difflib
import json
import math
import numbers
import re
import warnings
from collections.abc import Mapping, Sequence
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from sroi.adjustments.discounting import DEFAULT_DISCOUNT_RATE, SCHEDULES
from sroi.changes import PARAMETERS, parse_change
from sroi.distributions import DISTRIBUTIONS, DistributionError, Uncertain, parse_distribution
from sroi.errors import ModelError, Problem, SROIWarning
from sroi.proxies.catalogue import (
    CATEGORIES,
    MARMOT_OBJECTIVES,
    VALUE_TYPES,
    format_bearer_split,
    parse_bearer_split,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Input",
    "Model",
    "Outcome",
    "Output",
    "Stakeholder",
    "load_model",
    "model_schema",
]

DEDUCTIONS_WARNING_THRESHOLD = 0.9
"""Combined deadweight, displacement and attribution above this share raise an SROIWarning."""


# --------------------------------------------------------------------------------------
# Field types: every check gives a message that says what is allowed.


def _kind(value: Any) -> str:
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


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        raise PydanticCustomError(
            "number_type", "must be a number, not {kind}", {"kind": _kind(value)}
        )
    out = float(value)
    if not math.isfinite(out):
        raise PydanticCustomError("finite_number", "must be a finite number")
    return out


def _non_negative(value: Any) -> float:
    out = _number(value)
    if out < 0:
        raise PydanticCustomError("non_negative", "must not be negative")
    return out


def _fraction(value: Any) -> float:
    out = _number(value)
    if not 0.0 <= out <= 1.0:
        raise PydanticCustomError(
            "fraction", "must be a fraction between 0 and 1, e.g. 0.25 for 25 %"
        )
    return out


MAX_YEARS = 1000
"""The longest horizon a model may reach [years]: durations, start years and input years."""


def _whole(minimum: int, maximum: int = MAX_YEARS):
    def check(value: Any) -> int:
        out = _number(value)
        if not out.is_integer():
            raise PydanticCustomError("whole_number", "must be a whole number of years")
        if out < minimum:
            raise PydanticCustomError(
                "whole_number_minimum", "must be a whole number >= {minimum}", {"minimum": minimum}
            )
        if out > maximum:
            raise PydanticCustomError(
                "whole_number_maximum",
                "must be at most {maximum} years (the longest horizon sroi evaluates)",
                {"maximum": maximum},
            )
        return int(out)

    return check


def _optional(check):
    def optional(value: Any):
        return None if value is None else check(value)

    return optional


def _discount_rate(value: Any) -> float | str | tuple[float, ...]:
    if isinstance(value, str):
        if value not in SCHEDULES:
            raise PydanticCustomError(
                "discount_schedule",
                "unknown discount schedule; allowed: a number between 0 and 1, a list of yearly "
                "rates, or one of {names}",
                {"names": ", ".join(map(repr, SCHEDULES))},
            )
        return value
    if isinstance(value, (list, tuple)):
        if not value:
            raise PydanticCustomError("discount_list", "a list of yearly rates must not be empty")
        rates = []
        for i, item in enumerate(value):
            try:
                rates.append(_fraction(item))
            except PydanticCustomError as exc:
                raise PydanticCustomError(
                    "discount_list_item",
                    "year {year} of the yearly rates {message}",
                    {"year": i + 1, "message": exc.message()},
                ) from None
        return tuple(rates)
    try:
        return _fraction(value)
    except PydanticCustomError:
        raise PydanticCustomError(
            "discount_rate",
            "must be a rate between 0 and 1 (3.5 % is 0.035), a list of yearly rates, or one "
            "of {names}",
            {"names": ", ".join(map(repr, SCHEDULES))},
        ) from None


def _bearer(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise PydanticCustomError("bearer_type", "must be text, not {kind}", {"kind": _kind(value)})
    try:
        pairs = parse_bearer_split(value)
    except ValueError as exc:
        raise PydanticCustomError("bearer", "{problem}", {"problem": str(exc)}) from None
    return format_bearer_split(pairs) if ":" in value else pairs[0][0]


def _scenarios(value: Any) -> dict[str, dict[str, Any]]:
    """Check named scenarios: ``{name: {parameter: change, outcomes: {id: {...}}}}``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PydanticCustomError(
            "scenarios",
            "must map scenario names to their changes, not {kind}",
            {"kind": _kind(value)},
        )
    problems: list[Problem] = []

    def check(where: str, changes: Any, allowed: tuple[str, ...]) -> None:
        if not isinstance(changes, Mapping):
            problems.append(Problem(where, "must map parameters to changes", changes))
            return
        for key, written in changes.items():
            if key == "outcomes" and "outcomes" in allowed:
                if not isinstance(written, Mapping):
                    problems.append(
                        Problem(f"{where}.outcomes", "must map outcome ids to changes", written)
                    )
                    continue
                outcome_params = tuple(n for n, p in PARAMETERS.items() if p.scope == "outcome")
                for oid, inner in written.items():
                    check(f"{where}.outcomes.{oid}", inner, outcome_params)
                continue
            if key not in allowed:
                problems.append(
                    Problem(f"{where}.{key}", "is not a parameter; allowed: " + ", ".join(allowed))
                )
                continue
            if key == "discount_rate" and isinstance(written, (str, list, tuple)):
                if isinstance(written, str) and written in SCHEDULES:
                    continue
                if isinstance(written, (list, tuple)):
                    try:
                        _discount_rate(written)
                    except PydanticCustomError as exc:
                        problems.append(Problem(f"{where}.{key}", exc.message(), written))
                    continue
            try:
                parse_change(written, PARAMETERS[key])
            except ValueError as exc:
                problems.append(Problem(f"{where}.{key}", str(exc), written))

    every = (*PARAMETERS, "outcomes")
    for name, changes in value.items():
        if not isinstance(name, str) or not name.strip() or name == "base":
            problems.append(
                Problem(str(name), "a scenario needs a name other than 'base' (the model itself)")
            )
            continue
        check(name, changes, every)
    if problems:
        raise ModelError(problems)
    return {name: dict(changes) for name, changes in value.items()}


_FINANCIAL_YEAR = re.compile(r"^(\d{4})[/-](\d{2}|\d{4})$")


def _price_year(value: Any) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        year = int(value)
        if 1800 <= year <= 2300:
            return year
    elif isinstance(value, str):
        text = value.strip()
        if text.isdigit() and 1800 <= int(text) <= 2300:
            return int(text)
        match = _FINANCIAL_YEAR.match(text)
        if match:
            first, second = int(match.group(1)), match.group(2)
            follows = (first + 1) % (100 if len(second) == 2 else 10_000)
            if int(second) == follows and 1800 <= first <= 2300:
                return f"{first}/{(first + 1) % 100:02d}"
    raise PydanticCustomError(
        "price_year",
        "must be a calendar year such as 2024 or a financial year such as '2024/25'",
    )


def _may_be_uncertain(bounds: tuple[float, float]) -> WrapValidator:
    """Accept a distribution (a mapping) in place of the number; see :mod:`sroi.distributions`."""

    def validate(value: Any, handler):
        if isinstance(value, Uncertain):
            value = value.distribution.to_dict()
        if isinstance(value, Mapping):
            try:
                return Uncertain(parse_distribution(value, bounds=bounds))
            except DistributionError as exc:
                raise PydanticCustomError(
                    "distribution", "is not a valid distribution: {problem}", {"problem": str(exc)}
                ) from None
        return handler(value)

    return WrapValidator(validate)


def _dump_uncertain(value: Any) -> Any:
    return value.distribution.to_dict() if isinstance(value, Uncertain) else value


_AS_WRITTEN = PlainSerializer(_dump_uncertain, return_type=Any)
UNCERTAIN_FIELDS = {
    "outcomes": ("quantity", "value", "deadweight", "displacement", "attribution", "drop_off"),
    "inputs": ("amount",),
}
"""The fields that may be written as a distribution instead of a number."""

NonNegative = Annotated[
    float, BeforeValidator(_non_negative), Field(json_schema_extra={"minimum": 0})
]
UncertainNonNegative = Annotated[
    float,
    BeforeValidator(_non_negative),
    Field(json_schema_extra={"minimum": 0}),
    _may_be_uncertain((0.0, math.inf)),
    _AS_WRITTEN,
]
Fraction = Annotated[
    float,
    BeforeValidator(_fraction),
    Field(json_schema_extra={"minimum": 0, "maximum": 1}),
    _may_be_uncertain((0.0, 1.0)),
    _AS_WRITTEN,
]
Text = Annotated[str, Field(min_length=1)]
DiscountRateField = Annotated[
    float | str | tuple[float, ...],
    PlainValidator(
        _discount_rate,
        json_schema_input_type=Union[
            Annotated[float, Field(ge=0, le=1)],
            Literal[tuple(SCHEDULES)],  # type: ignore[misc]
            Annotated[list[Annotated[float, Field(ge=0, le=1)]], Field(min_length=1)],
        ],
    ),
    PlainSerializer(lambda v: list(v) if isinstance(v, tuple) else v, return_type=Any),
]
PriceYearField = Annotated[
    int | str | None,
    PlainValidator(
        _price_year,
        json_schema_input_type=Optional[
            Annotated[int, Field(ge=1800, le=2300)]
            | Annotated[str, Field(pattern=r"^\d{4}[/-](\d{2}|\d{4})$")]
        ],
    ),
]


# --------------------------------------------------------------------------------------
# Turning pydantic's errors into Problems with readable locations.


def _location(loc: Sequence[Any]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif isinstance(part, str) and not part.startswith(("function-", "union[")):
            text += f".{part}" if text else part
    return text


def _join(prefix: str, rest: str) -> str:
    if not rest:
        return prefix
    if not prefix or rest.startswith("["):
        return prefix + rest
    return f"{prefix}.{rest}"


_MESSAGES = {
    "missing": "is required",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "model_type": "must be a mapping of field names to values",
    "model_attributes_type": "must be a mapping of field names to values",
    "dict_type": "must be a mapping of field names to values",
    "literal_error": "must be one of {expected}",
}


def _record_class(loc: Sequence[Any]) -> type[_Record] | None:
    parts = [p for p in loc if isinstance(p, (str, int))]
    if len(parts) == 1:
        return Model
    if len(parts) == 3 and isinstance(parts[1], int):
        return _LIST_FIELDS.get(parts[0])
    return None


def _problems(exc: ValidationError, cls: type[_Record]) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        where = _location(loc)
        inner = (err.get("ctx") or {}).get("error")
        if isinstance(inner, ModelError):
            problems.extend(
                Problem(_join(where, p.location), p.message, p.value)
                if p.has_value
                else Problem(_join(where, p.location), p.message)
                for p in inner.problems
            )
            continue
        kind = err["type"]
        if kind == "missing":
            problems.append(Problem(where, "is required"))
            continue
        if kind == "extra_forbidden":
            owner = _record_class(loc) if cls is Model else cls
            allowed = sorted(owner.model_fields) if owner else []
            guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
            hint = f"did you mean {guess[0]!r}?" if guess else "allowed: " + ", ".join(allowed)
            problems.append(Problem(where, f"unknown field; {hint}", err["input"]))
            continue
        template = _MESSAGES.get(kind)
        ctx = err.get("ctx") or {}
        message = template.format(**ctx) if template else err["msg"]
        problems.append(Problem(where, message, err["input"]))
    return problems


def _order(problem: Problem) -> tuple:
    key: list[tuple[int, Any]] = []
    for part in re.split(r"[.\[\]]+", problem.location):
        if part:
            key.append((0, int(part)) if part.isdigit() else (1, part))
    return tuple(key)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.location, p.message) not in seen:
            seen.add((p.location, p.message))
            out.append(p)
    return out


class _RecordMeta(type(BaseModel)):  # type: ignore[misc]
    """Turns pydantic's ValidationError into ModelError when a record is built directly.

    (Overriding ``__init__`` instead would make pydantic validate nested records twice.)
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except ValidationError as exc:
            raise _model_error(exc, cls) from None


class _Record(BaseModel, metaclass=_RecordMeta):
    """Base of the model records: frozen, no unknown fields, errors as ModelError."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @classmethod
    def _rules(cls, data: Mapping[str, Any]) -> list[Problem]:
        """Checks across fields, run on the raw data so they are reported with field errors."""
        return []

    @model_validator(mode="wrap")
    @classmethod
    def _validate_all(cls, data: Any, handler):
        if not isinstance(data, Mapping):
            return handler(data)
        rules = cls._rules(data)
        try:
            record = handler(data)
        except ValidationError as exc:
            raise ModelError(_unique(_problems(exc, cls) + rules)) from None
        if rules:
            raise ModelError(rules)
        return record

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON-ready data, without fields left unset (None)."""
        return self.model_dump(mode="json", exclude_none=True)


def _model_error(exc: ValidationError, cls: type[_Record]) -> ModelError:
    problems = _problems(exc, cls)
    return ModelError(sorted(_unique(problems), key=_order))


# --------------------------------------------------------------------------------------
# The records.


class Stakeholder(_Record):
    """A group of people or an organisation who put something in or experience change.

    Parameters
    ----------
    name : str
        The stakeholder's name, as used by inputs and outcomes (``"Tenants"``).
    description : str, optional
        Who they are and how many.
    """

    name: Text = Field(description="The stakeholder's name, as used by inputs and outcomes.")
    description: str = Field("", description="Who they are and how many.")


class Input(_Record):
    """An input: money or a valued contribution in kind put into the activity.

    Parameters
    ----------
    stakeholder : str
        Who puts it in (``"Council"``).
    description : str, optional
        What it is (``"Contract payments"``).
    amount : float
        Its value [money, model currency and price year, >= 0].
    year : int, optional
        The year it is spent [years, whole, >= 0]; year 0 (the default) is not discounted.
    kind : {"cash", "in_kind", "staff_time", "volunteer_time"}, optional
        What sort of input it is; every kind is valued and counts towards the investment.
    area : str, optional
        The area of activity it funds (``"Young people"``), for social accounts.
    """

    stakeholder: Text = Field(description="Who puts the input in.")
    description: str = Field("", description="What the input is.")
    amount: UncertainNonNegative = Field(description="Value of the input [money, >= 0].")
    year: Annotated[
        int,
        BeforeValidator(_whole(0)),
        Field(json_schema_extra={"minimum": 0, "maximum": MAX_YEARS}),
    ] = Field(0, description="Year the input is spent [years, >= 0]; 0 is not discounted.")
    kind: Literal["cash", "in_kind", "staff_time", "volunteer_time"] = Field(
        "cash", description="Cash, or a contribution in kind valued in money."
    )
    area: Text | None = Field(
        None, description="The area of activity it belongs to, for social accounts."
    )


class Output(_Record):
    """An output: a count of activity delivered (recorded and reported, not valued).

    Parameters
    ----------
    description : str
        What was delivered (``"Training sessions delivered"``).
    quantity : float
        How many [count, >= 0].
    unit : str, optional
        What is counted (``"sessions"``).
    stakeholder : str, optional
        Who the output was delivered to.
    area : str, optional
        The area of activity it belongs to, for social accounts.
    """

    description: Text = Field(description="What was delivered.")
    quantity: NonNegative = Field(description="How many [count, >= 0].")
    unit: str = Field("", description="What is counted.")
    stakeholder: Text | None = Field(None, description="Who the output was delivered to.")
    area: Text | None = Field(
        None, description="The area of activity it belongs to, for social accounts."
    )


class Outcome(_Record):
    """An outcome: a change for a stakeholder, valued with a financial proxy.

    Its impact in year ``t`` (``t = start_year .. start_year + duration - 1``) is::

        quantity * value * (1 - deadweight) * (1 - displacement) * (1 - attribution)
                 * (1 - drop_off) ** (t - start_year)

    Parameters
    ----------
    stakeholder : str
        Who experiences the change.
    outcome : str
        The change (``"Moved into sustained work"``).
    indicator : str, optional
        How the change is measured.
    quantity : float
        How many units experience the change [count, >= 0].
    value : float, optional
        The financial proxy [money / unit / year]; negative for a disbenefit. Give either
        ``value`` or ``proxy``.
    proxy : str, optional
        The id of a financial proxy in the proxy table, instead of ``value``.
    duration : int
        How many years the outcome lasts [years, whole, >= 1].
    start_year : int, optional
        The year the outcome first has impact [years, whole, >= 1]; default 1.
    deadweight, displacement, attribution, drop_off : float, optional
        The deductions [fraction, 0-1]; default 0.
    id : str, optional
        A stable id for the outcome; default ``outcome_<n>`` by position (from 1).
    source : str, optional
        Where the quantity and the value come from.
    """

    id: Text | None = Field(None, description="Stable id; default outcome_<n> by position.")
    stakeholder: Text = Field(description="Who experiences the change.")
    outcome: Text = Field(description="The change.")
    indicator: str = Field("", description="How the change is measured.")
    quantity: UncertainNonNegative = Field(
        description="How many units experience the change [>= 0]."
    )
    value: Annotated[
        float | None,
        BeforeValidator(_optional(_number)),
        _may_be_uncertain((-math.inf, math.inf)),
        _AS_WRITTEN,
    ] = Field(None, description="Financial proxy [money per unit per year]; negative = disbenefit.")
    proxy: Text | None = Field(None, description="Id of a proxy in the proxy table.")
    duration: Annotated[
        int,
        BeforeValidator(_whole(1)),
        Field(json_schema_extra={"minimum": 1, "maximum": MAX_YEARS}),
    ] = Field(description="Years the outcome lasts [whole, >= 1].")
    start_year: Annotated[
        int,
        BeforeValidator(_whole(1)),
        Field(json_schema_extra={"minimum": 1, "maximum": MAX_YEARS}),
    ] = Field(1, description="First year with impact [whole, >= 1].")
    deadweight: Fraction = Field(0.0, description="Share that would have happened anyway [0-1].")
    displacement: Fraction = Field(0.0, description="Share moved from elsewhere [0-1].")
    attribution: Fraction = Field(0.0, description="Share owed to others [0-1].")
    drop_off: Fraction = Field(0.0, description="Yearly decline after the first year [0-1].")
    source: str = Field("", description="Where the quantity and the value come from.")
    unit: Optional[Text] = Field(
        None,
        description="What the quantity counts (e.g. person, household, hour, tonne_CO2e, "
        "WELLBY); default: what the proxy counts.",
    )
    value_type: Optional[Literal[VALUE_TYPES]] = Field(  # type: ignore[valid-type]
        None,
        description="fiscal, economic, social, wellbeing or environmental; default: the proxy's.",
    )
    bearer: Annotated[Optional[str], BeforeValidator(_bearer)] = Field(
        None,
        description="Who gains: an agency (NHS) or shares (DWP:0.94;NHS:0.06); "
        "default: the proxy's.",
    )
    category: Optional[Literal[CATEGORIES]] = Field(  # type: ignore[valid-type]
        None, description="The proxy category (employment, health, ...); default: the proxy's."
    )
    marmot_objective: Optional[Literal[tuple(MARMOT_OBJECTIVES)]] = Field(  # type: ignore[misc]
        None, description="The Marmot Review objective served; default: the proxy's."
    )
    area: Text | None = Field(
        None, description="The area of activity it belongs to, for social accounts."
    )

    @classmethod
    def _rules(cls, data: Mapping[str, Any]) -> list[Problem]:
        has_value = data.get("value") is not None
        has_proxy = data.get("proxy") is not None
        if has_value and has_proxy:
            return [Problem("", "gives both `value` and `proxy`: give one financial proxy")]
        if not has_value and not has_proxy:
            return [Problem("", "needs a financial proxy: give `value` or `proxy`")]
        return []

    @property
    def remaining_share(self) -> float:
        """Share left after deadweight, displacement and attribution [fraction, 0-1]."""
        return (1 - self.deadweight) * (1 - self.displacement) * (1 - self.attribution)

    @property
    def end_year(self) -> int:
        """The last year the outcome has impact [years]."""
        return self.start_year + self.duration - 1


_LIST_FIELDS: dict[str, type[_Record]] = {
    "stakeholders": Stakeholder,
    "inputs": Input,
    "outputs": Output,
    "outcomes": Outcome,
}


class Model(_Record):
    """An SROI model (an impact map): inputs, outputs and valued outcomes.

    Parameters
    ----------
    name : str
        What is being evaluated.
    description : str, optional
        A longer description (scope, period, evidence).
    currency : str, optional
        ISO 4217 code of every amount and value; default ``"GBP"``.
    price_year : int or str, optional
        The price year of every amount and value: a calendar year (``2024``) or a
        financial year (``"2024/25"``).
    discount_rate : float, str or list of float, optional
        A constant rate [fraction, 0-1], a schedule name (``"green_book"``,
        ``"green_book_health"``) or yearly rates whose last rate carries on; default 0.035.
    stakeholders : list of Stakeholder, optional
        The stakeholders; when given, every input and outcome must name one of them.
    inputs : list of Input
        The investment; its present value must be above zero.
    outputs : list of Output, optional
        Activity delivered (reported, not valued).
    outcomes : list of Outcome
        At least one outcome.
    scenarios : mapping, optional
        Named what-ifs evaluated side by side by :func:`sroi.sensitivity.compare_scenarios`:
        ``{"pessimistic": {"deadweight": "+0.1", "value": "-20%",
        "outcomes": {"jobs": {"duration": 1}}}}`` (see :mod:`sroi.changes`).
    """

    name: Text = Field(description="What is being evaluated.")
    description: str = Field("", description="Scope, period and evidence.")
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = Field(
        "GBP", description="ISO 4217 currency code of every amount."
    )
    price_year: PriceYearField = Field(
        None, description="Price year of every amount: 2024 or '2024/25'."
    )
    discount_rate: DiscountRateField = Field(
        DEFAULT_DISCOUNT_RATE,
        description="Rate [0-1], schedule name, or list of yearly rates (last carries on).",
    )
    stakeholders: tuple[Stakeholder, ...] = Field((), description="The stakeholders.")
    inputs: tuple[Input, ...] = Field(description="The investment.")
    outputs: tuple[Output, ...] = Field((), description="Activity delivered (not valued).")
    outcomes: tuple[Outcome, ...] = Field(description="The valued outcomes (at least one).")
    scenarios: Annotated[
        dict[str, dict[str, Any]],
        PlainValidator(_scenarios, json_schema_input_type=dict[str, dict[str, Any]]),
    ] = Field(
        default_factory=dict,
        description="Named what-ifs: {name: {parameter: change, outcomes: {id: {...}}}}; a "
        "change is a number (a setting) or '+0.1', '-0.1', '*0.8', '+20%', '-20%'.",
    )

    @classmethod
    def _rules(cls, data: Mapping[str, Any]) -> list[Problem]:
        problems: list[Problem] = []
        outcomes = data.get("outcomes")
        if isinstance(outcomes, (list, tuple)):
            if not outcomes:
                problems.append(Problem("outcomes", "needs at least one outcome", []))
            ids: dict[str, int] = {}
            for i, item in enumerate(outcomes):
                if isinstance(item, Outcome):
                    item = dict(item)
                if not isinstance(item, Mapping):
                    continue
                if isinstance(item.get("id"), str):
                    given = item["id"].strip()
                else:
                    given = f"outcome_{i + 1}"
                if given in ids:
                    problems.append(
                        Problem(
                            f"outcomes[{i}].id",
                            f"duplicates the id of outcomes[{ids[given]}]; ids must be unique",
                            given,
                        )
                    )
                else:
                    ids[given] = i
        scenarios = data.get("scenarios")
        if isinstance(scenarios, Mapping) and isinstance(outcomes, (list, tuple)):
            known = set(ids) if isinstance(outcomes, (list, tuple)) and outcomes else set()
            for name, changes in scenarios.items():
                named = changes.get("outcomes") if isinstance(changes, Mapping) else None
                if isinstance(named, Mapping):
                    for oid in named:
                        if oid not in known:
                            problems.append(
                                Problem(
                                    f"scenarios.{name}.outcomes.{oid}",
                                    "is not an outcome id; ids: " + ", ".join(sorted(known)),
                                )
                            )
        inputs = data.get("inputs")
        if isinstance(inputs, (list, tuple)):
            amounts = [
                (item.get("amount") if isinstance(item, Mapping) else getattr(item, "amount", None))
                for item in inputs
            ]
            numeric = all(
                isinstance(a, (numbers.Real, Decimal)) and not isinstance(a, bool) for a in amounts
            )
            if numeric and sum(float(a) for a in amounts) == 0:
                problems.append(
                    Problem(
                        "inputs",
                        "the total investment is 0; an SROI ratio needs inputs worth more than 0",
                    )
                )
        stakeholders = data.get("stakeholders")
        if isinstance(stakeholders, (list, tuple)) and stakeholders:
            names: dict[str, int] = {}
            for i, item in enumerate(stakeholders):
                name = item.get("name") if isinstance(item, Mapping) else getattr(item, "name", 0)
                if isinstance(name, str):
                    if name.strip() in names:
                        problems.append(Problem(f"stakeholders[{i}].name", "is listed twice", name))
                    names.setdefault(name.strip(), i)
            for field in ("inputs", "outputs", "outcomes"):
                items = data.get(field)
                if not isinstance(items, (list, tuple)):
                    continue
                for i, item in enumerate(items):
                    who = (
                        item.get("stakeholder")
                        if isinstance(item, Mapping)
                        else getattr(item, "stakeholder", None)
                    )
                    if isinstance(who, str) and who.strip() not in names:
                        problems.append(
                            Problem(
                                f"{field}[{i}].stakeholder",
                                "is not one of the model's stakeholders: " + ", ".join(names),
                                who,
                            )
                        )
        return problems

    @model_validator(mode="after")
    def _warn_suspicious(self) -> Model:
        for i, outcome in enumerate(self.outcomes):
            removed = 1 - outcome.remaining_share
            if removed > DEDUCTIONS_WARNING_THRESHOLD:
                warnings.warn(
                    f"outcomes[{i}]: deadweight, displacement and attribution together remove "
                    f"{removed:.1%} of its value (above {DEDUCTIONS_WARNING_THRESHOLD:.0%}); "
                    "check the evidence for each",
                    SROIWarning,
                    stacklevel=2,
                )
        return self

    # ------------------------------------------------------------------ constructors

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Model:
        """Build a model from a mapping with the field names of ``DESIGN.md`` §3.

        The mapping is not changed. Every problem is reported in one :class:`ModelError`.
        """
        if isinstance(data, Model):
            return data
        if not isinstance(data, Mapping):
            raise ModelError(
                [
                    Problem(
                        "", f"a model must be a mapping of field names to values, not {_kind(data)}"
                    )
                ]
            )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise _model_error(exc, cls) from None

    @classmethod
    def from_yaml(cls, path: str | PathLike[str]) -> Model:
        """Read a model from a YAML file (duplicate keys are an error)."""
        return cls.from_dict(_read_yaml(Path(path)))

    @classmethod
    def from_json(cls, path: str | PathLike[str]) -> Model:
        """Read a model from a JSON file (duplicate keys are an error)."""
        return cls.from_dict(_read_json(Path(path)))

    @classmethod
    def from_frame(
        cls,
        outcomes: pd.DataFrame,
        *,
        inputs: pd.DataFrame | Sequence[Mapping[str, Any]],
        **fields: Any,
    ) -> Model:
        """Build a model from a DataFrame of outcomes (one row per outcome).

        Parameters
        ----------
        outcomes : pandas.DataFrame
            One column per :class:`Outcome` field. A blank cell (NaN or None) in an optional
            text or proxy column (``id``, ``indicator``, ``value``, ``proxy``, ``source``)
            means "not given"; anywhere else a blank is an error, never a silent default.
        inputs : pandas.DataFrame or list of mappings
            The inputs, one row per :class:`Input`.
        **fields
            The model's other fields (``name``, ``discount_rate``, ...).
        """
        records = {
            "outcomes": _frame_records(
                outcomes, blank_ok={"id", "indicator", "value", "proxy", "source"}
            ),
            "inputs": (
                _frame_records(inputs, blank_ok={"description"})
                if hasattr(inputs, "to_dict")
                else list(inputs)
            ),
        }
        return cls.from_dict({**fields, **records})

    # ------------------------------------------------------------------ views

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        """The id of every outcome: its own, or ``outcome_<n>`` by position (from 1)."""
        return tuple(o.id or f"outcome_{i + 1}" for i, o in enumerate(self.outcomes))

    @property
    def areas(self) -> tuple[str, ...]:
        """The areas named by inputs, outputs and outcomes, in order of first mention."""
        seen: dict[str, None] = {}
        for item in (*self.inputs, *self.outputs, *self.outcomes):
            if item.area:
                seen.setdefault(item.area, None)
        return tuple(seen)

    @property
    def uncertainties(self) -> tuple[tuple[str, Uncertain], ...]:
        """Every figure written as a distribution: ``(location, figure)`` pairs, in order.

        Each figure is an :class:`~sroi.distributions.Uncertain`: it works as its central
        value and carries its ``distribution``.
        """
        out = []
        for field, names in UNCERTAIN_FIELDS.items():
            for i, item in enumerate(getattr(self, field)):
                for name in names:
                    figure = getattr(item, name)
                    if isinstance(figure, Uncertain):
                        out.append((f"{field}[{i}].{name}", figure))
        return tuple(out)

    @property
    def stakeholder_names(self) -> tuple[str, ...]:
        """The declared stakeholders, or those named by inputs and outcomes, in order."""
        if self.stakeholders:
            return tuple(s.name for s in self.stakeholders)
        seen: dict[str, None] = {}
        for item in (*self.inputs, *self.outcomes):
            seen.setdefault(item.stakeholder, None)
        return tuple(seen)


def _frame_records(frame: Any, blank_ok: set[str]) -> list[dict[str, Any]]:
    records = []
    for row in frame.to_dict(orient="records"):
        record = {}
        for key, value in row.items():
            if hasattr(value, "item") and not isinstance(value, (str, bytes)):
                value = value.item()
            blank = value is None or (isinstance(value, float) and math.isnan(value))
            if blank and key in blank_ok:
                continue
            record[str(key)] = value
        records.append(record)
    return records


# --------------------------------------------------------------------------------------
# Files.


def _read_yaml(path: Path) -> Any:
    import yaml

    class _UniqueKeyLoader(yaml.SafeLoader):
        pass

    def construct_mapping(loader, node, deep=False):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise ModelError(
                    [
                        Problem(
                            f"{path.name} line {key_node.start_mark.line + 1}",
                            f"the key {key!r} appears twice in one mapping; "
                            "one of its values would be lost",
                        )
                    ],
                    title=str(path),
                )
            seen.add(key)
        return loader.construct_mapping(node, deep=deep)

    _UniqueKeyLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping
    )
    text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path.name} line {mark.line + 1}" if mark else path.name
        raise ModelError(
            [Problem(where, f"is not valid YAML: {exc.problem}")], title=str(path)
        ) from None


def _read_json(path: Path) -> Any:
    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ModelError(
                    [Problem(path.name, f"the key {key!r} appears twice in one object")],
                    title=str(path),
                )
            out[key] = value
        return out

    def reject_constant(name: str) -> float:
        raise ModelError(
            [Problem(path.name, f"{name} is not a number JSON allows")], title=str(path)
        )

    try:
        return json.loads(
            path.read_text(encoding="utf-8"),
            object_pairs_hook=unique,
            parse_constant=reject_constant,
        )
    except json.JSONDecodeError as exc:
        raise ModelError(
            [Problem(f"{path.name} line {exc.lineno}", f"is not valid JSON: {exc.msg}")],
            title=str(path),
        ) from None


def load_model(path: str | PathLike[str]) -> Model:
    """Read a model from a ``.yaml``/``.yml`` or ``.json`` file.

    Parameters
    ----------
    path : str or os.PathLike
        The model file.

    Returns
    -------
    Model

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ModelError
        If the file is not valid YAML/JSON or the model in it is not valid; every problem
        is listed with its location.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        data = _read_yaml(p)
    elif suffix == ".json":
        data = _read_json(p)
    else:
        raise ModelError(
            [Problem(p.name, "a model file must end in .yaml, .yml or .json", suffix or p.name)]
        )
    try:
        return Model.from_dict(data)
    except ModelError as exc:
        raise ModelError(exc.problems, title=str(p)) from None


def model_schema() -> dict[str, Any]:
    """The JSON Schema of the model file format (YAML, JSON or a mapping).

    Other tools can validate a model with it before calling :func:`sroi.evaluate`. Checks
    across fields (a `value` or a `proxy`, unique ids, a non-zero investment) are stated in
    the descriptions but only :func:`sroi.evaluate` enforces them.

    Examples
    --------
    >>> schema = model_schema()
    >>> schema["title"], sorted(schema["required"])
    ('Model', ['inputs', 'name', 'outcomes'])
    >>> schema["$defs"]["Outcome"]["additionalProperties"]
    False
    """
    schema = Model.model_json_schema()
    defs = schema["$defs"]
    defs["Distribution"] = _distribution_schema()
    for record, names in (
        ("Outcome", UNCERTAIN_FIELDS["outcomes"]),
        ("Input", UNCERTAIN_FIELDS["inputs"]),
    ):
        props = defs[record]["properties"]
        for name in names:
            field = props[name]
            meta = {k: field.pop(k) for k in ("title", "description", "default") if k in field}
            props[name] = {
                "anyOf": [field, {"$ref": "#/$defs/Distribution"}],
                **meta,
            }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _distribution_schema() -> dict[str, Any]:
    """JSON Schema of a distribution written in place of a number."""
    from dataclasses import MISSING, fields

    options = []
    for name, cls in DISTRIBUTIONS.items():
        props: dict[str, Any] = {"distribution": {"const": name}}
        required = ["distribution"]
        for f in fields(cls):
            key = "mean" if f.name == "mean_" else f.name
            props[key] = {"type": "number"}
            if f.default is MISSING:
                required.append(key)
        options.append(
            {
                "type": "object",
                "properties": props,
                "required": required,
                "additionalProperties": False,
            }
        )
    return {
        "description": "A distribution in place of a number (see sroi.distributions).",
        "oneOf": options,
    }
