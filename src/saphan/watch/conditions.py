"""The condition language of watch rules, compiled to database queries.

A condition is JSON a coordinator can read::

    {"all": [
        {"fact": "age", "op": ">=", "value": "$min_age"},
        {"fact": "disability", "op": "is", "value": true},
        {"any": [{"fact": "bedridden", "op": "is", "value": true},
                 {"fact": "chronic_illness", "op": "is", "value": true}]},
        {"not": {"fact": "work_status", "op": "in", "value": ["employed"]}}
    ]}

``"$name"`` refers to a threshold of the rule (``WatchRule.parameters``), which each
province may override. :func:`condition_validate` refuses anything it does not know, with
a message in the user's language; :func:`condition_compile` turns a valid condition into
annotations and a ``Q`` over ``Person`` — evaluation is one query, never a loop in Python.
Facts marked *sensitive* are PDPA s.26 data: a rule that uses one only looks at people
whose sensitive data may be used now (consent or legal basis).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from saphan.people import choices as c
from saphan.people.groups import aged_at_least

NUMBER, BOOLEAN, CHOICE = "number", "boolean", "choice"
OPS = {
    NUMBER: (">=", ">", "<=", "<", "=="),
    BOOLEAN: ("is",),
    CHOICE: ("in", "not_in"),
}
MAX_NUMBER = 10_000
MAX_DEPTH = 4


@dataclass(frozen=True)
class Compiled:
    annotations: dict[str, Any] = field(default_factory=dict)
    q: Q = field(default_factory=Q)
    #: Facts whose values explain a flag: name → expression stored in ``reasons``.
    shown: dict[str, Any] = field(default_factory=dict)
    sensitive: bool = False


@dataclass(frozen=True)
class Fact:
    name: str
    kind: str
    label: Any
    sensitive: bool = False
    choices: tuple[str, ...] = ()
    #: (op, value, today) → (annotations, Q); the default compares a column or annotation.
    build: Callable[[str, Any, dt.date], tuple[dict[str, Expression], Q]] | None = None
    #: today → expression whose value explains the match (kept in the flag's reasons).
    shown: Callable[[dt.date], Any] | None = None


# --- how facts become SQL -------------------------------------------------------------

_LOOKUP = {">=": "gte", ">": "gt", "<=": "lte", "<": "lt", "==": "exact"}


def _age_expression(today: dt.date) -> Any:
    """Whole years on ``today`` from a possibly partial birth date (unknown month or day
    counts as January / the 1st, as everywhere in the registry)."""
    years = Value(today.year) - F("birth_year")
    before_birthday = Q(birth_month__gt=today.month) | Q(
        birth_month=today.month, birth_day__gt=today.day
    )
    return Case(
        When(birth_year__isnull=True, then=Value(None)),
        When(before_birthday, then=years - 1),
        default=years,
        output_field=IntegerField(),
    )


def _age(op: str, value: Any, today: dt.date) -> tuple[dict[str, Expression], Q]:
    # Uses the same date arithmetic as the derived groups, so "older person" agrees.
    n = int(value)
    at_least = {">=": n, ">": n + 1}.get(op)
    below = {"<": n, "<=": n + 1}.get(op)
    if at_least is not None:
        return {}, aged_at_least(at_least, today)
    if below is not None:
        return {}, Q(birth_year__isnull=False) & ~aged_at_least(below, today)
    return {}, aged_at_least(n, today) & ~aged_at_least(n + 1, today)


def _exists(model_name: str, **filters: Any) -> Any:
    from saphan.people import models as people_models

    model = getattr(people_models, model_name)
    return Exists(model.objects.filter(person=OuterRef("pk"), **filters))


def _bool_exists(model_name: str, **filters: Any) -> Callable[..., tuple[dict[str, Any], Q]]:
    def build(op: str, value: Any, today: dt.date) -> tuple[dict[str, Any], Q]:
        q = Q(_exists(model_name, **filters))
        return {}, q if value else ~q

    return build


def _bool_field(name: str) -> Callable[..., tuple[dict[str, Any], Q]]:
    def build(op: str, value: Any, today: dt.date) -> tuple[dict[str, Any], Q]:
        return {}, Q(**{name: bool(value)})

    return build


def _choice_field(name: str) -> Callable[..., tuple[dict[str, Any], Q]]:
    def build(op: str, value: Any, today: dt.date) -> tuple[dict[str, Any], Q]:
        q = Q(**{f"{name}__in": list(value)})
        return {}, q if op == "in" else ~q

    return build


def _group(op: str, value: Any, today: dt.date) -> tuple[dict[str, Any], Q]:
    q = Q(_exists("PersonGroup", group__in=list(value)))
    return {}, q if op == "in" else ~q


def _disability_card(op: str, value: Any, today: dt.date) -> tuple[dict[str, Any], Q]:
    states = {
        "valid": ~Q(disability_card_index="")
        & (Q(disability_card_expiry__isnull=True) | Q(disability_card_expiry__gte=today)),
        "expired": ~Q(disability_card_index="") & Q(disability_card_expiry__lt=today),
        "none": Q(disability_card_index=""),
    }
    q = Q()
    for state in value:
        q |= states[state]
    return {}, q if op == "in" else ~q


def _card_days_left(op: str, value: Any, today: dt.date) -> tuple[dict[str, Any], Q]:
    # "expires within N days" compares the expiry date with today + N: no date maths in SQL.
    limit = today + dt.timedelta(days=int(value))
    lookup = {"<=": "lte", "<": "lt", ">=": "gte", ">": "gt", "==": "exact"}[op]
    return {}, ~Q(disability_card_index="") & Q(**{f"disability_card_expiry__{lookup}": limit})


def _current_household() -> Any:
    from saphan.people.models import HouseholdMember

    return Subquery(
        HouseholdMember.objects.filter(person=OuterRef("pk"), until__isnull=True).values(
            "household_id"
        )[:1]
    )


def _household_count(name: str, member_filter: Callable[[dt.date], Q]) -> Fact:
    annotation = f"_hh_{name}"

    def expression(today: dt.date) -> Any:
        from saphan.people.models import HouseholdMember

        # Members of the same current household (``_hh_id``, annotated alongside).
        counted = (
            HouseholdMember.objects.filter(household_id=OuterRef("_hh_id"), until__isnull=True)
            .filter(member_filter(today))
            .values("household_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    def build(op: str, value: Any, today: dt.date) -> tuple[dict[str, Any], Q]:
        return (
            {"_hh_id": _current_household(), annotation: expression(today)},
            Q(**{f"{annotation}__{_LOOKUP[op]}": int(value)}),
        )

    return Fact(
        name,
        NUMBER,
        _HOUSEHOLD_LABELS[name],
        build=build,
        shown=lambda today: F(annotation),
    )


def _member_aged(low: int | None, high: int | None) -> Callable[[dt.date], Q]:
    """Household members aged ``low`` ≤ age < ``high`` on the day (known birth year)."""

    def member_q(today: dt.date) -> Q:
        q = Q(person__birth_year__isnull=False)
        if low is not None:
            q &= _prefixed(aged_at_least(low, today), "person__")
        if high is not None:
            q &= ~_prefixed(aged_at_least(high, today), "person__")
        return q

    return member_q


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition on a related person (``person__birth_year`` …)."""
    children: list[Any] = [
        _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])  # type: ignore[index]
        for child in q.children
    ]
    copy = Q()
    copy.connector, copy.negated, copy.children = q.connector, q.negated, children
    return copy


