"""An MkDocs hook: the page ``proxy_table.md``, made from ``data/unit_costs.csv`` at build time.

The page lists every row of the bundled proxy table, one table per category and, inside it,
one per Marmot objective, each with its count and an anchor. It is made in memory when the
site is built (``mkdocs.yml`` names this file under ``hooks:``), so it is never out of date
and never committed. ``proxy_table_markdown()`` is the page's text; the tests call it too.
"""

from __future__ import annotations

import csv
import html
from collections import Counter
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from sroi.vocabulary import CATEGORIES, MARMOT_OBJECTIVES

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "data" / "unit_costs.csv"
PAGE = "proxy_table.md"

COLUMNS = ("name", "id", "value", "unit", "price year", "data age", "licence", "source")

# Backslash-escaped so that a proxy's own text is never read as Markdown.
_MARKDOWN = str.maketrans({c: f"\\{c}" for c in "\\`*_[]|"})


def _text(value: str) -> str:
    """A cell's text, safe in a Markdown table."""
    return html.escape(" ".join(value.split()), quote=False).translate(_MARKDOWN)


def _value(value: str) -> str:
    """A value with thousands separators, as many decimals as the table gives."""
    number = float(value)
    decimals = len(value.split(".", 1)[1]) if "." in value else 0
    return f"{number:,.{decimals}f}"


def _licence(value: str) -> str:
    """The licence's short name: the text before its first colon or bracket."""
    return value.split(":", 1)[0].split(" (", 1)[0].strip()


def _row(row: dict[str, str]) -> str:
    cells = (
        _text(row["name"]),
        f"`{row['id']}`",
        _value(row["value"]),
        _text(row["unit"]),
        _text(row["price_year"]) or "not stated",
        row["data_age"] or "no price year",
        _text(_licence(row["licence"])),
        _text(row["source"]),
    )
    return "| " + " | ".join(cells) + " |"


def _title(category: str) -> str:
    return category.replace("_", " ").capitalize()


def proxy_table_markdown(table: Path = TABLE) -> str:
    """The page: an overview with counts, the licences, then one section per category."""
    with table.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    by_category = Counter(r["category"] for r in rows)
    ages = Counter(r["data_age"] or "no price year" for r in rows)
    licences = Counter(r["licence"] for r in rows)
    categories = [c for c in CATEGORIES if by_category[c]] + sorted(
        c for c in by_category if c not in CATEGORIES
    )

    lines = [
        "---",
        "hide:",
        "  - navigation",  # the tables need the width; the contents on the right stay
        "---",
        "",
        "# The proxy table",
        "",
        f"Every one of the {len(rows):,} financial proxies bundled with `sroi`, from "
        "`data/unit_costs.csv`, grouped by category and, inside each category, by the Marmot "
        "Review objective the outcome serves. This page is made from the table each time the "
        "site is built. Use a proxy by its **id** (`proxy: <id>` in a model); `sroi proxies "
        "show <id>` prints its full source, notes and who gains. "
        "[Financial proxies](proxies.md) explains how to search the table and how price "
        "years, units and licences are handled.",
        "",
        "**Data age** is the database's grade for the age of a price year: *red* 2007/08 and "
        "earlier, *amber* 2008/09 to 2010/11, *green* 2011/12 and later. The rule dates from "
        "2015, so a green value can be more than ten years old: read the price year too. In "
        "this table: "
        + ", ".join(f"{age} {n:,}" for age, n in sorted(ages.items(), key=lambda a: -a[1]))
        + ".",
        "",
        "## Categories",
        "",
        "| category | proxies |",
        "|---|---:|",
    ]
    lines += [f"| [{_title(c)}](#{c}) | {by_category[c]:,} |" for c in categories]
    lines += [
        "",
        "## Licences",
        "",
        "The licence column below gives each licence's short name; in full:",
        "",
        "| licence | proxies |",
        "|---|---:|",
    ]
    lines += [f"| {_text(name)} | {n:,} |" for name, n in licences.most_common()]
    for category in categories:
        in_category = [r for r in rows if r["category"] == category]
        lines += ["", f"## {_title(category)} ({len(in_category):,}) {{#{category}}}", ""]
        objectives = Counter(r["marmot_objective"] for r in in_category)
        for objective in sorted(objectives, key=lambda o: (-objectives[o], o)):
            wording = MARMOT_OBJECTIVES.get(objective, objective or "No Marmot objective")
            anchor = f"{category}-{objective or 'none'}"
            lines += [
                f"### {_text(wording)} ({objectives[objective]:,}) {{#{anchor}}}",
                "",
                "| " + " | ".join(COLUMNS) + " |",
                "|" + "|".join("---:" if c == "value" else "---" for c in COLUMNS) + "|",
            ]
            chosen = [r for r in in_category if r["marmot_objective"] == objective]
            lines += [_row(r) for r in sorted(chosen, key=lambda r: (r["name"].lower(), r["id"]))]
            lines.append("")
    return "\n".join(lines) + "\n"


def on_files(files: Files, config: Any) -> Files:
    """Add the generated page to the site (MkDocs calls this before it reads the nav)."""
    files.append(File.generated(config, PAGE, content=proxy_table_markdown()))
    return files
