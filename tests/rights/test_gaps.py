"""The gap list and its totals: equal to a direct count, scoped, paginated."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404

from saphan.people.models import Person
from saphan.people.partialdate import PartialDate
from saphan.rights.eligibility import catalogue_on, rules_on
from saphan.rights.selectors import (
    gap_queryset,
    person_rights,
    rights_gap_summary,
    rights_gaps,
)
from saphan.rights.services import person_right_record
from tests.rights.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(person: Any, nan_worker: Any) -> dict[str, Any]:
    """Older people 65, 75 and 92, one receiving and one applied; a disabled adult with
    a card; a stateless man; a person without a basis (never counted)."""
    people = {
        "a65": person(birth=PartialDate(1961, 1, 1)),
        "a75": person(birth=PartialDate(1951, 1, 1)),
        "a92": person(birth=PartialDate(1934, 1, 1)),
        "disabled": person(
            birth=PartialDate(1990), disabilities=[("hearing", "")], disability_card_number="99"
        ),
        "stateless": person(birth=PartialDate(1985), civil_status="stateless"),
        "hidden": person(birth=PartialDate(1930), no_basis=True),
    }
    day = dt.date(2026, 11, 1)
    person_right_record(
        user=nan_worker,
        person=people["a75"],
        scheme_code="old_age_allowance",
        status="receiving",
        status_on=day,
    )
    person_right_record(
        user=nan_worker,
        person=people["a92"],
        scheme_code="old_age_allowance",
        status="applied",
        status_on=day,
    )
    return people


def _pairs(summary: Any) -> dict[str, tuple[int, Decimal]]:
    return {r.scheme.code: (r.people, r.missing_monthly) for r in summary.rows}


def test_summary_numbers_by_hand(village: dict[str, Any], nan_worker: Any) -> None:
    summary = rights_gap_summary(user=nan_worker, today=TODAY)
    pairs = _pairs(summary)
    # 65 → 600 and 92 (applied, still missing) → 1,000; 75 receives.
    assert pairs["old_age_allowance"] == (2, Decimal("1600.00"))
    assert pairs["disability_allowance"] == (1, Decimal("800.00"))
    assert pairs["universal_coverage"] == (4, Decimal("0.00"))  # not cash: people only
    assert pairs["status_health_fund"] == (1, Decimal("0.00"))
    assert pairs["nationality_verification"] == (1, Decimal("0.00"))
    assert "disability_card" not in pairs
    assert summary.missing_monthly == Decimal("2400.00")
    assert summary.people == sum(p for p, _b in pairs.values())
    assert {r.province.code for r in summary.rows} == {"55"}


def test_summary_and_list_equal_a_direct_count(village: dict[str, Any], nan_worker: Any) -> None:
    summary = rights_gap_summary(user=nan_worker, today=TODAY)
    page = rights_gaps(user=nan_worker, today=TODAY, limit=200)
    assert page.total == summary.people == len(page.rows)
    # The same number again, person by person through the one-person view.
    direct = 0
    baht = Decimal("0")
    for someone in Person.objects.all():
        for row in person_rights(user=nan_worker, person=someone, today=TODAY):
            direct += row.in_gap
            baht += row.missing_monthly
    assert (direct, baht) == (summary.people, summary.missing_monthly)
    assert sum(g.monthly_amount for g in page.rows if g.scheme.is_cash) == baht
    statuses = {(g.person.pk, g.scheme.code): g.status for g in page.rows}
    assert statuses[(village["a92"].pk, "old_age_allowance")] == "applied"
    assert (village["a75"].pk, "old_age_allowance") not in statuses
    assert all(g.person.pk != village["hidden"].pk for g in page.rows)


def test_pages_walk_across_schemes_without_gaps_or_repeats(
    village: dict[str, Any], nan_worker: Any
) -> None:
    total = rights_gaps(user=nan_worker, today=TODAY).total
    seen = []
    for offset in range(0, total, 3):
        page = rights_gaps(user=nan_worker, today=TODAY, limit=3, offset=offset)
        seen += [(g.person.pk, g.scheme.code) for g in page.rows]
    assert len(seen) == len(set(seen)) == total


def test_filters_and_unknown_scheme(village: dict[str, Any], nan_worker: Any) -> None:
    page = rights_gaps(user=nan_worker, scheme_code="old_age_allowance", today=TODAY)
    assert sorted(g.monthly_amount for g in page.rows) == [Decimal("600.00"), Decimal("1000.00")]
    assert rights_gaps(user=nan_worker, province_code="55", today=TODAY).total == page.total + 7
    assert rights_gaps(user=nan_worker, district_code="5599", today=TODAY).total == 0
    with pytest.raises(ValidationError) as err:
        rights_gaps(user=nan_worker, scheme_code="lottery", today=TODAY)
    assert "scheme" in err.value.error_dict


def test_scope_other_province_sees_nothing_and_cannot_ask(
    village: dict[str, Any], make_user: Any
) -> None:
    outsider = make_user(role="case_manager", provinces=("94",))
    assert rights_gap_summary(user=outsider, today=TODAY).people == 0
    assert rights_gaps(user=outsider, today=TODAY).total == 0
    with pytest.raises(Http404):
        rights_gaps(user=outsider, province_code="55", today=TODAY)
    with pytest.raises(Http404):
        rights_gap_summary(user=outsider, province_code="99", today=TODAY)
    with pytest.raises(Http404):
        rights_gaps(user=outsider, district_code="5501", today=TODAY)
    analyst = make_user(role="analyst", provinces=("55",))
    assert rights_gap_summary(user=analyst, today=TODAY).people == 0


def test_gap_queryset_matches_rule_filters(village: dict[str, Any], nan_worker: Any) -> None:
    rules = rules_on(catalogue_on(TODAY))
    people = Person.objects.visible_to(nan_worker)
    by_code = {r.code: gap_queryset(r, people).count() for r in rules}
    summary = _pairs(rights_gap_summary(user=nan_worker, today=TODAY))
    assert {k: v for k, v in by_code.items() if v} == {k: v[0] for k, v in summary.items()}


def test_command_prints_the_summary(village: dict[str, Any]) -> None:
    out = StringIO()
    call_command("rights", "gaps", "--province", "55", "--date", TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "old_age_allowance" in text and "1,600.00" in text and "2,400.00" in text


def test_summary_is_one_grouped_query_per_scheme(
    village: dict[str, Any], nan_worker: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8 + 6):
        rights_gap_summary(user=nan_worker, today=TODAY)


def test_seed_migration_is_idempotent_and_keeps_admin_edits() -> None:
    import importlib

    from django.apps import apps

    from saphan.rights.models import Scheme, SchemeRate, SchemeThreshold

    seed = importlib.import_module("saphan.rights.migrations.0002_seed_schemes").seed
    Scheme.objects.filter(code="old_age_allowance").update(name_en="Old-age allowance (edited)")
    counts = (Scheme.objects.count(), SchemeRate.objects.count(), SchemeThreshold.objects.count())
    seed(apps, None)
    assert counts == (8, 7, 2)
    assert (
        Scheme.objects.count(),
        SchemeRate.objects.count(),
        SchemeThreshold.objects.count(),
    ) == counts
    assert Scheme.objects.get(code="old_age_allowance").name_en.endswith("(edited)")
    means_tested = set(Scheme.objects.filter(means_tested=True).values_list("code", flat=True))
    assert means_tested == {"child_support_grant", "state_welfare_card"}
