"""Telling workers about new watch flags in their area: one notification per user and
province per day, with a count — never a name (notifications are not for personal data)."""

from __future__ import annotations

from django.utils import timezone

from saphan import policy
from saphan.accounts.models import User
from saphan.geo.models import Province


def notify_new_flags(raised_by_province: dict[str, int]) -> int:
    from saphan.notifications.services import notification_send

    if not raised_by_province:
        return 0
    today = timezone.localdate().isoformat()
    roles = [
        role
        for role, actions in policy.PERMISSIONS.items()
        if policy.Action.MANAGE_CASES in actions
    ]
    sent = 0
    names = dict(
        Province.objects.filter(code__in=raised_by_province).values_list("code", "name_th")
    )
    for code, count in raised_by_province.items():
        if not count:
            continue
        users = User.objects.filter(
            is_active=True,
            role__in=roles,
            organisation__is_active=True,
            organisation__provinces__code=code,
        ).distinct()
        sent += notification_send(
            users=users,
            kind="new_watch_flags",
            params={"count": count, "province": names.get(code, code)},
            link=f"/watch/?province={code}&view=open",
            key=f"new-watch-flags:{code}:{today}",
        )
    return sent
