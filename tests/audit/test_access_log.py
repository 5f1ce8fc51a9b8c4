from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from saphan.audit.models import AccessLog, AppendOnlyError
from saphan.audit.services import access_log_record
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_rows_cannot_be_changed_or_deleted_through_the_app(field_worker_nan: Any) -> None:
    row = access_log_record(
        user=field_worker_nan,
        action="view",
        object_type="person",
        object_id="1",
        province_code="55",
        purpose="home visit",
    )
    row.purpose = "edited"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).update(purpose="x")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get(pk=row.pk).purpose == "home visit"


def test_the_database_refuses_updates_too(field_worker_nan: Any) -> None:
    row = access_log_record(user=field_worker_nan, action="search", query="สมชาย")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accesslog SET query = 'x' WHERE id = %s", [row.pk])
    assert AccessLog.objects.get(pk=row.pk).query == "สมชาย"


@pytest.mark.postgres_only
def test_postgresql_refuses_deletes(field_worker_nan: Any) -> None:
    row = access_log_record(user=field_worker_nan, action="export")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslog WHERE id = %s", [row.pk])
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_rows_record_who_what_when_ip_and_purpose(client: Client, field_worker_nan: Any) -> None:
    client.login(username=field_worker_nan.username, password=TEST_PASSWORD)
    client.get("/provinces/94/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="phone")
    row = AccessLog.objects.get(action="denied")
    assert row.ip_address == "10.1.2.3" and row.user_agent == "phone"
    assert row.organisation_code == field_worker_nan.organisation.code
    assert row.role == "field_worker" and row.via == "web" and row.at is not None


def test_audit_browser_filters_and_admin_is_read_only(
    client: Client, administrator: Any, field_worker_nan: Any
) -> None:
    access_log_record(user=field_worker_nan, action="search", query="ทดสอบ", province_code="55")
    access_log_record(user=administrator, action="export", province_code="94")
    client.login(username=administrator.username, password=TEST_PASSWORD)
    page = client.get("/audit/", {"action": "search"}).content.decode()
    assert "ทดสอบ" in page and field_worker_nan.username in page
    row = AccessLog.objects.filter(action="search").first()
    assert row is not None
    assert client.get(f"/admin/audit/accesslog/{row.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/accesslog/add/").status_code == 403


def test_data_protection_officer_sees_only_their_provinces(make_user: Any) -> None:
    dpo = make_user(role="data_protection_officer", provinces=("55",))
    other = make_user(role="field_worker", provinces=("94",))
    access_log_record(user=other, action="view", province_code="94")
    access_log_record(user=other, action="view", province_code="55")
    assert list(AccessLog.objects.visible_to(dpo).values_list("province_code", flat=True)) == ["55"]


def test_dpo_without_organisation_does_not_see_anonymous_rows(make_user: Any) -> None:
    from saphan.accounts.models import User

    dpo = User.objects.create_user(username="lonely_dpo", role="data_protection_officer")
    access_log_record(user=None, action="login_failed")
    assert AccessLog.objects.visible_to(dpo).count() == 0


def test_forwarded_for_is_trusted_only_behind_a_configured_proxy(
    client: Client, field_worker_nan: Any, settings: Any
) -> None:
    client.login(username=field_worker_nan.username, password=TEST_PASSWORD)
    forged = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 10.0.0.9", "REMOTE_ADDR": "127.0.0.1"}
    client.get("/provinces/94/", **forged)
    assert AccessLog.objects.get(action="denied").ip_address == "127.0.0.1"
    settings.SAPHAN_TRUSTED_PROXY_COUNT = 1
    client.get("/provinces/94/", **forged)
    assert AccessLog.objects.filter(action="denied").first().ip_address == "10.0.0.9"  # type: ignore[union-attr]
