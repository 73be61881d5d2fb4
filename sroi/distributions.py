"""Probability distributions for uncertain figures in a model.

Any uncertain number in a model (an outcome's ``quantity``, ``value`` or deductions, an
input's ``amount``) may be written as a distribution in place of the number::

    deadweight: {distribution: triangular, low: 0.1, mode: 0.25, high: 0.4}

:func:`sroi.evaluate` then uses the distribution's **central value** (its mode where one is
given, otherwise its mean), and :func:`sroi.sensitivity.simulate` draws from it.

=============  ======================================  =====================================
distribution   parameters                              central value
=============  ======================================  =====================================
uniform        ``low``, ``high``                       mean, ``(low + high) / 2``
triangular     ``low``, ``mode``, ``high``             ``mode``
pert           ``low``, ``mode``, ``high``, ``shape``  ``mode``
               (``shape`` default 4)
normal         ``mean``, ``sd``, optional ``low``,     mean of the normal truncated to
               ``high`` (truncation bounds)            [low, high] and to the field's range
beta           ``alpha``, ``beta``, optional ``low``,  mean, ``low + (high - low) * a/(a+b)``
               ``high`` (default 0 and 1)
=============  ======================================  =====================================

A zero-width distribution (``low == high``, or ``sd == 0``) is allowed and always gives its
one value, so a model of degenerate distributions simulates exactly its deterministic result.

References
----------
.. [1] D. Vose (2008). *Risk Analysis: A Quantitative Guide*, 3rd edition, Wiley (PERT as a
   rescaled beta distribution; triangular and truncated normal distributions).
.. [2] HM Treasury (2022). *The Green Book*, Annex A5 (uncertainty, sensitivity and Monte
   Carlo analysis).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, fields
from decimal import Decimal
from typing import Any, ClassVar

import numpy as np

from sroi.errors import show_value

__all__ = [
    "DISTRIBUTIONS",
    "DISTRIBUTION_ALLOWED",
    "PERT",
    "Beta",
    "Distribution",
    "DistributionError",
    "Triangular",
    "TruncatedNormal",
    "Uncertain",
    "Uniform",
    "parse_distribution",
]

_INF = math.inf


class DistributionError(ValueError):
    """A distribution's parameters are not valid; ``problems`` are (parameter, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        text = "; ".join(f"{p}: {m}" if p else m for p, m in problems)
        # a parameter's name is the user's text: keep the message writable as UTF-8
        super().__init__(text.encode("utf-8", "backslashreplace").decode("utf-8"))


@dataclass(frozen=True)
class Distribution:
    """Base class: a distribution over one model figure."""

    name: ClassVar[str] = ""
    central_is: ClassVar[str] = "mean"

    @property
    def central(self) -> float:
        """The value :func:`sroi.evaluate` uses: the mode where given, else the mean."""
        return self.mean

    @property
    def mean(self) -> float:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    @property
    def support(self) -> tuple[float, float]:  # pragma: no cover - every subclass defines it
        """The smallest and largest values the distribution can give."""
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # pragma: no cover
        """``size`` independent draws using ``rng``."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The distribution as written in a model file."""
        return {"distribution": self.name, **asdict(self)}


@dataclass(frozen=True)
class Uniform(Distribution):
    """Every value in [low, high] equally likely."""

    low: float
    high: float
    name: ClassVar[str] = "uniform"

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return (
            rng.uniform(self.low, self.high, size)
            if self.high > self.low
            else _full(self.low, size)
        )


@dataclass(frozen=True)
class Triangular(Distribution):
    """The triangular distribution on [low, high] with its peak at ``mode``."""

    low: float
    mode: float
    high: float
    name: ClassVar[str] = "triangular"
    central_is: ClassVar[str] = "mode"

    @property
    def central(self) -> float:
        return self.mode

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    @property
    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        width = self.high - self.low
        if width == 0:
            return _full(self.low, size)
        if width <= _WIDE:
            return rng.triangular(self.low, self.mode, self.high, size)
        # numpy multiplies the two widths, which overflows past 1e154: invert the
        # distribution function with the widths kept apart instead
        u = rng.random(size)
        c = (self.mode - self.low) / width
        rising = self.low + width * np.sqrt(u * c)
        falling = self.high - width * np.sqrt((1 - u) * (1 - c))
        return np.clip(np.where(u < c, rising, falling), self.low, self.high)


