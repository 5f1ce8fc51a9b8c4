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


def test_a_name_that_looks_like_a_formula_stays_text(
    registry: dict[str, Any], coordinator_nan: Any
) -> None:
    from saphan.people.models import Person

    flag = WatchFlag.objects.filter(province_id="55", status="open").select_related("person")
    person = flag.first().person  # type: ignore[union-attr]
    Person.objects.filter(pk=person.pk).update(title="", given_name='=HYPERLINK("http://x","y")')
    client = _client(coordinator_nan)
    csv_text = client.get("/watch/?province=55&format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text
    book = load_workbook(io.BytesIO(client.get("/watch/?province=55&format=xlsx").content))
    cells = [c for row in book.worksheets[0].iter_rows() for c in row]
    named = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert named and all(c.data_type == "s" for c in named)
