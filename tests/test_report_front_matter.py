"""Published social accounts: the front matter block, the one-page summary first, the
sensitivity and uncertainty section, and the sources and licences.

Hand-worked model used throughout (no discounting, one year): 10 people x £200 = £2,000
of value for £1,000 invested, a ratio of 2. The ratio falls to 1 : 1 when the value a
unit falls to £100 (half), the deadweight rises from 0 to 50 %, or the investment
doubles to £2,000; the value produced would have to be 1 - 1/2 = 50 % lower.
"""

from __future__ import annotations

import base64
import copy
import html
import json
import math
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import sroi
from sroi.cli import cli
from sroi.model.front_matter import FrontMatter
from sroi.report import _common as common
from sroi.report import render_html, render_markdown
from sroi.report.html import context

pytest.importorskip("jinja2")

ROOT = Path(__file__).resolve().parents[1]
HOUSING = ROOT / "examples" / "housing_community_investment.yaml"

# a 1 x 1 PNG (transparent), made byte by byte here
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

FRONT = {
    "organisation": "Acme <b>Homes</b> & Co",
    "period": "April 2025 to March 2026",
    "introduction": "First paragraph | with a bar.\n\nSecond *paragraph*.",
    "narrative": {"Garden": "The garden <script>ran</script> all year."},
    "contact": "team@example.org",
    "prepared_by": "Community team",
    "published": "2026-06-30",
}

MODEL = {
    "name": "Garden",
    "discount_rate": 0,
    "front_matter": FRONT,
    "inputs": [{"stakeholder": "HA", "amount": 1_000, "area": "Garden"}],
    "outcomes": [
        {"id": "food", "stakeholder": "Gardeners", "outcome": "Eat fresh food",
         "quantity": 10, "value": 200, "duration": 1, "area": "Garden"},
    ],
}  # fmt: skip


def model(**changes):
    out = copy.deepcopy(MODEL)
    out.update(changes)
    return out


@pytest.fixture(scope="module")
def result():
    return sroi.evaluate(model())


# ------------------------------------------------------------------ the front matter block


def test_front_matter_is_optional_and_frozen():
    assert sroi.Model.from_dict(model(front_matter=None)).front_matter is None
    fm = sroi.Model.from_dict(model()).front_matter
    assert isinstance(fm, FrontMatter)
    assert str(fm.published) == "2026-06-30"
    with pytest.raises(TypeError):
        fm.narrative["Garden"] = "changed"  # type: ignore[index]
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        fm.organisation = "Other"  # type: ignore[misc]


def test_every_front_matter_problem_is_located_and_reported_together():
    bad = model(
        front_matter={
            "organisation": "",
            "logo": "logo.gif",
            "narrative": {"Kitchen": "words", "Garden": ""},
            "published": "June 2026",
            "contcat": "a@example.org",
        }
    )
    bad["outcomes"][0]["deadweight"] = 1.5  # a problem elsewhere, reported with them
    with pytest.raises(sroi.ModelError) as caught:
        sroi.Model.from_dict(bad)
    found = {p.location: p for p in caught.value.problems}
    assert set(found) == {
        "front_matter.organisation",
        "front_matter.logo",
        "front_matter.narrative.Kitchen",
        "front_matter.narrative.Garden",
        "front_matter.published",
        "front_matter.contcat",
        "outcomes[0].deadweight",
    }
    assert "Garden" in found["front_matter.narrative.Kitchen"].message
    assert found["front_matter.logo"].message == "must be a .png, .jpg, .jpeg or .svg file"
    assert "2026-06-30" in found["front_matter.published"].message
    assert "'contact'" in found["front_matter.contcat"].message  # did you mean


