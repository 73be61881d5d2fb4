"""The documentation runs: the notebook, the command-line examples and the links in docs/.

The ``>>>`` examples in ``docs/**/*.md`` (the guides, the getting-started page and the
tutorials) are run by pytest itself (``--doctest-glob=*.md``), and ``make test`` builds the
site with ``mkdocs build --strict``. This file executes the notebook
``docs/notebooks/sroi_in_a_notebook.ipynb`` in a fresh kernel and checks its printed figures
against ``sroi`` run here; runs every ``$ sroi ...`` example of ``docs/cli.md`` and compares
the output; checks the relative links of every page, that every page is in the site's
navigation, that the generated proxy page lists every row of the proxy table once, and that
nothing in the repository points outside it.
"""

from __future__ import annotations

import doctest
import html
import json
import os
import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import sroi
from sroi.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOK = DOCS / "notebooks" / "sroi_in_a_notebook.ipynb"
HOUSING = ROOT / "examples" / "housing_community_investment.yaml"

# A cell appended to the notebook (in memory only) that reports the kernel's own objects.
PROBE = """
import json
_sw = switching.set_index(["parameter", "outcome"])["switching_value"]
print(json.dumps({
    "ratio": result.ratio,
    "uncertain_model": data,
    "draws": simulation.n,
    "seed": simulation.seed,
    "advice_share": float(impact_map.loc["advice_wellbeing", "share_of_present_value"]),
    "advice_deadweight_switch": float(_sw[("deadweight", "advice_wellbeing")]),
    "advice_attribution_switch": float(_sw[("attribution", "advice_wellbeing")]),
    "tornado_base": tornado["base_ratio"].tolist(),
    "tornado_swing": tornado["swing"].tolist(),
}, default=str))  # the model's front matter has a date (published), sent as ISO text
"""


# --------------------------------------------------------------------------------------
# The notebook


def test_notebook_is_committed_without_outputs():
    nbformat = pytest.importorskip("nbformat", reason="the notebook test needs nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "the notebook has no code cells"
    for cell in code:
        assert cell.outputs == [], f"clear the outputs before committing:\n{cell.source[:80]}"
        assert cell.execution_count is None


@pytest.fixture(scope="module")
def executed():
    """The notebook run top to bottom in a python3 kernel, from its own folder."""
    nbformat = pytest.importorskip("nbformat", reason="the notebook test needs nbformat")
    nbclient = pytest.importorskip("nbclient", reason="the notebook test needs nbclient")
    pytest.importorskip("ipykernel", reason="the notebook test needs ipykernel (python3 kernel)")
    pytest.importorskip("matplotlib", reason="the notebook draws plots with matplotlib")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE, metadata={"tags": ["probe"]}))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MPLBACKEND", "Agg")
        client = nbclient.NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        )
        client.execute()  # raises CellExecutionError, with the cell and traceback, on error
    return nb


def _cells(nb, tag: str) -> list:
    found = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert found, f"no cell tagged {tag!r}"
    return found


def _stdout(nb, tag: str) -> str:
    (cell,) = _cells(nb, tag)
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def _data(nb, tag: str, mime: str) -> str:
    (cell,) = _cells(nb, tag)
    shown = [o.data[mime] for o in cell.outputs if "data" in o and mime in o.data]
    assert shown, f"cell {tag!r} shows no {mime}"
    return shown[-1]


def _line(text: str, label: str) -> str:
    match = re.search(rf"^{re.escape(label)}\s*(.*)$", text, flags=re.MULTILINE)
    assert match, f"no line starting {label!r} in:\n{text}"
    return match.group(1).strip()


@pytest.fixture(scope="module")
def probe(executed) -> dict:
    return json.loads(_stdout(executed, "probe"))


@pytest.fixture(scope="module")
def expected():
    """The same model, evaluated here rather than in the notebook's kernel."""
    return sroi.evaluate(HOUSING)


