"""Plots: the bars drawn are the result's figures, and each plot reads well."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import sroi  # noqa: E402
from sroi import plots  # noqa: E402
from sroi.errors import SROIWarning  # noqa: E402
from sroi.formatting import money_compact, percent  # noqa: E402
from tests.conftest import hand_worked  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COUNCIL = ROOT / "examples" / "council_contract.yaml"
HOUSING = ROOT / "examples" / "housing_community_investment.yaml"
SHOW_DIR = os.environ.get("SROI_PLOT_DIR")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def hand() -> sroi.Result:
    return sroi.evaluate(hand_worked())


@pytest.fixture
def council() -> sroi.Result:
    return sroi.evaluate(COUNCIL)


def _tops(container) -> np.ndarray:
    return np.array([b.get_y() + b.get_height() for b in container])


def _bottoms(container) -> np.ndarray:
    return np.array([b.get_y() for b in container])


def _row_name(tick) -> str:
    """A tornado row's name on one line, without the model's setting below it."""
    return tick.get_text().split("\nas modelled")[0].replace("\n", " ")


def tornado_frame() -> pd.DataFrame:
    """A one-way sensitivity of the hand-worked model, computed with evaluate()."""
    rows = []
    base = sroi.evaluate(hand_worked()).ratio
    for parameter, low, high in [
        ("deadweight", 0.10, 0.40),
        ("attribution", 0.0, 0.30),
        ("drop_off", 0.0, 0.30),
        ("quantity", 80, 120),
    ]:
        ratios = []
        for value in (low, high):
            model = hand_worked()
            model["outcomes"][0][parameter] = value
            ratios.append(sroi.evaluate(model).ratio)
        rows.append((parameter, "Participants: Moved into work", low, high, *ratios))
    ratios = [sroi.evaluate(hand_worked(), discount_rate=r).ratio for r in (0.015, 0.06)]
    rows.append(("discount_rate", None, 0.015, 0.06, *ratios))
    frame = pd.DataFrame(
        rows, columns=["parameter", "outcome", "low", "high", "ratio_low", "ratio_high"]
    )
    frame["base_ratio"] = base
    frame["swing"] = (frame["ratio_high"] - frame["ratio_low"]).abs()
    return frame


# ------------------------------------------------------------------ waterfall


def test_waterfall_steps_by_hand(hand):
    steps = plots.waterfall_steps(hand)
    assert list(steps.columns) == ["step", "kind", "value", "cumulative"]
    assert list(steps["step"]) == [
        "Gross value",
        "Deadweight",
        "Displacement",
        "Attribution",
        "Drop-off",
        "Discounting",
        "Present value",
        "Investment",
    ]
    # 100 people x £1,000 a year x 3 years; deadweight 25 %; attribution 10 %; drop-off 10 %
    gross = 100 * 1_000 * 3
    after_dw = gross * 0.75
    after_at = after_dw * 0.9
    undiscounted = 67_500 + 60_750 + 54_675
    pv = 67_500 / 1.035 + 60_750 / 1.035**2 + 54_675 / 1.035**3
    expected_values = [
        gross,
        after_dw - gross,
        0.0,
        after_at - after_dw,
        undiscounted - after_at,
        pv - undiscounted,
        pv,
        150_000,
    ]
    assert steps["value"].to_numpy() == pytest.approx(expected_values, abs=1e-6)
    expected_levels = [gross, after_dw, after_dw, after_at, undiscounted, pv, pv, 150_000]
    assert steps["cumulative"].to_numpy() == pytest.approx(expected_levels, abs=1e-6)
    # The level after discounting and the present-value bar are both £171,241.88 to the
    # penny (65,217.391 + 56,711.945 + 49,312.547) ...
    assert round(steps["cumulative"].iloc[5], 2) == 171_241.88
    assert round(steps["cumulative"].iloc[6], 2) == 171_241.88
    # ... and are the result's own figure, not a re-summation that could drift from it.
    assert steps["cumulative"].iloc[5] == steps["cumulative"].iloc[6] == hand.present_value


def test_waterfall_steps_add_up_on_an_example(council):
    steps = plots.waterfall_steps(council)
    table = council.by_outcome
    chain = steps.iloc[:6]
    assert chain["value"].iloc[0] == pytest.approx((table["gross"] * table["duration"]).sum())
    assert chain["value"].sum() == pytest.approx(council.present_value, rel=1e-12)
    assert chain["cumulative"].iloc[4] == pytest.approx(table["total_impact"].sum())
    deadweight_loss = ((table["gross"] - table["after_deadweight"]) * table["duration"]).sum()
    assert -chain["value"].iloc[1] == pytest.approx(deadweight_loss)
    assert (chain["value"].iloc[1:] <= 0).all()  # positive outcomes only lose value
    assert steps["value"].iloc[-1] == council.total_investment


def test_waterfall_bars(council):
    ax = plots.waterfall(council)
    assert isinstance(ax, Axes)
    steps = plots.waterfall_steps(council)
    bars = ax.containers[0]
    assert len(bars) == len(steps) == 8
    levels = steps["cumulative"].to_numpy()
    # the gross bar stands on zero; each step hangs between the previous level and its own
    assert _bottoms(bars)[0] == 0 and _tops(bars)[0] == pytest.approx(levels[0])
    for i in range(1, 6):
        assert _tops(bars)[i] == pytest.approx(levels[i - 1])
        assert _bottoms(bars)[i] == pytest.approx(levels[i])
    # the discounting step and the present value bar end exactly at present_value
    assert _bottoms(bars)[5] == council.present_value
    assert _tops(bars)[6] == pytest.approx(council.present_value, rel=1e-15)
    assert _bottoms(bars)[6] == 0
    assert _tops(bars)[7] == pytest.approx(council.total_investment, rel=1e-15)
    assert "£ (2024 prices)" in ax.get_ylabel()
    assert ax.yaxis.get_major_formatter()(250_000, 0) == "£250,000"
    texts = [t.get_text() for t in ax.texts]
    # present value £293,961 and investment £239,247, to the nearest thousand
    assert texts[6:] == ["£294k", "£239k"]
    assert texts == [plots._step_text(v, k, max(abs(steps["cumulative"])), "GBP")
                     for v, k in zip(steps["value"], steps["kind"], strict=True)]  # fmt: skip


def test_waterfall_on_given_axes(hand):
    _fig, (left, right) = plt.subplots(1, 2)
    assert plots.waterfall(hand, ax=right) is right
    assert not left.containers
    assert right.get_ylabel().endswith(", £") and "prices" not in right.get_ylabel()  # no year


def test_waterfall_with_a_disbenefit():
    model = hand_worked()
    model["outcomes"].append(
        {"stakeholder": "Neighbours", "outcome": "More traffic", "quantity": 50}
        | {"value": -200, "duration": 2, "deadweight": 0.5, "drop_off": 0.2}
    )
    result = sroi.evaluate(model)
    steps = plots.waterfall_steps(result)
    # gross: 100 x 1,000 x 3 - 50 x 200 x 2; deadweight: -75,000 + 10,000 (half the harm)
    assert steps["value"].iloc[0] == pytest.approx(300_000 - 20_000)
    assert steps["value"].iloc[1] == pytest.approx(-75_000 + 10_000)
    assert steps["value"].iloc[:6].sum() == pytest.approx(result.present_value)
    ax = plots.waterfall(result)
    bars = ax.containers[0]
    assert _tops(bars)[6] == pytest.approx(result.present_value, rel=1e-15)
    assert _bottoms(bars)[5] == result.present_value


def test_matplotlib_is_imported_lazily():
    code = "import sys, sroi.plots; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "False", done.stderr


def test_missing_matplotlib_says_how_to_install(monkeypatch, hand):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install 'sroi\[plot\]'"):
        plots.waterfall(hand)
    assert len(plots.waterfall_steps(hand)) == 8  # the arithmetic needs only pandas


# ------------------------------------------------------------------ value by year


def test_value_by_year(council):
    ax = plots.value_by_year(council)
    assert isinstance(ax, Axes)
    table = council.by_year
    impact, present = ax.containers[0], ax.containers[1]
    assert [b.get_height() for b in impact] == pytest.approx(table["impact"].to_list())
    assert [b.get_height() for b in present] == pytest.approx(table["present_value"].to_list())
    centres = [b.get_x() + b.get_width() / 2 for b in present]
    assert centres == pytest.approx((table["year"] + 0.2).to_list())
    lines = {line.get_label(): line for line in ax.get_lines()}
    cumulative = lines["Cumulative present value"]
    assert list(cumulative.get_xdata()) == table["year"].to_list()
    assert list(cumulative.get_ydata()) == pytest.approx(
        table["cumulative_present_value"].to_list()
    )
    investment = next(v for k, v in lines.items() if k.startswith("Total investment"))
    assert list(investment.get_ydata()) == pytest.approx([council.total_investment] * 2)
    assert investment.get_label() == "Total investment (£239k)"
    assert ax.get_ylabel() == "Value, £ (2024 prices)"
    assert "Highways contract social value offer" in ax.get_title()
    # every present-value bar but a zero one is labelled with its amount
    shown = [money_compact(v, "GBP") for v in table["present_value"] if v != 0]
    assert [t.get_text() for t in ax.texts][: len(shown)] == shown
    # the payback marker sits where cumulative present value reaches the investment
    payback = council.discounted_payback_years
    assert payback is not None and 1 < payback < 2
    assert lines[f"Paid back (discounted) after {payback:.2f} years"].get_xdata()[0] == payback


# ------------------------------------------------------------------ breakdown


@pytest.mark.parametrize("by", ["stakeholder", "bearer", "value_type", "outcome"])
def test_breakdown(council, by):
    ax = plots.breakdown(council, by=by)
    assert isinstance(ax, Axes)
    frame = council.breakdown(by)
    bars = ax.containers[0]
    assert [b.get_width() for b in bars] == pytest.approx(frame["present_value"].to_list())
    assert [b.get_y() + b.get_height() / 2 for b in bars] == pytest.approx(range(len(frame)))
    assert ax.yaxis_inverted()  # largest at the top
    labels = [t.get_text() for t in ax.texts]
    assert labels == [
        f"{money_compact(v, 'GBP')} ({percent(s)})"
        for v, s in zip(frame["present_value"], frame["share"], strict=True)
    ]
    assert ax.get_xlabel() == "Present value, £ (2024 prices)"
    assert ax.get_title().startswith(plots._BREAKDOWN_TITLES[by])


def test_breakdown_names_outcomes_not_ids(council):
    ax = plots.breakdown(council, by="outcome")
    ticks = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    # by present value: jobs_fiscal £142k, jobs_earnings £63k, fleet_emissions £34k, ...
    assert ticks[:3] == [
        "Long-term unemployed residents move into sustained work",
        "Higher income from work",
        "Lower greenhouse gas emissions from the fleet",
    ]
    assert not set(ticks) & set(council.model.outcome_ids)
    assert ax.texts[0].get_text() == "£142k (48.4%)"  # 142,362.57 of 293,960.75


def test_breakdown_titles_in_plain_words(council):
    title = plots.breakdown(council, by="bearer").get_title()
    assert title.startswith(
        "Who gains: value by the people, bodies and society it falls to — Highways"
    )
    assert "bearer" not in title
    ticks = [t.get_text() for t in plots.breakdown(council, by="value_type").get_yticklabels()]
    assert "Fiscal" in ticks and "fiscal" not in ticks


def test_outcomes_sharing_a_text_are_told_apart_by_stakeholder():
    model = hand_worked()
    model["outcomes"].append(model["outcomes"][0] | {"stakeholder": "Carers"})
    ticks = [
        t.get_text() for t in plots.breakdown(sroi.evaluate(model), by="outcome").get_yticklabels()
    ]
    assert sorted(ticks) == ["Moved into work (Carers)", "Moved into work (Participants)"]


def test_breakdown_rejects_unknown_grouping(council):
    with pytest.raises(sroi.ModelError, match="must be one of"):
        plots.breakdown(council, by="colour")


# ------------------------------------------------------------------ tornado


def test_tornado():
    frame = tornado_frame()
    ax = plots.tornado(frame, currency="GBP")
    assert isinstance(ax, Axes)
    ranked = frame.sort_values("swing", ascending=False).reset_index(drop=True)
    low, high = ax.containers[0], ax.containers[1]
    for bars, column in ((low, "ratio_low"), (high, "ratio_high")):
        starts = [b.get_x() for b in bars]
        ends = [b.get_x() + b.get_width() for b in bars]
        assert starts == pytest.approx(ranked["base_ratio"].to_list())
        assert ends == pytest.approx(ranked[column].to_list())
    assert [b.get_y() + b.get_height() / 2 for b in low] == pytest.approx(range(len(frame)))
    assert ax.yaxis_inverted()  # the largest swing at the top
    ticks = [_row_name(t) for t in ax.get_yticklabels()]
    # sorted by swing: deadweight 0.10-0.40 (ratio 1.37 to 0.91), then quantity 80-120,
    # attribution 0-30 %, drop-off 0-30 %, the discount rate
    assert ticks[0] == "Deadweight — Participants: Moved into work"
    assert ticks[-1] == "Discount rate"
    assert "drop_off" not in " ".join(ticks) and "Drop-off — " in " ".join(ticks)
    break_even = [line for line in ax.get_lines() if line.get_label().startswith("break-even")]
    assert len(break_even) == 1 and set(break_even[0].get_xdata()) == {1.0}
    assert ax.get_xlabel() == "SROI ratio: £ of social value per £1 invested"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "Figure set low",
        "Figure set high",
        "As modelled: £1.14",
        "Break-even, 1 : 1",
    ]


def test_tornado_labels_settings_and_ratios_in_plain_words(hand):
    frame = tornado_frame()
    frame["outcome"] = frame["outcome"].where(frame["outcome"].isna(), "outcome_1")  # its id
    ax = plots.tornado(frame, result=hand)
    assert ax.get_title().startswith("What moves the ratio most — Hand-worked example")
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0] == "Deadweight — Moved into work\nas modelled: 25 %"
    assert "Quantity — Moved into work\nas modelled: 100" in ticks
    assert "Drop-off — Moved into work\nas modelled: 10 %" in ticks
    assert ticks[-1] == "Discount rate\nas modelled: 3.5 %"
    texts = [t.get_text() for t in ax.texts]
    # deadweight 10 %: PV x 0.9 / 0.75 = 205,490.26, ratio 1.3699; 40 %: x 0.6 / 0.75 = 0.9133
    assert texts[:2] == ["10 %: £1.37", "40 %: £0.91"]
    # discount rate 1.5 % and 6 %, and the quantity as a count
    assert "1.5 %: " + plots._ratio_text(tornado_frame()["ratio_low"].iloc[4], "GBP") in texts
    assert any(t.startswith("80: £") for t in texts)
    assert not any("*" in t or "→" in t for t in texts)


def test_tornado_writes_changes_as_the_settings_they_lead_to(hand):
    frame = sroi.sensitivity.tornado(
        hand.model, {"deadweight": ("-20%", "*1.5"), "attribution": ("+0.1", "-0.05")}
    )
    texts = [t.get_text() for t in plots.tornado(frame, result=hand).texts]
    # deadweight 25 % becomes 20 % and 37.5 %; attribution 10 % becomes 20 % and 5 %
    assert {t.split(":")[0] for t in texts} == {"20 %", "37.5 %", "5 %"}
    assert len(texts) == 4


def test_tornado_says_every_outcome_and_writes_differing_settings_as_changes():
    result = sroi.evaluate(COUNCIL)
    frame = sroi.sensitivity.tornado(result.model, {"deadweight": ("-20%", "+20%")})
    ax = plots.tornado(frame, result=result)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Deadweight — every outcome"]
    assert [t.get_text().split(":")[0] for t in ax.texts] == ["20 % lower", "20 % higher"]


def test_tornado_zero_swing_row_is_a_mark_labelled_no_effect():
    # the housing example has no displacement: moving it by 20 % leaves it at 0
    result = sroi.evaluate(HOUSING)
    ranges = {"displacement": ("-20%", "+20%"), "deadweight": ("-20%", "+20%")}
    frame = sroi.sensitivity.tornado(result.model, ranges)
    ax = plots.tornado(frame, result=result)
    texts = [t.get_text() for t in ax.texts]
    assert texts[-1] == f"no effect: 0 % or 0 % gives £{result.ratio:.2f}"
    assert len(texts) == 3  # two for deadweight, one for displacement
    row = len(frame) - 1
    marks = [line for line in ax.get_lines() if list(line.get_ydata()) == [row - 0.3, row + 0.3]]
    assert len(marks) == 1 and set(marks[0].get_xdata()) == {result.ratio}
    _assert_readable(ax)


def test_tornado_far_from_break_even_keeps_its_bars_readable():
    frame = tornado_frame()
    for column in ("ratio_low", "ratio_high", "base_ratio"):
        frame[column] += 6.0
    ax = plots.tornado(frame, currency="GBP")
    assert ax.get_xlim()[0] > 1.0  # the 1 : 1 line would squeeze the bars: left out ...
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-1] == "Break-even (1 : 1), off the chart to the left"  # ... and said so


def test_tornado_needs_its_columns():
    with pytest.raises(ValueError, match="swing"):
        plots.tornado(tornado_frame().drop(columns="swing"))
    with pytest.raises(sroi.ModelError) as info:  # a located SROIError, whatever is given
        plots.tornado([1, 2])
    assert info.value.locations == ["frame"]


# ------------------------------------------------------------------ every plot, saved


def test_every_plot_saves_a_png(tmp_path, council):
    drawn = {
        "waterfall": plots.waterfall(council),
        "value_by_year": plots.value_by_year(council),
        "breakdown_stakeholder": plots.breakdown(council),
        "breakdown_bearer": plots.breakdown(council, by="bearer"),
        "tornado": plots.tornado(tornado_frame(), currency="GBP"),
        "histogram": plots.histogram(_simulation()),
        "cumulative": plots.cumulative(_simulation()),
    }
    for name, ax in drawn.items():
        path = tmp_path / f"{name}.png"
        ax.figure.savefig(path, dpi=80)
        if SHOW_DIR:  # set SROI_PLOT_DIR to keep the PNGs and look at them
            ax.figure.savefig(Path(SHOW_DIR) / f"{name}.png", dpi=100)
        assert path.stat().st_size > 5_000
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_dollar_signs_in_user_text_are_shown_as_typed(tmp_path):
    # Matplotlib reads $...$ as maths; a name such as "Fund $5 $x^2" must not break drawing.
    m = hand_worked()
    m["name"] = "Fund $5 and $x^2 $"
    m["outcomes"][0]["stakeholder"] = "$$$"
    r = sroi.evaluate(m)
    for draw in (plots.waterfall, plots.value_by_year, plots.breakdown):
        ax = draw(r)
        ax.figure.savefig(tmp_path / "plot.png")
        assert "Fund \\$5" in ax.get_title()
        plt.close(ax.figure)


def test_waterfall_shows_leakage_as_its_own_step_when_a_model_uses_it():
    from sroi.plots import waterfall_steps

    r = sroi.evaluate({"name": "x", "discount_rate": 0,
        "inputs": [{"stakeholder": "a", "amount": 1_000}],
        "outcomes": [{"stakeholder": "b", "outcome": "c", "quantity": 10, "value": 100,
                      "duration": 1, "attribution": 0.5, "leakage": 0.2}]})  # fmt: skip
    steps = dict(zip(waterfall_steps(r)["step"], waterfall_steps(r)["value"], strict=True))
    # 1,000 gross; attribution takes 500; leakage 20 % of the 500 left = 100; no drop-off
    assert (steps["Attribution"], steps["Leakage"], steps["Drop-off"]) == (-500.0, -100.0, 0.0)


# ------------------------------------------------------------------ readability


def _assert_readable(ax) -> None:
    """No two of the chart's labels overlap, each lies inside the figure (and the value
    labels inside the axes), and no text is smaller than 8 points."""
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text()]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    frame = ax.get_window_extent(renderer)
    for box in boxes:
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, (box, frame)
        assert frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1, (box, frame)
    page = figure.bbox
    title = ax.title.get_window_extent(renderer)
    assert page.x0 <= title.x0 and title.x1 <= page.x1 and title.y1 <= page.y1
    if ax.get_legend() is not None:
        legend = ax.get_legend().get_window_extent(renderer)
        assert page.x0 <= legend.x0 and legend.x1 <= page.x1 and page.y0 <= legend.y0
    ticks = [*ax.get_xticklabels(), *ax.get_yticklabels()]
    # level ticks must not touch; slanted ones (the waterfall's) have overlapping upright
    # boxes by nature, so they must only follow one another
    level = [t.get_window_extent(renderer) for t in ticks if t.get_text() and not t.get_rotation()]
    for a, b in itertools.combinations(level, 2):
        assert not a.overlaps(b), (a, b)
    slanted = [t.get_window_extent(renderer).x1 for t in ticks if t.get_rotation()]
    assert slanted == sorted(slanted)
    for text in [*ax.texts, *ticks, ax.title, ax.xaxis.label, ax.yaxis.label]:
        if text.get_text():
            assert text.get_fontsize() >= 8, text


def _big_model() -> dict:
    """25 outcomes with long names, some uncertain."""
    outcomes = [
        {
            "stakeholder": f"Stakeholder group {i % 6}",
            "outcome": f"Outcome {i + 1}: a long description of what changed for the people "
            "who took part in the scheme over the year",
            "quantity": 10 + 7 * i,
            "value": 300 + 150 * (i % 7),
            "duration": 1 + i % 4,
            "deadweight": {"distribution": "triangular", "low": 0.1, "mode": 0.25, "high": 0.4},
            "drop_off": 0.2,
        }
        for i in range(25)
    ]
    return {
        "name": "Riverside Community Investment, a programme with a long name that must wrap",
        "price_year": 2024,
        "inputs": [{"stakeholder": "Funder", "amount": 350_000}],
        "outcomes": outcomes,
    }


@pytest.mark.parametrize("source", ["housing", "council", "big"])
def test_every_chart_is_titled_and_readable(source):
    model = {"housing": HOUSING, "council": COUNCIL, "big": _big_model()}[source]
    result = sroi.evaluate(model)
    name = result.model.name
    frame = sroi.sensitivity.tornado(
        result.model,
        {"deadweight": ("-20%", "+20%"), "displacement": ("-20%", "+20%"),
         "discount_rate": (0.015, 0.06), ("quantity", result.model.outcome_ids[0]): (5, 50)},
    )  # fmt: skip
    charts = [
        plots.waterfall(result),
        plots.value_by_year(result),
        *(plots.breakdown(result, by=by) for by in ("stakeholder", "outcome", "bearer")),
        plots.tornado(frame, result=result),
    ]
    for ax in charts:
        title = ax.get_title().replace("\n", " ")
        assert name in title, title
        assert ax.figure.get_figwidth() == plots.FIGURE_WIDTH
        assert ax.figure.get_figheight() <= 10.0  # fits an A4 page
        _assert_readable(ax)
        plt.close(ax.figure)


def test_waterfall_labels_by_hand(hand):
    ax = plots.waterfall(hand)
    # 300,000 gross; deadweight -75,000; no displacement; attribution -22,500; drop-off
    # -19,575; discounting -11,683.12; present value 171,241.88; investment 150,000
    assert [t.get_text() for t in ax.texts] == [
        "£300k", "-£75k", "none", "-£22k", "-£20k", "-£12k", "£171k", "£150k",
    ]  # fmt: skip
    assert ax.get_title() == (
        "Where the value comes from — Hand-worked example\n"
        "£1.14 of social value for every £1 invested"
    )
    _assert_readable(ax)


def test_money_compact_by_hand():
    assert [money_compact(x, "GBP") for x in (171_241.88, 1_234_567, 8_812.4, 950, -75_000)] == [
        "£171k", "£1.2m", "£8.8k", "£950", "-£75k",
    ]  # fmt: skip


# ------------------------------------------------------------------ palette


def _luma(colour: str) -> float:
    """Greyscale lightness as Pillow's "L" conversion computes it (ITU-R 601-2)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return r * 299 / 1000 + g * 587 / 1000 + b * 114 / 1000