_HOUSEHOLD_LABELS = {
    "household_members": _("people in the household"),
    "household_children": _("children under 18 in the household"),
    "household_adults": _("adults (18 or over) in the household"),
    "household_working_age_adults": _("working-age adults (18–59) in the household"),
}

FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact("age", NUMBER, _("age"), build=_age, shown=_age_expression),
        Fact(
            "disability",
            BOOLEAN,
            _("has a disability"),
            sensitive=True,
            build=_bool_exists("Disability"),
        ),
        Fact(
            "severe_disability",
            BOOLEAN,
            _("has a severe disability"),
            sensitive=True,
            build=_bool_exists("Disability", severity=c.Severity.SEVERE),
        ),
        Fact(
            "disability_card",
            CHOICE,
            _("disability card"),
            sensitive=True,
            choices=("valid", "expired", "none"),
            build=_disability_card,
        ),
        Fact(
            "disability_card_days_left",
            NUMBER,
            _("days until the disability card expires"),
            sensitive=True,
            build=_card_days_left,
            shown=lambda today: F("disability_card_expiry"),
        ),
        Fact("bedridden", BOOLEAN, _("bedridden"), sensitive=True, build=_bool_field("bedridden")),
        Fact(
            "chronic_illness",
            BOOLEAN,
            _("has a chronic illness"),
            sensitive=True,
            build=_bool_field("chronic_illness"),
        ),
        Fact(
            "no_fixed_address",
            BOOLEAN,
            _("no fixed address"),
            build=_bool_field("no_fixed_address"),
        ),
        Fact(
            "work_status",
            CHOICE,
            _("work"),
            choices=tuple(c.WorkStatus.values),
            build=_choice_field("work_status"),
            shown=lambda today: F("work_status"),
        ),
        Fact(
            "income_band",
            CHOICE,
            _("income"),
            choices=tuple(c.IncomeBand.values),
            build=_choice_field("income_band"),
            shown=lambda today: F("income_band"),
        ),
        Fact(
            "civil_status",
            CHOICE,
            _("civil status"),
            sensitive=True,
            choices=tuple(c.CivilStatus.values),
            build=_choice_field("civil_status"),
            shown=lambda today: F("civil_status"),
        ),
        Fact(
            "verification_stage",
            CHOICE,
            _("nationality verification stage"),
            sensitive=True,
            choices=(*c.VerificationStage.values, ""),
            build=_choice_field("verification_stage"),
            shown=lambda today: F("verification_stage"),
        ),
        Fact(
            "group",
            CHOICE,
            _("population group"),
            choices=tuple(c.PopulationGroup.values),
            build=_group,
        ),
        _household_count("household_members", lambda today: Q()),
        _household_count("household_children", _member_aged(None, c.ADULT_AGE)),
        _household_count("household_adults", _member_aged(c.ADULT_AGE, None)),
        _household_count(
            "household_working_age_adults", _member_aged(c.ADULT_AGE, c.OLDER_PERSON_AGE)
        ),
    )
}

