"""Who benefits and who saves: beneficiary groups, distributional weights, agency money
flows, optimism bias and materiality, read from an evaluation's figures.

Every figure here starts from the engine's: the present value of each outcome and each
input (:class:`~sroi.engine.Computation`). Weighted and optimism-adjusted present values
are the engine's figures times a weight or a factor, and their NPV and ratios come from
:func:`sroi.engine.headline`, the one place a ratio is computed. They are always shown
beside the unadjusted figures, never instead of them.

- **Groups**: ``result.breakdown("group")`` and ``result.priority_share``, the share of
  the present value reaching the groups the model marks ``priority``.
- **Distributional weights** (:class:`Weighted`, ``result.weighted``): each outcome's
  present value times its group's weight ``(median income / group income) ** 1.3``
  (:func:`sroi.adjustments.equity_weights`). Fiscal savings fall to the taxpayer and
  environmental values to society at large, so they keep weight 1, as the inputs do (the
  Green Book weights the taxpayers who fund a policy at the median income).
- **Money flows** (:func:`money_flows`): for each agency or stakeholder, what it puts in,
  what it gains (the outcomes' present values split by bearer), the net, and the kind of
  gain.
- **Optimism bias** (:class:`Adjusted`, ``result.optimism_adjusted``): costs raised and
  benefits reduced by the percentages given to :func:`sroi.evaluate`.
- **Materiality** (:func:`materiality`): outcomes below a chosen share of the value,
  flagged, never dropped.

References
----------
.. [1] HM Treasury (2018, updated 2020 and 2022). *The Green Book*, paragraphs 5.43-5.46
   (optimism bias) and Annex A3 (distributional appraisal, A3.12-A3.22).
.. [2] HM Treasury, New Economy, Public Service Transformation Network (2014). *Supporting
   public service transformation: cost benefit analysis guidance for local partnerships*
   (who pays and who benefits; fiscal, economic and social values).
.. [3] Public Health England and UCL Institute of Health Equity (2015). *Local action on
   health inequalities: using the Social Value Act to reduce health inequalities through
   action on the social determinants of health* (who benefits; which agencies save).
.. [4] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment* (materiality).
"""

from __future__ import annotations

import html
import math
import numbers
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi.adjustments.equity import ELASTICITY, equity_weights
from sroi.engine import Headline, headline
from sroi.errors import Problem, SROIWarning, show_value
from sroi.formatting import money, percent
from sroi.valuation import Valuation

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from sroi.result import Result

__all__ = [
    "FLAT_WEIGHT_TYPES",
    "MATERIALITY",
    "Adjusted",
    "OptimismBias",
    "Weighted",
    "check_options",
    "materiality",
    "money_flows",
    "optimism_adjusted",
    "priority_share",
    "weighting",
]

MATERIALITY = 0.01
"""The default materiality threshold [fraction of the value]: an outcome carrying less than
1 % is flagged. The SROI Guide leaves materiality to judgement; 1 % is a starting point,
not a published figure."""

FLAT_WEIGHT_TYPES = ("fiscal", "environmental")
"""Value types that keep weight 1 under distributional weighting: a fiscal saving accrues
to the taxpayer (whom the Green Book puts at the median income), an environmental value to
society at large."""