def test_notebook_runs_without_errors(executed):
    for cell in executed.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error"]
            stderr = "".join(o.text for o in cell.outputs if o.get("name") == "stderr")
            assert "Warning" not in stderr, f"{cell.source[:200]}\n{stderr}"


def test_notebook_shows_the_result_as_html(executed, expected):
    shown = _data(executed, "result", "text/html")
    assert "sroi-result" in shown
    assert html.escape(expected.model.name) in shown
    for text in ("SROI ratio", "Impact map", f"£{expected.present_value:,.2f}"):
        assert text in shown
    for oid in expected.model.outcome_ids:
        assert oid in shown


def test_notebook_headline_figures_match_evaluate(executed, expected, probe):
    text = _stdout(executed, "headline")
    assert _line(text, "SROI ratio:") == f"{expected.ratio:.4f} : 1"
    assert _line(text, "Present value of outcomes:") == f"£{expected.present_value:,.2f}"
    assert _line(text, "Total investment:") == f"£{expected.total_investment:,.2f}"
    assert _line(text, "Net present value:") == f"£{expected.npv:,.2f}"
    assert _line(text, "Payback:") == f"{expected.payback_months:.1f} months"
    assert probe["ratio"] == expected.ratio


def test_notebook_breakdowns(executed, expected):
    bearer = _data(executed, "bearer", "text/html")
    for name in expected.breakdown("bearer")["bearer"]:
        assert html.escape(name) in bearer
    area = _data(executed, "area", "text/plain")
    invested: dict[str, float] = {}
    for i in expected.model.inputs:
        invested[i.area] = invested.get(i.area, 0.0) + i.amount
    for row in expected.breakdown("area").itertuples():
        line = _line(area, row.area)
        assert f"{row.present_value:,.2f}" in line
        assert f"{invested[row.area]:,.2f}" in line
        assert f"{row.present_value / invested[row.area]:,.2f}" in line


def test_notebook_proxy_is_the_one_the_model_uses(executed, expected):
    text = _stdout(executed, "proxy")
    proxy_id = text.splitlines()[0].strip()
    proxy = sroi.proxies.load().get(proxy_id)
    assert proxy_id == sroi.proxies.load().search("unemployed into work").ids[0]
    used = expected.by_outcome.set_index("id").loc["youth_into_work"]
    assert used["proxy"] == proxy_id
    assert _line(text, "In 2024 prices:") == f"£{used['value']:,.2f}"
    assert _line(text, "Source:") == proxy.source
    assert _line(text, "Licence:") == proxy.licence
    assert _line(text, "Who gains:") == "DWP 94%, NHS 6%"


def test_notebook_sensitivity_matches_its_prose(executed, expected, probe):
    # The Markdown says the advice wellbeing outcome carries about half the value and that
    # its deadweight or attribution would have to reach around 95 %: keep that true.
    assert 0.4 < probe["advice_share"] < 0.6
    assert 0.9 < probe["advice_deadweight_switch"] < 1.0
    assert 0.9 < probe["advice_attribution_switch"] < 1.0
    assert "advice_wellbeing" in _data(executed, "switching", "text/html")
    assert probe["tornado_base"] == pytest.approx([expected.ratio] * len(probe["tornado_base"]))
    assert probe["tornado_swing"] == sorted(probe["tornado_swing"], reverse=True)


def test_notebook_monte_carlo_is_reproducible(executed, expected, probe):
    text = _stdout(executed, "monte-carlo")
    assert _line(text, "Central ratio:") == f"{expected.ratio:.4f} : 1"
    again = sroi.sensitivity.simulate(probe["uncertain_model"], probe["draws"], seed=probe["seed"])
    assert _line(text, "P(ratio > 1):") == f"{again.probability_ratio_above(1.0):.1%}"
    assert _line(text, "P(ratio > 1.5):") == f"{again.probability_ratio_above(1.5):.1%}"
    assert len(again.uncertain) == 3
    summary = _data(executed, "monte-carlo", "text/plain")
    assert f"{again.summary().loc['ratio', 'median']:,.2f}" in _line(summary, "ratio")


