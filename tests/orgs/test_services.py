from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from saphan.accounts.services import user_create
from saphan.orgs.models import Organisation
from saphan.orgs.services import organisation_create, organisation_update
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_unknown_province_code_is_refused_and_nothing_is_saved() -> None:
    with pytest.raises(ValidationError) as info:
        organisation_create(code="cso-x", name_th="ทดสอบ", kind="cso", province_codes=["55", "99"])
    with translation.override("en"):
        assert "Unknown province code: 99" in str(info.value.message_dict["provinces"])
    with translation.override("th"):
        assert "99" in str(info.value.message_dict["provinces"])
    assert not Organisation.objects.filter(code="cso-x").exists()


def test_create_and_update_keep_history() -> None:
    org = organisation_create(code="cso-a", name_th="ก", kind="cso", province_codes=["55"])
    organisation_update(organisation=org, name_th="ข", kind="cso", province_codes=["55", "94"])
    org.refresh_from_db()
    assert sorted(p.code for p in org.provinces.all()) == ["55", "94"]
    names = [h.name_th for h in org.history.order_by("history_date", "history_id")]
    assert names[0] == "ก" and names[-1] == "ข" and len(names) >= 2


def test_duplicate_code_and_unknown_kind_are_refused() -> None:
    organisation_create(code="dup", name_th="ก", kind="cso")
    with pytest.raises(ValidationError):
        organisation_create(code="dup", name_th="ข", kind="cso")
    with pytest.raises(ValidationError):
        organisation_create(code="new", name_th="ข", kind="pirate")


def test_roles_must_fit_the_kind_of_organisation() -> None:
    investor = organisation_create(code="inv", name_th="นักลงทุน", kind="investor")
    with pytest.raises(ValidationError) as info:
        user_create(username="x", password=None, organisation=investor, role="field_worker")
    assert "role" in info.value.message_dict
    user_create(username="y", password=None, organisation=investor, role="investor")


def test_administrator_manages_organisations_through_the_ui(
    client: Client, administrator: Any
) -> None:
    client.login(username=administrator.username, password=TEST_PASSWORD)
    response = client.post(
        "/manage/organisations/new/",
        {
            "code": "cso-nan-2",
            "name_th": "เครือข่ายน่าน",
            "kind": "cso",
            "provinces": ["55"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(code="cso-nan-2")
    bad = client.post(
        f"/manage/organisations/{org.pk}/",
        {
            "name_th": "",
            "kind": "cso",
            "provinces": ["55"],
        },
    )
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    org.refresh_from_db()
    assert org.name_th == "เครือข่ายน่าน"
