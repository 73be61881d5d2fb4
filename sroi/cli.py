"""The ``sroi`` command line: evaluate and validate model files, browse the proxy table.

::

    sroi evaluate MODEL [--discount-rate RATE] [--price-year YEAR] [--deflator hmt|ucd]
                        [--proxies CSV] [--format table|json|csv]
    sroi validate MODEL [--proxies CSV]
    sroi report MODEL [--html FILE] [--xlsx FILE] [--md FILE] [--discount-rate RATE]
                      [--price-year YEAR] [--deflator hmt|ucd] [--proxies CSV]
    sroi schema
    sroi proxies search TEXT [--limit N] [--category C] [--value-type T] [--proxies CSV]
    sroi proxies show ID [--proxies CSV]

``python -m sroi ...`` is the same command. ``sroi MODEL`` (a ``.yaml``, ``.yml`` or
``.json`` file, the form before there were subcommands) is short for ``sroi evaluate MODEL``.

Exit codes: 0 when all went well; 1 when the model is not valid, a proxy id is unknown, a
unit does not fit or a file is missing (any :class:`sroi.SROIError`); 2 for a usage error
(an unknown option, a malformed ``--discount-rate``). Errors are written to stderr as
plain text, one problem a line, never as a traceback.

Everything printed, on stdout and stderr, passes through
:func:`sroi.formatting.terminal_safe`: a control character in a model name, a description,
a proxy's note or a file name (an escape sequence that would recolour the terminal,
retitle its window or move the cursor) is shown written out (``\\x1b``), never obeyed. JSON
output is unaffected (``json.dumps`` already writes every control character as ``\\u001b``,
so the JSON keeps the exact text); in the table and CSV output the text shows the escape.

Examples
--------
>>> from click.testing import CliRunner
>>> run = CliRunner().invoke(cli, ["proxies", "search", "homeless", "--limit", "1"])
>>> run.exit_code
0
>>> run.stdout.splitlines()[2].split()[:2]
['ucd_rough_sleeper_la_cost_per_year', '7,900.00']
"""

from __future__ import annotations

import json
import shutil
import textwrap
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from sroi._version import __version__
from sroi.errors import ModelError, SROIError, SROIWarning
from sroi.evaluation import evaluate
from sroi.formatting import describe_bearers, number, percent, terminal_safe
from sroi.model import model_schema
from sroi.parsing import (
    DISCOUNT_RATE_TEXT_ALLOWED,
    message_of,
    parse_discount_rate_text,
    parse_price_year,
)
from sroi.proxies import Proxy, ProxyTable, load, read_table
from sroi.proxies.deflators import SERIES
from sroi.result import Result
from sroi.vocabulary import CATEGORIES, DISCOUNT_SCHEDULES, VALUE_TYPES

__all__ = ["cli", "main"]

_MODEL_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".zip")
_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# --------------------------------------------------------------------------------------
# Errors: SROIError and missing files -> exit 1, readable text on stderr


def _echo(text: str, *, err: bool = False) -> None:
    """Print a line, its control characters written out (:func:`terminal_safe`)."""
    click.echo(terminal_safe(text), err=err)


class _Failure(click.ClickException):
    """An error in the user's input (not in the command line): exit status 1."""

    exit_code = 1

    def format_message(self) -> str:
        return terminal_safe(self.message)


@contextmanager
def _safe_messages() -> Iterator[None]:
    """Write out control characters in click's own messages (a usage error quotes what
    was typed, an unexpected argument among it)."""
    try:
        yield
    except click.ClickException as exc:
        exc.message = terminal_safe(exc.message)
        raise


