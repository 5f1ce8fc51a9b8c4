"""Recording a status, the pages and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from saphan.accounts.services import api_token_create
from saphan.audit.models import AccessLog
from saphan.people.partialdate import PartialDate
from saphan.rights.models import PersonRight
from saphan.rights.services import person_right_clear, person_right_record
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def test_refused_needs_a_reason_and_nothing_is_saved(person: Any, nan_worker: Any) -> None:
    someone = person(birth=PartialDate(1950))
    with pytest.raises(ValidationError) as err:
        person_right_record(
            user=nan_worker,
            person=someone,
            scheme_code="old_age_allowance",
            status="refused",
            status_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert set(err.value.error_dict) == {"reason", "status_on"}
    with pytest.raises(ValidationError) as err:
        person_right_record(
            user=nan_worker,
            person=someone,
            scheme_code="pension",
            status="eligible",
            status_on=None,
        )
    assert set(err.value.error_dict) == {"scheme", "status", "status_on"}
    assert PersonRight.objects.count() == 0


def test_recording_changing_and_clearing_are_logged(person: Any, nan_worker: Any) -> None:
    someone = person(birth=PartialDate(1950))
    right = person_right_record(
        user=nan_worker,
        person=someone,
        scheme_code="old_age_allowance",
        status="applied",
        status_on=YESTERDAY,
    )
    person_right_record(
        user=nan_worker,
        person=someone,
        scheme_code="old_age_allowance",
        status="refused",
        status_on=YESTERDAY,
        reason="  ไม่มีทะเบียนบ้านในพื้นที่ ",
    )
    right.refresh_from_db()
    assert (right.status, right.reason) == ("refused", "ไม่มีทะเบียนบ้านในพื้นที่")
    assert right.organisation == nan_worker.organisation and right.history.count() == 2
    assert person_right_clear(user=nan_worker, person=someone, scheme_code="old_age_allowance")
    logged = AccessLog.objects.filter(object_id=str(someone.uid), detail__right="old_age_allowance")
    assert list(logged.order_by("pk").values_list("action", flat=True)) == [
        "create",
        "update",
        "update",
    ]


def test_recording_is_refused_out_of_scope_and_for_read_only_roles(
    person: Any, make_user: Any
) -> None:
    someone = person()
    for user in (
        make_user(role="case_manager", provinces=("94",)),
        make_user(role="analyst", provinces=("55",)),
    ):
        with pytest.raises(PermissionDenied):
            person_right_record(
                user=user,
                person=someone,
                scheme_code="universal_coverage",
                status="receiving",
                status_on=YESTERDAY,
            )
    assert PersonRight.objects.count() == 0


# --- pages ------------------------------------------------------------------------------


def _login(client: Client, user: Any) -> Client:
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def test_person_page_shows_rights_and_records_a_status(
    client: Client, person: Any, nan_worker: Any
) -> None:
    someone = person(birth=PartialDate(1940))
    _login(client, nan_worker)
    url = reverse("rights:person", args=[someone.uid])
    page = client.get(url)
    assert page.status_code == 200
    assert b'id="right-old_age_allowance"' in page.content
    assert b"rights-missing-total" in page.content
    refused = client.post(
        url,
        {
            "scheme": "old_age_allowance",
            "status": "refused",
            "status_on": YESTERDAY.isoformat(),
            "reason": "",
        },
    )
    assert refused.status_code == 200 and b"errorlist" in refused.content
    assert PersonRight.objects.count() == 0
    saved = client.post(
        url,
        {"scheme": "old_age_allowance", "status": "receiving", "status_on": YESTERDAY.isoformat()},
    )
    assert saved.status_code == 302
    assert PersonRight.objects.get().status == "receiving"
    assert AccessLog.objects.filter(object_id=str(someone.uid), detail__page="rights").exists()


def test_person_page_out_of_scope_is_404(client: Client, person: Any, make_user: Any) -> None:
    someone = person()
    _login(client, make_user(role="case_manager", provinces=("94",)))
    assert client.get(reverse("rights:person", args=[someone.uid])).status_code == 404


def test_gap_page(client: Client, person: Any, nan_worker: Any, make_user: Any) -> None:
    person(birth=PartialDate(1930))
    _login(client, nan_worker)
    page = client.get(reverse("rights:gaps"))
    assert page.status_code == 200
    assert b'id="gap-summary"' in page.content and b'id="gap-list"' in page.content
    assert b"1,000" in page.content  # 96 years old: 1,000 baht a month, Thai grouping
    assert client.get(reverse("rights:gaps"), {"province": "94"}).status_code == 404
    bad = client.get(reverse("rights:gaps"), {"scheme": "lottery"})
    assert bad.status_code == 200 and b"lottery" in bad.content
    assert AccessLog.objects.filter(object_type="rights_gap").count() == 3 - 1  # 404 not logged
    client.logout()
    _login(client, make_user(role="analyst", provinces=("55",)))
    assert client.get(reverse("rights:gaps")).status_code == 403


def test_gap_page_empty_state(client: Client, nan_worker: Any) -> None:
    _login(client, nan_worker)
    page = client.get(reverse("rights:gaps"))
    assert page.status_code == 200 and b'id="gap-empty"' in page.content


# --- API --------------------------------------------------------------------------------


@pytest.fixture
def call(client: Client) -> Any:
    def do(user: Any, method: str, path: str, body: Any = None, **params: Any) -> Any:
        _, token = api_token_create(user=user)
        headers = {"Authorization": f"Bearer {token}"}
        if method == "get":
            return client.get(f"/api/v1{path}", params, headers=headers)
        return getattr(client, method)(
            f"/api/v1{path}", body, content_type="application/json", headers=headers
        )

    return do


def test_api_person_rights(call: Any, person: Any, nan_worker: Any, make_user: Any) -> None:
    someone = person(birth=PartialDate(1930), disabilities=[("seeing", "")])
    response = call(nan_worker, "get", f"/persons/{someone.uid}/rights")
    assert response.status_code == 200, response.content
    body = response.json()
    rights = {r["scheme"]: r for r in body["rights"]}
    assert rights["old_age_allowance"]["eligibility"] == "eligible"
    assert rights["old_age_allowance"]["monthly_amount"] == "1000.00"  # money as a string
    assert rights["disability_card"]["in_gap"] is True
    assert body["missing_monthly_total"] == "1000.00"
    posted = call(
        nan_worker,
        "post",
        f"/persons/{someone.uid}/rights",
        {"scheme": "old_age_allowance", "status": "refused", "status_on": str(YESTERDAY)},
    )
    assert posted.status_code == 422 and "reason" in posted.json()["errors"]
    outsider = make_user(role="case_manager", provinces=("94",))
    assert call(outsider, "get", f"/persons/{someone.uid}/rights").status_code == 404
    assert call(nan_worker, "get", "/persons/not-a-uuid/rights").status_code == 404


def test_api_gaps(call: Any, person: Any, nan_worker: Any, make_user: Any) -> None:
    older = person(birth=PartialDate(1950))
    response = call(nan_worker, "get", "/rights/gaps", province="55", scheme="old_age_allowance")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["person_id"] == str(older.uid)
    assert body["items"][0]["monthly_amount"] == "700.00"  # 76 years old
    assert body["summary"] == [
        {
            "province_code": "55",
            "province_name_th": body["summary"][0]["province_name_th"],
            "province_name_en": body["summary"][0]["province_name_en"],
            "scheme": "old_age_allowance",
            "people": 1,
            "missing_monthly": "700.00",
        }
    ]
    unknown = call(nan_worker, "get", "/rights/gaps", scheme="lottery")
    assert unknown.status_code == 422 and "lottery" in unknown.json()["detail"]
    assert call(nan_worker, "get", "/rights/gaps", province="94").status_code == 404
    analyst = make_user(role="analyst", provinces=("55",))
    assert call(analyst, "get", "/rights/gaps").status_code == 403
    paged = call(nan_worker, "get", "/rights/gaps", limit=1, offset=1).json()
    assert paged["count"] == 2 and len(paged["items"]) == 1  # old-age + gold card