def test_palette_reads_in_greyscale():
    greys = [_luma(c) for c in plots.CATEGORICAL]
    assert len(set(plots.CATEGORICAL)) == len(plots.CATEGORICAL) == 8
    assert all(abs(a - b) >= 40 for a, b in itertools.pairwise(greys)), greys
    p = {k: _luma(v) for k, v in plots.PALETTE.items()}
    # series drawn side by side: value against impact, investment and the low setting
    assert abs(p["value"] - p["value_light"]) >= 60
    assert abs(p["value"] - p["investment"]) >= 30
    assert abs(p["value"] - p["uncertain"]) >= 60
    assert abs(p["value"] - p["deduction"]) >= 60
    assert round(p["value"]) == 87 and round(p["deduction"]) == 162  # as documented


def test_same_meaning_same_colour(council):
    from matplotlib.colors import to_hex

    waterfall_bars = plots.waterfall(council).containers[0]
    assert to_hex(waterfall_bars[0].get_facecolor()) == plots.PALETTE["value"].lower()
    assert to_hex(waterfall_bars[1].get_facecolor()) == plots.PALETTE["deduction"].lower()
    assert to_hex(waterfall_bars[-1].get_facecolor()) == plots.PALETTE["investment"].lower()
    years = plots.value_by_year(council)
    assert to_hex(years.containers[1][0].get_facecolor()) == plots.PALETTE["value"].lower()
    bars = plots.breakdown(council).containers[0]
    assert to_hex(bars[0].get_facecolor()) == plots.PALETTE["value"].lower()


