"""Charts of a :class:`~sroi.result.Result` and of its sensitivity analysis, for a funder's
board paper: the value waterfall, value by year, who gains, the tornado chart of one-way
sensitivity, and the Monte Carlo histogram and cumulative distribution of the SROI ratio.

Every chart is titled with the programme's name and what it shows, labels its money axis
with the currency and price year, writes the figures on its bars in money (``£1.2m``,
``£45k``), names outcomes by their text rather than their ids, and uses one palette
(:data:`PALETTE`) in which a meaning always has the same colour and adjacent colours
differ in lightness, so a chart printed in black and white still reads. The default size
fits an A4 page (6.5 inches wide; text at least 8 points).

matplotlib is an optional dependency (``pip install 'sroi[plot]'``); it is imported only
when a chart is drawn. Every function draws on the ``ax`` given (or a new figure's),
returns the :class:`matplotlib.axes.Axes` and never calls ``plt.show()``.

The arithmetic behind the waterfall is the pure function :func:`waterfall_steps`, which
needs only pandas.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi.changes import PARAMETERS, parse_change
from sroi.errors import ModelError, Problem, SROIWarning
from sroi.formatting import (
    CURRENCY_SYMBOLS,
    discount_rate_text,
    discounted_payback_text,
    money,
    money_compact,
    percent,
    quantity,
)
from sroi.result import Result

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.text import Text

    from sroi.sensitivity.monte_carlo import Simulation

__all__ = [
    "CATEGORICAL",
    "FIGURE_WIDTH",
    "PALETTE",
    "breakdown",
    "cumulative",
    "histogram",
    "tornado",
    "value_by_year",
    "waterfall",
    "waterfall_steps",
]

# --------------------------------------------------------------------------------------
# Colours and sizes

PALETTE: Mapping[str, str] = MappingProxyType(
    {
        "value": "#0072B2",  # present value, social value: blue
        "value_light": "#56B4E9",  # undiscounted impact; a setting's low end: sky blue
        "deduction": "#E69F00",  # deadweight, attribution, drop-off, discounting: orange
        "gain": "#009E73",  # a step that adds value (a disbenefit's deduction): green
        "investment": "#D55E00",  # the money put in: vermilion
        "uncertain": "#BBBBBB",  # draws at or below break-even: light grey
        "reference": "#000000",  # the 1 : 1 break-even line: black
        "grid": "#E5E5E5",
    }
)
"""The charts' colours by meaning, from Okabe and Ito's colour-blind-safe palette: the same
meaning has the same colour in every chart (and may be used by other writers, such as a
spreadsheet or PDF, for the same meaning). In greyscale (ITU-R 601-2 luma, 0-255) value is
87, value_light 158, deduction 162 (drawn hatched, so it differs from value_light in grey
too), gain 106, investment 119, uncertain 187.

References
----------
.. [1] Okabe, M. and Ito, K. (2008). *Color Universal Design (CUD): how to make figures and
   presentations that are friendly to colorblind people*. https://jfly.uni-koeln.de/color/
"""

CATEGORICAL: tuple[str, ...] = (
    "#0072B2",  # blue (luma 87)
    "#E69F00",  # orange (162)
    "#D55E00",  # vermilion (119)
    "#F0E442",  # yellow (213)
    "#009E73",  # bluish green (106)
    "#56B4E9",  # sky blue (158)
    "#000000",  # black (0)
    "#CC79A7",  # reddish purple (151)
)
"""The Okabe-Ito colours in an order for categories side by side: each differs from the
next in greyscale lightness by at least 40 (of 255), so neighbours stay apart when
printed in black and white."""

FIGURE_WIDTH = 6.5
"""Default chart width [inches]: the text width of an A4 page with 2.5 cm margins, at
which every text is at least 8 points."""

_HATCH_DEDUCTION = "///"
_HATCH_BELOW = "..."
_TITLE_SIZE = 10
_TEXT_SIZE = 8
_TITLE_WIDTH = 78  # characters of a title line at 10 points across 6.5 inches
_LABEL_WIDTH = 40  # characters of a category label at 8 points


def _plain(text: Any) -> str:
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


def _axes(ax: Axes | None, height: float) -> Axes:
    if ax is not None:
        return ax
    _, new = _pyplot().subplots(figsize=(FIGURE_WIDTH, height), layout="constrained")
    return new


def _fill(text: str, width: int) -> list[str]:
    """Lines of ``text`` at most ``width`` characters, never breaking ``3.5 %`` apart."""
    return [
        line.replace("\u00a0", " ") for line in textwrap.wrap(text.replace(" %", "\u00a0%"), width)
    ]


def _title(ax: Axes, what: str, name: str | None, note: str | None = None) -> None:
    """``"What it shows — Programme"`` and a note on its own line, over the plotting area,
    wrapped (never cut) to fit inside the figure."""
    head = f"{what} — {name}" if name else what
    width = _TITLE_WIDTH
    for _ in range(8):
        lines = _fill(head, width) + (_fill(note, int(width * 1.1)) if note else [])
        title = ax.set_title(_plain("\n".join(lines)), fontsize=_TITLE_SIZE)
        figure = ax.figure
        if not _measurable(figure):
            return
        figure.canvas.draw()
        extent = title.get_window_extent(figure.canvas.get_renderer())
        page = figure.bbox
        over = max(page.x0 + 4 - extent.x0, extent.x1 - (page.x1 - 4), 0.0)
        if over == 0 or width <= 20:
            return
        width = max(20, int(width * (extent.width - 2 * over) / extent.width) - 1)


def _money_axis_label(what: str, currency: str, price_year: int | str | None) -> str:
    """``"Present value, £ (2024 prices)"``."""
    unit = CURRENCY_SYMBOLS.get(currency, currency)
    prices = f" ({price_year} prices)" if price_year is not None else ""
    return f"{what}, {unit}{prices}"


def _money_ticks(axis: Any, currency: str, nbins: int = 6) -> None:
    """Money ticks with the currency symbol and thousands separators (``£250,000``)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: money(x, currency, 0)))


