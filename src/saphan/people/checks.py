"""Shared by the registry services: collecting field errors, scope guards, access-log rows."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.services import access_log_record
from saphan.people.models import (
    Person,
)


class Errors:
    def __init__(self) -> None:
        self.items: dict[str, list[ValidationError]] = {}

    def add(self, field_name: str, message: Any, /, **params: Any) -> None:
        self.items.setdefault(field_name, []).append(
            ValidationError(message, params=params or None)
        )

    def absorb(self, error: ValidationError) -> None:
        for name, errors in error.error_dict.items() if hasattr(error, "error_dict") else ():
            self.items.setdefault(name, []).extend(errors)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)


def person_access_record(
    *, user: User, person: Person, action: str, request: Any = None, **extra: Any
) -> None:
    """One access-log row about a person (viewed, created, changed)."""
    access_log_record(
        user=user,
        action=action,
        request=request,
        object_type="person",
        object_id=str(person.uid),
        province_code=person.province_id,
        **extra,
    )


def require_visible(user: User, person: Person) -> None:
    if not Person.objects.visible_to(user).filter(pk=person.pk).exists():
        raise PermissionDenied("out_of_scope")


def require_edit(user: User) -> None:
    if not policy.can(user, policy.Action.EDIT_PEOPLE):
        raise PermissionDenied("edit_people")
