from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from saphan.cases.services import case_open
from saphan.people.consents import ConsentData, consent_record
from saphan.people.partialdate import PartialDate
from saphan.people.services import PersonData, person_register

TODAY = timezone.localdate


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def owner_org(make_org: Any) -> Any:
    return make_org(provinces=("55",), kind="cso", code="cso-nan", name_en="Nan CSO")


@pytest.fixture
def worker(make_user: Any, owner_org: Any) -> Any:
    return make_user(role="field_worker", organisation=owner_org, username="fw")


@pytest.fixture
def manager(make_user: Any, owner_org: Any) -> Any:
    return make_user(role="case_manager", organisation=owner_org, username="cm")


@pytest.fixture
def receiver_org(make_org: Any) -> Any:
    return make_org(
        provinces=("55",), kind="local_government", code="lg-nan", name_en="Nan municipality"
    )


@pytest.fixture
def receiver(make_user: Any, receiver_org: Any) -> Any:
    return make_user(role="agency_officer", organisation=receiver_org, username="officer")


@pytest.fixture
def far_org(make_org: Any) -> Any:
    return make_org(provinces=("50",), kind="agency", code="agency-cm", name_en="Far agency")


@pytest.fixture
def person(worker: Any) -> Any:
    return person_register(
        user=worker,
        data=PersonData(
            given_name="สมศรี",
            family_name="ทดสอบ",
            sex="female",
            phone="0891234567",
            current_subdistrict_code="550101",
            birth_date=PartialDate(1950, 3, 1),
        ),
    )


@pytest.fixture
def share_consent(worker: Any) -> Callable[..., Any]:
    def give(who: Any, *, sensitive: bool = False) -> Any:
        return consent_record(
            user=worker,
            person=who,
            data=ConsentData(
                purpose="ส่งต่อ",
                given_on=timezone.localdate(),
                covers_sharing=True,
                covers_sensitive=sensitive,
            ),
        )

    return give


@pytest.fixture
def case(worker: Any, person: Any) -> Any:
    return case_open(user=worker, person=person)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every notification the cases context sends (the real service still runs)."""
    from saphan.notifications import services

    calls: list[dict[str, Any]] = []
    real = services.notification_send

    def spy(**kwargs: Any) -> int:
        users = kwargs["users"]
        calls.append({**kwargs, "usernames": sorted(u.username for u in users)})
        return real(**kwargs)

    monkeypatch.setattr(services, "notification_send", spy)
    return calls
