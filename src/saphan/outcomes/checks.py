"""Shared by the outcomes services: guards, money, access-log rows."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.services import access_log_record
from saphan.outcomes.choices import PartyRole, ProjectStatus
from saphan.outcomes.models import Participant, Party, Project
from saphan.people.checks import Errors

__all__ = [
    "CENT",
    "Errors",
    "money",
    "money_sum",
    "participant_access_record",
    "require_action",
    "require_party",
    "require_project_open",
]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
TEXT_MAX = 5000
PROJECT_CLOSED = _("This project is closed: it can no longer be changed.")


def money(value: Any) -> Decimal:
    """A THB amount as Decimal, rounded half-up to satang. Floats are refused: binary
    fractions are no way to count money."""
    if isinstance(value, float):
        raise TypeError("Money is never a float: pass a Decimal or a string.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_sum(queryset: Any, field: str) -> Decimal:
    """The exact sum of a money column. Summed in Python: SQLite's SUM works in binary
    floating point and would lose satang on large totals."""
    return sum((v for v in queryset.values_list(field, flat=True) if v is not None), ZERO)


def require_action(user: User, action: policy.Action) -> None:
    if not policy.can(user, action):
        raise PermissionDenied(action.value)


def require_party(user: User, project: Project, *roles: str) -> Party:
    """The party the user's organisation holds in ``project`` in one of ``roles``;
    refused when it holds none (the user is not part of this side of the project)."""
    org = user.organisation_id
    party = None
    if org is not None:
        party = (
            Party.objects.filter(
                project=project, organisation_id=org, organisation__is_active=True, role__in=roles
            )
            .order_by("pk")
            .first()
        )
    if party is None:
        raise PermissionDenied("not_a_party:" + "|".join(roles))
    return party


def require_project_open(project: Project) -> None:
    if project.status == ProjectStatus.CLOSED:
        raise ValidationError({"project": ValidationError(PROJECT_CLOSED)})


def is_provider_organisation(project: Project, organisation_id: int | None) -> bool:
    if organisation_id is None:
        return False
    return Party.objects.filter(
        project=project, organisation_id=organisation_id, role=PartyRole.PROVIDER
    ).exists()


def text(errors: Errors, name: str, value: str, *, required: Any = None) -> str:
    value = (value or "").strip()
    if required is not None and not value:
        errors.add(name, required)
    elif len(value) > TEXT_MAX:
        errors.add(name, _("Keep the text under %(max)s characters."), max=TEXT_MAX)
    return value


def participant_access_record(
    *, user: User, participant: Participant, action: str, request: Any = None, **extra: Any
) -> None:
    """One access-log row about a participant: by code, never by name."""
    access_log_record(
        user=user,
        action=action,
        request=request,
        object_type="participant",
        object_id=participant.code,
        province_code=participant.person.province_id,
        **extra,
    )
