"""Distributional (equity) weights: a pound is worth more to a poorer household.

The Green Book's distributional appraisal weights a benefit by the income of the group it
reaches, from the diminishing marginal utility of income::

    weight = (median income / group income) ** elasticity

With ``elasticity`` 1, £1 to a household on £20,000 a year counts twice as much as £1 to
one on £40,000; the Green Book takes the elasticity of the marginal utility of income as
**1.3**, the estimate of Layard, Mayraz and Nickell (2008), "used by DWP in distributional
analysis" (Annex A3, paragraph A3.14). Incomes are *equivalised* household incomes (adjusted
for household size); the median is that of all households, standing for the taxpayers who
fund the policy (paragraphs A3.19-A3.20). Weighted figures are shown **beside** the
unweighted ones, never instead of them (paragraphs A3.12 and A3.22).

References
----------
.. [1] HM Treasury (2018, updated 2020 and 2022). *The Green Book: central government
   guidance on appraisal and evaluation*, Annex A3 "Distributional appraisal",
   paragraphs A3.12-A3.22 (distributional weighting; calculating welfare weights).
.. [2] R. Layard, G. Mayraz and S. Nickell (2008). "The marginal utility of income".
   *Journal of Public Economics* 92, 1846-1857.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sroi.adjustments._checks import as_numbers
from sroi.errors import ModelError, Problem

__all__ = ["ELASTICITY", "equity_weights"]

ELASTICITY = 1.3
"""The elasticity of the marginal utility of income the Green Book uses [dimensionless]:
Annex A3, paragraph A3.14, from Layard, Mayraz and Nickell (2008)."""


def _positive(name: str, values: object) -> np.ndarray:
    arr = as_numbers(name, values)
    ok = np.isfinite(arr) & (arr > 0)
    if not np.all(ok):
        bad = float(arr[~ok].ravel()[0])
        raise ModelError(
            [Problem(name, "must be an income above 0", bad, allowed="a finite number above 0")]
        )
    return arr


def equity_weights(
    group_income: ArrayLike, median_income: ArrayLike, elasticity: float = ELASTICITY
) -> np.ndarray:
    """The Green Book's distributional weight of each group: ``(median / income) ** e``.

    Parameters
    ----------
    group_income : array_like
        The typical equivalised income of each group [money / year, > 0].
    median_income : array_like
        The median equivalised household income the weights are relative to [money / year,
        > 0]; a group on the median has weight 1. Use the median of all households (the
        Green Book's "average taxpayer"), in the same prices as ``group_income``.
    elasticity : float, default 1.3
        The elasticity of the marginal utility of income [dimensionless, >= 0]: 1.3 is the
        Green Book's figure (Annex A3, A3.14); 0 weights every group 1.

    Returns
    -------
    numpy.ndarray
        The weights [dimensionless, > 0], the same (broadcast) shape as ``group_income``.

    Raises
    ------
    ModelError
        If an income is not a number above 0, or the elasticity is not a finite number
        of at least 0.

    References
    ----------
    .. [1] HM Treasury. *The Green Book* (2018, updated 2020 and 2022), Annex A3
       "Distributional appraisal", paragraphs A3.12-A3.22.
    .. [2] R. Layard, G. Mayraz and S. Nickell (2008). "The marginal utility of income".
       *Journal of Public Economics* 92, 1846-1857.

    Examples
    --------
    Three groups on £10,000, £20,000 and £40,000 a year, against a median of £20,000: the
    poorest group's £1 counts ``2 ** 1.3`` times, the richest's ``0.5 ** 1.3`` times.

    >>> w = equity_weights([10_000, 20_000, 40_000], 20_000)
    >>> w.round(4)
    array([2.4623, 1.    , 0.4061])
    >>> bool(w[0] == 2**1.3), bool(w[2] == 0.5**1.3)
    (True, True)

    With an elasticity of 1, £1 to someone on £20,000 is worth twice £1 to someone on
    £40,000 (the Green Book's own illustration, A3.13):

    >>> float(equity_weights(20_000, 40_000, elasticity=1) / equity_weights(40_000, 40_000, 1))
    2.0
    """
    income = _positive("group_income", group_income)
    median = _positive("median_income", median_income)
    e = as_numbers("elasticity", elasticity)
    if e.ndim or not (np.isfinite(e) and e >= 0):
        raise ModelError(
            [
                Problem(
                    "elasticity",
                    "must be one finite number of at least 0 (the Green Book's is 1.3)",
                    e.tolist(),
                    allowed="a number >= 0, such as 1.3",
                )
            ]
        )
    with np.errstate(over="ignore"):
        weights = np.power(median / income, float(e))
    if not np.all(np.isfinite(weights)):
        raise ModelError(
            [
                Problem(
                    "group_income",
                    "gives a weight too large to compute (an income far below the median)",
                    allowed="incomes within a few orders of magnitude of the median",
                )
            ]
        )
    return weights
