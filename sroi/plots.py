"""Plots of a :class:`~sroi.result.Result`: the value waterfall, value by year, who gains,
and the tornado chart of a sensitivity analysis.

matplotlib is an optional dependency (``pip install 'sroi[plot]'``); it is imported only
when a plot is drawn. Every function draws on the ``ax`` given (or a new figure's), labels
its money axis with the currency and price year, returns the :class:`matplotlib.axes.Axes`
and never calls ``plt.show()``.

The arithmetic behind the waterfall is the pure function :func:`waterfall_steps`, which
needs only pandas.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi.errors import ModelError, Problem
from sroi.formatting import money, percent
from sroi.result import Result

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

    from sroi.sensitivity.monte_carlo import Simulation

__all__ = ["breakdown", "histogram", "tornado", "value_by_year", "waterfall", "waterfall_steps"]

#: Colours (colour-blind safe, from the Okabe-Ito palette).
_TOTAL = "#0072B2"
_LOSS = "#D55E00"
_GAIN = "#009E73"
_INVEST = "#7F7F7F"
_LIGHT = "#56B4E9"


def _plain(text: str) -> str:
    """User text shown as typed: a ``$`` would otherwise start matplotlib's mathtext."""
    return str(text).replace("$", r"\$")


def _pyplot() -> Any:
    """matplotlib.pyplot, or a clear ImportError saying how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "sroi's plots need matplotlib, an optional dependency: pip install 'sroi[plot]'"
        ) from exc
    return plt


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, new = _pyplot().subplots(figsize=size, layout="constrained")
    return new


def _money_axis_label(currency: str, price_year: int | str | None) -> str:
    """``"Value [GBP, 2024 prices]"``."""
    prices = f", {price_year} prices" if price_year is not None else ""
    return f"{currency}{prices}"


def _money_axis(axis: Any, currency: str, nbins: int = 8) -> None:
    """Money ticks with the currency symbol and thousands separators (``£250,000``)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: money(x, currency, 0)))


# --------------------------------------------------------------------------------------
# Waterfall

_WATERFALL_LEVELS = (
    ("Gross value", "total", "gross"),
    ("Deadweight", "step", "after_deadweight"),
    ("Displacement", "step", "after_displacement"),
    ("Attribution", "step", "after_attribution"),
)


def waterfall_steps(result: Result) -> pd.DataFrame:
    """The steps of the value waterfall, from gross value to present value, and the investment.

    Over each outcome's life, the gross value is ``gross * duration`` (quantity x value for
    every year); each deduction removes its per-year step difference times the duration
    (deadweight removes ``(gross - after_deadweight) * duration``, and so on); drop-off
    takes the rest down to the undiscounted ``total_impact``; discounting takes that to
    ``present_value``. The investment (``total_investment``) follows as a bar of its own.

    Parameters
    ----------
    result : Result
        An evaluated model.

    Returns
    -------
    pandas.DataFrame
        One row per bar: ``step`` (label); ``kind`` (``"total"``, ``"step"`` or
        ``"investment"``); ``value``, the bar's own amount [money] (negative for a loss);
        ``cumulative``, the level after the step [money]. The ``Present value`` row's
        ``cumulative`` is exactly ``result.present_value``.

    Examples
    --------
    The hand-worked example: 100 x £1,000 a year for 3 years; deadweight 25 %, attribution
    10 %, drop-off 10 %, discounted at 3.5 %.

    >>> import sroi
    >>> r = sroi.evaluate({"name": "Hand-worked",
    ...     "inputs": [{"stakeholder": "Funder", "amount": 150_000}],
    ...     "outcomes": [{"stakeholder": "Participants", "outcome": "Into work",
    ...                   "quantity": 100, "value": 1_000, "duration": 3,
    ...                   "deadweight": 0.25, "attribution": 0.10, "drop_off": 0.10}]})
    >>> waterfall_steps(r).round(2)
                step        kind      value  cumulative
    0    Gross value       total  300000.00   300000.00
    1     Deadweight        step  -75000.00   225000.00
    2   Displacement        step       0.00   225000.00
    3    Attribution        step  -22500.00   202500.00
    4       Drop-off        step  -19575.00   182925.00
    5    Discounting        step  -11683.12   171241.88
    6  Present value       total  171241.88   171241.88
    7     Investment  investment  150000.00   150000.00
    """
    import pandas as pd

    table = result.by_outcome
    duration = table["duration"].to_numpy(dtype=float)
    steps = _WATERFALL_LEVELS
    if any(o.leakage for o in result.model.outcomes):  # a fifth deduction, shown when used
        steps = (*steps, ("Leakage", "step", "after_leakage"))
    levels = [float(np.sum(table[col].to_numpy(dtype=float) * duration)) for *_, col in steps]
    levels += [float(table["total_impact"].sum()), result.present_value]
    labels = [label for label, *_ in steps] + ["Drop-off", "Discounting"]
    kinds = [kind for _, kind, _ in steps] + ["step", "step"]
    values = [levels[0], *np.diff(levels)]
    labels += ["Present value", "Investment"]
    kinds += ["total", "investment"]
    values += [result.present_value, result.total_investment]
    levels += [result.present_value, result.total_investment]
    return pd.DataFrame(
        {
            "step": labels,
            "kind": kinds,
            "value": np.asarray(values, dtype=float),
            "cumulative": np.asarray(levels, dtype=float),
        }
    )