def _ratio_text(ratio: float, currency: str | None) -> str:
    """A ratio as money per unit invested on a chart: ``£1.54``, or ``1.54`` unpriced."""
    return money(ratio, currency, 2) if currency else f"{ratio:,.2f}"


def _ratio_axis_label(currency: str | None) -> str:
    """``"SROI ratio: £ of social value per £1 invested"``."""
    if not currency:
        return "SROI ratio: social value per unit invested"
    unit = CURRENCY_SYMBOLS.get(currency, currency)
    return f"SROI ratio: {unit} of social value per {money(1, currency, 0)} invested"


def _legend_below(ax: Axes, handles: Any = None, texts: Any = None) -> None:
    """The legend under the axes' labels, outside the plotting area (so it hides nothing)."""
    from matplotlib.transforms import offset_copy

    below = offset_copy(ax.transAxes, fig=ax.figure, y=-36, units="points")
    args = (handles, texts) if handles is not None else ()
    ax.legend(
        *args,
        fontsize=_TEXT_SIZE,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=below,
        ncol=2,
        frameon=False,
    )


def _range_with_break_even(values: np.ndarray) -> tuple[float, float, bool]:
    """The ratio axis' range: the values', widened to take in the 1 : 1 line unless that
    would squeeze them into less than a third of the axis; and whether it takes it in."""
    lo, hi = float(np.min(values)), float(np.max(values))
    span = max(hi - lo, 1e-9 * max(1.0, abs(hi)))
    shown = lo - span <= 1.0 <= hi + span
    return (min(lo, 1.0), max(hi, 1.0), True) if shown else (lo, hi, False)


def _break_even_text(currency: str | None, shown: bool, values: np.ndarray) -> str:
    """The legend's words for the 1 : 1 line, saying where it is when off the chart."""
    if shown:
        return "Break-even, 1 : 1"
    return "Break-even (1 : 1), off the chart to the " + ("left" if np.min(values) > 1 else "right")


def _per_unit(currency: str | None) -> str:
    return f"per {money(1, currency, 0)} invested" if currency else "per unit invested"


def _grid(ax: Axes, axis: str) -> None:
    ax.grid(axis=axis, color=PALETTE["grid"], lw=0.8)
    ax.set_axisbelow(True)


def _measurable(figure: Any) -> bool:
    """Whether the figure's canvas can measure text (pyplot's and Agg's can; a bare
    :class:`~matplotlib.figure.Figure` cannot, and is then drawn without the fitting)."""
    return callable(getattr(figure.canvas, "get_renderer", None))


def _finish(
    ax: Axes, title: tuple[str, str | None, str | None], texts: Iterable[Text], axis: str
) -> None:
    """Title the chart and keep its labels inside; twice, as each can move the other (a
    title wrapped anew changes the axes' height; wider limits change the tick labels)."""
    texts = list(texts)
    for _ in range(2):
        _title(ax, *title)
        _keep_inside(ax, texts, axis)


def _keep_inside(ax: Axes, texts: Iterable[Text], axis: str, margin_px: float = 4.0) -> None:
    """Widen the ``axis`` limits until every text lies inside the axes (with a margin).

    A text's offset is in points, so its size in data units changes as the limits do: the
    limits are widened a few times, each by the overshoot measured with the renderer.
    """
    texts = list(texts)
    figure = ax.figure
    if not texts or not _measurable(figure):
        return
    for _ in range(6):
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        box = ax.get_window_extent(renderer)
        lo, hi = sorted(ax.get_xlim() if axis == "x" else ax.get_ylim())
        pixels = (box.width if axis == "x" else box.height) or 1.0
        per_pixel = (hi - lo) / pixels
        start, end = (box.x0, box.x1) if axis == "x" else (box.y0, box.y1)
        below = above = 0.0
        for text in texts:
            extent = text.get_window_extent(renderer)
            t0, t1 = (extent.x0, extent.x1) if axis == "x" else (extent.y0, extent.y1)
            below = max(below, start + margin_px - t0)
            above = max(above, t1 - (end - margin_px))
        if below <= 0.5 and above <= 0.5:
            return
        if below + above > 0.6 * pixels:  # the axes are too small for the labels: leave them
            return
        new = (lo - 1.2 * max(below, 0) * per_pixel, hi + 1.2 * max(above, 0) * per_pixel)
        if axis == "x":
            ax.set_xlim(*new)
        else:
            inverted = ax.yaxis_inverted()
            ax.set_ylim(*(new[::-1] if inverted else new))


def _outcome_names(result: Result) -> dict[str, str]:
    """Each outcome's id to its text; texts two outcomes share get the stakeholder too."""
    outcomes = result.model.outcomes
    texts = [o.outcome for o in outcomes]
    names = {}
    for oid, o in zip(result.model.outcome_ids, outcomes, strict=True):
        name = o.outcome
        if texts.count(name) > 1:
            name = f"{name} ({o.stakeholder})"
        names[oid] = name
    return names


def _wrap(text: Any, width: int = _LABEL_WIDTH) -> str:
    return _plain("\n".join(_fill(str(text), width)))


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


