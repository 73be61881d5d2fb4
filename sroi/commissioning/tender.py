"""Tender scores: price, quality and social value weighted into one score, and the switching
weight at which the winner changes.

Councils and NHS bodies award contracts on weighted criteria (Birmingham City Council:
quality 60 %, price 20 %, social value 20 %). Each bid's score out of 100 is the sum of its
points on each criterion::

    price points        = lowest price / bid price            x price weight        x 100
    quality points      = quality score / 100                 x quality weight      x 100
    social value points = bid's social value / highest offer  x social value weight x 100

The price and social value formulas are the *proportional* (relative-to-best) method most
councils publish: the cheapest bid gets every price point and the bid offering the most
social value every social value point; the others score in proportion. A bid's price is
its ``contract_value``; its social value is its present value (:attr:`Result.present_value`);
its quality score (0-100) is the commissioner's own. A bid whose social value is not above
zero scores no social value points (and if no bid's is, none does). The weights add up to 1.
The bid with the highest score ranks first; scores that agree to 1e-9 points tie (and
share the better rank).

**The switching weight.** Moving weight to social value from another criterion (from price,
unless another is named) changes every score linearly in that weight, so the weights at
which two bids' scores cross are found exactly (by rational arithmetic, not by scanning):
:func:`switching_weight` gives the one nearest the weights set where the first-ranked bid
changes, with the two bids that swap.

References
----------
.. [1] Public Services (Social Value) Act 2012, c. 3.
.. [2] Birmingham City Council. *Birmingham Business Charter for Social Responsibility*
   (tender weighting: quality 60 %, price 20 %, social value 20 %).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from sroi.errors import ModelError, Problem, show_value
from sroi.formatting import percent

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "CRITERIA",
    "SwitchingWeight",
    "parse_weights",
    "switching_weight",
    "tender_scores",
]

CRITERIA: tuple[str, ...] = ("price", "quality", "social_value")
"""The criteria a tender's weights may give."""

TIE = 1e-9
"""Scores closer than this [points] tie."""

_WEIGHTS_ALLOWED = (
    "a mapping of criteria (price, quality, social_value) to weights from 0 to 1 that add up "
    "to 1, e.g. {'price': 0.2, 'quality': 0.6, 'social_value': 0.2}"
)


