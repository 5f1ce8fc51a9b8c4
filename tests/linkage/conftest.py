"""People who are registered twice, reviewers in Nan (55) and Chiang Mai (50), and a
snapshot of everything that points at a person (to check that undo is exact)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from saphan.people.identity import national_id_check_digit
from saphan.people.models import Person
from saphan.people.partialdate import PartialDate
from saphan.people.services import PersonData, person_register


def national_id(first12: str) -> str:
    return first12 + str(national_id_check_digit(first12))


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def nan_org(make_org: Any) -> Any:
    return make_org(provinces=("55",), kind="cso", code="cso-nan", name_en="Nan CSO")


@pytest.fixture
def reviewer(make_user: Any, nan_org: Any) -> Any:
    """A case manager in Nan: may review duplicates, sees full numbers."""
    return make_user(role="case_manager", organisation=nan_org, username="cm_nan")


@pytest.fixture
def worker(make_user: Any, nan_org: Any) -> Any:
    """A field worker in Nan: registers people, may not review duplicates."""
    return make_user(role="field_worker", organisation=nan_org, username="fw_nan")


@pytest.fixture
def cm_worker(make_user: Any) -> Any:
    """A field worker in Chiang Mai (registers people there)."""
    return make_user(role="field_worker", provinces=("50",), username="fw_cm")


@pytest.fixture
def cm_reviewer(make_user: Any) -> Any:
    return make_user(role="case_manager", provinces=("50",), username="cm_cm")


@pytest.fixture
def register(worker: Any) -> Callable[..., Person]:
    def make(user: Any = None, consent: Any = None, **fields: Any) -> Person:
        data: dict[str, Any] = {
            "given_name": "สมชาย",
            "family_name": "ใจดี",
            "sex": "male",
            "birth_date": PartialDate(1950, 5, 12),
            "current_subdistrict_code": "550101",
        }
        data.update(fields)
        return person_register(user=user or worker, data=PersonData(**data), consent=consent)

    return make


@pytest.fixture
def twins(register: Callable[..., Person]) -> tuple[Person, Person]:
    """The same man registered twice: the older record has his ID card; the newer one
    (a typo in the ID) has his phone, nickname, Latin name and income."""
    first = register(national_id=national_id("110370012345"), current_address="12 หมู่ 3")
    second = register(
        national_id=national_id("110370012354"),
        phone="081-234-5678",
        nickname="ชาย",
        given_name_latin="Somchai",
        family_name_latin="Jaidee",
        income_band="none",
        registered_subdistrict_code="550102",
        registered_address="99 หมู่ 1",
    )
    return first, second


def related_rows(*people: Person) -> dict[tuple[str, int], dict[str, Any]]:
    """Every row that points at these people (through any relation a merge handles),
    with all its values; plus the people themselves."""
    from saphan.linkage.merge import person_relations

    ids = [p.pk for p in people]
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for relation in person_relations():
        manager = relation.model._base_manager
        for row in manager.filter(**{f"{relation.field.attname}__in": ids}):
            values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
            values.pop("updated_at", None)
            rows[(relation.label, row.pk)] = values
    for person in Person.objects.filter(pk__in=ids):
        values = model_to_dict(person)
        values.update({f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields})
        values.pop("updated_at", None)
        rows[("people.person", person.pk)] = values
    return rows
