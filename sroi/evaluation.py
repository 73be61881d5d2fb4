"""``sroi.evaluate``: from a model (object, mapping or file) to a :class:`~sroi.result.Result`."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from operator import attrgetter
from os import PathLike
from typing import Any

import numpy as np

from sroi.adjustments import DiscountRate
from sroi.conventions import DEFAULT, Conventions
from sroi.double_counting import check_rule, count_once, double_counting_warnings
from sroi.engine import Computation, OutcomeArrays, compute
from sroi.errors import ModelError, Problem, ReadingWarning, SROIError, SROIWarning, error_for
from sroi.io import read_model
from sroi.io.files import is_model_text
from sroi.model import Model
from sroi.model.records import (
    DEDUCTIONS_WARNING_THRESHOLD,
    _is_frame,
    checked_with,
    model_warnings,
)
from sroi.parsing import parse_discount_rate, parse_price_year
from sroi.proxies.catalogue import ProxyTable, load
from sroi.proxies.deflators import (
    DEFAULT_SERIES,
    DeflatorSeries,
    Series,
    conversion_warnings,
    deflator_series,
    index_factor,
)
from sroi.result import Result
from sroi.valuation import Valuation, check_proxies, valuation_warnings, value_outcomes
from sroi.who_benefits import check_options

__all__ = ["as_model", "evaluate"]


@contextmanager
def _read_warnings() -> Iterator[list[ReadingWarning]]:
    """The :class:`~sroi.errors.ReadingWarning` s of reading a model file, kept for the
    result; every warning caught is issued again when the reading is done."""
    found: list[ReadingWarning] = []
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as recorded:
            warnings.simplefilter("always", ReadingWarning)
            try:
                yield found
            finally:
                caught.extend(recorded)
    finally:
        for w in caught:
            if isinstance(w.message, ReadingWarning):
                found.append(w.message)
                warnings.warn(w.message, stacklevel=4)
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def as_model(model: Model | Mapping[str, Any] | str | PathLike[str]) -> Model:
    """Return ``model`` as a validated :class:`Model` (from a Model, a mapping or a file path).

    A mapping's ``outcomes``, ``inputs`` and ``outputs`` may each be a pandas DataFrame,
    one row per item and one column per field (:meth:`Model.from_frame
    <sroi.model.Model.from_frame>`): ``{"name": "Advice", "inputs": inputs_df,
    "outcomes": outcomes_df}``. A blank deduction cell is read as 0 and said in a
    :class:`~sroi.errors.ReadingWarning` (which :func:`evaluate` keeps in
    ``result.warnings``); any other blank in a required column is a located error. A
    DataFrame alone is refused with a message saying how to give its inputs: a model
    needs inputs for its ratio, and a frame of outcomes does not hold them.

    A path may be a YAML or JSON model, an Excel impact map (``.xlsx``) or a folder or
    ``.zip`` of CSV tables (see :mod:`sroi.io`). A str is always a path, never model text:
    text that is plainly JSON or YAML (a line break, or a leading ``{`` or ``[``) and names
    no file is a :class:`~sroi.errors.ModelError` saying to parse it first, so that a
    mistake cannot read the wrong thing.

    Examples
    --------
    >>> as_model('{"name": "Garden", "inputs": [], "outcomes": []}')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the model:
      model: is JSON or YAML text, not a path: ...
    """
    if isinstance(model, Model):
        return model
    if isinstance(model, Mapping):
        tables = ("outcomes", "inputs", "outputs")
        if any(_is_frame(model.get(name)) for name in tables):
            fields = {k: v for k, v in model.items() if k not in ("outcomes", "inputs")}
            return Model._from_tables(
                model.get("outcomes", []), model.get("inputs", []), fields, outcome_lists=True
            )
        return Model.from_dict(model)
    if _is_frame(model):
        raise ModelError(
            [
                Problem(
                    "model",
                    "is a DataFrame alone; a model also needs its name and inputs: pass "
                    "{'name': ..., 'inputs': inputs_df, 'outcomes': outcomes_df} (each table "
                    "a DataFrame or a list of mappings)",
                    f"a DataFrame of {len(model)} rows",
                    allowed="a sroi.Model, a mapping (its tables may be DataFrames), or the "
                    "path of a model file",
                )
            ]
        )
    if isinstance(model, (str, PathLike)):
        if isinstance(model, str) and is_model_text(model):
            shown = model if len(model) <= 60 else model[:57] + "..."
            raise ModelError(
                [
                    Problem(
                        "model",
                        "is JSON or YAML text, not a path: a model is a sroi.Model, a mapping "
                        "of its fields, or the path of a model file; parse the text first "
                        "(json.loads(text) or yaml.safe_load(text)) and pass the mapping",
                        shown,
                        allowed="a sroi.Model, a mapping, or the path of a model file",
                    )
                ]
            )
        return read_model(model)
    raise ModelError(
        [
            Problem(
                "",
                "a model must be a sroi.Model, a mapping, or the path of a .yaml/.json file, "
                f"not {type(model).__name__}",
            )
        ]
    )


_FIGURES = attrgetter(
    "quantity", "deadweight", "displacement", "attribution", "drop_off", "duration",
    "start_year", "leakage",
)  # fmt: skip
"""An outcome's figures, in the order of :func:`_outcome_arrays`' columns."""


def _outcome_arrays(
    model: Model, valuations: tuple[Valuation, ...], conventions: Conventions = DEFAULT
) -> OutcomeArrays:
    """The model's outcomes as the engine's columns (first-year values of yearly lists)."""
    outcomes = model.outcomes
    value = np.array([v.value for v in valuations], dtype=float)
    yearly: set[str] = set()
    try:  # every figure a number: one conversion of the whole table
        columns = np.array([_FIGURES(o) for o in outcomes], dtype=float).reshape(-1, 8)
    except ValueError:  # a figure given year by year (a list): its first year here
        yearly = {name for o in outcomes for name in o.yearly}
        columns = np.array(
            [
                (
                    o.first_year("quantity"),
                    o.first_year("deadweight"),
                    o.first_year("displacement"),
                    o.first_year("attribution"),
                    o.drop_off,
                    o.duration,
                    o.start_year,
                    o.first_year("leakage"),
                )
                for o in outcomes
            ],
            dtype=float,
        ).reshape(-1, 8)
    q, dw, dp, at, d, duration, start, leakage = columns.T
    first = [o.drop_off_from for o in outcomes]
    profiles = None
    series = any(v.yearly for v in valuations)  # a proxy that is a series over years
    if yearly or series:
        width = max(math.ceil(o.duration) for o in outcomes)
        profiles = {
            name: np.array(
                [
                    _padded(getattr(o, name), width)
                    if isinstance(getattr(o, name), tuple)
                    else [o.first_year(name)] * width
                    for o in outcomes
                ],
                dtype=float,
            )
            for name in sorted(yearly)
        }
        if series:
            profiles["value"] = np.array(
                [_padded(v.yearly, width) if v.yearly else [v.value] * width for v in valuations],
                dtype=float,
            )
    return OutcomeArrays(
        quantity=q,
        value=value,
        deadweight=dw,
        displacement=dp,
        attribution=at,
        drop_off=d,
        duration=duration,
        start_year=start,
        leakage=leakage if leakage.any() else None,
        drop_off_from_first_year=None
        if all(f is None for f in first)
        else np.array(
            [
                conventions.drop_off_from == "first_year" if f is None else f == "first_year"
                for f in first
            ],
            dtype=bool,
        ),
        profiles=profiles,
    )


def _model_warnings(
    model: Model, conventions: Conventions, arrays: OutcomeArrays
) -> tuple[SROIWarning, ...]:
    """:func:`~sroi.model.records.model_warnings`, asked only when some outcome's first-year
    deductions (the engine's columns) may remove more than the threshold (with a little
    slack, so that every borderline outcome gets the exact check)."""
    leakage = 0.0 if arrays.leakage is None else arrays.leakage
    if conventions.deductions == "additive":
        removed = np.minimum(
            1.0, arrays.deadweight + arrays.displacement + arrays.attribution + leakage
        )
    else:
        kept = (1.0 - arrays.deadweight) * (1.0 - arrays.displacement)
        removed = 1.0 - kept * (1.0 - arrays.attribution) * (1.0 - leakage)
    if np.all(removed <= DEDUCTIONS_WARNING_THRESHOLD - 1e-9):
        return ()
    return model_warnings(model, conventions)


def _padded(values: tuple[float, ...], width: int) -> list[float]:
    return [*values, *([values[-1]] * (width - len(values)))]


_DESCRIPTIONS: dict[int, tuple[DeflatorSeries, str]] = {}
"""Each deflator series' own description, by the series' identity (hashing a series hashes
every year of it)."""


def _describe(series: DeflatorSeries, labels: tuple[SROIWarning, ...]) -> str:
    """What the result records of the deflator series (the same text every evaluation
    with no forecast or projected year gives, so kept for the series, which is frozen)."""
    if labels:
        return series.describe(labels)
    kept = _DESCRIPTIONS.get(id(series))
    if kept is None or kept[0] is not series:
        if len(_DESCRIPTIONS) >= 64:
            _DESCRIPTIONS.clear()
        kept = _DESCRIPTIONS[id(series)] = (series, series.describe())
    return kept[1]


def _no_model_price_year(price_year: Any) -> Problem:
    return Problem(
        "price_year",
        "the model has no price_year, so its amounts cannot be moved to another",
        price_year,
        allowed="a price_year in the model, to move its amounts from",
        kind="missing",
    )


def _restatement(
    model: Model, target: int | str | None, deflator: Series
) -> tuple[int | str | None, float]:
    """The result's price year and the factor moving the model's own amounts to it."""
    if target is None:
        return model.price_year, 1.0
    if target == model.price_year:
        return target, 1.0
    if model.price_year is None:
        raise ModelError([_no_model_price_year(target)])
    return target, index_factor(model.price_year, target, series=deflator)


def _argument_problems(
    discount_rate: Any, proxies: Any, price_year: Any
) -> tuple[list[Problem], Any, int | str | None]:
    """Check evaluate's own arguments: (problems, the discount rate, the result's price year)."""
    problems: list[Problem] = []
    rate = None
    if discount_rate is not None:
        try:
            rate = parse_discount_rate(discount_rate, "discount_rate")
        except ModelError as exc:
            problems += exc.problems
    if proxies is not None and not isinstance(proxies, ProxyTable):
        problems.append(
            Problem(
                "proxies",
                "must be a sroi.proxies.ProxyTable (see sroi.proxies.read_table)",
                type(proxies).__name__,
                allowed="a sroi.proxies.ProxyTable",
            )
        )
    target = None
    if price_year is not None:
        try:
            target = parse_price_year(price_year, "price_year").plain
        except ModelError as exc:
            problems += exc.problems
    return problems, rate, target


def _deflator(deflator: Any, problems: list[Problem]) -> DeflatorSeries | None:
    """The GDP deflator series evaluate's ``deflator`` names; None, with the problems
    added, when it names none (an unknown name, a missing or invalid file)."""
    try:
        return deflator_series(deflator)
    except ModelError as exc:
        problems += exc.problems
        return None


def evaluate(
    model: Model | Mapping[str, Any] | str | PathLike[str],
    *,
    discount_rate: DiscountRate | None = None,
    proxies: ProxyTable | None = None,
    deflator: Series = DEFAULT_SERIES,
    price_year: int | str | None = None,
    conventions: Conventions | Mapping[str, Any] | None = None,
    double_counting: str = "warn",
    optimism_bias: Mapping[str, Any] | None = None,
    median_income: float | None = None,
) -> Result:
    """Evaluate an SROI model: present value, NPV, the SROI ratio, payback and the tables.

    Parameters
    ----------
    model : Model, mapping, or path
        A :class:`Model`, a mapping with the fields of a model file (its JSON Schema is
        :func:`sroi.model_schema`), or the path of a model file: ``.yaml``/``.yml``/
        ``.json``, an Excel impact map (``.xlsx``), or a folder or ``.zip`` of CSV tables
        (:mod:`sroi.io`). A mapping is not changed.
    discount_rate : float, str or sequence of float, optional
        Overrides the model's discount rate: a constant rate [fraction, 0-1], a schedule
        name (``"green_book"``, ``"green_book_health"``) or yearly rates.
    proxies : ProxyTable, optional
        The table that outcomes' ``proxy`` ids are looked up in; default the bundled table
        (:func:`sroi.proxies.load`), read only when an outcome names a proxy. Use
        :func:`sroi.proxies.read_table` to bring your own (licensed) values.
    deflator : str, path or DeflatorSeries, default "hmt"
        The GDP deflator series that moves each proxy from its own price year to the
        model's, and the model's amounts to ``price_year``: a bundled series (``"hmt"``,
        HM Treasury, March 2026, financial years 2000/01-2030/31, 2025/26 on OBR
        forecasts; ``"hmt_dec2025"``; ``"ucd"``), the path of a CSV or Excel file of your
        own, or a series from :func:`sroi.proxies.read_deflators` (which can also project
        it beyond its last year: ``extrapolate=0.02``). See :mod:`sroi.proxies.deflators`.
        The result records the series (name, vintage, range), and says in its warnings
        when a figure rests on a forecast or projected index.
    price_year : int or str, optional
        Present the result in another price year (``2024`` or ``"2024/25"``): the model's
        own amounts (inputs and outcomes' ``value``) are moved from the model's price year
        with the same deflator, and proxies straight from their own. The model is not
        changed.
    conventions : Conventions or mapping, optional
        Overrides the model's ``conventions:`` block (:mod:`sroi.conventions`), e.g.
        ``{"discount_timing": "mid_year", "drop_off_from": "first_year"}``: options not
        given keep their defaults. The result records the conventions it used.
    double_counting : {"warn", "highest"}, default "warn"
        What to do when one stakeholder has several outcomes in the same
        ``outcome_group`` (the same change valued more than once): ``"warn"`` counts every
        one, with an :class:`~sroi.errors.SROIWarning` at each later outcome;
        ``"highest"`` counts only the one with the highest present value and values the
        others at 0, recorded in ``result.not_counted`` and ``to_dict()["parameters"]``.
    optimism_bias : mapping, optional
        ``{"costs": 0.321, "benefits": 0.1, "source": "..."}``: raise the investment by
        ``costs`` [fraction, >= 0] and reduce the outcomes' value by ``benefits``
        [fraction, 0-1] (:func:`sroi.adjustments.optimism_bias` combines the Green Book's
        upper bounds). The adjusted figures are ``result.optimism_adjusted``, beside the
        unadjusted ones, which do not change.
    median_income : float, optional
        The median equivalised household income [money / year, model prices] that
        distributional weights are relative to (``result.weighted``); default the median
        of the incomes of the model's ``groups``.

    Returns
    -------
    Result

    Raises
    ------
    SROIError
        Listing every problem of the model and the arguments together, each with its
        location, the value given and what is allowed: its fields, its proxy ids (with the
        closest ids) and its units. It is an :class:`~sroi.errors.UnknownProxyError` when
        every problem is an unknown proxy id, a :class:`~sroi.errors.UnitError` when every
        problem is a unit that does not fit what the outcome's quantity counts, and a
        :class:`~sroi.errors.ModelError` otherwise (see :func:`sroi.errors.error_for`).

    Warnings
    --------
    SROIWarning
        For input that is legal but suspicious (deductions above 90 %, a proxy with no
        price year, the same change valued twice); each is also recorded in
        ``result.warnings`` and ``result.to_dict()``.

    Examples
    --------
    The hand-worked example: 100 people each gaining an outcome worth £1,000 a year for
    three years; deadweight 25 %, attribution 10 %, drop-off 10 %; £150,000 invested.

    >>> import sroi
    >>> result = sroi.evaluate({
    ...     "name": "Employment support",
    ...     "inputs": [{"stakeholder": "Council", "amount": 150_000}],
    ...     "outcomes": [{"stakeholder": "Participants", "outcome": "Into work",
    ...                   "quantity": 100, "value": 1_000, "duration": 3,
    ...                   "deadweight": 0.25, "attribution": 0.10, "drop_off": 0.10}],
    ... })
    >>> round(result.present_value, 2), round(result.npv, 2), round(result.ratio, 4)
    (171241.88, 21241.88, 1.1416)
    >>> round(result.payback_months, 2)
    26.67
    """
    problems, rate, target = _argument_problems(discount_rate, proxies, price_year)
    problems += check_rule(double_counting)
    found, bias, median = check_options(optimism_bias, median_income)
    problems += found
    index_series = _deflator(deflator, problems)
    chosen = None
    try:
        chosen = None if conventions is None else Conventions.parse(conventions)
    except SROIError as exc:
        problems += exc.problems
    loaded: list[ProxyTable] = []

    def table() -> ProxyTable:
        if proxies is not None:
            return proxies
        if not loaded:
            loaded.append(load())
        return loaded[0]

    bad = {p.location for p in problems}

    def check(data: Mapping[str, Any]) -> list[Problem]:
        # run while the model's fields are checked: proxies and units in the same round
        found = check_proxies(data, table, deflator=index_series, price_year=target)
        if target is not None and data.get("price_year") is None:
            found.append(_no_model_price_year(price_year))
        return found

    try:
        with checked_with(None if "proxies" in bad else check), _read_warnings() as read:
            m = as_model(model)
    except SROIError as exc:
        raise error_for([*problems, *exc.problems], title=exc.title) from None
    if problems:
        raise error_for(problems, title="the arguments of sroi.evaluate")
    if rate is None:
        rate, source = m.discount_rate, "model"
    else:
        source = "argument"
    try:
        target, restate = _restatement(m, target, index_series)  # type: ignore[arg-type]
    except ModelError as exc:  # the model's or the asked-for price year is not in the series
        problems += [p.at("price_year") for p in exc.problems]
        restate = 1.0
    needs_table = any(o.proxy is not None for o in m.outcomes)
    try:
        valuations = value_outcomes(
            m,
            table() if needs_table else proxies,
            deflator=index_series,  # type: ignore[arg-type]
            price_year=target,
            restate=restate,
        )
    except SROIError as exc:
        problems += exc.problems
    if problems:
        raise error_for(problems)
    sources = [("price_year", m.price_year)] + [
        (f"outcomes[{i}].proxy", v.proxy.price_year) for i, v in enumerate(valuations) if v.proxy
    ]
    labels = conversion_warnings(index_series, target, sources)  # type: ignore[arg-type]
    for label in labels:  # a forecast or projected index: said in the result and as a warning
        warnings.warn(label, stacklevel=2)
    used = chosen or m.conventions or DEFAULT

    def run(arrays: OutcomeArrays) -> Computation:
        amounts = [i.amount * restate for i in m.inputs]
        return compute(arrays, amounts, [i.year for i in m.inputs], rate, conventions=used)

    arrays = _outcome_arrays(m, valuations, used)
    computation = run(arrays)
    computation, not_counted = count_once(m, computation, double_counting, run)
    overlaps = double_counting_warnings(m) if double_counting == "warn" else ()
    for overlap in overlaps:
        warnings.warn(overlap, stacklevel=2)
    return Result(
        model=m,
        computation=computation,
        discount_rate=rate,
        discount_rate_from=source,
        valuations=valuations,
        proxy_table=table() if needs_table else proxies,
        deflator=_describe(index_series, labels),  # type: ignore[arg-type]
        price_year=target,
        price_index=restate,
        warnings=(
            *read,
            *_model_warnings(m, used, arrays),
            *valuation_warnings(
                valuations, [o.proxy for o in m.outcomes], [o.duration for o in m.outcomes]
            ),
            *labels,
            *overlaps,
        ),
        double_counting=double_counting,
        not_counted=not_counted,
        median_income=median,
        optimism_bias=bias,
    )
