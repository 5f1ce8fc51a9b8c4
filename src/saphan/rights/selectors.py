"""Reads of the rights context: one person's rights, the gap list and its totals.

Everything starts from ``Person.objects.visible_to(user)``; callers (views, API,
commands) write the access log. The gap is *eligible on the registry's facts and not
receiving*: people recorded as "applied" or "refused" stay in it (they still miss the
money); "receiving" takes them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Sum, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.geo.models import Province
from saphan.people.models import Person, PersonQuerySet
from saphan.rights.choices import Eligibility, RightStatus
from saphan.rights.eligibility import (
    NEEDS_CIVIL_STATUS,
    ZERO,
    Rule,
    catalogue_on,
    receiving,
    rules_on,
    status_expression,
)
from saphan.rights.models import PersonRight, Scheme

MAX_PAGE = 200


def scheme_list() -> list[Scheme]:
    return list(Scheme.objects.order_by("sort_order", "code"))


# --- one person -----------------------------------------------------------------------


@dataclass
class RightRow:
    scheme: Scheme
    eligibility: str  # an Eligibility value
    #: Why "cannot tell": "no_basis" (no consent or legal basis) or "no_civil_status".
    unknown_reason: str
    #: The recorded status, or the one derived from the verification stage, or "".
    status: str
    derived: bool  # status comes from the verification stage, not a record
    record: PersonRight | None
    monthly_amount: Decimal  # what the person would receive (0 for non-cash schemes)
    in_gap: bool  # eligible and not receiving
    missing_monthly: Decimal  # baht a month missed while in the gap

    @property
    def eligibility_label(self) -> str:
        return str(Eligibility(self.eligibility).label)

    @property
    def status_label(self) -> str:
        if self.status:
            return str(RightStatus(self.status).label)
        if self.eligibility == Eligibility.ELIGIBLE:
            return str(_("Not applied"))
        return ""


def _flag(rule: Rule) -> Any:
    return Case(
        When(rule.eligible, then=Value(Eligibility.ELIGIBLE)),
        When(rule.check, then=Value(Eligibility.CHECK_INCOME)),
        default=Value(Eligibility.NOT_ELIGIBLE),
    )


def person_rights(*, user: User, person: Person, today: dt.date | None = None) -> list[RightRow]:
    """Each scheme for one person: eligibility on ``today``, recorded status, amount and
    gap. The same rules as the gap list, evaluated in one query on this person only."""
    today = today or timezone.localdate()
    rules = rules_on(catalogue_on(today))
    qs: Any = Person.objects.visible_to(user).filter(pk=person.pk)
    annotations: dict[str, Any] = {}
    for rule in rules:
        annotations.update(rule.annotations)
    qs = qs.annotate(**annotations)
    values: dict[str, Any] = {}
    for rule in rules:
        values[f"e_{rule.code}"] = _flag(rule)
        values[f"a_{rule.code}"] = rule.amount
        values[f"s_{rule.code}"] = status_expression(rule)
    found = qs.values("sensitive_basis", "civil_status", **values).first()
    if found is None:
        raise Http404
    records = {r.scheme_id: r for r in PersonRight.objects.filter(person=person)}
    rows = []
    for rule in rules:
        eligibility = found[f"e_{rule.code}"]
        unknown_reason = ""
        if not found["sensitive_basis"]:
            eligibility, unknown_reason = Eligibility.UNKNOWN, "no_basis"
        elif rule.code in NEEDS_CIVIL_STATUS and not found["civil_status"]:
            eligibility, unknown_reason = Eligibility.UNKNOWN, "no_civil_status"
        record = records.get(rule.scheme.pk)
        status = found[f"s_{rule.code}"] or ""
        amount = Decimal(found[f"a_{rule.code}"] or ZERO).quantize(Decimal("0.01"))
        in_gap = eligibility == Eligibility.ELIGIBLE and status != RightStatus.RECEIVING
        rows.append(
            RightRow(
                scheme=rule.scheme,
                eligibility=eligibility,
                unknown_reason=unknown_reason,
                status=status,
                derived=bool(status) and record is None,
                record=record,
                monthly_amount=amount if rule.scheme.is_cash else ZERO,
                in_gap=in_gap,
                missing_monthly=amount if in_gap and rule.scheme.is_cash else ZERO,
            )
        )
    return rows


# --- the gap --------------------------------------------------------------------------


def _rule_for(rules: list[Rule], scheme_code: str) -> list[Rule]:
    if not scheme_code:
        return rules
    chosen = [r for r in rules if r.code == scheme_code]
    if not chosen:
        raise ValidationError(
            {
                "scheme": ValidationError(
                    _("Unknown scheme “%(code)s”. Use one of: %(codes)s."),
                    params={"code": scheme_code, "codes": ", ".join(r.code for r in rules)},
                )
            }
        )
    return chosen


def _scoped_people(
    user: User, province_code: str | None, district_code: str | None
) -> PersonQuerySet:
    """The user's people, narrowed to a province or district. A province or district
    outside the user's scope (or unknown) is a 404, like any out-of-scope object."""
    qs: PersonQuerySet = Person.objects.visible_to(user)
    if province_code:
        scope = policy.province_codes_of(user)
        exists = Province.objects.filter(code=province_code).exists()
        if not exists or (scope is not None and province_code not in scope):
            raise Http404
        qs = qs.filter(province_id=province_code)
    if district_code:
        scope = policy.province_codes_of(user)
        if scope is not None and district_code[:2] not in scope:
            raise Http404
        qs = qs.filter(district_id=district_code)
    return qs


