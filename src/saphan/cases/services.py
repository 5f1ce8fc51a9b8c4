"""Writes for cases: open, assign, move through the stages, close, and the work recorded
on a case (assessment, goals, services, contacts). Referrals are in ``referrals.py``,
civil-status steps in ``civil.py``.

Every write checks the role and the scope, refuses a closed case, validates everything
first and saves inside one transaction, so a refused write leaves nothing half-saved.
Each write adds a timeline event and an access-log row explicitly (no signals).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.cases import choices as c
from saphan.cases.checks import (
    CASE_ROLES,
    Errors,
    case_access_record,
    case_event_record,
    check_not_future,
    check_not_past,
    notify,
    require_case_open,
    require_case_visible,
    require_manage,
)
from saphan.cases.models import Assessment, Case, Contact, Goal, Referral, ServiceDelivery
from saphan.orgs.models import Organisation
from saphan.people.models import Household, Person

OPEN_CASE_EXISTS = "open_case_exists"
NOTE_MAX = 5000


def _guard(user: User, case: Case) -> None:
    require_manage(user)
    require_case_visible(user, case)
    require_case_open(case)


def _record(user: User, case: Case, kind: str, request: Any, **params: Any) -> None:
    case_event_record(case=case, kind=kind, actor=user, **params)
    case_access_record(
        user=user, case=case, action=AccessAction.UPDATE, request=request, detail={"event": kind}
    )


def _advance(user: User, case: Case, stage: str) -> None:
    """Recording work of a later stage moves the case forward to it (never back)."""
    if c.STAGE_ORDER[stage] > c.STAGE_ORDER[case.stage]:
        before = case.stage
        case.stage = stage
        case.save(update_fields=["stage", "updated_at"])
        case_event_record(case=case, kind=c.EventKind.STAGE, actor=user, stage=stage, before=before)


def _notify_assigned(case: Case, by: User) -> None:
    if case.assigned_to_id is None or case.assigned_to_id == by.pk:
        return
    notify(
        users=User.objects.filter(pk=case.assigned_to_id),
        kind="case_assigned",
        params={"case": case.short_id},
        link=reverse("cases:detail", args=[case.uid]),
        key=f"case-assigned:{case.uid}:{case.assigned_to_id}",
    )


def _check_assignee(errors: Errors, case_org_id: int, assignee: User | None) -> None:
    if assignee is None:
        return
    if (
        not assignee.is_active
        or assignee.organisation_id != case_org_id
        or assignee.role not in CASE_ROLES
    ):
        errors.add(
            "assigned_to",
            _("Assign the case to an active case worker of the organisation that owns it."),
        )


@transaction.atomic
def case_open(
    *,
    user: User,
    person: Person,
    flag: Any = None,
    household: Household | None = None,
    assigned_to: User | None = None,
    opened_on: dt.date | None = None,
    request: Any = None,
) -> Case:
    """Open a case for a person in the user's organisation, optionally from a watch flag
    (the flag is then acknowledged). One open case per person per organisation."""
    require_manage(user)
    if not Person.objects.visible_to(user).filter(pk=person.pk).exists():
        raise PermissionDenied("out_of_scope")
    if user.organisation_id is None:
        raise PermissionDenied("no_organisation")
    errors = Errors()
    existing = Case.objects.open().filter(person=person, organisation_id=user.organisation_id)
    first = existing.first()
    if first is not None:
        errors.items["person"] = [
            ValidationError(
                _(
                    "This person already has an open case with your organisation "
                    "(case %(case)s). Work on that case instead of opening another."
                ),
                code=OPEN_CASE_EXISTS,
                params={"case": first.short_id, "uid": str(first.uid)},
            )
        ]
    if flag is not None and flag.person_id != person.pk:
        errors.add("flag", _("This watch flag is about someone else."))
    if (
        household is not None
        and not household.members.filter(person=person, until__isnull=True).exists()
    ):
        errors.add("household", _("The person is not a current member of this household."))
    check_not_future(errors, "opened_on", opened_on)
    assignee = assigned_to or user
    _check_assignee(errors, user.organisation_id, assignee)
    errors.raise_if_any()
    if household is None:
        membership = person.memberships.filter(until__isnull=True).first()
        household = membership.household if membership else None
    assert user.organisation is not None
    case = Case.objects.create(
        person=person,
        household=household,
        organisation=user.organisation,
        assigned_to=assignee,
        opened_on=opened_on or timezone.localdate(),
        opened_by=user,
        source_flag=flag,
    )
    params: dict[str, Any] = {"organisation": user.organisation.code}
    if flag is not None:
        params["flag"] = flag.pk
        params["rule"] = flag.rule.code
    case_event_record(case=case, kind=c.EventKind.OPENED, actor=user, **params)
    case_access_record(user=user, case=case, action=AccessAction.CREATE, request=request)
    if flag is not None and flag.is_live and flag.status == "open":
        from saphan.watch.services import flag_acknowledge

        flag_acknowledge(
            user=user,
            flag=flag,
            note=str(_("Case %(case)s opened.") % {"case": case.short_id}),
            request=request,
        )
    _notify_assigned(case, user)
    return case


@transaction.atomic
def case_assign(*, user: User, case: Case, assignee: User | None, request: Any = None) -> Case:
    _guard(user, case)
    errors = Errors()
    _check_assignee(errors, case.organisation_id, assignee)
    errors.raise_if_any()
    if case.assigned_to_id == (assignee.pk if assignee else None):
        return case
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to", "updated_at"])
    _record(
        user,
        case,
        c.EventKind.ASSIGNED,
        request,
        to=assignee.username if assignee else "",
    )
    _notify_assigned(case, user)
    return case


@transaction.atomic
def case_stage_set(
    *, user: User, case: Case, stage: str, outcome: str = "", request: Any = None
) -> Case:
    """Move a case forward (skipping stages is allowed, going back is not). Closing goes
    through :func:`case_close`, which needs an outcome."""
    if stage == c.Stage.CLOSED:
        return case_close(user=user, case=case, outcome=outcome, request=request)
    _guard(user, case)
    errors = Errors()
    if stage not in c.Stage.values:
        errors.add("stage", _("Unknown value “%(value)s”."), value=stage)
    elif c.STAGE_ORDER[stage] <= c.STAGE_ORDER[case.stage]:
        errors.add(
            "stage",
            _("A case only moves forward: it is already at “%(stage)s”."),
            stage=c.Stage(case.stage).label,
        )
    if outcome:
        errors.add("outcome", _("An outcome is given only when the case is closed."))
    errors.raise_if_any()
    before = case.stage
    case.stage = stage
    case.save(update_fields=["stage", "updated_at"])
    _record(user, case, c.EventKind.STAGE, request, stage=stage, before=before)
    return case


@transaction.atomic
def case_close(
    *,
    user: User,
    case: Case,
    outcome: str,
    closed_on: dt.date | None = None,
    request: Any = None,
) -> Case:
    """Close with an outcome. Referrals still waiting for the receiver's answer are
    cancelled; an accepted referral stays open so the receiver can still report back."""
    _guard(user, case)
    errors = Errors()
    if not outcome:
        errors.add("outcome", _("Choose the outcome of the case before closing it."))
    elif outcome not in c.Outcome.values:
        errors.add("outcome", _("Unknown value “%(value)s”."), value=outcome)
    check_not_future(errors, "closed_on", closed_on)
    if closed_on is not None and closed_on < case.opened_on:
        errors.add("closed_on", _("A case cannot close before it was opened."))
    errors.raise_if_any()
    before = case.stage
    case.stage = c.Stage.CLOSED
    case.outcome = outcome
    case.closed_on = closed_on or timezone.localdate()
    case.save(update_fields=["stage", "outcome", "closed_on", "updated_at"])
    for referral in case.referrals.filter(status=c.ReferralStatus.PENDING):
        _cancel_referral(user, referral)
    _record(user, case, c.EventKind.CLOSED, request, outcome=outcome, before=before)
    return case


def _cancel_referral(user: User, referral: Referral) -> None:
    referral.status = c.ReferralStatus.CANCELLED
    referral.save(update_fields=["status"])
    case_event_record(
        case=referral.case,
        kind=c.EventKind.REFERRAL_CANCELLED,
        actor=user,
        referral=referral.short_id,
        to=referral.to_organisation.code,
    )


@transaction.atomic
def assessment_record(
    *,
    user: User,
    case: Case,
    scores: dict[str, Any],
    notes: str = "",
    assessed_on: dt.date | None = None,
    request: Any = None,
) -> Assessment:
    """Scores 1–5 on the five TPMAP dimensions (``choices.Score`` says what each means)."""
    _guard(user, case)
    errors = Errors()
    clean: dict[str, int] = {}
    for dimension in c.Dimension.values:
        value = scores.get(dimension)
        try:
            number = int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            number = None
        if number is None or number not in c.Score.values:
            errors.add(dimension, _("Give a score from 1 (crisis) to 5 (secure)."))
        else:
            clean[dimension] = number
    unknown = sorted(set(scores) - set(c.Dimension.values))
    for name in unknown:
        errors.add(name, _("Unknown field."))
    if len(notes) > NOTE_MAX:
        errors.add("notes", _("Keep the notes under %(max)s characters."), max=NOTE_MAX)
    check_not_future(errors, "assessed_on", assessed_on)
    errors.raise_if_any()
    assessment = Assessment.objects.create(
        case=case,
        assessed_on=assessed_on or timezone.localdate(),
        notes=notes.strip(),
        assessed_by=user,
        **clean,
    )
    _advance(user, case, c.Stage.ASSESSMENT)
    _record(user, case, c.EventKind.ASSESSED, request, **clean)
    return assessment


@transaction.atomic
def goal_add(
    *,
    user: User,
    case: Case,
    dimension: str,
    description: str,
    due_on: dt.date | None,
    request: Any = None,
) -> Goal:
    """A goal of the plan, on one dimension; it remembers that dimension's latest score."""
    _guard(user, case)
    errors = Errors()
    if dimension not in c.Dimension.values:
        errors.add("dimension", _("Choose one of the five dimensions."))
    if not description.strip():
        errors.add("description", _("Say what the goal is."))
    elif len(description) > NOTE_MAX:
        errors.add("description", _("Keep the notes under %(max)s characters."), max=NOTE_MAX)
    if due_on is None:
        errors.add("due_on", _("Give a due date."))
    check_not_past(errors, "due_on", due_on)
    errors.raise_if_any()
    assert due_on is not None
    latest = case.assessments.order_by("-assessed_on", "-id").first()
    goal = Goal.objects.create(
        case=case,
        dimension=dimension,
        description=description.strip(),
        baseline_score=getattr(latest, dimension) if latest else None,
        due_on=due_on,
        created_by=user,
    )
    _advance(user, case, c.Stage.PLAN)
    _record(user, case, c.EventKind.GOAL_ADDED, request, dimension=dimension, due_on=due_on)
    return goal


