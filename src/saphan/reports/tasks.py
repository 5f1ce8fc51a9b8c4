"""Background work of the reports context (django-tasks, database backend)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from saphan.reports.aggregates import stats_refresh


@task()
def refresh_stale_stats() -> dict[str, Any]:
    """Rebuild the statistics of every province marked stale since the last run."""
    result = stats_refresh()
    return {"provinces": result.provinces, "facts": result.facts, "seconds": result.seconds}


@task()
def refresh_all_stats() -> dict[str, Any]:
    """The nightly full rebuild (also picks up months that rolled over)."""
    from saphan.geo.models import Province

    codes = list(Province.objects.project().values_list("code", flat=True))
    result = stats_refresh(province_codes=codes)
    return {"provinces": result.provinces, "facts": result.facts, "seconds": result.seconds}