def _step_text(value: float, kind: str, span: float, currency: str) -> str:
    """A waterfall bar's label: ``£300k``, ``-£75k``, ``+£2.0k`` or ``none``."""
    if kind == "step" and abs(value) < 5e-4 * span:
        return "none"
    sign = "+" if kind == "step" and value > 0 else ""
    return sign + money_compact(value, currency)


def waterfall(result: Result, ax: Axes | None = None) -> Axes:
    """Where the value comes from: from gross value, through each deduction and
    discounting, to the present value, beside the investment.

    Bars of :func:`waterfall_steps`: totals (gross value, present value) stand on zero in
    the value colour; each deduction hangs from the previous level to the next, hatched in
    the deduction colour; the investment stands beside the present value, so the SROI
    ratio is the ratio of the last two bars. Each bar is labelled with its amount
    (:func:`~sroi.formatting.money_compact`), ``none`` for a deduction that takes nothing.

    Parameters
    ----------
    result : Result
        An evaluated model.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure's axes.

    Returns
    -------
    matplotlib.axes.Axes
        The bars are ``ax.containers[0]`` and their labels ``ax.texts``, both in the order
        of :func:`waterfall_steps`.
    """
    steps = waterfall_steps(result)
    ax = _axes(ax, 4.2)
    cur = result.currency
    start = np.concatenate([[0.0], steps["cumulative"].to_numpy()[:-1]])
    end = steps["cumulative"].to_numpy()
    kinds = steps["kind"].to_list()
    is_step = np.array([k == "step" for k in kinds])
    bottoms = np.where(is_step, np.minimum(start, end), np.minimum(0.0, end))
    heights = np.where(is_step, np.abs(end - start), np.abs(end))
    colours, hatches = [], []
    for kind, value in zip(kinds, steps["value"], strict=True):
        if kind == "step":
            colours.append(PALETTE["deduction"] if value <= 0 else PALETTE["gain"])
            hatches.append(_HATCH_DEDUCTION if value <= 0 else "")
        else:
            colours.append(PALETTE["investment" if kind == "investment" else "value"])
            hatches.append("")
    x = np.arange(len(steps))
    bars = ax.bar(x, heights, bottom=bottoms, color=colours, width=0.7, zorder=2)
    for bar, hatch in zip(bars, hatches, strict=True):
        bar.set_hatch(hatch)
        bar.set_edgecolor("white" if hatch else bar.get_facecolor())
    for i in range(len(steps) - 2):  # thin connectors from each bar's end to the next's start
        ax.plot([i + 0.35, i + 0.65], [end[i], end[i]], color="0.4", lw=0.8, zorder=1)
    span = float(np.max(np.abs(np.concatenate([start, end, [0.0]])))) or 1.0
    labels = []
    for i, (value, bottom, height) in enumerate(zip(steps["value"], bottoms, heights, strict=True)):
        below = kinds[i] != "step" and value < 0  # a negative total hangs below zero
        labels.append(
            ax.annotate(
                _step_text(value, kinds[i], span, cur),
                xy=(i, bottom if below else bottom + height),
                xytext=(0, -3 if below else 3),
                textcoords="offset points",
                ha="center",
                va="top" if below else "bottom",
                fontsize=_TEXT_SIZE,
            )
        )
    ax.set_xticks(
        x,
        steps["step"].to_list(),
        fontsize=_TEXT_SIZE,
        rotation=30,
        ha="right",
        rotation_mode="anchor",
    )
    ax.axhline(0, color="0.3", lw=0.8)
    _money_ticks(ax.yaxis, cur)
    ax.tick_params(axis="y", labelsize=_TEXT_SIZE)
    ax.set_ylabel(
        _money_axis_label("Value over the programme's life", cur, result.price_year),
        fontsize=_TEXT_SIZE + 1,
    )
    _grid(ax, "y")
    note = f"{money(result.ratio, cur)} of social value for every {money(1, cur, 0)} invested"
    _finish(ax, ("Where the value comes from", result.model.name, note), labels, "y")
    return ax


# --------------------------------------------------------------------------------------
# Value by year

_MOST_YEARS_LABELLED = 12


