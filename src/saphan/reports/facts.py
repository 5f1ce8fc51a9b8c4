"""Computing one province's statistics: a few plain reads, aggregated in memory.

Each source (people, flags, cases, services, referrals, the rights gap per scheme) is read
once as narrow rows ``(person, category, month, amount)`` — no join with the group table
in SQL, which made PostgreSQL scan every group membership of the registry once per
measure and grain. The province's people (district, subdistrict) and their group
memberships are read once, and polars joins and counts the three grains:

* district × category × month (everyone: ``group = ""``);
* district × group × category × month;
* subdistrict × month (everyone, no category) — for model areas.

Amounts are summed in satang (integers), so baht stay exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import DateField, F, QuerySet, Value
from django.db.models.functions import TruncMonth

from saphan.reports.models import Measure, StatFact

_SOURCE_SCHEMA = {"pid": pl.Int64, "c": pl.Utf8, "m": pl.Date, "a": pl.Int64}


def _month(field: str) -> TruncMonth:
    return TruncMonth(field, output_field=DateField())


def _satang(value: Any) -> int:
    return int((Decimal(value or 0) * 100).to_integral_value())


def _frame(rows: Iterable[tuple[Any, ...]], *, amounts: bool = False) -> pl.DataFrame:
    """``(pid, category, month[, amount])`` rows as a frame of the source schema."""
    data: dict[str, list[Any]] = {"pid": [], "c": [], "m": [], "a": []}
    for row in rows:
        data["pid"].append(row[0])
        data["c"].append(row[1] or "")
        month = row[2]
        data["m"].append(month.date() if isinstance(month, dt.datetime) else month)
        data["a"].append(_satang(row[3]) if amounts else 0)
    return pl.DataFrame(data, schema=_SOURCE_SCHEMA)


def _source(qs: QuerySet[Any], person: str, category: Any, month: Any, amount: Any = None) -> Any:
    """The narrow rows of one source, straight from the database."""
    columns: dict[str, Any] = {
        "_pid": F(person),
        "_c": F(category) if isinstance(category, str) else category,
        "_m": month if month is not None else Value(None, output_field=DateField()),
    }
    if amount is not None:
        columns["_a"] = F(amount)
    names = ["_pid", "_c", "_m"] + (["_a"] if amount is not None else [])
    return qs.order_by().annotate(**columns).values_list(*names).iterator(chunk_size=20_000)


def _sources(
    province_code: str, since: dt.date, today: dt.date
) -> Iterator[tuple[str, pl.DataFrame]]:
    from saphan.cases import choices as case_choices
    from saphan.cases.models import Case, Referral, ServiceDelivery
    from saphan.people.models import Person
    from saphan.rights.eligibility import catalogue_on, rules_on
    from saphan.rights.selectors import gap_queryset
    from saphan.watch.models import LIVE_STATUSES, WatchFlag

    people = Person.objects.current().filter(province_id=province_code)
    in_province = {"person__province_id": province_code, "person__merged_into__isnull": True}
    flags = WatchFlag.objects.filter(**in_province)
    cases = Case.objects.filter(**in_province)
    none = Value("")
    yield (
        Measure.WATCH_OPEN,
        _frame(_source(flags.filter(status__in=LIVE_STATUSES), "person_id", "rule__code", None)),
    )
    yield (
        Measure.FLAGS_RAISED,
        _frame(
            _source(
                flags.filter(raised_at__date__gte=since),
                "person_id",
                "rule__code",
                _month("raised_at"),
            )
        ),
    )
    yield (
        Measure.CASES_ACTIVE,
        _frame(_source(cases.exclude(stage=case_choices.Stage.CLOSED), "person_id", "stage", None)),
    )
    yield (
        Measure.CASES_OPENED,
        _frame(_source(cases.filter(opened_on__gte=since), "person_id", none, _month("opened_on"))),
    )
    yield (
        Measure.CASES_CLOSED,
        _frame(
            _source(
                cases.filter(stage=case_choices.Stage.CLOSED, closed_on__gte=since),
                "person_id",
                "outcome",
                _month("closed_on"),
            )
        ),
    )
    services = ServiceDelivery.objects.filter(
        case__person__province_id=province_code,
        case__person__merged_into__isnull=True,
        delivered_on__gte=since,
    )
    yield (
        Measure.SERVICES,
        _frame(
            _source(services, "case__person_id", none, _month("delivered_on"), "cost"),
            amounts=True,
        ),
    )
    referrals = Referral.objects.filter(
        case__person__province_id=province_code,
        case__person__merged_into__isnull=True,
        created_at__date__gte=since,
    )
    yield (
        Measure.REFERRALS_SENT,
        _frame(_source(referrals, "case__person_id", "status", _month("created_at"))),
    )
    gaps = []
    for rule in rules_on(catalogue_on(today)):
        gap: Any = gap_queryset(rule, people)  # annotated with monthly_amount
        rows = gap.order_by().values_list("pk", "monthly_amount")
        gaps.append(
            _frame(
                ((pid, rule.code, None, amount) for pid, amount in rows.iterator(20_000)),
                amounts=True,
            )
        )
    yield Measure.RIGHTS_GAP, pl.concat(gaps) if gaps else _frame([])


def _people(province_code: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The province's people (pid, district, subdistrict, month registered) and their
    group memberships (pid, group)."""
    from saphan.people.models import Person, PersonGroup

    people = Person.objects.current().filter(province_id=province_code).order_by()
    rows = people.annotate(_m=_month("created_at")).values_list(
        "pk", "district_id", "current_subdistrict_id", "_m"
    )
    data: dict[str, list[Any]] = {"pid": [], "d": [], "s": [], "m": []}
    for pid, district, subdistrict, month in rows.iterator(chunk_size=20_000):
        data["pid"].append(pid)
        data["d"].append(district or "")
        data["s"].append(subdistrict)
        data["m"].append(month.date() if isinstance(month, dt.datetime) else month)
    frame = pl.DataFrame(data, schema={"pid": pl.Int64, "d": pl.Utf8, "s": pl.Utf8, "m": pl.Date})
    members = PersonGroup.objects.filter(
        person__province_id=province_code, person__merged_into__isnull=True
    ).order_by()
    groups = pl.DataFrame(
        list(members.values_list("person_id", "group").iterator(chunk_size=50_000)),
        schema={"pid": pl.Int64, "g": pl.Utf8},
        orient="row",
    )
    return frame, groups


