"""The model records: :class:`Model` and its :class:`Stakeholder`, :class:`Input`,
:class:`Output` and :class:`Outcome` records, and :func:`load_model`.

Every field is checked by a type of :mod:`sroi.model.fields` (the parsers of
:mod:`sroi.parsing`); checks across fields are each record's ``_rules``; every problem is
reported at once by :mod:`sroi.model.problems`.
"""

from __future__ import annotations

import math
import numbers
import re
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from decimal import Decimal
from operator import attrgetter
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

import numpy as np
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    model_validator,
)

from sroi.conventions import DROP_OFF_FROM, Conventions
from sroi.distributions import Uncertain
from sroi.errors import ModelError, Problem, SROIWarning, show_names, show_value
from sroi.io.yaml_json import read_json, read_mapping, read_yaml
from sroi.model.fields import (
    UNCERTAIN_FIELDS,
    YEARLY_FIELDS,
    CalendarYear,
    Category,
    DiscountRateField,
    Duration,
    Fraction,
    FractionOrYearly,
    InputKind,
    MarmotObjective,
    NonNegative,
    OptionalNumber,
    PriceYearField,
    QuantityOrYearly,
    Text,
    UncertainNonNegative,
    ValueType,
    YearsFromOne,
    YearsFromZero,
    check_bearer,
)
from sroi.model.front_matter import FrontMatter, narrative_problems
from sroi.model.frozen import FrozenDict
from sroi.model.problems import Record, model_error, unencodable_text
from sroi.model.scenarios import check_scenarios, unknown_outcome_ids
from sroi.parsing import kind_of
from sroi.vocabulary import DEFAULT_DISCOUNT_RATE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DEDUCTIONS_WARNING_THRESHOLD",
    "Group",
    "Input",
    "Model",
    "Outcome",
    "Output",
    "Stakeholder",
    "checked_with",
    "load_model",
    "model_warnings",
]

DEDUCTIONS_WARNING_THRESHOLD = 0.9
"""Combined deadweight, displacement and attribution above this share raise an SROIWarning."""

ModelCheck = Callable[[Mapping[str, Any]], list[Problem]]
"""A check of a model's data as given (a mapping), returning the problems it finds."""

_EXTRA_CHECK: ContextVar[ModelCheck | None] = ContextVar("sroi_model_check", default=None)


@contextmanager
def checked_with(check: ModelCheck | None) -> Iterator[None]:
    """Run ``check`` on the data of every model built inside the block, with its own checks.

    :func:`sroi.evaluate` uses it to look up every proxy id and unit while the model's
    fields are checked, so that a bad field, an unknown proxy id and a unit that does not
    fit are reported together, in one error, whichever way the model arrives (a mapping,
    a YAML, JSON, CSV or Excel file). The check gets the model's data as given and returns
    problems located in the model (``outcomes[2].proxy``); it must not raise.

    Parameters
    ----------
    check : callable or None
        ``check(data) -> list of Problem``; None runs no extra check.
    """
    token = _EXTRA_CHECK.set(check)
    try:
        yield
    finally:
        _EXTRA_CHECK.reset(token)


_UNREADABLE = "unable to parse raw data as a unicode string"  # pydantic's words


