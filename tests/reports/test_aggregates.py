"""The pre-aggregated statistics equal direct counts over the registry, and writes mark
their province stale."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils import timezone

from saphan.people.models import Person, PersonGroup
from saphan.reports.aggregates import province_facts, stats_mark_stale, stats_refresh
from saphan.reports.dashboards import national_table, province_dashboard
from saphan.reports.models import Measure, StatFact, StatProvince
from saphan.rights.eligibility import catalogue_on, rules_on
from saphan.rights.selectors import gap_queryset
from saphan.watch.models import LIVE_STATUSES, WatchFlag


def test_people_per_province_and_group_equal_direct_counts(
    registry: dict[str, Any], make_user: Any
) -> None:
    codes = registry["provinces"]
    # A coordinator of every province sees exact numbers: compare them cell by cell.
    viewer = make_user(role="provincial_coordinator", provinces=tuple(codes))
    table = national_table(user=viewer, measure=Measure.PEOPLE)
    assert table.exact and not table.suppressed_any
    people = Person.objects.current()
    for code, _label in table.rows:
        assert table.row_totals[code].count == people.filter(province_id=code).count()
    direct = {
        (r["person__province_id"], r["group"]): r["n"]
        for r in PersonGroup.objects.filter(person__merged_into__isnull=True)
        .values("person__province_id", "group")
        .annotate(n=Count("pk"))
    }
    for code, _label in table.rows:
        for group, _glabel in table.cols:
            assert table.cells[(code, group)].count == direct.get((code, group), 0)
    assert table.total.count == people.count()


def test_flags_rights_and_districts_equal_direct_counts(
    registry: dict[str, Any], make_user: Any
) -> None:
    code = "55"
    viewer = make_user(role="provincial_coordinator", provinces=(code,))
    board = province_dashboard(user=viewer, province_code=code)
    by_key = {key: table for key, _title, table, _kind in board.sections}
    flags = WatchFlag.objects.filter(person__province_id=code, status__in=LIVE_STATUSES)
    direct = dict(flags.values("rule__code").annotate(n=Count("pk")).values_list("rule__code", "n"))
    watch = by_key[Measure.WATCH_OPEN]
    for rule, _label in watch.rows:
        assert watch.row_totals[rule].count == direct.get(rule, 0)
    assert watch.total.count == flags.count()
    gap = by_key[Measure.RIGHTS_GAP]
    people = Person.objects.current().filter(province_id=code)
    for rule in rules_on(catalogue_on(timezone.localdate())):
        assert gap.row_totals[rule.code].count == gap_queryset(rule, people).count()
    # District rows add up to the province; subdistrict rows to the people who have one.
    districts = StatFact.objects.filter(
        measure=Measure.PEOPLE, province_code=code, group="", subdistrict_code=""
    )
    assert sum(districts.values_list("count", flat=True)) == people.count()
    subdistricts = StatFact.objects.filter(measure=Measure.PEOPLE, province_code=code).exclude(
        subdistrict_code=""
    )
    assert (
        sum(subdistricts.values_list("count", flat=True))
        == people.filter(current_subdistrict__isnull=False).count()
    )


def test_refresh_replaces_a_province_whole_and_clears_stale(registry: dict[str, Any]) -> None:
    code = registry["provinces"][0]
    before = StatFact.objects.filter(province_code=code).count()
    stats_mark_stale(province_codes=[code])
    assert StatProvince.objects.get(pk=code).stale_since is not None
    result = stats_refresh()
    assert code in result.provinces
    state = StatProvince.objects.get(pk=code)
    assert state.stale_since is None and state.refreshed_at is not None
    assert StatFact.objects.filter(province_code=code).count() == before
    assert state.people == Person.objects.current().filter(province_id=code).count()
    assert len(province_facts(code)) == before


def test_a_registry_write_marks_the_province_stale_and_queues_a_refresh(
    registry: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from saphan.watch.services import watch_evaluate_people

    settings.SAPHAN_STATS_REFRESH_ON_WRITE = True
    person = Person.objects.filter(province_id="55").first()
    assert person is not None
    StatProvince.objects.filter(pk="55").update(stale_since=None)
    with django_capture_on_commit_callbacks(execute=True):
        watch_evaluate_people(person_ids=[person.pk])
    assert StatProvince.objects.get(pk="55").stale_since is not None
    assert DBTaskResult.objects.filter(task_path__endswith="refresh_stale_stats").exists()


def test_a_write_during_a_refresh_is_not_lost(registry: dict[str, Any], monkeypatch: Any) -> None:
    """A write that lands while a province's figures are being computed leaves the
    province stale again, so the next refresh picks it up."""
    from saphan.reports import aggregates

    real = aggregates.province_facts

    def with_a_write_in_the_middle(code: str, today: Any = None) -> list[Any]:
        facts = real(code, today)
        stats_mark_stale(province_codes=[code])  # e.g. a person saved meanwhile
        return facts

    monkeypatch.setattr(aggregates, "province_facts", with_a_write_in_the_middle)
    stats_mark_stale(province_codes=["55"])
    stats_refresh()
    assert StatProvince.objects.get(pk="55").stale_since is not None


def test_a_failed_refresh_leaves_the_province_stale(
    registry: dict[str, Any], monkeypatch: Any
) -> None:
    import pytest

    from saphan.reports import aggregates

    def broken(code: str, today: Any = None) -> list[Any]:
        raise RuntimeError("database went away")

    monkeypatch.setattr(aggregates, "province_facts", broken)
    with pytest.raises(RuntimeError):
        stats_refresh(province_codes=["55"])
    assert StatProvince.objects.get(pk="55").stale_since is not None
