"""Template helpers: Buddhist-Era dates in Thai, and permission checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from saphan import policy
from saphan.core.thaidate import format_date

register = template.Library()


@register.filter
def thaidate(value: dt.date | dt.datetime | None, style: str = "medium") -> str:
    """A date in the Buddhist Era for Thai, the Common Era for English."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_date(value, language=get_language() or "th", style=style)


@register.simple_tag
def can(user: Any, action: str) -> bool:
    return policy.can(user, policy.Action(action))


@register.filter
def birthdate(value: Any) -> str:
    """A (possibly partial) date of birth: Buddhist Era in Thai, Common Era in English."""
    if value is None:
        return ""
    return str(value.format(get_language() or "th"))