@dataclass(frozen=True)
class PERT(Distribution):
    """The (modified) PERT distribution: a beta distribution rescaled to [low, high].

    With ``shape`` λ: ``alpha = 1 + λ (mode - low) / (high - low)``,
    ``beta = 1 + λ (high - mode) / (high - low)``; mean ``(low + λ mode + high) / (λ + 2)``.
    """

    low: float
    mode: float
    high: float
    shape: float = 4.0
    name: ClassVar[str] = "pert"
    central_is: ClassVar[str] = "mode"

    @property
    def central(self) -> float:
        return self.mode

    @property
    def mean(self) -> float:
        return (self.low + self.shape * self.mode + self.high) / (self.shape + 2)

    @property
    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        width = self.high - self.low
        if width == 0:
            return _full(self.low, size)
        a = 1 + self.shape * (self.mode - self.low) / width
        b = 1 + self.shape * (self.high - self.mode) / width
        if not (math.isfinite(a) and math.isfinite(b)):  # shape * width beyond float range
            a = 1 + self.shape * ((self.mode - self.low) / width)
            b = 1 + self.shape * ((self.high - self.mode) / width)
        return np.clip(self.low + width * rng.beta(a, b, size), self.low, self.high)


@dataclass(frozen=True)
class TruncatedNormal(Distribution):
    """A normal distribution with ``mean`` and ``sd``, truncated to [low, high].

    Sampled by inverting the normal distribution function between the bounds, so it needs
    no rejection loop. Its mean is ``mean + sd (φ(α) - φ(β)) / (Φ(β) - Φ(α))`` with
    ``α = (low - mean) / sd`` and ``β = (high - mean) / sd``.
    """

    mean_: float
    sd: float
    low: float = -_INF
    high: float = _INF
    name: ClassVar[str] = "normal"

    def _bounds(self) -> tuple[float, float]:
        return (self.low - self.mean_) / self.sd, (self.high - self.mean_) / self.sd

    @property
    def mean(self) -> float:
        if self.sd == 0:
            return self.mean_
        a, b = self._bounds()
        mass = _phi_cdf(b) - _phi_cdf(a)
        return self.mean_ + self.sd * (_phi_pdf(a) - _phi_pdf(b)) / mass

    @property
    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.sd == 0:
            return _full(self.mean_, size)
        from scipy.special import ndtr, ndtri

        a, b = self._bounds()
        u = rng.uniform(ndtr(a), ndtr(b), size)
        # a draw of exactly 0 or 1 would be an infinite z: no double is that far out
        z = np.clip(ndtri(u), -_MAX_Z, _MAX_Z)
        return np.clip(self.mean_ + self.sd * z, self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"distribution": self.name, "mean": self.mean_, "sd": self.sd}
        if math.isfinite(self.low):
            out["low"] = self.low
        if math.isfinite(self.high):
            out["high"] = self.high
        return out


@dataclass(frozen=True)
class Beta(Distribution):
    """The beta distribution with shapes ``alpha`` and ``beta``, rescaled to [low, high]."""

    alpha: float
    beta: float
    low: float = 0.0
    high: float = 1.0
    name: ClassVar[str] = "beta"

    @property
    def mean(self) -> float:
        total = self.alpha + self.beta
        share = self.alpha / total if math.isfinite(total) else 1 / (1 + self.beta / self.alpha)
        return self.low + (self.high - self.low) * share

    @property
    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        draws = self.low + (self.high - self.low) * rng.beta(self.alpha, self.beta, size)
        return np.clip(draws, self.low, self.high)


DISTRIBUTIONS: dict[str, type[Distribution]] = {
    d.name: d for d in (Uniform, Triangular, PERT, TruncatedNormal, Beta)
}
"""The distributions a model file may name, by name."""

DISTRIBUTION_ALLOWED = (
    "a number, or a distribution: {distribution: NAME, ...} with NAME one of "
    + ", ".join(DISTRIBUTIONS)
)
"""What a figure that may be uncertain accepts, in words."""

_WIDE = 1e150
"""Triangular widths above this are sampled without squaring the width."""

_MAX_Z = 40.0
"""No draw of a standard normal is further out than this (the largest from a double is 38.5)."""

_LARGEST = 1e300
"""The largest magnitude a distribution's values may reach, so that its draws stay finite."""


def _full(value: float, size: int) -> np.ndarray:
    return np.full(size, float(value))


def _phi_pdf(x: float) -> float:
    return 0.0 if math.isinf(x) else math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _phi_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))


def _finite(x: Any) -> float | None:
    """``x`` as a finite float, or None if it is not a finite number (no bool, no text)."""
    if isinstance(x, bool) or not isinstance(x, (numbers.Real, Decimal)):
        return None
    try:
        out = float(x)
    except (OverflowError, ValueError, TypeError, ArithmeticError):
        return None
    return out if math.isfinite(out) else None