def _number(value: Any) -> float | None:
    """``value`` as a finite float, or None when it is not one (its field reports why)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        return None
    try:
        out = float(value)
    except (OverflowError, ValueError, TypeError, ArithmeticError):
        return None
    return out if math.isfinite(out) else None


class Stakeholder(Record):
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


class Group(Record):
    """A group of beneficiaries (an IMD decile, an income quintile, "previously
    unemployed", an age band, a ward) that outcomes can name in their ``group``.

    Parameters
    ----------
    description : str, optional
        Who is in the group.
    income : float, optional
        The group's typical income [money / year, > 0], for distributional weights
        (HM Treasury Green Book, distributional appraisal).
    priority : bool, optional
        Whether the model counts the group as a priority (for example the two most
        deprived deciles); default False.
    """

    description: str = Field("", description="Who is in the group.")
    income: Optional[Annotated[float, Field(gt=0, allow_inf_nan=False)]] = Field(
        None, description="Typical income of the group [money / year, > 0]."
    )
    priority: bool = Field(False, description="Whether the group is a priority.")


def _frozen_groups(value: Any) -> Any:
    return FrozenDict(value) if isinstance(value, Mapping) else value


class Input(Record):
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
    kind : {"cash", "staff_time", "volunteer_time", "in_kind"}, optional
        What sort of input it is; every kind is valued and counts towards the investment.
    area : str, optional
        The area of activity it funds (``"Young people"``), for social accounts.
    """

    stakeholder: Text = Field(description="Who puts the input in.")
    description: str = Field("", description="What the input is.")
    amount: UncertainNonNegative = Field(description="Value of the input [money, >= 0].")
    year: YearsFromZero = Field(
        0, description="Year the input is spent [years, >= 0]; 0 is not discounted."
    )
    kind: InputKind = Field("cash", description="Cash, or a contribution in kind valued in money.")
    area: Text | None = Field(
        None, description="The area of activity it belongs to, for social accounts."
    )


class Output(Record):
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


class Outcome(Record):
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
    proxy_description, proxy_source : str, optional
        What the financial proxy is and where its value comes from, kept apart from the
        outcome's own description and source (the impact map's valuation stage).
    notes : str, optional
        Notes and assumptions kept with the outcome; not used in any figure.
    """

    id: Text | None = Field(None, description="Stable id; default outcome_<n> by position.")
    stakeholder: Text = Field(description="Who experiences the change.")
    outcome: Text = Field(description="The change.")
    indicator: str = Field("", description="How the change is measured.")
    quantity: QuantityOrYearly = Field(
        description="How many units experience the change [>= 0]; or a list, one per year."
    )
    value: OptionalNumber = Field(
        None, description="Financial proxy [money per unit per year]; negative = disbenefit."
    )
    proxy: Text | None = Field(None, description="Id of a proxy in the proxy table.")
    duration: Duration = Field(
        description="Years the outcome lasts [> 0; whole unless partial_years: pro_rata]."
    )
    start_year: YearsFromOne = Field(1, description="First year with impact [whole, >= 1].")
    deadweight: FractionOrYearly = Field(
        0.0, description="Share that would have happened anyway [0-1]; or one per year."
    )
    displacement: FractionOrYearly = Field(
        0.0, description="Share moved from elsewhere [0-1]; or one per year."
    )
    attribution: FractionOrYearly = Field(
        0.0, description="Share owed to others [0-1]; or one per year."
    )
    leakage: FractionOrYearly = Field(
        0.0, description="Share of the benefit going outside the target area or group [0-1]."
    )
    drop_off: Fraction = Field(0.0, description="Yearly decline after the first year [0-1].")
    drop_off_from: Optional[Literal[DROP_OFF_FROM]] = Field(  # type: ignore[valid-type]
        None,
        description="second_year or first_year: when this outcome's drop-off starts; "
        "default: the model's conventions.",
    )
    source: str = Field("", description="Where the quantity and the value come from.")
    proxy_description: Text | None = Field(
        None,
        description="What the financial proxy is (the impact map's 'financial proxy'), "
        "kept apart from the outcome.",
    )
    proxy_source: Text | None = Field(
        None, description="Where the financial proxy's value comes from."
    )
    notes: Text | None = Field(
        None, description="Notes and assumptions kept with the outcome (not used in figures)."
    )
    unit: Optional[Text] = Field(
        None,
        description="What the quantity counts (e.g. person, household, hour, tonne_CO2e, "
        "WELLBY); default: what the proxy counts.",
    )
    value_type: ValueType = Field(
        None,
        description="fiscal, economic, social, wellbeing or environmental; default: the proxy's.",
    )
    bearer: Annotated[Optional[str], BeforeValidator(check_bearer)] = Field(
        None,
        description="Who gains: an agency (NHS) or shares (DWP:0.94;NHS:0.06); "
        "default: the proxy's.",
    )
    category: Category = Field(
        None, description="The proxy category (employment, health, ...); default: the proxy's."
    )
    marmot_objective: MarmotObjective = Field(
        None, description="The Marmot Review objective served; default: the proxy's."
    )
    area: Text | None = Field(
        None, description="The area of activity it belongs to, for social accounts."
    )
    group: Text | None = Field(
        None,
        description="The beneficiary group it reaches (an IMD decile, 'previously "
        "unemployed', a ward); one of the model's groups when the model lists them.",
    )
    outcome_group: Text | None = Field(
        None,
        description="Outcomes that value the same change for the same people share an "
        "outcome_group, so that double counting can be found.",
    )

    @classmethod
    def _rules(cls, data: Mapping[str, Any]) -> list[Problem]:
        problems = []
        has_value = data.get("value") is not None
        has_proxy = data.get("proxy") is not None
        if has_value and has_proxy:
            problems.append(Problem("", "gives both `value` and `proxy`: give one financial proxy"))
        if not has_value and not has_proxy:
            problems.append(Problem("", "needs a financial proxy: give `value` or `proxy`"))
        duration = data.get("duration")
        number = isinstance(duration, (int, float)) and not isinstance(duration, bool)
        if number and 0 < duration <= 1_000:  # compared as given: no float() of a huge int
            years = math.ceil(duration)
            for name in YEARLY_FIELDS:
                given = data.get(name)
                if isinstance(given, (list, tuple)) and given and len(given) != years:
                    problems.append(
                        Problem(
                            name,
                            f"gives {len(given)} yearly values; the outcome lasts {years} "
                            f"year{'s' if years != 1 else ''}, so give {years}",
                            len(given),
                        )
                    )
        return problems

    def first_year(self, name: str) -> float:
        """A figure's value in the outcome's first year (the first of a yearly list)."""
        value = getattr(self, name)
        return float(value[0]) if isinstance(value, tuple) else float(value)

    @property
    def yearly(self) -> tuple[str, ...]:
        """The figures given year by year (as lists)."""
        return tuple(n for n in YEARLY_FIELDS if isinstance(getattr(self, n), tuple))

    @property
    def remaining_share(self) -> float:
        """Share left after deadweight, displacement, attribution and leakage in the first
        year [fraction, 0-1]."""
        share = 1.0
        for name in ("deadweight", "displacement", "attribution", "leakage"):
            share *= 1 - self.first_year(name)
        return share

    @property
    def end_year(self) -> int:
        """The last year the outcome has impact [years]."""
        return self.start_year + math.ceil(self.duration) - 1


def _check_conventions(value: Any) -> Conventions | None:
    if value is None:
        return None
    try:
        return Conventions.parse(value, where="")
    except ModelError as exc:
        # located inside the block: conventions.<option>
        raise ModelError([p.at(p.location.lstrip(".")) for p in exc.problems]) from None


class Model(Record):
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
    first_calendar_year : int, optional
        The calendar year of the model's year 1 (``2025``) [year]. An outcome valued with
        a proxy that is a series over calendar years (the carbon path,
        ``desnz2023_carbon_value_central``) takes, in each of its years, that year's value.
    contract_value : float, optional
        The price of the contract the social value is offered under [money, >= 0]:
        results then show social value per £ of contract and as a share of it.
    groups : mapping, optional
        Beneficiary groups by name (:class:`Group`): ``{"IMD decile 1": {"income":
        14_000, "priority": True}}``; when given, an outcome's ``group`` must name one.
    stakeholders : list of Stakeholder, optional
        The stakeholders; when given, every input and outcome must name one of them.
    inputs : list of Input
        The investment; its present value must be above zero.
    outputs : list of Output, optional
        Activity delivered (reported, not valued).
    outcomes : list of Outcome
        At least one outcome.
    front_matter : FrontMatter, optional
        What published social accounts say around the figures: the organisation, its
        logo, the period, an introduction, words for each area and a contact
        (:class:`~sroi.model.front_matter.FrontMatter`). Changes no figure.
    scenarios : mapping, optional
        Named what-ifs evaluated side by side by :func:`sroi.sensitivity.compare_scenarios`:
        ``{"pessimistic": {"deadweight": "+0.1", "value": "-20%",
        "outcomes": {"jobs": {"duration": 1}}}}`` (see :mod:`sroi.changes`). Held as a
        read-only copy (mappings and tuples all the way down).

    Notes
    -----
    A model shares nothing with its caller: every container it holds is its own read-only
    copy, so changing the mapping it was built from never changes it, and its own
    containers cannot be changed. Models compare equal field by field and can be hashed.
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
    conventions: Annotated[
        Optional[Conventions],
        PlainValidator(_check_conventions, json_schema_input_type=Optional[dict[str, Any]]),
        PlainSerializer(lambda c: None if c is None else c.to_dict(), return_type=Any),
    ] = Field(
        None,
        description="Computation conventions: drop_off_from (second_year | first_year), "
        "partial_years (error | pro_rata), discount_timing (end_of_year | mid_year | "
        "start_of_year), deductions (multiplicative | additive), valuation_year (0, 1, ...).",
    )
    first_calendar_year: Optional[CalendarYear] = Field(
        None,
        description="The calendar year of the model's year 1 (2025); needed by outcomes "
        "valued with a proxy that is a series over years, such as the carbon path.",
    )
    contract_value: Optional[Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(
        None,
        description="The price of the contract the social value is offered under [money, "
        ">= 0], for social value per £ of contract.",
    )
    groups: Annotated[Mapping[str, Group], AfterValidator(_frozen_groups)] = Field(
        default_factory=FrozenDict,
        description="Beneficiary groups by name: {name: {description, income, priority}}.",
    )
    front_matter: Optional[FrontMatter] = Field(
        None,
        description="For published social accounts: organisation, logo, period, "
        "introduction, narrative (by area), contact, prepared_by, published.",
    )
    stakeholders: tuple[Stakeholder, ...] = Field((), description="The stakeholders.")
    inputs: tuple[Input, ...] = Field(description="The investment.")
    outputs: tuple[Output, ...] = Field((), description="Activity delivered (not valued).")
    outcomes: tuple[Outcome, ...] = Field(description="The valued outcomes (at least one).")
    scenarios: Annotated[
        Mapping[str, Mapping[str, Any]],
        PlainValidator(check_scenarios, json_schema_input_type=dict[str, dict[str, Any]]),
    ] = Field(
        default_factory=FrozenDict,
        description="Named what-ifs: {name: {parameter: change, outcomes: {id: {...}}}}; a "
        "change is a number (a setting) or '+0.1', '-0.1', '*0.8', '+20%', '-20%'.",
    )

    @classmethod
    def list_fields(cls) -> Mapping[str, type[Record]]:
        """The fields holding lists of records, and the record of each (for error hints)."""
        return {
            "stakeholders": Stakeholder,
            "inputs": Input,
            "outputs": Output,
            "outcomes": Outcome,
        }

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
            problems += unknown_outcome_ids(scenarios, known)
        inputs = data.get("inputs")
        if isinstance(inputs, (list, tuple)):
            amounts = [
                (item.get("amount") if isinstance(item, Mapping) else getattr(item, "amount", None))
                for item in inputs
            ]
            numbers_given = [_number(a) for a in amounts]
            if all(a is not None for a in numbers_given) and not any(numbers_given):
                problems.append(
                    Problem(
                        "inputs",
                        "the total investment is 0; an SROI ratio needs inputs worth more than 0",
                        allowed="inputs whose amounts add up to more than 0",
                    )
                )
        stakeholders = data.get("stakeholders")
        if isinstance(stakeholders, (list, tuple)) and stakeholders:
            names: dict[str, int] = {}
            for i, item in enumerate(stakeholders):
                name = item.get("name") if isinstance(item, Mapping) else getattr(item, "name", 0)
                if isinstance(name, str):
                    if name.strip() in names:
                        problems.append(
                            Problem(
                                f"stakeholders[{i}].name",
                                "is listed twice",
                                name,
                                allowed="a name not already listed",
                            )
                        )
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
                                "is not one of the model's stakeholders: " + show_names(names),
                                who,
                                allowed="one of the stakeholders: " + show_names(names),
                            )
                        )
        groups = data.get("groups")
        if isinstance(groups, Mapping) and groups and isinstance(outcomes, (list, tuple)):
            named = [str(g) for g in groups]
            for i, item in enumerate(outcomes):
                group = (
                    item.get("group") if isinstance(item, Mapping) else getattr(item, "group", None)
                )
                if isinstance(group, str) and group not in groups:
                    problems.append(
                        Problem(
                            f"outcomes[{i}].group",
                            "is not one of the model's groups: " + show_names(named),
                            group,
                            allowed="one of the groups: " + show_names(named),
                        )
                    )
        problems += narrative_problems(data)
        check = _EXTRA_CHECK.get()
        if check is not None:
            problems += check(data)
        return problems

    @model_validator(mode="after")
    def _warn_suspicious(self) -> Model:
        for warning in model_warnings(self):
            warnings.warn(warning, stacklevel=2)
        return self

    # ------------------------------------------------------------------ constructors

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Model:
        """Build a model from a mapping of the records' field names (see :func:`model_schema`).

        The mapping is not changed. Every problem is reported in one :class:`ModelError`.
        """
        if isinstance(data, Model):
            return data
        if not isinstance(data, Mapping):
            raise ModelError(
                [
                    Problem(
                        "",
                        f"a model must be a mapping of field names to values, not {kind_of(data)}",
                        data,
                        allowed="a mapping of field names to values",
                    )
                ]
            )
        try:
            return cls.model_validate(data if isinstance(data, dict) else dict(data))
        except ValidationError as exc:
            error = model_error(exc, cls)
        except UnicodeError:
            error = ModelError([Problem("", _UNREADABLE)])
        if not any(_UNREADABLE in p.message for p in error.problems):
            raise error
        # text pydantic cannot read (a lone surrogate) hides where it is and what else is
        # wrong: report each such text at its place, and the rest of the model with it
        clean, found = unencodable_text(data)
        try:
            cls.model_validate(clean)
        except ValidationError as exc:
            found += model_error(exc, cls).problems
        raise ModelError(found) from None

    @classmethod
    def from_yaml(cls, path: str | PathLike[str]) -> Model:
        """Read a model from a YAML file (duplicate keys are an error)."""
        return cls.from_dict(read_yaml(Path(path)))

    @classmethod
    def from_json(cls, path: str | PathLike[str]) -> Model:
        """Read a model from a JSON file (duplicate keys are an error)."""
        return cls.from_dict(read_json(Path(path)))

    @classmethod
    def from_frame(
        cls,
        outcomes: pd.DataFrame,
        *,
        inputs: pd.DataFrame | Sequence[Mapping[str, Any]],
        **fields: Any,
    ) -> Model:
        """Build a model from a DataFrame of outcomes (one row per outcome).

        :func:`sroi.evaluate` does the same for a mapping whose ``outcomes``, ``inputs``
        or ``outputs`` are DataFrames: ``sroi.evaluate({"name": "Advice", "inputs":
        inputs_df, "outcomes": outcomes_df})``.

        Parameters
        ----------
        outcomes : pandas.DataFrame
            One column per :class:`Outcome` field. A blank cell (NaN or None) in an optional
            text or proxy column (``id``, ``indicator``, ``value``, ``proxy``, ``source``,
            ``unit``, ``area`` ...) means "not given". A blank deduction cell
            (``deadweight``, ``displacement``, ``attribution``, ``leakage``, ``drop_off``)
            is read as 0, as a spreadsheet reads an empty cell, and said in a
            :class:`~sroi.errors.ReadingWarning` that lists every cell so read (a result
            keeps it in ``result.warnings``, and reports show it). Anywhere else a blank is
            an error, located, never a silent default.
        inputs : pandas.DataFrame or list of mappings
            The inputs, one row per :class:`Input`; a blank ``description`` or ``area``
            means "not given".
        **fields
            The model's other fields (``name``, ``discount_rate``, ...). ``outputs`` may
            also be a DataFrame.

        Raises
        ------
        ModelError
            Listing every problem: of the frames (not a DataFrame, a column name that is not
            text or is given twice) and of the model's fields, each with its location.

        Warns
        -----
        ReadingWarning
            When a blank deduction cell was read as 0 (one warning naming every such cell).

        Examples
        --------
        >>> import warnings, pandas as pd
        >>> outcomes = pd.DataFrame({"stakeholder": ["Tenants", "NHS"],
        ...     "outcome": ["Less stress", "Fewer GP visits"], "quantity": [16, 120],
        ...     "value": [1_000.0, 40.0], "duration": [1, 1],
        ...     "deadweight": [0.3, None], "attribution": [0.15, 0.1]})
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     m = Model.from_frame(outcomes, name="Advice",
        ...                          inputs=[{"stakeholder": "HA", "amount": 10_000}])
        >>> m.outcomes[1].deadweight
        0.0
        >>> print(caught[0].message)
        outcomes: blank deduction cells read as 0: deadweight of outcomes[1]
        """
        return cls._from_tables(outcomes, inputs, fields, outcome_lists=False)

    @classmethod
    def _from_tables(
        cls, outcomes: Any, inputs: Any, fields: dict[str, Any], *, outcome_lists: bool
    ) -> Model:
        """:meth:`from_frame`; with ``outcome_lists`` the outcomes may be a list too (a
        mapping given to :func:`sroi.evaluate` whose inputs or outputs are DataFrames)."""
        problems: list[Problem] = []
        records: dict[str, Any] = {}
        defaulted: dict[str, list[int]] = {}
        fields = dict(fields)
        for name, table, blank_ok in (
            ("outcomes", outcomes, _OUTCOME_BLANK_OK),
            ("inputs", inputs, _INPUT_BLANK_OK),
            *(
                [("outputs", fields.pop("outputs"), _OUTPUT_BLANK_OK)]
                if _is_frame(fields.get("outputs"))
                else []
            ),
        ):
            if _is_frame(table):
                found = _frame_records(
                    table,
                    name,
                    blank_ok,
                    problems,
                    zero_ok=frozenset(_DEDUCTIONS) if name == "outcomes" else frozenset(),
                    defaulted=defaulted,
                )
                if found is not None:
                    records[name] = found
            elif isinstance(table, (list, tuple)) and (name != "outcomes" or outcome_lists):
                records[name] = list(table)
            elif name == "outcomes":
                _frame_records(table, name, blank_ok, problems)  # says it must be a DataFrame
            else:
                problems.append(
                    Problem(
                        name,
                        f"must be a DataFrame or a list of mappings, not {kind_of(table)}",
                        table,
                        allowed=f"a pandas DataFrame, or a list of mappings, one per {name[:-1]}",
                    )
                )
        if defaulted:
            from sroi.errors import ReadingWarning

            cells = "; ".join(
                f"{column} of " + ", ".join(f"outcomes[{i}]" for i in rows)
                for column, rows in sorted(defaulted.items(), key=lambda c: _DEDUCTIONS.index(c[0]))
            )
            warnings.warn(
                ReadingWarning(f"blank deduction cells read as 0: {cells}", location="outcomes"),
                stacklevel=2,
            )
        if not problems:
            return cls.from_dict({**fields, **records})
        failed = {p.location.split(".")[0] for p in problems}  # "outcomes", "inputs"
        try:
            cls.from_dict({**fields, **records})
        except ModelError as exc:
            problems += [p for p in exc.problems if re.split(r"[.\[]", p.location)[0] not in failed]
        raise ModelError(problems)

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


_DEDUCTION_FIGURES = attrgetter("deadweight", "displacement", "attribution", "leakage")


def _may_remove_too_much(outcomes: Sequence[Outcome], additive: bool) -> bool:
    """Whether any outcome's deductions may remove more than the threshold: one pass over
    a table of the figures, so that a model with none such is not checked outcome by
    outcome (a little slack keeps every borderline outcome for the exact check)."""
    try:
        shares = np.array([_DEDUCTION_FIGURES(o) for o in outcomes], dtype=float)
    except ValueError:  # a figure given year by year: check outcome by outcome
        return True
    if shares.ndim != 2 or shares.shape[1] != 4:
        return bool(len(outcomes))
    if additive:
        removed = np.minimum(1.0, shares.sum(axis=1))
    else:
        removed = 1.0 - np.prod(1.0 - shares, axis=1)
    return bool(np.any(~(removed <= DEDUCTIONS_WARNING_THRESHOLD - 1e-9)))


def model_warnings(model: Model, conventions: Conventions | None = None) -> tuple[SROIWarning, ...]:
    """The legal but suspicious things in a model, each an :class:`~sroi.errors.SROIWarning`
    with its location: combined deductions above :data:`DEDUCTIONS_WARNING_THRESHOLD`.

    Examples
    --------
    >>> m = Model.model_construct(outcomes=(Outcome.model_construct(
    ...     deadweight=0.9, displacement=0.5, attribution=0.0),))
    >>> [w.location for w in model_warnings(m)]
    ['outcomes[0]']
    """
    additive = (conventions or model.conventions or Conventions()).deductions == "additive"
    if not _may_remove_too_much(model.outcomes, additive):
        return ()
    found = []
    for i, outcome in enumerate(model.outcomes):
        if additive:  # max(0, 1 - the sum of the shares): the whole sum is removed, up to 1
            names = ("deadweight", "displacement", "attribution", "leakage")
            removed = min(1.0, sum(outcome.first_year(name) for name in names))
        else:
            removed = 1 - outcome.remaining_share
        if removed > DEDUCTIONS_WARNING_THRESHOLD:
            found.append(
                SROIWarning(
                    f"deadweight, displacement and attribution together remove {removed:.1%} "
                    f"of its value (above {DEDUCTIONS_WARNING_THRESHOLD:.0%}); check the "
                    "evidence for each",
                    location=f"outcomes[{i}]",
                )
            )
    return tuple(found)


def _is_blank(value: Any) -> bool:
    """Whether a DataFrame cell is blank: None, NaN, pandas' NA or NaT."""
    if value is None or isinstance(value, (str, bytes, list, tuple, dict, set)):
        return value is None
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