@contextmanager
def _reported(what: str | None = None) -> Iterator[None]:
    """Turn sroi's errors and missing files into exit 1 with their message on stderr.

    Warnings raised inside (an :class:`sroi.SROIWarning` such as total deductions above
    90 %) are written to stderr as ``Warning: ...`` lines, without Python's file and line.
    """
    prefix = f"{what}: " if what else ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SROIWarning)
        try:
            yield
        except FileNotFoundError as exc:
            raise _Failure(f"{what or exc.filename}: no such file") from None
        except IsADirectoryError as exc:
            raise _Failure(f"{what or exc.filename}: is a directory, not a file") from None
        except OSError as exc:
            raise _Failure(f"{what or exc.filename}: cannot be read ({exc.strerror})") from None
        except UnicodeDecodeError as exc:
            # A reader that let a decoding error through: still the file's fault, not ours.
            raise _Failure(
                f"{what or 'a file'}: cannot be read: it is not {exc.encoding} text "
                f"(byte {exc.start:,} is {exc.object[exc.start : exc.start + 1]!r})"
            ) from None
        except SROIError as exc:
            # A ModelError names its own file; others (an unknown proxy) get the file here.
            text = str(exc)
            if isinstance(exc, ModelError) and what and what in text:
                prefix = ""
            raise _Failure(prefix + text) from None
        finally:
            for w in caught:
                _echo(f"Warning: {w.message}", err=True)


# --------------------------------------------------------------------------------------
# Parameter types


class _DiscountRate(click.ParamType):
    """A constant rate, a schedule name or comma-separated yearly rates.

    Read by :func:`sroi.parsing.parse_discount_rate_text`: the rates a model accepts.
    """

    name = "rate"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float | str | tuple[float, ...]:
        if not isinstance(value, str):
            return value
        try:
            return parse_discount_rate_text(value)
        except ModelError:
            self.fail(f"{value!r} is not {DISCOUNT_RATE_TEXT_ALLOWED}", param, ctx)


class _PriceYear(click.ParamType):
    """A calendar year (2024) or a financial year (2024/25).

    Read by :func:`sroi.parsing.parse_price_year`, the rule a model's ``price_year`` follows,
    and refused with the same message.
    """

    name = "year"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> int | str:
        try:
            return parse_price_year(value).plain
        except ModelError as exc:
            self.fail(f"{message_of(exc)} (got {value!r})", param, ctx)


_MODEL = click.argument("model", metavar="MODEL", type=click.Path())
_PROXIES = click.option(
    "--proxies",
    "proxy_csv",
    metavar="CSV",
    type=click.Path(dir_okay=False),
    help="Your own proxy table (same columns as the bundled one), merged over the bundled "
    "table: your row wins for an id in both.",
)


def _proxy_table(proxy_csv: str | None) -> ProxyTable | None:
    if proxy_csv is None:
        return None
    if not Path(proxy_csv).is_file():
        raise _Failure(f"{proxy_csv}: no such file")
    with _reported(proxy_csv):
        return read_table(proxy_csv)


# --------------------------------------------------------------------------------------
# The group


class _Group(click.Group):
    """A group where ``sroi MODEL ...`` means ``sroi evaluate MODEL ...``, and whose usage
    errors show what was typed with its control characters written out."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _safe_messages():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _safe_messages():
            return super().invoke(ctx)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and args[0].lower().endswith(_MODEL_SUFFIXES):
            args = ["evaluate", *args]
        return super().resolve_command(ctx, args)


def _evaluation_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that change how a model is evaluated: rate, price year, deflator, proxies."""
    for option in reversed(
        (
            click.option(
                "--discount-rate",
                "-r",
                type=_DiscountRate(),
                metavar="RATE",
                help="Override the model's discount rate: a number (0.035 is 3.5 %), yearly "
                "rates separated by commas (0.05,0.04; the last carries on), or a schedule: "
                + ", ".join(DISCOUNT_SCHEDULES)
                + ".",
            ),
            click.option(
                "--price-year",
                "-p",
                type=_PriceYear(),
                metavar="YEAR",
                help="Present every figure at this price year (2024 or 2023/24; the bundled "
                "deflators run to 2024), moving the model's amounts and proxies with the GDP "
                "deflator.",
            ),
            click.option(
                "--deflator",
                type=click.Choice(SERIES),
                default="hmt",
                show_default=True,
                help="GDP deflator series used to move proxies and amounts between price years.",
            ),
            _PROXIES,
        )
    ):
        command = option(command)
    return command