def _grains(
    measure: str, source: pl.DataFrame, people: pl.DataFrame, groups: pl.DataFrame
) -> Iterator[StatFact]:
    placed = source.join(people.select("pid", "d", "s"), on="pid", how="inner")
    counted = [pl.len().alias("n"), pl.col("a").sum().alias("a")]
    district = placed.group_by("d", "c", "m").agg(counted)
    by_group = placed.join(groups, on="pid", how="inner").group_by("d", "g", "c", "m").agg(counted)
    subdistrict = placed.filter(pl.col("s").is_not_null()).group_by("d", "s", "m").agg(counted)
    for row in district.iter_rows(named=True):
        yield _fact(measure, row, group="", subdistrict="")
    for row in by_group.iter_rows(named=True):
        yield _fact(measure, row, group=row["g"], subdistrict="")
    for row in subdistrict.iter_rows(named=True):
        yield _fact(measure, {**row, "c": ""}, group="", subdistrict=row["s"])


def _fact(measure: str, row: dict[str, Any], *, group: str, subdistrict: str) -> StatFact:
    return StatFact(
        measure=measure,
        district_code=row["d"] or "",
        subdistrict_code=subdistrict,
        group=group,
        category=row["c"] or "",
        month=row["m"],
        count=int(row["n"]),
        amount=Decimal(int(row["a"] or 0)) / 100,
    )


def computed_facts(province_code: str, since: dt.date, today: dt.date) -> list[StatFact]:
    """Every statistic of the province but referral turnaround (``aggregates``)."""
    people, groups = _people(province_code)
    facts = list(
        _grains(
            Measure.PEOPLE,
            people.select(
                "pid",
                pl.lit("").alias("c"),
                pl.lit(None, pl.Date).alias("m"),
                pl.lit(0, pl.Int64).alias("a"),
            ),
            people,
            groups,
        )
    )
    registered = people.filter(pl.col("m") >= since).select(
        "pid", pl.lit("").alias("c"), "m", pl.lit(0, pl.Int64).alias("a")
    )
    facts.extend(_grains(Measure.REGISTERED, registered, people, groups))
    for measure, source in _sources(province_code, since, today):
        facts.extend(_grains(measure, source, people, groups))
    return facts