def test_notebook_draws_its_plots(executed):
    plots = _cells(executed, "plot")
    assert len(plots) == 3
    for cell in plots:
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source


def test_notebook_record(executed):
    text = _stdout(executed, "record")
    assert _line(text, "sroi version:") == sroi.__version__
    assert _line(text, "discount rate:") == "green_book"
    checksum = sroi.proxies.load().checksum[:12]
    assert _line(text, "proxy table:") == f"sha256 {checksum}"


# --------------------------------------------------------------------------------------
# The command-line examples of docs/cli.md

_CONSOLE = re.compile(r"^```console\n(.*?)^```", flags=re.MULTILINE | re.DOTALL)


def _cli_examples() -> list[tuple[str, str, int]]:
    """(command, expected output, line number) for every ``$ ...`` line of docs/cli.md."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    examples = []
    for block in _CONSOLE.finditer(text):
        first_line = text.count("\n", 0, block.start(1)) + 1
        command, want, where = None, [], 0
        for offset, line in enumerate(block.group(1).splitlines()):
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, "\n".join(want), where))
                command, want, where = line[2:], [], first_line + offset
            else:
                want.append(line)
        if command is not None:
            examples.append((command, "\n".join(want), where))
    return examples


CLI_EXAMPLES = _cli_examples()


def test_cli_page_has_examples():
    commands = [c for c, _, _ in CLI_EXAMPLES]
    assert len(commands) >= 10
    for sub in ("evaluate", "validate", "proxies search", "proxies show", "schema"):
        assert any(c.startswith(f"sroi {sub}") for c in commands), sub


def test_cli_examples_run_as_shown(monkeypatch, tmp_path):
    """Each command's output matches the page (``...`` stands for any text); a command that
    fails must be followed by ``$ echo $?`` showing its exit status.

    The commands run in a scratch folder that sees the repository's ``examples/``, ``docs/``
    and ``data/``, so the files an example writes (``accounts.xlsx``) land there."""
    for name in ("examples", "docs", "data"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = CliRunner(env={"COLUMNS": "100"})
    status = None
    for i, (command, want, line) in enumerate(CLI_EXAMPLES):
        args = shlex.split(command)
        if args == ["echo", "$?"]:
            got = f"{status}\n"
        else:
            assert args[0] == "sroi", f"docs/cli.md line {line}: not an sroi command"
            run = runner.invoke(cli, args[1:], prog_name="sroi")
            status, got = run.exit_code, run.output
            if status not in (0, 1, 2):  # a crash, not a documented exit status
                raise AssertionError(f"docs/cli.md line {line}: {command}") from run.exception
            follows = CLI_EXAMPLES[i + 1][0] if i + 1 < len(CLI_EXAMPLES) else ""
            assert status == 0 or follows == "echo $?", (
                f"docs/cli.md line {line}: {command} exits with {status}; show it with `$ echo $?`"
            )
        if not checker.check_output(want + "\n", got, flags):
            diff = checker.output_difference(doctest.Example(command, want + "\n"), got, flags)
            pytest.fail(f"docs/cli.md line {line}: {command}\n{diff}")


# --------------------------------------------------------------------------------------
# Links

_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


PAGES = sorted(DOCS.rglob("*.md"))
# Pages made when the site is built, by docs/hooks/proxy_table.py and docs/hooks/notebooks.py.
GENERATED = "proxy_table.md"
NOTEBOOK_PAGES = {f"notebooks/{p.stem}.md" for p in DOCS.glob("notebooks/*.ipynb")}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_relative_links_point_at_files(page):
    for target in _LINK.findall(page.read_text(encoding="utf-8")):
        if "://" in target:
            continue
        resolved = (page.parent / target).resolve()
        generated = {DOCS / GENERATED} | {DOCS / p for p in NOTEBOOK_PAGES}
        found = resolved.exists() or resolved in generated
        assert found, f"{page.relative_to(DOCS)}: broken link {target}"


def test_pages_link_only_inside_the_site():
    """A link out of docs/ works on GitHub but not on the built site (mkdocs refuses it)."""
    for page in PAGES:
        for target in _LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            inside = (page.parent / target).resolve().is_relative_to(DOCS)
            assert inside, f"{page.relative_to(DOCS)}: {target} is outside docs/"


# --------------------------------------------------------------------------------------
# The site: navigation, the generated proxy page, the tutorials


def _nav_entries(nav) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [e for item in nav for e in _nav_entries(item)]
    if isinstance(nav, dict):
        return [e for value in nav.values() for e in _nav_entries(value)]
    raise AssertionError(f"unexpected nav entry {nav!r}")


@pytest.fixture(scope="module")
def site_config() -> dict:
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def test_every_page_is_in_the_navigation(site_config):
    nav = _nav_entries(site_config["nav"])
    assert len(nav) == len(set(nav)), "a page is in the navigation twice"
    pages = {p.relative_to(DOCS).as_posix() for p in PAGES} | NOTEBOOK_PAGES | {GENERATED}
    missing = sorted(pages - set(nav))
    assert not missing, f"pages not in mkdocs.yml's nav: {missing}"
    absent = sorted(e for e in nav if e not in pages)
    assert not absent, f"nav entries with no page: {absent}"
    assert NOTEBOOK_PAGES, "no notebook in docs/notebooks"


def test_the_site_is_strict_and_uses_the_proxy_hook(site_config):
    assert site_config["strict"] is True
    assert site_config["hooks"] == [
        "docs/hooks/proxy_table.py",
        "docs/hooks/notebooks.py",
        "docs/hooks/doctest_blocks.py",
    ]
    handler = site_config["plugins"][1]["mkdocstrings"]["handlers"]["python"]
    assert handler["options"]["docstring_style"] == "numpy"


def test_make_test_and_make_docs_build_the_site_strictly():
    """`make test` (what CI runs) builds the site after pytest. Not with --quiet: mkdocs
    then hides its warnings and, even with --strict, exits 0."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^([a-z]+):[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.MULTILINE)
    }
    for target in ("test", "docs"):
        builds = [line for line in targets[target].splitlines() if "mkdocs build" in line]
        assert len(builds) == 1, target
        assert "--strict" in builds[0] and "--quiet" not in builds[0] and "-q" not in builds[0]
    assert targets["test"].index("pytest") < targets["test"].index("mkdocs build")
    assert "site/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_tutorials_have_examples_that_the_tests_run():
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "--doctest-glob=*.md" in config and '"docs"' in config
    tutorials = sorted((DOCS / "tutorials").glob("*.md"))
    assert len(tutorials) >= 5
    for page in tutorials:
        text = page.read_text(encoding="utf-8")
        assert text.count("\n>>> ") >= 5, f"{page.name}: too few examples to be a tutorial"


