"""``{% unread_notifications as n %}``: the signed-in user's unread count (nav badge)."""

from __future__ import annotations

from typing import Any

from django import template

from saphan.notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    request: Any = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user=user)
