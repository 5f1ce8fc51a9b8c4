"""How a timeline event reads: the event's kind plus its few parameters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from saphan.cases import choices as c
from saphan.core.thaidate import format_date

register = template.Library()


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _date(value: Any) -> str:
    try:
        return format_date(dt.date.fromisoformat(str(value)), language=get_language() or "th")
    except ValueError:
        return str(value)


def _organisation(code: str) -> str:
    # Events keep the organisation's code (stable); the page shows its current name.
    from saphan.orgs.models import Organisation

    found = Organisation.objects.filter(code=code).first()
    return found.name if found else code


@register.filter
def event_detail(event: Any) -> str:
    """The details of a timeline event, e.g. "→ Plan" or "to lg-nan · due 1 May 2569"."""
    p: dict[str, Any] = event.params or {}
    parts: list[str] = []
    if "stage" in p:
        parts.append(f"→ {_label(c.Stage, p['stage'])}")
    if "outcome" in p:
        parts.append(_label(c.Outcome, p["outcome"]))
    if "dimension" in p:
        parts.append(_label(c.Dimension, p["dimension"]))
    if event.kind == c.EventKind.GOAL_STATUS and "status" in p:
        parts.append(_label(c.GoalStatus, p["status"]))
    if "contact_kind" in p:
        parts.append(_label(c.ContactKind, p["contact_kind"]))
    if "step" in p:
        parts.append(_label(c.CivilStepKind, p["step"]))
    if p.get("decision"):
        parts.append(_label(c.CivilDecision, p["decision"]))
    if "service" in p:
        parts.append(_label(c.ServiceKind, p["service"]))
    if p.get("to"):
        parts.append(_("to %(who)s") % {"who": p["to"]})
    if "by" in p:
        parts.append(_("by %(who)s") % {"who": p["by"]})
    if "rule" in p:
        parts.append(_("watch rule %(rule)s") % {"rule": p["rule"]})
    if p.get("cost") not in (None, "", "0", "0.00"):
        parts.append(_("%(cost)s baht") % {"cost": p["cost"]})
    for key, label in (
        ("due_on", _("due")),
        ("next_follow_up_on", _("next follow-up")),
        ("completed_on", _("completed")),
    ):
        if p.get(key):
            parts.append(f"{label} {_date(p[key])}")
    return " · ".join(parts)


@register.filter
def score_label(value: Any) -> str:
    return _label(c.Score, value) if value is not None else "—"
