"""``saphan watch evaluate | check-rules | install-rules``."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from saphan.watch.models import WatchFlag, WatchRule

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("watch", *args, stdout=out)
    return out.getvalue()


def test_evaluate_prints_a_summary(person: Callable[..., Any]) -> None:
    person(70, income_band="none")
    person(70, income_band="none", province_id="94", district_id=None)
    first = _run("evaluate", "--province", "55")
    assert "flags raised 1, resolved 0, expired 0, unchanged 0" in first
    assert "older_no_income" in first
    assert WatchFlag.objects.filter(province_id="94").count() == 0  # only the province asked
    second = _run("evaluate")
    assert "flags raised 1, resolved 0, expired 0, unchanged 1" in second


def test_evaluate_refuses_an_unknown_province() -> None:
    with pytest.raises(CommandError, match="Unknown province"):
        _run("evaluate", "--province", "99")


def test_check_rules_reports_an_invalid_condition() -> None:
    assert "all rules are valid" in _run("check-rules")
    WatchRule.objects.filter(code="older_no_income").update(
        condition={"fact": "age", "op": "~", "value": 1}
    )
    with pytest.raises(CommandError, match="1 rule"):
        _run("check-rules")
    assert "updated 11" in _run("install-rules")  # restores the shipped condition
    assert "all rules are valid" in _run("check-rules")
