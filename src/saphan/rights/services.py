"""Writes of the rights context: recording where a person stands with a scheme.

Only applied / receiving / refused are recorded; "not eligible" and "eligible, not
applied" are always worked out from the registry (``eligibility``), never stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.people.checks import Errors, person_access_record, require_visible
from saphan.people.models import Person
from saphan.reports.aggregates import stats_mark_stale
from saphan.rights.choices import RightStatus
from saphan.rights.models import PersonRight, Scheme

REASON_MAX = 500
#: Before any scheme in the catalogue existed: a typo, not a date.
EARLIEST_STATUS_DATE = dt.date(1990, 1, 1)


def require_record_rights(user: User) -> None:
    """Case workers (MANAGE_CASES) and registry editors (EDIT_PEOPLE) record statuses."""
    if not (
        policy.can(user, policy.Action.MANAGE_CASES) or policy.can(user, policy.Action.EDIT_PEOPLE)
    ):
        raise PermissionDenied("record_rights")


@transaction.atomic
def person_right_record(
    *,
    user: User,
    person: Person,
    scheme_code: str,
    status: str,
    status_on: dt.date | None,
    reason: str = "",
    request: Any = None,
) -> PersonRight:
    """Record (or change) one person's status for one scheme. All errors are collected
    first; nothing is saved when any field is wrong."""
    require_record_rights(user)
    require_visible(user, person)
    errors = Errors()
    reason = (reason or "").strip()
    scheme = Scheme.objects.filter(code=scheme_code).first()
    if scheme is None:
        errors.add("scheme", _("Unknown scheme “%(value)s”."), value=scheme_code)
    if status not in RightStatus.values:
        errors.add(
            "status",
            _("Choose applied, receiving or refused (not eligible is worked out, not recorded)."),
        )
    today = timezone.localdate()
    if status_on is None:
        errors.add("status_on", _("Give the date of this status."))
    elif status_on > today:
        errors.add("status_on", _("This date is in the future."))
    elif status_on < EARLIEST_STATUS_DATE:
        errors.add("status_on", _("This date is too early; check the year (Common Era)."))
    if status == RightStatus.REFUSED and not reason:
        errors.add("reason", _("Give the reason for the refusal, as the agency stated it."))
    if len(reason) > REASON_MAX:
        errors.add("reason", _("Keep the reason under %(n)s characters."), n=REASON_MAX)
    errors.raise_if_any()
    assert scheme is not None and status_on is not None  # checked above
    right, created = PersonRight.objects.update_or_create(
        person=person,
        scheme=scheme,
        defaults={
            "status": status,
            "status_on": status_on,
            "reason": reason,
            "recorded_by": user,
            "organisation": user.organisation,
        },
    )
    person_access_record(
        user=user,
        person=person,
        action=AccessAction.CREATE if created else AccessAction.UPDATE,
        request=request,
        detail={"right": scheme.code, "status": status},
    )
    stats_mark_stale(province_codes=[person.province_id])
    return right


@transaction.atomic
def person_right_clear(
    *, user: User, person: Person, scheme_code: str, request: Any = None
) -> bool:
    """Remove a status recorded by mistake (its history stays). True if one was removed."""
    require_record_rights(user)
    require_visible(user, person)
    deleted, _rows = PersonRight.objects.filter(person=person, scheme__code=scheme_code).delete()
    if deleted:
        person_access_record(
            user=user,
            person=person,
            action=AccessAction.UPDATE,
            request=request,
            detail={"right": scheme_code, "status": "cleared"},
        )
        stats_mark_stale(province_codes=[person.province_id])
    return bool(deleted)
