"""Background work of case management (django-tasks; run by ``saphan db_worker``)."""

from __future__ import annotations

from django_tasks import task

from saphan.cases.sweep import cases_sweep_overdue


@task()
def sweep_overdue() -> dict[str, int]:
    """Daily: alert owners of overdue referrals, follow-ups and goals."""
    return cases_sweep_overdue()
