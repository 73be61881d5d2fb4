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


def _png(draw: Any, size: tuple[float, float]) -> str:
    """Draw on a new figure (no pyplot, no global state) and return a PNG data URI.

    A character of a user's text that the font lacks is drawn as a box, without
    matplotlib's warning about it (the HTML around the chart shows the text itself).
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"Glyph .* missing from font", category=UserWarning
        )
        draw(fig.add_subplot())
        fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


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


def context(result: Result, *, with_charts: bool = True) -> dict[str, Any]:
    """Everything the HTML template shows (also used by the Markdown writer)."""
    accounts = social_accounts(result)
    drawn, chart_note = charts(result) if with_charts else ([], "")
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
    }


def render_html(result: Result, *, charts: bool = True) -> str:
    """The HTML report as text.

    Parameters
    ----------
    result : Result
        An evaluated model.
    charts : bool, default True
        Embed the charts (needs matplotlib; left out with a note when it is missing).

    Returns
    -------
    str
        A complete, self-contained HTML5 document.

    Raises
    ------
    ModelError
        If a figure is not a finite number (see :func:`require_finite
        <sroi.report._common.require_finite>`).

    Examples
    --------
    >>> import sroi
    >>> r = sroi.evaluate({"name": "<script>alert(1)</script>",
    ...     "inputs": [{"stakeholder": "HA", "amount": 100}],
    ...     "outcomes": [{"stakeholder": "Tenants", "outcome": "Warmer homes",
    ...                   "quantity": 1, "value": 207, "duration": 1}]})
    >>> page = render_html(r, charts=False)
    >>> "<script>" in page, "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    (False, True)
    >>> "£2.00 per £1" in page, "produces <strong>£2.00</strong> of social value" in page
    (True, True)
    """
    common.require_finite(result, "the HTML report")
    env = _environment()
    return env.get_template("report.html.j2").render(context(result, with_charts=charts))


def write_html(result: Result, path: str | PathLike[str], *, charts: bool = True) -> Path:
    """Write the self-contained HTML report of ``result`` to ``path`` (UTF-8).

    Parameters
    ----------
    result : Result
        An evaluated model.
    path : str or os.PathLike
        The file to write (replaced if it exists).
    charts : bool, default True
        Embed the charts (needs matplotlib).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    out = Path(path)
    out.write_text(render_html(result, charts=charts), encoding="utf-8")
    return out
