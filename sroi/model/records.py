"""The model records: :class:`Model` and its :class:`Stakeholder`, :class:`Input`,
:class:`Output` and :class:`Outcome` records, and :func:`load_model`.

Every field is checked by a type of :mod:`sroi.model.fields` (the parsers of
:mod:`sroi.parsing`); checks across fields are each record's ``_rules``; every problem is
reported at once by :mod:`sroi.model.problems`.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

from pydantic import BeforeValidator, Field, PlainValidator, ValidationError, model_validator

from sroi.distributions import Uncertain
from sroi.errors import ModelError, Problem, SROIWarning
from sroi.io.yaml_json import read_json, read_mapping, read_yaml
from sroi.model.fields import (
    UNCERTAIN_FIELDS,
    Category,
    DiscountRateField,
    Fraction,
    InputKind,
    MarmotObjective,
    NonNegative,
    OptionalNumber,
    PriceYearField,
    Text,
    UncertainNonNegative,
    ValueType,
    YearsFromOne,
    YearsFromZero,
    check_bearer,
)
from sroi.model.problems import Record, model_error
from sroi.model.scenarios import check_scenarios, unknown_outcome_ids
from sroi.parsing import kind_of
from sroi.vocabulary import DEFAULT_DISCOUNT_RATE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DEDUCTIONS_WARNING_THRESHOLD",
    "Input",
    "Model",
    "Outcome",
    "Output",
    "Stakeholder",
    "load_model",
]

DEDUCTIONS_WARNING_THRESHOLD = 0.9
"""Combined deadweight, displacement and attribution above this share raise an SROIWarning."""


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
    """

    id: Text | None = Field(None, description="Stable id; default outcome_<n> by position.")
    stakeholder: Text = Field(description="Who experiences the change.")
    outcome: Text = Field(description="The change.")
    indicator: str = Field("", description="How the change is measured.")
    quantity: UncertainNonNegative = Field(
        description="How many units experience the change [>= 0]."
    )
    value: OptionalNumber = Field(
        None, description="Financial proxy [money per unit per year]; negative = disbenefit."
    )
    proxy: Text | None = Field(None, description="Id of a proxy in the proxy table.")
    duration: YearsFromOne = Field(description="Years the outcome lasts [whole, >= 1].")
    start_year: YearsFromOne = Field(1, description="First year with impact [whole, >= 1].")
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
        PlainValidator(check_scenarios, json_schema_input_type=dict[str, dict[str, Any]]),
    ] = Field(
        default_factory=dict,
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
                    )
                ]
            )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise model_error(exc, cls) from None

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