def test_a_narrative_needs_a_model_with_areas():
    plain = model(front_matter={"narrative": {"Garden": "words"}})
    for row in (*plain["inputs"], *plain["outcomes"]):
        row.pop("area")
    with pytest.raises(sroi.ModelError) as caught:
        sroi.Model.from_dict(plain)
    (problem,) = caught.value.problems
    assert problem.location == "front_matter.narrative.Garden"
    assert "introduction" in problem.message


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx", ""])
def test_front_matter_round_trips_through_every_file_format(tmp_path, suffix):
    pytest.importorskip("openpyxl")
    m = sroi.Model.from_dict(model())
    path = sroi.write_model(m, tmp_path / f"model{suffix or '_tables'}")
    back = sroi.read_model(path)
    assert back == m
    assert back.front_matter.to_dict() == m.front_matter.to_dict()


def test_front_matter_round_trips_through_the_sectors_impact_map_layout(tmp_path):
    pytest.importorskip("openpyxl")
    m = sroi.Model.from_dict(model())
    path = sroi.write_model(m, tmp_path / "map.xlsx", format="impact-map")
    assert sroi.read_model(path).front_matter == m.front_matter


def test_front_matter_is_in_the_json_schema():
    schema = sroi.model_schema()
    props = schema["$defs"]["FrontMatter"]["properties"]
    assert {"organisation", "logo", "period", "introduction", "narrative", "contact",
            "prepared_by", "published"} <= set(props)  # fmt: skip
    assert schema["$defs"]["FrontMatter"]["additionalProperties"] is False


# ------------------------------------------------------------------ the reports show it


def test_front_matter_is_shown_escaped_in_html_and_markdown(result):
    page = render_html(result, charts=False, sensitivity=False)
    assert "Acme &lt;b&gt;Homes&lt;/b&gt; &amp; Co" in page
    assert "<b>Homes</b>" not in page and "<script>ran" not in page
    assert "The garden &lt;script&gt;ran&lt;/script&gt; all year." in page
    assert "<p>First paragraph | with a bar.</p>" in page
    assert "<p>Second *paragraph*.</p>" in page
    assert "30 June 2026" in page and "team@example.org" in page
    text = render_markdown(result, sensitivity=False)
    assert "**Acme &lt;b&gt;Homes&lt;/b&gt; &amp; Co**" in text
    assert "First paragraph \\| with a bar." in text
    assert "Second \\*paragraph\\*." in text
    assert "The garden &lt;script&gt;ran&lt;/script&gt; all year." in text
    assert "- Contact: team@example.org" in text


def test_the_narrative_opens_its_areas_section(result):
    text = render_markdown(result, sensitivity=False)
    garden = text[text.index("## Garden\n") :]
    assert garden.split("\n")[2].startswith("The garden")
    page = render_html(result, charts=False, sensitivity=False)
    section = page[page.index('<section class="area" id="area-1">') :]
    assert section.index('<div class="narrative">') < section.index("<h3>Inputs</h3>")


def test_the_one_page_summary_comes_first(result):
    page = render_html(result, charts=False)
    order = [
        page.index('<section class="summary" id="summary-page">'),
        page.index('<section class="intro" id="introduction">'),
        page.index('<section id="headline">'),
        page.index('<section id="summary">'),
        page.index('<section id="sensitivity">'),
        page.index('<section id="sources">'),
    ]
    assert order == sorted(order)
    text = render_markdown(result)
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings[:3] == ["Summary", "Introduction", "Headline figures"]
    assert headings[-2:] == ["Method notes", "Sources and licences"]
    summary = text[text.index("## Summary") : text.index("## Introduction")]
    # ratio, value, investment, NPV, the outcomes worth most, how sure, who to ask
    for shown in ("**£2.00**", "£2,000.00", "£1,000.00", "Eat fresh food", "How sure",
                  "Organisation: Acme", "Period: April 2025", "Contact: team@"):  # fmt: skip
        assert shown in summary


def test_how_sure_is_worked_by_hand(result):
    found = common.summary(result, common.sensitivity(result), common.uncertainty(result))
    sentence = found["how_sure"]
    # ratio 2: the value would have to be 1 - 1/2 = 50 % lower
    assert "would have to be 50.0% lower than estimated" in sentence
    assert "no probability can be given" in sentence
    assert common.how_sure(result, None, None).startswith("This report does not test")