_MISSING = "(not given)"
_FIGURES = ("present_value", "total_investment", "npv", "ratio", "net_ratio")
_LABELS = {
    "present_value": "Present value of outcomes",
    "total_investment": "Total investment (present value)",
    "npv": "Net present value",
    "ratio": "SROI ratio",
    "net_ratio": "Net SROI ratio",
}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        out = float(value)
    except (OverflowError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _valuations(result: Result) -> tuple[Valuation, ...]:
    return result.valuations or tuple(Valuation(value=v) for v in result.computation.outcomes.value)


def _frame_of(h: Headline) -> dict[str, float]:
    return {name: float(getattr(h, name)) for name in _FIGURES}


# --------------------------------------------------------------------------------------
# evaluate's options


@dataclass(frozen=True)
class OptimismBias:
    """The optimism-bias adjustment asked for: costs raised, benefits reduced.

    Attributes
    ----------
    costs : float
        The uplift to every input [fraction, >= 0; 0.321 raises costs by 32.1 %], e.g.
        from :func:`sroi.adjustments.optimism_bias`.
    benefits : float
        The reduction of every outcome's value [fraction, 0-1]; the Green Book has no
        generic figure for benefits, so it is the user's own.
    source : str
        Where the percentages come from, recorded with the result.
    """

    costs: float = 0.0
    benefits: float = 0.0
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: costs, benefits, source."""
        return {"costs": self.costs, "benefits": self.benefits, "source": self.source}


_OPTIMISM_ALLOWED = (
    "a mapping such as {'costs': 0.321, 'benefits': 0.1, 'source': '...'}: costs a "
    "fraction >= 0, benefits a fraction from 0 to 1"
)


def _optimism(value: Any, problems: list[Problem]) -> OptimismBias | None:
    if value is None:
        return None
    if isinstance(value, OptimismBias):
        value = value.to_dict()
    if not isinstance(value, dict) and not hasattr(value, "items"):
        problems.append(
            Problem(
                "optimism_bias",
                "must be a mapping of costs and benefits",
                show_value(value),
                allowed=_OPTIMISM_ALLOWED,
            )
        )
        return None
    given = dict(value.items())
    found: dict[str, Any] = {}
    for key in given:
        if key not in ("costs", "benefits", "source"):
            problems.append(
                Problem(
                    f"optimism_bias.{key}",
                    "is not an option; give costs, benefits and source",
                    show_value(key),
                    allowed=_OPTIMISM_ALLOWED,
                )
            )
    for key, high in (("costs", math.inf), ("benefits", 1.0)):
        if key not in given:
            continue
        x = _number(given[key])
        if x is None or not 0 <= x <= high:
            what = "a fraction of at least 0" if key == "costs" else "a fraction from 0 to 1"
            problems.append(
                Problem(
                    f"optimism_bias.{key}",
                    f"must be {what}",
                    given[key] if _number(given[key]) is not None else show_value(given[key]),
                    allowed=_OPTIMISM_ALLOWED,
                )
            )
        else:
            found[key] = x
    source = given.get("source", "")
    if not isinstance(source, str):
        problems.append(Problem("optimism_bias.source", "must be text", show_value(source)))
        source = ""
    return OptimismBias(found.get("costs", 0.0), found.get("benefits", 0.0), source)


def check_options(
    optimism_bias: Any, median_income: Any
) -> tuple[list[Problem], OptimismBias | None, float | None]:
    """Check :func:`sroi.evaluate`'s ``optimism_bias`` and ``median_income``.

    Returns
    -------
    (problems, OptimismBias or None, median income or None)
    """
    problems: list[Problem] = []
    bias = _optimism(optimism_bias, problems)
    median = None
    if median_income is not None:
        median = _number(median_income)
        if median is None or median <= 0:
            problems.append(
                Problem(
                    "median_income",
                    "must be an income above 0 (the median equivalised household income, in "
                    "the model's prices)",
                    median_income if isinstance(median_income, (int, float)) else None,
                    allowed="a number above 0",
                )
            )
            median = None
    return problems, bias, median


# --------------------------------------------------------------------------------------
# Groups


def group_columns(result: Result, frame: pd.DataFrame) -> pd.DataFrame:
    """``breakdown("group")``'s extra columns: each group's ``priority`` and ``income``."""
    groups = result.model.groups
    frame["priority"] = [bool(g in groups and groups[g].priority) for g in frame["group"]]
    frame["income"] = [
        groups[g].income if g in groups and groups[g].income is not None else np.nan
        for g in frame["group"]
    ]
    return frame


def priority_share(result: Result) -> float | None:
    """The share of the present value reaching the model's priority groups [fraction].

    None when the model marks no group as a priority (or the present value is 0).
    """
    groups = result.model.groups
    if not any(g.priority for g in groups.values()):
        return None
    pv = result.computation.present_value_by_outcome
    total = float(result.present_value)
    if total == 0:
        return None
    reached = math.fsum(
        float(pv[i])
        for i, o in enumerate(result.model.outcomes)
        if o.group in groups and groups[o.group].priority
    )
    share = reached / total
    return share if math.isfinite(share) else None


# --------------------------------------------------------------------------------------
# Distributional weights


@dataclass(frozen=True)
class Weighted:
    """Distributionally weighted figures, beside the unweighted ones (Green Book Annex A3).

    Attributes
    ----------
    median_income : float
        The income a weight of 1 stands for [money / year].
    median_income_from : {"argument", "groups"}
        Given to :func:`sroi.evaluate` (``median_income=``), or the median of the
        incomes of the model's groups.
    elasticity : float
        The elasticity of the marginal utility of income [dimensionless]; 1.3 by default.
    weights : tuple of float
        Each outcome's weight [dimensionless].
    basis : tuple of str
        Why each outcome has its weight.
    figures : Headline
        The weighted present value, the (unweighted) investment and the NPV and ratios
        the engine computes from them.
    unweighted : Headline
        The result's own figures.
    """

    median_income: float
    median_income_from: str
    elasticity: float
    weights: tuple[float, ...]
    basis: tuple[str, ...]
    figures: Headline
    unweighted: Headline
    _rows: tuple[tuple[str, str | None, float | None, float], ...] = ()

    @property
    def present_value(self) -> float:
        """Weighted present value of the outcomes [money, weighted]."""
        return float(self.figures.present_value)

    @property
    def npv(self) -> float:
        """Weighted NPV [money, weighted]."""
        return float(self.figures.npv)

    @property
    def ratio(self) -> float:
        """Weighted SROI ratio [money, weighted, per unit invested]."""
        return float(self.figures.ratio)

    @property
    def net_ratio(self) -> float:
        """Weighted net SROI ratio [per unit invested]."""
        return float(self.figures.net_ratio)

    @property
    def table(self) -> pd.DataFrame:
        """The headline figures, ``unweighted`` and ``weighted`` side by side."""
        import pandas as pd

        return pd.DataFrame(
            {
                "unweighted": _frame_of(self.unweighted),
                "weighted": _frame_of(self.figures),
            }
        ).rename_axis("figure")

    @property
    def by_outcome(self) -> pd.DataFrame:
        """One row per outcome: ``id``, ``group``, ``income``, ``weight``, ``basis``,
        ``present_value`` and ``weighted_present_value``."""
        import pandas as pd

        ids, groups, incomes, pv = zip(*self._rows, strict=True) if self._rows else ((),) * 4
        w = np.asarray(self.weights, dtype=float)
        return pd.DataFrame(
            {
                "id": list(ids),
                "group": list(groups),
                "income": [np.nan if x is None else x for x in incomes],
                "weight": w,
                "basis": list(self.basis),
                "present_value": np.asarray(pv, dtype=float),
                "weighted_present_value": np.asarray(pv, dtype=float) * w,
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the settings, the figures side by side and each outcome's weight."""
        return {
            "median_income": self.median_income,
            "median_income_from": self.median_income_from,
            "elasticity": self.elasticity,
            "unweighted": _frame_of(self.unweighted),
            "weighted": _frame_of(self.figures),
            "weights": [
                {"id": oid, "weight": w, "basis": b}
                for (oid, *_), w, b in zip(self._rows, self.weights, self.basis, strict=True)
            ],
        }


def weighting(
    result: Result, median_income: float | None = None, elasticity: float = ELASTICITY
) -> Weighted | None:
    """The distributionally weighted figures of ``result``; None when no group gives an
    income.

    Parameters
    ----------
    result : Result
        An evaluation.
    median_income : float, optional
        The median equivalised household income [money / year, model prices]; default
        the result's own (``sroi.evaluate(..., median_income=...)``), else the median of
        the incomes of the model's groups (each group once).
    elasticity : float, default 1.3
        The elasticity of the marginal utility of income (Green Book, A3.14).
    """
    m = result.model
    incomes = {name: g.income for name, g in m.groups.items() if g.income is not None}
    if median_income is None and result.median_income is not None:
        median_income = result.median_income
    if not incomes:
        if median_income is not None:
            warnings.warn(
                SROIWarning(
                    "is given, but no group of the model gives an income, so there are no "
                    "distributional weights; give each group its income",
                    location="median_income",
                ),
                stacklevel=2,
            )
        return None
    source = "argument"
    if median_income is None:
        median_income, source = float(np.median(list(incomes.values()))), "groups"
        warnings.warn(
            SROIWarning(
                f"not given: the median of the model's own groups' incomes "
                f"({median_income:,.0f}) is used, so the weights compare the groups with each "
                "other, not with the population (a model of deprived groups only gets weights "
                "near 1); give median_income= (the median equivalised household income) to "
                "weight against the population",
                location="median_income",
            ),
            stacklevel=2,
        )
    vals = _valuations(result)
    pv = result.computation.present_value_by_outcome
    weights, basis, rows = [], [], []
    for i, (o, v) in enumerate(zip(m.outcomes, vals, strict=True)):
        income = incomes.get(o.group) if o.group else None
        if not o.group:
            w, why = 1.0, "no group"
        elif income is None:
            w, why = 1.0, "its group gives no income"
        elif v.value_type in FLAT_WEIGHT_TYPES:
            w = 1.0
            why = (
                "fiscal: the saving falls to the taxpayer, weighted at the median"
                if v.value_type == "fiscal"
                else "environmental: falls to society at large"
            )
        else:
            w = float(equity_weights(income, median_income, elasticity))
            why = f"group {o.group!r} at {income:,.0f} a year"
        weights.append(w)
        basis.append(why)
        rows.append((m.outcome_ids[i], o.group, income, float(pv[i])))
    weighted_pv = math.fsum(w * r[3] for w, r in zip(weights, rows, strict=True))
    c = result.computation
    return Weighted(
        median_income=float(median_income),
        median_income_from=source,
        elasticity=float(elasticity),
        weights=tuple(weights),
        basis=tuple(basis),
        figures=headline(weighted_pv, c.total_investment),
        unweighted=c.figures,
        _rows=tuple(rows),
    )


# --------------------------------------------------------------------------------------
# Optimism bias


@dataclass(frozen=True)
class Adjusted:
    """Figures adjusted for optimism bias, beside the unadjusted ones.

    The present value is the engine's times ``1 - benefits``, the investment the engine's
    times ``1 + costs``; the NPV and ratios come from :func:`sroi.engine.headline`.

    Attributes
    ----------
    bias : OptimismBias
        The percentages applied.
    figures : Headline
        The adjusted figures.
    unadjusted : Headline
        The result's own figures.
    """

    bias: OptimismBias
    figures: Headline
    unadjusted: Headline

    @property
    def present_value(self) -> float:
        """Adjusted present value [money]."""
        return float(self.figures.present_value)

    @property
    def total_investment(self) -> float:
        """Adjusted investment [money]."""
        return float(self.figures.total_investment)

    @property
    def npv(self) -> float:
        """Adjusted NPV [money]."""
        return float(self.figures.npv)

    @property
    def ratio(self) -> float:
        """Adjusted SROI ratio [per unit invested]."""
        return float(self.figures.ratio)

    @property
    def net_ratio(self) -> float:
        """Adjusted net SROI ratio [per unit invested]."""
        return float(self.figures.net_ratio)

    @property
    def table(self) -> pd.DataFrame:
        """The headline figures, ``unadjusted`` and ``adjusted`` side by side."""
        import pandas as pd

        return pd.DataFrame(
            {"unadjusted": _frame_of(self.unadjusted), "adjusted": _frame_of(self.figures)}
        ).rename_axis("figure")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the percentages and the figures side by side."""
        return {
            **self.bias.to_dict(),
            "unadjusted": _frame_of(self.unadjusted),
            "adjusted": _frame_of(self.figures),
        }


def optimism_adjusted(result: Result) -> Adjusted | None:
    """The result's figures adjusted for its optimism bias; None when none was given."""
    bias = result.optimism_bias
    if bias is None:
        return None
    c = result.computation
    return Adjusted(
        bias,
        headline(c.present_value * (1 - bias.benefits), c.total_investment * (1 + bias.costs)),
        c.figures,
    )


# --------------------------------------------------------------------------------------
# Money flows


_KINDS = ("fiscal_saving", "transfer", "wider_benefit", "unclassified")


def _kind(value_type: str | None) -> str:
    if value_type == "fiscal":
        return "fiscal_saving"
    if value_type is None:
        return "unclassified"
    return "wider_benefit"


def money_flows(result: Result) -> pd.DataFrame:
    """Who puts in and who gains: one row per agency or stakeholder.

    Columns
    -------
    agency : str
        An input's stakeholder, or an outcome's bearer (its stakeholder when no bearer is
        named).
    puts_in : float
        The present value of its inputs, cash and in kind [money]; the column adds up to
        the total investment.
    in_kind : float
        The part of ``puts_in`` given in kind: staff or volunteer time, goods [money].
    gains : float
        The present value of the outcomes it gains, split by bearer shares (a JSA
        claimant's move into work: 94 % DWP, 6 % NHS) [money]; the column adds up to the
        present value.
    net : float
        ``gains - puts_in`` [money]; the column adds up to the NPV.
    fiscal_saving, transfer, wider_benefit, unclassified : float
        ``gains`` by kind [money]: a fiscal value (a saving to a public body; the proxy
        table does not say whether it is cashable), the part of it the proxy marks as a
        transfer payment (benefits or taxes: money moved, not resources saved), an
        economic, social, wellbeing or environmental value, and value whose type nobody
        gave. A proxy's transfer share is assigned to its bearers in the order the proxy
        lists them (the Unit Cost Database lists the paying agency, DWP or HMRC, first),
        whatever order an outcome's own ``bearer`` gives them in.

    Rows run from the largest net gain to the largest net cost.
    """
    import pandas as pd

    m, c = result.model, result.computation
    rows: dict[str, dict[str, float]] = {}

    def row(name: str) -> dict[str, float]:
        return rows.setdefault(name, {"puts_in": 0.0, "in_kind": 0.0, **dict.fromkeys(_KINDS, 0.0)})

    for item, pv in zip(m.inputs, c.present_value_by_input, strict=True):
        r = row(item.stakeholder)
        r["puts_in"] += float(pv)
        if item.kind != "cash":
            r["in_kind"] += float(pv)
    values = zip(m.outcomes, _valuations(result), c.present_value_by_outcome, strict=True)
    for outcome, v, pv in values:
        split = v.bearer_split or ((outcome.stakeholder, 1.0),)
        share = getattr(v.proxy, "transfer_share", None) if v.proxy is not None else None
        transfer_left = float(share or 0.0)
        if transfer_left and v.proxy is not None:
            # the transfer falls to the agencies in the order the proxy lists them (the
            # paying agency first), whatever order the outcome's own bearers are given in
            order = [a for a, _ in v.proxy.bearer_split]
            split = tuple(
                sorted(split, key=lambda b: order.index(b[0]) if b[0] in order else len(order))
            )
        for agency, part in split:
            moved = min(part, transfer_left)
            transfer_left -= moved
            r = row(agency)
            r["transfer"] += float(pv) * moved
            r[_kind(v.value_type)] += float(pv) * (part - moved)
    frame = pd.DataFrame(
        [{"agency": name, **r} for name, r in rows.items()],
        columns=["agency", "puts_in", "in_kind", *_KINDS],
    )
    frame.insert(3, "gains", frame[list(_KINDS)].sum(axis=1))
    frame.insert(4, "net", frame["gains"] - frame["puts_in"])
    return frame.sort_values("net", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Materiality


def materiality(result: Result, threshold: float = MATERIALITY) -> pd.DataFrame:
    """Flag the outcomes that carry less than ``threshold`` of the value; drop none.

    Parameters
    ----------
    result : Result
        An evaluation.
    threshold : float, default 0.01
        The share of the value below which an outcome is flagged [fraction, 0-1].

    Returns
    -------
    pandas.DataFrame
        One row per outcome: ``id``, ``stakeholder``, ``outcome``, ``present_value``,
        ``share`` (of the outcomes' value, each outcome's present value by its size, so a
        disbenefit counts by how large it is) and ``material`` (``share >= threshold``).
    """
    import pandas as pd

    from sroi.adjustments._checks import as_fraction

    limit = float(as_fraction("threshold", threshold))
    m = result.model
    pv = np.asarray(result.computation.present_value_by_outcome, dtype=float)
    size = np.abs(pv)
    whole = math.fsum(size)
    share = size / whole if whole > 0 else np.zeros_like(size)
    return pd.DataFrame(
        {
            "id": list(m.outcome_ids),
            "stakeholder": [o.stakeholder for o in m.outcomes],
            "outcome": [o.outcome for o in m.outcomes],
            "present_value": pv,
            "share": share,
            "material": share >= limit,
        }
    )


# --------------------------------------------------------------------------------------
# Reporting: to_dict, summary, notebook


def parameters(result: Result) -> dict[str, Any]:
    """What ``to_dict()["parameters"]`` records of these options."""
    weighted = result.weighted
    return {
        "double_counting": {
            "rule": result.double_counting,
            "not_counted": [n.to_dict() for n in result.not_counted],
        },
        "optimism_bias": None if result.optimism_bias is None else result.optimism_bias.to_dict(),
        "distributional_weights": None
        if weighted is None
        else {
            "median_income": weighted.median_income,
            "median_income_from": weighted.median_income_from,
            "elasticity": weighted.elasticity,
            "weight_1_value_types": list(FLAT_WEIGHT_TYPES),
        },
    }


def results(result: Result) -> dict[str, Any]:
    """What ``to_dict()`` adds: groups, weighted and adjusted figures, money flows."""
    groups = None
    if result.model.groups or any(o.group for o in result.model.outcomes):
        table = result.breakdown("group")
        groups = {
            "by_group": [
                {
                    "group": r["group"],
                    "present_value": r["present_value"],
                    "share": None if math.isnan(r["share"]) else r["share"],
                    "priority": r["priority"],
                    "income": None if math.isnan(r["income"]) else r["income"],
                }
                for r in table.to_dict("records")
            ],
            "priority_share": result.priority_share,
        }
    weighted, adjusted = result.weighted, result.optimism_adjusted
    return {
        "groups": groups,
        "weighted": None if weighted is None else weighted.to_dict(),
        "optimism_bias_adjusted": None if adjusted is None else adjusted.to_dict(),
        "money_flows": result.money_flows().to_dict("records"),
    }


def _side_by_side(
    result: Result, title: str, names: tuple[str, str], pair: tuple[Headline, Headline]
) -> list[str]:
    cur = result.currency
    lines = [title, f"  {'':<34}{names[0]:>18}{names[1]:>18}"]
    for key in ("present_value", "total_investment", "npv", "ratio"):
        a, b = (float(getattr(h, key)) for h in pair)
        show = (lambda x: f"{x:,.2f} : 1") if key == "ratio" else (lambda x: money(x, cur, 0))
        lines.append(f"  {_LABELS[key]:<34}{show(a):>18}{show(b):>18}")
    return lines


def summary_lines(result: Result) -> list[str]:
    """The summary's lines on groups, weights, optimism bias and double counting."""
    cur = result.currency
    lines: list[str] = []
    if result.model.groups or any(o.group for o in result.model.outcomes):
        lines += ["", "Who benefits (present value by group; * a priority group)"]
        for r in result.breakdown("group").itertuples():
            mark = "*" if r.priority else " "
            lines.append(
                f"  {mark} {r.group:<40} {money(r.present_value, cur, 0):>12}  "
                f"{'' if math.isnan(r.share) else percent(r.share):>6}"
            )
        share = result.priority_share
        if share is not None:
            lines.append(f"  Share reaching priority groups: {percent(share)}")
    weighted = result.weighted
    if weighted is not None:
        where = (
            "given"
            if weighted.median_income_from == "argument"
            else "the median of the model's group incomes"
        )
        lines.append("")
        lines += _side_by_side(
            result,
            f"Distributional weights (Green Book; elasticity {weighted.elasticity:g}; median "
            f"income {money(weighted.median_income, cur, 0)}, {where})",
            ("unweighted", "weighted"),
            (weighted.unweighted, weighted.figures),
        )
    adjusted = result.optimism_adjusted
    if adjusted is not None:
        b = adjusted.bias
        lines.append("")
        lines += _side_by_side(
            result,
            f"Optimism bias (costs +{percent(b.costs)}, benefits -{percent(b.benefits)}"
            + (f"; {b.source}" if b.source else "")
            + ")",
            ("unadjusted", "adjusted"),
            (adjusted.unadjusted, adjusted.figures),
        )
    if result.not_counted:
        lines += ["", "Not counted (double counting: only the highest of each change counts)"]
        lines += [
            f"  {n.location} {n.outcome_id}: same change as {n.to_dict()['kept']} "
            f"(outcome_group {n.outcome_group!r}, {n.stakeholder}); "
            f"{money(n.present_value, cur, 0)} left out"
            for n in result.not_counted
        ]
    return lines


def html_block(result: Result) -> str:
    """The notebook view's section on groups, weighted and adjusted figures ('' if none)."""
    parts = []
    if result.model.groups or any(o.group for o in result.model.outcomes):
        table = result.breakdown("group")
        parts.append(
            "<h5>Who benefits</h5>"
            + table.to_html(index=False, float_format=lambda x: f"{x:,.2f}", escape=True)
        )
        share = result.priority_share
        if share is not None:
            parts.append(f"<p>Share reaching priority groups: {html.escape(percent(share))}</p>")
    shown: list[tuple[str, Weighted | Adjusted | None]] = [
        ("Distributional weights (weighted beside unweighted)", result.weighted),
        ("Optimism bias (adjusted beside unadjusted)", result.optimism_adjusted),
    ]
    for title, found in shown:
        if found is not None:
            table = found.table
            table.index = [_LABELS[k] for k in table.index]
            parts.append(
                f"<h5>{html.escape(title)}</h5>"
                + table.to_html(float_format=lambda x: f"{x:,.2f}", escape=True)
            )
    return "".join(parts)