#: Groups that reveal sensitive data make a ``group`` condition sensitive too.
_SENSITIVE_GROUP_VALUES = {str(g) for g in c.HIDDEN_WITH_SENSITIVE}


# --- validation -----------------------------------------------------------------------


def _invalid(message: Any, **params: Any) -> ValidationError:
    return ValidationError({"condition": ValidationError(message, params=params or None)})


def _resolve(value: Any, parameters: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        name = value[1:]
        if name not in parameters:
            raise _invalid(_("The threshold “%(name)s” is not defined for this rule."), name=name)
        return parameters[name]
    return value


def parameters_validate(parameters: Any, *, defaults: dict[str, Any] | None = None) -> None:
    """Thresholds are whole numbers from 0 to 10,000 (ages, days, counts)."""
    if not isinstance(parameters, dict):
        raise ValidationError({"parameters": _("Thresholds must be a set of named numbers.")})
    for name, value in parameters.items():
        if defaults is not None and name not in defaults:
            raise ValidationError(
                {
                    "parameters": ValidationError(
                        _("Unknown threshold “%(name)s”."), params={"name": name}
                    )
                }
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NUMBER:
            raise ValidationError(
                {
                    "parameters": ValidationError(
                        _("The threshold “%(name)s” must be a whole number from 0 to 10,000."),
                        params={"name": name},
                    )
                }
            )


def condition_validate(condition: Any, parameters: dict[str, Any], *, depth: int = 0) -> None:
    """Raise ``ValidationError`` on the ``condition`` field for anything not understood."""
    if depth > MAX_DEPTH:
        raise _invalid(_("The condition is nested too deeply."))
    if not isinstance(condition, dict) or len(condition) == 0:
        raise _invalid(_('A condition must be an object such as {"fact": …} or {"all": […]}.'))
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        parts = condition[key]
        if set(condition) != {key} or not isinstance(parts, list) or not parts:
            raise _invalid(_("“%(key)s” needs a non-empty list of conditions."), key=key)
        for part in parts:
            condition_validate(part, parameters, depth=depth + 1)
        return
    if "not" in condition:
        if set(condition) != {"not"}:
            raise _invalid(_("“not” takes exactly one condition."))
        condition_validate(condition["not"], parameters, depth=depth + 1)
        return
    if set(condition) != {"fact", "op", "value"}:
        raise _invalid(_("A fact condition has exactly the keys fact, op and value."))
    fact = FACTS.get(condition["fact"]) if isinstance(condition["fact"], str) else None
    if fact is None:
        raise _invalid(_("Unknown fact “%(fact)s”."), fact=str(condition["fact"]))
    if condition["op"] not in OPS[fact.kind]:
        raise _invalid(
            _("The fact “%(fact)s” cannot be compared with “%(op)s”."),
            fact=fact.name,
            op=str(condition["op"]),
        )
    value = _resolve(condition["value"], parameters)
    if fact.kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NUMBER:
            raise _invalid(_("“%(fact)s” needs a whole number from 0 to 10,000."), fact=fact.name)
    elif fact.kind == BOOLEAN:
        if not isinstance(value, bool):
            raise _invalid(_("“%(fact)s” needs true or false."), fact=fact.name)
    else:
        if not isinstance(value, list) or not value:
            raise _invalid(_("“%(fact)s” needs a non-empty list of values."), fact=fact.name)
        unknown = [v for v in value if v not in fact.choices]
        if unknown:
            raise _invalid(
                _("Unknown value “%(value)s” for “%(fact)s”."),
                value=str(unknown[0]),
                fact=fact.name,
            )


# --- compiling ------------------------------------------------------------------------


def condition_compile(
    condition: dict[str, Any], parameters: dict[str, Any], today: dt.date
) -> Compiled:
    """A validated condition → annotations, a ``Q`` and what to keep as reasons."""
    annotations: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    sensitive = False

    def walk(node: dict[str, Any]) -> Q:
        nonlocal sensitive
        if "all" in node or "any" in node:
            parts = [walk(part) for part in node.get("all") or node["any"]]
            combined = parts[0]
            for part in parts[1:]:
                combined = combined & part if "all" in node else combined | part
            return combined
        if "not" in node:
            return ~walk(node["not"])
        fact = FACTS[node["fact"]]
        value = _resolve(node["value"], parameters)
        if fact.sensitive or (fact.name == "group" and _SENSITIVE_GROUP_VALUES.intersection(value)):
            sensitive = True
        assert fact.build is not None
        extra, q = fact.build(node["op"], value, today)
        annotations.update(extra)
        if fact.shown is not None:
            shown[fact.name] = fact.shown(today)
        return q

    q = walk(condition)
    return Compiled(annotations=annotations, q=q, shown=shown, sensitive=sensitive)


def facts_used(condition: dict[str, Any]) -> list[dict[str, Any]]:
    """The fact conditions in reading order, for explaining a rule."""
    if "all" in condition or "any" in condition:
        return [f for part in condition.get("all") or condition["any"] for f in facts_used(part)]
    if "not" in condition:
        return [{**f, "negated": not f.get("negated", False)} for f in facts_used(condition["not"])]
    return [dict(condition)]