def test_greyscale_png_keeps_value_and_deductions_apart(tmp_path, council):
    from PIL import Image

    ax = plots.waterfall(council)
    path = tmp_path / "waterfall.png"
    ax.figure.savefig(path, dpi=60)
    grey = Image.open(path).convert("L")
    height = grey.size[1]

    def shade(x: float, y: float) -> int:
        px, py = ax.transData.transform((x, y))
        dpi_scale = 60 / ax.figure.dpi
        return grey.getpixel((int(px * dpi_scale), int(height - py * dpi_scale)))

    steps = plots.waterfall_steps(council)
    gross = shade(0, steps["cumulative"].iloc[0] / 2)
    investment = shade(7, steps["cumulative"].iloc[7] / 2)
    assert abs(gross - round(_luma(plots.PALETTE["value"]))) <= 2
    assert abs(gross - investment) >= 25


# ------------------------------------------------------------------ Monte Carlo


def _uncertain_model() -> dict:
    model = hand_worked()
    model["outcomes"][0]["deadweight"] = {"distribution": "uniform", "low": 0.0, "high": 0.6}
    model["outcomes"][0]["quantity"] = {"distribution": "uniform", "low": 60, "high": 140}
    return model


def _simulation(n: int = 4_000):
    return sroi.sensitivity.simulate(_uncertain_model(), n, seed=7)


