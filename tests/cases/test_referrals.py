"""Referrals: consent to share, the audited emergency override, the receiver's answers,
and what the receiver may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import translation

from saphan import policy
from saphan.audit.models import AccessLog
from saphan.cases import choices as c
from saphan.cases.models import Case, CaseEvent, Referral
from saphan.cases.referrals import (
    referral_accept,
    referral_cancel,
    referral_create,
    referral_decline,
    referral_report,
)
from saphan.cases.selectors import referrals_for
from saphan.cases.services import case_close
from tests.cases.conftest import days

pytestmark = pytest.mark.django_db
EMERGENCY = "ผู้ป่วยติดเตียงอยู่คนเดียว ไม่มีอาหารมาสามวัน ต้องส่งต่อทันที"


def _en(exc: ValidationError, field: str) -> str:
    with translation.override("en"):
        return " ".join(str(m) for m in exc.message_dict[field])


def _refer(user: Any, case: Any, to: Any, **kwargs: Any) -> Referral:
    values: dict[str, Any] = {
        "service_kind": "allowance",
        "reason": "ขอเบี้ยยังชีพผู้สูงอายุ",
        "due_on": days(14),
        "shared_summary": "อายุ 76 ปี ยังไม่ได้รับเบี้ยยังชีพ",
    }
    values.update(kwargs)
    return referral_create(user=user, case=case, to_organisation=to, **values)


def test_referral_blocked_without_consent_and_nothing_saved(
    case: Any, manager: Any, receiver_org: Any
) -> None:
    with pytest.raises(ValidationError) as exc:
        _refer(manager, case, receiver_org)
    assert "not consented to sharing" in _en(exc.value, "consent")
    assert "emergency" in _en(exc.value, "consent")  # a case manager may override
    assert Referral.objects.count() == 0
    assert not AccessLog.objects.filter(action__in=["share", "override"]).exists()
    assert not CaseEvent.objects.filter(kind__startswith="referral").exists()


def test_override_is_refused_for_a_field_worker(case: Any, worker: Any, receiver_org: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _refer(worker, case, receiver_org)
    assert "emergency" not in _en(exc.value, "consent")  # not offered to this role
    with pytest.raises(PermissionDenied):
        _refer(worker, case, receiver_org, override_reason=EMERGENCY)
    assert Referral.objects.count() == 0
    assert not AccessLog.objects.filter(action="override").exists()


def test_override_needs_a_real_reason(case: Any, manager: Any, receiver_org: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _refer(manager, case, receiver_org, override_reason="ด่วน")
    assert "20 characters" in _en(exc.value, "override_reason")
    assert Referral.objects.count() == 0


def test_emergency_override_with_a_reason_is_saved_and_audited(
    case: Any, manager: Any, receiver_org: Any, receiver: Any, sent: list[Any]
) -> None:
    referral = _refer(manager, case, receiver_org, override_reason=EMERGENCY)
    assert referral.consent_basis == c.ConsentBasis.EMERGENCY_OVERRIDE
    assert referral.consent is None and referral.override_by == manager
    assert referral.override_reason == EMERGENCY
    override = AccessLog.objects.get(action="override")
    assert override.object_type == "referral" and override.object_id == str(referral.uid)
    assert override.province_code == "55" and override.username == "cm"
    assert override.detail["to"] == "lg-nan"
    share = AccessLog.objects.get(action="share")
    assert share.detail["to"] == "lg-nan" and share.detail["basis"] == "emergency_override"
    assert case.events.filter(kind="referral_override").exists()
    received = [s for s in sent if s["kind"] == "referral_received"]
    assert received and received[0]["usernames"] == ["officer"]
    assert set(received[0]["params"]) == {"organisation", "case"}  # nothing personal


def test_referral_with_sharing_consent(
    case: Any, worker: Any, receiver_org: Any, share_consent: Any
) -> None:
    consent = share_consent(case.person)
    referral = _refer(worker, case, receiver_org, override_reason="ignored: consent is there")
    assert referral.consent_basis == c.ConsentBasis.CONSENT and referral.consent == consent
    assert referral.override_reason == "" and referral.override_by is None
    assert AccessLog.objects.filter(action="share", object_id=str(referral.uid)).count() == 1
    assert not AccessLog.objects.filter(action="override").exists()


def test_withdrawn_consent_no_longer_allows_sharing(
    case: Any, worker: Any, receiver_org: Any, share_consent: Any
) -> None:
    from saphan.people.consents import consent_withdraw

    consent_withdraw(user=worker, consent=share_consent(case.person))
    with pytest.raises(ValidationError) as exc:
        _refer(worker, case, receiver_org)
    assert "consent" in exc.value.message_dict


def test_receiver_must_work_in_the_persons_province(
    case: Any, worker: Any, far_org: Any, receiver_org: Any, share_consent: Any
) -> None:
    share_consent(case.person)
    with pytest.raises(ValidationError) as exc:
        _refer(worker, case, far_org)
    assert "does not work in" in _en(exc.value, "to_organisation")
    with pytest.raises(ValidationError) as exc:
        _refer(worker, case, case.organisation)
    assert "its own organisation" in _en(exc.value, "to_organisation")
    receiver_org.is_active = False
    receiver_org.save()
    with pytest.raises(ValidationError) as exc:
        _refer(worker, case, receiver_org)
    assert "no longer active" in _en(exc.value, "to_organisation")
    assert Referral.objects.count() == 0


def test_due_date_in_the_past_is_refused(
    case: Any, worker: Any, receiver_org: Any, share_consent: Any
) -> None:
    share_consent(case.person)
    with pytest.raises(ValidationError) as exc:
        _refer(worker, case, receiver_org, due_on=days(-1), reason="")
    errors = exc.value.message_dict
    assert "due_on" in errors and "reason" in errors  # every problem at once
    assert Referral.objects.count() == 0


def test_receiver_accepts_reports_back_and_the_owner_hears(
    case: Any,
    worker: Any,
    receiver: Any,
    receiver_org: Any,
    share_consent: Any,
    sent: list[Any],
) -> None:
    share_consent(case.person)
    referral = _refer(worker, case, receiver_org)
    with pytest.raises(ValidationError) as exc:
        referral_report(user=receiver, referral=referral, report="เสร็จ")
    assert "Accept the referral" in _en(exc.value, "status")
    with pytest.raises(ValidationError):
        referral_accept(user=receiver, referral=referral, due_on=days(-3))
    referral_accept(user=receiver, referral=referral, due_on=days(30))
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.due_on == days(30)
    assert referral.decided_by == receiver
    referral_report(user=receiver, referral=referral, report="อนุมัติเบี้ยยังชีพแล้ว")
    referral.refresh_from_db()
    assert referral.status == "completed" and referral.completed_on == days(0)
    kinds = [s["kind"] for s in sent]
    assert kinds == ["referral_received", "referral_accepted", "referral_reported_back"]
    assert sent[1]["usernames"] == ["fw"]  # the assigned worker of the case
    assert {"referral_accepted", "referral_reported"} <= set(
        case.events.values_list("kind", flat=True)
    )


def test_decline_needs_a_reason(
    case: Any, worker: Any, receiver: Any, receiver_org: Any, share_consent: Any
) -> None:
    share_consent(case.person)
    referral = _refer(worker, case, receiver_org)
    with pytest.raises(ValidationError) as exc:
        referral_decline(user=receiver, referral=referral, reason="  ")
    assert "decline_reason" in exc.value.message_dict
    referral.refresh_from_db()
    assert referral.status == "pending"
    referral_decline(user=receiver, referral=referral, reason="ไม่อยู่ในเขตรับผิดชอบ")
    referral.refresh_from_db()
    assert referral.status == "declined"
    with pytest.raises(ValidationError):
        referral_accept(user=receiver, referral=referral)  # already answered


def test_only_the_receiver_answers(
    case: Any, worker: Any, receiver_org: Any, share_consent: Any, make_user: Any
) -> None:
    share_consent(case.person)
    referral = _refer(worker, case, receiver_org)
    coordinator = make_user(role="provincial_coordinator", provinces=("55",))
    for someone in (worker, coordinator):
        with pytest.raises(PermissionDenied):
            referral_accept(user=someone, referral=referral)


def test_receiver_sees_the_referral_but_cannot_open_the_case(
    case: Any, worker: Any, receiver: Any, receiver_org: Any, share_consent: Any
) -> None:
    share_consent(case.person)
    referral = _refer(worker, case, receiver_org)
    with pytest.raises(Http404):
        policy.get_visible_or_404(Case.objects.all(), receiver, uid=case.uid)
    assert list(referrals_for(user=receiver, direction="received")) == [referral]
    assert list(referrals_for(user=receiver, direction="sent")) == []
    assert list(referrals_for(user=worker, direction="sent")) == [referral]


def test_closing_a_case_cancels_pending_referrals(
    case: Any, worker: Any, receiver: Any, receiver_org: Any, share_consent: Any
) -> None:
    share_consent(case.person)
    pending = _refer(worker, case, receiver_org)
    case_close(user=worker, case=case, outcome=c.Outcome.MOVED)
    pending.refresh_from_db()
    assert pending.status == "cancelled"
    with pytest.raises(ValidationError) as exc:
        referral_accept(user=receiver, referral=pending)
    assert "cancelled" in _en(exc.value, "status")
    with pytest.raises(ValidationError) as exc:
        _refer(worker, case, receiver_org)
    assert "This case is closed" in _en(exc.value, "case")


def test_sender_can_cancel_an_open_referral(
    case: Any, worker: Any, receiver_org: Any, share_consent: Any
) -> None:
    share_consent(case.person)
    referral = _refer(worker, case, receiver_org)
    referral_cancel(user=worker, referral=referral)
    referral.refresh_from_db()
    assert referral.status == "cancelled"


def test_referral_texts_are_encrypted_at_rest(case: Any, manager: Any, receiver_org: Any) -> None:
    _refer(manager, case, receiver_org, override_reason=EMERGENCY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason, shared_summary, override_reason FROM cases_referral")
        row = cursor.fetchone()
    assert all("เบี้ยยังชีพ" not in v and "ติดเตียง" not in v for v in row)
