"""Background work of the registry (django-tasks; run by ``saphan db_worker``)."""

from __future__ import annotations

from django_tasks import task

from saphan.people.groups import groups_refresh_derived


@task()
def refresh_derived_groups() -> dict[str, int]:
    """Daily: people turn 18 or 60 without anyone editing their record."""
    return groups_refresh_derived()