def value_by_year(result: Result, ax: Axes | None = None) -> Axes:
    """Value year by year: the impact and its present value, with the cumulative present
    value against the investment (discounted payback is where the line crosses it).

    Each present-value bar is labelled with its amount when the model has at most 12
    years (more would crowd the labels).

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
        labelled ``"Total investment (£...)"``; a dotted vertical line, labelled with the
        years, marks the discounted payback.
    """
    table = result.by_year
    ax = _axes(ax, 4.2)
    cur = result.currency
    years = table["year"].to_numpy()
    width = 0.4
    ax.bar(
        years - width / 2,
        table["impact"],
        width,
        color=PALETTE["value_light"],
        label="Impact in the year (undiscounted)",
        zorder=2,
    )
    present = ax.bar(
        years + width / 2,
        table["present_value"],
        width,
        color=PALETTE["value"],
        label="Present value",
        zorder=2,
    )
    ax.plot(
        years,
        table["cumulative_present_value"],
        color="0.15",
        marker="o",
        ms=4,
        lw=1.5,
        label="Cumulative present value",
        zorder=3,
    )
    ax.axhline(
        result.total_investment,
        color=PALETTE["investment"],
        ls="--",
        lw=1.5,
        label=f"Total investment ({money_compact(result.total_investment, cur)})",
        zorder=3,
    )
    top = max(float(table["cumulative_present_value"].max()), result.total_investment, 0.0)
    labels = []
    if len(years) <= _MOST_YEARS_LABELLED:
        for bar, value in zip(present, table["present_value"], strict=True):
            if value == 0:
                continue  # no bar to label
            inside = bar.get_height() > 0.15 * (top or 1.0)  # in the bar's top, in white
            labels.append(
                ax.annotate(
                    money_compact(value, cur),
                    xy=(bar.get_x() + bar.get_width() / 2, max(bar.get_height(), 0.0)),
                    xytext=(0, -3 if inside else 2),
                    textcoords="offset points",
                    ha="center",
                    va="top" if inside else "bottom",
                    color="white" if inside else "black",
                    fontsize=_TEXT_SIZE,
                    rotation=90 if len(years) > 6 else 0,
                    zorder=4,
                )
            )
    payback = result.discounted_payback_years
    if payback is not None:
        ax.axvline(
            payback,
            color="0.3",
            ls=":",
            lw=1.2,
            label=f"Paid back (discounted) after {discounted_payback_text(payback)}",
        )
    ax.set_xticks(years)
    ax.tick_params(labelsize=_TEXT_SIZE)
    ax.set_xlabel(
        "Year (0 = the start; money discounted at the end of each year)", fontsize=_TEXT_SIZE + 1
    )
    _money_ticks(ax.yaxis, cur)
    ax.set_ylabel(_money_axis_label("Value", cur, result.price_year), fontsize=_TEXT_SIZE + 1)
    _legend_below(ax)
    _grid(ax, "y")
    ax.set_ylim(top=top * 1.08)
    _finish(ax, ("Value year by year", result.model.name, None), labels, "y")
    return ax


# --------------------------------------------------------------------------------------
# Breakdown

_BREAKDOWN_TITLES: Mapping[str, str] = MappingProxyType(
    {
        "stakeholder": "Who gains: value by stakeholder",
        "outcome": "What the value is: value by outcome",
        "group": "Who benefits: value by beneficiary group",
        "area": "Value by area of activity",
        "value_type": "Kinds of value: fiscal, economic, social and wellbeing",
        "bearer": "Who gains: value by the people, bodies and society it falls to",
        "category": "Value by category of outcome",
        "marmot_objective": "Value by Marmot objective",
    }
)
"""The title of each breakdown (:attr:`Result.BREAKDOWNS`), in plain words."""


def _group_names(result: Result, frame: pd.DataFrame, by: str) -> list[str]:
    """The breakdown's groups as people read them: outcomes by their text, vocabulary
    words (``value_type``, ``category``) in sentence case, Marmot objectives by wording."""
    keys = frame[by].to_list()
    if by == "outcome":
        names = _outcome_names(result)
        return [names.get(k, str(k)) for k in keys]
    if by in ("value_type", "category"):
        return [str(k).replace("_", " ").capitalize() if k != "(not given)" else k for k in keys]
    if by == "marmot_objective" and "wording" in frame:
        return [w or str(k) for k, w in zip(keys, frame["wording"], strict=True)]
    return [str(k) for k in keys]


def breakdown(result: Result, by: str = "stakeholder", ax: Axes | None = None) -> Axes:
    """Present value by group (``result.breakdown(by)``), largest at the top, with shares.

    Parameters
    ----------
    result : Result
        An evaluated model.
    by : str, default "stakeholder"
        One of :attr:`Result.BREAKDOWNS`: ``"stakeholder"``, ``"outcome"``, ``"group"``,
        ``"area"``, ``"value_type"``, ``"bearer"``, ``"category"``,
        ``"marmot_objective"``. Outcomes are named by their text, not their ids.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure's axes.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers[0]`` holds one horizontal bar per group, in the order of
        ``result.breakdown(by)`` (bar ``i`` at ``y = i``, the y axis inverted so the
        largest is at the top); ``ax.texts`` labels each with its value and share
        (``£45k (12.3%)``), beyond the bar's end.

    Raises
    ------
    ModelError
        If ``by`` is not one of the groupings.
    """
    frame = result.breakdown(by)
    # many groups: wider names (fewer lines each), so the chart still fits an A4 page
    width = _LABEL_WIDTH if len(frame) <= 12 else 55
    names = [_wrap(n, width) for n in _group_names(result, frame, by)]
    lines = max((n.count("\n") + 1 for n in names), default=1)
    pitch = 0.135 * lines + (0.16 if len(frame) <= 12 else 0.06)  # inches a row
    ax = _axes(ax, 1.3 + pitch * max(len(frame), 3))
    cur = result.currency
    y = np.arange(len(frame))
    values = frame["present_value"].to_numpy(dtype=float)
    bars = ax.barh(y, values, color=PALETTE["value"], height=0.65, zorder=2)
    for bar, value in zip(bars, values, strict=True):
        if value < 0:  # a group that loses: the investment's colour, hatched
            bar.set_color(PALETTE["investment"])
            bar.set_hatch(_HATCH_DEDUCTION)
            bar.set_edgecolor("white")
    labels = []
    for i, (value, part) in enumerate(zip(values, frame["share"], strict=True)):
        text = money_compact(value, cur)
        if np.isfinite(part):
            text += f" ({percent(part)})"
        labels.append(
            ax.annotate(
                text,
                xy=(value, i),
                xytext=(3 if value >= 0 else -3, 0),
                textcoords="offset points",
                ha="left" if value >= 0 else "right",
                va="center",
                fontsize=_TEXT_SIZE,
            )
        )
    ax.set_yticks(y, names, fontsize=_TEXT_SIZE)
    ax.set_ylim(len(frame) - 0.5, -0.5)  # inverted: the largest at the top
    ax.axvline(0, color="0.3", lw=0.8)
    lo, hi = min(0.0, float(values.min(initial=0.0))), max(0.0, float(values.max(initial=0.0)))
    ax.set_xlim(lo, hi if hi > lo else 1.0)
    _money_ticks(ax.xaxis, cur, nbins=4)
    ax.tick_params(axis="x", labelsize=_TEXT_SIZE)
    ax.set_xlabel(
        _money_axis_label("Present value", cur, result.price_year), fontsize=_TEXT_SIZE + 1
    )
    _grid(ax, "x")
    what = _BREAKDOWN_TITLES.get(by, f"Value by {by.replace('_', ' ')}")
    _finish(ax, (what, result.model.name, None), labels, "x")
    return ax