def waterfall(result: Result, ax: Axes | None = None) -> Axes:
    """The value waterfall: from gross value, through each deduction and discounting, to the
    present value, beside the investment.

    Bars of :func:`waterfall_steps`: totals (gross value, present value) stand on zero;
    each loss hangs from the previous level to the next; the investment stands beside the
    present value, so the SROI ratio can be seen as the ratio of the last two bars.

    Parameters
    ----------
    result : Result
        An evaluated model.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure's axes.

    Returns
    -------
    matplotlib.axes.Axes
        The bars are ``ax.containers[0]``, in the order of :func:`waterfall_steps`.
    """
    steps = waterfall_steps(result)
    ax = _axes(ax, (9, 5))
    cur = result.currency
    start = np.concatenate([[0.0], steps["cumulative"].to_numpy()[:-1]])
    end = steps["cumulative"].to_numpy()
    is_step = (steps["kind"] == "step").to_numpy()
    bottoms = np.where(is_step, np.minimum(start, end), np.minimum(0.0, end))
    heights = np.where(is_step, np.abs(end - start), np.abs(end))
    colours = [
        _INVEST if k == "investment" else _TOTAL if k == "total" else _LOSS if v < 0 else _GAIN
        for k, v in zip(steps["kind"], steps["value"], strict=True)
    ]
    x = np.arange(len(steps))
    ax.bar(x, heights, bottom=bottoms, color=colours, width=0.7, zorder=2)
    # thin connectors from each bar's end to the next bar's start
    for i in range(len(steps) - 2):
        ax.plot([i + 0.35, i + 0.65], [end[i], end[i]], color="0.4", lw=0.8, zorder=1)
    span = float(np.max(np.abs(np.concatenate([start, end])))) or 1.0
    for i, (value, bottom, height) in enumerate(zip(steps["value"], bottoms, heights, strict=True)):
        if steps["kind"][i] == "step" and abs(value) < 5e-4 * span:
            text = "none"
        else:
            sign = "+" if steps["kind"][i] == "step" and value > 0 else ""
            text = sign + money(value, cur, 0)
        ax.text(i, bottom + height + 0.01 * span, text, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, [s.replace(" ", "\n") for s in steps["step"]], fontsize=9)
    ax.axhline(0, color="0.3", lw=0.8)
    _money_axis(ax.yaxis, cur)
    ax.set_ylabel(f"Value over the model's life [{_money_axis_label(cur, result.price_year)}]")
    ax.set_ylim(top=float(np.max(bottoms + heights)) + 0.08 * span)
    ax.set_title(
        f"{_plain(result.model.name)}: from gross value to present value "
        f"(SROI ratio {result.ratio:.2f} : 1)",
        fontsize=10,
    )
    ax.grid(axis="y", color="0.9", zorder=0)
    ax.set_axisbelow(True)
    return ax


# --------------------------------------------------------------------------------------
# Value by year


