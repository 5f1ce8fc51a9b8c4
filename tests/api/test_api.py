from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from saphan.accounts.services import api_token_create
from saphan.audit.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client: Client) -> Any:
    class Api:
        def __init__(self) -> None:
            self.token = ""

        def get(self, path: str, **params: Any) -> Any:
            headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
            return client.get(f"/api/v1{path}", params, headers=headers)

    return Api()


def test_openapi_schema_is_served_and_declares_bearer_auth(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert any(
        s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values()
    )


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer nonsense", "Token abc", "Bearer sph_abc_def"]
)
def test_missing_or_malformed_tokens_get_a_json_401(client: Client, header: str) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthorized" and body["detail"] and body["detail_th"]
    assert body["detail"] != body["detail_th"]


def test_me_tells_role_scope_and_actions(api: Any, field_worker_nan: Any) -> None:
    _, api.token = api_token_create(user=field_worker_nan)
    me = api.get("/me").json()
    assert me["role"] == "field_worker" and me["province_codes"] == ["55"]
    assert "view_people" in me["actions"] and "manage_users" not in me["actions"]


def test_province_summary_is_scoped(api: Any, field_worker_nan: Any) -> None:
    _, api.token = api_token_create(user=field_worker_nan)
    ok = api.get("/geo/provinces/55/summary")
    assert ok.status_code == 200 and ok.json()["province"]["name_th"] == "น่าน"
    refused = api.get("/geo/provinces/94/summary")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    row = AccessLog.objects.get(action="denied")
    assert row.via == "api" and row.province_code == "94"


def test_reference_geography(api: Any, field_worker_nan: Any) -> None:
    _, api.token = api_token_create(user=field_worker_nan)
    assert len(api.get("/geo/provinces").json()) == 77
    assert len(api.get("/geo/provinces", project_only="true").json()) == 25
    districts = api.get("/geo/provinces/55/districts").json()
    assert districts and all(d["code"].startswith("55") for d in districts)
    assert api.get("/geo/subdistricts/550101").json()["province_code"] == "55"
    assert api.get("/geo/subdistricts/999999").status_code == 404
    assert api.get("/geo/provinces/99/districts").status_code == 404


def test_organisations_are_scoped(api: Any, make_user: Any, make_org: Any) -> None:
    user = make_user(role="case_manager", provinces=("55",))
    far = make_org(provinces=("94",))
    _, api.token = api_token_create(user=user)
    codes = {o["code"] for o in api.get("/organisations").json()}
    assert user.organisation.code in codes and far.code not in codes
    assert api.get(f"/organisations/{far.pk}").status_code == 404
    assert api.get(f"/organisations/{user.organisation.pk}").status_code == 200


def test_access_log_needs_the_audit_role(
    api: Any, field_worker_nan: Any, administrator: Any
) -> None:
    _, api.token = api_token_create(user=field_worker_nan)
    refused = api.get("/audit/access-log")
    assert refused.status_code == 403 and refused.json()["detail_th"]
    _, api.token = api_token_create(user=administrator)
    body = api.get("/audit/access-log").json()
    assert "items" in body and "count" in body


def test_bad_query_parameters_get_a_json_422(api: Any, administrator: Any) -> None:
    _, api.token = api_token_create(user=administrator)
    response = api.get("/audit/access-log", date_from="not-a-date")
    assert response.status_code == 422 and response.json()["code"] == "invalid"
