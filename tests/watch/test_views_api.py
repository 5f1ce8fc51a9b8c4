"""The watch list page and API: scope, filters, acknowledging, rule settings, audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from saphan.accounts.services import api_token_create
from saphan.audit.models import AccessLog
from saphan.watch.engine import watch_evaluate
from saphan.watch.models import FlagStatus, RuleSetting, WatchFlag
from tests.factories import TEST_PASSWORD
from tests.watch.conftest import TODAY

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


@pytest.fixture
def flagged_people(person: Callable[..., Any]) -> tuple[Any, Any]:
    nan = person(70, income_band="none", given_name="น่านชรา")
    pattani = person(
        70, income_band="none", given_name="ปัตตานีชรา", province_id="94", district_id=None
    )
    watch_evaluate(today=TODAY)
    return nan, pattani


def test_watch_list_shows_only_the_users_provinces(
    flagged_people: tuple[Any, Any], make_user: Any, cso: Any
) -> None:
    worker = make_user(role="field_worker", organisation=cso)
    response = _client(worker).get("/watch/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "น่านชรา" in body
    assert "ปัตตานีชรา" not in body
    assert "open-case-" in body  # field workers work cases
    log = AccessLog.objects.filter(object_type="watch_flag", action="search").latest("pk")
    assert log.detail["results"] >= 1


def test_watch_list_filters_and_empty_state(
    flagged_people: tuple[Any, Any], make_user: Any, cso: Any
) -> None:
    worker = make_user(role="field_worker", organisation=cso)
    client = _client(worker)
    body = client.get("/watch/?rule=child_no_adult").content.decode()
    assert "น่านชรา" not in body
    assert 'class="empty"' in body
    body = client.get("/watch/?rule=older_no_income&province=55&district=5501").content.decode()
    assert "น่านชรา" in body
    assert "income" in body.lower() or "รายได้" in body  # reasons spelled out


def test_roles_without_people_access_get_403(make_user: Any) -> None:
    analyst = make_user(role="analyst")
    assert _client(analyst).get("/watch/").status_code == 403


def test_acknowledge_from_the_list(
    flagged_people: tuple[Any, Any], make_user: Any, cso: Any
) -> None:
    nan, pattani = flagged_people
    worker = make_user(role="field_worker", organisation=cso)
    client = _client(worker)
    flag = WatchFlag.objects.get(person=nan, rule__code="older_no_income")
    response = client.post(f"/watch/flags/{flag.pk}/acknowledge/", {"note": "โทรแล้ว"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACKNOWLEDGED and flag.note == "โทรแล้ว"
    # Someone else's province: not there.
    other = WatchFlag.objects.get(person=pattani, rule__code="older_no_income")
    assert client.post(f"/watch/flags/{other.pk}/acknowledge/").status_code == 404
    other.refresh_from_db()
    assert other.status == FlagStatus.OPEN
    assert AccessLog.objects.filter(action="denied", object_type="watchflag").exists()


def test_rule_settings_page_for_coordinators(make_user: Any, flagged_people: Any) -> None:
    coordinator = make_user(role="provincial_coordinator", provinces=("55",))
    client = _client(coordinator)
    page = client.get("/watch/rules/?province=55")
    assert page.status_code == 200
    assert "older_no_income" in page.content.decode()
    response = client.post(
        "/watch/rules/older_no_income/", {"province": "55", "param_older_age": "75"}
    )
    assert response.status_code == 302
    setting = RuleSetting.objects.get(rule__code="older_no_income", province_id="55")
    assert setting.enabled is False  # the checkbox was not sent: switched off
    assert setting.parameters == {"older_age": 75}
    bad = client.post(
        "/watch/rules/older_no_income/",
        {"province": "55", "enabled": "on", "param_older_age": "sixty"},
        follow=True,
    )
    assert "whole number" in bad.content.decode() or "จำนวนเต็ม" in bad.content.decode()
    setting.refresh_from_db()
    assert setting.enabled is False  # nothing half-saved
    worker = make_user(role="field_worker")
    assert _client(worker).get("/watch/rules/").status_code == 403


def _token(user: Any) -> str:
    _token_obj, raw = api_token_create(user=user)
    return str(raw)


def test_watchlist_api(flagged_people: tuple[Any, Any], make_user: Any, cso: Any) -> None:
    manager = make_user(role="case_manager", organisation=cso)
    client = Client()
    headers = {"Authorization": f"Bearer {_token(manager)}"}
    response = client.get("/api/v1/watchlist?province=55&rule=older_no_income", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["rule"] == "older_no_income"
    assert item["person_name"].startswith("ทดสอบ") or "น่านชรา" in item["person_name"]
    assert item["facts"]["age"] == 70
    assert item["reasons"]
    assert client.get("/api/v1/watchlist?province=94", headers=headers).status_code == 404
    bad = client.get("/api/v1/watchlist?rule=nope", headers=headers)
    assert bad.status_code == 422
    assert bad.json()["detail_th"]