def test_a_model_without_front_matter_still_has_a_summary():
    r = sroi.evaluate(model(front_matter=None))
    page = render_html(r, charts=False, sensitivity=False)
    assert 'id="summary-page"' in page and 'id="introduction"' not in page
    assert context(r, with_charts=False, sensitivity=False)["front_matter"] is None


# ------------------------------------------------------------------ the logo


def _with_logo(tmp_path: Path, name: str, content: bytes) -> Path:
    (tmp_path / name).write_bytes(content)
    data = model(front_matter={**FRONT, "logo": name})
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_logo_is_found_beside_the_model_file_and_embedded(tmp_path, monkeypatch):
    path = _with_logo(tmp_path, "logo.png", PNG)
    monkeypatch.chdir(ROOT)  # not the model's folder
    r = sroi.evaluate(path)
    page = render_html(r, charts=False, sensitivity=False)
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode("ascii")
    assert f'<img class="logo" src="{uri}"' in page
    text = render_markdown(r, sensitivity=False)
    assert "](logo.png)" in text.split("\n")[0]  # a relative link, the path as given


def test_a_logo_path_with_spaces_is_a_working_markdown_link(tmp_path):
    path = _with_logo(tmp_path, "our logo (2).png", PNG)
    text = render_markdown(sroi.evaluate(path), sensitivity=False)
    assert "](our%20logo%20%282%29.png)" in text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.png", None, "there is no such file"),
        ("fake.png", b"GIF89a not a png", "is named as a PNG image but does not hold one"),
        ("fake.svg", b"<html></html>", "is named as a SVG image but does not hold one"),
    ],
)
def test_a_logo_that_is_not_an_image_is_a_located_error(tmp_path, name, content, message):
    if content is None:
        data = model(front_matter={**FRONT, "logo": name})
        path = tmp_path / "model.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
    else:
        path = _with_logo(tmp_path, name, content)
    r = sroi.evaluate(path)
    for write in (render_html, render_markdown):
        with pytest.raises(sroi.ModelError) as caught:
            write(r, sensitivity=False)
        (problem,) = caught.value.problems
        assert problem.location == "front_matter.logo"
        assert problem.message.startswith(message)
        assert problem.value == name


def test_an_svg_logo_is_embedded_as_an_image_not_as_markup(tmp_path):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    r = sroi.evaluate(_with_logo(tmp_path, "logo.svg", svg))
    page = render_html(r, charts=False, sensitivity=False)
    assert "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii") in page
    assert "<script>" not in page and "<svg" not in page


# ------------------------------------------------------------------ sensitivity


def test_switching_values_are_the_libraries_and_worked_by_hand(result):
    found = common.sensitivity(result)
    table = sroi.sensitivity.switching_values(model())
    by_key = {(r["parameter"], r["outcome"]): r for r in table.to_dict("records")}
    shown = {(r["parameter"], r["outcome"]): r for r in found["rows"]}
    for key, row in shown.items():
        assert row["raw_value"] == float(by_key[key]["switching_value"])
        assert row["raw_base"] == float(by_key[key]["base"])
    # by hand: value 200 -> 100, deadweight 0 -> 50 %, investment 1,000 -> 2,000
    assert shown[("value", "food")]["switching_value"] == "£100.00"
    assert shown[("value", "food")]["change"] == "−50.0%"
    assert shown[("deadweight", "food")]["switching_value"] == "50.0%"
    assert shown[("deadweight", "food")]["change"] == "+50.0 points"
    assert shown[("investment", None)]["switching_value"] == "£2,000.00"
    assert shown[("investment", None)]["change"] == "+100.0%"
    assert math.isclose(shown[("value", "food")]["raw_value"], 100.0, rel_tol=1e-9)
    # by hand: 2,000 / (1 + r) = 1,000 at r = 100 %, from a rate of 0
    assert shown[("discount_rate", None)]["switching_value"] == "100.0%"
    # nearest first: the outcome's estimates (a 50 % change) before the investment (100 %);
    # a change from 0 has no proportion and comes last
    assert [r["parameter"] for r in found["rows"]][-2:] == ["investment", "discount_rate"]
    closeness = [round(r["closeness"], 9) for r in found["rows"][:-1]]
    assert closeness == sorted(closeness) and found["rows"][-1]["closeness"] is None
    # estimates that cannot reach 1 : 1 are said, not left as empty rows
    assert {"outcome": "Eat fresh food (Gardeners)", "estimates": "drop-off, duration"} in found[
        "unreachable"
    ]
    text = render_markdown(result)
    section = text[text.index("## Sensitivity and uncertainty") :]
    assert "| Eat fresh food (Gardeners): value a unit | £200.00 | £100.00 | −50.0% |" in section
    assert "| |" not in section


