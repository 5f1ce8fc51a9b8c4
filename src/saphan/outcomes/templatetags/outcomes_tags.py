"""Template helpers of the outcomes pages: money and rates as people read them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import get_language

from saphan.outcomes.charts import money_text, pct_text

register = template.Library()


@register.filter
def money(value: Any, places: int = 2) -> str:
    """12,345.00 (Decimal or string); an em dash for nothing."""
    if value is None or value == "":
        return "—"
    try:
        return money_text(Decimal(str(value)), int(places))
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def pct(value: Any, places: int = 1) -> str:
    """A rate (0.0757) as a percentage (7.6%); an em dash for nothing."""
    if value is None or value == "":
        return "—"
    return pct_text(float(value), int(places))


@register.filter
def problem_text(problem: dict[str, Any]) -> str:
    """A stored pre-check problem (``{"code", "en", "th"}``) in the page's language."""
    language = "en" if (get_language() or "th").startswith("en") else "th"
    return str(problem.get(language) or problem.get("en") or problem.get("code", ""))