@transaction.atomic
def goal_set_status(
    *,
    user: User,
    goal: Goal,
    status: str,
    done_on: dt.date | None = None,
    request: Any = None,
) -> Goal:
    case = goal.case
    _guard(user, case)
    errors = Errors()
    if status not in c.GoalStatus.values:
        errors.add("status", _("Unknown value “%(value)s”."), value=status)
    check_not_future(errors, "done_on", done_on)
    errors.raise_if_any()
    goal.status = status
    goal.done_on = (done_on or timezone.localdate()) if status != c.GoalStatus.OPEN else None
    goal.save(update_fields=["status", "done_on"])
    _record(user, case, c.EventKind.GOAL_STATUS, request, dimension=goal.dimension, status=status)
    return goal


def _cost(errors: Errors, value: Any) -> Decimal:
    try:
        cost = Decimal(str(value if value not in (None, "") else "0"))
    except (InvalidOperation, ValueError):
        errors.add("cost", _("Give the cost in baht, e.g. 1500 or 1500.50."))
        return Decimal("0")
    if not cost.is_finite() or cost < 0:
        errors.add("cost", _("The cost cannot be negative."))
    elif cost != cost.quantize(Decimal("0.01")) or cost >= Decimal("1e10"):
        errors.add("cost", _("Give the cost in baht, e.g. 1500 or 1500.50."))
    return cost


