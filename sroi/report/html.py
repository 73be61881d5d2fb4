"""A self-contained HTML report: social accounts, headline figures, impact map, method.

One file with nothing outside it: the stylesheet is inline, charts (drawn by
:mod:`sroi.plots`) are embedded as PNG ``data:`` URIs, and there is no script, web font or
link to another site, so the report can be e-mailed, archived or printed as it is. The
page is rendered from a Jinja2 template with autoescaping on, so any text a user typed
(a model name, a stakeholder, a description) is shown as text, never run as markup.
"""

from __future__ import annotations

import base64
import io
import warnings
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sroi.formatting import discount_rate_text
from sroi.report import _common as common
from sroi.report.accounts import social_accounts

if TYPE_CHECKING:  # pragma: no cover
    from sroi.result import Result

__all__ = ["render_html", "write_html"]


def _environment() -> Any:
    try:
        import jinja2
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "sroi's HTML report needs jinja2, an optional dependency: pip install 'sroi[report]'"
        ) from exc
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sroi.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        money=common.money,
        ratio=common.ratio_text,
        quantity=common.quantity,
        percent=common.percent,
        share_of=common.share,
        kind=lambda k: common.KIND_LABELS.get(k, k),
        input_anchor=common.input_anchor,
        output_anchor=common.output_anchor,
        area_anchor=common.area_anchor,
    )
    return env


def png_bytes(draw: Any, size: tuple[float, float]) -> bytes:
    """Draw on a new figure (no pyplot, no global state) and return the PNG's bytes.

    A character of a user's text that the font lacks is drawn as a box, without
    matplotlib's warning about it (the HTML around the chart shows the text itself).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)  # a canvas that can measure text, as pyplot's figures have
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"Glyph .* missing from font", category=UserWarning
        )
        draw(fig.add_subplot())
        fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _png(draw: Any, size: tuple[float, float]) -> str:
    """Draw on a new figure and return a PNG data URI (see :func:`png_bytes`)."""
    return _data_uri(png_bytes(draw, size))


def charts(result: Result) -> tuple[list[dict[str, str]], str]:
    """The report's charts as PNG data URIs, and a note when some could not be drawn.

    Returns
    -------
    charts : list of dict
        ``{"title", "alt", "src"}`` for each chart: the value waterfall, value by year,
        value by area (when the model names areas) and who gains (when bearers are named).
    note : str
        Why charts are missing (matplotlib not installed, or a chart failed), else ``""``.
    """
    try:
        from sroi import plots
    except ImportError:  # pragma: no cover - plots imports matplotlib lazily
        return [], "Charts need matplotlib: pip install 'sroi[report]'."
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return [], "Charts are left out: they need matplotlib (pip install 'sroi[report]')."
    wanted: list[tuple[str, str, Any, tuple[float, float]]] = [
        (
            "From gross value to present value",
            "Bar chart: gross value, each deduction, discounting, present value and investment.",
            plots.waterfall,
            (9, 4.6),
        ),
        (
            "Value by year",
            "Bar chart of impact and present value by year, with cumulative present value "
            "against the investment.",
            plots.value_by_year,
            (9, 4.6),
        ),
    ]
    if result.model.areas:
        n = len(result.breakdown("area"))
        wanted.append(
            (
                "Value produced by area",
                "Horizontal bar chart of present value by area.",
                lambda r, ax: plots.breakdown(r, "area", ax=ax),
                (9, 1.0 + 0.45 * max(n, 3)),
            )
        )
    bearers = result.breakdown("bearer")
    if not (bearers["bearer"] == "(not given)").all():
        wanted.append(
            (
                "Who gains",
                "Horizontal bar chart of present value by who gains.",
                lambda r, ax: plots.breakdown(r, "bearer", ax=ax),
                (9, 1.0 + 0.45 * max(len(bearers), 3)),
            )
        )
    out, failed = [], []
    for title, alt, plot, size in wanted:
        try:
            src = _png(lambda ax, plot=plot: plot(result, ax=ax), size)
        except (ValueError, RuntimeError) as exc:  # e.g. mathtext in a name with '$'
            failed.append(f"{title} ({exc.__class__.__name__})")
            continue
        out.append({"title": title, "alt": alt, "src": src})
    note = ("Some charts could not be drawn: " + "; ".join(failed) + ".") if failed else ""
    return out, note


def _chart(title: str, alt: str, draw: Any, size: tuple[float, float]) -> dict[str, Any]:
    """One chart for the context: ``{"title", "alt", "src", "png"}``, or with ``"note"``
    (why it is missing) and no picture when matplotlib is missing or the chart fails."""
    missing = {"title": title, "alt": alt, "src": "", "png": b""}
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        note = "Charts are left out: they need matplotlib (pip install 'sroi[report]')."
        return {**missing, "note": note}
    try:
        png = png_bytes(draw, size)
    except (ValueError, RuntimeError) as exc:
        return {**missing, "note": f"The chart could not be drawn ({exc.__class__.__name__})."}
    return {"title": title, "alt": alt, "src": _data_uri(png), "png": png, "note": ""}


def sensitivity_context(
    result: Result,
    *,
    with_charts: bool = True,
    draws: int = 10_000,
    seed: int | None = 0,
    deflator: Any = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The sensitivity and uncertainty sections' data, with their charts.

    Returns ``(sensitivity, uncertainty)``: :func:`sroi.report._common.sensitivity` with a
    ``"chart"`` (the tornado), and :func:`sroi.report._common.uncertainty` with a
    ``"chart"`` (the histogram) when it simulated; a chart is None without ``with_charts``.
    """
    from sroi import plots

    found = common.sensitivity(result, deflator=deflator)
    frame = found["tornado"]["frame"]
    found["chart"] = None
    if with_charts and len(frame):
        found["chart"] = _chart(
            "How far each estimate moves the ratio",
            "Tornado chart: the SROI ratio with each estimate set lower and higher, one at a "
            "time, largest swing at the top, with the 1 : 1 line.",
            lambda ax: plots.tornado(frame, ax=ax, currency=result.currency),
            (9, 1.4 + 0.5 * max(len(frame), 3)),
        )
    unsure = common.uncertainty(result, draws=draws, seed=seed, deflator=deflator)
    unsure["chart"] = None
    if with_charts and unsure["simulated"]:
        sim = unsure["simulation"]
        unsure["chart"] = _chart(
            "The ratio in each draw",
            f"Histogram of the SROI ratio in {sim.n:,} draws, with the 1 : 1 line and the "
            "central estimate.",
            lambda ax: plots.histogram(sim, ax=ax),
            (9, 4.2),
        )
    return found, unsure


