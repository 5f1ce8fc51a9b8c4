"""Rules found in review: masking on the edit page, edits after a withdrawal, groups that
reveal sensitive data, identifier retirement, API dates."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from saphan.accounts.services import api_token_create
from saphan.people.consents import consent_withdraw
from saphan.people.selectors import visible_group_codes
from saphan.people.services import person_data_from, person_update
from tests.factories import TEST_PASSWORD
from tests.people.conftest import make_national_id, sensitive_consent

pytestmark = pytest.mark.django_db
ID = make_national_id("160020012345")


def test_edit_page_never_gives_a_field_worker_the_full_number(
    client: Client, register: Any, nan_worker: Any
) -> None:
    person = register(national_id=ID, phone="0812223333")
    client.login(username=nan_worker.username, password=TEST_PASSWORD)
    page = client.get(f"/people/{person.uid}/edit/").content.decode()
    assert ID not in page and "0812223333" not in page
    response = client.post(
        f"/people/{person.uid}/edit/",
        {
            "given_name": person.given_name,
            "family_name": "ใหม่",
            "current_subdistrict": "550101",
            "national_id": "",
            "phone": "",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.family_name == "ใหม่" and person.phone == "0812223333"
    assert person.identifiers.get(is_current=True).number == ID


def test_the_rest_of_a_record_stays_editable_after_withdrawal(
    register: Any, nan_worker: Any
) -> None:
    person = register(
        consent=sensitive_consent(), religion="islam", declared_groups=["thai_muslim"]
    )
    consent_withdraw(user=nan_worker, consent=person.consents.get())
    data = person_data_from(person)
    data.nickname = "ดำ"
    person_update(user=nan_worker, person=person, data=data)
    person.refresh_from_db()
    assert person.nickname == "ดำ" and person.religion == "islam"


def test_groups_that_reveal_sensitive_data_need_a_basis_and_hide_with_it(
    register: Any, nan_worker: Any, nan_manager: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        register(declared_groups=["lgbtq"])
    assert "groups" in info.value.message_dict
    person = register(consent=sensitive_consent(), declared_groups=["thai_muslim", "women"])
    assert "thai_muslim" in visible_group_codes(person=person, user=nan_manager)
    consent_withdraw(user=nan_worker, consent=person.consents.get())
    person.refresh_from_db()
    assert visible_group_codes(person=person, user=nan_manager) == ["women"]


def test_removing_the_national_id_retires_it(register: Any, nan_worker: Any) -> None:
    person = register(national_id=ID)
    data = person_data_from(person)
    data.national_id = ""
    person_update(user=nan_worker, person=person, data=data)
    assert list(person.identifiers.values_list("is_current", flat=True)) == [False]


def test_api_refuses_a_buddhist_era_consent_date_and_a_year_before_1880(
    client: Client, nan_worker: Any
) -> None:
    _, token = api_token_create(user=nan_worker)
    headers = {"Authorization": f"Bearer {token}"}
    base = {"given_name": "มาลี", "current_subdistrict_code": "550101"}
    for extra, field in (
        ({"consent": {"purpose": "x", "given_on": "2569-01-05"}}, "consent_given_on"),
        ({"birth_date": "1700"}, "birth_date"),
    ):
        response = client.post(
            "/api/v1/persons", {**base, **extra}, content_type="application/json", headers=headers
        )
        assert response.status_code == 422, response.content
        assert field in response.json()["errors"]


def test_api_sets_documents_and_disabilities(client: Client, nan_manager: Any) -> None:
    _, token = api_token_create(user=nan_manager)
    response = client.post(
        "/api/v1/persons",
        {
            "given_name": "ดาวเรือง",
            "current_subdistrict_code": "550101",
            "other_documents": [{"doc_type": "passport", "number": "AB 123456"}],
            "disabilities": [{"disability_type": "seeing", "severity": "severe"}],
            "legal_basis": "s26_5_social_welfare",
            "legal_basis_note": "พมจ.น่าน",
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["identifiers"][0]["number"] == "AB123456"
    assert body["sensitive"]["disabilities"] == [["seeing", "severe"]]
    assert "disability" in body["groups"]
