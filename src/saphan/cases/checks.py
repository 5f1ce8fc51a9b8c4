"""Shared by the case services: guards, timeline events, access-log rows, notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.accounts.roles import Role
from saphan.audit.services import access_log_record
from saphan.cases.models import Case, CaseEvent, Referral
from saphan.people.checks import Errors

__all__ = [
    "CASE_CLOSED",
    "Errors",
    "case_access_record",
    "case_event_record",
    "check_not_past",
    "notify",
    "referral_access_record",
    "require_case_open",
    "require_case_visible",
    "require_manage",
    "responsible_users",
]

PARAM_MAX = 120
CASE_CLOSED = _("This case is closed: it can no longer be changed.")
DATE_IN_PAST = _("This date is in the past.")
DATE_IN_FUTURE = _("This date is in the future.")

#: Roles that work on cases in an organisation (MANAGE_CASES), for notifications.
CASE_ROLES = tuple(r for r in Role if policy.Action.MANAGE_CASES in policy.PERMISSIONS[r])


def require_manage(user: User) -> None:
    if not policy.can(user, policy.Action.MANAGE_CASES):
        raise PermissionDenied("manage_cases")


def require_case_visible(user: User, case: Case) -> None:
    if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
        raise PermissionDenied("out_of_scope")


def require_case_open(case: Case) -> None:
    """Every write to a case checks this first: a closed case is a closed record."""
    if case.is_closed:
        raise ValidationError({"case": ValidationError(CASE_CLOSED)})


def check_not_past(errors: Errors, name: str, day: dt.date | None) -> None:
    if day is not None and day < timezone.localdate():
        errors.add(name, DATE_IN_PAST)


def check_not_future(errors: Errors, name: str, day: dt.date | None) -> None:
    if day is not None and day > timezone.localdate():
        errors.add(name, DATE_IN_FUTURE)


def case_event_record(*, case: Case, kind: str, actor: User | None, **params: Any) -> CaseEvent:
    from saphan.reports.aggregates import stats_mark_stale

    clean = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items()}
    event = CaseEvent.objects.create(case=case, kind=kind, actor=actor, params=clean)
    # Every change to a case, its services and referrals is recorded here: the one place
    # that tells the statistics their province changed.
    stats_mark_stale(province_codes=[case.person.province_id])
    return event


def case_access_record(
    *, user: User, case: Case, action: str, request: Any = None, **extra: Any
) -> None:
    access_log_record(
        user=user,
        action=action,
        request=request,
        object_type="case",
        object_id=str(case.uid),
        province_code=case.person.province_id,
        **extra,
    )


def referral_access_record(
    *, user: User, referral: Referral, action: str, request: Any = None, **extra: Any
) -> None:
    access_log_record(
        user=user,
        action=action,
        request=request,
        object_type="referral",
        object_id=str(referral.uid),
        province_code=referral.case.person.province_id,
        **extra,
    )


def organisation_case_users(organisation_id: int, *, roles: Iterable[str] = CASE_ROLES) -> Any:
    return User.objects.filter(organisation_id=organisation_id, is_active=True, role__in=roles)


def responsible_users(case: Case) -> QuerySet[User]:
    """Who hears about a case: its assigned worker, or else the owner's case managers."""
    if case.assigned_to is not None and case.assigned_to.is_active:
        return User.objects.filter(pk=case.assigned_to.pk)
    managers = organisation_case_users(case.organisation_id, roles=[Role.CASE_MANAGER])
    if managers.exists():
        return managers
    return organisation_case_users(case.organisation_id)


def notify(
    *, users: Any, kind: str, params: dict[str, Any] | None = None, link: str = "", key: str = ""
) -> int:
    """Send an in-app notification. Params are short non-personal strings (organisation
    names, short ids, counts, dates): notifications are no place for personal data."""
    from saphan.notifications.services import notification_send

    # Organisation names can be longer than a notification parameter may be.
    short = {k: (v[:PARAM_MAX] if isinstance(v, str) else v) for k, v in (params or {}).items()}
    return notification_send(users=users, kind=kind, params=short, link=link, key=key)
