from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from saphan import policy


def saphan(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    actions = {a.value for a in policy.actions_of(user)}
    return {
        "saphan_actions": actions,
        "saphan_debug": settings.DEBUG,
    }
