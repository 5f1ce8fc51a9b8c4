"""Background work of the watch system (django-tasks; run by ``saphan db_worker``)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from saphan.watch.engine import watch_evaluate
from saphan.watch.notify import notify_new_flags


@task()
def evaluate_watch_rules(province_code: str | None = None) -> dict[str, Any]:
    """Nightly (and on demand): ages change, cards expire, thresholds move. Tells the
    people working in each province how many new flags there are."""
    summary = watch_evaluate(province_code=province_code)
    notify_new_flags(summary.raised_by_province)
    return summary.as_dict()