def test_the_tornado_rows_are_the_libraries(result):
    found = common.sensitivity(result)
    frame = sroi.sensitivity.tornado(model(), common.tornado_ranges(result))
    assert [r["raw_low"] for r in found["tornado"]["rows"]] == frame["ratio_low"].tolist()
    assert [r["raw_high"] for r in found["tornado"]["rows"]] == frame["ratio_high"].tolist()
    # by hand: value -20 % -> 1,600 / 1,000 = 1.6; investment +20 % -> 2,000 / 1,200
    rows = {r["estimate"]: r for r in found["tornado"]["rows"]}
    assert rows["Eat fresh food: value a unit"]["ratio_low"] == "£1.60 per £1"
    assert math.isclose(rows["Total investment"]["raw_high"], 2_000 / 1_200, rel_tol=1e-12)
    # the chart's labels are words, not ids
    labels = found["tornado"]["frame"]["parameter"].tolist()
    assert "Eat fresh food: value a unit" in labels
    assert not any(
        re.search(r"\bfood\b(?! *:)", label.replace("fresh food", "")) for label in labels
    )


def test_without_distributions_there_is_no_simulation_and_the_report_says_why(result):
    unsure = common.uncertainty(result)
    assert unsure["simulated"] is False
    page = render_html(result)
    assert "No figure in the model is given as a range" in page
    assert "The ratio in each draw" not in page and "Draws with the ratio" not in page


def test_p_ratio_above_one_is_the_simulations():
    pytest.importorskip("matplotlib")
    m = model()
    m["outcomes"][0]["deadweight"] = {"distribution": "uniform", "low": 0.3, "high": 0.6}
    r = sroi.evaluate(m)
    unsure = common.uncertainty(r, draws=4_000, seed=11)
    sim = sroi.sensitivity.simulate(m, 4_000, seed=11)
    assert unsure["probability"] == sim.probability_ratio_above(1.0)
    # by hand: the ratio is 2 (1 - deadweight), above 1 while deadweight < 0.5: two thirds
    assert abs(unsure["probability"] - 2 / 3) < 0.03
    assert unsure["draws"] == 4_000 and unsure["seed"] == 11
    assert unsure["figures"] == [
        {
            "where": "Deadweight of Eat fresh food (Gardeners)",
            "ref": r.model.outcome_ids[0],
            "range": "any value from 30.0% to 60.0% equally likely",
        }
    ]
    page = render_html(r, draws=4_000, seed=11)
    assert f"<dd>{common.percent(unsure['probability'])}</dd>" in page
    # the figure by name, its reference the outcome's id, never its position
    assert "<td>Deadweight of Eat fresh food (Gardeners)<small" in page
    assert "outcomes[" not in page and "outcomes[" not in render_markdown(r, draws=500)
    assert "4,000 (seed 11)" in page
    assert 'alt="Histogram of the SROI ratio in 4,000 draws' in page
    # the same seed, the same report
    assert render_markdown(r, draws=500, seed=3) == render_markdown(r, draws=500, seed=3)
    text = render_markdown(r, draws=500, seed=3)
    assert "Draws: 500 (seed 3)" in text


def test_a_certain_outcome_is_not_rounded_to_a_percentage():
    assert common.chance_text(1.0) == "every one"
    assert common.chance_text(0.99996) == "more than 99.9%"
    assert common.chance_text(0.0) == "none"