def parse_distribution(
    spec: Mapping[str, Any], *, bounds: tuple[float, float] = (-_INF, _INF)
) -> Distribution:
    """Read a distribution written in a model, checking it against the field's range.

    Parameters
    ----------
    spec : mapping
        ``{"distribution": name, <parameters>}``; see the module docstring.
    bounds : (float, float)
        The range of the field the distribution stands for (``(0, 1)`` for a fraction,
        ``(0, inf)`` for a quantity). A normal distribution is truncated to it.

    Returns
    -------
    Distribution

    Raises
    ------
    DistributionError
        Listing every problem, each naming its parameter.

    Examples
    --------
    >>> d = parse_distribution({"distribution": "triangular", "low": 0.1, "mode": 0.25,
    ...                         "high": 0.4}, bounds=(0, 1))
    >>> d.central, round(d.mean, 4)
    (0.25, 0.25)
    >>> parse_distribution({"distribution": "uniform", "low": 0.5, "high": 0.2})
    Traceback (most recent call last):
    ...
    sroi.distributions.DistributionError: high: must be at least low (0.5)
    """
    name = spec.get("distribution")
    if not isinstance(name, str) or name not in DISTRIBUTIONS:
        raise DistributionError(
            [("distribution", "must be one of " + ", ".join(map(repr, DISTRIBUTIONS)))]
        )
    cls = DISTRIBUTIONS[name]
    allowed = {"mean" if f.name == "mean_" else f.name for f in fields(cls)} | {"distribution"}
    problems: list[tuple[str, str]] = []
    for key in spec:
        if key not in allowed:
            problems.append(
                (
                    key if isinstance(key, str) else show_value(key),
                    f"is not a parameter of {name}; allowed: "
                    + ", ".join(sorted(allowed - {"distribution"})),
                )
            )
    required = [
        f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
    ]
    values: dict[str, float] = {}
    for f in fields(cls):
        key = "mean" if f.name == "mean_" else f.name
        if key not in spec:
            if f.name in required:
                problems.append((key, "is required"))
            continue
        x = _finite(spec[key])
        if x is None:
            problems.append((key, "must be a finite number"))
            continue
        if abs(x) > _LARGEST:
            problems.append((key, f"must be between -{_LARGEST:g} and {_LARGEST:g}"))
            continue
        values[f.name] = x
    if problems:
        raise DistributionError(problems)

    lo_bound, hi_bound = bounds
    if cls is TruncatedNormal:
        values.setdefault("low", lo_bound)
        values.setdefault("high", hi_bound)
        if values["sd"] < 0:
            problems.append(("sd", "must not be negative"))
    if cls is Beta:
        values.setdefault("low", 0.0)
        values.setdefault("high", 1.0)
        for shape in ("alpha", "beta"):
            if values[shape] <= 0:
                problems.append((shape, "must be above 0"))
    if cls is PERT and values.get("shape", 4.0) <= 0:
        problems.append(("shape", "must be above 0"))
    low, high = values.get("low", -_INF), values.get("high", _INF)
    if high < low:
        problems.append(("high", f"must be at least low ({low:g})"))
    if "mode" in values and not low <= values["mode"] <= high:
        problems.append(("mode", f"must lie between low ({low:g}) and high ({high:g})"))
    if low < lo_bound or high > hi_bound:
        problems.append(("", f"must stay within the field's range [{lo_bound:g}, {hi_bound:g}]"))
    if cls is TruncatedNormal and abs(values["mean_"]) + _MAX_Z * values["sd"] > _LARGEST:
        problems.append(
            ("sd", f"is too large: mean ± {_MAX_Z:g} sd must stay within ±{_LARGEST:g}")
        )
    if cls is TruncatedNormal and not problems and values["sd"] > 0:
        a = (low - values["mean_"]) / values["sd"]
        b = (high - values["mean_"]) / values["sd"]
        if _phi_cdf(b) - _phi_cdf(a) < 1e-6:
            problems.append(("", "the bounds leave almost none of the normal distribution"))
    if (
        cls is TruncatedNormal
        and not problems
        and values["sd"] == 0
        and not low <= values["mean_"] <= high
    ):
        problems.append(("mean", "must lie within the bounds when sd is 0"))
    if problems:
        raise DistributionError(problems)
    distribution = cls(**values)
    if not (math.isfinite(distribution.central) and math.isfinite(distribution.mean)):
        raise DistributionError([("", "its values are too large: its mean is not a finite number")])
    return distribution


class Uncertain(float):
    """A number that stands for a distribution: its central value, with the distribution.

    In arithmetic, ordering, ``float()`` and numpy it is the float of its central value (so
    a model's figures keep working as numbers), and it carries ``distribution`` for
    simulation and export. Equality is the one exception: an ``Uncertain`` equals only an
    ``Uncertain`` with the same distribution (not the bare number), so that a model with a
    distribution never compares equal to one without; compare ``float(x)`` for the value.

    Examples
    --------
    >>> x = Uncertain(Uniform(0.1, 0.3))
    >>> round(x * 2, 10), x.distribution.name
    (0.4, 'uniform')
    """

    __slots__ = ("distribution",)

    def __new__(cls, distribution: Distribution) -> Uncertain:
        out = super().__new__(cls, distribution.central)
        object.__setattr__(out, "distribution", distribution)
        return out

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("an Uncertain figure cannot be changed; build a new one")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("an Uncertain figure cannot be changed")

    def __reduce__(self):
        return (Uncertain, (self.distribution,))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Uncertain):
            return self.distribution == other.distribution
        return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.distribution)

    def __repr__(self) -> str:
        return f"Uncertain({self.distribution!r})"
