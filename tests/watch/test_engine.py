"""Evaluation lifecycle: raise, keep, resolve, expire; provincial settings; hooks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from saphan.audit.models import AccessLog
from saphan.people.models import Person
from saphan.watch.engine import watch_evaluate
from saphan.watch.models import FlagStatus, Resolution, RuleSetting, WatchFlag, WatchRule
from saphan.watch.services import flag_acknowledge, rule_setting_update
from tests.watch.conftest import TODAY

pytestmark = pytest.mark.django_db
RULE = "older_no_income"


def test_raise_keep_resolve(person: Callable[..., Any]) -> None:
    p = person(70, income_band="none")
    first = watch_evaluate(today=TODAY, rule_codes=[RULE])
    assert (first.raised, first.resolved, first.unchanged) == (1, 0, 0)
    again = watch_evaluate(today=TODAY, rule_codes=[RULE])
    assert (again.raised, again.resolved, again.unchanged) == (0, 0, 1)
    Person.objects.filter(pk=p.pk).update(income_band="lt3000")
    after = watch_evaluate(today=TODAY, rule_codes=[RULE])
    assert (after.raised, after.resolved) == (0, 1)
    flag = WatchFlag.objects.get(person=p)
    assert flag.status == FlagStatus.RESOLVED
    assert flag.resolution == Resolution.NO_LONGER_MATCHES
    assert flag.resolved_at is not None
    # Matching again later raises a new flag; the old one stays as history.
    Person.objects.filter(pk=p.pk).update(income_band="none")
    watch_evaluate(today=TODAY, rule_codes=[RULE])
    assert WatchFlag.objects.filter(person=p).count() == 2
    assert WatchFlag.objects.filter(person=p).live().count() == 1


def test_withdrawn_sensitive_basis_expires_sensitive_flags(person: Callable[..., Any]) -> None:
    p = person(70, disability="seeing", income_band="none")
    watch_evaluate(today=TODAY)
    assert WatchFlag.objects.filter(person=p, rule__code="older_with_disability").live().exists()
    Person.objects.filter(pk=p.pk).update(sensitive_basis="")
    summary = watch_evaluate(today=TODAY)
    flag = WatchFlag.objects.get(person=p, rule__code="older_with_disability")
    assert flag.status == FlagStatus.EXPIRED
    assert flag.resolution == Resolution.NO_SENSITIVE_BASIS
    assert summary.expired >= 1
    # A rule on non-sensitive facts goes on.
    assert WatchFlag.objects.filter(person=p, rule__code=RULE).live().exists()


def test_moved_person_flag_expires_and_is_raised_in_new_province(
    person: Callable[..., Any],
) -> None:
    p = person(70, income_band="none")
    watch_evaluate(today=TODAY, rule_codes=[RULE])
    Person.objects.filter(pk=p.pk).update(province_id="94", district_id=None)
    watch_evaluate(today=TODAY, rule_codes=[RULE])
    old, new = WatchFlag.objects.filter(person=p).order_by("pk")
    assert (old.status, old.resolution) == (FlagStatus.EXPIRED, Resolution.MOVED)
    assert (new.status, new.province_id) == (FlagStatus.OPEN, "94")


def test_a_flag_left_on_a_merged_record_expires(person: Callable[..., Any]) -> None:
    survivor, merged = person(70, income_band="none"), person(70, income_band="none")
    watch_evaluate(today=TODAY, rule_codes=[RULE])
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
    watch_evaluate(today=TODAY, rule_codes=[RULE])
    kept = WatchFlag.objects.get(person=merged)
    assert (kept.status, kept.resolution) == (FlagStatus.EXPIRED, Resolution.MERGED)
    assert WatchFlag.objects.get(person=survivor).status == FlagStatus.OPEN


def test_province_threshold_and_switch_off(person: Callable[..., Any], make_user: Any) -> None:
    coordinator = make_user(role="provincial_coordinator", provinces=("55",))
    rule = WatchRule.objects.get(code=RULE)
    p65 = person(65, income_band="none")
    watch_evaluate(today=TODAY, rule_codes=[RULE])
    assert WatchFlag.objects.filter(person=p65).live().exists()

    _setting, summary = rule_setting_update(
        user=coordinator, rule=rule, province_code="55", enabled=True, parameters={"older_age": 70}
    )
    assert summary is not None and summary.resolved == 1
    assert not WatchFlag.objects.filter(person=p65).live().exists()
    log = AccessLog.objects.get(object_type="watch_rule", object_id=RULE)
    assert log.detail["after"]["parameters"] == {"older_age": 70}
    assert log.province_code == "55"
    setting = RuleSetting.objects.get(rule=rule, province_id="55")
    assert setting.history.count() == 1  # change history as well as the access log

    p75 = person(75, income_band="none")
    watch_evaluate(today=TODAY, rule_codes=[RULE])
    assert WatchFlag.objects.filter(person=p75).live().exists()
    _setting, summary = rule_setting_update(
        user=coordinator, rule=rule, province_code="55", enabled=False, parameters={}
    )
    flag = WatchFlag.objects.get(person=p75)
    assert (flag.status, flag.resolution) == (FlagStatus.EXPIRED, Resolution.RULE_SWITCHED_OFF)
    # Other provinces keep the default.
    other = person(65, income_band="none", province_id="94", district_id=None)
    watch_evaluate(today=TODAY, rule_codes=[RULE])
    assert WatchFlag.objects.filter(person=other).live().exists()
    assert not WatchFlag.objects.filter(person=p75).live().exists()


def test_rule_setting_refuses_bad_input(make_user: Any) -> None:
    coordinator = make_user(role="provincial_coordinator", provinces=("55",))
    rule = WatchRule.objects.get(code=RULE)
    with translation.override("en"):
        with pytest.raises(ValidationError) as unknown:
            rule_setting_update(
                user=coordinator, rule=rule, province_code="55", enabled=True, parameters={"x": 1}
            )
        assert "Unknown threshold" in " ".join(unknown.value.messages)
    with pytest.raises(ValidationError):
        rule_setting_update(
            user=coordinator,
            rule=rule,
            province_code="55",
            enabled=True,
            parameters={"older_age": -1},
        )
    with pytest.raises(ValidationError) as elsewhere:
        rule_setting_update(
            user=coordinator, rule=rule, province_code="10", enabled=True, parameters={}
        )
    assert "province" in elsewhere.value.message_dict
    assert not RuleSetting.objects.exists()
    worker = make_user(role="field_worker")
    with pytest.raises(PermissionDenied):
        rule_setting_update(
            user=worker, rule=rule, province_code="55", enabled=False, parameters={}
        )


def test_acknowledge_sets_recheck(person: Callable[..., Any], make_user: Any, cso: Any) -> None:
    worker = make_user(role="field_worker", organisation=cso)
    p = person(70, income_band="none")
    watch_evaluate(today=TODAY, rule_codes=[RULE])
    flag = WatchFlag.objects.get(person=p)
    flag = flag_acknowledge(user=worker, flag=flag, note="เยี่ยมบ้านแล้ว")
    assert flag.status == FlagStatus.ACKNOWLEDGED
    assert flag.acknowledged_by == worker
    assert flag.recheck_due_on is not None
    assert flag.recheck_due_on - dt.date.today() == dt.timedelta(days=flag.rule.recheck_days)
    # An acknowledged flag is still live: evaluation keeps it, does not raise another.
    summary = watch_evaluate(today=TODAY, rule_codes=[RULE])
    assert (summary.raised, summary.unchanged) == (0, 1)
    outsider = make_user(role="field_worker", provinces=("94",))
    with pytest.raises(PermissionDenied):
        flag_acknowledge(user=outsider, flag=flag)


def test_registry_change_evaluates_at_once(register: Callable[..., Any]) -> None:
    from saphan.people.partialdate import PartialDate

    p = register(birth_date=PartialDate(1950, 3, 1), income_band="none")
    assert WatchFlag.objects.filter(person=p, rule__code=RULE).live().exists()


def test_household_change_evaluates_the_whole_household(
    register: Callable[..., Any], nan_worker: Any
) -> None:
    from saphan.people.households import household_add_member, household_create
    from saphan.people.partialdate import PartialDate

    grandma = register(birth_date=PartialDate(1955, 1, 1))
    household = household_create(user=nan_worker, person=grandma)
    assert not WatchFlag.objects.filter(
        person=grandma, rule__code="older_raising_children"
    ).exists()
    child = register(birth_date=PartialDate(2018, 6, 1))
    household_add_member(
        user=nan_worker, household=household, person=child, relationship="grandchild"
    )
    assert (
        WatchFlag.objects.filter(person=grandma, rule__code="older_raising_children")
        .live()
        .exists()
    )
