"""The condition language refuses what it does not understand, with a clear message."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from saphan.watch.catalogue import RULES
from saphan.watch.conditions import condition_validate, parameters_validate
from saphan.watch.models import WatchRule


def _message(condition: Any, parameters: dict[str, Any] | None = None) -> str:
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            condition_validate(condition, parameters or {})
        return " ".join(exc.value.messages)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"fact": "shoe_size", "op": ">=", "value": 40}, "Unknown fact"),
        ({"fact": "age", "op": "in", "value": [1]}, "cannot be compared"),
        ({"fact": "age", "op": ">=", "value": "sixty"}, "whole number"),
        ({"fact": "age", "op": ">=", "value": -3}, "whole number"),
        ({"fact": "bedridden", "op": "is", "value": "yes"}, "true or false"),
        ({"fact": "work_status", "op": "in", "value": ["astronaut"]}, "Unknown value"),
        ({"fact": "work_status", "op": "in", "value": []}, "non-empty list"),
        ({"fact": "age", "op": ">=", "value": "$missing"}, "not defined"),
        ({"all": []}, "non-empty list"),
        ({"all": [{"fact": "age", "op": ">=", "value": 1}], "any": []}, "non-empty list"),
        ({"fact": "age", "op": ">="}, "exactly the keys"),
        ("age >= 60", "must be an object"),
        (
            {"not": {"not": {"not": {"not": {"not": {"fact": "age", "op": ">=", "value": 1}}}}}},
            "nested",
        ),
    ],
)
def test_invalid_conditions(condition: Any, expected: str) -> None:
    assert expected in _message(condition)


def test_shipped_rules_are_valid_and_cover_the_mission_groups() -> None:
    for spec in RULES:
        parameters_validate(spec["parameters"])
        condition_validate(spec["condition"], spec["parameters"])
    codes = {spec["code"] for spec in RULES}
    assert {
        "older_with_disability",
        "older_raising_children",
        "disability_without_work",
        "disability_ill_or_bedridden",
        "awaiting_nationality",
    } <= codes
    assert all(spec["name_th"] and spec["name_en"] and spec["first_action_th"] for spec in RULES)


def test_parameters_must_be_whole_numbers() -> None:
    with pytest.raises(ValidationError):
        parameters_validate({"older_age": True})
    with pytest.raises(ValidationError):
        parameters_validate({"older_age": 10_001})
    with pytest.raises(ValidationError):
        parameters_validate(["older_age"])
    parameters_validate({"older_age": 65})


@pytest.mark.django_db
def test_back_office_refuses_an_invalid_condition() -> None:
    rule = WatchRule.objects.get(code="older_no_income")
    rule.condition = {"fact": "age", "op": ">=", "value": "$nope"}
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert "condition" in exc.value.message_dict
