"""Rebuilding the pre-aggregated statistics (``StatFact``) of a province.

A province is rebuilt whole, inside one transaction, from a few dozen GROUP BY queries
over its own rows (people, flags, cases…); nothing else reads the registry for a
dashboard. Writes mark their provinces stale (``stats_mark_stale``); a background task
rebuilds the stale provinces, and an import rebuilds the provinces it touched when it
ends. That is the "incremental" part: the unit of work is one province.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from saphan.reports.models import Measure, StatFact, StatProvince

ZERO = Decimal(0)


def months_kept(today: dt.date | None = None) -> dt.date:
    """The first month whose flows are kept (``SAPHAN_STATS_MONTHS`` months back)."""
    today = today or timezone.localdate()
    back = int(getattr(settings, "SAPHAN_STATS_MONTHS", 36)) - 1
    year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
    return dt.date(year, month + 1, 1)


def _referral_turnaround(province_code: str, today: dt.date) -> list[StatFact]:
    """Referrals answered per district and month, with the days they waited summed in
    ``amount`` (mean = amount / count). Few rows: computed in Python, on any database."""
    from saphan.cases.models import Referral

    since = months_kept(today)
    answered = (
        Referral.objects.filter(
            case__person__province_id=province_code,
            case__person__merged_into__isnull=True,
            decided_at__isnull=False,
            decided_at__date__gte=since,
        )
        .order_by()
        .values_list("case__person__district_id", "status", "created_at", "decided_at")
    )
    facts: dict[tuple[str, str, dt.date], StatFact] = {}
    for district, status, sent, decided in answered.iterator(chunk_size=5000):
        if decided is None:  # filtered out above; for the type checker
            continue
        local = timezone.localtime(decided)
        month = dt.date(local.year, local.month, 1)
        key = (district or "", status, month)
        fact = facts.setdefault(
            key,
            StatFact(
                measure=Measure.REFERRALS_ANSWERED,
                district_code=district or "",
                category=status,
                month=month,
                count=0,
                amount=ZERO,
            ),
        )
        fact.count += 1
        days = Decimal((decided - sent).total_seconds()) / Decimal(86400)
        fact.amount += days.quantize(Decimal("0.01"))
    return list(facts.values())


def province_facts(province_code: str, today: dt.date | None = None) -> list[StatFact]:
    """Every statistic of one province, computed from the registry (not saved)."""
    from saphan.reports.facts import computed_facts

    today = today or timezone.localdate()
    facts = computed_facts(province_code, months_kept(today), today)
    facts.extend(_referral_turnaround(province_code, today))
    for fact in facts:
        fact.province_code = province_code
    return facts


@dataclass
class RefreshResult:
    provinces: list[str]
    facts: int
    seconds: float


def stats_refresh(
    *, province_codes: Iterable[str] | None = None, today: dt.date | None = None
) -> RefreshResult:
    """Rebuild the statistics of the given provinces (default: the stale ones). Each
    province is swapped in one transaction, so a dashboard never sees half of it."""
    from saphan.geo.models import Province

    started = time.perf_counter()
    if province_codes is None:
        codes = sorted(
            StatProvince.objects.filter(stale_since__isnull=False).values_list(
                "province_code", flat=True
            )
        )
    else:
        codes = sorted(set(province_codes))
    known = set(Province.objects.filter(code__in=codes).values_list("code", flat=True))
    total = 0
    for code in codes:
        if code not in known:
            continue
        began = time.perf_counter()
        # Claim the province first: a write while its figures are being computed finds
        # it not stale, marks it again and queues another refresh, so no write is lost.
        StatProvince.objects.update_or_create(province_code=code, defaults={"stale_since": None})
        try:
            facts = province_facts(code, today)
            with transaction.atomic():
                StatFact.objects.filter(province_code=code).delete()
                StatFact.objects.bulk_create(facts, batch_size=5000)
                people = sum(
                    f.count
                    for f in facts
                    if f.measure == Measure.PEOPLE and not f.group and not f.subdistrict_code
                )
                StatProvince.objects.filter(province_code=code).update(
                    refreshed_at=timezone.now(),
                    refresh_seconds=time.perf_counter() - began,
                    people=people,
                )
        except Exception:
            # Figures not rebuilt: leave the province stale for the next run.
            StatProvince.objects.filter(province_code=code, stale_since__isnull=True).update(
                stale_since=timezone.now()
            )
            raise
        total += len(facts)
    return RefreshResult(provinces=codes, facts=total, seconds=time.perf_counter() - started)


def stats_mark_stale(*, province_codes: Iterable[str]) -> None:
    """Record that these provinces' statistics are out of date and queue a refresh once
    the transaction commits. Cheap: one upsert per province, one task per burst."""
    codes = {c for c in province_codes if c}
    if not codes:
        return
    now = timezone.now()
    newly_stale = False
    for code in codes:
        state, created = StatProvince.objects.get_or_create(
            province_code=code, defaults={"stale_since": now}
        )
        if created:
            newly_stale = True
        elif state.stale_since is None:
            StatProvince.objects.filter(pk=code, stale_since__isnull=True).update(stale_since=now)
            newly_stale = True
    if newly_stale and getattr(settings, "SAPHAN_STATS_REFRESH_ON_WRITE", True):
        transaction.on_commit(_enqueue_refresh)


def _enqueue_refresh() -> None:
    from saphan.reports.tasks import refresh_stale_stats

    refresh_stale_stats.enqueue()
