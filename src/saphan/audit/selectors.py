"""Reads of the access log for the audit browser and the API."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from saphan.audit.models import AccessLog, AccessLogQuerySet

if TYPE_CHECKING:
    from saphan.accounts.models import User


def access_log_list(
    *,
    user: User,
    username: str = "",
    action: str = "",
    object_type: str = "",
    province_code: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> AccessLogQuerySet:
    qs = AccessLog.objects.visible_to(user)
    if username:
        qs = qs.filter(username__icontains=username)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if province_code:
        qs = qs.filter(province_code=province_code)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs


def change_history_list(*, user: User, limit: int = 200) -> list[dict[str, Any]]:
    """Recent history rows of every audited model the user may browse, newest first."""
    from saphan import policy
    from saphan.accounts.models import User as UserModel
    from saphan.orgs.models import Organisation

    if not policy.can(user, policy.Action.BROWSE_AUDIT):
        return []
    rows: list[dict[str, Any]] = []
    sources: list[tuple[str, Any, str, policy.Action]] = [
        ("organisation", Organisation, "code", policy.Action.BROWSE_AUDIT),
        ("user", UserModel, "username", policy.Action.BROWSE_AUDIT),
    ]
    for label, model, name_field, _action in sources:
        visible_ids = model.objects.visible_to(user).values("pk")
        history = model.history.filter(id__in=visible_ids)
        for h in history.select_related("history_user").order_by("-history_date")[:limit]:
            rows.append(
                {
                    "at": h.history_date,
                    "kind": label,
                    "object": getattr(h, name_field),
                    "change": h.get_history_type_display(),
                    "by": h.history_user.username if h.history_user else "",
                    "fields": _changed_fields(h),
                }
            )
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows[:limit]


def _changed_fields(record: Any) -> str:
    previous = getattr(record, "prev_record", None)
    if previous is None:
        return ""
    delta = record.diff_against(previous)
    return ", ".join(change.field for change in delta.changes)
