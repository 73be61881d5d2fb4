"""The model's beneficiary groups and contract value: validated, located, read and written."""

from __future__ import annotations

import pytest

import sroi
from sroi.model import Group, Model


def _model(**extra) -> dict:
    outcome = {"stakeholder": "Tenants", "outcome": "Warmer homes", "quantity": 40,
               "value": 250, "duration": 2}  # fmt: skip
    outcome.update(extra.pop("outcome", {}))
    return {"name": "Retrofit", "inputs": [{"stakeholder": "HA", "amount": 10_000}],
            "outcomes": [outcome], **extra}  # fmt: skip


def test_groups_and_an_outcomes_group():
    model = Model.from_dict(
        _model(
            groups={"IMD decile 1": {"income": 14_000, "priority": True}, "Other": {}},
            outcome={"group": "IMD decile 1", "outcome_group": "warmth"},
            contract_value=250_000,
        )
    )
    assert model.groups["IMD decile 1"] == Group(income=14_000, priority=True)
    assert model.groups["Other"].priority is False and model.groups["Other"].income is None
    assert model.outcomes[0].group == "IMD decile 1"
    assert model.contract_value == 250_000
    with pytest.raises(TypeError):
        model.groups["New"] = Group()  # type: ignore[index]
    hash(model)


def test_an_unknown_group_is_located_with_the_groups_allowed():
    with pytest.raises(sroi.ModelError) as err:
        Model.from_dict(_model(groups={"A": {}, "B": {}}, outcome={"group": "C"}))
    [problem] = err.value.problems
    assert problem.location == "outcomes[0].group"
    assert "A, B" in problem.message and problem.value == "C"


def test_without_listed_groups_any_group_name_is_allowed():
    assert Model.from_dict(_model(outcome={"group": "Ward 7"})).outcomes[0].group == "Ward 7"


@pytest.mark.parametrize(
    "extra, where",
    [
        ({"groups": {"A": {"income": 0}}}, "groups.A.income"),
        ({"groups": {"A": {"income": -5}}}, "groups.A.income"),
        ({"groups": {"A": {"incme": 5}}}, "groups.A.incme"),
        ({"contract_value": -1}, "contract_value"),
        ({"contract_value": float("nan")}, "contract_value"),
    ],
)
def test_bad_group_figures_and_contract_values_are_located(extra, where):
    with pytest.raises(sroi.ModelError) as err:
        Model.from_dict(_model(**extra))
    assert [p.location for p in err.value.problems] == [where]
