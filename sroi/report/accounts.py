"""Social accounts: inputs, outputs, outcomes, value produced and costs saved, by area.

Housing associations publish *social accounts* (City West Housing Trust's are the usual
example): for each area of activity (money advice, young people, a community garden ...)
and for the organisation as a whole, what was put in, what was delivered, what changed and
what it was worth, whose costs it saved, and the ratio of value to inputs.
:func:`social_accounts` computes them from a :class:`~sroi.result.Result` alone, so they
always agree with the evaluation they come from.

Conventions
-----------
- Every money figure is in the result's currency and price year. Inputs are given twice:
  as spent (undiscounted) and at present value (discounted by the year they are spent, as
  the SROI ratio does).
- Inputs, outputs and outcomes that name no area are gathered in an account called
  ``"Other"``; if the model itself has an area of that name, ``"Other (no area given)"``,
  and if that is taken too, ``"Other (no area given) (2)"``, ``(3)`` ... The organisation's
  account is called ``"Organisation"``, or ``"Organisation (all areas)"`` (then ``(2)``
  ...) if an area has that name. Names are compared ignoring case, so every account's name
  differs from every other's. A model that names no areas at all has no area accounts:
  everything is in the organisation's account.
- *Value produced* is the present value of the area's outcomes; it is split by the outcome's
  value type (``fiscal``, ``economic``, ``social``, ``wellbeing``, ``environmental``, or
  ``"(not given)"``). *Costs saved* is the fiscal part, split between the agencies that
  save by each outcome's bearer shares (``DWP:0.94;NHS:0.06``), as
  :meth:`Result.breakdown("bearer") <sroi.result.Result.breakdown>` does for the whole model.
- An area's ratio is its value produced over the present value of its own inputs; ``None``,
  with the reason in ``ratio_reason``, when it has no inputs (or inputs worth nothing).
- The organisation's figures are the sums of the areas' figures (each the
  :func:`math.fsum` of the areas' figures), except its headline figures (value produced,
  investment, NPV and ratio), which are the evaluation's own, to the bit; the areas' value
  and investment add up to them within rounding (a few parts in 10^16).
- Every :class:`Figure` names the impact-map rows it came from: outcome ids and input
  positions (``inputs[0]`` is the model's first input).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from sroi import vocabulary
from sroi.engine import Headline, headline
from sroi.errors import ModelError
from sroi.formatting import describe_bearers
from sroi.valuation import Valuation

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from sroi.result import Result

__all__ = [
    "INPUT_KINDS",
    "NOT_GIVEN",
    "ORGANISATION",
    "OTHER",
    "Account",
    "Figure",
    "InputLine",
    "OutcomeLine",
    "OutputLine",
    "SocialAccounts",
    "social_accounts",
]

OTHER = "Other"
"""The account of inputs, outputs and outcomes that name no area."""

ORGANISATION = "Organisation"
"""The account of the whole organisation."""

NOT_GIVEN = "(not given)"
"""The label of outcomes whose value type or bearer is not given."""

INPUT_KINDS: tuple[tuple[str, str], ...] = tuple(vocabulary.INPUT_KINDS.items())
"""The kinds of input, as ``(kind, label)`` pairs, in the order the accounts list them."""


# --------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Figure:
    """A money figure and the impact-map rows it came from.

    Attributes
    ----------
    label : str
        What the figure is (``"wellbeing"``, ``"NHS"``, ``"Cash"``, ``"Value produced"``).
    amount : float
        The figure [money, the result's currency and price year].
    outcomes : tuple of str
        The ids of the outcomes it adds up, in impact-map order.
    inputs : tuple of int
        The positions (from 0) of the inputs it adds up.
    """

    label: str
    amount: float
    outcomes: tuple[str, ...] = ()
    inputs: tuple[int, ...] = ()

    @property
    def rows(self) -> tuple[str, ...]:
        """The rows as text: ``inputs[0]`` for an input, the id for an outcome."""
        return (*(f"inputs[{i}]" for i in self.inputs), *self.outcomes)

    def __float__(self) -> float:
        return float(self.amount)


@dataclass(frozen=True)
class InputLine:
    """One input, as the accounts show it.

    Attributes
    ----------
    index : int
        Its position in the model's inputs (from 0).
    stakeholder, description : str
        Who put it in and what it is.
    kind : str
        ``cash``, ``staff_time``, ``volunteer_time`` or ``in_kind``.
    year : int
        The year it is spent [years].
    amount : float
        As spent, in the result's prices [money].
    present_value : float
        Discounted to year 0 [money].
    area : str or None
        The area the model gives it.
    """

    index: int
    stakeholder: str
    description: str
    kind: str
    year: int
    amount: float
    present_value: float
    area: str | None


@dataclass(frozen=True)
class OutputLine:
    """One output delivered (a count: recorded, not valued).

    Attributes
    ----------
    index : int
        Its position in the model's outputs (from 0).
    description : str
    quantity : float
        [count]
    unit : str
    stakeholder : str or None
    area : str or None
    """

    index: int
    description: str
    quantity: float
    unit: str
    stakeholder: str | None
    area: str | None


@dataclass(frozen=True)
class OutcomeLine:
    """One outcome, as the accounts show it.

    Attributes
    ----------
    index : int
        Its position in the model's outcomes (from 0).
    id, stakeholder, outcome, indicator : str
    quantity : float
        [count of ``unit``]
    unit : str or None
    value_type : str
        Its value type, or ``"(not given)"``.
    bearer_split : tuple of (str, float)
        Who gains, with shares adding up to 1; ``(("(not given)", 1.0),)`` if unnamed.
    present_value : float
        [money]
    area : str or None
    """

    index: int
    id: str
    stakeholder: str
    outcome: str
    indicator: str
    quantity: float
    unit: str | None
    value_type: str
    bearer_split: tuple[tuple[str, float], ...]
    present_value: float
    area: str | None

    @property
    def bearer_text(self) -> str:
        """``"DWP 94% / NHS 6%"``; the agency alone when it takes everything."""
        return describe_bearers(self.bearer_split)


@dataclass(frozen=True)
class Account:
    """The social account of one area, of ``"Other"``, or of the organisation.

    Attributes
    ----------
    name : str
        The area's name, ``"Other"`` or ``"Organisation"``.
    kind : {"area", "other", "organisation"}
    note : str
        What the account holds, when that needs saying (``"Other"``), else ``""``.
    inputs, outputs, outcomes : tuple
        Its :class:`InputLine`, :class:`OutputLine` and :class:`OutcomeLine` rows.
    input_amounts : tuple of Figure
        Inputs as spent, one figure per kind (:data:`INPUT_KINDS` order) [money].
    input_present_values : tuple of Figure
        Inputs at present value, one figure per kind [money].
    input_amount : Figure
        All inputs as spent [money].
    investment : Figure
        All inputs at present value: the denominator of the ratio [money].
    value_by_type : tuple of Figure
        Value produced by value type, one figure per type the model uses [money].
    present_value : Figure
        Value produced: the present value of its outcomes [money].
    costs_saved : Figure
        The fiscal part of the value produced [money].
    costs_saved_by_bearer : tuple of Figure
        The costs saved split between the agencies that save, largest first [money].
    ratio : float or None
        ``present_value / investment`` [money per unit invested]; ``None`` when the account
        has no inputs worth anything.
    ratio_reason : str
        Why there is no ratio (``""`` when there is one).
    """

    name: str
    kind: Literal["area", "other", "organisation"]
    note: str
    inputs: tuple[InputLine, ...]
    outputs: tuple[OutputLine, ...]
    outcomes: tuple[OutcomeLine, ...]
    input_amounts: tuple[Figure, ...]
    input_present_values: tuple[Figure, ...]
    input_amount: Figure
    investment: Figure
    value_by_type: tuple[Figure, ...]
    present_value: Figure
    costs_saved: Figure
    costs_saved_by_bearer: tuple[Figure, ...]
    ratio: float | None
    ratio_reason: str

    @property
    def npv(self) -> float:
        """Value produced less inputs at present value [money] (the engine's NPV)."""
        return Headline(self.present_value.amount, self.investment.amount).npv

    def value_of_type(self, value_type: str) -> Figure:
        """The value produced of one value type (a zero figure if there is none)."""
        return _find(self.value_by_type, value_type)

    def saved_by(self, bearer: str) -> Figure:
        """The costs saved by one agency (a zero figure if it saves nothing here)."""
        return _find(self.costs_saved_by_bearer, bearer)


@dataclass(frozen=True)
class SocialAccounts:
    """Social accounts: one :class:`Account` per area, and the organisation's.

    Attributes
    ----------
    name : str
        The model's name.
    currency : str
        The currency of every figure.
    price_year : int, str or None
        The price year of every figure.
    areas : tuple of Account
        One per area, in order of first mention, then ``"Other"`` if anything names no
        area; empty when the model names no areas.
    organisation : Account
        The whole organisation: the sum of the areas.
    value_types : tuple of str
        The value types used, in the order the accounts list them.
    notes : tuple of str
        What a reader should know about how the accounts were drawn up.
    """

    name: str
    currency: str
    price_year: int | str | None
    areas: tuple[Account, ...]
    organisation: Account
    value_types: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def accounts(self) -> tuple[Account, ...]:
        """The areas' accounts, then the organisation's."""
        return (*self.areas, self.organisation)

    def area(self, name: str) -> Account:
        """The account of the area called ``name``.

        Raises
        ------
        KeyError
            If there is no such area (the message lists the areas).
        """
        for account in self.areas:
            if account.name == name:
                return account
        raise KeyError(f"no area {name!r}; areas: {', '.join(a.name for a in self.areas)}")

    def summary(self) -> pd.DataFrame:
        """One row per account (areas, then the organisation).

        Columns ``account``, ``inputs`` (as spent), ``investment`` (inputs at present
        value), ``present_value`` (value produced), ``costs_saved``, ``npv`` [money] and
        ``ratio`` (NaN where an account has none).
        """
        import pandas as pd

        return pd.DataFrame(
            {
                "account": [a.name for a in self.accounts],
                "inputs": [a.input_amount.amount for a in self.accounts],
                "investment": [a.investment.amount for a in self.accounts],
                "present_value": [a.present_value.amount for a in self.accounts],
                "costs_saved": [a.costs_saved.amount for a in self.accounts],
                "npv": [a.npv for a in self.accounts],
                "ratio": [math.nan if a.ratio is None else a.ratio for a in self.accounts],
            }
        )


# --------------------------------------------------------------------------------------
# Arithmetic


def _find(figures: Iterable[Figure], label: str) -> Figure:
    for figure in figures:
        if figure.label == label:
            return figure
    return Figure(label, 0.0)


def _figure(label: str, parts: Sequence[tuple[float, str | None, int | None]]) -> Figure:
    """Add up ``(amount, outcome id, input index)`` parts into one traced figure."""
    outcomes = tuple(dict.fromkeys(oid for _, oid, _ in parts if oid is not None))
    inputs = tuple(sorted({i for _, _, i in parts if i is not None}))
    return Figure(label, math.fsum(a for a, _, _ in parts), outcomes, inputs)


def _combined(label: str, figures: Sequence[Figure], order: Sequence[str] = ()) -> Figure:
    """The sum of figures (from several accounts), with the union of their rows."""
    outcomes = tuple(dict.fromkeys(oid for f in figures for oid in f.outcomes))
    if order:
        rank = {oid: i for i, oid in enumerate(order)}
        outcomes = tuple(sorted(outcomes, key=rank.__getitem__))
    inputs = tuple(sorted({i for f in figures for i in f.inputs}))
    return Figure(label, math.fsum(f.amount for f in figures), outcomes, inputs)


def _ratio(present_value: float, investment: float, inputs: int) -> tuple[float | None, str]:
    if inputs == 0:
        return None, (
            "no inputs are assigned to this area, so it has no ratio of its own; its value "
            "counts in the organisation's ratio"
        )
    if not investment > 0:
        return None, "its inputs are worth nothing, so a ratio has no denominator"
    try:
        return headline(present_value, investment).ratio, ""
    except ModelError as exc:  # a ratio too large for a float
        return None, exc.problems[0].message


def _account(
    name: str,
    kind: Literal["area", "other", "organisation"],
    note: str,
    inputs: Sequence[InputLine],
    outputs: Sequence[OutputLine],
    outcomes: Sequence[OutcomeLine],
    value_types: Sequence[str],
) -> Account:
    input_amounts = tuple(
        _figure(label, [(x.amount, None, x.index) for x in inputs if x.kind == k])
        for k, label in INPUT_KINDS
    )
    input_pvs = tuple(
        _figure(label, [(x.present_value, None, x.index) for x in inputs if x.kind == k])
        for k, label in INPUT_KINDS
    )
    by_type = tuple(
        _figure(t, [(o.present_value, o.id, None) for o in outcomes if o.value_type == t])
        for t in value_types
    )
    fiscal = [o for o in outcomes if o.value_type == "fiscal"]
    bearers = dict.fromkeys(agency for o in fiscal for agency, _ in o.bearer_split)
    by_bearer = tuple(
        _figure(
            agency,
            [
                (o.present_value * share, o.id, None)
                for o in fiscal
                for who, share in o.bearer_split
                if who == agency
            ],
        )
        for agency in bearers
    )
    present_value = _figure("Value produced", [(o.present_value, o.id, None) for o in outcomes])
    investment = _figure(
        "Inputs (present value)", [(x.present_value, None, x.index) for x in inputs]
    )
    ratio, reason = _ratio(present_value.amount, investment.amount, len(inputs))
    return Account(
        name=name,
        kind=kind,
        note=note,
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        outcomes=tuple(outcomes),
        input_amounts=input_amounts,
        input_present_values=input_pvs,
        input_amount=_figure("Inputs (as spent)", [(x.amount, None, x.index) for x in inputs]),
        investment=investment,
        value_by_type=by_type,
        present_value=present_value,
        costs_saved=_figure("Costs saved", [(o.present_value, o.id, None) for o in fiscal]),
        costs_saved_by_bearer=_largest_first(by_bearer),
        ratio=ratio,
        ratio_reason=reason,
    )


def _unused_name(wanted: Sequence[str], taken: Iterable[str]) -> str:
    """The first of ``wanted`` that is not in ``taken`` (ignoring case), else the last
    numbered `` (2)``, `` (3)`` ... until it is not.

    Examples
    --------
    >>> _unused_name(["Other", "Other (no area given)"], ["Garden"])
    'Other'
    >>> _unused_name(["Other", "Other (no area given)"], ["other", "Other (no area given)"])
    'Other (no area given) (2)'
    """
    used = {t.casefold() for t in taken}
    for name in wanted:
        if name.casefold() not in used:
            return name
    n = 2
    while f"{wanted[-1]} ({n})".casefold() in used:
        n += 1
    return f"{wanted[-1]} ({n})"


def _largest_first(figures: Iterable[Figure]) -> tuple[Figure, ...]:
    return tuple(sorted(figures, key=lambda f: -f.amount))


def _organisation(
    areas: Sequence[Account], order: Sequence[str], result: Result, name: str
) -> Account:
    """The organisation's account: the sum of the areas' figures, its headline figures
    (value produced, investment, NPV, ratio) the engine's own."""

    def by_label(pick) -> tuple[Figure, ...]:
        labels = dict.fromkeys(f.label for a in areas for f in pick(a))
        return tuple(
            _combined(label, [_find(pick(a), label) for a in areas], order) for label in labels
        )

    def total(pick) -> Figure:
        figures = [pick(a) for a in areas]
        return _combined(figures[0].label, figures, order)

    present_value = total(lambda a: a.present_value)
    investment = total(lambda a: a.investment)
    inputs = tuple(sorted((x for a in areas for x in a.inputs), key=lambda x: x.index))
    account = Account(
        name=name,
        kind="organisation",
        note="The sum of the areas.",
        inputs=inputs,
        outputs=tuple(sorted((x for a in areas for x in a.outputs), key=lambda x: x.index)),
        outcomes=tuple(sorted((x for a in areas for x in a.outcomes), key=lambda x: x.index)),
        input_amounts=by_label(lambda a: a.input_amounts),
        input_present_values=by_label(lambda a: a.input_present_values),
        input_amount=total(lambda a: a.input_amount),
        investment=investment,
        value_by_type=by_label(lambda a: a.value_by_type),
        present_value=present_value,
        costs_saved=total(lambda a: a.costs_saved),
        costs_saved_by_bearer=_largest_first(by_label(lambda a: a.costs_saved_by_bearer)),
        ratio=None,
        ratio_reason="",
    )
    return _the_evaluations_figures(account, result)


def _the_evaluations_figures(account: Account, result: Result) -> Account:
    """The organisation's account with the evaluation's own headline figures (the sums of
    its rows can differ from the engine's in the last bit)."""
    return replace(
        account,
        present_value=replace(account.present_value, amount=result.present_value),
        investment=replace(account.investment, amount=result.total_investment),
        ratio=result.ratio,
        ratio_reason="",
    )


def _lines(result: Result) -> tuple[list[InputLine], list[OutputLine], list[OutcomeLine]]:
    m, c = result.model, result.computation
    inputs = [
        InputLine(
            index=i,
            stakeholder=x.stakeholder,
            description=x.description,
            kind=x.kind,
            year=x.year,
            amount=float(c.input_amounts[i]),
            present_value=float(c.present_value_by_input[i]),
            area=x.area,
        )
        for i, x in enumerate(m.inputs)
    ]
    outputs = [
        OutputLine(i, o.description, float(o.quantity), o.unit, o.stakeholder, o.area)
        for i, o in enumerate(m.outputs)
    ]
    vals = result.valuations or tuple(Valuation(value=v) for v in c.outcomes.value)
    pv = c.present_value_by_outcome
    outcomes = [
        OutcomeLine(
            index=i,
            id=oid,
            stakeholder=o.stakeholder,
            outcome=o.outcome,
            indicator=o.indicator,
            quantity=float(o.quantity),
            unit=o.unit,
            value_type=v.value_type or NOT_GIVEN,
            bearer_split=v.bearer_split or ((NOT_GIVEN, 1.0),),
            present_value=float(pv[i]),
            area=o.area,
        )
        for i, (oid, o, v) in enumerate(zip(m.outcome_ids, m.outcomes, vals, strict=True))
    ]
    return inputs, outputs, outcomes


def social_accounts(result: Result) -> SocialAccounts:
    """Draw up social accounts, by area and for the organisation, from an evaluation.

    Parameters
    ----------
    result : Result
        An evaluated model (:func:`sroi.evaluate`). Areas come from the ``area`` of its
        inputs, outputs and outcomes.

    Returns
    -------
    SocialAccounts

    Examples
    --------
    Two areas. Money advice: £10,000 of cash; 20 households each save the council £500 a
    year (fiscal, one year). Garden: £2,000 of cash and £1,000 of volunteer time; 10 people
    gain £400 of wellbeing each (one year). Discounting at 0 % keeps the arithmetic plain.

    >>> import sroi
    >>> from sroi.report import social_accounts
    >>> result = sroi.evaluate({"name": "Estate", "discount_rate": 0,
    ...     "inputs": [
    ...         {"stakeholder": "HA", "amount": 10_000, "area": "Advice"},
    ...         {"stakeholder": "HA", "amount": 2_000, "area": "Garden"},
    ...         {"stakeholder": "Volunteers", "amount": 1_000, "area": "Garden",
    ...          "kind": "volunteer_time"}],
    ...     "outcomes": [
    ...         {"id": "arrears", "stakeholder": "Council", "outcome": "Fewer evictions",
    ...          "quantity": 20, "value": 500, "duration": 1, "area": "Advice",
    ...          "value_type": "fiscal", "bearer": "Local authority"},
    ...         {"id": "wellbeing", "stakeholder": "Gardeners", "outcome": "Wellbeing",
    ...          "quantity": 10, "value": 400, "duration": 1, "area": "Garden",
    ...          "value_type": "wellbeing"}]})
    >>> accounts = social_accounts(result)
    >>> [(a.name, a.present_value.amount, a.investment.amount) for a in accounts.areas]
    [('Advice', 10000.0, 10000.0), ('Garden', 4000.0, 3000.0)]
    >>> garden = accounts.area("Garden")
    >>> round(garden.ratio, 4), garden.present_value.outcomes, garden.investment.rows
    (1.3333, ('wellbeing',), ('inputs[1]', 'inputs[2]'))
    >>> accounts.organisation.saved_by("Local authority").amount
    10000.0
    >>> round(accounts.organisation.ratio, 4) == round(result.ratio, 4)
    True
    """
    m = result.model
    inputs, outputs, outcomes = _lines(result)
    used = {o.value_type for o in outcomes}
    order = (*(t for t in vocabulary.VALUE_TYPES if t != "fiscal"), "fiscal", NOT_GIVEN)
    value_types = tuple(t for t in order if t in used)
    names = m.areas
    notes = [
        "Figures are in "
        + result.currency
        + (f" at {result.price_year} prices" if result.price_year else "")
        + "; inputs are shown as spent and at present value, outcomes at present value.",
        "Costs saved are the fiscal part of the value produced, split between the agencies "
        "that save by each outcome's bearer shares.",
    ]
    if not names:
        organisation = _account(
            ORGANISATION,
            "organisation",
            "The model names no areas, so there is one account, for the whole organisation.",
            inputs,
            outputs,
            outcomes,
            value_types,
        )
        organisation = _the_evaluations_figures(organisation, result)
        notes.append(organisation.note)
        return SocialAccounts(
            m.name, result.currency, result.price_year, (), organisation, value_types, tuple(notes)
        )

    accounts = [
        _account(
            name,
            "area",
            "",
            [x for x in inputs if x.area == name],
            [x for x in outputs if x.area == name],
            [x for x in outcomes if x.area == name],
            value_types,
        )
        for name in names
    ]
    loose = (
        [x for x in inputs if not x.area],
        [x for x in outputs if not x.area],
        [x for x in outcomes if not x.area],
    )
    if any(loose):
        other = _unused_name([OTHER, f"{OTHER} (no area given)"], names)
        note = f"Inputs, outputs and outcomes that name no area are gathered under {other!r}."
        accounts.append(_account(other, "other", note, *loose, value_types))
        notes.append(note)
    organisation = _organisation(
        accounts,
        m.outcome_ids,
        result,
        _unused_name([ORGANISATION, f"{ORGANISATION} (all areas)"], [a.name for a in accounts]),
    )
    notes.append(
        "The organisation's figures are the sums of the areas' figures; rounded figures may "
        "differ from the sum of the rounded area figures by a penny."
    )
    return SocialAccounts(
        m.name,
        result.currency,
        result.price_year,
        tuple(accounts),
        organisation,
        value_types,
        tuple(notes),
    )
