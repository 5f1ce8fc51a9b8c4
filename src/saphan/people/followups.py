"""What must happen after people change, called explicitly by the registry services (no
signals, so the order is visible): their watch flags are evaluated at once, inside the
same transaction, so the watch list never disagrees with the record just saved."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet


def registry_changed(*, person_ids: Iterable[int] | QuerySet[Any]) -> None:
    from saphan.watch.services import watch_evaluate_people

    watch_evaluate_people(person_ids=person_ids)