def _hook(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"{name}_hook", DOCS / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def proxy_page() -> str:
    pytest.importorskip("mkdocs", reason="the proxy page hook is an MkDocs hook")
    return _hook("proxy_table").proxy_table_markdown()


_PROXY_ROW = re.compile(r"^\| .* \| `([a-z0-9_]+)` \| ", flags=re.MULTILINE)


def test_proxy_page_has_one_row_per_proxy(proxy_page):
    import csv

    with (ROOT / "data" / "unit_costs.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    listed = _PROXY_ROW.findall(proxy_page)
    assert len(listed) == len(rows) == 856
    assert sorted(listed) == sorted(r["id"] for r in rows)


def test_proxy_page_counts_match_its_tables(proxy_page):
    """Each category's and each objective's heading states how many rows its tables hold."""
    sections = re.split(r"^(#{2,3} .*)$", proxy_page, flags=re.MULTILINE)
    counted = 0
    for heading, body in zip(sections[1::2], sections[2::2], strict=True):
        stated = re.search(r"\(([\d,]+)\) \{#", heading)
        if stated is None:
            continue  # the overview's headings
        n = int(stated.group(1).replace(",", ""))
        if heading.startswith("### "):
            assert len(_PROXY_ROW.findall(body)) == n, heading
            counted += n
        else:
            assert body.strip() == "", f"{heading}: rows outside an objective's table"
    assert counted == 856


def test_proxy_page_shows_a_row_as_the_table_has_it(proxy_page):
    row = next(line for line in proxy_page.splitlines() if "`ucd_ee1_0_fiscal`" in line)
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[1:7] == [
        "`ucd_ee1_0_fiscal`",
        "9,800",
        "GBP / person / year",
        "2012/13",
        "green",
        "CC BY 4.0",
    ]
    assert cells[7].startswith("New Economy (Manchester), Unit Cost Database v1.4")


def test_proxy_page_escapes_markdown_in_the_data():
    pytest.importorskip("mkdocs", reason="the proxy page hook is an MkDocs hook")
    hook = _hook("proxy_table")
    assert hook._text("a | b *c* [d] <e>") == "a \\| b \\*c\\* \\[d\\] &lt;e&gt;"


def test_notebook_page_shows_every_cell_in_order():
    pytest.importorskip("mkdocs", reason="the notebook page hook is an MkDocs hook")
    page = _hook("notebooks").notebook_markdown(NOTEBOOK)
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    at = 0
    for cell in cells:
        source = "".join(cell["source"]).strip("\n")
        shown = f"```python\n{source}\n```" if cell["cell_type"] == "code" else source
        if cell["cell_type"] == "markdown" and source.startswith("# "):
            shown = source.partition("\n")[2].strip("\n")  # the note goes under the title
        found = page.find(shown, at)
        assert found >= 0, f"cell not shown in order:\n{source[:200]}"
        at = found + len(shown)
    assert page.startswith("# SROI in a notebook")
    assert f"[`{NOTEBOOK.name}`]({NOTEBOOK.name})" in page


def test_bare_doctest_examples_are_shown_as_code():
    fence = _hook("doctest_blocks").fence_doctests
    page = "\n".join(
        [
            "Text.",
            "",
            ">>> xs = [1, 2, 3]",
            ">>> [x for x in xs][-2:]",
            "[2, 3]",
            "",
            "```python",
            ">>> 1 + 1",
            "2",
            "```",
            "",
            ">>> print('end')",
            "end",
        ]
    )
    assert fence(page).split("\n") == [
        "Text.",
        "",
        "```pycon",
        ">>> xs = [1, 2, 3]",
        ">>> [x for x in xs][-2:]",
        "[2, 3]",
        "```",
        "",
        "```python",
        ">>> 1 + 1",
        "2",
        "```",
        "",
        "```pycon",
        ">>> print('end')",
        "end",
        "```",
    ]
    fenced_only = "```python\n>>> 1\n1\n```\n"
    assert fence(fenced_only) == fenced_only


# --------------------------------------------------------------------------------------
# The repository stands alone

_OUTSIDE = ("DESIGN" + ".md", "../" + "shared")
_SKIP = {".git", ".venv", "site", "build", "dist", "mutants", ".pytest_cache", ".ruff_cache"}
_TEXT = {".py", ".md", ".yaml", ".yml", ".toml", ".txt", ".csv", ".j2", ".ipynb", ".cfg", ""}


def _repository_text_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [
            d
            for d in dirs
            if d not in _SKIP and not d.startswith(".hypothesis") and not d.endswith(".egg-info")
        ]
        for name in files:
            path = Path(folder) / name
            if path.suffix in _TEXT:
                yield path


def test_nothing_in_the_repository_points_outside_it():
    """No README, page, docstring or comment names a file outside the repository; a line
    that checks the name is absent (``... not in text``) is not a pointer."""
    checked = 0
    for path in _repository_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for name in _OUTSIDE:
                if name in line and "not in" not in line:
                    pytest.fail(f"{path.relative_to(ROOT)} line {number} mentions {name}")
        checked += 1
    assert checked > 100