@click.group(cls=_Group, context_settings=_CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="sroi")
def cli() -> None:
    """Social return on investment (SROI): evaluate impact maps, browse financial proxies.

    A model is a .yaml or .json file with inputs and outcomes (see `sroi schema` and the
    examples/ folder). `sroi MODEL` is short for `sroi evaluate MODEL`.

    Exit status: 0 ok; 1 the model is not valid, a proxy id is unknown, a unit does not fit
    or a file is missing; 2 the command line is wrong.
    """


# --------------------------------------------------------------------------------------
# evaluate


def _as_csv(result: Result) -> str:
    """The impact map as CSV, text cells guarded by the one formula-injection rule.

    A share of the present value that is not a finite number (benefits and disbenefits
    that cancel out to nearly nothing) is left blank, as the reports leave it.
    """
    import pandas as pd

    from sroi.io.cells import protect
    from sroi.report._common import require_finite, share

    require_finite(result, "the CSV output")
    table = result.by_outcome
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].map(lambda v: protect(v) if isinstance(v, str) else v)
    table["share_of_present_value"] = [
        share(x, 1.0) for x in table["share_of_present_value"].astype(float)
    ]
    return table.to_csv(index=False, lineterminator="\n")


def _as_json(result: Result) -> str:
    """Everything (:meth:`Result.to_dict`) as JSON; every string escaped as JSON does
    (``ensure_ascii``), so the text holds no control character and the JSON stays valid."""
    from sroi.report._common import require_finite

    require_finite(result, "the JSON output", shares=True)
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=True, allow_nan=False)


def _as_table(result: Result) -> str:
    """The readable summary (:meth:`Result.summary`), which shows every share as it is."""
    from sroi.report._common import require_finite

    require_finite(result, "the summary", shares=True)
    return result.summary()


_FORMATS: dict[str, Callable[[Result], str]] = {
    "table": _as_table,
    "json": _as_json,
    "csv": _as_csv,
}


@cli.command("evaluate", short_help="Evaluate a model: PV, NPV, SROI ratio, payback.")
@_MODEL
@_evaluation_options
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(tuple(_FORMATS)),
    default="table",
    show_default=True,
    help="table: a readable summary; json: everything, stamped with the version and "
    "parameters; csv: the impact map, one row per outcome.",
)
@click.option("--json", "as_json", is_flag=True, hidden=True, help="Same as --format json.")
def evaluate_command(
    model: str,
    discount_rate: float | str | tuple[float, ...] | None,
    price_year: int | str | None,
    deflator: str,
    proxy_csv: str | None,
    fmt: str,
    as_json: bool,
) -> None:
    """Evaluate MODEL: present value, NPV, SROI ratio, payback and the impact map.

    \b
    Examples:
      sroi evaluate examples/council_contract.yaml
      sroi evaluate model.yaml --discount-rate green_book --price-year 2023/24
      sroi evaluate model.yaml --format json > result.json
      sroi evaluate model.yaml --proxies my_licensed_values.csv --format csv
    """
    table = _proxy_table(proxy_csv)
    with _reported(model):
        result = evaluate(
            model,
            discount_rate=discount_rate,
            price_year=price_year,
            deflator=deflator,  # type: ignore[arg-type]
            proxies=table,
        )
        text = _FORMATS["json" if as_json else fmt](result)
    _echo(text.rstrip("\n"))


# --------------------------------------------------------------------------------------
# validate


@cli.command(short_help="Check a model; list every problem with its location.")
@_MODEL
@_PROXIES
def validate(model: str, proxy_csv: str | None) -> None:
    """Check MODEL without printing figures: every problem is listed with its location.

    Checks the file format, every field, that each proxy id is in the table and its unit
    fits the outcome's quantity, and that the investment is not zero. Exit status 0 if
    the model is valid, 1 if not.
    """
    table = _proxy_table(proxy_csv)
    with _reported(model):
        # one round: fields, proxy ids, units and a zero investment are reported together
        m = evaluate(model, proxies=table).model
    n, k = len(m.outcomes), len(m.inputs)
    _echo(f"{model}: valid ({n} outcome{'s' if n != 1 else ''}, {k} input{'s' if k != 1 else ''})")


