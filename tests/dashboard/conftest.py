"""Fixtures of the home page tests: people with watch flags, cases with follow-ups, and
the outcomes project of the outcomes app tests (imported, so that both stay one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from saphan.cases.models import Contact
from saphan.people.models import Person
from saphan.watch.models import FlagStatus, WatchFlag, WatchRule
from tests.factories import TEST_PASSWORD
from tests.outcomes.app.conftest import (  # noqa: F401 - shared fixtures
    draft_project,
    enrol,
    make_person,
    orgs,
    project,
    users,
)


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def login() -> Callable[..., Client]:
    def go(user: Any, *, english: bool = False) -> Client:
        client = Client()
        assert client.login(username=user.username, password=TEST_PASSWORD)
        if english:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return go


@pytest.fixture
def nan_cso(make_org: Any) -> Any:
    return make_org(provinces=("55",), kind="cso", code="cso-nan-home", name_en="Nan CSO")


@pytest.fixture
def pattani_cso(make_org: Any) -> Any:
    return make_org(provinces=("94",), kind="cso", code="cso-pattani-home")


@pytest.fixture
def fw(make_user: Any, nan_cso: Any) -> Any:
    return make_user(role="field_worker", organisation=nan_cso, username="home_fw")


@pytest.fixture
def fw2(make_user: Any, nan_cso: Any) -> Any:
    return make_user(role="field_worker", organisation=nan_cso, username="home_fw2")


@pytest.fixture
def citizen(nan_cso: Any) -> Callable[..., Person]:
    """A person made straight in the database (province 55 unless told)."""

    def make(given_name: str, *, province: str = "55", **fields: Any) -> Person:
        values: dict[str, Any] = {
            "given_name": given_name,
            "family_name": "ทดสอบหน้าแรก",
            "province_id": province,
            "district_id": "5501" if province == "55" else None,
            "organisation": nan_cso,
            "sensitive_basis": "consent",
            "birth_year": 1950,
        }
        values.update(fields)
        return Person.objects.create(**values)

    return make


@pytest.fixture
def flag() -> Callable[..., WatchFlag]:
    def make(
        person: Person,
        rule_code: str = "older_no_income",
        *,
        status: str = FlagStatus.OPEN,
        priority: int | None = None,
        days_ago: int = 0,
    ) -> WatchFlag:
        rule = WatchRule.objects.get(code=rule_code)
        return WatchFlag.objects.create(
            rule=rule,
            person=person,
            province_id=person.province_id,
            priority=priority or rule.priority,
            status=status,
            raised_at=timezone.now() - dt.timedelta(days=days_ago),
        )

    return make


@pytest.fixture
def contact() -> Callable[..., Contact]:
    def make(case: Any, *, follow_up_in: int, by: Any) -> Contact:
        return Contact.objects.create(
            case=case,
            kind="phone",
            contacted_on=days(-10),
            next_follow_up_on=days(follow_up_in),
            by=by,
        )

    return make
