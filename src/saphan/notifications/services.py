"""Writes for notifications: sending (called by other contexts) and marking read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from saphan.accounts.models import User
from saphan.notifications.kinds import (
    KEY_MAX_LENGTH,
    kind_check,
    link_is_safe,
    params_clean,
)
from saphan.notifications.models import Notification

if TYPE_CHECKING:
    from saphan.policy import AnyUser


def _active_user_ids(users: Iterable[User] | QuerySet[User]) -> set[int]:
    if isinstance(users, QuerySet):
        candidates = User.objects.filter(pk__in=users.values_list("pk", flat=True))
    else:
        candidates = User.objects.filter(pk__in={u.pk for u in users})
    return set(candidates.filter(is_active=True).values_list("pk", flat=True))


def notification_send(
    *,
    users: Iterable[User] | QuerySet[User],
    kind: str,
    params: Mapping[str, Any] | None = None,
    link: str = "",
    key: str = "",
) -> int:
    """Notify each active user in ``users``; returns how many notifications were created.

    ``params`` are short, non-personal values named as the kind expects (see
    ``kinds.PARAMS``); dates may be given as dates. ``link`` is a path on this site.
    With a ``key``, a user who already has a notification with that key gets nothing
    new (also under concurrent sends: the unique constraint decides).

    Raises ``ValueError`` for an unknown kind, a parameter the kind does not take, or a
    link that is not a relative path.
    """
    checked_kind = kind_check(kind)
    cleaned = params_clean(checked_kind, params)
    if not link_is_safe(link):
        raise ValueError(f"Not a path on this site: {link!r}")
    if len(key) > KEY_MAX_LENGTH:
        raise ValueError(f"The key is longer than {KEY_MAX_LENGTH} characters")
    user_ids = _active_user_ids(users)
    if not user_ids:
        return 0
    with transaction.atomic():
        if key:
            user_ids -= set(
                Notification.objects.filter(key=key, user_id__in=user_ids).values_list(
                    "user_id", flat=True
                )
            )
            if not user_ids:
                return 0
        now = timezone.now()
        rows = [
            Notification(
                user_id=user_id,
                kind=checked_kind,
                params=cleaned,
                link=link,
                key=key,
                created_at=now,
            )
            for user_id in sorted(user_ids)
        ]
        if not key:
            Notification.objects.bulk_create(rows)
            return len(rows)
        # A concurrent send may have given some of these users the key since the check
        # above: the conditional unique constraint makes those rows no-ops (INSERT OR
        # IGNORE / ON CONFLICT DO NOTHING), and the count is of this call's rows only.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        return Notification.objects.filter(key=key, user_id__in=user_ids, created_at=now).count()


def notification_mark_read(*, user: AnyUser, notification_ids: list[int] | None = None) -> int:
    """Mark the user's own unread notifications read (all of them when ``None``);
    returns how many changed. Other users' notifications are silently out of reach."""
    qs = Notification.objects.visible_to(user).unread()
    if notification_ids is not None:
        if not notification_ids:
            return 0
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