# --------------------------------------------------------------------------------------
# Tornado

_TORNADO_COLUMNS = ("parameter", "outcome", "low", "high", "ratio_low", "ratio_high")
_TORNADO_COLUMNS += ("base_ratio", "swing")

_PARAMETER_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "deadweight": "Deadweight",
        "displacement": "Displacement",
        "attribution": "Attribution",
        "drop_off": "Drop-off",
        "value": "Value of each unit",
        "quantity": "Quantity",
        "duration": "Years the outcome lasts",
        "discount_rate": "Discount rate",
        "investment": "Investment",
    }
)
"""Each parameter sensitivity analysis moves (:data:`sroi.changes.PARAMETERS`) in words."""

_FRACTIONS = frozenset({"deadweight", "displacement", "attribution", "drop_off"})


def _missing(x: Any) -> bool:
    """None, NaN or pandas' NA: no outcome named."""
    import pandas as pd

    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _setting_text(name: str, x: float, currency: str | None) -> str:
    """One setting of a parameter as a value: ``25 %``, ``£1,250``, ``120``, ``3 years``."""
    if name in _FRACTIONS or name == "discount_rate":
        return discount_rate_text(round(float(x), 12))
    if name in ("value", "investment"):
        if not currency:
            return f"{float(x):,.2f}"
        return money(x, currency, 0) if abs(x) >= 100 else money(x, currency, 2)
    if name == "duration":
        return f"{float(x):g} year" + ("" if float(x) == 1 else "s")
    return quantity(x)


def _base_setting(result: Result | None, name: str, outcome: Any) -> float | str | None:
    """The model's own setting of a parameter: a number, a schedule's name, or None where
    outcomes differ (or the figure is given year by year)."""
    if result is None:
        return None
    if name == "discount_rate":
        rate = result.model.discount_rate
        return rate if isinstance(rate, (int, float, str)) else None
    if name not in PARAMETERS or PARAMETERS[name].scope != "outcome":
        return None
    table = result.by_outcome
    ids = list(result.model.outcome_ids)
    rows = [ids.index(outcome)] if not _missing(outcome) and outcome in ids else range(len(ids))
    if not _missing(outcome) and outcome not in ids:
        return None
    if name in ("value", "quantity", "duration"):
        found = {float(table[name].iloc[i]) for i in rows}
    else:
        written = [getattr(result.model.outcomes[i], name) for i in rows]
        if any(isinstance(w, (list, tuple)) for w in written):
            return None
        found = {float(w or 0.0) for w in written}
    return found.pop() if len(found) == 1 else None


def _change_words(name: str, written: Any, currency: str | None) -> str:
    """A change of a setting that differs between outcomes, in words: ``20 % lower``."""
    change = parse_change(written)
    if change.op == "multiply":
        if change.amount == 1:
            return "unchanged"
        step = abs(change.amount - 1) * 100
        return f"{step:.4g} % {'higher' if change.amount > 1 else 'lower'}"
    way = "higher" if change.amount > 0 else "lower"
    if name in _FRACTIONS or name == "discount_rate":
        return f"{abs(change.amount) * 100:.4g} points {way}"
    return f"{_setting_text(name, abs(change.amount), currency)} {way}"


def _end_text(name: str, written: Any, base: float | str | None, currency: str | None) -> str:
    """A tested end as a value (``15 %``), or as a change in words (``20 % lower``) when
    the model's own setting is not one number."""
    if name not in PARAMETERS:
        return str(written)
    try:
        change = parse_change(written, PARAMETERS[name])
    except ModelError:
        return str(written)
    if change.op == "set":
        return _setting_text(name, change.amount, currency)
    if isinstance(base, (int, float)):
        moved = float(change.apply(base, PARAMETERS[name]))
        return _setting_text(name, moved, currency)
    return _change_words(name, written, currency)


def _row_name(name: str, outcome: Any, names: Mapping[str, str], base: Any, cur: Any) -> str:
    """``"Deadweight — Improved wellbeing"`` with the model's setting below it."""
    words = _PARAMETER_WORDS.get(name, str(name).replace("_", " ").capitalize())
    scope = PARAMETERS[name].scope if name in PARAMETERS else "model"
    if not _missing(outcome):
        words += f" — {names.get(outcome, outcome)}"
    elif scope == "outcome":
        words += " — every outcome"
    text = "\n".join(_fill(words, 30))
    if isinstance(base, str):
        text += "\n" + "\n".join(_fill(f"as modelled: {discount_rate_text(base)}", 30))
    elif base is not None:
        text += f"\nas modelled: {_setting_text(name, base, cur)}"
    return _plain(text)


