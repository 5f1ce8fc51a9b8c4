"""Reads of case management: lists, the timeline, referrals, who is stuck where in
civil-status procedures, and what a referral shares with its receiver."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from saphan.accounts.models import User
from saphan.cases import choices as c
from saphan.cases.models import (
    Case,
    CaseEvent,
    CaseQuerySet,
    CivilStep,
    Contact,
    Goal,
    Referral,
    ReferralQuerySet,
)


def overdue_annotations(qs: CaseQuerySet, today: dt.date) -> CaseQuerySet:
    latest_contact = Contact.objects.filter(case=OuterRef("pk")).order_by("-contacted_on", "-id")
    return qs.annotate(
        follow_up_on=Subquery(latest_contact.values("next_follow_up_on")[:1]),
        referrals_overdue=Exists(
            Referral.objects.filter(
                case=OuterRef("pk"), status__in=c.OPEN_REFERRAL_STATUSES, due_on__lt=today
            )
        ),
        goals_overdue=Exists(
            Goal.objects.filter(case=OuterRef("pk"), status=c.GoalStatus.OPEN, due_on__lt=today)
        ),
    )


def overdue_q(today: dt.date) -> Q:
    """Open cases with an overdue referral, goal or follow-up (needs the annotations)."""
    return ~Q(stage=c.Stage.CLOSED) & (
        Q(referrals_overdue=True) | Q(goals_overdue=True) | Q(follow_up_on__lt=today)
    )


def row_overdue(case: Case, today: dt.date) -> bool:
    """Whether a case from :func:`cases_for` has anything overdue."""
    if case.is_closed:
        return False
    follow_up = getattr(case, "follow_up_on", None)
    return bool(
        getattr(case, "referrals_overdue", False)
        or getattr(case, "goals_overdue", False)
        or (follow_up is not None and follow_up < today)
    )


def cases_for(
    *,
    user: User,
    stage: str | None = None,
    overdue: bool | None = None,
    assigned_to_me: bool = False,
) -> CaseQuerySet:
    """The cases a user may see (their organisation's; coordinators: their provinces'),
    annotated with ``follow_up_on``, ``referrals_overdue`` and ``goals_overdue``.
    ``stage="open"`` means every stage but closed."""
    today = timezone.localdate()
    qs = Case.objects.visible_to(user)
    if stage == "open":
        qs = qs.open()
    elif stage:
        qs = qs.filter(stage=stage)
    if assigned_to_me:
        qs = qs.filter(assigned_to=user)
    qs = overdue_annotations(qs, today)
    if overdue is True:
        qs = qs.filter(overdue_q(today))
    elif overdue is False:
        qs = qs.exclude(overdue_q(today))
    return qs.select_related(
        "person", "person__province", "person__district", "organisation", "assigned_to"
    ).order_by("-opened_on", "-id")


def case_timeline(*, case: Case) -> list[CaseEvent]:
    """Everything that happened on the case, newest first."""
    return list(case.events.select_related("actor").order_by("-at", "-id"))


def case_overdue(*, case: Case) -> dict[str, bool]:
    today = timezone.localdate()
    # django-stubs does not follow annotations made in a helper.
    annotated = overdue_annotations(Case.objects.filter(pk=case.pk), today).values(  # type: ignore[misc]
        "follow_up_on", "referrals_overdue", "goals_overdue"
    )[0]
    follow_up = annotated["follow_up_on"]
    return {
        "referrals": bool(annotated["referrals_overdue"]) and not case.is_closed,
        "goals": bool(annotated["goals_overdue"]) and not case.is_closed,
        "follow_up": follow_up is not None and follow_up < today and not case.is_closed,
    }


def referrals_for(
    *, user: User, direction: str = "received", status: str | None = None
) -> ReferralQuerySet:
    """Referrals the user's organisation received or sent ("all": every referral the
    user may see, e.g. a coordinator's whole province)."""
    qs = Referral.objects.visible_to(user)
    org = user.organisation_id
    if direction == "received":
        qs = qs.filter(to_organisation_id=org)
    elif direction == "sent":
        qs = qs.filter(from_organisation_id=org)
    if status == "open":
        qs = qs.open()
    elif status:
        qs = qs.filter(status=status)
    return qs.select_related(
        "case", "case__person", "from_organisation", "to_organisation"
    ).order_by("due_on", "-id")


@dataclass
class StuckStep:
    step: CivilStep
    case: Case
    days_waiting: int
    overdue: bool


@dataclass
class StuckReport:
    rows: list[StuckStep]
    by_step: list[tuple[str, str, int]]  # code, label, count


def stuck_civil_steps(
    *, user: User, province_code: str | None = None, limit: int = 500
) -> StuckReport:
    """Who is stuck where: steps started and not done on open cases the user may see,
    longest waiting first. People whose sensitive-data basis is gone are left out, as
    everywhere civil status is shown."""
    today = timezone.localdate()
    cases = Case.objects.visible_to(user).open()
    if province_code:
        cases = cases.filter(person__province_id=province_code)
    qs = (
        CivilStep.objects.filter(case__in=cases, done_on__isnull=True)
        .exclude(case__person__sensitive_basis="")
        .select_related(
            "case",
            "case__person",
            "case__person__province",
            "case__person__district",
            "case__organisation",
            "case__assigned_to",
        )
        .order_by("started_on", "id")
    )
    counts = dict(qs.values_list("step").annotate(n=Count("id")).order_by())
    by_step = [
        (code, str(label), counts[code])
        for code, label in c.CivilStepKind.choices
        if code in counts
    ]
    rows = [
        StuckStep(
            step=s,
            case=s.case,
            days_waiting=(today - s.started_on).days,
            overdue=s.is_overdue,
        )
        for s in qs[:limit]
    ]
    return StuckReport(rows=rows, by_step=by_step)


@dataclass
class ReferralView:
    """What a referral shares: the receiver sees this and nothing else of the case."""

    referral: Referral
    person_name: str
    sex: str
    age: int | None
    province: str
    district: str
    subdistrict: str
    phone: str
    is_receiver: bool
    is_sender: bool


def referral_present(*, referral: Referral, user: User) -> ReferralView:
    person = referral.case.person
    place = person.current_subdistrict or person.registered_subdistrict
    return ReferralView(
        referral=referral,
        person_name=person.full_name,
        sex=str(person.get_sex_display()) if person.sex else "",
        age=person.age,
        province=person.province.name,
        district=person.district.name if person.district else "",
        subdistrict=place.name if place else "",
        phone=person.phone if referral.share_phone else "",
        is_receiver=user.organisation_id == referral.to_organisation_id,
        is_sender=user.organisation_id == referral.from_organisation_id,
    )


def referral_shared_fields(view: ReferralView) -> dict[str, Any]:
    """The shared view as plain data (the API's referral body)."""
    r = view.referral
    return {
        "id": str(r.uid),
        "status": r.status,
        "service_kind": r.service_kind,
        "from_organisation": r.from_organisation.code,
        "to_organisation": r.to_organisation.code,
        "reason": r.reason,
        "shared_summary": r.shared_summary,
        "consent_basis": r.consent_basis,
        "due_on": r.due_on,
        "created_at": r.created_at,
        "decided_at": r.decided_at,
        "decline_reason": r.decline_reason,
        "report_back": r.report_back,
        "completed_on": r.completed_on,
        "person": {
            "name": view.person_name,
            "sex": r.case.person.sex,
            "age": view.age,
            "province_code": r.case.person.province_id,
            "district_code": r.case.person.district_id,
            "subdistrict": view.subdistrict,
            "phone": view.phone or None,
        },
    }
