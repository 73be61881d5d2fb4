"""Bids (or options for a service) side by side, on one basis: ``sroi.compare``.

A commissioner with three bids wants, for each: the social value it offers (present value),
its NPV and SROI ratio, what the public gets per £ of contract and as a share of the
contract's value, who gets it (by Marmot objective, and by beneficiary group where the bids
name groups), how many findings the claims check raises, and, with tender weights, its
score and rank. The ratio alone misleads here: it divides by what the offer costs the
supplier, so a bid that simply spends less on its offer gets the best ratio; the share of
the contract divides by what the commissioner pays.

Every bid is evaluated on one basis (see :mod:`sroi.commissioning._basis`): the same price
year, discount rate or schedule, conventions and proxy table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sroi.commissioning._basis import BASIS_OPTIONS, Evaluated, evaluate_on_one_basis
from sroi.commissioning._display import aligned
from sroi.commissioning.tender import parse_quality, parse_weights, tender_scores
from sroi.conventions import Conventions
from sroi.formatting import discount_rate_json, discount_rate_text, money, percent

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["FIGURES", "compare", "findings_count"]

FIGURES: tuple[str, ...] = (
    "present_value",
    "total_investment",
    "npv",
    "ratio",
    "contract_value",
    "value_per_contract_pound",
    "share_of_contract",
)
"""The figures :func:`compare` reads from each bid's :class:`~sroi.result.Result`, in order."""

MARMOT_PREFIX = "marmot:"
"""The prefix of the columns of present value by Marmot objective (``marmot:fair_employment``)."""

GROUP_PREFIX = "group:"
"""The prefix of the columns of present value by beneficiary group (``group:IMD decile 1``)."""


def findings_count(result: Any) -> int | None:
    """How many findings the claims check (``sroi.check``) raises on an evaluated model
    (checked as evaluated, on the common basis); None when this version of ``sroi`` has no
    claims check."""
    import sroi

    check = getattr(sroi, "check", None)
    if check is not None and not callable(check):  # the module rather than the function
        check = getattr(check, "check", None)
    if check is None:
        return None
    found = check(result)
    findings = getattr(found, "findings", found)
    return len(findings)


def _breakdowns(bids: list[Evaluated], by: str, prefix: str) -> dict[str, list[float]]:
    """Present value by ``by``, one column per label found in any bid (0 where a bid has
    none), so that each bid's columns add up to its present value."""
    tables = [b.result.breakdown(by) for b in bids]
    labels: dict[str, None] = {}
    for t in tables:
        for label in t[by]:
            labels.setdefault(str(label), None)
    columns = {}
    for label in labels:
        columns[prefix + label] = [
            float(t.loc[t[by].astype(str) == label, "present_value"].sum()) for t in tables
        ]
    return columns


def _has_groups(bids: list[Evaluated]) -> bool:
    from sroi.result import Result

    if "group" not in getattr(Result, "BREAKDOWNS", ()):
        return False
    return any(o.group for b in bids for o in b.result.model.outcomes)