# --------------------------------------------------------------------------------------
# schema


@cli.command(short_help="Print the JSON Schema of the model format.")
def schema() -> None:
    """Print the JSON Schema of the model file format (for editors and other tools)."""
    _echo(json.dumps(model_schema(), indent=2))


# --------------------------------------------------------------------------------------
# proxies


@cli.group(context_settings=_CONTEXT, short_help="Search and show financial proxies.")
def proxies() -> None:
    """Browse the financial proxies: the bundled, sourced table (or your own)."""


def format_proxy_table(table: ProxyTable) -> str:
    """A proxy table as aligned text: id, value, unit, price year, value type, bearer.

    Parameters
    ----------
    table : ProxyTable
        The rows to show, in order.

    Returns
    -------
    str
        A header, a rule and one line per proxy; ``value`` [money per unit] is written
        with thousands separators.

    Examples
    --------
    >>> text = format_proxy_table(load().search("jsa claimant into work total", limit=1))
    >>> header, rule, row = text.splitlines()
    >>> [cell.strip() for cell in row.split("  ") if cell]
    ['ucd_jsa_claimant_into_work_fiscal_total', '9,800.00', 'GBP / person / year', '2012/13',
     'fiscal', 'DWP 94% / NHS 6%']
    """
    head = ("id", "value", "unit", "price year", "value type", "bearer")
    rows = [
        tuple(
            terminal_safe(cell)
            for cell in (
                p.id,
                number(p.value),
                p.unit,
                "" if p.price_year is None else str(p.price_year),
                p.value_type,
                (describe_bearers(p.bearer_split) if len(p.bearer_split) > 1 else p.bearer),
            )
        )
        for p in table
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i == 1 else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


@proxies.command(short_help="Search proxies by words, best first.")
@click.argument("text")
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Most rows to show.",
)
@click.option(
    "--category",
    "-c",
    type=click.Choice(CATEGORIES),
    multiple=True,
    help="Only this category (repeat for several).",
)
@click.option(
    "--value-type",
    "-t",
    type=click.Choice(VALUE_TYPES),
    multiple=True,
    help="Only this value type (repeat for several).",
)
@_PROXIES
def search(
    text: str,
    limit: int,
    category: tuple[str, ...],
    value_type: tuple[str, ...],
    proxy_csv: str | None,
) -> None:
    """Search the proxies for TEXT (words in the id, name, category or note), best first.

    \b
    Examples:
      sroi proxies search homeless
      sroi proxies search "mental health" --value-type fiscal --limit 5
    """
    table = _proxy_table(proxy_csv) or load()
    with _reported():
        table = table.filter(category=category or None, value_type=value_type or None)
    found = table.search(text, limit=limit)
    if not len(found):
        _echo(f"No proxy matches {text!r}.", err=True)
        return
    _echo(format_proxy_table(found))
    _echo("\n`sroi proxies show ID` gives a proxy's source, licence and notes.", err=True)


def _wrapped(label: str, text: str, width: int) -> str:
    indent = " " * (len(label) + 2)
    body = textwrap.fill(
        text,
        width=width,
        initial_indent=f"{label}  ",
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ).rstrip()
    return body or label


def format_proxy(p: Proxy, width: int = 88) -> str:
    """Every field of a proxy as labelled, wrapped lines.

    Parameters
    ----------
    p : Proxy
        The proxy.
    width : int, default 88
        Line width [characters].

    Returns
    -------
    str

    Examples
    --------
    >>> text = format_proxy(load().get("ucd_jsa_claimant_into_work_fiscal_total"))
    >>> print("\\n".join(line for line in text.splitlines() if line.startswith(("val", "bea"))))
    value             9,800.00 GBP / person / year (2012/13 prices)
    value type        fiscal
    bearer            Multiple
    bearer split      DWP: 94%, NHS: 6%
    """
    year = f" ({p.price_year} prices)" if p.price_year is not None else " (no price year)"
    marmot = f"{p.marmot_objective}: {p.marmot_wording}" if p.marmot_objective is not None else ""
    fields = [
        ("id", p.id),
        ("name", p.name),
        ("value", f"{number(p.value)} {p.unit}{year}"),
        ("category", p.category),
        ("value type", p.value_type),
        ("currency", p.currency),
        ("bearer", p.bearer),
        ("bearer split", ", ".join(f"{a}: {percent(s, 0)}" for a, s in p.bearer_split)),
        ("marmot objective", marmot),
        ("confidence", p.confidence),
        ("source", p.source),
        ("licence", p.licence),
        ("note", p.note),
    ]
    size = max(len(k) for k, _ in fields)
    return "\n".join(_wrapped(f"{k:<{size}}", terminal_safe(v), width) for k, v in fields)


