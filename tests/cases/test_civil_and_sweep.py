"""Civil-status steps (who is stuck where) and the overdue sweep."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from saphan.cases.civil import civil_step_done, civil_step_record
from saphan.cases.models import CivilStep, Contact, Goal, Referral
from saphan.cases.referrals import referral_create
from saphan.cases.selectors import stuck_civil_steps
from saphan.cases.services import case_close
from saphan.cases.sweep import cases_sweep_overdue
from tests.cases.conftest import days

pytestmark = pytest.mark.django_db


def test_civil_steps_need_a_sensitive_data_basis(case: Any, worker: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        civil_step_record(user=worker, case=case, step="documents")
    assert "step" in exc.value.message_dict
    assert CivilStep.objects.count() == 0


def test_civil_steps_track_and_move_the_registry_forward(
    case: Any, manager: Any, share_consent: Any, settings: Any, tmp_path: Any, make_user: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    share_consent(case.person, sensitive=True)
    case.person.refresh_from_db()
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    step = civil_step_record(
        user=manager,
        case=case,
        step="documents",
        due_on=days(10),
        note="สำเนาสูติบัตร",
        document=pdf,
    )
    assert step.document.name.endswith(".pdf")
    case.person.refresh_from_db()
    assert case.person.verification_stage == "documents"
    with pytest.raises(ValidationError):  # each step once
        civil_step_record(user=manager, case=case, step="documents")
    with pytest.raises(ValidationError) as exc:
        civil_step_record(
            user=manager,
            case=case,
            step="witnesses",
            document=SimpleUploadedFile("x.exe", b"MZ...."),
        )
    assert "document" in exc.value.message_dict

    decision = civil_step_record(
        user=manager,
        case=case,
        step="awaiting_decision",
        started_on=timezone.localdate() - dt.timedelta(days=40),
    )
    coordinator = make_user(role="provincial_coordinator", provinces=("55",))
    report = stuck_civil_steps(user=coordinator)
    assert [r.step.step for r in report.rows] == ["awaiting_decision", "documents"]
    assert report.rows[0].days_waiting == 40
    assert {code for code, _label, _n in report.by_step} == {"documents", "awaiting_decision"}

    with pytest.raises(ValidationError) as exc:
        civil_step_done(user=manager, step=decision)
    assert "decision" in exc.value.message_dict
    civil_step_done(user=manager, step=decision, decision="approved")
    case.person.refresh_from_db()
    assert case.person.verification_stage == "approved"
    assert [r.step.step for r in stuck_civil_steps(user=coordinator).rows] == ["documents"]


def _overdue_world(case: Any, worker: Any, receiver_org: Any, share_consent: Any) -> Referral:
    share_consent(case.person)
    referral = referral_create(
        user=worker,
        case=case,
        to_organisation=receiver_org,
        service_kind="allowance",
        reason="เบี้ยยังชีพ",
        due_on=days(1),
    )
    Referral.objects.filter(pk=referral.pk).update(due_on=days(-2))
    Contact.objects.create(case=case, kind="visit", by=worker, next_follow_up_on=days(-1))
    Goal.objects.create(
        case=case, dimension="income", description="งาน", due_on=days(-5), created_by=worker
    )
    return referral


def test_sweep_alerts_owners_and_receivers_once_per_day(
    case: Any, worker: Any, receiver: Any, receiver_org: Any, share_consent: Any
) -> None:
    from saphan.notifications.models import Notification

    _overdue_world(case, worker, receiver_org, share_consent)
    before = Notification.objects.count()  # the referral_received one
    counts = cases_sweep_overdue()
    assert counts == {"referrals": 1, "follow_ups": 1, "goals": 1, "notifications": 4}
    kinds = sorted(
        Notification.objects.exclude(kind="referral_received").values_list("user__username", "kind")
    )
    assert kinds == [
        ("fw", "follow_up_overdue"),
        ("fw", "goal_overdue"),
        ("fw", "referral_overdue"),
        ("officer", "referral_overdue"),
    ]
    assert cases_sweep_overdue()["notifications"] == 0  # the same day: nothing new
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert cases_sweep_overdue(today=tomorrow)["notifications"] == 4
    assert Notification.objects.count() == before + 8


def test_sweep_ignores_closed_cases_and_the_command_prints_counts(
    case: Any, worker: Any, receiver_org: Any, share_consent: Any
) -> None:
    referral = _overdue_world(case, worker, receiver_org, share_consent)
    Referral.objects.filter(pk=referral.pk).update(status="accepted")
    case_close(user=worker, case=case, outcome="moved")
    out = io.StringIO()
    call_command("cases", "sweep", stdout=out)
    assert "referrals 0, follow-ups 0, goals 0" in out.getvalue()