def test_the_sensitivity_section_can_be_left_out(result):
    page = render_html(result, charts=False, sensitivity=False)
    assert 'id="sensitivity"' not in page
    assert "## Sensitivity and uncertainty" not in render_markdown(result, sensitivity=False)
    found = context(result, with_charts=False, sensitivity=False)
    assert found["sensitivity"] is None and found["uncertainty"] is None
    assert found["summary"]["how_sure"].startswith("This report does not test")


def test_the_context_is_plain_data_for_the_pdf_writer(result):
    found = context(result, with_charts=False)
    for key in ("front_matter", "summary", "sources"):
        json.dumps(found[key])  # text, numbers, lists and mappings only
    sens = {k: v for k, v in found["sensitivity"].items() if k != "tornado"}
    json.dumps(sens)
    json.dumps(found["sensitivity"]["tornado"]["rows"])


# ------------------------------------------------------------------ sources and licences


def test_sources_rows_are_the_proxy_tables():
    r = sroi.evaluate(HOUSING)
    found = common.sources(r)
    table = sroi.proxies.load()
    used = {v.proxy.id for v in r.valuations if v.proxy is not None}
    assert {p["id"] for p in found["proxies"]} == used
    for p in found["proxies"]:
        row = table.get(p["id"])
        assert (p["source"], p["licence"], p["name"]) == (row.source, row.licence, row.name)
        assert p["price_year"] == str(row.price_year)
    wellby = next(p for p in found["proxies"] if p["id"] == "hmt_wellby_value_central")
    assert wellby["used_by"] == "Less financial stress; Better wellbeing from growing food together"
    from sroi.proxies.deflators import bundled

    assert found["deflator"]["source"] == bundled("hmt").source
    assert "Green Book" in found["discount"]["source"]
    assert found["discount"]["text"].startswith("the Green Book's 3.5 % declining schedule")
    page = html.unescape(render_html(r, charts=False, sensitivity=False))
    sources = page[page.index('<section id="sources">') :]
    for p in found["proxies"]:
        assert p["source"] in sources and p["licence"] in sources
    assert bundled("hmt").source in sources


def test_a_models_own_constant_rate_is_said_to_be_its_own(result):
    assert common.sources(result)["discount"]["source"] == "the model's own rate"


# ------------------------------------------------------------------ the example and the CLI


def test_the_housing_example_publishes_its_front_matter():
    r = sroi.evaluate(HOUSING)
    fm = r.model.front_matter
    assert set(fm.narrative) == set(r.model.areas)
    assert "example" in fm.contact and fm.period
    text = render_markdown(r, sensitivity=False)
    assert text.index("## Summary") < text.index("## Introduction") < text.index("## Headline")


def test_cli_report_sensitivity_options(tmp_path):
    m = model()
    m["outcomes"][0]["deadweight"] = {"distribution": "uniform", "low": 0.3, "high": 0.6}
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(m), encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "a.md"
    done = runner.invoke(cli, ["report", str(path), "--md", str(out), "--draws", "700",
                               "--seed", "9"])  # fmt: skip
    assert done.exit_code == 0, done.output
    text = out.read_text(encoding="utf-8")
    assert "Draws: 700 (seed 9)" in text
    expected = common.uncertainty(sroi.evaluate(m), draws=700, seed=9)["probability_text"]
    assert f"Draws with the ratio above 1 : 1: **{expected}**" in text
    again = tmp_path / "b.md"
    runner.invoke(cli, ["report", str(path), "--md", str(again), "--draws", "700", "--seed", "9"])
    assert again.read_text(encoding="utf-8") == text
    none = tmp_path / "c.html"
    done = runner.invoke(cli, ["report", str(path), "--html", str(none), "--no-sensitivity"])
    assert done.exit_code == 0, done.output
    assert 'id="sensitivity"' not in none.read_text(encoding="utf-8")
    bad = runner.invoke(cli, ["report", str(path), "--md", str(out), "--draws", "0"])
    assert bad.exit_code == 2 and "--draws" in bad.output