def tornado(
    frame: pd.DataFrame,
    ax: Axes | None = None,
    *,
    currency: str | None = None,
    result: Result | None = None,
) -> Axes:
    """A tornado chart of one-way sensitivity: how far each figure moves the SROI ratio.

    One row per figure moved, the largest swing at the top: a bar from the ratio as
    modelled to the ratio with the figure set low, another to the ratio with it set high,
    each labelled with the setting and the ratio it gives (``15 %: £1.87``). A figure that
    does not move the ratio is a thin mark labelled "no effect". Vertical lines mark the
    ratio as modelled and the 1 : 1 break-even.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table :func:`sroi.sensitivity.tornado` returns: one row per parameter, with
        columns ``parameter``; ``outcome`` (the id of the outcome it belongs to, or None
        for every outcome or a model-wide parameter); ``low`` and ``high`` (the tested
        settings or changes, as given); ``ratio_low`` and ``ratio_high`` (the SROI ratio at
        each [money per unit invested]); ``base_ratio``; ``swing``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure's axes.
    currency : str, optional
        Currency code for the ratios (``"GBP"``); default the result's.
    result : Result, optional
        The model's result: with it the chart is titled with the programme's name,
        outcomes are named by their text, and a change such as ``"-20%"`` is shown as the
        setting it leads to (``30 % → 24 %`` is written ``24 %`` under "as modelled:
        30 %").

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers[0]`` holds the bars from ``base_ratio`` to ``ratio_low`` and
        ``ax.containers[1]`` those to ``ratio_high``, one per row sorted by ``swing``,
        largest first and at the top (row ``i`` centred on ``y = i``, the y axis
        inverted); the legend reads "Figure set low", "Figure set high", the ratio as
        modelled and the 1 : 1 break-even line.

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
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    cur = currency or (result.currency if result is not None else None)
    rows = frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    base = rows["base_ratio"].to_numpy(dtype=float)
    low = rows["ratio_low"].to_numpy(dtype=float)
    high = rows["ratio_high"].to_numpy(dtype=float)
    n = len(rows)
    tolerance = 1e-9 * np.maximum(1.0, np.abs(base))
    moves_low, moves_high = np.abs(low - base) > tolerance, np.abs(high - base) > tolerance
    same_side = moves_low & moves_high & ((low - base) * (high - base) > 0)
    names = _outcome_names(result) if result is not None else {}
    ticks, settings = [], []
    for _, row in rows.iterrows():
        name = str(row["parameter"])
        settings.append(_base_setting(result, name, row["outcome"]))
        ticks.append(_row_name(name, row["outcome"], names, settings[-1], cur))
    lines = max((t.count("\n") + 1 for t in ticks), default=1)
    pitch = max(0.62 if same_side.any() else 0.5, 0.15 * lines + 0.12)  # inches a row
    ax = _axes(ax, 1.9 + pitch * max(n, 2))
    # Both ends on one side of the ratio as modelled: half-height bars, one above the other.
    y = np.arange(n, dtype=float)
    y_low, y_high = y - np.where(same_side, 0.18, 0.0), y + np.where(same_side, 0.18, 0.0)
    height = np.where(same_side, 0.34, 0.62)
    ax.barh(y_low, low - base, left=base, height=height, color=PALETTE["value_light"], zorder=2)
    ax.barh(y_high, high - base, left=base, height=height, color=PALETTE["value"], zorder=2)
    for bar in ax.containers[0]:
        bar.set_hatch(_HATCH_BELOW)
        bar.set_edgecolor("white")
    labels = []

    def label(x: float, at: float, text: str, right: bool) -> None:
        labels.append(
            ax.annotate(
                _plain(text),
                xy=(x, at),
                xytext=(4 if right else -4, 0),
                textcoords="offset points",
                ha="left" if right else "right",
                va="center",
                fontsize=_TEXT_SIZE,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8},
                zorder=4,
            )
        )

    for i, row in rows.iterrows():
        name, setting = str(row["parameter"]), settings[i]
        ends = [
            (low[i], y_low[i], _end_text(name, row["low"], setting, cur), moves_low[i]),
            (high[i], y_high[i], _end_text(name, row["high"], setting, cur), moves_high[i]),
        ]
        shown = {_ratio_text(r, cur) for r in (low[i], high[i], base[i])}
        if len(shown) == 1:  # no effect, or none to the penny: a thin mark and one label
            ax.plot([base[i]] * 2, [i - 0.3, i + 0.3], color="0.2", lw=1.5, zorder=3)
            effect = "no effect" if not (moves_low[i] or moves_high[i]) else "almost no effect"
            about = "" if effect == "no effect" else "about "
            label(
                base[i],
                i,
                f"{effect}: {ends[0][2]} or {ends[1][2]} gives {about}{shown.pop()}",
                True,
            )
            continue
        for k, (ratio, at, text, moves) in enumerate(ends):
            if moves:
                right = ratio > base[i]
            else:  # this end leaves the ratio as it is: write it opposite the other end
                other = ends[1 - k][0]
                right = other < base[i]
            label(ratio, at, f"{text}: {_ratio_text(ratio, cur)}", right)
    ax.set_yticks(y, ticks, fontsize=_TEXT_SIZE)
    ax.set_ylim(n - 0.5, -0.5)  # inverted: the largest swing at the top
    handles = [
        Patch(facecolor=PALETTE["value_light"], hatch=_HATCH_BELOW, edgecolor="white"),
        Patch(facecolor=PALETTE["value"]),
    ]
    texts = ["Figure set low", "Figure set high"]
    if n and np.allclose(base, base[0]):
        line = ax.axvline(base[0], color="0.2", lw=1.2, zorder=3)
        handles.append(line)
        texts.append(f"As modelled: {_ratio_text(base[0], cur)}")
    ax.axvline(1.0, color=PALETTE["reference"], ls="--", lw=1.2, label="break-even", zorder=3)
    handles.append(Line2D([], [], color=PALETTE["reference"], ls="--", lw=1.2))
    values = np.concatenate([low, high, base])
    lo, hi, shown = _range_with_break_even(values)
    texts.append(_break_even_text(cur, shown, values))
    pad = 0.04 * ((hi - lo) or 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    ax.tick_params(axis="x", labelsize=_TEXT_SIZE)
    ax.set_xlabel(_ratio_axis_label(cur), fontsize=_TEXT_SIZE + 1)
    if cur:
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: money(x, cur, 2)))
    _legend_below(ax, handles, texts)
    _grid(ax, "x")
    name = result.model.name if result is not None else None
    note = "Each row moves one figure, low and high, with every other figure as modelled"
    _finish(ax, ("What moves the ratio most", name, note), labels, "x")
    return ax


# --------------------------------------------------------------------------------------
# Monte Carlo: histogram and cumulative distribution


def _draws(simulation: Simulation, caller: str) -> tuple[np.ndarray, bool]:
    """The ratio's finite draws, and whether they are all the same (with a warning)."""
    ratio = np.asarray(simulation.ratio, dtype=float)
    ratio = ratio[np.isfinite(ratio)]
    same = ratio.size == 0 or float(np.ptp(ratio)) == 0.0
    if same:
        warnings.warn(
            SROIWarning(
                f"{caller}(): nothing in the model {simulation.base.model.name!r} is "
                f"uncertain: every one of the {simulation.n:,} draws gives the same ratio, "
                "so the chart is a single line; write the uncertain figures as "
                "distributions (see sroi.distributions)"
            ),
            stacklevel=3,
        )
    return ratio, same