def test_histogram():
    simulation = _simulation()
    ax = plots.histogram(simulation)
    below, above = ax.containers[0], ax.containers[1]
    heights_above = sum(b.get_height() for b in above)
    heights = heights_above + sum(b.get_height() for b in below)
    assert heights == pytest.approx(1.0)
    # the shaded bars (ratio above 1, right-closed bins with 1 as an edge) are P(ratio > 1)
    p = simulation.probability_ratio_above(1.0)
    assert 0.05 < p < 0.95
    assert heights_above == pytest.approx(p)
    assert all(b.get_x() >= 1.0 for b in above)
    assert all(b.get_x() + b.get_width() <= 1.0 + 1e-12 for b in below)
    title = ax.get_title()
    assert f"P(ratio > 1) = {percent(p)}" in title and "4,000 draws" in title
    assert title.startswith("How sure is the ratio? — Hand-worked example")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines["Break-even, 1 : 1"].get_xdata()) == {1.0}
    central = lines[f"As modelled: £{simulation.base.ratio:.2f}"]
    assert set(central.get_xdata()) == {simulation.base.ratio}
    assert ax.get_xlabel() == "SROI ratio: £ of social value per £1 invested"
    _assert_readable(ax)


def test_cumulative():
    simulation = _simulation()
    ax = plots.cumulative(simulation)
    curve = next(
        line
        for line in ax.get_lines()
        if line.get_label() == "Share of draws at or below the ratio"
    )
    x, y = np.asarray(curve.get_xdata()), np.asarray(curve.get_ydata())
    assert y[0] == 0 and y[-1] == 1.0
    assert (np.diff(y) >= 0).all() and (np.diff(x) >= 0).all()
    assert list(x[1:]) == sorted(simulation.ratio)
    # the share at or below each draw's ratio: k / n at the k-th smallest
    assert y[100] == pytest.approx(100 / simulation.n)
    p = simulation.probability_ratio_above(1.0)
    mark = next(line for line in ax.get_lines() if list(line.get_xdata()) == [1.0] and
                line.get_marker() == "o")  # fmt: skip
    assert mark.get_ydata()[0] == pytest.approx(1 - p)
    assert f"{percent(1 - p)} of draws at or below 1 : 1" in [t.get_text() for t in ax.texts]
    assert f"P(ratio > 1) = {percent(p)}" in ax.get_title()
    _assert_readable(ax)


