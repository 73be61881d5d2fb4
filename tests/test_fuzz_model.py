"""Fuzzing the model's entry points: mappings (``Model.from_dict``, ``sroi.evaluate``) and
DataFrames (``Model.from_frame``).

Starting from a valid model, Hypothesis changes it at every field, with wrong types, huge
and tiny numbers, unicode, very long text, nested containers, distributions with odd
parameters, scenarios with odd changes, missing and unknown fields. Whatever it builds,
the answer is either a valid result whose headline figures are finite, or an
:class:`~sroi.SROIError` whose every problem is located and JSON-ready: never another
exception type, never a hang.

Every test is derandomised (the same examples on every run) and kept small, so that the
file runs in a few seconds.
"""

from __future__ import annotations

import copy
import json
import math
import os
import signal
import warnings
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sroi
from sroi.changes import PARAMETERS
from sroi.distributions import DISTRIBUTIONS
from sroi.model import Model
from tests.conftest import hand_worked

FUZZ = settings(
    # SROI_FUZZ_EXAMPLES=5000 SROI_FUZZ_RANDOM=1 for a longer, fresh search
    max_examples=int(os.environ.get("SROI_FUZZ_EXAMPLES", "300")),
    deadline=None,
    derandomize=not os.environ.get("SROI_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SECONDS_PER_EXAMPLE = 10

JSA = "ucd_ee1_0_fiscal"


def _bomb(levels: int) -> list:
    """A YAML alias bomb as Python builds it: 2**levels leaves, shared by reference."""
    x: list = ["lol"]
    for _ in range(levels):
        x = [x, x]
    return x


def _deep(levels: int) -> dict:
    x: dict = {}
    for _ in range(levels):
        x = {"a": x}
    return x


class Huge:
    """A stand-in for a value too big to show (Hypothesis shows every example it draws):
    :func:`realise` puts the value itself in its place just before the call."""

    VALUES: ClassVar[dict[str, Any]] = {
        "BOMB": _bomb(60),
        "DEEP": _deep(5_000),
        "LONG": "x" * 200_000,
        "NINES": "9" * 5_000,
        "10**5000": 10**5000,
        "-10**5000": -(10**5000),
    }

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


BOMB, DEEP, LONG, NINES, HUGE_INT, HUGE_NEGATIVE = map(Huge, Huge.VALUES)


def realise(x: Any) -> Any:
    """The drawn data with every :class:`Huge` stand-in replaced by its value."""
    if isinstance(x, Huge):
        return Huge.VALUES[x.name]
    if isinstance(x, dict):
        return {realise(k): realise(v) for k, v in x.items()}
    if isinstance(x, list):
        return [realise(v) for v in x]
    return x


NUMBERS = [
    10**400,
    -(10**400),
    HUGE_INT,
    HUGE_NEGATIVE,
    2**63,
    2**1024,
    1e308,
    -1e308,
    1.7976931348623157e308,
    5e-324,
    -5e-324,
    1e-320,
    0.0,
    -0.0,
    math.nan,
    math.inf,
    -math.inf,
    0,
    1,
    -1,
    0.5,
    0.95,
    1.5,
    2.5,
    1000,
    1001,
    2024,
    1e17,
    True,
    False,
    Decimal("1e400"),
    Decimal("NaN"),
    Decimal("sNaN"),
    Fraction(10**400, 3),
    Fraction(1, 3),
    np.float64(0.3),
    np.float64("nan"),
    np.int64(7),
    np.float32(1e38),
]

TEXTS = [
    "",
    " ",
    "²⁰²⁴",
    "２０２４",
    "٢٠٢٤",
    "2024",
    "2024/25",
    "2012/14",
    "green_book",
    "green_book_health",
    '=HYPERLINK("x")',
    "\x00",
    "\u202e",
    "\ud800",
    LONG,
    NINES,
    "*1e400",
    "*" + "9" * 400,
    "+" + "9" * 400 + "%",
    "+20%",
    "-0.1",
    "*²",
    "cash",
    "fiscal",
    "health",
    "best_start",
    "GBP",
    "EUR",
    "JPY",
    "hour",
    "person",
    "household",
    "GBP / hour",
    "per per",
    "DWP:0.94;NHS:0.06",
    "DWP:0.5",
    ":",
    JSA,
    "ucd_la_home_care_hour",
    "dcms_chronic_loneliness_cost_per_person_year",
    "no_such_proxy",
    "outcome_1",
    "base",
]

number = st.one_of(
    st.sampled_from(NUMBERS),
    st.floats(),
    st.integers(),
    st.floats(min_value=0, max_value=1),
)
text = st.one_of(st.sampled_from(TEXTS), st.text(max_size=12))
scalar = st.one_of(number, text, st.none(), st.booleans(), st.binary(max_size=4))

distribution = st.fixed_dictionaries(
    {"distribution": st.sampled_from([*DISTRIBUTIONS, "bogus", 5, None])},
    optional={k: number for k in ("low", "high", "mode", "mean", "sd", "alpha", "beta", "shape")},
)

small = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)

value = st.one_of(
    scalar,
    scalar,
    distribution,
    small,
    st.sampled_from([BOMB, DEEP, {}, [], (), {1: 2}, {"distribution": "uniform"}]),
)

# finite, often valid, numbers at the edges of float range: these reach the engine
EDGES = [
    0.0,
    -0.0,
    5e-324,
    1e-320,
    1e-300,
    1e-16,
    1e-6,
    0.999999,
    1.0,
    1000,
    999,
    1e12,
    1e150,
    1e300,
    1e308,
    1.7976931348623157e308,
    -1e308,
]
edge = st.one_of(
    st.sampled_from(EDGES),
    st.fixed_dictionaries(
        {
            "distribution": st.just("triangular"),
            "low": st.sampled_from([0.0, 1e-320, 1e150]),
            "mode": st.sampled_from([1e150, 1e300]),
            "high": st.sampled_from([1e300, 1e308]),
        }
    ),
)

change = st.one_of(
    st.sampled_from(["*1e400", "*" + "9" * 400, "+0.1", "-20%", "*2", "+1e308", "green_book"]),
    number,
    text,
    st.lists(number, max_size=3),
    small,
)
scenario = st.dictionaries(
    st.sampled_from([*PARAMETERS, "outcomes", "bogus"]),
    change,
    max_size=3,
).map(lambda d: d if "outcomes" not in d else {**d, "outcomes": {"outcome_1": dict(d)}})
scenarios = st.one_of(
    st.dictionaries(
        st.sampled_from(["low", "high", "base", "", "²⁰²⁴", "\ud800"]), scenario, max_size=2
    ),
    small,
)

ODD_KEYS = ["dead_weight", "\ud800", "²⁰²⁴", "x" * 10_000, ""]
MODEL_FIELDS = [*Model.model_fields, *ODD_KEYS]
INPUT_FIELDS = [*sroi.Input.model_fields, "amout", *ODD_KEYS]
OUTCOME_FIELDS = [*sroi.Outcome.model_fields, *ODD_KEYS]


def base_model() -> dict[str, Any]:
    """A valid model with a value, a proxy, stakeholders, outputs and a scenario."""
    m = hand_worked()
    m["price_year"] = "2012/13"
    m["outcomes"].append(
        {
            "stakeholder": "DWP",
            "outcome": "Off benefits",
            "quantity": 10,
            "proxy": JSA,
            "duration": 2,
            "deadweight": {"distribution": "triangular", "low": 0.1, "mode": 0.2, "high": 0.4},
        }
    )
    m["outputs"] = [{"description": "Sessions", "quantity": 12}]
    m["scenarios"] = {"low": {"deadweight": "+0.1", "outcomes": {"outcome_1": {"value": "-20%"}}}}
    return m


@st.composite
def mutated(draw) -> dict[str, Any]:
    """The base model with one to four fields set to odd values, deleted or added."""
    m = base_model()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        where = draw(st.sampled_from(["model", "inputs", "outcomes", "outcomes", "scenarios"]))
        if where == "scenarios":
            m["scenarios"] = draw(scenarios)
            continue
        if where == "model":
            record, fields = m, MODEL_FIELDS
        else:
            items = m.get(where)
            if not isinstance(items, list) or not items:
                m[where] = draw(value)
                continue
            i = draw(st.integers(min_value=0, max_value=len(items) - 1))
            if not isinstance(items[i], dict):
                items[i] = draw(value)
                continue
            record = items[i]
            fields = INPUT_FIELDS if where == "inputs" else OUTCOME_FIELDS
        field = draw(st.sampled_from(fields))
        how = draw(st.integers(min_value=0, max_value=5))
        if how == 0:
            record.pop(field, None)
        elif how <= 2:
            record[field] = draw(edge)
        else:
            record[field] = draw(value)
    return m


@contextmanager
def no_hang(seconds: int = SECONDS_PER_EXAMPLE):
    """Fail the example (rather than hang the run) if it takes longer than ``seconds``."""

    def stop(signum, frame):
        raise AssertionError(f"took longer than {seconds} s: a hang")

    if not hasattr(signal, "SIGALRM"):  # pragma: no cover - not on Windows
        yield
        return
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_located(error: sroi.SROIError, *, mapping: bool = True) -> None:
    """Every problem has a location (for a mapping, a non-empty one), a message, and the
    error is JSON-ready."""
    assert error.problems, error
    for p in error.problems:
        assert isinstance(p.location, str) and isinstance(p.message, str) and p.message
        assert p.location or not mapping, p
        assert isinstance(p.allowed, str) and p.kind in sroi.errors.KINDS
    # JSON-ready, and writable as UTF-8 (a file, a terminal) however odd the text given
    json.dumps(error.to_dict(), allow_nan=False, ensure_ascii=False).encode("utf-8")
    text = str(error)
    text.encode("utf-8")
    assert len(text) < 20_000 + 2_500 * len(error.problems)


def assert_finite(result: sroi.Result) -> None:
    for name in ("present_value", "total_investment", "npv", "ratio", "net_ratio"):
        figure = getattr(result, name)
        assert isinstance(figure, float) and math.isfinite(figure), (name, figure)
    for name in ("payback_months", "discounted_payback_years"):
        figure = getattr(result, name)
        assert figure is None or math.isfinite(figure), (name, figure)


def outcome_or_error(make) -> Any:
    """``make()``'s answer, or None when it is a located SROIError."""
    with warnings.catch_warnings(), no_hang():
        warnings.simplefilter("ignore")
        try:
            return make()
        except sroi.SROIError as exc:
            assert_located(exc)
            return None


# -- the dict entry points -----------------------------------------------------------


@FUZZ
@given(mutated())
def test_fuzz_from_dict_gives_a_frozen_model_or_a_located_error(data):
    data = realise(data)
    model = outcome_or_error(lambda: Model.from_dict(data))
    if model is None:
        return
    assert isinstance(model, Model)
    plain = model.to_dict()
    json.dumps(plain, allow_nan=False)
    assert Model.from_dict(plain) == model
    hash(model)


@FUZZ
@given(
    mutated(),
    st.fixed_dictionaries(
        {},
        optional={
            "discount_rate": st.one_of(number, text, st.lists(number, max_size=2)),
            "price_year": st.one_of(number, text),
            "deflator": st.one_of(st.sampled_from(["hmt", "ucd", "ons"]), number),
        },
    ),
)
def test_fuzz_evaluate_gives_finite_figures_or_a_located_error(data, arguments):
    data, arguments = realise(data), realise(arguments)
    result = outcome_or_error(lambda: sroi.evaluate(data, **arguments))
    if result is None:
        return
    assert_finite(result)
    json.dumps(result.to_dict(), allow_nan=False)


@FUZZ
@given(mutated())
def test_fuzz_scenarios_of_a_valid_model_give_finite_figures_or_a_located_error(data):
    data = realise(data)
    table = outcome_or_error(lambda: sroi.sensitivity.compare_scenarios(data))
    if table is None:
        return
    assert np.isfinite(table.to_numpy(dtype=float)).all()


POSITIVE_EDGES = [0.0, 5e-324, 1e-320, 1e-300, 1e-6, 1.0, 1e12, 1e150, 1e300, 1e308]
FRACTION_EDGES = [0.0, -0.0, 5e-324, 1e-16, 0.5, 0.999999, 1 - 1e-16, 1.0]
YEAR_EDGES = [1, 2, 999, 1000]


@st.composite
def extreme_valid(draw) -> dict[str, Any]:
    """The base model with its figures set to valid values at the edges of their ranges."""
    m = base_model()
    positive = st.sampled_from(POSITIVE_EDGES)
    fraction = st.sampled_from(FRACTION_EDGES)
    years = st.sampled_from(YEAR_EDGES)
    m["discount_rate"] = draw(st.one_of(fraction, st.lists(fraction, min_size=1, max_size=3)))
    for item in m["inputs"]:
        item["amount"] = draw(positive)
        item["year"] = draw(st.sampled_from([0, 1, 1000]))
    for item in m["outcomes"]:
        item["quantity"] = draw(positive)
        if "value" in item:
            item["value"] = draw(positive) * draw(st.sampled_from([1, -1]))
        item["duration"] = draw(years)
        item["start_year"] = draw(years)
        for name in ("deadweight", "displacement", "attribution", "drop_off"):
            item[name] = draw(fraction)
    return m


@FUZZ
@given(extreme_valid())
def test_fuzz_figures_at_the_edges_of_their_ranges_are_finite_or_a_located_error(data):
    result = outcome_or_error(lambda: sroi.evaluate(data))
    if result is None:
        return
    assert_finite(result)
    json.dumps(result.to_dict(), allow_nan=False)


# -- the DataFrame entry point -------------------------------------------------------


columns = st.one_of(
    st.just(None),  # the columns as the records give them
    st.lists(st.sampled_from([*OUTCOME_FIELDS, 0, HUGE_INT, ("a", "b")]), min_size=1, max_size=8),
)


def _object_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame of Python objects, headings included.

    With pyarrow installed, pandas stores text headings as Arrow strings, which cannot hold
    a lone surrogate; a frame a user builds that way fails in pandas before sroi sees it.
    """
    names = list(dict.fromkeys(k for r in rows for k in r))
    return pd.DataFrame(
        [[r.get(k) for k in names] for r in rows] or None,
        columns=pd.Index(names, dtype=object),
        dtype=object,
    )


@FUZZ
@given(mutated(), columns, st.booleans())
def test_fuzz_from_frame_gives_a_model_or_a_located_error(data, names, inputs_as_frame):
    data, names = realise(data), realise(names)
    outcomes = data.get("outcomes")
    rows = [r for r in outcomes if isinstance(r, dict)] if isinstance(outcomes, list) else []
    frame = _object_frame(rows)
    if names is not None:
        frame = pd.DataFrame(
            [[r.get(n) if isinstance(n, str) else 1 for n in names] for r in rows] or None,
            columns=pd.Index(names, dtype=object),
            dtype=object,
        )
    inputs = data.get("inputs")
    if inputs_as_frame and isinstance(inputs, list):
        inputs = _object_frame([r for r in inputs if isinstance(r, dict)])
    fields = {k: v for k, v in data.items() if k not in ("outcomes", "inputs")}
    model = outcome_or_error(lambda: Model.from_frame(frame, inputs=inputs, **fields))
    if model is None:
        return
    result = outcome_or_error(lambda: sroi.evaluate(model))
    if result is not None:
        assert_finite(result)


# -- nothing given is changed ---------------------------------------------------------


@FUZZ
@given(mutated())
def test_fuzz_nothing_given_is_changed(data):
    if any(v is BOMB or v is DEEP for v in _leaves(data)):
        return  # showing these in full takes exponential time, or overflows the stack
    data = realise(data)
    before = copy.deepcopy(data)
    outcome_or_error(lambda: sroi.evaluate(data))
    assert _same(data, before)


def _same(a: Any, b: Any) -> bool:
    """Equal, item by item (a deep copy keeps immutable leaves, so NaN is itself)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(_same, a, b))
    return a is b or bool(a == b)


def _leaves(x: Any, depth: int = 0):
    yield x
    if depth < 6 and isinstance(x, dict):
        for v in x.values():
            yield from _leaves(v, depth + 1)
    elif depth < 6 and isinstance(x, list):
        for v in x:
            yield from _leaves(v, depth + 1)
