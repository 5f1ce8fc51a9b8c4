"""Reads of the watch system: the watch list and the reasons of a flag, in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from saphan import policy
from saphan.accounts.models import User
from saphan.people import choices as c
from saphan.people.models import Person
from saphan.watch.conditions import FACTS, NUMBER, facts_used
from saphan.watch.models import FlagStatus, WatchFlag, WatchRule

#: The watch list's views of a flag's state.
VIEWS = ("todo", "open", "acknowledged", "closed")
_CHOICE_LABELS: dict[str, Any] = {
    "work_status": c.WorkStatus,
    "income_band": c.IncomeBand,
    "civil_status": c.CivilStatus,
    "verification_stage": c.VerificationStage,
    "group": c.PopulationGroup,
}
_SENSITIVE_GROUPS = {str(g) for g in c.HIDDEN_WITH_SENSITIVE}
_OP_SIGNS = {">=": "≥", "<=": "≤", "==": "=", ">": ">", "<": "<"}


def sensitive_rule_ids() -> list[int]:
    """Rules whose condition uses sensitive data: their flags reveal it (a rule named
    "person with a disability" says the person has one)."""
    ids = []
    for rule in WatchRule.objects.only("pk", "condition"):
        facts = facts_used(rule.condition)
        if any(FACTS[f["fact"]].sensitive for f in facts if f["fact"] in FACTS) or any(
            f["fact"] == "group" and set(f["value"]) & _SENSITIVE_GROUPS for f in facts
        ):
            ids.append(rule.pk)
    return ids


def _hide_withdrawn(flags: QuerySet[WatchFlag], user: User) -> QuerySet[WatchFlag]:
    """After consent is withdrawn, flags of sensitive rules hide like the data itself
    (``policy.can_see_sensitive``): only the data protection officer still sees them."""
    if policy.can_see_sensitive(user, basis_active=False):
        return flags
    return flags.exclude(Q(person__sensitive_basis="") & Q(rule_id__in=sensitive_rule_ids()))


def _view_filter(view: str, today: dt.date) -> Q:
    if view == "open":
        return Q(status=FlagStatus.OPEN)
    if view == "acknowledged":
        return Q(status=FlagStatus.ACKNOWLEDGED)
    if view == "closed":
        return Q(status__in=[FlagStatus.RESOLVED, FlagStatus.EXPIRED])
    # To do: new flags, and acknowledged ones whose re-check is due.
    return Q(status=FlagStatus.OPEN) | Q(status=FlagStatus.ACKNOWLEDGED, recheck_due_on__lte=today)


def watchlist(
    *,
    user: User,
    province_code: str = "",
    rule_code: str = "",
    group: str = "",
    district_code: str = "",
    organisation_id: int | None = None,
    view: str = "todo",
    today: dt.date | None = None,
) -> QuerySet[WatchFlag]:
    """Flags the user may see, most urgent and oldest first.

    Both the flag's scope and the person's scope apply (``visible_to``): a flag never
    shows a person the user could not open."""
    today = today or timezone.localdate()
    people = Person.objects.visible_to(user)
    visible: QuerySet[WatchFlag] = WatchFlag.objects.visible_to(user)
    flags = visible.filter(person__in=people.values("pk"))
    flags = _hide_withdrawn(
        flags.filter(_view_filter(view if view in VIEWS else "todo", today)), user
    )
    if province_code:
        flags = flags.filter(province_id=province_code)
    if rule_code:
        flags = flags.filter(rule__code=rule_code)
    if district_code:
        flags = flags.filter(person__district_id=district_code)
    if group:
        flags = flags.filter(person__groups__group=group)
    if organisation_id:
        flags = flags.filter(person__organisation_id=organisation_id)
    order = ("priority", "raised_at", "pk") if view != "closed" else ("-resolved_at", "-pk")
    return flags.select_related("rule", "person", "person__district", "province").order_by(*order)


def watch_counts_by_rule(*, user: User, province_code: str = "") -> list[dict[str, Any]]:
    """Live flags per rule (for the filter bar and the province page)."""
    flags = WatchFlag.objects.visible_to(user).live()
    if province_code:
        flags = flags.filter(province_id=province_code)
    counts = {
        row["rule_id"]: row["n"]
        for row in flags.values("rule_id").annotate(n=Count("pk")).order_by()
    }
    return [
        {"rule": rule, "count": counts.get(rule.pk, 0)}
        for rule in WatchRule.objects.order_by("sort_order", "code")
    ]


def flags_of_person(*, user: User, person: Person) -> QuerySet[WatchFlag]:
    if not policy.can(user, policy.Action.VIEW_PEOPLE, person):
        return WatchFlag.objects.none()
    return (
        _hide_withdrawn(WatchFlag.objects.visible_to(user), user)
        .filter(person=person)
        .select_related("rule", "acknowledged_by")
        .order_by("status", "priority", "-raised_at")
    )


def _value_label(fact: str, value: Any) -> str:
    choices = _CHOICE_LABELS.get(fact)
    if choices is not None:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)
    if fact == "disability_card":
        return {
            "valid": _("valid"),
            "expired": _("expired"),
            "none": _("none"),
        }.get(str(value), str(value))
    return str(value)


def _threshold(value: Any, parameters: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return parameters.get(value[1:], value)
    return value


def flag_reasons(flag: WatchFlag, parameters: dict[str, Any] | None = None) -> list[str]:
    """Each condition of the rule in words, with the person's value where it was kept:
    "age 72 (rule: 60 or over)", "has a disability"."""
    rule = flag.rule
    parameters = parameters if parameters is not None else rule.parameters
    kept = flag.reasons if isinstance(flag.reasons, dict) else {}
    lines: list[str] = []
    for part in facts_used(rule.condition):
        fact = FACTS.get(part["fact"])
        if fact is None:
            continue
        value = _threshold(part["value"], parameters)
        label = str(fact.label)
        negated = part.get("negated", False)
        if fact.kind == NUMBER:
            text = f"{label} {_OP_SIGNS.get(part['op'], part['op'])} {value}"
            if fact.name in kept and kept[fact.name] is not None:
                text = _("%(condition)s (here: %(value)s)") % {
                    "condition": text,
                    "value": kept[fact.name],
                }
        elif fact.kind == "boolean":
            text = label if bool(value) != negated else _("not: %(fact)s") % {"fact": label}
        else:
            wanted = ", ".join(_value_label(fact.name, v) for v in value)
            op_in = (part["op"] == "in") != negated
            text = (
                _("%(fact)s is one of: %(values)s")
                if op_in
                else _("%(fact)s is none of: %(values)s")
            ) % {"fact": label, "values": wanted}
            if kept.get(fact.name):
                text = _("%(condition)s (here: %(value)s)") % {
                    "condition": text,
                    "value": _value_label(fact.name, kept[fact.name]),
                }
        lines.append(text)
    return lines
