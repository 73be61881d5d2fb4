"""The social accounts report as GitHub-flavoured Markdown.

The same content as the HTML report (:mod:`sroi.report.html`), without the charts: the
headline figures, a table of the accounts, a section per area, the organisation's totals,
the impact map (each row carries an ``<a id=...>`` anchor that the area tables link to)
and the method notes. Text a user typed is passed through :func:`md`, so it cannot break a
table, inject markup or start a spreadsheet formula when the table is pasted elsewhere.

Two separate things are done to that text. *Markdown escaping* (:func:`markdown_escape`)
keeps it from being read as Markdown or HTML syntax: a ``|`` that would end a table cell,
``*`` emphasis, a ``[link]``, a leading ``#`` heading, raw ``<tags>``. *Formula
neutralisation* is the library's one rule against spreadsheet formula injection
(:func:`sroi.io.cells.starts_formula`, the test every writer uses: ``= + - @``, a tab, a
carriage return, full-width ``＝ ＋ － ＠``); Markdown has no quote convention, so such
text gets a backslash in front instead of the spreadsheet's ``'``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sroi.formatting import discount_rate_text
from sroi.formatting import share as _share
from sroi.io.cells import starts_formula
from sroi.report import _common as common
from sroi.report.accounts import Account, Figure, SocialAccounts, social_accounts

if TYPE_CHECKING:  # pragma: no cover
    from sroi.result import Result

__all__ = ["markdown_escape", "md", "render_markdown", "write_markdown"]

_BACKSLASHED = re.compile(r"([\\`*_\[\]|~])")


def markdown_escape(text: str) -> str:
    """Markdown escaping only: text that Markdown shows as typed, never as syntax.

    Line breaks and tabs become spaces; ``&``, ``<`` and ``>`` become entities (no raw
    HTML); ``\\ ` * _ [ ] | ~`` are backslash-escaped (no emphasis, links or broken table
    cells); a leading ``#`` is backslash-escaped (no heading). This is not the formula
    rule: :func:`md` applies both.

    Examples
    --------
    >>> markdown_escape("# a | *b*"), markdown_escape("=1+1")
    ('\\\\# a \\\\| \\\\*b\\\\*', '=1+1')
    """
    text = re.sub(r"\s+", " ", text).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _BACKSLASHED.sub(r"\\\1", text)
    return "\\" + text if text.startswith("#") else text


def md(text: Any) -> str:
    """Make user text safe inside Markdown (a paragraph or a table cell).

    First :func:`markdown_escape` (Markdown syntax), then the formula rule of every writer
    (:func:`sroi.io.cells.starts_formula`): text that begins with ``= + - @`` (or a
    full-width ``＝ ＋ － ＠``; tabs and line breaks are spaces by then) gets a backslash
    in front, so it does not start a formula when pasted into a spreadsheet (nor, for
    ``-`` and ``+``, a list). Markdown shows each backslash-escaped ASCII character as the
    character the user typed; before a full-width one the backslash stays visible.

    Examples
    --------
    >>> md("<script>alert('x')</script>")
    "&lt;script&gt;alert('x')&lt;/script&gt;"
    >>> md("a | b"), md("=HYPERLINK(1)"), md("-5% rent")
    ('a \\\\| b', '\\\\=HYPERLINK(1)', '\\\\-5% rent')
    >>> md("\\t@SUM(1)"), md("＝1+1")
    ('\\\\@SUM(1)', '\\\\＝1+1')
    """
    text = markdown_escape("" if text is None else str(text))
    return "\\" + text if starts_formula(text) else text


def _share_text(part: float, whole: float) -> str:
    """``part`` as a percentage of ``whole``; blank where that is not a finite number."""
    return _share(part, whole) if common.share(part, whole) is not None else ""


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """A GFM table; cells must already be safe (escaped with :func:`md` or made here)."""
    rule = ["---:" if i in numeric else "---" for i in range(len(head))]
    lines = [head, rule, *rows]
    return "\n".join("| " + " | ".join(cell or " " for cell in line) + " |" for line in lines)


def _area_table(
    result: Result, head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int]
) -> str:
    """A table whose second column is the area; without it when the model names none."""
    if result.model.areas:
        return _table(head, rows, numeric)
    return _table(
        [head[0], *head[2:]], [[r[0], *r[2:]] for r in rows], [i - 1 for i in numeric if i > 1]
    )


def _rows(figure: Figure, result: Result) -> str:
    """The inputs and outcomes a figure adds up, by name, each linked to its row."""
    return "; ".join(f"[{md(p['text'])}](#{p['anchor']})" for p in common.parts(result, figure))


def _ratio(account: Account, cur: str) -> str:
    return common.ratio_text(account.ratio, cur) if account.ratio is not None else "none"


def _figures(account: Account, cur: str, result: Result) -> list[str]:
    money = common.money
    kinds = [
        [md(spent.label), money(spent.amount, cur), money(pv.amount, cur), _rows(spent, result)]
        for spent, pv in common.shown(account.input_amounts, account.input_present_values)
    ]
    kinds.append(
        [
            "**Total inputs**",
            f"**{money(account.input_amount.amount, cur)}**",
            f"**{money(account.investment.amount, cur)}**",
            "",
        ]
    )
    whole = account.present_value.amount
    types = [
        [
            md(f.label + (" (costs saved)" if f.label == "fiscal" else "")),
            money(f.amount, cur),
            _share_text(f.amount, whole),
            _rows(f, result),
        ]
        for f in common.shown(account.value_by_type)
    ]
    types.append(["**Value produced**", f"**{money(whole, cur)}**", "", ""])
    out = [
        "#### Inputs by kind",
        "",
        _table(["Kind", "As spent", "Present value", "Made up of"], kinds, (1, 2)),
        "",
        "#### Value produced by value type",
        "",
        _table(["Value type", "Present value", "Share", "Made up of"], types, (1, 2)),
        "",
        "#### Costs saved, by who saves",
        "",
    ]
    if account.costs_saved_by_bearer:
        saved = account.costs_saved.amount
        bearers = [
            [
                md(f.label),
                money(f.amount, cur),
                _share_text(f.amount, saved),
                _rows(f, result),
            ]
            for f in account.costs_saved_by_bearer
        ]
        bearers.append(["**Costs saved**", f"**{money(saved, cur)}**", "", ""])
        out += [_table(["Who saves", "Present value", "Share", "Made up of"], bearers, (1, 2)), ""]
    else:
        out += ["No fiscal outcomes here: no costs saved to public bodies are claimed.", ""]
    return out


def _key(account: Account, cur: str) -> list[str]:
    lines = [
        f"- Inputs (present value): **{common.money(account.investment.amount, cur)}**",
        f"- Value produced: **{common.money(account.present_value.amount, cur)}**",
        f"- Costs saved: **{common.money(account.costs_saved.amount, cur)}**",
        f"- Ratio: **{_ratio(account, cur)}**",
    ]
    if account.ratio is None:
        lines.append(f"- No ratio: {md(account.ratio_reason)}.")
    return [*lines, ""]


def _area(account: Account, cur: str, result: Result, narrative: Sequence[str] = ()) -> list[str]:
    anchors = _anchors(result)
    money = common.money
    out = [f"## {md(account.name)}", ""]
    for paragraph in narrative:
        out += [md(paragraph), ""]
    if account.note:
        out += [md(account.note), ""]
    out += _key(account, cur)
    out += ["### Inputs", ""]
    if account.inputs:
        rows = [
            [
                f"[{md(common.input_label(result, x.index))}](#{common.input_anchor(x.index)})",
                md(x.stakeholder),
                md(common.KIND_LABELS.get(x.kind, x.kind)),
                str(x.year),
                money(x.amount, cur),
                money(x.present_value, cur),
            ]
            for x in account.inputs
        ]
        head = ["Input", "Stakeholder", "Kind", "Year", "As spent", "Present value"]
        out += [_table(head, rows, (3, 4, 5)), ""]
    else:
        out += ["No inputs are assigned to this area.", ""]
    out += ["### Outputs delivered", ""]
    if account.outputs:
        rows = [
            [
                f"[{md(o.description)}](#{common.output_anchor(o.index)})",
                common.quantity(o.quantity),
                md(o.unit),
                md(o.stakeholder),
            ]
            for o in account.outputs
        ]
        out += [_table(["Description", "Quantity", "Unit", "Delivered to"], rows, (1,)), ""]
    else:
        out += ["No outputs are recorded for this area.", ""]
    out += ["### Outcomes", ""]
    if account.outcomes:
        rows = [
            [
                f"[{md(o.outcome)}](#{anchors[o.id]})",
                md(o.stakeholder),
                md(o.value_type),
                md(o.bearer_text),
                money(o.present_value, cur),
            ]
            for o in account.outcomes
        ]
        rows.append(
            [
                "**Value produced**",
                "",
                "",
                "",
                f"**{money(account.present_value.amount, cur)}**",
            ]
        )
        head = ["Outcome", "Stakeholder", "Value type", "Who gains", "Present value"]
        out += [_table(head, rows, (4,)), ""]
    else:
        out += ["No outcomes are valued in this area.", ""]
    return out + _figures(account, cur, result)


def _summary(accounts: SocialAccounts, cur: str) -> list[str]:
    money = common.money
    rows = []
    for a in accounts.accounts:
        cells = [
            md(a.name),
            money(a.investment.amount, cur),
            money(a.present_value.amount, cur),
            money(a.costs_saved.amount, cur),
            money(a.npv, cur),
            _ratio(a, cur),
        ]
        if a.kind == "organisation":
            cells = [f"**{c}**" for c in cells]
        rows.append(cells)
    head = ["Account", "Inputs (present value)", "Value produced", "Costs saved", "NPV", "Ratio"]
    return [_table(head, rows, (1, 2, 3, 4, 5)), "", *(md(n) + "  " for n in accounts.notes), ""]


def _impact_map(result: Result, accounts: SocialAccounts) -> list[str]:
    cur, money = result.currency, common.money
    rows = [
        [
            f'<a id="{r["anchor"]}"></a>{md(r["outcome"])}'
            + (f" ({md(r['indicator'])})" if r["indicator"] else "")
            + f" <sub>ref. {md(r['id'])}</sub>",
            md(r["area"]),
            md(r["stakeholder"]),
            common.quantity(r["quantity"]) + (f" {md(r['unit'])}" if r["unit"] else ""),
            money(r["value"], cur)
            + (f" ({md(r['proxy_name'] or r['proxy'])})" if r["proxy"] else ""),
            md(r["value_type_text"]),
            md(r["bearer_text"]),
            r["years"],
            r["deductions"],
            money(r["after_attribution"], cur),
            money(r["present_value"], cur),
            common.percent(r["share_of_present_value"]),
        ]
        for r in common.impact_rows(result)
    ]
    head = [
        "Outcome (indicator)",
        "Area",
        "Stakeholder",
        "Quantity",
        "Value a unit (proxy)",
        "Value type",
        "Who gains",
        "Years",
        "Deductions %",
        "First-year impact",
        "Present value",
        "Share",
    ]
    out = [
        "## Impact map",
        "",
        "One row per outcome. Deductions are deadweight / displacement / attribution / "
        "drop-off, in per cent; the first-year impact is quantity × value after the three "
        "deductions.",
        "",
        _area_table(result, head, rows, (3, 4, 7, 8, 9, 10, 11)),
        "",
        "### Inputs",
        "",
    ]
    org = accounts.organisation
    inputs = [
        [
            f'<a id="{common.input_anchor(x.index)}"></a>'
            + md(common.input_label(result, x.index)),
            md(x.area),
            md(x.stakeholder),
            md(common.KIND_LABELS.get(x.kind, x.kind)),
            str(x.year),
            money(x.amount, cur),
            money(x.present_value, cur),
        ]
        for x in org.inputs
    ]
    head = ["Input", "Area", "Stakeholder", "Kind", "Year", "As spent", "Present value"]
    out += [_area_table(result, head, inputs, (4, 5, 6)), ""]
    if org.outputs:
        outputs = [
            [
                f'<a id="{common.output_anchor(o.index)}"></a>' + md(o.description),
                md(o.area),
                common.quantity(o.quantity),
                md(o.unit),
                md(o.stakeholder),
            ]
            for o in org.outputs
        ]
        head = ["Output", "Area", "Quantity", "Unit", "Delivered to"]
        out += ["### Outputs", "", _area_table(result, head, outputs, (2,)), ""]
    return out


def _link(path: str) -> str:
    """A relative path as a Markdown link target: spaces and brackets percent-encoded."""
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/._-~")


def _front(found: dict[str, Any] | None, title: str) -> list[str]:
    """The title, with the organisation, its logo and the period above and below it."""
    out = []
    if found and found["logo"]:
        out += [f"![{md(found['logo']['alt'])}]({_link(found['logo']['path'])})", ""]
    if found and found["organisation"]:
        out += [f"**{md(found['organisation'])}**", ""]
    out += [f"# {md(title)}", ""]
    if found and found["period"]:
        out += [f"*{md(found['period'])}*", ""]
    return out


def _summary_page(
    result: Result,
    page: dict[str, Any],
    found: dict[str, Any] | None,
    sensitivity: bool,
) -> list[str]:
    """The one-page summary."""
    before, ratio, after = page["ratio_sentence"]
    out = ["## Summary", "", f"{md(before)} **{md(ratio)}** {md(after)}", ""]
    out += [f"- {md(label)}: **{md(text)}**" for label, text in page["figures"]]
    out.append("")
    if page["transfers"]:
        out += [md(page["transfers"]["sentence"]), ""]
    if page["top_outcomes"]:
        areas = bool(result.model.areas)
        rows = [
            [
                f"[{md(o['outcome'])}](#{o['anchor']})",
                md(o["stakeholder"]),
                *([md(o["area"])] if areas else []),
                o["present_value"],
                o["share"],
            ]
            for o in page["top_outcomes"]
        ]
        head = ["Outcome", "Stakeholder", *(["Area"] if areas else []), "Present value", "Share"]
        n = len(head)
        out += ["### The outcomes worth most", "", _table(head, rows, (n - 2, n - 1)), ""]
        if page["more_outcomes"]:
            more = page["more_outcomes"]
            out += [f"And {more} more outcome{'s' if more > 1 else ''}: see the "
                    "[impact map](#impact-map).", ""]  # fmt: skip
    see = " See [Sensitivity and uncertainty](#sensitivity-and-uncertainty)." if sensitivity else ""
    out += ["### How sure we are", "", md(page["how_sure"]) + see, ""]
    if result.warnings:
        n = len(result.warnings)
        out += [f"The evaluation gave {n} warning{'s' if n > 1 else ''} to check: see "
                "[Notes and warnings](#notes-and-warnings).", ""]  # fmt: skip
    if found:
        for label, key in (
            ("Organisation", "organisation"),
            ("Period", "period"),
            ("Prepared by", "prepared_by"),
            ("Published", "published"),
            ("Contact", "contact"),
        ):
            if found[key]:
                out.append(f"- {label}: {md(found[key])}")
        out.append("")
    return out


def _sensitivity(result: Result, found: dict[str, Any], unsure: dict[str, Any]) -> list[str]:
    target = found["target"]
    out = [
        "## Sensitivity and uncertainty",
        "",
        "Every figure in these accounts rests on estimates: how many people changed, what the "
        "change is worth, and how much of it would have happened anyway or is owed to others. "
        "This section shows how far those estimates could move before the conclusion changes.",
        "",
        f"### Switching values: what it would take to reach {target}",
        "",
    ]
    if found["rows"]:
        out += [
            "Each row moves one estimate on its own, everything else as estimated, to the "
            f"value at which the ratio {found['direction']} to {target}. The nearest come "
            "first (the smallest change in proportion: of the figure itself, or of the share "
            "a deduction leaves).",
            "",
        ]
        rows = [
            [md(r["estimate"]), md(r["base"]), md(r["switching_value"]), md(r["change"])]
            for r in found["rows"]
        ]
        head = ["Estimate", "As estimated", f"Ratio {target} at", "Change needed"]
        out += [_table(head, rows, (1, 2, 3)), ""]
    else:
        out += [f"No single estimate, moved on its own within its range, takes the ratio to "
                f"{target}.", ""]  # fmt: skip
    if found["unreachable"]:
        out += [f"These estimates cannot take the ratio to {target} on their own, whatever "
                "their value within their range:", ""]  # fmt: skip
        out += [f"- {md(u['outcome'])}: {md(u['estimates'])}" for u in found["unreachable"]]
        out.append("")
    if found["unreachable_outcomes"]:
        out += [f"No one estimate of these outcomes can take the ratio to {target} on its own, "
                "whatever its value within its range:", ""]  # fmt: skip
        out += [f"- {md(u)}" for u in found["unreachable_outcomes"]]
        out.append("")
    for note in found["notes"]:
        out += [md(note), ""]
    out += [
        "### Tornado: how far each estimate moves the ratio",
        "",
        "Each row sets one estimate lower and then higher, everything else as estimated: the "
        "value a unit of each of the largest outcomes 20 % lower and higher; deadweight, "
        "displacement, attribution and drop-off ten percentage points lower and higher on "
        "every outcome at once; every duration a year shorter and longer; the investment "
        "20 % lower and higher. A change that would take an estimate out of its range stops "
        "at the edge: a deduction stays between 0 and 100 %, a duration is at least one year.",
        "",
    ]
    rows = [
        [md(t["estimate"]), md(t["low"]), t["ratio_low"], md(t["high"]), t["ratio_high"]]
        for t in found["tornado"]["rows"]
    ]
    out += [_table(["Estimate", "Lower", "Ratio", "Higher", "Ratio"], rows, (1, 2, 3, 4)), ""]
    out += ["### Monte Carlo simulation", "", md(unsure["sentence"]), ""]
    if unsure["simulated"]:
        out += [
            f"- Draws with the ratio above 1 : 1: **{unsure['probability_text']}**",
            f"- Median ratio: {md(unsure['median'])}",
            f"- Nine draws in ten between {md(unsure['p5'])} and {md(unsure['p95'])}",
            f"- Draws: {unsure['draws_text']} ({unsure['seed_text']})",
            "",
            "The figures given as ranges:",
            "",
        ]
        rows = [[md(f["where"]) + (f" <sub>ref. {md(f['ref'])}</sub>" if f["ref"] else ""),
                 md(f["range"])] for f in unsure["figures"]]  # fmt: skip
        out += [_table(["Figure", "Range"], rows), ""]
        out += [
            "The chance is the share of draws whose ratio is above 1 : 1; it is only as good "
            "as the ranges given, and treats the figures as independent of one another.",
            "",
        ]
    return out


def _sources(result: Result) -> list[str]:
    found = common.sources(result)
    out = ["## Sources and licences", "", "### Financial proxies", ""]
    if found["proxies"]:
        rows = [
            [
                f"{md(p['name'])} <sub>ref. {md(p['id'])}</sub>"
                + (f"<br>Used for: {md(p['used_by'])}" if p["used_by"] else ""),
                md(p["value"]),
                md(p["price_year"]) + (f" (data age: {p['data_age']})" if p["data_age"] else ""),
                f"{p['price_index']:.4f}",
                md(p["source"]),
                md(p["licence"]),
            ]
            for p in found["proxies"]
        ]
        head = ["Proxy", "Value as published", "Price year", "Price index", "Source", "Licence"]
        out += [_table(head, rows, (1, 3)), ""]
        out += [("The price index moves each value from its price year to this report's. "
                 + found["data_age_note"]).strip(), ""]  # fmt: skip
        if found["proxy_checksum"]:
            out += [f"Proxy table checksum (SHA-256): `{found['proxy_checksum']}`", ""]
    else:
        out += ["Every outcome gives its own value; no proxy from a table was used.", ""]
    d = found["deflator"]
    out += ["### Prices between years", "", f"- GDP deflator: {md(d['text'])}"]
    if d["base"]:
        out.append(f"- Index base: {md(d['base'])}")
    out += [f"- Source: {md(d['source'])}", ""]
    out += ["### Discounting", "", f"- Discount rate: {md(found['discount']['text'])}",
            f"- Source: {md(found['discount']['source'])}", ""]  # fmt: skip
    return out


def _typeset(pieces: list[tuple[str, str]]) -> str:
    """A formula's pieces (:func:`sroi.report._common.formula_parts`) with its exponents
    and indices raised and lowered (``<sup>``, ``<sub>``: HTML that Markdown passes on)."""
    out = []
    for k, (text, kind) in enumerate(pieces):
        shown = md(text) if k == 0 else markdown_escape(text)
        out.append(f"<{kind}>{shown}</{kind}>" if kind else shown)
    return "".join(out)


def _method(result: Result) -> list[str]:
    m = common.method(result)
    out = ["## Method notes", ""]
    out += [f"- {md(label)}: {md(text)}" for label, text in m["settings"]]
    out += ["", "### Conventions", ""]
    for c in m["conventions"]:
        out.append(f"- **{c['title']}**: {md(c['sentence'])}")
        if c["formula"]:
            out.append("  " + _typeset(c["formula_parts"]))
    out.append("")
    if m["uncertain"]:
        out += ["### Figures given as distributions", "", "The report uses one value of each:", ""]
        out += [f"- {md(u)}" for u in m["uncertain"]]
        out.append("")
    return out


def _who_benefits(result: Result) -> list[str]:
    who = common.who_benefits(result)
    out = ["## Who benefits and who saves", ""]
    if who["groups"]:
        rows = [
            [md(g["group"]), g["priority"], md(g["present_value"]), g["share"]]
            for g in who["groups"]
        ]
        out += ["### Value by beneficiary group", ""]
        out += [_table(["Group", "Priority", "Present value", "Share"], rows, (2, 3)), ""]
        if who["priority_share"]:
            share = who["priority_share"]
            out += [f"Share of the present value reaching priority groups: {share}.", ""]
    keys = ("puts_in", "gains", "net", "fiscal_saving", "transfer", "wider_benefit")
    rows = [[md(f["agency"]), *(md(f[k]) for k in keys)] for f in who["flows"]]
    head = ["Agency or stakeholder", "Puts in", "Gains", "Net", "Fiscal saving", "Transfer",
            "Wider benefit"]  # fmt: skip
    out += ["### Money flows: who puts in, who gains", "", _table(head, rows, (1, 2, 3, 4, 5, 6))]
    out += [
        "",
        "Present values. Gains are the outcomes' value split by who gains; a transfer is a "
        "benefit or tax payment moved, not a resource saved.",
        "",
    ]
    for c in who["compared"]:
        rows = [[md(label), md(a), md(b)] for label, a, b in c["rows"]]
        out += [f"### {c['title']}", "", _table(["Figure", *c["names"]], rows, (1, 2)), ""]
        out += [md(c["note"]), ""]
    return out


def _claims(result: Result) -> list[str]:
    found = common.claims(result)
    out = ["## Claims check", ""]
    if found["rows"]:
        rows = [
            [
                f["severity"],
                md(f["principle"]),
                md(f["where"]) + (f" <sub>ref. {md(f['ref'])}</sub>" if f["ref"] else ""),
                md(f["finding"]),
            ]
            for f in found["rows"]
        ]
        out += [_table(["Severity", "Principle", "Where", "Finding"], rows), ""]
    else:
        out += ["No findings.", ""]
    out += [
        f"Thresholds: {md(found['thresholds'])}. Findings are for judgement; no figure has been "
        "changed.",
        "",
    ]
    return out


def _notes(result: Result) -> list[str]:
    found = common.notes(result)
    out = ["## Notes and warnings", ""]
    if not found:
        return [*out, "The evaluation gave no warnings.", ""]
    out += [
        "The evaluation gave these warnings: input that is allowed but should be checked, or "
        "figures that rest on forecasts. No figure has been changed because of them.",
        "",
    ]
    rows = [
        [md(n["where"]) + (f" <sub>ref. {md(n['ref'])}</sub>" if n["ref"] else ""),
         md(n["message"])]
        for n in found
    ]  # fmt: skip
    return [*out, _table(["Where", "Warning"], rows), ""]


def _anchors(result: Result) -> dict[str, str]:
    return {oid: common.outcome_anchor(oid, i) for i, oid in enumerate(result.model.outcome_ids)}


def render_markdown(
    result: Result,
    *,
    sensitivity: bool = True,
    draws: int = 10_000,
    seed: int | None = 0,
    deflator: Any = None,
) -> str:
    """The social accounts report as GitHub-flavoured Markdown text.

    The one-page summary comes first, then the introduction, the accounts, the impact
    map, who benefits, the sensitivity and uncertainty section, notes and warnings, the
    claims check, the method notes and the sources and licences. There are no charts: the
    tornado and the simulation are given as tables and figures. A logo in the front matter
    is a relative image link to its path as given in the model file.

    Parameters
    ----------
    result : Result
        An evaluated model.
    sensitivity : bool, default True
        Add the sensitivity and uncertainty section (as :func:`sroi.report.render_html`).
    draws : int, default 10,000
        Monte Carlo draws (only where the model gives distributions).
    seed : int or None, default 0
        The simulation's seed; None draws afresh.
    deflator : str, path or DeflatorSeries, optional
        As :func:`sroi.report.render_html`.

    Returns
    -------
    str

    Raises
    ------
    ModelError
        If a figure is not a finite number (see :func:`require_finite
        <sroi.report._common.require_finite>`); if the front matter's logo is not an
        image file (located at ``front_matter.logo``).

    Examples
    --------
    >>> import sroi
    >>> r = sroi.evaluate({"name": "Garden | <b>club</b>",
    ...     "inputs": [{"stakeholder": "HA", "amount": 100}],
    ...     "outcomes": [{"stakeholder": "Tenants", "outcome": "Warmer homes",
    ...                   "quantity": 1, "value": 207, "duration": 1}]})
    >>> text = render_markdown(r, sensitivity=False)
    >>> text.splitlines()[0]
    '# Social accounts: Garden \\\\| &lt;b&gt;club&lt;/b&gt;'
    >>> "| SROI ratio | £2.00 per £1 |" in text
    True
    """
    common.require_finite(result, "the Markdown report")
    cur = result.currency
    accounts = social_accounts(result)
    found = common.front_matter(result)
    sens, unsure = (
        (
            common.sensitivity(result, deflator=deflator),
            common.uncertainty(result, draws=draws, seed=seed, deflator=deflator),
        )
        if sensitivity
        else (None, None)
    )
    prices = f", {md(result.price_year)} prices" if result.price_year else ""
    out = [
        *_front(found, common.title(result)),
        f"{md(cur)}{prices}; discounted at {md(discount_rate_text(result.discount_rate))}; "
        f"produced with sroi {common.method(result)['version']}.",
        "",
    ]
    if result.model.description:
        out += [md(result.model.description), ""]
    out += _summary_page(result, common.summary(result, sens, unsure), found, sensitivity)
    if found and found["introduction"]:
        out += ["## Introduction", ""]
        for paragraph in found["introduction"]:
            out += [md(paragraph), ""]
    out += ["## Headline figures", ""]
    out += [_table(["Figure", "Value"], [[md(k), md(v)] for k, v in common.headline(result)], (1,))]
    before, ratio, after = common.ratio_sentence(result)
    out += ["", f"{md(before)} **{md(ratio)}** {md(after)}"]
    if result.warnings:
        n = len(result.warnings)
        out += ["", f"The evaluation gave {n} warning{'s' if n > 1 else ''}: see "
                "[Notes and warnings](#notes-and-warnings)."]  # fmt: skip
    out += ["", "## Accounts at a glance", "", *_summary(accounts, cur)]
    narrative = found["narrative"] if found else {}
    for account in accounts.areas:
        out += _area(account, cur, result, narrative.get(account.name, ()))
    org = accounts.organisation
    out += ["## Organisation totals", "", md(org.note), "", *_key(org, cur)]
    out += _figures(org, cur, result)
    out += _impact_map(result, accounts)
    out += _who_benefits(result)
    if sens is not None and unsure is not None:
        out += _sensitivity(result, sens, unsure)
    out += _notes(result)
    out += _claims(result)
    out += _method(result)
    out += _sources(result)
    text = "\n".join(out).rstrip("\n") + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


def write_markdown(
    result: Result,
    path: str | PathLike[str],
    *,
    sensitivity: bool = True,
    draws: int = 10_000,
    seed: int | None = 0,
    deflator: Any = None,
) -> Path:
    """Write the Markdown report of ``result`` to ``path`` (UTF-8).

    Parameters
    ----------
    result : Result
        An evaluated model.
    path : str or os.PathLike
        The file to write (replaced if it exists).
    sensitivity, draws, seed, deflator
        As :func:`render_markdown`.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    out = Path(path)
    text = render_markdown(
        result, sensitivity=sensitivity, draws=draws, seed=seed, deflator=deflator
    )
    out.write_text(text, encoding="utf-8")
    return out
