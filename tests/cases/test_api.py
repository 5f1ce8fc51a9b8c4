"""/api/v1/cases and /api/v1/referrals, through the policy layer."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from saphan.accounts.services import api_token_create
from saphan.audit.models import AccessLog
from saphan.cases.models import Case, Contact, Referral
from tests.cases.conftest import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(client: Client) -> Any:
    def do(user: Any, method: str, path: str, body: Any = None, **params: Any) -> Any:
        _, token = api_token_create(user=user)
        headers = {"Authorization": f"Bearer {token}"}
        if method == "get":
            return client.get(f"/api/v1{path}", params, headers=headers)
        return getattr(client, method)(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=headers
        )

    return do


def test_open_read_patch_and_close_a_case(call: Any, worker: Any, person: Any) -> None:
    created = call(worker, "post", "/cases", {"person": str(person.uid)})
    assert created.status_code == 201, created.content
    uid = created.json()["id"]
    assert created.json()["stage"] == "intake" and created.json()["timeline"][0]["kind"] == "opened"
    again = call(worker, "post", "/cases", {"person": str(person.uid)})
    assert again.status_code == 422 and "already has an open case" in again.json()["detail"]
    assert again.json()["detail_th"]

    listed = call(worker, "get", "/cases").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == uid

    moved = call(worker, "patch", f"/cases/{uid}", {"stage": "services"})
    assert moved.status_code == 200 and moved.json()["stage"] == "services"
    back = call(worker, "patch", f"/cases/{uid}", {"stage": "plan"})
    assert back.status_code == 422 and "stage" in back.json()["errors"]
    no_outcome = call(worker, "patch", f"/cases/{uid}", {"stage": "closed"})
    assert no_outcome.status_code == 422 and "outcome" in no_outcome.json()["errors"]
    closed = call(worker, "patch", f"/cases/{uid}", {"stage": "closed", "outcome": "goals_met"})
    assert closed.status_code == 200 and closed.json()["outcome"] == "goals_met"
    note = call(worker, "post", f"/cases/{uid}/notes", {"kind": "visit", "notes": "x"})
    assert note.status_code == 422 and "closed" in note.json()["detail"]
    assert Contact.objects.count() == 0


def test_patch_is_all_or_nothing(call: Any, worker: Any, case: Any, manager: Any) -> None:
    response = call(worker, "patch", f"/cases/{case.uid}", {"assigned_to": "cm", "stage": "intake"})
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.assigned_to == worker  # the reassignment was rolled back with the stage


def test_notes(call: Any, worker: Any, case: Any) -> None:
    created = call(
        worker,
        "post",
        f"/cases/{case.uid}/notes",
        {"kind": "phone", "notes": "โทรติดตาม", "next_follow_up_on": days(7).isoformat()},
    )
    assert created.status_code == 201 and created.json()["notes"] == "โทรติดตาม"
    past = call(
        worker,
        "post",
        f"/cases/{case.uid}/notes",
        {"kind": "phone", "next_follow_up_on": days(-7).isoformat()},
    )
    assert past.status_code == 422 and "next_follow_up_on" in past.json()["errors"]
    notes = call(worker, "get", f"/cases/{case.uid}/notes").json()
    assert [n["notes"] for n in notes] == ["โทรติดตาม"]


def test_referral_flow_and_what_the_receiver_sees(
    call: Any, worker: Any, manager: Any, receiver: Any, case: Any, share_consent: Any
) -> None:
    body = {
        "to_organisation": "lg-nan",
        "service_kind": "allowance",
        "reason": "ขอเบี้ยยังชีพ",
        "due_on": days(14).isoformat(),
        "shared_summary": "อายุ 76 ปี",
    }
    blocked = call(worker, "post", f"/cases/{case.uid}/referrals", body)
    assert blocked.status_code == 422 and "consent" in blocked.json()["errors"]
    assert "consented" in blocked.json()["detail"] and blocked.json()["detail_th"]
    refused = call(
        worker,
        "post",
        f"/cases/{case.uid}/referrals",
        {**body, "override_reason": "ฉุกเฉิน ผู้ป่วยติดเตียงอยู่ลำพังไม่มีอาหาร"},
    )
    assert refused.status_code == 403
    far = call(worker, "post", f"/cases/{case.uid}/referrals", {**body, "to_organisation": "x"})
    assert far.status_code == 422 and "to_organisation" in far.json()["errors"]
    assert Referral.objects.count() == 0

    share_consent(case.person)
    sent = call(worker, "post", f"/cases/{case.uid}/referrals", body)
    assert sent.status_code == 201, sent.content
    rid = sent.json()["id"]
    assert sent.json()["person"]["phone"] is None  # not shared

    inbox = call(receiver, "get", "/referrals", direction="received").json()
    assert inbox["count"] == 1 and inbox["items"][0]["id"] == rid
    assert call(receiver, "get", "/referrals", direction="sent").json()["count"] == 0
    shared = call(receiver, "get", f"/referrals/{rid}").json()
    assert shared["person"]["name"] == case.person.full_name
    assert shared["shared_summary"] == "อายุ 76 ปี"
    assert set(shared) == {
        "id",
        "status",
        "service_kind",
        "from_organisation",
        "to_organisation",
        "reason",
        "shared_summary",
        "consent_basis",
        "due_on",
        "created_at",
        "decided_at",
        "decline_reason",
        "report_back",
        "completed_on",
        "person",
    }  # nothing of the case: no assessment, contacts, goals or other referrals
    assert call(receiver, "get", f"/cases/{case.uid}").status_code == 404
    assert call(receiver, "get", f"/cases/{case.uid}/notes").status_code == 404

    assert call(worker, "post", f"/referrals/{rid}/accept", {}).status_code == 403
    declined = call(receiver, "post", f"/referrals/{rid}/decline", {"reason": ""})
    assert declined.status_code == 422
    accepted = call(receiver, "post", f"/referrals/{rid}/accept", {"due_on": days(20).isoformat()})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    reported = call(receiver, "post", f"/referrals/{rid}/report", {"report": "อนุมัติแล้ว"})
    assert reported.status_code == 200 and reported.json()["report_back"] == "อนุมัติแล้ว"
    owner_view = call(worker, "get", f"/cases/{case.uid}").json()
    assert owner_view["referrals"][0]["status"] == "completed"
    assert AccessLog.objects.filter(action="share", via="api").count() == 1


def test_scope_in_the_api(call: Any, case: Any, make_user: Any, make_org: Any) -> None:
    other = make_user(role="case_manager", organisation=make_org(provinces=("55",)))
    assert call(other, "get", f"/cases/{case.uid}").status_code == 404
    assert call(other, "get", "/cases").json()["count"] == 0
    analyst = make_user(role="analyst")
    assert call(analyst, "get", "/cases").status_code == 403
    assert call(analyst, "get", "/referrals").status_code == 403
    assert Case.objects.count() == 1