@transaction.atomic
def service_record(
    *,
    user: User,
    case: Case,
    what: str,
    delivered_on: dt.date | None,
    cost: Decimal | str | int = Decimal("0"),
    provider_organisation: Organisation | None = None,
    provider_name: str = "",
    goal: Goal | None = None,
    request: Any = None,
) -> ServiceDelivery:
    """A service delivered: what, by whom (an organisation and/or a name), when, and
    what it cost in baht."""
    _guard(user, case)
    errors = Errors()
    if not what.strip():
        errors.add("what", _("Say what service was delivered."))
    elif len(what) > 200:
        errors.add("what", _("Keep it under %(max)s characters."), max=200)
    if len(provider_name) > 200:
        errors.add("provider_name", _("Keep it under %(max)s characters."), max=200)
    if delivered_on is None:
        errors.add("delivered_on", _("Give the date of the service."))
    check_not_future(errors, "delivered_on", delivered_on)
    amount = _cost(errors, cost)
    if goal is not None and goal.case_id != case.pk:
        errors.add("goal", _("This goal belongs to another case."))
    errors.raise_if_any()
    assert delivered_on is not None
    service = ServiceDelivery.objects.create(
        case=case,
        goal=goal,
        what=what.strip(),
        provider_organisation=provider_organisation,
        provider_name=provider_name.strip(),
        delivered_on=delivered_on,
        cost=amount,
        recorded_by=user,
    )
    _advance(user, case, c.Stage.SERVICES)
    _record(
        user,
        case,
        c.EventKind.SERVICE,
        request,
        delivered_on=delivered_on,
        cost=str(amount),
        provider=provider_organisation.code if provider_organisation else "",
    )
    return service


