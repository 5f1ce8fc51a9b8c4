"""Background work of the duplicates context (django-tasks; run by ``saphan db_worker``)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from saphan.linkage.services import duplicates_find


@task()
def duplicates_find_task(province_codes: list[str] | None = None) -> dict[str, Any]:
    """Search the registry (or some provinces) for possible duplicates and fill the
    review queue; e.g. weekly, or after a large import."""
    return duplicates_find(province_codes=province_codes).as_dict()
