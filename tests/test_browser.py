"""The HTML report in a real browser: headless Chromium renders, screenshots and dumps it.

The ``chromium`` fixture finds Chromium (``/usr/bin/chromium`` or ``chromium`` /
``chromium-browser`` on PATH). When it is missing and the tests run as root (a CI
container), it installs it with ``apt-get``; otherwise, or if that fails, the tests are
skipped with the reason. The browser runs with networking features off and a throw-away
profile, and only ever opens the local report file.
"""

from __future__ import annotations

import html
import re
import struct
import subprocess
from pathlib import Path

import pytest

import sroi
from sroi.report import social_accounts, write_html
from tests.conftest import debian_program

ROOT = Path(__file__).resolve().parent.parent
HOUSING = ROOT / "examples" / "housing_community_investment.yaml"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
TIMEOUT = 45  # seconds, per browser run


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of a Chromium executable, installed if need be; else skip with the reason."""
    return debian_program("chromium", "chromium", "chromium-browser")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, sroi.Result]:
    pytest.importorskip("jinja2")
    pytest.importorskip("matplotlib")
    result = sroi.evaluate(HOUSING)
    path = tmp_path_factory.mktemp("report") / "accounts.html"
    write_html(result, path)
    return path, result


def _run(chromium: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    try:
        return subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            timeout=TIMEOUT,
            cwd=tmp_path,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium took longer than {TIMEOUT} s")


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_screenshot_is_not_blank(chromium, report, tmp_path):
    path, _ = report
    shot = tmp_path / "shot.png"
    run = _run(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1280,2400", path.as_uri())
    assert shot.is_file(), run.stderr.decode(errors="replace")[-2000:]
    data = shot.read_bytes()
    assert _png_size(data) == (1280, 2400)
    assert len(data) > 50_000  # a blank page compresses to a few kilobytes
    image = pytest.importorskip("matplotlib.image").imread(shot)
    dark = (image[..., :3] < 0.5).all(axis=-1).mean()
    coloured = (image[..., :3].max(axis=-1) - image[..., :3].min(axis=-1) > 0.3).mean()
    assert dark > 0.005, "hardly any text was drawn"
    assert coloured > 0.01, "the charts and headings were not drawn"


def test_rendered_dom_shows_the_figures(chromium, report, tmp_path):
    path, result = report
    run = _run(chromium, tmp_path, "--dump-dom", path.as_uri())
    dom = html.unescape(run.stdout.decode("utf-8", errors="replace"))
    assert "</html>" in dom, run.stderr.decode(errors="replace")[-2000:]
    # The housing example's figures, worked by hand from its model file, the bundled proxy
    # values and the HM Treasury deflator factors I(2024) / I(price year) (2019: 1.232395,
    # 2013/14: 1.355921, 2012/13: 1.384127, 2010/11: 1.438187, 2015/16: 1.327801),
    # discounted at 3.5 %:
    # - Financial inclusion: 16 WELLBY x 13,000 x 1.232395 x 0.7 x 0.85 / 1.035
    #   = 147,363.48, plus 120 GP visits x 38 (UCD HE20.2, 2013/14) x 1.355921 x 0.7 x 0.85
    #   / 1.035 = 3,554.48: £150,917.95; invested £68,000;
    # - Young people: 70,520.30 + 9,371.09 + 5,819.23 = £85,710.62; invested 42,000 + 15,000;
    # - Healthy eating: 19,257.42 + 34,828.55 = £54,085.97; invested 18,000 + 9,900;
    # - the organisation: £290,714.55 for £152,900.00, a ratio of 1.90.
    assert "£1.90 per £1" in dom
    accounts = [
        ("Financial inclusion", "£150,917.95", "£68,000.00"),
        ("Young people", "£85,710.62", "£57,000.00"),
        ("Healthy eating", "£54,085.97", "£27,900.00"),
        ("Organisation", "£290,714.55", "£152,900.00"),
    ]
    assert [a.name for a in social_accounts(result).accounts] == [a[0] for a in accounts]
    for name, present_value, investment in accounts:
        assert name in dom
        assert present_value in dom, name
        assert investment in dom, name
    assert dom.count('src="data:image/png;base64,') >= 3  # the charts were kept
    # plain words: the schedule, the ratio as money, names for inputs and outcomes
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", dom))
    assert "discounted at the Green Book's 3.5 % declining schedule;" in words
    assert "Every £1 invested produces £1.90 of social value (present value)." in words
    assert "Money advice service (two advisers)" in words and "Less financial stress" in words
    assert "inputs[" not in words and "green_book" not in words
    assert "Notes and warnings" in words and "The evaluation gave no warnings." in words
