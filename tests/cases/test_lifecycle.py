"""The case lifecycle: intake → closed with an outcome, and the rules on the way."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import translation

from saphan import policy
from saphan.audit.models import AccessLog
from saphan.cases import choices as c
from saphan.cases.models import Assessment, Case, CaseEvent, Contact, Goal, ServiceDelivery
from saphan.cases.selectors import case_timeline, cases_for
from saphan.cases.services import (
    OPEN_CASE_EXISTS,
    assessment_record,
    case_assign,
    case_close,
    case_open,
    case_stage_set,
    contact_record,
    goal_add,
    goal_set_status,
    service_record,
)
from tests.cases.conftest import days

pytestmark = pytest.mark.django_db

SCORES = {"health": 2, "living": 3, "education": 4, "income": 1, "access": 2}


def _en(exc: ValidationError, field: str) -> str:
    with translation.override("en"):
        return " ".join(str(m) for m in exc.message_dict[field])


def test_case_lifecycle_from_intake_to_closed(worker: Any, person: Any, sent: list[Any]) -> None:
    case = case_open(user=worker, person=person)
    assert case.stage == c.Stage.INTAKE and case.assigned_to == worker
    assert case.organisation == worker.organisation

    assessment = assessment_record(user=worker, case=case, scores=SCORES, notes="บ้านหลังคารั่ว")
    case.refresh_from_db()
    assert case.stage == c.Stage.ASSESSMENT and assessment.scores() == SCORES

    goal = goal_add(
        user=worker, case=case, dimension="income", description="หางานที่บ้าน", due_on=days(30)
    )
    assert goal.baseline_score == 1  # the plan refers to the assessment's score
    case.refresh_from_db()
    assert case.stage == c.Stage.PLAN

    service = service_record(
        user=worker,
        case=case,
        what="ถุงยังชีพ",
        delivered_on=days(0),
        cost="350.50",
        provider_name="วัดบ้านเหนือ",
        goal=goal,
    )
    assert service.cost == Decimal("350.50")
    case.refresh_from_db()
    assert case.stage == c.Stage.SERVICES

    case_stage_set(user=worker, case=case, stage=c.Stage.FOLLOW_UP)
    contact_record(
        user=worker, case=case, kind="phone", notes="โทรติดตาม", next_follow_up_on=days(14)
    )
    goal_set_status(user=worker, goal=goal, status=c.GoalStatus.DONE)
    case_close(user=worker, case=case, outcome=c.Outcome.GOALS_MET)
    case.refresh_from_db()
    assert case.stage == c.Stage.CLOSED and case.outcome == "goals_met" and case.closed_on

    kinds = [e.kind for e in case_timeline(case=case)]
    assert kinds[0] == "closed" and kinds[-1] == "opened"  # newest first
    assert {"assessed", "goal_added", "service", "contact", "goal_status", "stage"} <= set(kinds)
    logged = AccessLog.objects.filter(object_type="case", object_id=str(case.uid))
    assert logged.filter(action="create").count() == 1
    assert logged.filter(action="update").count() >= 6
    assert all(row.province_code == "55" for row in logged)


def test_stages_only_move_forward_and_skipping_is_allowed(case: Any, worker: Any) -> None:
    case_stage_set(user=worker, case=case, stage=c.Stage.SERVICES)  # skips two stages
    with pytest.raises(ValidationError) as exc:
        case_stage_set(user=worker, case=case, stage=c.Stage.ASSESSMENT)
    assert "only moves forward" in _en(exc.value, "stage")
    case.refresh_from_db()
    assert case.stage == c.Stage.SERVICES


def test_a_case_cannot_close_without_an_outcome(case: Any, worker: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        case_stage_set(user=worker, case=case, stage=c.Stage.CLOSED)
    assert "outcome" in _en(exc.value, "outcome")
    case.refresh_from_db()
    assert case.stage == c.Stage.INTAKE and case.closed_on is None


def test_a_closed_case_cannot_be_edited_and_nothing_is_saved(case: Any, worker: Any) -> None:
    case_close(user=worker, case=case, outcome=c.Outcome.REFUSED)
    events = CaseEvent.objects.count()
    attempts = [
        lambda: contact_record(user=worker, case=case, kind="visit", notes="x"),
        lambda: assessment_record(user=worker, case=case, scores=SCORES),
        lambda: goal_add(
            user=worker, case=case, dimension="health", description="x", due_on=days(3)
        ),
        lambda: service_record(user=worker, case=case, what="x", delivered_on=days(0)),
        lambda: case_stage_set(user=worker, case=case, stage=c.Stage.FOLLOW_UP),
        lambda: case_close(user=worker, case=case, outcome=c.Outcome.GOALS_MET),
        lambda: case_assign(user=worker, case=case, assignee=None),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert "This case is closed" in _en(exc.value, "case")
    assert Contact.objects.count() == Assessment.objects.count() == Goal.objects.count() == 0
    assert ServiceDelivery.objects.count() == 0
    assert CaseEvent.objects.count() == events
    with translation.override("th"):
        assert exc.value.message_dict["case"]  # rendered in Thai too (msgid until translated)


def test_one_open_case_per_person_and_organisation(
    case: Any, worker: Any, person: Any, make_user: Any, make_org: Any
) -> None:
    with pytest.raises(ValidationError) as exc:
        case_open(user=worker, person=person)
    error = exc.value.error_dict["person"][0]
    assert error.code == OPEN_CASE_EXISTS and error.params["uid"] == str(case.uid)
    assert case.short_id in _en(exc.value, "person")
    other = make_user(role="field_worker", organisation=make_org(provinces=("55",)))
    assert case_open(user=other, person=person).organisation == other.organisation
    case_close(user=worker, case=case, outcome=c.Outcome.MOVED)
    assert case_open(user=worker, person=person).pk != case.pk  # a new case after closing


def test_due_date_in_the_past_is_refused_and_nothing_saved(case: Any, worker: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        goal_add(user=worker, case=case, dimension="health", description="พบแพทย์", due_on=days(-1))
    assert "in the past" in _en(exc.value, "due_on")
    with pytest.raises(ValidationError):
        contact_record(user=worker, case=case, kind="visit", next_follow_up_on=days(-2))
    assert Goal.objects.count() == Contact.objects.count() == 0
    case.refresh_from_db()
    assert case.stage == c.Stage.INTAKE


@pytest.mark.parametrize(
    "scores",
    [
        {**SCORES, "health": 0},
        {**SCORES, "income": 6},
        {k: v for k, v in SCORES.items() if k != "access"},
        {**SCORES, "access": "lots"},
    ],
)
def test_assessment_needs_five_scores_from_1_to_5(case: Any, worker: Any, scores: Any) -> None:
    with pytest.raises(ValidationError):
        assessment_record(user=worker, case=case, scores=scores)
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize("cost", ["-1", "abc", "1.234", "NaN"])
def test_service_cost_must_be_baht_and_not_negative(case: Any, worker: Any, cost: str) -> None:
    with pytest.raises(ValidationError) as exc:
        service_record(user=worker, case=case, what="ค่ารถ", delivered_on=days(0), cost=cost)
    assert "cost" in exc.value.message_dict
    assert ServiceDelivery.objects.count() == 0


def test_future_dates_of_things_done_are_refused(case: Any, worker: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        service_record(user=worker, case=case, what="ค่ารถ", delivered_on=days(2))
    assert "delivered_on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        contact_record(user=worker, case=case, kind="visit", contacted_on=days(1))


def test_notes_are_encrypted_at_rest(case: Any, worker: Any) -> None:
    secret = "ลูกสาวถูกทำร้ายที่บ้านเลขที่ 12"
    contact_record(user=worker, case=case, kind="visit", notes=secret)
    assessment_record(user=worker, case=case, scores=SCORES, notes=secret)
    goal_add(user=worker, case=case, dimension="health", description=secret, due_on=days(5))
    with connection.cursor() as cursor:
        for table, column in (
            ("cases_contact", "notes"),
            ("cases_assessment", "notes"),
            ("cases_goal", "description"),
        ):
            cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - fixed names
            raw = cursor.fetchone()[0]
            assert secret not in raw and "ลูกสาว" not in raw, table
    assert Contact.objects.get().notes == secret  # and Python reads it back


def test_assignment_notifies_the_new_worker(
    case: Any, worker: Any, manager: Any, sent: list[Any]
) -> None:
    case_assign(user=worker, case=case, assignee=manager)
    assert sent[-1]["kind"] == "case_assigned" and sent[-1]["usernames"] == ["cm"]
    assert sent[-1]["params"] == {"case": case.short_id}  # no personal data
    with pytest.raises(ValidationError):
        case_assign(user=worker, case=case, assignee=case.person.created_by.__class__())


def test_scope_other_organisation_and_other_province(
    case: Any, make_user: Any, make_org: Any, owner_org: Any
) -> None:
    same_province = make_user(role="case_manager", organisation=make_org(provinces=("55",)))
    elsewhere = make_user(role="case_manager", provinces=("50",))
    coordinator = make_user(role="provincial_coordinator", provinces=("55",))
    analyst = make_user(role="analyst", organisation=owner_org)
    for outsider in (same_province, elsewhere, analyst):
        with pytest.raises(Http404):
            policy.get_visible_or_404(Case.objects.all(), outsider, uid=case.uid)
        with pytest.raises(PermissionDenied):
            contact_record(user=outsider, case=case, kind="visit")
    assert AccessLog.objects.filter(action="denied", object_type="case").count() == 3
    assert list(cases_for(user=coordinator)) == [case]  # coordinators oversee the province
    assert list(cases_for(user=same_province)) == []


def test_opening_from_a_watch_flag_acknowledges_it(worker: Any, person: Any) -> None:
    from saphan.watch.models import WatchFlag, WatchRule

    rule = WatchRule.objects.create(
        code="t-rule",
        name_th="ทดสอบ",
        name_en="Test",
        condition={"all": []},
        first_action_th="เยี่ยม",
        first_action_en="Visit",
    )
    flag = WatchFlag.objects.create(rule=rule, person=person, province_id="55", priority=1)
    case = case_open(user=worker, person=person, flag=flag)
    flag.refresh_from_db()
    assert case.source_flag == flag and flag.status == "acknowledged"
    assert case.events.get(kind="opened").params["rule"] == "t-rule"
