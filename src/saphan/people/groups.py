"""Derived group memberships (older person, child, disability), kept set-based.

Ages change every day, so this runs after every change to a person and over everyone
from the daily background task (``saphan people refresh-groups``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
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


def _insert_memberships(people: QuerySet[Any], group: str, today: dt.date) -> int:
    """One ``INSERT … SELECT`` (no ids travel through Python: a bulk import adds tens of
    thousands of memberships at once)."""
    from django.db import connection

    from saphan.people.models import PersonGroup

    select, params = people.values(derived_person=F("pk")).query.sql_with_params()
    table = connection.ops.quote_name(PersonGroup._meta.db_table)
    sql = (
        f'INSERT INTO {table} (person_id, "group", source, recorded_on, note) '  # noqa: S608
        # "WHERE true": SQLite needs it to tell ON CONFLICT from a join's ON.
        f"SELECT derived.derived_person, %s, %s, %s, '' FROM ({select}) derived WHERE true "
        f"ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [group, c.GroupSource.DERIVED.value, today, *params])
        return max(cursor.rowcount, 0)


def groups_refresh_derived(
    *, person_ids: Iterable[int] | QuerySet[Any] | None = None, today: dt.date | None = None
) -> dict[str, int]:
    """Add and remove derived memberships in a few set-based queries; returns counts."""
    from saphan.people.models import Disability, Person, PersonGroup

    today = today or timezone.localdate()
    people = Person.objects.all()
    if person_ids is not None:
        if isinstance(person_ids, QuerySet):
            people = people.filter(pk__in=person_ids.values("pk"))
        else:
            people = people.filter(pk__in=list(person_ids))
    rules = {
        c.PopulationGroup.OLDER_PERSON: aged_at_least(c.OLDER_PERSON_AGE, today),
        c.PopulationGroup.CHILD: Q(birth_year__isnull=False) & ~aged_at_least(c.ADULT_AGE, today),
        c.PopulationGroup.DISABILITY: Q(Exists(Disability.objects.filter(person=OuterRef("pk")))),
    }
    added = removed = 0
    for group, condition in rules.items():
        has = PersonGroup.objects.filter(person=OuterRef("pk"), group=group)
        missing = people.filter(condition).exclude(Exists(has))
        created = _insert_memberships(missing, group, today)
        added += created
        stale = PersonGroup.objects.filter(
            group=group,
            source=c.GroupSource.DERIVED,
            person__in=people.exclude(condition).values("pk"),
        )
        removed += stale.delete()[0]
    return {"added": added, "removed": removed}
