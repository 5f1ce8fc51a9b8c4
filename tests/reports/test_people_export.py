"""The watch list as a file: person-level data, so only for ``export_people``, capped,
and written to the access log."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from saphan.audit.models import AccessLog
from saphan.watch.models import WatchFlag


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_coordinator_downloads_the_watch_list_of_their_province(
    registry: dict[str, Any], coordinator_nan: Any
) -> None:
    response = _client(coordinator_nan).get("/watch/?province=55&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    # The default view ("to do") lists the new flags; none is acknowledged in the demo.
    assert not WatchFlag.objects.filter(status="acknowledged").exists()
    new = WatchFlag.objects.filter(province_id="55", status="open")
    assert len(rows) == new.count() > 0
    assert AccessLog.objects.filter(
        user=coordinator_nan, action="export", object_type="watch_flag"
    ).exists()


def test_field_workers_may_not_export_people(
    registry: dict[str, Any], field_worker_nan: Any
) -> None:
    assert _client(field_worker_nan).get("/watch/?format=csv").status_code == 403


def test_an_export_larger_than_allowed_is_refused(
    registry: dict[str, Any], coordinator_nan: Any, settings: Any
) -> None:
    settings.SAPHAN_EXPORT_PEOPLE_MAX_ROWS = 1
    response = _client(coordinator_nan).get("/watch/?province=55&format=csv")
    assert response.status_code == 400
    assert 'id="export-refused"' in response.content.decode()
    assert not AccessLog.objects.filter(user=coordinator_nan, action="export").exists()