def value_by_year(result: Result, ax: Axes | None = None) -> Axes:
    """Impact and present value by year, with cumulative present value against the
    investment (discounted payback is where the line crosses it).

    Parameters
    ----------
    result : Result
        An evaluated model.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure's axes.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers[0]`` holds the undiscounted impact bars and ``ax.containers[1]``
        the present-value bars, one per year of ``result.by_year`` (bar centres at
        ``year - 0.2`` and ``year + 0.2``); the cumulative present value is the line
        labelled ``"Cumulative present value"`` and the investment the horizontal line
        labelled ``"Total investment"``.
    """
    table = result.by_year
    ax = _axes(ax, (9, 5))
    cur = result.currency
    years = table["year"].to_numpy()
    width = 0.4
    ax.bar(years - width / 2, table["impact"], width, color=_LIGHT, label="Impact (undiscounted)")
    ax.bar(years + width / 2, table["present_value"], width, color=_TOTAL, label="Present value")
    ax.plot(
        years,
        table["cumulative_present_value"],
        color=_GAIN,
        marker="o",
        lw=2,
        label="Cumulative present value",
    )
    ax.axhline(
        result.total_investment,
        color=_LOSS,
        ls="--",
        lw=1.5,
        label=f"Total investment ({money(result.total_investment, cur, 0)})",
    )
    payback = result.discounted_payback_years
    if payback is not None:
        ax.axvline(payback, color="0.4", ls=":", lw=1)
        ax.annotate(
            f"discounted payback\n{payback:.2f} years",
            xy=(payback, result.total_investment),
            xytext=(6, -6),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=8,
            color="0.25",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
        )
    ax.set_xticks(years)
    ax.set_xlabel("Year (0 = start; money discounted at the end of each year)")
    _money_axis(ax.yaxis, cur)
    ax.set_ylabel(f"Value [{_money_axis_label(cur, result.price_year)}]")
    ax.set_title(f"{_plain(result.model.name)}: value by year", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    ax.grid(axis="y", color="0.9")
    ax.set_axisbelow(True)
    top = max(float(table["cumulative_present_value"].max()), result.total_investment)
    ax.set_ylim(top=top * 1.25)
    return ax


# --------------------------------------------------------------------------------------
# Breakdown


def breakdown(result: Result, by: str = "stakeholder", ax: Axes | None = None) -> Axes:
    """Present value by group (``result.breakdown(by)``), largest at the top, with shares.

    Parameters
    ----------
    result : Result
        An evaluated model.
    by : str, default "stakeholder"
        One of :attr:`Result.BREAKDOWNS`: ``"stakeholder"``, ``"outcome"``,
        ``"value_type"``, ``"bearer"``, ``"category"``, ``"marmot_objective"``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure's axes.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers[0]`` holds one horizontal bar per group, in the order of
        ``result.breakdown(by)`` (bar ``i`` at ``y = i``, the y axis inverted so the
        largest is at the top); each bar is labelled with its value and share.
    """
    frame = result.breakdown(by)
    ax = _axes(ax, (9, 0.8 + 0.45 * max(len(frame), 3)))
    cur = result.currency
    y = np.arange(len(frame))
    values = frame["present_value"].to_numpy(dtype=float)
    colours = [_TOTAL if v >= 0 else _LOSS for v in values]
    bars = ax.barh(y, values, color=colours, height=0.6)
    labels = [
        f"{money(v, cur, 0)} ({percent(s)})" if np.isfinite(s) else money(v, cur, 0)
        for v, s in zip(values, frame["share"], strict=True)
    ]
    ax.bar_label(bars, labels=labels, padding=3, fontsize=8)
    ax.set_yticks(y, [_plain(textwrap.fill(str(name), 32)) for name in frame[by]], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", lw=0.8)
    lo, hi = min(0.0, float(values.min(initial=0.0))), max(0.0, float(values.max(initial=0.0)))
    pad = 0.3 * ((hi - lo) or 1.0)
    ax.set_xlim(lo - (pad if lo < 0 else 0), hi + pad)
    _money_axis(ax.xaxis, cur, nbins=5)
    ax.set_xlabel(f"Present value [{_money_axis_label(cur, result.price_year)}]")
    ax.set_title(
        f"{_plain(result.model.name)}: present value by {by.replace('_', ' ')}",
        fontsize=10,
    )
    ax.grid(axis="x", color="0.9")
    ax.set_axisbelow(True)
    return ax


# --------------------------------------------------------------------------------------
# Tornado

_TORNADO_COLUMNS = ("parameter", "outcome", "low", "high", "ratio_low", "ratio_high")
_TORNADO_COLUMNS += ("base_ratio", "swing")


def _fmt_param(x: Any) -> str:
    if isinstance(x, (int, float, np.number)) and not isinstance(x, bool):
        return f"{float(x):,.4g}"
    return str(x)


def tornado(frame: pd.DataFrame, ax: Axes | None = None, *, currency: str | None = None) -> Axes:
    """A tornado chart of one-way sensitivity: how far each parameter moves the SROI ratio.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per parameter, with columns ``parameter``; ``outcome`` (the outcome it
        belongs to, or None for a model-wide parameter such as the discount rate);
        ``low`` and ``high`` (the parameter's tested values); ``ratio_low`` and
        ``ratio_high`` (the SROI ratio at each [money per unit invested]);
        ``base_ratio``; ``swing`` (``|ratio_high - ratio_low|``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure's axes.
    currency : str, optional
        Currency code for the axis label (``"GBP"``).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers[0]`` holds the bars from ``base_ratio`` to ``ratio_low`` and
        ``ax.containers[1]`` those to ``ratio_high``, one per row sorted by ``swing``,
        largest first and at the top (row ``i`` at ``y = i``, the y axis inverted). A
        vertical line marks the 1 : 1 break-even.

    Raises
    ------
    ModelError
        If ``frame`` is not a table with those columns (a :class:`ValueError` too).
    """
    columns = getattr(frame, "columns", None)
    missing = [c for c in _TORNADO_COLUMNS if columns is None or c not in columns]
    if missing:
        raise ModelError(
            [
                Problem(
                    "frame",
                    f"needs column(s) {', '.join(missing)}: give the table sroi.sensitivity."
                    "tornado() returns",
                )
            ],
            title="the arguments of tornado()",
        )
    rows = frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    ax = _axes(ax, (9, 1.2 + 0.5 * max(len(rows), 3)))
    base = rows["base_ratio"].to_numpy(dtype=float)
    low = rows["ratio_low"].to_numpy(dtype=float)
    high = rows["ratio_high"].to_numpy(dtype=float)
    y = np.arange(len(rows))
    ax.barh(y, low - base, left=base, height=0.6, color=_LIGHT, label="low value")
    ax.barh(y, high - base, left=base, height=0.6, color=_TOTAL, label="high value")
    for i in range(len(rows)):
        for ratio, value in ((low[i], rows["low"][i]), (high[i], rows["high"][i])):
            right = ratio >= base[i]
            ax.annotate(
                f"{_fmt_param(value)} → {ratio:.2f}",
                xy=(ratio, i),
                xytext=(4 if right else -4, 0),
                textcoords="offset points",
                ha="left" if right else "right",
                va="center",
                fontsize=7,
            )
    names = [
        str(p) if o is None or (isinstance(o, float) and np.isnan(o)) else f"{p}\n({o})"
        for p, o in zip(rows["parameter"], rows["outcome"], strict=True)
    ]
    ax.set_yticks(y, [_plain(name) for name in names], fontsize=8)
    ax.invert_yaxis()
    if len(rows) and np.allclose(base, base[0]):
        ax.axvline(base[0], color="0.3", lw=1, label=f"base ratio {base[0]:.2f}")
    ax.axvline(1.0, color=_LOSS, ls="--", lw=1.2, label="break-even (1 : 1)")
    values = np.concatenate([low, high, base, [1.0]])
    lo, hi = float(values.min()), float(values.max())
    pad = 0.2 * ((hi - lo) or 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    per = money(1, currency, 0) if currency else "1"
    ax.set_xlabel(f"SROI ratio [value per {per} invested]")
    ax.set_title("Sensitivity of the SROI ratio (one parameter at a time)", fontsize=10)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4, frameon=False)
    ax.grid(axis="x", color="0.9")
    ax.set_axisbelow(True)
    return ax


# --------------------------------------------------------------------------------------
# Monte Carlo histogram


def histogram(simulation: Simulation, ax: Axes | None = None, *, bins: int = 50) -> Axes:
    """The Monte Carlo draws of the SROI ratio as a histogram, with the 1 : 1 line.

    Parameters
    ----------
    simulation : Simulation
        From :func:`sroi.sensitivity.simulate`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure's axes.
    bins : int, default 50
        Number of bars.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.patches`` holds the bars (share of draws in each); vertical lines mark the
        break-even ratio 1 and the central (deterministic) ratio; the title gives
        P(ratio > 1) and the number of draws.
    """
    ratio = np.asarray(simulation.ratio, dtype=float)
    ax = _axes(ax, (8, 4.5))
    weights = np.full(ratio.size, 1.0 / max(ratio.size, 1))
    ax.hist(ratio, bins=bins, weights=weights, color=_LIGHT, edgecolor="white", lw=0.5)
    ax.axvline(1.0, color=_LOSS, ls="--", lw=1.2, label="break-even (1 : 1)")
    central = simulation.base.ratio
    ax.axvline(central, color=_TOTAL, lw=1.2, label=f"central estimate {central:.2f}")
    currency = simulation.base.currency
    ax.set_xlabel(f"SROI ratio [value per {money(1, currency, 0)} invested]")
    ax.set_ylabel("share of draws")
    ax.yaxis.set_major_formatter(_percent_formatter())
    above = simulation.probability_ratio_above(1.0)
    ax.set_title(
        f"{_plain(simulation.base.model.name)}: SROI ratio in {simulation.n:,} draws; "
        f"P(ratio > 1) = {percent(above)}",
        fontsize=10,
    )
    ax.legend(fontsize=8, frameon=False)
    ax.grid(axis="y", color="0.9")
    ax.set_axisbelow(True)
    return ax


def _percent_formatter() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)