def gap_queryset(rule: Rule, people: PersonQuerySet) -> PersonQuerySet:
    """People in ``people`` eligible for ``rule``'s scheme and not receiving it, with
    ``monthly_amount`` computed in the database."""
    qs: Any = people
    if rule.annotations:
        qs = qs.annotate(**rule.annotations)
    return (
        qs.filter(rule.eligible)
        .exclude(receiving(rule))
        .annotate(
            monthly_amount=rule.amount
            if rule.scheme.is_cash
            else Value(ZERO, output_field=rule.amount.output_field)
        )
    )


@dataclass
class GapRow:
    person: Person
    scheme: Scheme
    monthly_amount: Decimal
    status: str  # "", applied or refused (receiving is never in the gap)

    @property
    def status_label(self) -> str:
        return str(RightStatus(self.status).label) if self.status else str(_("Not applied"))


@dataclass
class GapPage:
    total: int
    rows: list[GapRow]
    limit: int
    offset: int


def rights_gaps(
    *,
    user: User,
    province_code: str | None = None,
    scheme_code: str | None = None,
    district_code: str | None = None,
    today: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> GapPage:
    """One page of the gap list: (person, scheme) pairs ordered by scheme, province and
    name. Counted per scheme in the database; only the rows of the page are loaded."""
    today = today or timezone.localdate()
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    rules = _rule_for(rules_on(catalogue_on(today)), scheme_code or "")
    people = _scoped_people(user, province_code, district_code)
    counted = [(rule, gap_queryset(rule, people).count()) for rule in rules]
    total = sum(n for _rule, n in counted)
    rows: list[GapRow] = []
    skip, want = offset, limit
    for rule, n in counted:
        if want <= 0:
            break
        if skip >= n:
            skip -= n
            continue
        page: list[Any] = list(
            gap_queryset(rule, people)
            .annotate(right_status=status_expression(rule))
            .select_related("province", "district")
            .order_by("province_id", "name_sort", "pk")[skip : skip + want]
        )
        for person in page:
            rows.append(
                GapRow(
                    person=person,
                    scheme=rule.scheme,
                    monthly_amount=Decimal(person.monthly_amount).quantize(Decimal("0.01")),
                    status=person.right_status or "",
                )
            )
        want -= len(page)
        skip = 0
    return GapPage(total=total, rows=rows, limit=limit, offset=offset)


@dataclass
class GapSummaryRow:
    province: Province
    scheme: Scheme
    people: int
    missing_monthly: Decimal  # baht a month, all people in the row together


@dataclass
class GapSummary:
    rows: list[GapSummaryRow]
    people: int  # (person, scheme) pairs
    missing_monthly: Decimal
    day: dt.date


def rights_gap_summary(
    *,
    user: User,
    province_code: str | None = None,
    district_code: str | None = None,
    scheme_code: str | None = None,
    today: dt.date | None = None,
) -> GapSummary:
    """Per province × scheme: people in the gap and baht a month missed. One GROUP BY
    query per scheme; no loop over people."""
    today = today or timezone.localdate()
    rules = _rule_for(rules_on(catalogue_on(today)), scheme_code or "")
    return _summary(_scoped_people(user, province_code, district_code), rules, today)


def system_gap_summary(
    *,
    province_code: str | None = None,
    scheme_code: str | None = None,
    today: dt.date | None = None,
) -> GapSummary:
    """The same totals over every province, for the operators' command line only
    (``saphan rights gaps``): aggregates, never names."""
    today = today or timezone.localdate()
    rules = _rule_for(rules_on(catalogue_on(today)), scheme_code or "")
    people: PersonQuerySet = Person.objects.current()
    if province_code:
        if not Province.objects.filter(code=province_code).exists():
            raise Http404
        people = people.filter(province_id=province_code)
    return _summary(people, rules, today)


def _summary(people: PersonQuerySet, rules: list[Rule], today: dt.date) -> GapSummary:
    provinces = {p.code: p for p in Province.objects.all()}
    rows: list[GapSummaryRow] = []
    for rule in rules:
        grouped = (
            gap_queryset(rule, people)
            .order_by()
            .values("province_id")
            .annotate(n=Count("pk"), baht=Sum("monthly_amount"))
            .order_by("province_id")
        )
        for item in grouped:
            rows.append(
                GapSummaryRow(
                    province=provinces[item["province_id"]],
                    scheme=rule.scheme,
                    people=item["n"],
                    missing_monthly=Decimal(item["baht"] or 0).quantize(Decimal("0.01")),
                )
            )
    rows.sort(key=lambda r: (r.province.code, r.scheme.sort_order))
    return GapSummary(
        rows=rows,
        people=sum(r.people for r in rows),
        missing_monthly=sum((r.missing_monthly for r in rows), ZERO),
        day=today,
    )