def _probability_text(simulation: Simulation) -> str:
    """``P(ratio > 1) = 97.0%``, the share of draws above break-even."""
    return f"P(ratio > 1) = {percent(simulation.probability_ratio_above(1.0))}"


def _nothing_uncertain(ax: Axes, simulation: Simulation, value: float) -> None:
    cur = simulation.base.currency
    ax.axvline(value, color=PALETTE["value"], lw=2.5, label="Every draw")
    ax.annotate(
        textwrap.fill(
            f"Nothing in the model is uncertain: all {simulation.n:,} draws give "
            f"{_ratio_text(value, cur)} {_per_unit(cur)}. Write the uncertain figures as "
            "ranges to see how sure the ratio is.",
            52,
        ),
        xy=(0.5, 0.5),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=_TEXT_SIZE + 1,
        bbox={"facecolor": "white", "edgecolor": "0.6", "pad": 4},
        zorder=6,
    )
    _reference_lines(ax, simulation, np.array([value - 0.5, value + 0.5]))


def _ratio_axis(ax: Axes, currency: str) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: money(x, currency, 2)))
    ax.set_xlabel(_ratio_axis_label(currency), fontsize=_TEXT_SIZE + 1)
    ax.tick_params(labelsize=_TEXT_SIZE)


def _edges(ratio: np.ndarray, bins: int) -> np.ndarray:
    """``bins + 1`` equal-width bin edges spanning the draws; when the draws lie on both
    sides of 1, break-even is one of the edges."""
    lo, hi = float(ratio.min()), float(ratio.max())
    if not lo < 1.0 < hi or bins < 2:
        return np.linspace(lo, hi, bins + 1)
    below = min(max(round(bins * (1.0 - lo) / (hi - lo)), 1), bins - 1)  # bins below 1
    width = max((1.0 - lo) / below, (hi - 1.0) / (bins - below))
    edges = 1.0 + width * np.arange(-below, bins - below + 1, dtype=float)
    edges[below] = 1.0
    return edges


def _reference_lines(ax: Axes, simulation: Simulation, ratio: np.ndarray) -> None:
    """The 1 : 1 and as-modelled lines, and the ratio axis' range around the draws."""
    cur = simulation.base.currency
    central = simulation.base.ratio
    values = np.append(ratio, central)
    lo, hi, shown = _range_with_break_even(values)
    if hi > lo:
        pad = 0.03 * (hi - lo)
        ax.set_xlim(lo - pad, hi + pad)
    ax.axvline(
        1.0,
        color=PALETTE["reference"],
        ls="--",
        lw=1.2,
        label=_break_even_text(cur, shown, values),
        zorder=3,
    )
    from matplotlib import patheffects

    ax.axvline(
        central,
        color=PALETTE["investment"],
        lw=1.8,
        path_effects=[patheffects.withStroke(linewidth=4, foreground="white")],
        label=f"As modelled: {_ratio_text(central, cur)}",
        zorder=3,
    )


