"""Set-based evaluation of the watch rules.

For each rule, the provinces that share the same settings are evaluated together in a
handful of statements, whatever the number of people:

1. flags of people who moved to another province expire (``moved``);
2. flags in provinces where the rule is switched off expire (``rule_switched_off``);
3. for sensitive rules, flags of people whose consent or legal basis ended expire
   (``no_sensitive_basis``);
4. ``INSERT … SELECT``: a new flag for every matching person without a live one, with the
   matching facts as its reasons;
5. ``UPDATE``: live flags of people who no longer match are resolved.

Nothing here loops over people in Python. It runs after every change to a person (for
that person and their household) and over everyone from the scheduled task.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone

from saphan.people.models import HouseholdMember, Person
from saphan.watch.conditions import Compiled, condition_compile
from saphan.watch.models import FlagStatus, Resolution, RuleSetting, WatchFlag, WatchRule

LIVE = [FlagStatus.OPEN.value, FlagStatus.ACKNOWLEDGED.value]
#: After inserting this many flags, refresh PostgreSQL's statistics of the flag table:
#: with the old ones (say, an empty table) the next statements' plans loop over people
#: once per flag and take minutes instead of seconds.
ANALYZE_AFTER = 5000


@dataclass
class Summary:
    raised: int = 0
    resolved: int = 0
    expired: int = 0
    unchanged: int = 0
    by_rule: dict[str, dict[str, int]] = field(default_factory=dict)
    #: New flags per province, for the "new watch flags in your area" notification.
    raised_by_province: dict[str, int] = field(default_factory=dict)

    def add(self, rule: str, key: str, n: int) -> None:
        setattr(self, key, getattr(self, key) + n)
        counts = self.by_rule.setdefault(
            rule, {"raised": 0, "resolved": 0, "expired": 0, "unchanged": 0}
        )
        counts[key] += n

    def as_dict(self) -> dict[str, Any]:
        return {
            "raised": self.raised,
            "resolved": self.resolved,
            "expired": self.expired,
            "unchanged": self.unchanged,
            "by_rule": self.by_rule,
        }


def _household_of(person_ids: list[int]) -> list[int]:
    """The people themselves and everyone in their current households: household rules
    (an older person raising children, a child with no adult) depend on the others."""
    households = HouseholdMember.objects.filter(
        person_id__in=person_ids, until__isnull=True
    ).values("household_id")
    others = HouseholdMember.objects.filter(
        household_id__in=households, until__isnull=True
    ).values_list("person_id", flat=True)
    return sorted(set(person_ids) | set(others))


def _settings_groups(
    rule: WatchRule, province_code: str | None
) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """Provinces grouped by their effective thresholds (as canonical JSON), the provinces
    where the rule is off, and every province with its own setting."""
    groups: dict[str, list[str]] = defaultdict(list)
    off: list[str] = []
    custom: list[str] = []
    settings = RuleSetting.objects.filter(rule=rule)
    if province_code:
        settings = settings.filter(province_id=province_code)
    for setting in settings:
        custom.append(setting.province_id)
        if not setting.enabled:
            off.append(setting.province_id)
        else:
            key = json.dumps(setting.effective_parameters(), sort_keys=True)
            groups[key].append(setting.province_id)
    return groups, off, custom


def _insert_flags(
    rule: WatchRule, matching: QuerySet[Person], compiled: Compiled, now: dt.datetime
) -> int:
    """``INSERT INTO watch_watchflag … SELECT`` from the matching people."""
    live = WatchFlag.objects.filter(rule_id=rule.pk, person_id=OuterRef("pk"), status__in=LIVE)
    reasons: Any = JSONObject(**compiled.shown) if compiled.shown else Value("{}")
    if connection.vendor == "postgresql":
        reasons = Cast(reasons, JSONField())
    rows = (
        matching.exclude(Exists(live))
        .annotate(
            _w_rule=Value(rule.pk),
            _w_person=F("pk"),
            _w_province=F("province_id"),
            _w_priority=Value(rule.priority),
            _w_status=Value(FlagStatus.OPEN.value),
            _w_raised=Value(now, output_field=DateTimeField()),
            _w_reasons=reasons,
            _w_note=Value(""),
            _w_resolution=Value(""),
        )
        .values(
            "_w_rule",
            "_w_person",
            "_w_province",
            "_w_priority",
            "_w_status",
            "_w_raised",
            "_w_reasons",
            "_w_note",
            "_w_resolution",
        )
        .order_by()
    )
    sql, params = rows.query.sql_with_params()
    table = WatchFlag._meta.db_table
    columns = (
        "rule_id, person_id, province_id, priority, status, raised_at, reasons, note, resolution"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
        return max(cursor.rowcount, 0)


def _expire(flags: QuerySet[WatchFlag], resolution: Resolution, now: dt.datetime) -> int:
    return flags.update(status=FlagStatus.EXPIRED, resolved_at=now, resolution=resolution)


def _evaluate_rule(
    rule: WatchRule,
    *,
    summary: Summary,
    province_code: str | None,
    person_ids: list[int] | QuerySet[Any] | None,
    today: dt.date,
    now: dt.datetime,
) -> None:
    people = Person.objects.current()
    flags = WatchFlag.objects.filter(rule=rule, status__in=LIVE)
    if province_code:
        people = people.filter(province_id=province_code)
        flags = flags.filter(province_id=province_code)
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
        flags = flags.filter(person_id__in=person_ids)

    # A flag left on a merged record (the survivor had its own for the rule) ends; the
    # survivor's flag carries on.
    merged = flags.filter(person__merged_into__isnull=False)
    summary.add(rule.code, "expired", _expire(merged, Resolution.MERGED, now))
    moved = flags.exclude(province_id=F("person__province_id"))
    summary.add(rule.code, "expired", _expire(moved, Resolution.MOVED, now))

    groups, off, custom = _settings_groups(rule, province_code)
    if off:
        switched_off = flags.filter(province_id__in=off)
        summary.add(rule.code, "expired", _expire(switched_off, Resolution.RULE_SWITCHED_OFF, now))
    # Provinces without a setting of their own follow the rule's defaults.
    batches: list[tuple[dict[str, Any], Q]] = []
    if rule.enabled:
        default_scope = ~Q(province_id__in=custom) if custom else Q()
        if not (province_code and province_code in custom):
            batches.append((rule.parameters, default_scope))
    else:
        default_off = flags.exclude(province_id__in=custom) if custom else flags
        summary.add(rule.code, "expired", _expire(default_off, Resolution.RULE_SWITCHED_OFF, now))
    for key, codes in groups.items():
        batches.append((json.loads(key), Q(province_id__in=codes)))

    for parameters, scope in batches:
        compiled = condition_compile(rule.condition, parameters, today)
        scoped_people = people.filter(scope)
        scoped_flags = flags.filter(person__in=scoped_people.values("pk"))
        if compiled.sensitive:
            no_basis = scoped_flags.filter(person__sensitive_basis="")
            summary.add(rule.code, "expired", _expire(no_basis, Resolution.NO_SENSITIVE_BASIS, now))
            scoped_people = scoped_people.exclude(sensitive_basis="")
        matching = scoped_people.annotate(**compiled.annotations).filter(compiled.q)
        before = _live_count(scoped_flags)
        raised = _insert_flags(rule, matching, compiled, now)
        summary.add(rule.code, "raised", raised)
        if raised >= ANALYZE_AFTER:
            _analyze_flags()
        still = matching.filter(pk=OuterRef("person_id")).values("pk")
        resolved = (
            WatchFlag.objects.filter(rule=rule, status__in=LIVE)
            .filter(person__in=scoped_people.values("pk"))
            .exclude(Exists(still))
            .update(
                status=FlagStatus.RESOLVED,
                resolved_at=now,
                resolution=Resolution.NO_LONGER_MATCHES,
            )
        )
        summary.add(rule.code, "resolved", resolved)
        summary.add(rule.code, "unchanged", max(before - resolved, 0))
        if raised:
            new = (
                WatchFlag.objects.filter(rule=rule, status=FlagStatus.OPEN, raised_at=now)
                .values("province_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for row in new:
                code = row["province_id"]
                summary.raised_by_province[code] = (
                    summary.raised_by_province.get(code, 0) + row["n"]
                )


def _analyze_flags() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {WatchFlag._meta.db_table}")


def _live_count(flags: QuerySet[WatchFlag]) -> int:
    return flags.count()


def watch_evaluate(
    *,
    province_code: str | None = None,
    person_ids: Iterable[int] | QuerySet[Any] | None = None,
    rule_codes: Iterable[str] | None = None,
    today: dt.date | None = None,
    with_households: bool = True,
) -> Summary:
    """Evaluate every rule (or ``rule_codes``) for everyone, one province, or some people.

    Each rule runs in its own transaction, so a long run holds no lock for long and a
    failure leaves the rules already evaluated consistent."""
    today = today or timezone.localdate()
    ids: list[int] | QuerySet[Any] | None = None
    if isinstance(person_ids, QuerySet):
        # A subquery (e.g. the people a bulk import just created): no long id list
        # travels to the database, and their households are not expanded.
        ids = person_ids.values("pk")
    elif person_ids is not None:
        ids = list(person_ids)
        if with_households and ids:
            ids = _household_of(ids)
        if not ids:
            return Summary()
    rules = WatchRule.objects.all()
    if rule_codes is not None:
        rules = rules.filter(code__in=list(rule_codes))
    summary = Summary()
    for rule in rules:
        with transaction.atomic():
            now = timezone.now()
            _evaluate_rule(
                rule,
                summary=summary,
                province_code=province_code,
                person_ids=ids,
                today=today,
                now=now,
            )
    _mark_stats_stale(province_code, ids)
    return summary


def _mark_stats_stale(province_code: str | None, ids: list[int] | QuerySet[Any] | None) -> None:
    """Flags changed: the statistics of these provinces are out of date (reports)."""
    from saphan.geo.models import Province
    from saphan.reports.aggregates import stats_mark_stale

    if province_code:
        codes: Iterable[str] = [province_code]
    elif ids is None:
        codes = Province.objects.project().values_list("code", flat=True)
    else:
        codes = (
            Person.objects.filter(pk__in=ids).order_by().values_list("province_id", flat=True)
        ).distinct()
    stats_mark_stale(province_codes=list(codes))
