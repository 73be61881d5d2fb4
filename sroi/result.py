"""The result of an evaluation: headline figures, the year table and the impact map.

:class:`Result` is frozen. Its tables are tidy pandas DataFrames, built afresh on each
access (so changing one never changes the result); ``to_dict()`` gives everything as
JSON-ready data stamped with the library version and every parameter used; ``str()`` is
a readable summary and ``_repr_html_`` shows the same in a notebook.
"""

from __future__ import annotations

import html
import math
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi import who_benefits
from sroi._version import __version__
from sroi.adjustments import DiscountRate
from sroi.adjustments.equity import ELASTICITY
from sroi.conventions import DEFAULT
from sroi.double_counting import NotCounted
from sroi.engine import Computation
from sroi.errors import ModelError, Problem, SROIWarning
from sroi.formatting import CURRENCY_SYMBOLS as CURRENCY_SYMBOLS
from sroi.formatting import discount_rate_json as _json_rate
from sroi.formatting import discount_rate_text as _rate_text
from sroi.formatting import discounted_payback_text, payback_text
from sroi.formatting import money as _money
from sroi.model import Model
from sroi.parsing import format_bearer_split
from sroi.proxies.catalogue import ProxyTable
from sroi.valuation import Valuation
from sroi.vocabulary import MARMOT_OBJECTIVES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["CONVENTIONS", "Result"]

CONVENTIONS = DEFAULT.describe()
"""The default computation conventions in words (``docs/method.md``); every ``to_dict()``
records those its evaluation used."""


def _plain(value: Any, where: str = "result") -> Any:
    """numpy scalars to Python; NaN/inf never reach the output (a located ModelError)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise ModelError(
            [Problem(where, "is not a finite number, so it cannot be published", repr(value))]
        )
    return value


def _yearly_text(value: Any, show: Any) -> str:
    """A figure as text; one given year by year as its first and last years' values."""
    if isinstance(value, (tuple, list)):
        return f"{show(float(value[0]))}..{show(float(value[-1]))}"
    return show(float(value))