def _finite(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return out if math.isfinite(out) else None


def parse_weights(weights: Any, location: str = "weights") -> dict[str, float]:
    """Tender weights, checked: each criterion's weight [fraction, 0-1], adding up to 1.

    Parameters
    ----------
    weights : mapping
        ``{"price": 0.6, "quality": 0.2, "social_value": 0.2}``; a criterion not given
        weighs 0.
    location : str, default "weights"
        Where the weights came from, for the error.

    Returns
    -------
    dict
        A weight for each of :data:`CRITERIA`.

    Raises
    ------
    ModelError
        For an unknown criterion, a weight outside 0-1, or weights that do not add up to 1
        (within 1e-9), every problem together.

    Examples
    --------
    >>> parse_weights({"price": 0.8, "quality": 0.2})
    {'price': 0.8, 'quality': 0.2, 'social_value': 0.0}
    >>> parse_weights({"price": 60, "quality": 20, "social_vaue": 20})
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 3 problems in the weights:
      weights['social_vaue']: is not a criterion; the criteria are price, quality, \
social_value (got 'social_vaue')
      weights['price']: must be a weight from 0 to 1 (0.6 for 60 %) (got 60)
      weights['quality']: must be a weight from 0 to 1 (0.6 for 60 %) (got 20)
    """
    if not isinstance(weights, Mapping):
        raise ModelError(
            [
                Problem(
                    location,
                    f"must map criteria to weights, not {type(weights).__name__}",
                    allowed=_WEIGHTS_ALLOWED,
                )
            ],
            title="the weights",
        )
    problems = [
        Problem(
            f"{location}[{show_value(key)}]",
            "is not a criterion; the criteria are " + ", ".join(CRITERIA),
            key,
            allowed=", ".join(CRITERIA),
            kind="unknown_field",
        )
        for key in weights
        if key not in CRITERIA
    ]
    out = {}
    for key in CRITERIA:
        if key not in weights:
            out[key] = 0.0
            continue
        value = _finite(weights[key])
        if value is None or not 0 <= value <= 1:
            problems.append(
                Problem(
                    f"{location}[{key!r}]",
                    "must be a weight from 0 to 1 (0.6 for 60 %)",
                    weights[key],
                    allowed="a number from 0 to 1",
                )
            )
            continue
        out[key] = value
    if not problems and not math.isclose(sum(out.values()), 1.0, rel_tol=0, abs_tol=1e-9):
        problems.append(
            Problem(
                location,
                f"add up to {sum(out.values()):.6g}; the weights must add up to 1 (100 %)",
                {k: v for k, v in out.items() if v},
                allowed=_WEIGHTS_ALLOWED,
            )
        )
    if problems:
        raise ModelError(problems, title="the weights")
    return out


# --------------------------------------------------------------------------------------
# What each bid gets on each criterion, as a fraction of the criterion's points


def _fractions(
    names: Sequence[str],
    prices: Sequence[float | None],
    quality: Sequence[float | None],
    values: Sequence[float],
    needed: set[str],
) -> dict[str, list[Fraction]]:
    """Each bid's share of each criterion's points [fraction, 0-1], as exact rationals
    (from the floats given), for the criteria in ``needed``.

    ``prices`` and ``quality`` must be given (and valid) for the criteria in ``needed``;
    the caller checks that.
    """
    out: dict[str, list[Fraction]] = {}
    if "price" in needed:
        exact = [Fraction(p) for p in prices]  # type: ignore[arg-type]
        lowest = min(exact)
        out["price"] = [lowest / p for p in exact]
    if "quality" in needed:
        out["quality"] = [Fraction(q) / 100 for q in quality]  # type: ignore[arg-type]
    if "social_value" in needed:
        exact = [max(Fraction(v), Fraction(0)) for v in values]
        highest = max(exact)
        out["social_value"] = [v / highest if highest > 0 else Fraction(0) for v in exact]
    return out


def _at(label: str, field: str) -> str:
    """A field of a model given at ``label`` (``models[1]`` or a file's path)."""
    return f"{label}.{field}" if label.startswith("models[") else f"{label}, {field}"


def _check_bids(
    names: Sequence[str],
    prices: Sequence[float | None],
    quality: Sequence[float | None],
    needed: set[str],
    where: Sequence[str],
) -> list[Problem]:
    problems = []
    for name, price, q, at in zip(names, prices, quality, where, strict=True):
        if "price" in needed:
            if price is None:
                problems.append(
                    Problem(
                        _at(at, "contract_value"),
                        f"{name!r} gives no contract value; a bid's price is its contract_value, "
                        "and price carries weight",
                        allowed="the bid's price [money, > 0]",
                        kind="missing",
                    )
                )
            elif not price > 0:
                problems.append(
                    Problem(
                        _at(at, "contract_value"),
                        f"{name!r} has a contract value of {price:g}; a price is scored as the "
                        "lowest price over it, so it must be more than 0",
                        price,
                        allowed="the bid's price [money, > 0]",
                    )
                )
        if "quality" in needed and q is None:
            problems.append(
                Problem(
                    f"quality[{name!r}]",
                    f"is not given; quality carries weight, so {name!r} needs a quality score",
                    allowed="a score from 0 to 100",
                    kind="missing",
                )
            )
    return problems


def parse_quality(quality: Any, names: Sequence[str]) -> list[float | None]:
    """The commissioner's quality scores, one per bid (None where not given).

    Raises
    ------
    ModelError
        For a name that is not a bid's, or a score that is not a number from 0 to 100.
    """
    if quality is None:
        return [None] * len(names)
    if not isinstance(quality, Mapping):
        raise ModelError(
            [
                Problem(
                    "quality",
                    f"must map bid names to quality scores, not {type(quality).__name__}",
                    allowed="a mapping such as {'Acorn': 80, 'Beacon': 70}",
                )
            ],
            title="the quality scores",
        )
    problems = []
    for key, value in quality.items():
        if key not in names:
            problems.append(
                Problem(
                    f"quality[{show_value(key)}]",
                    "is not the name of a model compared; they are " + ", ".join(map(repr, names)),
                    key,
                    allowed="the name of a model compared",
                )
            )
            continue
        score = _finite(value)
        if score is None or not 0 <= score <= 100:
            problems.append(
                Problem(
                    f"quality[{key!r}]",
                    "must be a score from 0 to 100",
                    value,
                    allowed="a number from 0 to 100",
                )
            )
    if problems:
        raise ModelError(problems, title="the quality scores")
    return [None if n not in quality else float(quality[n]) for n in names]


def tender_scores(
    names: Sequence[str],
    *,
    prices: Sequence[float | None],
    quality: Sequence[float | None],
    social_values: Sequence[float],
    weights: Mapping[str, float],
    where: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each bid's points on each criterion, its total score out of 100, and its rank.

    Parameters
    ----------
    names : sequence of str
        The bids' names.
    prices : sequence of float
        Each bid's price [money, > 0]; needed when price carries weight.
    quality : sequence of float or None
        Each bid's quality score [0-100]; needed when quality carries weight.
    social_values : sequence of float
        Each bid's social value [money]: its present value.
    weights : mapping
        Each criterion's weight (:func:`parse_weights`).
    where : sequence of str, optional
        Where each bid was given, for messages (``models[1]``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``name``: ``price_score``, ``quality_score``, ``social_value_score``
        (each criterion's points, out of its weight x 100), ``score`` (their sum, out of
        100) and ``rank`` (1 is first; ties share the better rank).

    Raises
    ------
    ModelError
        For bad weights, and a bid without a price (or a price of 0) or a quality score
        that its criterion's weight needs.

    Examples
    --------
    Three bids: price 60 %, quality 20 %, social value 20 %.

    >>> t = tender_scores(["A", "B", "C"], prices=[1_000_000, 900_000, 950_000],
    ...                   quality=[80, 70, 75], social_values=[150_000, 60_000, 100_000],
    ...                   weights={"price": 0.6, "quality": 0.2, "social_value": 0.2})
    >>> t.round(2)
          price_score  quality_score  social_value_score  score  rank
    name
    A           54.00           16.0               20.00  90.00     1
    B           60.00           14.0                8.00  82.00     3
    C           56.84           15.0               13.33  85.18     2
    """
    import pandas as pd

    chosen = parse_weights(weights)
    needed = {k for k, w in chosen.items() if w > 0}
    where = list(where) if where is not None else [f"models[{i}]" for i in range(len(names))]
    problems = _check_bids(names, prices, quality, needed, where)
    if problems:
        raise ModelError(problems, title="the tender scores")
    shares = _fractions(names, prices, quality, social_values, needed)
    frame = pd.DataFrame(index=pd.Index(list(names), name="name"))
    for criterion in CRITERIA:
        weight = Fraction(chosen[criterion])
        points = shares.get(criterion, [Fraction(0)] * len(names))
        frame[f"{criterion}_score"] = [float(100 * weight * p) for p in points]
    frame["score"] = frame[[f"{c}_score" for c in CRITERIA]].sum(axis=1)
    frame["rank"] = _ranks(frame["score"].tolist())
    return frame


def _ranks(scores: Sequence[float]) -> list[int]:
    """1 for the highest score; scores within :data:`TIE` share the better rank."""
    return [1 + sum(1 for other in scores if other > s + TIE) for s in scores]


# --------------------------------------------------------------------------------------
# The switching weight


@dataclass(frozen=True)
class SwitchingWeight:
    """The weight of a criterion at which the first-ranked bid changes.

    Attributes
    ----------
    criterion : str
        The criterion whose weight moves (``"social_value"``).
    take_from : str
        The criterion whose weight moves the other way, so the weights still add up to 1.
    current : float
        The criterion's weight as set [fraction].
    weight : float or None
        The criterion's weight, nearest ``current``, at which the first-ranked bid changes
        [fraction]; None when the first place does not change anywhere from 0 to
        ``current`` plus the weight of ``take_from``.
    swapped : tuple of str, or None
        The two bids that swap first place there: the one first just below ``weight``,
        then the one first just above it.
    first : str
        The bid ranked first at the weights as set.
    changes : pandas.DataFrame
        Every weight in the range at which first place changes: ``weight``,
        ``first_below``, ``first_above``.
    """

    criterion: str
    take_from: str
    current: float
    weight: float | None
    swapped: tuple[str, str] | None
    first: str
    changes: pd.DataFrame

    @property
    def range(self) -> tuple[float, float]:
        """The weights the criterion can take [fraction]: from 0 to its weight plus that of
        ``take_from``."""
        top = self.changes.attrs.get("top", self.current)
        return 0.0, top

    def __str__(self) -> str:
        name = self.criterion.replace("_", " ")
        head = f"{name.capitalize()} weight (taken from {self.take_from.replace('_', ' ')})"
        if self.weight is None or self.swapped is None:
            low, high = self.range
            return (
                f"{head}: {self.first!r} ranks first at every weight from {percent(low)} to "
                f"{percent(high)}"
            )
        below, above = self.swapped
        return (
            f"{head}: first place changes at {percent(self.weight, 3)} "
            f"(set at {percent(self.current)}): {above!r} overtakes {below!r} as the "
            f"weight rises"
        )

    def _repr_html_(self) -> str:
        import html

        return (
            f"<div class='sroi-switching-weight'><p>{html.escape(str(self))}</p>"
            f"{self.changes.to_html(index=False, float_format=lambda x: f'{x:.4%}')}</div>"
        )


def _lines(
    shares: Mapping[str, Sequence[Fraction]],
    weights: Mapping[str, Fraction],
    criterion: str,
    take_from: str,
    n: int,
) -> tuple[list[Fraction], list[Fraction], Fraction]:
    """Each bid's score as ``a + b * w`` in the criterion's weight ``w``, from 0 to ``top``
    (the two criteria's weights together)."""
    top = weights[criterion] + weights[take_from]
    zero = [Fraction(0)] * n
    moving = (criterion, take_from)
    fixed = [
        sum(
            (weights[k] * shares.get(k, zero)[i] for k in CRITERIA if k not in moving),
            Fraction(0),
        )
        for i in range(n)
    ]
    a = [100 * (fixed[i] + top * shares.get(take_from, zero)[i]) for i in range(n)]
    b = [100 * (shares.get(criterion, zero)[i] - shares.get(take_from, zero)[i]) for i in range(n)]
    return a, b, top


def _leader(a: Sequence[Fraction], b: Sequence[Fraction], w: Fraction) -> int:
    """The first-ranked bid at weight ``w`` (the first given, among exact ties)."""
    scores = [ai + bi * w for ai, bi in zip(a, b, strict=True)]
    best = max(scores)
    return scores.index(best)


def switching_points(
    a: Sequence[Fraction], b: Sequence[Fraction], top: Fraction
) -> list[tuple[Fraction, int, int]]:
    """Every weight in ``[0, top]`` at which the first-ranked bid changes, exactly:
    ``(weight, first just below, first just above)``, in order of weight.

    The scores are lines in the weight, so first place can change only where two lines
    cross; between two neighbouring crossings it does not change, so it is read at their
    midpoint.
    """
    n = len(a)
    crossings = {Fraction(0), top}
    for i in range(n):
        for j in range(i + 1, n):
            if b[i] != b[j]:
                w = (a[j] - a[i]) / (b[i] - b[j])
                if 0 <= w <= top:
                    crossings.add(w)
    points = sorted(crossings)
    leaders = [_leader(a, b, (lo + hi) / 2) for lo, hi in itertools.pairwise(points)]
    return [
        (points[k + 1], leaders[k], leaders[k + 1])
        for k in range(len(leaders) - 1)
        if leaders[k] != leaders[k + 1]
    ]


def solve_switching(
    names: Sequence[str],
    shares: Mapping[str, Sequence[Fraction]],
    weights: Mapping[str, float],
    criterion: str,
    take_from: str,
) -> SwitchingWeight:
    """The switching weight from each bid's share of each criterion's points."""
    import pandas as pd

    exact = {k: Fraction(v) for k, v in weights.items()}
    a, b, top = _lines(shares, exact, criterion, take_from, len(names))
    current = exact[criterion]
    found = switching_points(a, b, top)
    changes = pd.DataFrame(
        {
            "weight": [float(w) for w, _, _ in found],
            "first_below": [names[i] for _, i, _ in found],
            "first_above": [names[j] for _, _, j in found],
        }
    )
    changes.attrs["top"] = float(top)
    first = names[_ranks_first(a, b, current)]
    if not found:
        return SwitchingWeight(criterion, take_from, float(current), None, None, first, changes)
    nearest = min(found, key=lambda f: (abs(f[0] - current), f[0]))
    w, below, above = nearest
    return SwitchingWeight(
        criterion,
        take_from,
        float(current),
        float(w),
        (names[below], names[above]),
        first,
        changes,
    )


def _ranks_first(a: Sequence[Fraction], b: Sequence[Fraction], w: Fraction) -> int:
    return _leader(a, b, w)


def switching_weight(
    models: Any,
    *,
    weights: Mapping[str, float],
    quality: Mapping[str, float] | None,
    criterion: str = "social_value",
    take_from: str = "price",
    basis: Mapping[str, Any] | None = None,
) -> SwitchingWeight:
    """The weight of a criterion at which the first-ranked bid changes, and who swaps.

    Weight moves to ``criterion`` from ``take_from`` (the other weights stay as set), from
    0 up to the two weights together. Every bid's score is linear in that weight, so the
    weights at which two bids' scores cross are found exactly; the answer is the one
    nearest the weights as set at which first place changes.

    Parameters
    ----------
    models : sequence of Model, mapping or path
        The bids, evaluated on one basis as :func:`sroi.compare` does; each bid's price
        is its ``contract_value``.
    weights : mapping
        The weights as set (:func:`parse_weights`).
    quality : mapping or None
        The commissioner's quality score (0-100) of each bid, by name; needed when quality
        carries weight.
    criterion : {"social_value", "price", "quality"}, default "social_value"
        The criterion whose weight moves.
    take_from : {"price", "quality", "social_value"}, default "price"
        The criterion the weight is taken from (or given back to).
    basis : mapping, optional
        Options of :func:`sroi.evaluate` to evaluate every bid on (see
        :func:`sroi.compare`).

    Returns
    -------
    SwitchingWeight
        ``.weight`` (None if first place never changes) and ``.swapped``.

    Raises
    ------
    ModelError
        For bids on different bases (without a ``basis``), fewer than two bids, bad
        weights, quality scores or criteria, and a bid without the price or quality
        score its criterion needs.

    Examples
    --------
    The three bids of :func:`tender_scores`, with quality fixed at 20 % and social value
    taken from price: B leads with no weight on social value, A from 8.571 %
    (``88 + 10 w = 94 - 60 w``, so ``w = 6 / 70``).

    >>> import sroi
    >>> def bid(name, price, value):
    ...     return {"name": name, "contract_value": price, "discount_rate": 0,
    ...             "inputs": [{"stakeholder": "Supplier", "amount": 10_000}],
    ...             "outcomes": [{"stakeholder": "Residents", "outcome": "Social value",
    ...                           "quantity": 1, "value": value, "duration": 1}]}
    >>> bids = [bid("A", 1_000_000, 150_000), bid("B", 900_000, 60_000),
    ...         bid("C", 950_000, 100_000)]
    >>> sw = sroi.switching_weight(bids, quality={"A": 80, "B": 70, "C": 75},
    ...     weights={"price": 0.6, "quality": 0.2, "social_value": 0.2})
    >>> round(sw.weight, 5), sw.swapped
    (0.08571, ('B', 'A'))
    """
    from sroi.commissioning._basis import evaluate_on_one_basis

    here = "switching_weight"
    problems = []
    allowed = ", ".join(CRITERIA)
    for arg, value in (("criterion", criterion), ("take_from", take_from)):
        if value not in CRITERIA:
            problems.append(Problem(arg, f"must be one of {allowed}", value, allowed=allowed))
    if not problems and criterion == take_from:
        problems.append(
            Problem("take_from", "must be another criterion than `criterion`", take_from)
        )
    if problems:
        raise ModelError(problems, title=f"the arguments of {here}()")
    chosen = parse_weights(weights)
    bids = evaluate_on_one_basis(models, basis, here)
    if len(bids) < 2:
        raise ModelError(
            [Problem("models", "gives one model; a ranking needs at least two", len(bids))],
            title=f"the arguments of {here}()",
        )
    names = [b.name for b in bids]
    scores = parse_quality(quality, names)
    needed = {k for k, w in chosen.items() if w > 0} | {criterion, take_from}
    prices = [b.result.model.contract_value for b in bids]  # as tendered, never restated
    problems = _check_bids(names, prices, scores, needed, [b.label for b in bids])
    if problems:
        raise ModelError(problems, title="the tender scores")
    values = [b.result.present_value for b in bids]
    shares = _fractions(names, prices, scores, values, needed)
    return solve_switching(names, shares, chosen, criterion, take_from)