@transaction.atomic
def contact_record(
    *,
    user: User,
    case: Case,
    kind: str,
    notes: str = "",
    contacted_on: dt.date | None = None,
    next_follow_up_on: dt.date | None = None,
    request: Any = None,
) -> Contact:
    """A home visit or a phone follow-up; its notes are encrypted at rest. The next
    follow-up date is what the overdue sweep watches."""
    _guard(user, case)
    errors = Errors()
    if kind not in c.ContactKind.values:
        errors.add("kind", _("Choose a home visit or a phone call."))
    if len(notes) > NOTE_MAX:
        errors.add("notes", _("Keep the notes under %(max)s characters."), max=NOTE_MAX)
    check_not_future(errors, "contacted_on", contacted_on)
    check_not_past(errors, "next_follow_up_on", next_follow_up_on)
    errors.raise_if_any()
    contact = Contact.objects.create(
        case=case,
        kind=kind,
        contacted_on=contacted_on or timezone.localdate(),
        notes=notes.strip(),
        next_follow_up_on=next_follow_up_on,
        by=user,
    )
    _record(
        user,
        case,
        c.EventKind.CONTACT,
        request,
        contact_kind=kind,
        contacted_on=contact.contacted_on,
        next_follow_up_on=next_follow_up_on,
    )
    return contact
