"""Plots: the bars drawn are the result's figures, and each plot reads well."""

from __future__ import annotations

import os
import subprocess
import sys
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
from tests.conftest import hand_worked  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COUNCIL = ROOT / "examples" / "council_contract.yaml"
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
    assert "GBP, 2024 prices" in ax.get_ylabel()
    assert ax.yaxis.get_major_formatter()(250_000, 0) == "£250,000"
    texts = [t.get_text() for t in ax.texts]
    assert "£293,961" in texts and "£239,247" in texts  # present value and investment


def test_waterfall_on_given_axes(hand):
    _fig, (left, right) = plt.subplots(1, 2)
    assert plots.waterfall(hand, ax=right) is right
    assert not left.containers
    assert "GBP" in right.get_ylabel() and "prices" not in right.get_ylabel()  # no price year


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
    assert "£239,247" in investment.get_label()
    assert "GBP, 2024 prices" in ax.get_ylabel()
    # the payback marker sits where cumulative present value reaches the investment
    payback = council.discounted_payback_years
    assert payback is not None and 1 < payback < 2
    assert any(line.get_xdata()[0] == payback for line in ax.get_lines())


# ------------------------------------------------------------------ breakdown


@pytest.mark.parametrize("by", ["stakeholder", "bearer", "value_type"])
def test_breakdown(council, by):
    ax = plots.breakdown(council, by=by)
    assert isinstance(ax, Axes)
    frame = council.breakdown(by)
    bars = ax.containers[0]
    assert [b.get_width() for b in bars] == pytest.approx(frame["present_value"].to_list())
    assert [b.get_y() + b.get_height() / 2 for b in bars] == pytest.approx(range(len(frame)))
    assert ax.yaxis_inverted()  # largest at the top
    ticks = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert ticks == frame[by].to_list()
    labels = [t.get_text() for t in ax.texts]
    first = frame.iloc[0]
    assert labels[0] == f"£{first.present_value:,.0f} ({first.share:.1%})"
    assert "GBP, 2024 prices" in ax.get_xlabel()


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
    ticks = [t.get_text().split("\n")[0] for t in ax.get_yticklabels()]
    assert ticks == ranked["parameter"].to_list()
    assert ticks[0] == frame.loc[frame["swing"].idxmax(), "parameter"]
    assert ticks[-1] == frame.loc[frame["swing"].idxmin(), "parameter"]
    break_even = [line for line in ax.get_lines() if line.get_label().startswith("break-even")]
    assert len(break_even) == 1 and set(break_even[0].get_xdata()) == {1.0}
    assert "£1 invested" in ax.get_xlabel()


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
