from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from saphan.accounts.models import ApiToken, User
from saphan.accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from saphan.audit.models import AccessLog
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_token_create_command_prints_a_working_token(field_worker_nan: User) -> None:
    out = StringIO()
    call_command("token", "create", field_worker_nan.username, stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("sph_")
    assert api_token_authenticate(raw) == field_worker_nan
    token = ApiToken.objects.get(user=field_worker_nan)
    assert raw not in token.token_hash  # only the hash is stored
    assert AccessLog.objects.filter(action="token", object_id=token.prefix).exists()


def test_revoked_and_malformed_tokens_are_refused(field_worker_nan: User) -> None:
    token, raw = api_token_create(user=field_worker_nan)
    for bad in ("", "nonsense", raw + "x", raw.replace("sph_", "abc_"), "sph_" + "_" * 300):
        assert api_token_authenticate(bad) is None
    api_token_revoke(token=token)
    assert api_token_authenticate(raw) is None
    out = StringIO()
    call_command("token", "list", field_worker_nan.username, stdout=out)
    assert "revoked" in out.getvalue()


def test_token_of_a_deactivated_user_is_refused(field_worker_nan: User) -> None:
    _, raw = api_token_create(user=field_worker_nan)
    field_worker_nan.is_active = False
    field_worker_nan.save()
    assert api_token_authenticate(raw) is None


def test_administrator_creates_a_user_with_a_valid_role(
    client: Client, administrator: Any, make_org: Any
) -> None:
    org = make_org(provinces=("55",), kind="cso")
    client.login(username=administrator.username, password=TEST_PASSWORD)
    response = client.post(
        "/manage/users/new/",
        {
            "username": "new.worker",
            "organisation": org.pk,
            "role": "field_worker",
            "password": "a-long-enough-pass-2569",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    refused = client.post(
        "/manage/users/new/",
        {
            "username": "bad.investor",
            "organisation": org.pk,
            "role": "investor",
            "password": "a-long-enough-pass-2569",
        },
    )
    assert refused.status_code == 200
    assert not User.objects.filter(username="bad.investor").exists()
    assert User.objects.get(username="new.worker").history.count() == 1


def test_login_is_locked_after_five_failures(client: Client, field_worker_nan: User) -> None:
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": field_worker_nan.username, "password": "wrong-password"}
        )
        assert response.status_code == 200
    locked = client.post(
        "/accounts/login/", {"login": field_worker_nan.username, "password": TEST_PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert locked.status_code in (200, 429)
    assert AccessLog.objects.filter(action="login_failed").count() == 5


def test_successful_login_is_logged(client: Client, field_worker_nan: User) -> None:
    response = client.post(
        "/accounts/login/", {"login": field_worker_nan.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert AccessLog.objects.filter(action="login", username=field_worker_nan.username).exists()


def test_administrators_must_set_up_two_factor(
    client: Client, administrator: Any, settings: Any
) -> None:
    settings.SAPHAN_REQUIRE_ADMIN_MFA = True
    client.login(username=administrator.username, password=TEST_PASSWORD)
    response = client.get("/manage/users/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
    # allauth asks for the password again before showing the TOTP secret; the
    # administrator can do that and nothing else.
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup.status_code == 302 and setup["Location"].startswith("/accounts/reauthenticate/")
    assert client.get("/audit/")["Location"].startswith("/accounts/2fa/totp/activate")


def test_non_administrators_are_not_forced_into_two_factor(
    client: Client, field_worker_nan: User, settings: Any
) -> None:
    settings.SAPHAN_REQUIRE_ADMIN_MFA = True
    client.login(username=field_worker_nan.username, password=TEST_PASSWORD)
    assert client.get("/").status_code == 200