def histogram(simulation: Simulation, ax: Axes | None = None, *, bins: int = 50) -> Axes:
    """How sure the ratio is: the Monte Carlo draws of the SROI ratio as a histogram, the
    draws above break-even shaded apart, with the 1 : 1 line and the ratio as modelled.

    The note under the title gives P(ratio > 1), the share of draws whose ratio is above
    1 (:meth:`~sroi.sensitivity.monte_carlo.Simulation.probability_ratio_above`), and the
    number of draws. Bins are right-closed with break-even as an edge, so the shaded bars
    add up to P(ratio > 1) exactly. When every draw gives the same ratio (nothing in the
    model is uncertain) the chart is one labelled line saying so, and an
    :class:`~sroi.errors.SROIWarning` is given.

    Parameters
    ----------
    simulation : Simulation
        From :func:`sroi.sensitivity.simulate`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure's axes.
    bins : int, default 50
        About how many bars.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers[0]`` holds the bars at or below break-even and
        ``ax.containers[1]`` those above (heights: the share of draws in each [fraction]);
        vertical lines mark break-even and the ratio as modelled.
    """
    ratio, same = _draws(simulation, "histogram")
    ax = _axes(ax, 4.0)
    cur = simulation.base.currency
    note = f"{_probability_text(simulation)}: the share of {simulation.n:,} draws above 1 : 1"
    if same:
        _nothing_uncertain(ax, simulation, float(ratio[0]) if ratio.size else 1.0)
        ax.set_yticks([])
    else:
        edges = _edges(ratio, bins)
        # right-closed bins (a, b]: a draw of exactly 1 counts at or below break-even
        index = np.clip(np.searchsorted(edges, ratio, side="left"), 1, len(edges) - 1) - 1
        share = np.bincount(index, minlength=len(edges) - 1) / simulation.n
        left, width = edges[:-1], np.diff(edges)
        above = left >= 1.0
        ax.bar(
            left[~above],
            share[~above],
            width[~above],
            align="edge",
            color=PALETTE["uncertain"],
            hatch=_HATCH_BELOW,
            edgecolor="white",
            lw=0.4,
            label="Draws at or below 1 : 1" if share[~above].any() else "_nolegend_",
            zorder=2,
        )
        ax.bar(
            left[above],
            share[above],
            width[above],
            align="edge",
            color=PALETTE["value"],
            edgecolor="white",
            lw=0.4,
            label="Draws above 1 : 1" if share[above].any() else "_nolegend_",
            zorder=2,
        )
        ax.set_ylabel("Share of draws", fontsize=_TEXT_SIZE + 1)
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_ylim(top=float(share.max()) * 1.08)
        _reference_lines(ax, simulation, ratio)
    _ratio_axis(ax, cur)
    _legend_below(ax)
    _title(ax, "How sure is the ratio?", simulation.base.model.name, note)
    _grid(ax, "y")
    return ax


def cumulative(simulation: Simulation, ax: Axes | None = None) -> Axes:
    """The chance the SROI ratio is at most each value: the cumulative distribution of the
    Monte Carlo draws, with the 1 : 1 line and the ratio as modelled.

    The curve climbs from 0 to 100 % of draws; where it crosses the 1 : 1 line is the
    share of draws at or below break-even, ``1 - P(ratio > 1)``, marked and labelled.
    When every draw gives the same ratio the chart says that nothing in the model is
    uncertain, and an :class:`~sroi.errors.SROIWarning` is given.

    Parameters
    ----------
    simulation : Simulation
        From :func:`sroi.sensitivity.simulate`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure's axes.

    Returns
    -------
    matplotlib.axes.Axes
        The line labelled ``"Share of draws at or below the ratio"`` is the empirical
        cumulative distribution (a step of ``1 / n`` at each draw, ending at 1); vertical
        lines mark break-even and the ratio as modelled.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import sroi
    >>> from sroi import plots
    >>> m = {"name": "Riverside", "inputs": [{"stakeholder": "Funder", "amount": 1_000}],
    ...      "outcomes": [{"stakeholder": "Residents", "outcome": "Into work",
    ...                    "quantity": 10, "value": 150, "duration": 1,
    ...                    "deadweight": {"distribution": "uniform", "low": 0.1, "high": 0.6}}]}
    >>> ax = plots.cumulative(sroi.sensitivity.simulate(m, 2_000, seed=1))
    >>> curve = ax.get_lines()[0]
    >>> float(curve.get_ydata()[0]), float(curve.get_ydata()[-1])
    (0.0, 1.0)
    """
    ratio, same = _draws(simulation, "cumulative")
    ax = _axes(ax, 4.0)
    cur = simulation.base.currency
    above = simulation.probability_ratio_above(1.0)
    note = f"{_probability_text(simulation)}: the share of {simulation.n:,} draws above 1 : 1"
    if same:
        _nothing_uncertain(ax, simulation, float(ratio[0]) if ratio.size else 1.0)
    else:
        x = np.sort(ratio)
        steps = np.arange(1, x.size + 1) / x.size
        ax.step(
            np.concatenate([[x[0]], x]),
            np.concatenate([[0.0], steps]),
            where="post",
            color=PALETTE["value"],
            lw=1.8,
            label="Share of draws at or below the ratio",
            zorder=4,
        )
        _reference_lines(ax, simulation, ratio)
        if x[0] <= 1.0 <= x[-1]:
            at_or_below = 1.0 - above
            ax.plot([1.0], [at_or_below], "o", color=PALETTE["reference"], ms=5, zorder=5)
            ax.annotate(
                f"{percent(at_or_below)} of draws at or below 1 : 1",
                xy=(1.0, at_or_below),
                xytext=(6, 6 if at_or_below < 0.85 else -10),
                textcoords="offset points",
                ha="left",
                va="bottom" if at_or_below < 0.85 else "top",
                fontsize=_TEXT_SIZE,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0, "alpha": 0.85},
                zorder=6,
            )
    ax.set_ylim(0, 1.02)
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_ylabel("Share of draws at or below", fontsize=_TEXT_SIZE + 1)
    _ratio_axis(ax, cur)
    _legend_below(ax)
    _title(ax, "How likely each ratio is", simulation.base.model.name, note)
    _grid(ax, "both")
    return ax
