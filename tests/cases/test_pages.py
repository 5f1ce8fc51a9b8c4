"""The pages: list, open, case page with its forms, referrals, the receiver's page and
the coordinator's civil-steps table."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from saphan.audit.models import AccessLog
from saphan.cases.models import Case, Contact
from saphan.cases.referrals import referral_create
from saphan.cases.services import assessment_record, case_close, contact_record
from tests.cases.conftest import days
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, user: Any) -> Client:
    client.login(username=user.username, password=TEST_PASSWORD)
    return client


def test_list_page_with_empty_state_and_overdue_badge(
    client: Client, worker: Any, person: Any
) -> None:
    _login(client, worker)
    page = client.get("/cases/")
    assert page.status_code == 200 and 'id="no-cases"' in page.content.decode()
    case = Case.objects.create(
        person=person, organisation=worker.organisation, opened_by=worker, assigned_to=worker
    )
    Contact.objects.create(case=case, kind="visit", by=worker, next_follow_up_on=days(-3))
    html = client.get("/cases/?overdue=1").content.decode()
    assert person.full_name in html and "badge overdue" in html
    assert AccessLog.objects.filter(action="search", object_type="case").count() == 2


def test_open_a_case_from_the_confirm_page(client: Client, worker: Any, person: Any) -> None:
    _login(client, worker)
    confirm = client.get(f"/cases/open/?person={person.uid}")
    assert confirm.status_code == 200 and person.full_name in confirm.content.decode()
    response = client.post("/cases/open/", {"person": str(person.uid)})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.uid}/"
    again = client.post("/cases/open/", {"person": str(person.uid)})
    assert again["Location"] == f"/cases/{case.uid}/" and Case.objects.count() == 1
    assert client.get("/cases/open/?person=not-a-uuid").status_code == 404


def test_case_page_shows_sections_and_timeline(client: Client, case: Any, worker: Any) -> None:
    _login(client, worker)
    assessment_record(
        user=worker,
        case=case,
        scores={"health": 1, "living": 2, "education": 3, "income": 4, "access": 5},
    )
    contact_record(user=worker, case=case, kind="visit", notes="เยี่ยมบ้านครั้งแรก")
    html = client.get(f"/cases/{case.uid}/").content.decode()
    for part in (
        'id="assessment"',
        'id="plan"',
        'id="services"',
        'id="contacts"',
        'id="referrals"',
        'id="civil"',
        'id="timeline"',
        "เยี่ยมบ้านครั้งแรก",
    ):
        assert part in html, part
    assert 'aria-current="step"' in html
    assert ' style="' not in html and "<script>" not in html  # strict CSP
    assert AccessLog.objects.filter(
        action="view", object_type="case", object_id=str(case.uid)
    ).exists()


def test_forms_save_through_htmx_and_show_service_errors(
    client: Client, case: Any, worker: Any
) -> None:
    _login(client, worker)
    ok = client.post(
        f"/cases/{case.uid}/contacts/",
        {"kind": "phone", "notes": "โทรแล้ว", "next_follow_up_on": days(7).isoformat()},
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 200 and 'id="case-main"' in ok.content.decode()
    assert "<html" not in ok.content.decode()  # only the case part, for htmx
    assert Contact.objects.count() == 1
    bad = client.post(
        f"/cases/{case.uid}/goals/",
        {"dimension": "health", "description": "x", "due_on": days(-1).isoformat()},
        headers={"HX-Request": "true"},
    )
    assert "in the past" in bad.content.decode() or "อดีต" in bad.content.decode()
    plain = client.post(f"/cases/{case.uid}/contacts/", {"kind": "visit"})
    assert plain.status_code == 302


def test_closed_case_page_has_no_forms_and_posts_are_refused(
    client: Client, case: Any, worker: Any
) -> None:
    case_close(user=worker, case=case, outcome="refused")
    _login(client, worker)
    html = client.get(f"/cases/{case.uid}/").content.decode()
    assert 'id="case-closed"' in html and f"/cases/{case.uid}/contacts/" not in html
    client.post(f"/cases/{case.uid}/contacts/", {"kind": "visit", "notes": "x"})
    assert Contact.objects.count() == 0


def test_receiver_page_shows_only_what_is_shared(
    client: Client,
    case: Any,
    manager: Any,
    receiver: Any,
    receiver_org: Any,
) -> None:
    contact_record(user=manager, case=case, kind="visit", notes="บันทึกลับของเคส")
    referral = referral_create(
        user=manager,
        case=case,
        to_organisation=receiver_org,
        service_kind="disability_card",
        reason="ขอทำบัตรคนพิการ",
        shared_summary="เดินไม่ได้ ต้องไปรับที่บ้าน",
        due_on=days(10),
        override_reason="ผู้ป่วยติดเตียง ไม่มีผู้ดูแล ต้องการความช่วยเหลือด่วน",
    )
    _login(client, receiver)
    assert client.get(f"/cases/{case.uid}/").status_code == 404
    received = client.get("/cases/referrals/?direction=received").content.decode()
    assert case.person.full_name in received
    html = client.get(f"/cases/referrals/{referral.uid}/").content.decode()
    assert case.person.full_name in html and "เดินไม่ได้" in html
    assert "บันทึกลับของเคส" not in html  # contacts never reach the receiver
    assert "0891234567" not in html  # the phone was not shared
    assert f"/cases/{case.uid}/" not in html
    response = client.post(f"/cases/referrals/{referral.uid}/decline/", {"reason": ""})
    assert response.status_code == 200  # the form again, with the error
    client.post(f"/cases/referrals/{referral.uid}/accept/", {})
    referral.refresh_from_db()
    assert referral.status == "accepted"
    client.post(f"/cases/referrals/{referral.uid}/report/", {"report": "ออกบัตรแล้ว"})
    referral.refresh_from_db()
    assert referral.status == "completed"
    assert AccessLog.objects.filter(
        action="view", object_type="referral", object_id=str(referral.uid)
    ).exists()


def test_phone_is_shown_only_when_shared(
    client: Client, case: Any, worker: Any, receiver: Any, receiver_org: Any, share_consent: Any
) -> None:
    share_consent(case.person)
    referral = referral_create(
        user=worker,
        case=case,
        to_organisation=receiver_org,
        service_kind="allowance",
        reason="เบี้ยยังชีพ",
        due_on=days(10),
        share_phone=True,
    )
    _login(client, receiver)
    assert "0891234567" in client.get(f"/cases/referrals/{referral.uid}/").content.decode()


def test_out_of_scope_case_is_404_and_logged(
    client: Client, case: Any, make_user: Any, make_org: Any
) -> None:
    other = make_user(role="case_manager", organisation=make_org(provinces=("55",)))
    _login(client, other)
    assert client.get(f"/cases/{case.uid}/").status_code == 404
    assert client.post(f"/cases/{case.uid}/contacts/", {"kind": "visit"}).status_code == 404
    assert AccessLog.objects.filter(action="denied", object_id=str(case.uid)).count() == 2


def test_roles_without_case_management_are_refused(client: Client, make_user: Any) -> None:
    analyst = make_user(role="analyst")
    _login(client, analyst)
    assert client.get("/cases/").status_code == 403
    assert client.get("/cases/referrals/").status_code == 403


def test_civil_steps_page(client: Client, make_user: Any, case: Any, worker: Any) -> None:
    coordinator = make_user(role="provincial_coordinator", provinces=("55",))
    _login(client, coordinator)
    html = client.get("/cases/civil-steps/").content.decode()
    assert 'id="nobody-stuck"' in html