def context(
    result: Result,
    *,
    with_charts: bool = True,
    sensitivity: bool = True,
    draws: int = 10_000,
    seed: int | None = 0,
    deflator: Any = None,
) -> dict[str, Any]:
    """Everything the reports show: the HTML template's data, also used by the Markdown
    and PDF writers. Every key holds plain data (text, numbers, lists and mappings of
    them), display text already formatted, except where said.

    Keys added for published social accounts:

    ``front_matter``
        :func:`sroi.report._common.front_matter`: ``organisation``, ``period``,
        ``contact``, ``prepared_by``, ``published`` (text or None), ``introduction`` (a
        list of paragraphs), ``narrative`` (area name -> paragraphs) and ``logo``
        (``{"src": data URI, "type", "path", "alt"}`` or None); None without a front
        matter block.
    ``summary``
        The one-page summary (:func:`sroi.report._common.summary`): ``ratio_sentence``,
        ``figures`` (label, text pairs), ``top_outcomes``, ``more_outcomes``,
        ``how_sure`` (one sentence), ``transfers`` (the value that is transfer payments
        and the ratio without it, or None) and ``payback``.
    ``sensitivity``
        None with ``sensitivity=False``; else :func:`sroi.report._common.sensitivity`:
        ``rows`` (switching values, nearest first: ``estimate``, ``base``,
        ``switching_value``, ``change``), ``unreachable`` (``outcome``, ``estimates``),
        ``tornado`` (``rows``: ``estimate``, ``low``, ``high``, ``ratio_low``,
        ``ratio_high``; ``frame``: the table :func:`sroi.plots.tornado` draws), ``target``,
        ``direction`` and ``chart``.
    ``uncertainty``
        None with ``sensitivity=False``; else :func:`sroi.report._common.uncertainty`:
        ``simulated`` and ``sentence``, and when simulated ``figures`` (``where``,
        ``range``), ``draws``, ``seed``, ``probability`` [fraction], ``probability_text``,
        ``p5``, ``median``, ``p95``, ``mean``, ``simulation`` (the Simulation object) and
        ``chart``.
    ``sources``
        :func:`sroi.report._common.sources`: ``proxies`` (``name``, ``id``, ``value``,
        ``price_year``, ``price_index``, ``source``, ``licence``, ``used_by``),
        ``proxy_checksum``, ``deflator`` (``name``, ``vintage``, ``source``, ``base``,
        ``text``) and ``discount`` (``text``, ``source``).

    A chart is ``{"title", "alt", "src": PNG data URI, "png": PNG bytes, "note"}`` (a
    ``note`` and no picture when it could not be drawn), or None when charts are off.

    Parameters
    ----------
    result : Result
    with_charts : bool, default True
        Draw the charts (needs matplotlib).
    sensitivity : bool, default True
        Compute the switching values, the tornado and (where the model gives
        distributions) the Monte Carlo simulation.
    draws : int, default 10,000
        Monte Carlo draws.
    seed : int or None, default 0
        The simulation's seed (the same report each time); None draws afresh.
    deflator : str, path or DeflatorSeries, optional
        The GDP deflator series the result was evaluated with, when it was not a bundled
        series as it is (a file of your own, or a series projected beyond its last year):
        the sensitivity section re-evaluates the model with it. Default: the bundled
        series the result names.
    """
    accounts = social_accounts(result)
    drawn, chart_note = charts(result) if with_charts else ([], "")
    sens, unsure = (
        sensitivity_context(
            result, with_charts=with_charts, draws=draws, seed=seed, deflator=deflator
        )
        if sensitivity
        else (None, None)
    )
    outcome_anchors = {
        oid: common.outcome_anchor(oid, i) for i, oid in enumerate(result.model.outcome_ids)
    }
    return {
        "title": common.title(result),
        "model": result.model,
        "currency": result.currency,
        "price_year": result.price_year,
        "headline": common.headline(result),
        "ratio_text": common.ratio_text(result.ratio, result.currency),
        "ratio_sentence": common.ratio_sentence(result),
        "discount_words": discount_rate_text(result.discount_rate),
        "notes": common.notes(result),
        "parts": lambda figure: common.parts(result, figure),
        "shown": common.shown,
        "input_label": lambda index: common.input_label(result, index),
        "accounts": accounts,
        "charts": drawn,
        "chart_note": chart_note,
        "impact": common.impact_rows(result),
        "outcome_anchor": outcome_anchors,
        "method": common.method(result),
        "who": common.who_benefits(result),
        "claims": common.claims(result),
        "front_matter": common.front_matter(result),
        "summary": common.summary(result, sens, unsure),
        "sensitivity": sens,
        "uncertainty": unsure,
        "sources": common.sources(result),
    }


