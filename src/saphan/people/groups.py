"""Derived group memberships (older person, child, disability), kept set-based.

Ages change every day, so this runs after every change to a person and over everyone
from the daily background task (``saphan people refresh-groups``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from saphan.people import choices as c


def born_on_or_before(day: dt.date) -> Q:
    """People whose (earliest possible) birth date is on or before ``day``.

    Unknown month and day count as 1 January and the 1st, the registry convention."""
    month = Q(birth_month__isnull=True) | Q(birth_month__lt=day.month)
    same_month = Q(birth_month=day.month) & (Q(birth_day__isnull=True) | Q(birth_day__lte=day.day))
    return Q(birth_year__lt=day.year) | (Q(birth_year=day.year) & (month | same_month))


def aged_at_least(years: int, today: dt.date) -> Q:
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    return Q(birth_year__isnull=False) & born_on_or_before(cutoff)


def groups_refresh_derived(
    *, person_ids: Iterable[int] | None = None, today: dt.date | None = None
) -> dict[str, int]:
    """Add and remove derived memberships in a few set-based queries; returns counts."""
    from saphan.people.models import Disability, Person, PersonGroup

    today = today or timezone.localdate()
    people = Person.objects.all()
    if person_ids is not None:
        people = people.filter(pk__in=list(person_ids))
    rules = {
        c.PopulationGroup.OLDER_PERSON: aged_at_least(c.OLDER_PERSON_AGE, today),
        c.PopulationGroup.CHILD: Q(birth_year__isnull=False) & ~aged_at_least(c.ADULT_AGE, today),
        c.PopulationGroup.DISABILITY: Q(Exists(Disability.objects.filter(person=OuterRef("pk")))),
    }
    added = removed = 0
    for group, condition in rules.items():
        has = PersonGroup.objects.filter(person=OuterRef("pk"), group=group)
        missing = people.filter(condition).exclude(Exists(has)).values_list("pk", flat=True)
        created = PersonGroup.objects.bulk_create(
            [
                PersonGroup(person_id=pk, group=group, source=c.GroupSource.DERIVED)
                for pk in missing.iterator(chunk_size=5000)
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        added += len(created)
        stale = PersonGroup.objects.filter(
            group=group,
            source=c.GroupSource.DERIVED,
            person__in=people.exclude(condition).values("pk"),
        )
        removed += stale.delete()[0]
    return {"added": added, "removed": removed}
