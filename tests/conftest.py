"""Shared fixtures and Hypothesis strategies for the sroi tests."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")


def hand_worked() -> dict[str, Any]:
    """The issue's hand-worked model (a fresh copy each call)."""
    return copy.deepcopy(
        {
            "name": "Hand-worked example",
            "discount_rate": 0.035,
            "inputs": [{"stakeholder": "Funder", "amount": 150_000, "year": 0}],
            "outcomes": [
                {
                    "stakeholder": "Participants",
                    "outcome": "Moved into work",
                    "quantity": 100,
                    "value": 1_000,
                    "duration": 3,
                    "deadweight": 0.25,
                    "attribution": 0.10,
                    "displacement": 0.0,
                    "drop_off": 0.10,
                }
            ],
        }
    )


@pytest.fixture
def hand_worked_model() -> dict[str, Any]:
    return hand_worked()


fractions = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
small_fractions = st.floats(min_value=0.0, max_value=0.6, allow_nan=False)


@st.composite
def outcomes(draw, positive: bool = True, max_deduction: float = 0.6) -> dict[str, Any]:
    value = (
        draw(st.floats(min_value=1.0, max_value=50_000.0))
        if positive
        else draw(st.floats(min_value=-50_000.0, max_value=50_000.0))
    )
    ded = st.floats(min_value=0.0, max_value=max_deduction, allow_nan=False)
    return {
        "stakeholder": draw(st.sampled_from(["Tenants", "Council", "NHS", "Young people"])),
        "outcome": "An outcome",
        "quantity": draw(st.floats(min_value=1.0, max_value=1_000.0)),
        "value": value,
        "duration": draw(st.integers(min_value=1, max_value=12)),
        "start_year": draw(st.integers(min_value=1, max_value=4)),
        "deadweight": draw(ded),
        "displacement": draw(ded),
        "attribution": draw(ded),
        "drop_off": draw(st.floats(min_value=0.0, max_value=0.9, allow_nan=False)),
    }


@st.composite
def models(draw, positive: bool = True, min_outcomes: int = 1, max_outcomes: int = 6) -> dict:
    n = draw(st.integers(min_value=min_outcomes, max_value=max_outcomes))
    inputs = [
        {
            "stakeholder": "Funder",
            "amount": draw(st.floats(min_value=100.0, max_value=1_000_000.0)),
            "year": draw(st.integers(min_value=0, max_value=3)),
        }
        for _ in range(draw(st.integers(min_value=1, max_value=3)))
    ]
    return {
        "name": "Generated",
        "discount_rate": draw(st.floats(min_value=0.0, max_value=0.15)),
        "inputs": inputs,
        "outcomes": [draw(outcomes(positive=positive)) for _ in range(n)],
    }


def debian_program(package: str, *names: str) -> str:
    """The path of a program from Debian's ``package``, installing it when it is missing.

    Tests that need a real browser or spreadsheet program call this. When none of ``names``
    is on PATH and the tests run as root (a CI machine), it runs ``apt-get update`` and
    ``apt-get install -y package``; when the program still cannot be had, the test is
    skipped with the reason.
    """

    def find() -> str | None:
        return next((p for p in map(shutil.which, names) if p), None)

    found = find()
    if found:
        return found
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(f"{package} is not installed and cannot be installed here (not root/apt)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", package]):
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"{' '.join(command)} failed: {exc}")
        if done.returncode != 0:
            pytest.skip(f"{' '.join(command)} failed: {done.stderr.strip()[-300:]}")
    return find() or pytest.skip(f"{package} installed but none of {names} is on PATH")


@pytest.fixture(scope="session")
def libreoffice() -> str:
    """A headless LibreOffice (Debian's libreoffice-calc-nogui), installed if need be."""
    return debian_program("libreoffice-calc-nogui", "libreoffice", "soffice")
