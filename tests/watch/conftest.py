from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from saphan.people.models import Disability, Household, HouseholdMember, Person
from tests.people.conftest import nan_worker, register  # noqa: F401 - shared fixtures

TODAY = dt.date(2026, 11, 25)


def born(age: int) -> dict[str, int]:
    """Birth date fields for someone exactly ``age`` on TODAY (birthday in January)."""
    return {"birth_year": TODAY.year - age, "birth_month": 1, "birth_day": 10}


@pytest.fixture
def cso(make_org: Any) -> Any:
    return make_org(provinces=("55",), code="cso-nan-test")


@pytest.fixture
def person(cso: Any) -> Callable[..., Person]:
    """A person built straight in the database, with consent-like sensitive basis by default."""

    def make(
        age: int | None = 40,
        *,
        disability: str | None = None,
        household: Household | None = None,
        relationship: str = "other_relative",
        **fields: Any,
    ) -> Person:
        values: dict[str, Any] = {
            "given_name": "ทดสอบ",
            "family_name": "เฝ้าระวัง",
            "province_id": "55",
            "district_id": "5501",
            "organisation": cso,
            "sensitive_basis": "consent",
        }
        if age is not None:
            values.update(born(age))
        values.update(fields)
        p = Person.objects.create(**values)
        if disability:
            Disability.objects.create(person=p, disability_type=disability, severity="moderate")
        if household is not None:
            HouseholdMember.objects.create(household=household, person=p, relationship=relationship)
        return p

    return make


@pytest.fixture
def household(cso: Any) -> Callable[[], Household]:
    def make() -> Household:
        return Household.objects.create(province_id="55", organisation=cso)

    return make
