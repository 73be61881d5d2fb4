"""Double counting: the same change for the same people valued more than once.

Outcomes that value one change (full-time and part-time employment for the same people; a
fiscal saving and a wellbeing value for the same move into work) say so by sharing an
``outcome_group``. When one stakeholder has several outcomes in the same group, the change
may be counted more than once. :func:`sroi.evaluate` then warns, with each later outcome's
location (``outcomes[3]``), or, with ``double_counting="highest"``, counts only the outcome
of each group with the highest present value and records the others in the result
(``result.not_counted`` and ``to_dict()["parameters"]["double_counting"]``).

Nothing here changes a figure: the rule picks which outcomes count, and the engine computes
the figures of those that do.

References
----------
.. [1] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment*, stage 4 and the principle "do not over-claim".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi.errors import Problem, SROIWarning, show_value

if TYPE_CHECKING:  # pragma: no cover
    from sroi.engine import Computation, OutcomeArrays
    from sroi.model import Model

__all__ = [
    "RULES",
    "NotCounted",
    "check_rule",
    "count_once",
    "double_counting_warnings",
    "highest_only",
    "same_change",
]

RULES = ("warn", "highest")
"""What :func:`sroi.evaluate` does with outcomes that value the same change: ``"warn"``
(count every one, with an SROIWarning) or ``"highest"`` (count only the highest)."""


@dataclass(frozen=True)
class NotCounted:
    """An outcome left out by the rule "count only the highest".

    Attributes
    ----------
    index : int
        Its position in the model's outcomes.
    outcome_id : str
        Its id.
    stakeholder, outcome_group : str
        The change it shares with the outcome kept.
    kept : int
        The position of the outcome counted instead (the group's highest).
    present_value : float
        The present value it would have added [money].
    """

    index: int
    outcome_id: str
    stakeholder: str
    outcome_group: str
    kept: int
    present_value: float

    @property
    def location(self) -> str:
        """``outcomes[<index>]``."""
        return f"outcomes[{self.index}]"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: location, id, stakeholder, outcome_group, kept, present_value."""
        return {
            "location": self.location,
            "id": self.outcome_id,
            "stakeholder": self.stakeholder,
            "outcome_group": self.outcome_group,
            "kept": f"outcomes[{self.kept}]",
            "present_value": float(self.present_value),
        }


def check_rule(rule: Any) -> list[Problem]:
    """The problems with a ``double_counting`` argument (none when it is one of :data:`RULES`)."""
    if isinstance(rule, str) and rule in RULES:
        return []
    return [
        Problem(
            "double_counting",
            "must be 'warn' (count every outcome, with a warning) or 'highest' (count only "
            "the highest of outcomes valuing the same change)",
            rule if isinstance(rule, (str, int, float)) else show_value(rule),
            allowed="'warn' or 'highest'",
        )
    ]


def same_change(model: Model) -> list[tuple[str, str, list[int]]]:
    """Outcomes of one stakeholder sharing an ``outcome_group``: ``(stakeholder, group,
    positions)`` for each set of two or more, in the order the sets first appear.

    Examples
    --------
    >>> from types import SimpleNamespace as O
    >>> m = O(outcomes=[O(stakeholder="A", outcome_group="jobs"), O(stakeholder="A",
    ...       outcome_group=None), O(stakeholder="A", outcome_group="jobs"),
    ...       O(stakeholder="B", outcome_group="jobs")])
    >>> same_change(m)
    [('A', 'jobs', [0, 2])]
    """
    found: dict[tuple[str, str], list[int]] = {}
    for i, outcome in enumerate(model.outcomes):
        if outcome.outcome_group:
            found.setdefault((outcome.stakeholder, outcome.outcome_group), []).append(i)
    return [(who, group, where) for (who, group), where in found.items() if len(where) > 1]


def double_counting_warnings(model: Model) -> tuple[SROIWarning, ...]:
    """An :class:`~sroi.errors.SROIWarning` at each outcome that values a change an earlier
    outcome of the same stakeholder already values (the same ``outcome_group``)."""
    out = []
    for who, group, where in same_change(model):
        first = where[0]
        for i in where[1:]:
            out.append(
                SROIWarning(
                    f"values the same change as outcomes[{first}] (outcome_group {group!r}, "
                    f"stakeholder {who!r}), so the change is counted "
                    f"{'twice' if len(where) == 2 else f'{len(where)} times'}; if these are the "
                    "same people, count it once (sroi.evaluate(..., double_counting='highest') "
                    "counts only the highest)",
                    location=f"outcomes[{i}]",
                )
            )
    return tuple(out)


def highest_only(model: Model, present_values: Sequence[float]) -> tuple[NotCounted, ...]:
    """The outcomes the rule "count only the highest" leaves out: in each set of outcomes
    valuing the same change, all but the one with the highest present value (the first of
    equals)."""
    pv = np.asarray(present_values, dtype=float)
    ids = model.outcome_ids
    out = []
    for who, group, where in same_change(model):
        kept = where[int(np.argmax(pv[where]))]
        out += [NotCounted(i, ids[i], who, group, kept, float(pv[i])) for i in where if i != kept]
    return tuple(sorted(out, key=lambda n: n.index))


def count_once(
    model: Model,
    computation: Computation,
    rule: str,
    recompute: Callable[[OutcomeArrays], Computation],
) -> tuple[Computation, tuple[NotCounted, ...]]:
    """Apply ``rule`` to a computation: with ``"highest"``, the engine's figures again with
    the outcomes left out valued at 0, and those outcomes; otherwise the computation as it
    is."""
    if rule != "highest":
        return computation, ()
    dropped = highest_only(model, computation.present_value_by_outcome)
    if not dropped:
        return computation, ()
    arrays = computation.outcomes
    counted = np.ones(len(model.outcomes), dtype=bool)
    counted[[d.index for d in dropped]] = False
    return recompute(replace(arrays, value=np.where(counted, arrays.value, 0.0))), dropped
