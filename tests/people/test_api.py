from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from saphan.accounts.services import api_token_create
from saphan.audit.models import AccessLog
from saphan.people.models import Person
from tests.people.conftest import make_national_id

pytestmark = pytest.mark.django_db
ID = make_national_id("570010012345")


@pytest.fixture
def call(client: Client) -> Any:
    def do(user: Any, method: str, path: str, body: Any = None, **params: Any) -> Any:
        _, token = api_token_create(user=user)
        headers = {"Authorization": f"Bearer {token}"}
        if method == "get":
            return client.get(f"/api/v1{path}", params, headers=headers)
        return getattr(client, method)(
            f"/api/v1{path}", body, content_type="application/json", headers=headers
        )

    return do


def test_create_read_patch_and_search(call: Any, nan_worker: Any, nan_manager: Any) -> None:
    created = call(
        nan_worker,
        "post",
        "/persons",
        {
            "given_name": "นางสาวมาลี",
            "family_name": "ศรีสุข",
            "birth_date": "1967-05",
            "national_id": ID,
            "current_subdistrict_code": "550101",
            "declared_groups": ["women"],
            "consent": {"purpose": "ลงทะเบียน", "given_on": "2026-01-05", "covers_sensitive": True},
            "religion": "buddhism",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["title"] == "นางสาว" and body["birth_date"] == "1967-05"
    assert body["identifiers"][0]["masked"] is True  # field workers see masked IDs
    assert body["sensitive"]["religion"] == "buddhism"
    uid = body["id"]
    full = call(nan_manager, "get", f"/persons/{uid}").json()
    assert full["identifiers"][0]["number"].replace("-", "") == ID
    patched = call(nan_worker, "patch", f"/persons/{uid}", {"nickname": "แดง"}).json()
    assert patched["nickname"] == "แดง" and patched["family_name"] == "ศรีสุข"
    found = call(nan_worker, "get", "/persons", q="มาลี สรีสุข").json()
    assert found["count"] == 1 and found["items"][0]["id"] == uid
    assert call(nan_worker, "get", "/persons", q=ID).json()["count"] == 1
    assert AccessLog.objects.filter(action="search", via="api").count() == 2


def test_buddhist_era_year_in_the_api_is_refused(call: Any, nan_worker: Any) -> None:
    response = call(
        nan_worker,
        "post",
        "/persons",
        {"given_name": "มาลี", "birth_date": "2510-05-12", "current_subdistrict_code": "550101"},
    )
    assert response.status_code == 422
    body = response.json()
    assert "Buddhist" in body["detail"] and "1967" in body["detail"]
    assert "birth_date" in body["errors"]
    assert Person.objects.count() == 0


def test_sensitive_field_without_consent_is_refused(call: Any, nan_worker: Any) -> None:
    response = call(
        nan_worker,
        "post",
        "/persons",
        {"given_name": "มาลี", "current_subdistrict_code": "550101", "civil_status": "stateless"},
    )
    assert response.status_code == 422 and "civil_status" in response.json()["errors"]
    assert Person.objects.count() == 0


def test_person_outside_scope_is_404_and_list_is_scoped(
    call: Any, register: Any, make_user: Any
) -> None:
    person = register()
    outsider = make_user(role="case_manager", provinces=("94",))
    assert call(outsider, "get", f"/persons/{person.uid}").status_code == 404
    assert call(outsider, "patch", f"/persons/{person.uid}", {"nickname": "x"}).status_code == 404
    assert call(outsider, "get", "/persons").json()["count"] == 0
    assert call(outsider, "get", "/persons/not-a-uuid").status_code == 404


def test_roles_without_person_access_are_refused(call: Any, make_user: Any) -> None:
    analyst = make_user(role="analyst", provinces=("55",))
    assert call(analyst, "get", "/persons").status_code == 403
    assert call(analyst, "post", "/persons", {"given_name": "x"}).status_code == 403
