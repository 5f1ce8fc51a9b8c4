"""Reads of a user's notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from saphan.notifications.models import Notification, NotificationQuerySet

if TYPE_CHECKING:
    from saphan.policy import AnyUser


def notifications_for(*, user: AnyUser, unread_only: bool = False) -> NotificationQuerySet:
    """The user's notifications, newest first."""
    qs = Notification.objects.visible_to(user)
    if unread_only:
        qs = qs.unread()
    return qs.order_by("-created_at", "-id")


def unread_count(*, user: AnyUser) -> int:
    """How many unread notifications the user has (one COUNT on the user/read_at index)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.visible_to(user).unread().count()
