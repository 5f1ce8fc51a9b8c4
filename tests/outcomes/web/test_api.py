"""/api/v1/outcomes: happy paths, 403 for roles, 404 out of the user's projects, 422
with both languages for the services' refusals; never a person's name."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from saphan.outcomes.models import Claim, PaymentRequest, Verification
from saphan.outcomes.payments import (
    drawdown_record,
    payment_request_send,
    payment_requests_prepare,
)
from tests.outcomes.web.conftest import NAMES, days, quarter, this_quarter

pytestmark = pytest.mark.django_db


def no_names(response: Any) -> None:
    text = json.dumps(response.json(), ensure_ascii=False)
    assert not any(name in text for name in NAMES), text[:300]


def test_projects_dashboard_and_contract(
    call: Any, users: Any, project: Any, verified: Any
) -> None:
    listed = call(users["payer"], "get", "/outcomes/projects")
    assert listed.status_code == 200
    assert listed.json()["count"] == 1 and listed.json()["items"][0]["roles"] == ["payer"]
    uid = listed.json()["items"][0]["id"]
    dash = call(users["payer"], "get", f"/outcomes/projects/{uid}")
    body = dash.json()
    assert dash.status_code == 200 and body["enrolled"] == 3
    assert body["claims_by_status"]["accepted"] == 3 and body["total_cap"] == "35000.00"
    assert body["metrics"][0]["code"] == "housed" and body["metrics"][0]["achieved"] == 3
    contract = call(users["investor"], "get", f"/outcomes/projects/{uid}/contract").json()
    assert contract["current"]["number"] == 1 and contract["current"]["spec"]["code"] == "hhh"
    assert [v["number"] for v in contract["signed"]] == [1]
    for response in (listed, dash):
        no_names(response)


def test_participants_by_code_only(call: Any, users: Any, project: Any, participants: Any) -> None:
    for role in ("provider", "evaluator", "payer", "intermediary", "investor"):
        response = call(users[role], "get", f"/outcomes/projects/{project.uid}/participants")
        assert response.status_code == 200
        assert {p["code"] for p in response.json()["items"]} == {p.code for p in participants}
        no_names(response)


def test_claim_submit_read_and_verify(
    call: Any, users: Any, project: Any, participants: Any
) -> None:
    path = f"/outcomes/projects/{project.uid}/claims"
    body = {"participant": participants[0].code, "metric": "housed", "achieved_on": str(days(-90))}
    created = call(users["provider"], "post", path, body)
    assert created.status_code == 201, created.content
    uid = created.json()["id"]
    assert created.json()["status"] == "prechecked" and created.json()["value"] == "1"
    no_names(created)
    refused = call(
        users["provider"],
        "post",
        path,
        {"participant": participants[1].code, "metric": "sustained", "achieved_on": str(days(-5))},
    )
    assert refused.status_code == 422 and refused.json()["detail_th"]
    assert "metric" in refused.json()["errors"]
    unknown = call(users["provider"], "post", path, {**body, "participant": "HHH-00000"})
    assert unknown.status_code == 422 and "participant" in unknown.json()["errors"]
    assert call(users["evaluator"], "post", path, body).status_code == 403
    assert Claim.objects.count() == 1

    listed = call(users["evaluator"], "get", path, status="prechecked")
    assert listed.json()["count"] == 1 and listed.json()["items"][0]["id"] == uid
    assert call(users["evaluator"], "get", path, status="nonsense").status_code == 422
    detail = call(users["investor"], "get", f"/outcomes/claims/{uid}")
    assert detail.status_code == 200 and detail.json()["participant"] == participants[0].code
    no_names(detail)

    verify = f"/outcomes/claims/{uid}/verify"
    assert (
        call(users["provider"], "post", verify, {"decision": "accept", "reason": "x"}).status_code
        == 403
    )
    no_reason = call(users["evaluator"], "post", verify, {"decision": "accept", "reason": ""})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    bad = call(users["evaluator"], "post", verify, {"decision": "maybe", "reason": "x"})
    assert bad.status_code == 422
    done = call(users["evaluator"], "post", verify, {"decision": "accept", "reason": "seen"})
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    assert done.json()["verifications"][0]["decision"] == "accept"
    assert Verification.objects.count() == 1


def test_payments_listed_and_approved_by_the_payer(
    call: Any, users: Any, project: Any, verified: Any
) -> None:
    period = max(this_quarter(), quarter(days(-90)))
    (request,) = payment_requests_prepare(
        user=users["intermediary"], project=project, period=period
    )
    listed = call(users["payer"], "get", f"/outcomes/projects/{project.uid}/payments")
    assert listed.status_code == 200 and listed.json()[0]["amount"] == "30000.00"
    no_names(listed)
    approve = f"/outcomes/payments/{request.uid}/approve"
    draft = call(users["payer"], "post", approve)
    assert draft.status_code == 422 and draft.json()["detail_th"]
    payment_request_send(user=users["intermediary"], request=request)
    assert call(users["provider"], "post", approve).status_code == 403
    approved = call(users["payer"], "post", approve)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    request.refresh_from_db()
    assert request.status == "approved"
    assert PaymentRequest.objects.count() == 1


def test_investor_figures_for_investor_parties(call: Any, users: Any, project: Any) -> None:
    drawdown_record(
        user=users["intermediary"], project=project, on=days(-300), amount=Decimal("50000")
    )
    path = f"/outcomes/projects/{project.uid}/investor"
    own = call(users["investor"], "get", path)
    assert own.status_code == 200
    (fund,) = own.json()["investors"]
    assert fund["investor"] == "fund" and fund["drawn"] == "30000.00"
    assert fund["committed"] == "60000.00" and fund["peak_capital"] == "30000.00"
    assert fund["cash_flows"][0]["amount"] == "-30000.00"
    everyone = call(users["intermediary"], "get", path).json()["investors"]
    assert {i["investor"] for i in everyone} == {"fund", "bank"}
    assert call(users["provider"], "get", path).status_code == 403
    assert call(users["payer"], "get", path).status_code == 403


def test_out_of_scope_and_refused_roles(
    call: Any, users: Any, administrator: Any, outsider: Any, project: Any, claim: Any
) -> None:
    paths = [
        f"/outcomes/projects/{project.uid}",
        f"/outcomes/projects/{project.uid}/contract",
        f"/outcomes/projects/{project.uid}/participants",
        f"/outcomes/projects/{project.uid}/claims",
        f"/outcomes/projects/{project.uid}/payments",
        f"/outcomes/projects/{project.uid}/investor",
        f"/outcomes/claims/{claim.uid}",
    ]
    for path in paths:
        assert call(outsider, "get", path).status_code == 404, path
        for user in (administrator, users["analyst"]):
            response = call(user, "get", path)
            assert response.status_code == 403, path
            assert response.json()["code"] == "forbidden"
    assert call(outsider, "get", "/outcomes/projects").json()["count"] == 1
    assert call(administrator, "get", "/outcomes/projects").status_code == 403
    verify = call(
        outsider,
        "post",
        f"/outcomes/claims/{claim.uid}/verify",
        {"decision": "accept", "reason": "x"},
    )
    assert verify.status_code == 404