def render_html(
    result: Result,
    *,
    charts: bool = True,
    sensitivity: bool = True,
    draws: int = 10_000,
    seed: int | None = 0,
    deflator: Any = None,
) -> str:
    """The HTML report as text.

    Parameters
    ----------
    result : Result
        An evaluated model.
    charts : bool, default True
        Embed the charts (needs matplotlib; left out with a note when it is missing).
    sensitivity : bool, default True
        Add the sensitivity and uncertainty section: switching values, a tornado chart
        and, where the model gives distributions, a Monte Carlo simulation. It
        re-evaluates the model a few hundred times (well under a second for ten outcomes).
    draws : int, default 10,000
        Monte Carlo draws (only where the model gives distributions).
    seed : int or None, default 0
        The simulation's seed, so that the same report comes out each time; None draws
        afresh.
    deflator : str, path or DeflatorSeries, optional
        The GDP deflator series the result was evaluated with, when it was not a bundled
        series as it is (a file of your own, or a series projected beyond its last year);
        the sensitivity section re-evaluates the model with it.

    Returns
    -------
    str
        A complete, self-contained HTML5 document: the one-page summary first, then the
        introduction, the accounts, the impact map, who benefits, the sensitivity and
        uncertainty section, notes and warnings, the claims check, the method notes and
        the sources and licences.

    Raises
    ------
    ModelError
        If a figure is not a finite number (see :func:`require_finite
        <sroi.report._common.require_finite>`); if the front matter's logo is not an
        image file (located at ``front_matter.logo``); for ``draws`` or ``seed`` that are
        not whole numbers in range.

    Examples
    --------
    >>> import sroi
    >>> r = sroi.evaluate({"name": "<script>alert(1)</script>",
    ...     "inputs": [{"stakeholder": "HA", "amount": 100}],
    ...     "outcomes": [{"stakeholder": "Tenants", "outcome": "Warmer homes",
    ...                   "quantity": 1, "value": 207, "duration": 1}]})
    >>> page = render_html(r, charts=False, sensitivity=False)
    >>> "<script>" in page, "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    (False, True)
    >>> "£2.00 per £1" in page, "produces <strong>£2.00</strong> of social value" in page
    (True, True)
    """
    common.require_finite(result, "the HTML report")
    env = _environment()
    found = context(
        result,
        with_charts=charts,
        sensitivity=sensitivity,
        draws=draws,
        seed=seed,
        deflator=deflator,
    )
    return env.get_template("report.html.j2").render(found)


def write_html(
    result: Result,
    path: str | PathLike[str],
    *,
    charts: bool = True,
    sensitivity: bool = True,
    draws: int = 10_000,
    seed: int | None = 0,
    deflator: Any = None,
) -> Path:
    """Write the self-contained HTML report of ``result`` to ``path`` (UTF-8).

    Parameters
    ----------
    result : Result
        An evaluated model.
    path : str or os.PathLike
        The file to write (replaced if it exists).
    charts : bool, default True
        Embed the charts (needs matplotlib).
    sensitivity, draws, seed, deflator
        As :func:`render_html`.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    out = Path(path)
    page = render_html(
        result, charts=charts, sensitivity=sensitivity, draws=draws, seed=seed, deflator=deflator
    )
    out.write_text(page, encoding="utf-8")
    return out