@proxies.command(short_help="Show every field of one proxy.")
@click.argument("proxy_id", metavar="ID")
@_PROXIES
def show(proxy_id: str, proxy_csv: str | None) -> None:
    """Show every field of proxy ID: value, unit, price year, who gains, source, licence.

    An unknown ID exits with status 1 and lists the closest ids.
    """
    table = _proxy_table(proxy_csv) or load()
    with _reported():
        proxy = table.get(proxy_id)
    width = min(max(shutil.get_terminal_size((100, 24)).columns, 60), 100)
    _echo(format_proxy(proxy, width=width))


# --------------------------------------------------------------------------------------
# report


@cli.command(short_help="Write social accounts: HTML, Excel and Markdown reports.")
@_MODEL
@click.option(
    "--html",
    "html_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write a self-contained HTML report (charts embedded) to FILE.",
)
@click.option(
    "--xlsx",
    "xlsx_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write an Excel workbook (summary, one sheet per area, impact map) to FILE.",
)
@click.option(
    "--md",
    "md_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write the report as GitHub-flavoured Markdown to FILE.",
)
@_evaluation_options
def report(
    model: str,
    html_path: str | None,
    xlsx_path: str | None,
    md_path: str | None,
    discount_rate: float | str | tuple[float, ...] | None,
    price_year: int | str | None,
    deflator: str,
    proxy_csv: str | None,
) -> None:
    """Write the social accounts of MODEL: by area and for the organisation.

    Each report holds the headline figures, a section per area (inputs, outputs, outcomes,
    value produced, costs saved and who saves, the ratio), the organisation's totals, the
    impact map and the method notes. Give at least one of --html, --xlsx, --md.

    \b
    Examples:
      sroi report examples/housing_community_investment.yaml --html accounts.html
      sroi report model.yaml --xlsx accounts.xlsx --md accounts.md --price-year 2023/24
    """
    outputs = ((html_path, "html"), (xlsx_path, "xlsx"), (md_path, "md"))
    wanted = [(path, kind) for path, kind in outputs if path]
    if not wanted:
        raise click.UsageError("give at least one output: --html FILE, --xlsx FILE or --md FILE")
    table = _proxy_table(proxy_csv)
    with _reported(model):
        result = evaluate(
            model,
            discount_rate=discount_rate,
            price_year=price_year,
            deflator=deflator,  # type: ignore[arg-type]
            proxies=table,
        )
    try:
        from sroi import report as reports

        writers = {
            "html": reports.write_html,
            "xlsx": reports.write_excel,
            "md": reports.write_markdown,
        }
        for path, kind in wanted:
            try:
                writers[kind](result, path)
            except OSError as exc:
                raise _Failure(f"{path}: cannot be written ({exc.strerror or exc})") from None
            except SROIError as exc:
                raise _Failure(f"{path}: {exc}") from None
            _echo(f"Wrote {path}", err=True)
    except ImportError as exc:
        raise _Failure(str(exc)) from None


# --------------------------------------------------------------------------------------
# Entry point


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command line (the ``sroi`` console script and ``python -m sroi``).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments; default ``sys.argv[1:]``.
    """
    cli.main(args=list(argv) if argv is not None else None)
    raise SystemExit(0)  # pragma: no cover - cli.main exits in standalone mode


if __name__ == "__main__":  # pragma: no cover
    main()
