"""Eligibility rules: boundary ages, cards, means tests, civil status, PDPA basis."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from saphan.people.partialdate import PartialDate
from saphan.rights.models import SchemeRate, SchemeThreshold
from tests.rights.conftest import TODAY, Eligibility, eligibility, rights_of

pytestmark = pytest.mark.django_db
E, NO, CHECK, UNKNOWN = (
    Eligibility.ELIGIBLE,
    Eligibility.NOT_ELIGIBLE,
    Eligibility.CHECK_INCOME,
    Eligibility.UNKNOWN,
)


@pytest.mark.parametrize(
    ("birth", "expected", "amount"),
    [
        (PartialDate(1966, 11, 20), E, "600"),  # 60 today
        (PartialDate(1966, 11, 21), NO, "0"),  # 60 tomorrow
        (PartialDate(1956, 11, 20), E, "700"),  # 70 today
        (PartialDate(1956, 11, 21), E, "600"),  # still 69
        (PartialDate(1946, 11, 20), E, "800"),  # 80 today
        (PartialDate(1946, 11, 21), E, "700"),  # still 79
        (PartialDate(1936, 11, 20), E, "1000"),  # 90 today
        (PartialDate(1936, 11, 21), E, "800"),  # still 89
        (PartialDate(1966, 11), E, "600"),  # month known: counts from the 1st
        (PartialDate(1966, 12), NO, "0"),
        (PartialDate(1966), E, "600"),  # year only: counts from 1 January
        (PartialDate(1967), NO, "0"),
        (PartialDate(1936), E, "1000"),  # 1 January 1936: 90 since January
    ],
)
def test_old_age_allowance_at_the_age_boundaries(
    person: Any, nan_worker: Any, birth: PartialDate, expected: str, amount: str
) -> None:
    someone = person(birth=birth)
    row = rights_of(nan_worker, someone)["old_age_allowance"]
    assert row.eligibility == expected
    assert row.missing_monthly == Decimal(amount)


def test_old_age_allowance_needs_thai_nationality_and_a_birth_year(
    person: Any, nan_worker: Any
) -> None:
    stateless = person(birth=PartialDate(1940), civil_status="stateless")
    unknown_age = person(birth=None)
    assert eligibility(nan_worker, stateless, "old_age_allowance") == NO
    assert eligibility(nan_worker, unknown_age, "old_age_allowance") == NO


def test_a_new_rate_is_a_new_dated_row(person: Any, nan_worker: Any) -> None:
    someone = person(birth=PartialDate(1960, 1, 1))
    rate = SchemeRate.objects.get(scheme__code="old_age_allowance", min_age=60)
    rate.valid_to = dt.date(2026, 11, 30)
    rate.save()
    SchemeRate.objects.create(
        scheme=rate.scheme,
        valid_from=dt.date(2026, 12, 1),
        min_age=60,
        max_age=70,
        monthly_amount=Decimal("650"),
    )
    before = rights_of(nan_worker, someone, TODAY)["old_age_allowance"]
    after = rights_of(nan_worker, someone, dt.date(2026, 12, 5))["old_age_allowance"]
    assert (before.monthly_amount, after.monthly_amount) == (Decimal("600"), Decimal("650"))


@pytest.mark.parametrize(
    ("birth", "card", "expiry", "allowance", "card_right", "amount"),
    [
        (PartialDate(1980), "1234567890", None, E, NO, "800"),  # card without expiry
        (PartialDate(1980), "1234567890", dt.date(2030, 1, 1), E, NO, "800"),
        (PartialDate(1980), "1234567890", TODAY, E, NO, "800"),  # valid on its last day
        (PartialDate(1980), "1234567890", TODAY - dt.timedelta(days=1), NO, E, "0"),  # expired
        (PartialDate(1980), "", None, NO, E, "0"),  # no card: get the card first
        (PartialDate(2010, 1, 1), "1234567890", None, E, NO, "1000"),  # under 18
        (PartialDate(2008, 11, 20), "1234567890", None, E, NO, "800"),  # 18 today
        (PartialDate(2008, 11, 21), "1234567890", None, E, NO, "1000"),  # 18 tomorrow
    ],
)
def test_disability_allowance_and_card(
    person: Any,
    nan_worker: Any,
    birth: PartialDate,
    card: str,
    expiry: dt.date | None,
    allowance: str,
    card_right: str,
    amount: str,
) -> None:
    someone = person(
        birth=birth,
        disabilities=[("movement", "severe")],
        disability_card_number=card,
        disability_card_expiry=expiry,
    )
    rows = rights_of(nan_worker, someone)
    assert rows["disability_allowance"].eligibility == allowance
    assert rows["disability_card"].eligibility == card_right
    assert rows["disability_allowance"].missing_monthly == Decimal(amount)


def test_no_disability_no_disability_rights(person: Any, nan_worker: Any) -> None:
    rows = rights_of(nan_worker, person(disability_card_number="1234567890"))
    assert rows["disability_allowance"].eligibility == NO
    assert rows["disability_card"].eligibility == NO


def _set_limit(code: str, value: str) -> None:
    SchemeThreshold.objects.filter(scheme__code=code).update(value=Decimal(value))


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        ("89994", E),  # (179,988 + 0) / 2 = 89,994: exactly at the limit
        ("89993", CHECK),  # one baht over on the highest estimate; lowest is under
        ("53999", NO),  # lowest estimate (108,000 / 2 = 54,000) is over the limit
    ],
)
def test_child_support_grant_household_means_test_at_the_limit(
    person: Any, household: Any, nan_worker: Any, limit: str, expected: str
) -> None:
    _set_limit("child_support_grant", limit)
    mother = person(income_band="9000_14999")
    child = person(birth=PartialDate(2022, 3, 1), income_band="none")
    household(mother, child)
    row = rights_of(nan_worker, child)["child_support_grant"]
    assert row.eligibility == expected
    assert row.missing_monthly == (Decimal("600") if expected == E else 0)


def test_child_support_grant_ages_and_unknown_income(
    person: Any, household: Any, nan_worker: Any
) -> None:
    mother = person(income_band="lt3000")
    five = person(birth=PartialDate(2020, 11, 21), income_band="none")  # 6 tomorrow
    six = person(birth=PartialDate(2020, 11, 20), income_band="none")  # 6 today
    household(mother, five, six)
    assert eligibility(nan_worker, five, "child_support_grant") == E
    assert eligibility(nan_worker, six, "child_support_grant") == NO
    father = person(income_band="")  # income not recorded: the test cannot decide
    baby = person(birth=PartialDate(2025, 1, 1), income_band="none")
    household(father, baby)
    assert eligibility(nan_worker, baby, "child_support_grant") == CHECK
    alone = person(birth=PartialDate(2025, 1, 1), income_band="none")  # no household
    assert eligibility(nan_worker, alone, "child_support_grant") == CHECK


def test_child_support_grant_fails_when_even_the_lowest_income_is_over(
    person: Any, household: Any, nan_worker: Any
) -> None:
    rich = person(income_band="15000_plus")
    child = person(birth=PartialDate(2024, 1, 1), income_band="none")
    household(rich, child)
    # lowest estimate 180,000 / 2 = 90,000 ≤ 100,000: cannot tell
    assert eligibility(nan_worker, child, "child_support_grant") == CHECK
    _set_limit("child_support_grant", "89999")
    assert eligibility(nan_worker, child, "child_support_grant") == NO


@pytest.mark.parametrize(
    ("band", "birth", "expected"),
    [
        ("none", PartialDate(1980), E),
        ("lt3000", PartialDate(1980), E),  # at most 35,988 a year
        ("3000_8999", PartialDate(1980), CHECK),  # 36,000–107,988 straddles 100,000
        ("9000_14999", PartialDate(1980), NO),  # at least 108,000
        ("15000_plus", PartialDate(1980), NO),
        ("", PartialDate(1980), CHECK),  # income not recorded
        ("none", PartialDate(2008, 11, 20), E),  # 18 today
        ("none", PartialDate(2008, 11, 21), NO),  # 18 tomorrow
    ],
)
def test_state_welfare_card_means_test(
    person: Any, nan_worker: Any, band: str, birth: PartialDate, expected: str
) -> None:
    someone = person(birth=birth, income_band=band)
    assert eligibility(nan_worker, someone, "state_welfare_card") == expected


def test_state_welfare_card_limit_is_a_dated_setting(person: Any, nan_worker: Any) -> None:
    someone = person(income_band="3000_8999")
    _set_limit("state_welfare_card", "107988")
    assert eligibility(nan_worker, someone, "state_welfare_card") == E


@pytest.mark.parametrize(
    ("civil_status", "uc", "fund", "verification"),
    [
        ("thai_registered", E, NO, NO),
        ("thai_unregistered", NO, E, E),
        ("stateless", NO, E, E),
        ("non_thai_6_7", NO, E, NO),
        ("migrant_with_permit", NO, NO, NO),
        ("none", NO, NO, E),
    ],
)
def test_health_cover_and_nationality_verification_by_civil_status(
    person: Any, nan_worker: Any, civil_status: str, uc: str, fund: str, verification: str
) -> None:
    rows = rights_of(nan_worker, person(civil_status=civil_status))
    assert rows["universal_coverage"].eligibility == uc
    assert rows["status_health_fund"].eligibility == fund
    assert rows["nationality_verification"].eligibility == verification


@pytest.mark.parametrize(
    ("stage", "status", "in_gap"),
    [
        ("", "", True),
        ("not_started", "", True),
        ("interview", "receiving", False),  # under way
        ("id_card_issued", "receiving", False),
        ("rejected", "refused", True),
    ],
)
def test_verification_stage_gives_the_procedure_status(
    person: Any, nan_worker: Any, stage: str, status: str, in_gap: bool
) -> None:
    someone = person(civil_status="stateless", verification_stage=stage)
    row = rights_of(nan_worker, someone)["nationality_verification"]
    assert (row.status, row.derived and bool(status), row.in_gap) == (status, bool(status), in_gap)


def test_without_a_basis_for_sensitive_data_nothing_is_worked_out(
    person: Any, nan_worker: Any
) -> None:
    someone = person(birth=PartialDate(1940), no_basis=True, income_band="none")
    rows = rights_of(nan_worker, someone)
    assert {r.eligibility for r in rows.values()} == {UNKNOWN}
    assert {r.unknown_reason for r in rows.values()} == {"no_basis"}
    assert not any(r.in_gap for r in rows.values())


def test_without_civil_status_nationality_rules_cannot_tell(person: Any, nan_worker: Any) -> None:
    someone = person(birth=PartialDate(1940), civil_status="", disabilities=[("seeing", "")])
    rows = rights_of(nan_worker, someone)
    assert rows["old_age_allowance"].eligibility == UNKNOWN
    assert rows["old_age_allowance"].unknown_reason == "no_civil_status"
    # The card does not depend on nationality.
    assert rows["disability_card"].eligibility == E
