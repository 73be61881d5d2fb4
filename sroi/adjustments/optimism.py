"""Optimism bias: appraisers' systematic over-optimism about costs, timing and benefits.

The Green Book asks for an explicit adjustment at the outset of an appraisal: costs are
raised and benefits reduced by a percentage, based on the organisation's own evidence of
past projects or, for costs, on the generic upper bounds of HM Treasury's supplementary
guidance (:data:`CAPEX_UPPER_BOUNDS`, from Mott MacDonald's review of large public
procurement). There are no generic values for benefits: the percentage is the user's own
(Green Book, paragraph 5.45).

A project made of parts of different types (a building that is partly standard and partly
non-standard) takes the average of the parts' upper bounds, each weighted by its share of
the capital cost (:func:`optimism_bias`). The adjustment is not a contingency: it is reduced
as the project's specific risks are identified and costed.

References
----------
.. [1] HM Treasury (2003). *Supplementary Green Book Guidance: Optimism Bias*, Table 1.
.. [2] Mott MacDonald (2002). *Review of Large Public Procurement in the UK*, for HM
   Treasury: Table 2 "Optimism bias guidelines" (upper and lower bounds) and the worked
   example of a combined building project (30 % non-standard, 70 % standard: 32.1 %).
.. [3] HM Treasury (2018, updated 2020 and 2022). *The Green Book*, paragraphs 5.43-5.46.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike

from sroi.adjustments._checks import as_fraction, as_numbers
from sroi.errors import ModelError, Problem

__all__ = ["CAPEX_UPPER_BOUNDS", "optimism_bias"]

CAPEX_UPPER_BOUNDS: Mapping[str, float] = MappingProxyType(
    {
        "standard_buildings": 0.24,
        "non_standard_buildings": 0.51,
        "standard_civil_engineering": 0.44,
        "non_standard_civil_engineering": 0.66,
        "equipment_development": 2.00,
        "outsourcing": 0.41,
    }
)
"""Upper-bound optimism bias for capital expenditure by project type [fraction] (for
``outsourcing``, operating expenditure): Mott MacDonald (2002), Table 2, as adopted by HM
Treasury's supplementary guidance. Starting values, to be reduced as risks are managed."""

_TOLERANCE = 1e-9


def optimism_bias(shares: ArrayLike, upper_bounds: ArrayLike) -> float:
    """The optimism bias of a project made of parts: ``sum(share * upper_bound)``.

    Parameters
    ----------
    shares : array_like
        Each part's share of the project's capital cost (or works duration) [fraction,
        0-1, adding up to 1].
    upper_bounds : array_like
        Each part's optimism bias [fraction, >= 0; may exceed 1, e.g. 2.0 for
        equipment and development], such as the values of :data:`CAPEX_UPPER_BOUNDS`.

    Returns
    -------
    float
        The project's optimism bias [fraction]: raise its costs by this share.

    Raises
    ------
    ModelError
        If the shares are not fractions adding up to 1, an upper bound is negative or not
        a finite number, or the two are not the same length.

    References
    ----------
    .. [1] Mott MacDonald (2002). *Review of Large Public Procurement in the UK*, for HM
       Treasury: combined projects (the worked example below).
    .. [2] HM Treasury (2003). *Supplementary Green Book Guidance: Optimism Bias*.

    Examples
    --------
    The supplementary guidance's combined building: 30 % of the capital cost non-standard
    (upper bound 51 %) and 70 % standard (24 %) give 15.3 % + 16.8 % = 32.1 %:

    >>> round(optimism_bias([0.3, 0.7], [0.51, 0.24]), 6)
    0.321
    >>> b = CAPEX_UPPER_BOUNDS
    >>> round(optimism_bias([0.3, 0.7], [b["non_standard_buildings"], b["standard_buildings"]]), 6)
    0.321

    Its works duration, by the same rule (upper bounds 39 % and 4 %): 14.5 %.

    >>> round(optimism_bias([0.3, 0.7], [0.39, 0.04]), 6)
    0.145
    """
    s = as_fraction("shares", shares)
    u = as_numbers("upper_bounds", upper_bounds)
    problems = []
    if s.ndim > 1 or u.ndim > 1 or s.size == 0:
        problems.append(Problem("shares", "must be a list of numbers, one per part", s.tolist()))
    elif s.shape != u.shape:
        problems.append(
            Problem(
                "upper_bounds",
                f"gives {u.size} upper bounds for {s.size} shares; give one per part",
                u.tolist(),
            )
        )
    elif not math.isclose(math.fsum(s.ravel()), 1.0, rel_tol=0, abs_tol=_TOLERANCE):
        problems.append(
            Problem(
                "shares",
                f"add up to {math.fsum(s.ravel()):g}; the parts' shares must add up to 1",
                s.tolist(),
                allowed="fractions adding up to 1",
            )
        )
    if not np.all(np.isfinite(u) & (u >= 0)):
        problems.append(
            Problem(
                "upper_bounds",
                "must be finite numbers of at least 0",
                u.tolist(),
                allowed="fractions such as 0.24 (24 %); above 1 is allowed",
            )
        )
    if problems:
        raise ModelError(problems)
    return math.fsum((s * u).ravel())
