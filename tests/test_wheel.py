"""The wheel carries the data: build it, install it apart from the checkout, and load from it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import json, sys
from pathlib import Path
import sroi
from sroi import proxies
target = Path(sys.argv[1]).resolve()
assert Path(sroi.__file__).resolve().is_relative_to(target), sroi.__file__
from sroi._resources import data_file
assert Path(str(data_file("unit_costs.csv"))).resolve().is_relative_to(target)
table = proxies.load()
r = sroi.evaluate({"name": "w", "price_year": 2024,
    "inputs": [{"stakeholder": "a", "amount": 1000}],
    "outcomes": [{"stakeholder": "b", "outcome": "c", "quantity": 1, "duration": 1,
                  "proxy": "ucd_jsa_claimant_into_work_fiscal_total"}]})
print(json.dumps({"rows": len(table), "checksum": table.checksum, "pv": r.present_value}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (path,) = out.glob("sroi-*.whl")
    return path


def test_wheel_contains_the_data_tables(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "sroi/data/unit_costs.csv",
        "sroi/data/gdp_deflators.csv",
        "sroi/report/templates/report.html.j2",
    } <= names
    bundled = zipfile.ZipFile(wheel).read("sroi/data/unit_costs.csv")
    assert bundled == (ROOT / "data" / "unit_costs.csv").read_bytes()


def test_wheel_in_a_fresh_virtual_environment_loads_the_table(wheel, tmp_path):
    # A new venv, the wheel and its dependencies only: nothing from the checkout.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(python), "-c", CHECK, str(venv)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    from sroi import proxies

    got = json.loads(done.stdout)
    assert got["rows"] == len(proxies.load())
    assert got["checksum"] == proxies.load().checksum
    assert got["pv"] > 0
