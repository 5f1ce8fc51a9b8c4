from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Exists, OuterRef

from saphan.people.groups import groups_refresh_derived
from saphan.people.households import household_add_member, household_create
from saphan.people.models import HouseholdMember, Person, PersonGroup
from saphan.people.partialdate import PartialDate
from tests.people.conftest import sensitive_consent

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 25)


def _groups(person: Any) -> set[str]:
    return set(person.groups.values_list("group", flat=True))


@pytest.mark.parametrize(
    ("birth", "older", "child"),
    [
        (PartialDate(1966, 11, 25), True, False),  # 60 today
        (PartialDate(1966, 11, 26), False, False),  # 60 tomorrow
        (PartialDate(1966, 11), True, False),  # month known: counts from the 1st
        (PartialDate(1966, 12), False, False),
        (PartialDate(1966), True, False),  # year only: counts from 1 January
        (PartialDate(2008, 11, 25), False, False),  # 18 today: an adult
        (PartialDate(2008, 11, 26), False, True),  # 18 tomorrow: still a child
    ],
)
def test_derived_groups_at_the_age_boundaries(
    register: Any, birth: PartialDate, older: bool, child: bool
) -> None:
    person = register(birth_date=birth)
    groups_refresh_derived(today=TODAY)
    assert ("older_person" in _groups(person), "child" in _groups(person)) == (older, child)


def test_a_disability_record_makes_the_disability_group_and_removal_undoes_it(
    register: Any, nan_worker: Any
) -> None:
    from saphan.people.services import person_data_from, person_update

    person = register(consent=sensitive_consent(), disabilities=[("movement", "severe")])
    assert "disability" in _groups(person)
    data = person_data_from(person)
    data.disabilities = []
    person_update(user=nan_worker, person=person, data=data)
    assert "disability" not in _groups(person)


def test_refresh_is_idempotent_and_the_command_reports_counts(register: Any) -> None:
    register(birth_date=PartialDate(1940))
    PersonGroup.objects.filter(group="older_person").delete()
    out = StringIO()
    call_command("people", "refresh-groups", stdout=out)
    assert "added 1" in out.getvalue()
    assert groups_refresh_derived() == {"added": 0, "removed": 0}


def test_older_person_raising_children_can_be_found_through_households(
    register: Any, nan_worker: Any
) -> None:
    grandmother = register(given_name="ยายบุญ", birth_date=PartialDate(1950))
    grandchild = register(given_name="เด็กชายต้น", birth_date=PartialDate(2016, 4))
    household = household_create(user=nan_worker, person=grandmother)
    household_add_member(
        user=nan_worker, household=household, person=grandchild, relationship="grandchild"
    )
    other = register(given_name="ตาสม", birth_date=PartialDate(1948))
    household_create(user=nan_worker, person=other)

    children = HouseholdMember.objects.filter(
        household=OuterRef("memberships__household"),
        until__isnull=True,
        person__groups__group="child",
    )
    raising = (
        Person.objects.visible_to(nan_worker)
        .filter(groups__group="older_person", memberships__until__isnull=True)
        .filter(Exists(children))
    )
    assert list(raising) == [grandmother]


def test_a_person_moves_household_and_the_old_membership_is_ended(
    register: Any, nan_worker: Any
) -> None:
    a, b, mover = register(), register(), register()
    first = household_create(user=nan_worker, person=a)
    second = household_create(user=nan_worker, person=b)
    household_add_member(user=nan_worker, household=first, person=mover, relationship="child")
    household_add_member(user=nan_worker, household=second, person=mover, relationship="spouse")
    rows = list(mover.memberships.order_by("pk").values_list("household", "until"))
    assert rows[0][0] == first.pk and rows[0][1] is not None
    assert rows[1] == (second.pk, None)
    with pytest.raises(ValidationError):  # a second head is refused
        household_add_member(user=nan_worker, household=second, person=mover, relationship="head")
