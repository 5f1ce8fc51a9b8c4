"""Writes for households and their members."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan.accounts.models import User
from saphan.geo.models import Subdistrict
from saphan.people import choices as c
from saphan.people.checks import require_edit
from saphan.people.followups import registry_changed
from saphan.people.models import (
    Household,
    HouseholdMember,
    Person,
)


@transaction.atomic
def household_create(
    *,
    user: User,
    person: Person,
    subdistrict_code: str = "",
    address: str = "",
    request: Any = None,
) -> Household:
    """Start a household with ``person`` as its head."""
    require_edit(user)
    assert user.organisation is not None
    subdistrict = (
        Subdistrict.objects.filter(code=subdistrict_code).first()
        if subdistrict_code
        else person.current_subdistrict or person.registered_subdistrict
    )
    household = Household.objects.create(
        province=person.province,
        subdistrict=subdistrict,
        address=address or person.current_address or person.registered_address,
        organisation=user.organisation,
    )
    household_add_member(
        user=user, household=household, person=person, relationship=c.Relationship.HEAD
    )
    return household


@transaction.atomic
def household_add_member(
    *, user: User, household: Household, person: Person, relationship: str
) -> HouseholdMember:
    require_edit(user)
    visible = Person.objects.visible_to(user)
    if not visible.filter(pk=person.pk).exists():
        raise PermissionDenied("out_of_scope")
    if relationship not in c.Relationship.values:
        raise ValidationError({"relationship": ValidationError(_("Unknown relationship."))})
    if (
        relationship == c.Relationship.HEAD
        and household.members.filter(until__isnull=True, relationship=c.Relationship.HEAD)
        .exclude(person=person)
        .exists()
    ):
        raise ValidationError(
            {"relationship": ValidationError(_("This household already has a head."))}
        )
    today = timezone.localdate()
    leaving = HouseholdMember.objects.filter(person=person, until__isnull=True).exclude(
        household=household
    )
    left = list(
        HouseholdMember.objects.filter(
            household_id__in=leaving.values("household_id"), until__isnull=True
        )
        .exclude(person=person)
        .values_list("person_id", flat=True)
    )
    leaving.update(until=today)
    member, _created = HouseholdMember.objects.update_or_create(
        household=household, person=person, until=None, defaults={"relationship": relationship}
    )
    # Household rules (older person raising children, child with no adult) change for
    # everyone in the household, and in the one the person left.
    registry_changed(person_ids=[person.pk, *left])
    return member