def compare(
    models: Any,
    *,
    basis: Mapping[str, Any] | None = None,
    weights: Mapping[str, float] | None = None,
    quality: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Evaluate several models (bids, or options for a service) on one basis, side by side.

    Parameters
    ----------
    models : sequence of Model, mapping or path
        The bids; each needs its own ``name`` (the table's index), and a
        ``contract_value`` (its price) for the figures per £ of contract and for price to
        be scored.
    basis : mapping, optional
        Options of :func:`sroi.evaluate` that every bid is evaluated with:
        ``discount_rate``, ``price_year``, ``deflator``, ``proxies``, ``conventions``.
        Without it (or for what it leaves out), the bids must already share a price year,
        discount rate and conventions, or they are refused with every difference named.
    weights : mapping, optional
        Tender weights (``{"price": 0.2, "quality": 0.6, "social_value": 0.2}``, adding up
        to 1): the table then scores and ranks the bids (see
        :mod:`sroi.commissioning.tender`). Prices are scored as tendered (each model's own
        ``contract_value``), never moved to the basis's price year; the table's
        ``contract_value`` column is in the basis's prices.
    quality : mapping, optional
        The commissioner's quality score of each bid [0-100], by name.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``name``, one row per bid, in the order given:

        - ``present_value``, ``total_investment``, ``npv``, ``ratio`` [money; money per
          unit invested];
        - ``contract_value`` [money], ``value_per_contract_pound`` [money per unit of
          contract] and ``share_of_contract`` [fraction] (NaN without a contract value);
        - ``marmot:<objective>`` [money]: present value by Marmot objective (``marmot:(not
          given)`` for outcomes that name none), adding up to ``present_value``;
        - ``group:<group>`` [money]: present value by beneficiary group, when any bid's
          outcomes name groups;
        - ``check_findings``: how many findings the claims check raises, where this
          version of ``sroi`` has one (``sroi.check``);
        - ``overridden``: what the basis replaced in the bid's own settings (``""`` for
          nothing);
        - with ``quality``: ``quality``; with ``weights``: ``price_score``,
          ``quality_score``, ``social_value_score``, ``score`` (out of 100) and ``rank``.

        ``frame.attrs`` records the basis (``price_year``, ``discount_rate``,
        ``conventions``, ``currency``) and the ``weights``.

    Raises
    ------
    SROIError
        Every problem together: a model that is not valid (located under its place,
        ``models[1].outcomes[0].deadweight``, or its file), two bids with one name, bids
        on different bases (``models[2].discount_rate``) or in different currencies,
        and bad ``basis``, ``weights`` or ``quality``.

    Examples
    --------
    Three bids for one contract, at 0 % with one-year outcomes, so each bid's social
    value is exact:

    >>> import sroi
    >>> def bid(name, price, cost, value):
    ...     return {"name": name, "contract_value": price, "discount_rate": 0,
    ...             "inputs": [{"stakeholder": "Supplier", "amount": cost}],
    ...             "outcomes": [{"stakeholder": "Residents", "outcome": "Social value",
    ...                           "quantity": 1, "value": value, "duration": 1}]}
    >>> bids = [bid("A", 1_000_000, 50_000, 150_000), bid("B", 900_000, 10_000, 60_000),
    ...         bid("C", 950_000, 40_000, 100_000)]
    >>> table = sroi.compare(bids, weights={"price": 0.6, "quality": 0.2, "social_value": 0.2},
    ...                      quality={"A": 80, "B": 70, "C": 75})
    >>> table[["ratio", "share_of_contract", "score", "rank"]].round(4)
          ratio  share_of_contract    score  rank
    name
    A       3.0             0.1500  90.0000     1
    B       6.0             0.0667  82.0000     3
    C       2.5             0.1053  85.1754     2

    B has the best ratio (it spends least on its offer) but offers the least per £ of
    contract.
    """
    import pandas as pd

    chosen_weights = None if weights is None else parse_weights(weights)
    bids = evaluate_on_one_basis(models, basis, "compare")
    names = [b.name for b in bids]
    scores = parse_quality(quality, names) if quality is not None else None
    frame = pd.DataFrame(index=pd.Index(names, name="name"))
    for figure in FIGURES:
        values = [getattr(b.result, figure) for b in bids]
        frame[figure] = [float("nan") if v is None else float(v) for v in values]
    for column, values in _breakdowns(bids, "marmot_objective", MARMOT_PREFIX).items():
        frame[column] = values
    if _has_groups(bids):
        for column, values in _breakdowns(bids, "group", GROUP_PREFIX).items():
            frame[column] = values
    counts = [findings_count(b.result) for b in bids]
    if all(c is not None for c in counts):
        frame["check_findings"] = counts
    frame["overridden"] = ["; ".join(b.overridden) for b in bids]
    if scores is not None:
        frame["quality"] = [float("nan") if s is None else s for s in scores]
    if chosen_weights is not None:
        points = tender_scores(
            names,
            prices=[b.result.model.contract_value for b in bids],  # as tendered
            quality=scores or [None] * len(bids),
            social_values=[b.result.present_value for b in bids],
            weights=chosen_weights,
            where=[b.label for b in bids],
        )
        for column in points.columns:
            frame[column] = points[column].to_numpy()
    first = bids[0].result
    frame.attrs["basis"] = {
        "currency": first.currency,
        "price_year": first.price_year,
        "discount_rate": discount_rate_json(first.discount_rate),
        "conventions": first.computation.conventions.to_dict(),
        "given": sorted(k for k in (basis or {}) if k in BASIS_OPTIONS),
    }
    frame.attrs["weights"] = chosen_weights
    return frame


def comparison_text(frame: pd.DataFrame, currency: str | None = None) -> str:
    """A table from :func:`compare` as readable text: the figures of each bid, its scores
    (with weights), its value by Marmot objective and by group, and what the basis
    replaced.

    Parameters
    ----------
    frame : pandas.DataFrame
        What :func:`compare` returned.
    currency : str, optional
        The currency of the figures; default the basis's.

    Returns
    -------
    str
    """
    import pandas as pd

    basis = frame.attrs.get("basis", {})
    cur = currency or basis.get("currency", "GBP")
    conventions = basis.get("conventions")
    words = Conventions(**conventions).differences() if conventions else []
    year = basis.get("price_year")
    prices = f"{year} prices" if year is not None else "no price year"
    head = (
        f"Compared on one basis: {cur}; {prices}"
        f"; discounted at {discount_rate_text(basis.get('discount_rate', 0.035))}; "
        f"{'; '.join(words) if words else 'the default conventions'}"
    )
    shown = pd.DataFrame(index=frame.index)
    shown["social value"] = frame["present_value"].map(lambda x: money(x, cur, 0))
    shown["contract value"] = frame["contract_value"].map(lambda x: money(x, cur, 0))
    shown[f"per {money(1, cur, 0)} of contract"] = frame["value_per_contract_pound"].map(
        lambda x: money(x, cur)
    )
    shown["share of contract"] = frame["share_of_contract"].map(percent)
    shown["SROI ratio"] = frame["ratio"].map(lambda x: f"{x:,.2f}")
    if "quality" in frame.columns:
        shown["quality"] = frame["quality"].map(lambda x: "" if pd.isna(x) else f"{x:g}")
    if "score" in frame.columns:
        shown["score"] = frame["score"].map(lambda x: f"{x:.2f}")
        shown["rank"] = frame["rank"].map(str)
    lines = [head, "", *aligned("bid", shown)]
    for prefix, title in ((MARMOT_PREFIX, "Marmot objective"), (GROUP_PREFIX, "group")):
        columns = [c for c in frame.columns if c.startswith(prefix)]
        if not columns:
            continue
        table = frame[columns].T.map(lambda x: money(x, cur, 0))
        table.index = [c[len(prefix) :] for c in columns]
        lines += ["", f"Social value by {title}", *aligned(title, table)]
    if "check_findings" in frame.columns:
        counts = ", ".join(f"{n} {int(c)}" for n, c in frame["check_findings"].items())
        lines += ["", f"Claims check findings: {counts} (sroi check MODEL lists them)"]
    overridden = [f"{n}: {o}" for n, o in frame["overridden"].items() if o]
    if overridden:
        lines += ["", "Replaced by the basis: " + "; ".join(overridden)]
    weights = frame.attrs.get("weights")
    if weights:
        given = ", ".join(f"{k.replace('_', ' ')} {percent(w, 0)}" for k, w in weights.items())
        lines += ["", f"Weights: {given}"]
    return "\n".join(lines)