@dataclass(frozen=True)
class Result:
    """The figures of one SROI evaluation.

    Attributes
    ----------
    model : Model
        The model evaluated.
    computation : Computation
        The engine's arrays (impact by outcome and year, discount factors, inputs).
    discount_rate : float, str or tuple of float
        The discount rate or schedule used.
    discount_rate_from : {"model", "argument"}
        Whether the rate is the model's own or was given to :func:`sroi.evaluate`.
    valuations : tuple of Valuation
        How each outcome was valued (its proxy, price index and unit factor).
    proxy_table : ProxyTable or None
        The proxy table used, when an outcome named a proxy.
    deflator : str
        The GDP deflator series used for proxies' price years.
    price_year : int, str or None
        The price year of every figure (the model's own unless another was asked for).
    price_index : float
        The factor that moved the model's own amounts to ``price_year`` [ratio]; 1 if none.
    warnings : tuple of SROIWarning
        The warnings the evaluation gave (input that is legal but suspicious), each with
        its ``location`` and ``message``; also in ``to_dict()["warnings"]``.
    double_counting : {"warn", "highest"}
        What was done with outcomes valuing the same change (:mod:`sroi.double_counting`).
    not_counted : tuple of NotCounted
        The outcomes the rule "count only the highest" left out (valued at 0).
    median_income : float or None
        The median income given for distributional weights [money / year].
    optimism_bias : OptimismBias or None
        The optimism-bias percentages given (:attr:`optimism_adjusted`).
    """

    model: Model
    computation: Computation = field(repr=False)
    discount_rate: DiscountRate
    discount_rate_from: str = "model"
    valuations: tuple[Valuation, ...] = field(default=(), repr=False)
    proxy_table: ProxyTable | None = field(default=None, repr=False)
    deflator: str = "hmt"
    price_year: int | str | None = None
    price_index: float = 1.0
    warnings: tuple[SROIWarning, ...] = field(default=(), repr=False, compare=False)
    double_counting: str = "warn"
    not_counted: tuple[NotCounted, ...] = field(default=(), repr=False)
    median_income: float | None = None
    optimism_bias: who_benefits.OptimismBias | None = None

    BREAKDOWNS = (
        "stakeholder",
        "outcome",
        "group",
        "area",
        "value_type",
        "bearer",
        "category",
        "marmot_objective",
    )
    """The groupings :meth:`breakdown` offers."""

    # ------------------------------------------------------------------ headline figures

    @property
    def currency(self) -> str:
        """The currency of every figure."""
        return self.model.currency

    @property
    def present_value(self) -> float:
        """Present value of all outcomes [money]."""
        return self.computation.figures.present_value

    @property
    def total_investment(self) -> float:
        """Present value of the inputs [money]."""
        return self.computation.figures.total_investment

    @property
    def npv(self) -> float:
        """Net present value: ``present_value - total_investment`` [money]."""
        return self.computation.figures.npv

    @property
    def ratio(self) -> float:
        """The SROI ratio: ``present_value / total_investment`` [money per unit invested]."""
        return self.computation.figures.ratio

    @property
    def net_ratio(self) -> float:
        """The net SROI ratio: ``npv / total_investment`` [money per unit invested]."""
        return self.computation.figures.net_ratio

    @property
    def payback_months(self) -> float | None:
        """The SROI Guide's payback period [months]: the investment over the monthly impact
        of :attr:`payback_year`; ``None`` when the model does not pay back."""
        return self.computation.payback_months

    @property
    def payback_year(self) -> int | None:
        """The year whose undiscounted impact :attr:`payback_months` assumes goes on: the
        first with a total impact above zero [year]."""
        return self.computation.payback_year

    @property
    def discounted_payback_years(self) -> float | None:
        """When the cumulative discounted net value turns non-negative for good [years];
        ``None`` when the model does not pay back (its NPV is negative)."""
        return self.computation.discounted_payback_years

    @property
    def horizon(self) -> int:
        """The last year with an outcome or an input [years]."""
        return int(self.computation.years[-1])

    # ------------------------------------------------------------------ the contract

    @property
    def contract_value(self) -> float | None:
        """The price of the contract [money, in the result's price year]: the model's
        ``contract_value`` (moved to :attr:`price_year` like its other amounts); ``None``
        when the model gives none. It is a price, not discounted."""
        given = self.model.contract_value
        return None if given is None else given * self.price_index

    @property
    def share_of_contract(self) -> float | None:
        """Social value as a share of the contract's value: ``present_value /
        contract_value`` [fraction]; ``None`` without a contract value above 0.

        Where the SROI ratio divides by what the offer costs the supplier, this divides by
        what the commissioner pays: a bid offering £150,000 of social value on a
        £1,000,000 contract offers 15 % of the contract's value (and £0.15 per £1 of
        contract, :attr:`value_per_contract_pound`: the same figure read as money).

        Examples
        --------
        >>> import sroi
        >>> r = sroi.evaluate({"name": "Bid", "contract_value": 1_000_000, "discount_rate": 0,
        ...     "inputs": [{"stakeholder": "Supplier", "amount": 50_000}],
        ...     "outcomes": [{"stakeholder": "Residents", "outcome": "Into work",
        ...                   "quantity": 15, "value": 10_000, "duration": 1}]})
        >>> r.share_of_contract, r.value_per_contract_pound, r.ratio
        (0.15, 0.15, 3.0)
        """
        contract = self.contract_value
        if not contract:
            return None
        share = self.present_value / contract
        return share if math.isfinite(share) else None

    @property
    def value_per_contract_pound(self) -> float | None:
        """Social value per unit of contract value [money per unit of contract]: the
        figure of :attr:`share_of_contract`, read as money (£0.15 per £1 of contract);
        ``None`` without a contract value above 0."""
        return self.share_of_contract

    @property
    def transfer_present_value(self) -> float:
        """The part of the present value that is transfer payments (benefits paid from one
        party to another), not resources saved [money].

        Each proxy-valued outcome's present value times its proxy's ``transfer_share`` (the
        share of the proxy's value the proxy table marks as a transfer; 0 where it says
        none or does not say). Reported beside :attr:`present_value`, never taken from it.

        Examples
        --------
        >>> import sroi
        >>> r = sroi.evaluate({"name": "x", "price_year": "2012/13",
        ...     "inputs": [{"stakeholder": "Council", "amount": 10_000}],
        ...     "outcomes": [{"stakeholder": "Residents", "outcome": "Into work",
        ...                   "quantity": 1, "duration": 1, "proxy": "ucd_ee1_0_fiscal"}]})
        >>> # £9,800 at 2012/13 prices, of which 94.22 % is benefit payments saved
        >>> round(r.transfer_present_value, 2), round(r.present_value * 0.9422, 2)
        (8921.31, 8921.31)
        """
        pv = self.computation.present_value_by_outcome
        return float(
            sum(
                float(pv[i]) * (getattr(v.proxy, "transfer_share", None) or 0.0)
                for i, v in enumerate(self.valuations)
                if v.proxy is not None
            )
        )

    def _transfer_figures(self) -> dict[str, float]:
        """Transfers beside the present value for ``to_dict()["results"]``: empty with none."""
        transfers = self.transfer_present_value
        if not transfers:
            return {}
        return {
            "transfer_present_value": transfers,
            "resource_present_value": self.present_value - transfers,
        }

    def _contract_figures(self) -> dict[str, float | None]:
        """The contract's figures for ``to_dict()["results"]``: empty without one."""
        if self.contract_value is None:
            return {}
        return {
            "contract_value": self.contract_value,
            "share_of_contract": self.share_of_contract,
            "value_per_contract_pound": self.value_per_contract_pound,
        }

    def headline(self) -> dict[str, float | None]:
        """The headline figures as a plain mapping."""
        return {
            "present_value": self.present_value,
            "total_investment": self.total_investment,
            "npv": self.npv,
            "ratio": self.ratio,
            "net_ratio": self.net_ratio,
            "payback_months": self.payback_months,
            "discounted_payback_years": self.discounted_payback_years,
        }

    # ------------------------------------------------------------------ tables

    @property
    def by_year(self) -> pd.DataFrame:
        """One row per year (0 .. horizon).

        Columns: ``year``; ``impact`` (undiscounted, all outcomes); ``discount_factor``;
        ``present_value``; ``cumulative_present_value``; ``investment`` (undiscounted
        inputs of the year); ``investment_present_value``; ``cumulative_net_present_value``
        (cumulative present value less cumulative discounted investment).
        """
        import pandas as pd

        c = self.computation
        pv = c.present_value_by_year
        return pd.DataFrame(
            {
                "year": c.years,
                "impact": c.impact_by_year,
                "discount_factor": c.discount_factor,
                "present_value": pv,
                "cumulative_present_value": np.cumsum(pv),
                "investment": c.investment_by_year,
                "investment_present_value": c.investment_present_value_by_year,
                "cumulative_net_present_value": c.cumulative_net_value_by_year,
            }
        )

    @property
    def by_outcome(self) -> pd.DataFrame:
        """The impact map: one row per outcome, one column per step.

        Columns: ``id``, ``stakeholder``, ``outcome``, ``indicator``, ``quantity``,
        ``value`` (the financial proxy per unit per year, in the model's prices), ``proxy``
        and, for a proxy, ``proxy_value``, ``proxy_unit`` and ``proxy_price_year`` as
        published with the ``price_index`` and ``unit_factor`` that turned it into
        ``value``; ``value_type``, ``bearer``, ``category``, ``marmot_objective``; ``start_year``,
        ``duration``, the four deductions, then the steps ``gross`` (quantity x value, a
        year), ``after_deadweight``, ``after_displacement``, ``after_attribution`` (the
        first-year impact), ``total_impact`` (undiscounted over the outcome's life, after
        drop-off), ``present_value`` and ``share_of_present_value``; ``area``, ``group``
        and ``outcome_group`` as the outcome gives them; ``counted``, False for an outcome
        the rule "count only the highest" left out (its value is then 0).
        """
        import pandas as pd

        m, c = self.model, self.computation
        vals = self.valuations or tuple(Valuation(value=v) for v in c.outcomes.value)
        pv = c.present_value_by_outcome
        total = pv.sum()
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            share = pv / total if total != 0 else np.full_like(pv, np.nan)
        # values that nearly cancel can make a share overflow: no share then, never inf
        share = np.where(np.isfinite(share), share, np.nan)
        return pd.DataFrame(
            {
                "id": list(m.outcome_ids),
                "stakeholder": [o.stakeholder for o in m.outcomes],
                "outcome": [o.outcome for o in m.outcomes],
                "indicator": [o.indicator for o in m.outcomes],
                "quantity": [o.quantity for o in m.outcomes],
                "value": c.outcomes.value,
                "proxy": [o.proxy for o in m.outcomes],
                "proxy_value": [v.proxy.value if v.proxy else np.nan for v in vals],
                "proxy_unit": [v.proxy.unit if v.proxy else None for v in vals],
                "proxy_price_year": [
                    str(v.proxy.price_year) if v.proxy and v.proxy.price_year else None
                    for v in vals
                ],
                "price_index": [v.price_index for v in vals],
                "unit_factor": [v.unit_factor for v in vals],
                "value_type": [v.value_type for v in vals],
                "bearer": [format_bearer_split(v.bearer_split) or None for v in vals],
                "category": [v.category for v in vals],
                "marmot_objective": [v.marmot_objective for v in vals],
                "start_year": [o.start_year for o in m.outcomes],
                "duration": [o.duration for o in m.outcomes],
                "deadweight": [o.deadweight for o in m.outcomes],
                "displacement": [o.displacement for o in m.outcomes],
                "attribution": [o.attribution for o in m.outcomes],
                "leakage": [o.leakage for o in m.outcomes],
                "drop_off": [o.drop_off for o in m.outcomes],
                "area": [o.area for o in m.outcomes],
                "group": [o.group for o in m.outcomes],
                "outcome_group": [o.outcome_group for o in m.outcomes],
                "counted": [i not in {n.index for n in self.not_counted} for i in range(len(pv))],
                "gross": c.gross,
                "after_deadweight": c.after_deadweight,
                "after_displacement": c.after_displacement,
                "after_attribution": c.after_attribution,
                "after_leakage": c.after_attribution
                if c.after_leakage is None
                else c.after_leakage,
                "total_impact": c.impact.sum(axis=1),
                "present_value": pv,
                "share_of_present_value": share,
            }
        )

    @property
    def outputs(self) -> pd.DataFrame:
        """The outputs delivered (recorded, not valued), one row each."""
        import pandas as pd

        rows = [o.model_dump() for o in self.model.outputs]
        return pd.DataFrame(rows, columns=["description", "quantity", "unit", "stakeholder"])

    def breakdown(self, by: str = "stakeholder") -> pd.DataFrame:
        """Present value by group, with each group's share of the total.

        Parameters
        ----------
        by : {"stakeholder", "outcome", "group", "area", "value_type", "bearer", "category", \
"marmot_objective"}
            The grouping. ``group`` is the beneficiary group each outcome reaches, with the
            model's ``priority`` and ``income`` for it. ``bearer`` splits each outcome's
            present value between the agencies that gain, by the proxy's (or outcome's)
            shares, so the fiscal saving of a JSA claimant entering work lands 94 % with DWP
            and 6 % with the NHS. Outcomes that do not say are grouped as
            ``"(not given)"``.

        Returns
        -------
        pandas.DataFrame
            Columns ``by``, ``present_value`` [money] and ``share`` [fraction], largest
            first; ``marmot_objective`` adds the objective's ``wording``, ``group`` the
            group's ``priority`` and ``income``. The present values always add up to
            :attr:`present_value`.

        Examples
        --------
        >>> import sroi
        >>> r = sroi.evaluate({"name": "x", "price_year": "2012/13",
        ...     "inputs": [{"stakeholder": "Council", "amount": 10_000}],
        ...     "outcomes": [{"stakeholder": "Residents", "outcome": "Into work",
        ...                   "quantity": 1, "duration": 1,
        ...                   "proxy": "ucd_ee1_0_fiscal"}]})
        >>> r.breakdown("bearer").round(2).to_dict("list")
        {'bearer': ['DWP', 'NHS'], 'present_value': [8921.31, 547.29], 'share': [0.94, 0.06]}
        """
        import pandas as pd

        if by not in self.BREAKDOWNS:
            from sroi.errors import ModelError, Problem

            raise ModelError(
                [Problem("by", "must be one of " + ", ".join(map(repr, self.BREAKDOWNS)), by)]
            )
        m = self.model
        pv = self.computation.present_value_by_outcome
        vals = self.valuations or tuple(Valuation(value=v) for v in self.computation.outcomes.value)
        missing = "(not given)"
        labels: list[str] = []
        amounts: list[float] = []
        for i, (outcome, v) in enumerate(zip(m.outcomes, vals, strict=True)):
            if by == "bearer":
                for agency, share in v.bearer_split or ((missing, 1.0),):
                    labels.append(agency)
                    amounts.append(pv[i] * share)
                continue
            label = {
                "stakeholder": outcome.stakeholder,
                "outcome": m.outcome_ids[i],
                "group": outcome.group,
                "area": outcome.area,
                "value_type": v.value_type,
                "category": v.category,
                "marmot_objective": v.marmot_objective,
            }[by]
            labels.append(label or missing)
            amounts.append(pv[i])
        frame = (
            pd.DataFrame({by: labels, "present_value": amounts})
            .groupby(by, sort=False, as_index=False)["present_value"]
            .sum()
        )
        total = self.present_value
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            share = frame["present_value"] / total if total != 0 else np.nan
        frame["share"] = np.where(np.isfinite(share), share, np.nan)
        if by == "marmot_objective":
            frame["wording"] = frame[by].map(lambda k: MARMOT_OBJECTIVES.get(k, ""))
        if by == "group":
            frame = who_benefits.group_columns(self, frame)
        return frame.sort_values("present_value", ascending=False, kind="stable").reset_index(
            drop=True
        )

    # ------------------------------------------------------------------ who benefits

    @property
    def priority_share(self) -> float | None:
        """The share of the present value reaching the groups the model marks ``priority``
        [fraction]; ``None`` when no group is a priority.

        Examples
        --------
        >>> import sroi
        >>> r = sroi.evaluate({"name": "x", "discount_rate": 0,
        ...     "groups": {"IMD 1-2": {"priority": True}, "Other": {}},
        ...     "inputs": [{"stakeholder": "Council", "amount": 1_000}],
        ...     "outcomes": [
        ...         {"stakeholder": "Residents", "outcome": "Into work", "group": "IMD 1-2",
        ...          "quantity": 3, "value": 1_000, "duration": 1},
        ...         {"stakeholder": "Residents", "outcome": "Into work", "group": "Other",
        ...          "quantity": 1, "value": 1_000, "duration": 1}]})
        >>> r.priority_share
        0.75
        """
        return who_benefits.priority_share(self)

    @property
    def weighted(self) -> who_benefits.Weighted | None:
        """The distributionally weighted figures (HM Treasury Green Book, Annex A3), beside
        the unweighted ones; ``None`` when no group gives an ``income``.

        Each outcome's present value is weighted by ``(median income / group income) **
        1.3`` (:func:`sroi.adjustments.equity_weights`); fiscal and environmental values,
        and the inputs, keep weight 1. The median is the one given to
        :func:`sroi.evaluate` (``median_income=``), else the median of the incomes of the
        model's groups, and the result says which. :meth:`weighting` takes another median
        or elasticity.
        """
        return who_benefits.weighting(self)

    def weighting(
        self, median_income: float | None = None, elasticity: float = ELASTICITY
    ) -> who_benefits.Weighted | None:
        """The weighted figures with another median income [money / year] or elasticity
        (for a sensitivity test of the weights); see :attr:`weighted`."""
        return who_benefits.weighting(self, median_income, elasticity)

    def money_flows(self) -> pd.DataFrame:
        """Who puts in and who gains: one row per agency or stakeholder, with ``agency``,
        ``puts_in``, ``in_kind``, ``gains``, ``net`` and the gains by kind
        (``fiscal_saving``, ``transfer``, ``wider_benefit``, ``unclassified``); see
        :func:`sroi.who_benefits.money_flows`. ``puts_in`` adds up to
        :attr:`total_investment`, ``gains`` to :attr:`present_value`.
        """
        return who_benefits.money_flows(self)

    @property
    def optimism_adjusted(self) -> who_benefits.Adjusted | None:
        """The figures with costs raised and benefits reduced for optimism bias, beside the
        unadjusted ones; ``None`` unless :func:`sroi.evaluate` was given
        ``optimism_bias``."""
        return who_benefits.optimism_adjusted(self)

    def materiality(self, threshold: float = who_benefits.MATERIALITY) -> pd.DataFrame:
        """Each outcome's share of the value and whether it reaches ``threshold``
        [fraction, 0-1; default 0.01]: a flag for judgement, nothing is dropped."""
        return who_benefits.materiality(self, threshold)

    # ------------------------------------------------------------------ export

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-ready data, stamped with the version and every parameter.

        Examples
        --------
        >>> import json, sroi
        >>> r = sroi.evaluate({"name": "x", "inputs": [{"stakeholder": "a", "amount": 100}],
        ...     "outcomes": [{"stakeholder": "b", "outcome": "c", "quantity": 1,
        ...                   "value": 110, "duration": 1}]})
        >>> d = r.to_dict()
        >>> round(d["results"]["ratio"], 4), d["parameters"]["discount_rate"]
        (1.0628, 0.035)
        >>> json.loads(json.dumps(d)) == d
        True
        """
        by_year = self.by_year
        by_outcome = self.by_outcome
        return {
            "sroi_version": __version__,
            "model": self.model.to_dict(),
            "parameters": {
                "discount_rate": _json_rate(self.discount_rate),
                "discount_rate_from": self.discount_rate_from,
                "currency": self.model.currency,
                "price_year": self.price_year,
                "model_price_year": self.model.price_year,
                "model_price_index": self.price_index,
                "deflator": self.deflator,
                "horizon_years": self.horizon,
                "payback_basis": None
                if self.payback_months is None
                else {
                    "year": self.payback_year,
                    "annual_impact": _plain(
                        float(self.computation.impact_by_year[self.payback_year])
                    ),
                },
                "conventions": self.computation.conventions.describe(),
                "conventions_used": self.computation.conventions.to_dict(),
                "uncertain_figures": [
                    {
                        "location": where,
                        "distribution": figure.distribution.to_dict(),
                        "value_used": float(figure),
                        "value_used_is": figure.distribution.central_is,
                    }
                    for where, figure in self.model.uncertainties
                ],
                **who_benefits.parameters(self),
            },
            "proxies": self._proxies_dict(),
            "warnings": [w.to_dict() for w in self.warnings],
            **who_benefits.results(self),
            "results": {
                k: _plain(v, f"results.{k}")
                for k, v in {
                    **self.headline(),
                    **self._contract_figures(),
                    **self._transfer_figures(),
                }.items()
            },
            "by_year": [
                {k: _plain(v) for k, v in row.items()} for row in by_year.to_dict("records")
            ],
            "by_outcome": [
                {
                    k: (None if isinstance(v, float) and math.isnan(v) else _plain(v))
                    for k, v in row.items()
                }
                for row in by_outcome.to_dict("records")
            ],
        }

    def _proxies_dict(self) -> dict[str, Any] | None:
        if self.proxy_table is None:
            return None
        used: dict[str, Any] = {}
        for v in self.valuations:
            for p in v.yearly_proxies or (v.proxy,):
                if p is None or p.id in used:
                    continue
                used[p.id] = {
                    "name": p.name,
                    "value": p.value,
                    "currency": p.currency,
                    "unit": p.unit,
                    "price_year": str(p.price_year) if p.price_year else None,
                    "price_index": v.price_index,
                    "value_type": p.value_type,
                    "bearer_split": [[a, s] for a, s in p.bearer_split],
                    "confidence": p.confidence,
                    "source": p.source,
                    "licence": p.licence,
                    **{
                        name: getattr(p, name)
                        for name in ("source_code", "bearer_detail", "data_age", "transfer_share")
                        if getattr(p, name, None) not in (None, "")
                    },
                }
        return {
            "table_checksum_sha256": self.proxy_table.checksum,
            "table_rows": len(self.proxy_table),
            "deflator": self.deflator,
            "used": used,
        }

    # ------------------------------------------------------------------ display

    def _headline_rows(self) -> list[tuple[str, str]]:
        cur = self.currency
        payback = self.payback_months
        dpayback = self.discounted_payback_years
        return [
            ("Present value of outcomes", _money(self.present_value, cur)),
            ("Total investment (present value)", _money(self.total_investment, cur)),
            ("Net present value", _money(self.npv, cur)),
            ("SROI ratio", f"{_money(self.ratio, cur)} per {_money(1, cur, 0)} invested"),
            ("Net SROI ratio", f"{_money(self.net_ratio, cur)} per {_money(1, cur, 0)} invested"),
            ("Payback", payback_text(payback, self.payback_year)),
            ("Discounted payback", discounted_payback_text(dpayback)),
            *self._contract_rows(),
        ]

    def _contract_rows(self) -> list[tuple[str, str]]:
        """The contract's figures as labelled text; none without a contract value."""
        contract = self.contract_value
        if contract is None:
            return []
        cur, share = self.currency, self.share_of_contract
        return [
            ("Contract value", _money(contract, cur)),
            (
                f"Social value per {_money(1, cur, 0)} of contract",
                "none (the contract value is 0)" if share is None else _money(share, cur),
            ),
            ("Share of contract value", "" if share is None else f"{share:.1%}"),
        ]

    def _title(self) -> str:
        prices = f", {self.price_year} prices" if self.price_year else ""
        years = "1 year" if self.horizon == 1 else f"{self.horizon} years"
        return (
            f"SROI: {self.model.name} ({self.currency}{prices}; discounted at "
            f"{_rate_text(self.discount_rate)}; {years})"
        )

    def summary(self, width: int | None = None) -> str:
        """A readable text summary: headline figures, the impact map and the outputs.

        Parameters
        ----------
        width : int, optional
            The widest line wanted [characters], such as a terminal's width: long lines
            are wrapped, and an impact map wider than this is shown one outcome to a
            block of lines instead of as a table. Default: no limit.
        """
        import pandas as pd

        rows = self._headline_rows()
        label = max(len(k) for k, _ in rows)
        title = [self._title()] if width is None else textwrap.wrap(self._title(), width)
        lines = [*title, *(f"  {k:<{label}}  {v}" for k, v in rows), ""]
        differences = self.computation.conventions.differences()
        if differences:
            lines[-1:-1] = self._fitted(
                f"  {'Conventions':<{label}}  " + "; ".join(differences), label + 4, width
            )
        transfers = self.transfer_present_value
        if transfers:
            share = transfers / self.present_value if self.present_value else math.nan
            at = len(title) + 1
            lines[at:at] = self._fitted(
                f"  {'  of which transfers':<{label}}  {_money(transfers, self.currency)}"
                + (f" ({share:.1%})" if math.isfinite(share) else "")
                + ": benefits or taxes moved between parties, not resources saved",
                label + 4,
                width,
            )
        table = self.by_outcome
        cur = self.currency
        names = ["deadweight", "displacement", "attribution", "drop_off"]
        deductions = "dw/dp/at/do %"
        if any(o.leakage for o in self.model.outcomes):
            names.insert(3, "leakage")
            deductions = "dw/dp/at/lk/do %"
        shown = pd.DataFrame(
            {
                "outcome": [
                    f"{s}: {o}" for s, o in zip(table["stakeholder"], table["outcome"], strict=True)
                ],
                "quantity": table["quantity"].map(
                    lambda x: _yearly_text(
                        x, lambda v: f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"
                    )
                ),
                "value": table["value"].map(lambda x: _money(x, cur)),
                "years": [
                    f"{s}-{s + math.ceil(d) - 1}"
                    for s, d in zip(table["start_year"], table["duration"], strict=True)
                ],
                deductions: [
                    "/".join(_yearly_text(x, lambda v: f"{100 * v:g}") for x in r)
                    for r in zip(*(table[name] for name in names), strict=True)
                ],
                "first-year impact": table["after_leakage"].map(lambda x: _money(x, cur, 0)),
                "present value": table["present_value"].map(lambda x: _money(x, cur, 0)),
                "share": table["share_of_present_value"].map(
                    lambda x: "" if pd.isna(x) else f"{x:.1%}"
                ),
            }
        )
        lines.append("Impact map")
        short = shown.assign(
            outcome=shown["outcome"].map(lambda s: s if len(s) <= 48 else s[:47] + "…")
        ).to_string(index=False)
        if width is None or max(map(len, short.splitlines())) <= width:
            lines.append(short)
        else:
            lines += self._outcome_blocks(shown, deductions, width)
        gains = self.breakdown("bearer")
        if not (gains["bearer"] == "(not given)").all():
            lines += ["", "Who gains (present value by bearer)"]
            lines += [
                f"  {row.bearer:<{label - 2}}  {_money(row.present_value, cur, 0):>12}  "
                f"{'' if pd.isna(row.share) else format(row.share, '.1%'):>6}"
                for row in gains.itertuples()
            ]
        lines += who_benefits.summary_lines(self)
        if self.model.outputs:
            lines += ["", "Outputs (not valued)"]
            lines += [
                f"  {o.description}: {o.quantity:,g}{' ' + o.unit if o.unit else ''}"
                for o in self.model.outputs
            ]
        if width is not None:
            lines = [part for line in lines for part in self._fitted_line(line, width)]
        return "\n".join(lines)

    @staticmethod
    def _fitted_line(line: str, width: int) -> list[str]:
        """A line of the summary wrapped to ``width``, keeping its indent."""
        if len(line) <= width:
            return [line]
        indent = " " * min(len(line) - len(line.lstrip()), width // 3)
        return textwrap.wrap(
            line.strip(), width, initial_indent=indent, subsequent_indent=indent + "    "
        )

    @staticmethod
    def _fitted(line: str, indent: int, width: int | None) -> list[str]:
        """``line`` as it is, or wrapped to ``width`` with later lines indented."""
        if width is None or len(line) <= width:
            return [line]
        return textwrap.wrap(line, width, subsequent_indent=" " * min(indent, width // 2))

    @staticmethod
    def _outcome_blocks(shown: Any, deductions: str, width: int) -> list[str]:
        """The impact map one outcome to a block: its name, then its figures wrapped."""
        out: list[str] = []
        for row in shown.to_dict("records"):
            out += textwrap.wrap(str(row["outcome"]), width, subsequent_indent="  ")
            share = f" ({row['share']})" if row["share"] else ""
            figures = (
                f"quantity {row['quantity'].strip()}, value {row['value']}, "
                f"years {row['years']}, deductions {deductions[:-2]} {row[deductions]}%, "
                f"first-year impact {row['first-year impact']}, "
                f"present value {row['present value']}{share}"
            )
            out += textwrap.wrap(figures, width, initial_indent="    ", subsequent_indent="    ")
        return out

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (
            f"<Result {self.model.name!r}: ratio {self.ratio:.2f}, present value "
            f"{_money(self.present_value, self.currency)}, NPV {_money(self.npv, self.currency)}>"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:right'>{html.escape(v)}</td></tr>"
            for k, v in self._headline_rows()
        )
        table = self.by_outcome[
            [
                "id",
                "stakeholder",
                "outcome",
                "quantity",
                "value",
                "gross",
                "after_deadweight",
                "after_displacement",
                "after_attribution",
                "present_value",
                "share_of_present_value",
            ]
        ]
        impact_map = table.to_html(index=False, float_format=lambda x: f"{x:,.2f}", escape=True)
        return (
            f"<div class='sroi-result'><h4>{html.escape(self._title())}</h4>"
            f"<table>{rows}</table><h5>Impact map</h5>{impact_map}"
            f"{who_benefits.html_block(self)}</div>"
        )
