from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from saphan.people.consents import ConsentData
from saphan.people.identity import national_id_check_digit
from saphan.people.partialdate import PartialDate
from saphan.people.services import PersonData, person_register


def make_national_id(first12: str) -> str:
    return first12 + str(national_id_check_digit(first12))


@pytest.fixture
def nan_worker(make_user: Any) -> Any:
    return make_user(role="field_worker", provinces=("55",), username="fw_nan")


@pytest.fixture
def nan_manager(make_user: Any, nan_worker: Any) -> Any:
    return make_user(role="case_manager", organisation=nan_worker.organisation, username="cm_nan")


@pytest.fixture
def register(nan_worker: Any) -> Callable[..., Any]:
    counter = iter(range(1, 10_000))

    def make(user: Any = None, consent: ConsentData | None = None, **fields: Any) -> Any:
        n = next(counter)
        defaults: dict[str, Any] = {
            "given_name": f"สมชาย{n}",
            "family_name": "ใจดี",
            "current_subdistrict_code": "550101",
            "birth_date": PartialDate(1980, 5, 12),
        }
        defaults.update(fields)
        return person_register(
            user=user or nan_worker, data=PersonData(**defaults), consent=consent
        )

    return make


def sensitive_consent() -> ConsentData:
    return ConsentData(purpose="ลงทะเบียน", given_on=dt.date(2026, 1, 5), covers_sensitive=True)