@pytest.mark.parametrize("draw", [plots.histogram, plots.cumulative])
def test_nothing_uncertain_is_said_in_the_chart_and_warned(draw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SROIWarning)  # simulate's own warning
        simulation = sroi.sensitivity.simulate(hand_worked(), 500, seed=1)
    with pytest.warns(SROIWarning, match="nothing in the model 'Hand-worked example' is uncert"):
        ax = draw(simulation)
    texts = " ".join(t.get_text().replace("\n", " ") for t in ax.texts)
    assert "Nothing in the model is uncertain: all 500 draws give £1.14 per £1 invested" in texts
    every = [line for line in ax.get_lines() if line.get_label() == "Every draw"]
    assert len(every) == 1 and set(every[0].get_xdata()) == {simulation.base.ratio}


def test_cli_simulate_draws_the_cumulative_distribution(tmp_path):
    import json

    from click.testing import CliRunner

    from sroi.cli import cli

    model = tmp_path / "model.json"
    model.write_text(json.dumps(_uncertain_model()))
    histogram_png, cumulative_png = tmp_path / "h.png", tmp_path / "c.png"
    done = CliRunner().invoke(
        cli,
        ["simulate", str(model), "-n", "500", "--seed", "1",
         "--histogram", str(histogram_png), "--cumulative", str(cumulative_png)],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    for path in (histogram_png, cumulative_png):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 10_000
    assert f"Wrote {cumulative_png}" in done.output


def test_charts_draw_on_a_bare_figure_too(council):
    # a Figure without pyplot's canvas cannot measure text: the chart is drawn unfitted
    from matplotlib.figure import Figure

    ax = plots.tornado(tornado_frame(), ax=Figure().add_subplot(), currency="GBP")
    assert len(ax.containers) == 2 and ax.get_title().startswith("What moves the ratio most")
    assert plots.waterfall(council, ax=Figure().add_subplot()).texts
