"""/api/v1/cases and /api/v1/referrals: thin handlers over the services and selectors.

Every read goes through ``visible_to(user)``; a referral's receiver gets only what the
referral shares (``selectors.referral_present``), never the case.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from saphan import policy
from saphan.accounts.models import User
from saphan.api.auth import api_user
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.cases import choices as c
from saphan.cases.checks import case_access_record, referral_access_record, require_manage
from saphan.cases.models import Case, Referral
from saphan.cases.referrals import (
    referral_accept,
    referral_create,
    referral_decline,
    referral_report,
)
from saphan.cases.selectors import (
    case_overdue,
    cases_for,
    referral_present,
    referral_shared_fields,
    referrals_for,
    row_overdue,
)
from saphan.cases.services import case_assign, case_open, case_stage_set, contact_record
from saphan.core.errors import field_error
from saphan.orgs.models import Organisation
from saphan.people.models import Person

router = Router(tags=["cases"])
referrals_router = Router(tags=["referrals"])


# --- schemas ---------------------------------------------------------------------------


class CaseSummaryOut(Schema):
    id: str
    person_id: str
    person_name: str
    province_code: str
    organisation: str
    assigned_to: str | None
    stage: str
    outcome: str
    opened_on: dt.date
    closed_on: dt.date | None
    overdue: bool


class CasePage(Schema):
    count: int
    items: list[CaseSummaryOut]


class AssessmentOut(Schema):
    assessed_on: dt.date
    health: int
    living: int
    education: int
    income: int
    access: int


class GoalOut(Schema):
    id: int
    dimension: str
    description: str
    baseline_score: int | None
    due_on: dt.date
    status: str
    done_on: dt.date | None
    overdue: bool


class ServiceOut(Schema):
    what: str
    provider_organisation: str | None
    provider_name: str
    delivered_on: dt.date
    cost: Decimal = Field(description="Thai baht")


class ReferralSummaryOut(Schema):
    id: str
    to_organisation: str
    service_kind: str
    status: str
    consent_basis: str
    due_on: dt.date
    overdue: bool


class CivilStepOut(Schema):
    step: str
    started_on: dt.date
    due_on: dt.date | None
    done_on: dt.date | None
    decision: str


class EventOut(Schema):
    at: dt.datetime
    kind: str
    actor: str | None
    params: dict[str, Any]


class CaseOut(CaseSummaryOut):
    household_id: str | None
    source_flag: int | None
    overdue_referrals: bool
    overdue_goals: bool
    overdue_follow_up: bool
    latest_assessment: AssessmentOut | None
    goals: list[GoalOut]
    services: list[ServiceOut]
    referrals: list[ReferralSummaryOut]
    civil_steps: list[CivilStepOut]
    timeline: list[EventOut] = Field(description="Newest first")


class CaseIn(Schema):
    person: uuid.UUID = Field(description="The person's id")
    flag: int | None = Field(None, description="The watch flag the case answers, if any")


class CasePatchIn(Schema):
    stage: c.Stage | None = None
    outcome: c.Outcome | None = Field(None, description="Required when stage is closed")
    assigned_to: str | None = Field(None, description="Username of a colleague")


class NoteOut(Schema):
    id: int
    kind: str
    contacted_on: dt.date
    notes: str
    next_follow_up_on: dt.date | None
    by: str


class NoteIn(Schema):
    kind: c.ContactKind
    notes: str = ""
    contacted_on: dt.date | None = None
    next_follow_up_on: dt.date | None = None


class ReferralIn(Schema):
    to_organisation: str = Field(description="Code of the receiving organisation")
    service_kind: c.ServiceKind
    reason: str
    due_on: dt.date
    shared_summary: str = ""
    share_phone: bool = False
    override_reason: str = Field(
        "", description="Only without the person's sharing consent, in an emergency (audited)"
    )


class SharedPersonOut(Schema):
    name: str
    sex: str
    age: int | None
    province_code: str
    district_code: str | None
    subdistrict: str
    phone: str | None


class ReferralOut(Schema):
    id: str
    status: str
    service_kind: str
    from_organisation: str
    to_organisation: str
    reason: str
    shared_summary: str
    consent_basis: str
    due_on: dt.date
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decline_reason: str
    report_back: str
    completed_on: dt.date | None
    person: SharedPersonOut


class ReferralPage(Schema):
    count: int
    items: list[ReferralOut]


class AcceptIn(Schema):
    due_on: dt.date | None = None


class DeclineIn(Schema):
    reason: str


class ReportIn(Schema):
    report: str
    completed_on: dt.date | None = None


# --- helpers ---------------------------------------------------------------------------


def _case(request: HttpRequest, uid: uuid.UUID) -> Case:
    user = api_user(request)
    require_manage(user)
    return policy.get_visible_or_404(
        Case.objects.select_related("person", "organisation", "assigned_to", "household"),
        user,
        request=request,
        uid=uid,
    )


def _referral(request: HttpRequest, uid: uuid.UUID) -> Referral:
    user = api_user(request)
    require_manage(user)
    return policy.get_visible_or_404(
        Referral.objects.select_related(
            "case", "case__person", "from_organisation", "to_organisation"
        ),
        user,
        request=request,
        uid=uid,
    )


def _summary(case: Case, overdue: bool) -> dict[str, Any]:
    return {
        "id": str(case.uid),
        "person_id": str(case.person.uid),
        "person_name": case.person.full_name,
        "province_code": case.person.province_id,
        "organisation": case.organisation.code,
        "assigned_to": case.assigned_to.username if case.assigned_to else None,
        "stage": case.stage,
        "outcome": case.outcome,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "overdue": overdue,
    }


def _detail(case: Case) -> dict[str, Any]:
    flags = case_overdue(case=case)
    latest = case.assessments.order_by("-assessed_on", "-id").first()
    return {
        **_summary(case, any(flags.values())),
        "household_id": str(case.household.uid) if case.household else None,
        "source_flag": case.source_flag_id,
        "overdue_referrals": flags["referrals"],
        "overdue_goals": flags["goals"],
        "overdue_follow_up": flags["follow_up"],
        "latest_assessment": (
            {"assessed_on": latest.assessed_on, **latest.scores()} if latest else None
        ),
        "goals": [
            {
                "id": g.pk,
                "dimension": g.dimension,
                "description": g.description,
                "baseline_score": g.baseline_score,
                "due_on": g.due_on,
                "status": g.status,
                "done_on": g.done_on,
                "overdue": g.is_overdue,
            }
            for g in case.goals.all()
        ],
        "services": [
            {
                "what": s.what,
                "provider_organisation": (
                    s.provider_organisation.code if s.provider_organisation else None
                ),
                "provider_name": s.provider_name,
                "delivered_on": s.delivered_on,
                "cost": s.cost,
            }
            for s in case.services.select_related("provider_organisation")
        ],
        "referrals": [
            {
                "id": str(r.uid),
                "to_organisation": r.to_organisation.code,
                "service_kind": r.service_kind,
                "status": r.status,
                "consent_basis": r.consent_basis,
                "due_on": r.due_on,
                "overdue": r.is_overdue,
            }
            for r in case.referrals.select_related("to_organisation")
        ],
        "civil_steps": [
            {
                "step": s.step,
                "started_on": s.started_on,
                "due_on": s.due_on,
                "done_on": s.done_on,
                "decision": s.decision,
            }
            for s in case.civil_steps.all()
        ],
        "timeline": [
            {
                "at": e.at,
                "kind": e.kind,
                "actor": e.actor.username if e.actor else None,
                "params": e.params,
            }
            for e in case.events.select_related("actor").order_by("-at", "-id")
        ],
    }


def _note(contact: Any) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "kind": contact.kind,
        "contacted_on": contact.contacted_on,
        "notes": contact.notes,
        "next_follow_up_on": contact.next_follow_up_on,
        "by": contact.by.username,
    }


def _shared(referral: Referral, request: HttpRequest) -> dict[str, Any]:
    return referral_shared_fields(referral_present(referral=referral, user=api_user(request)))


# --- cases -----------------------------------------------------------------------------


@router.get("", response=CasePage, summary="Cases of your organisation (coordinators: provinces)")
def case_list(
    request: HttpRequest,
    stage: str = "open",
    overdue: bool | None = None,
    assigned_to_me: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    user = api_user(request)
    require_manage(user)
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    if stage not in ("open", "all", *c.Stage.values):
        raise field_error("stage", _("Unknown value “%(value)s”."), value=stage)
    qs = cases_for(
        user=user,
        stage=None if stage == "all" else stage,
        overdue=overdue,
        assigned_to_me=assigned_to_me,
    )
    total = qs.count()
    page = list(qs[offset : offset + limit])
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="case",
        detail={"stage": stage, "overdue": overdue, "results": total},
    )
    today = timezone.localdate()
    return {"count": total, "items": [_summary(case, row_overdue(case, today)) for case in page]}


@router.post("", response={201: CaseOut}, summary="Open a case for a person")
def case_create(request: HttpRequest, payload: CaseIn) -> Status:
    user = api_user(request)
    require_manage(user)
    person = policy.get_visible_or_404(
        Person.objects.all(), user, request=request, uid=payload.person
    )
    flag = None
    if payload.flag is not None:
        from saphan.watch.models import WatchFlag

        flag = policy.get_visible_or_404(
            WatchFlag.objects.select_related("rule"), user, request=request, pk=payload.flag
        )
    case = case_open(user=user, person=person, flag=flag, request=request)
    return Status(201, _detail(case))


@router.get("/{uid}", response=CaseOut)
def case_detail(request: HttpRequest, uid: uuid.UUID) -> dict[str, Any]:
    case = _case(request, uid)
    case_access_record(user=api_user(request), case=case, action=AccessAction.VIEW, request=request)
    return _detail(case)


@router.patch("/{uid}", response=CaseOut, summary="Move the stage, close, or reassign")
def case_update(request: HttpRequest, uid: uuid.UUID, payload: CasePatchIn) -> dict[str, Any]:
    user = api_user(request)
    case = _case(request, uid)
    changes = payload.dict(exclude_unset=True)
    with transaction.atomic():
        if "assigned_to" in changes:
            assignee = None
            if payload.assigned_to:
                assignee = (
                    User.objects.visible_to(user).filter(username=payload.assigned_to).first()
                )
                if assignee is None:
                    raise field_error("assigned_to", _("No such colleague."))
            case = case_assign(user=user, case=case, assignee=assignee, request=request)
        if payload.stage is not None:
            case = case_stage_set(
                user=user,
                case=case,
                stage=payload.stage.value,
                outcome=payload.outcome.value if payload.outcome else "",
                request=request,
            )
        elif payload.outcome is not None:
            raise field_error("outcome", _("An outcome is given only when the case is closed."))
    return _detail(case)


@router.get("/{uid}/notes", response=list[NoteOut], summary="Visits and phone follow-ups")
def note_list(request: HttpRequest, uid: uuid.UUID) -> list[dict[str, Any]]:
    case = _case(request, uid)
    case_access_record(
        user=api_user(request),
        case=case,
        action=AccessAction.VIEW,
        request=request,
        detail={"part": "notes"},
    )
    return [_note(n) for n in case.contacts.select_related("by")]


@router.post("/{uid}/notes", response={201: NoteOut}, summary="Record a visit or phone call")
def note_create(request: HttpRequest, uid: uuid.UUID, payload: NoteIn) -> Status:
    case = _case(request, uid)
    contact = contact_record(
        user=api_user(request),
        case=case,
        kind=payload.kind.value,
        notes=payload.notes,
        contacted_on=payload.contacted_on,
        next_follow_up_on=payload.next_follow_up_on,
        request=request,
    )
    return Status(201, _note(contact))


@router.post("/{uid}/referrals", response={201: ReferralOut}, summary="Refer to another org")
def case_refer(request: HttpRequest, uid: uuid.UUID, payload: ReferralIn) -> Status:
    user = api_user(request)
    case = _case(request, uid)
    target = Organisation.objects.filter(code=payload.to_organisation).first()
    if target is None:
        raise field_error("to_organisation", _("Unknown organisation code."))
    referral = referral_create(
        user=user,
        case=case,
        to_organisation=target,
        service_kind=payload.service_kind.value,
        reason=payload.reason,
        due_on=payload.due_on,
        shared_summary=payload.shared_summary,
        share_phone=payload.share_phone,
        override_reason=payload.override_reason,
        request=request,
    )
    return Status(201, _shared(referral, request))


# --- referrals -------------------------------------------------------------------------


@referrals_router.get("", response=ReferralPage, summary="Referrals received or sent")
def referral_list(
    request: HttpRequest,
    direction: str = "received",
    status: str = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    user = api_user(request)
    require_manage(user)
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    if direction not in ("received", "sent", "all"):
        raise field_error("direction", _("Use received, sent or all."))
    if status and status not in ("open", *c.ReferralStatus.values):
        raise field_error("status", _("Unknown value “%(value)s”."), value=status)
    qs = referrals_for(user=user, direction=direction, status=status or None)
    total = qs.count()
    page = list(qs[offset : offset + limit])
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="referral",
        detail={"direction": direction, "status": status, "results": total},
    )
    return {"count": total, "items": [_shared(r, request) for r in page]}


@referrals_router.get("/{uid}", response=ReferralOut, summary="What the referral shares")
def referral_detail(request: HttpRequest, uid: uuid.UUID) -> dict[str, Any]:
    referral = _referral(request, uid)
    referral_access_record(
        user=api_user(request), referral=referral, action=AccessAction.VIEW, request=request
    )
    return _shared(referral, request)


@referrals_router.post("/{uid}/accept", response=ReferralOut)
def referral_accept_api(request: HttpRequest, uid: uuid.UUID, payload: AcceptIn) -> dict[str, Any]:
    referral = referral_accept(
        user=api_user(request),
        referral=_referral(request, uid),
        due_on=payload.due_on,
        request=request,
    )
    return _shared(referral, request)


@referrals_router.post("/{uid}/decline", response=ReferralOut)
def referral_decline_api(
    request: HttpRequest, uid: uuid.UUID, payload: DeclineIn
) -> dict[str, Any]:
    referral = referral_decline(
        user=api_user(request),
        referral=_referral(request, uid),
        reason=payload.reason,
        request=request,
    )
    return _shared(referral, request)


@referrals_router.post("/{uid}/report", response=ReferralOut, summary="Report back")
def referral_report_api(request: HttpRequest, uid: uuid.UUID, payload: ReportIn) -> dict[str, Any]:
    referral = referral_report(
        user=api_user(request),
        referral=_referral(request, uid),
        report=payload.report,
        completed_on=payload.completed_on,
        request=request,
    )
    return _shared(referral, request)
