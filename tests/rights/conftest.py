from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from saphan.people.households import household_add_member, household_create
from saphan.people.partialdate import PartialDate
from saphan.rights.choices import Eligibility
from saphan.rights.selectors import RightRow, person_rights
from tests.people.conftest import nan_manager, nan_worker, register  # noqa: F401 (fixtures)

#: A fixed day in the past, so people can be born up to it.
TODAY = dt.date(2026, 11, 20)
ADULT_BIRTH = PartialDate(1980, 5, 12)
LEGAL = {"legal_basis": "s26_5_social_welfare", "legal_basis_note": "พมจ.น่าน พ.ร.บ.ส่งเสริมฯ"}


@pytest.fixture
def person(register: Callable[..., Any]) -> Callable[..., Any]:  # noqa: F811
    """A person with a legal basis for sensitive data, Thai unless told otherwise."""

    def make(
        birth: PartialDate | None = ADULT_BIRTH,
        civil_status: str = "thai_registered",
        **fields: Any,
    ) -> Any:
        basis: dict[str, str] = LEGAL
        if fields.pop("no_basis", False):
            basis, civil_status = {}, ""  # sensitive data cannot even be recorded
        return register(birth_date=birth, civil_status=civil_status, **basis, **fields)

    return make


@pytest.fixture
def household(nan_worker: Any) -> Callable[..., Any]:  # noqa: F811
    def make(head: Any, *members: Any) -> Any:
        home = household_create(user=nan_worker, person=head)
        for m in members:
            household_add_member(user=nan_worker, household=home, person=m, relationship="child")
        return home

    return make


def rights_of(user: Any, someone: Any, today: dt.date = TODAY) -> dict[str, RightRow]:
    return {r.scheme.code: r for r in person_rights(user=user, person=someone, today=today)}


def eligibility(user: Any, someone: Any, code: str, today: dt.date = TODAY) -> str:
    return rights_of(user, someone, today)[code].eligibility


__all__ = ["LEGAL", "TODAY", "Eligibility", "eligibility", "rights_of"]