_DEDUCTIONS = ("deadweight", "displacement", "attribution", "leakage", "drop_off")
"""Outcome columns whose blank cells a DataFrame gives are read as 0 (and reported)."""

_OUTCOME_BLANK_OK = frozenset(
    {"id", "indicator", "value", "proxy", "source", "proxy_description", "proxy_source",
     "notes", "unit", "value_type", "bearer", "category", "marmot_objective", "area",
     "group", "outcome_group", "drop_off_from"}
)  # fmt: skip
"""Outcome columns whose blank cells mean "not given"."""

_INPUT_BLANK_OK = frozenset({"description", "area"})
"""Input columns whose blank cells mean "not given"."""

_OUTPUT_BLANK_OK = frozenset({"unit", "stakeholder", "area"})
"""Output columns whose blank cells mean "not given"."""


def _is_frame(value: Any) -> bool:
    """Whether ``value`` looks like a pandas DataFrame (without importing pandas)."""
    return hasattr(value, "to_dict") and hasattr(value, "columns")


def _frame_records(
    frame: Any,
    name: str,
    blank_ok: frozenset[str] | set[str],
    problems: list[Problem],
    *,
    zero_ok: frozenset[str] = frozenset(),
    defaulted: dict[str, list[int]] | None = None,
) -> list[dict[str, Any]] | None:
    """One mapping per row of ``frame``, or None (with the problems) if it cannot be read.

    A blank cell of a column in ``blank_ok`` is left out (the field's default); one in
    ``zero_ok`` is read as 0 and its row recorded in ``defaulted`` under its column.
    """
    if not _is_frame(frame):
        problems.append(
            Problem(
                name,
                f"must be a pandas DataFrame, not {kind_of(frame)}",
                frame,
                allowed=f"a pandas DataFrame, one row per {name[:-1]}",
            )
        )
        return None
    columns = list(frame.columns)
    bad = [c for c in columns if not isinstance(c, str)]
    twice = sorted({c for c in columns if isinstance(c, str) and columns.count(c) > 1})
    for column in bad:
        problems.append(
            Problem(f"{name}.columns", "a column name must be text", column, allowed="text")
        )
    for column in twice:
        problems.append(
            Problem(
                f"{name}.columns",
                f"has two columns named {show_value(column)}; each field is one column",
                column,
                allowed="column names given once each",
            )
        )
    if bad or twice:
        return None
    records = []
    for i, row in enumerate(frame.to_dict(orient="records")):
        record = {}
        for key, value in row.items():
            if hasattr(value, "item") and not isinstance(value, (str, bytes)):
                with suppress(TypeError, ValueError, AttributeError):
                    value = value.item()
            if key in blank_ok and _is_blank(value):
                continue
            if key in zero_ok and _is_blank(value):
                value = 0.0
                if defaulted is not None:
                    defaulted.setdefault(key, []).append(i)
            record[key] = value
        records.append(record)
    return records


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
    formats = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
    if p.suffix.lower() not in formats:
        raise ModelError(
            [Problem(p.name, "a model file must end in .yaml, .yml or .json", p.suffix or p.name)]
        )
    data = read_mapping(p, formats[p.suffix.lower()])
    try:
        return Model.from_dict(data)
    except ModelError as exc:
        raise ModelError(exc.problems, title=str(p)) from None
