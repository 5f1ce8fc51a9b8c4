"""Dashboards, maps, downloads and briefs through the web pages, per role."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest
from django.test import Client

from saphan.audit.models import AccessLog


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    # ``pdf_render`` writes SARA AM as NIKHAHIT + SARA AA; NFKD makes both spellings equal.
    return unicodedata.normalize("NFKD", text)


def _nfkd(text: str) -> str:
    return unicodedata.normalize("NFKD", text)


def test_national_dashboard_for_an_analyst_is_suppressed_with_a_map(analyst: Any) -> None:
    response = _client(analyst).get("/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="national-map"' in html and "<svg" in html
    assert "&lt; 5" in html  # small cells of 400 people over 25 provinces
    assert 'id="side-by-side"' in html and 'id="people-by-group"' in html


def test_map_indicator_switches_through_htmx(analyst: Any) -> None:
    client = _client(analyst)
    response = client.get("/reports/?indicator=rights_gap_baht&part=map", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<div") and "<svg" in html and "<html" not in html


def test_unknown_indicator_or_group_is_refused_with_a_message(analyst: Any) -> None:
    client = _client(analyst)
    response = client.get("/reports/?indicator=happiness")
    assert response.status_code == 400
    assert 'id="refused"' in response.content.decode()
    assert client.get("/reports/?group=unicorns").status_code == 400


def test_coordinator_sees_exact_numbers_of_their_province(
    registry: dict[str, Any], coordinator_nan: Any
) -> None:
    response = _client(coordinator_nan).get("/reports/provinces/55/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="province-map"' in html
    for table in (
        "table-people",
        "table-watch_open",
        "table-rights_gap",
        "trend-table",
        "turnaround",
    ):
        assert f'id="{table}"' in html, table
    assert "&lt; 5" not in html


def test_a_province_outside_the_users_scope_is_refused_and_logged(coordinator_nan: Any) -> None:
    response = _client(coordinator_nan).get("/reports/provinces/94/")
    assert response.status_code == 403
    assert AccessLog.objects.filter(
        user=coordinator_nan, action="denied", object_type="statistics", object_id="94"
    ).exists()


def test_xlsx_download_is_audited_and_suppressed(analyst: Any) -> None:
    from openpyxl import load_workbook

    response = _client(analyst).get("/reports/provinces/55/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    values = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "< 5" in values
    assert all(not isinstance(v, int) or v == 0 or v >= 5 for v in values)
    assert AccessLog.objects.filter(
        user=analyst, action="export", object_type="statistics"
    ).exists()


def test_field_workers_may_not_export(registry: dict[str, Any], field_worker_nan: Any) -> None:
    client = _client(field_worker_nan)
    assert client.get("/reports/provinces/55/").status_code == 200
    assert client.get("/reports/provinces/55/?format=xlsx").status_code == 403
    assert client.get("/reports/provinces/55/pdf/").status_code == 403


def test_outcomes_staff_see_no_statistics(make_user: Any) -> None:
    investor = make_user(role="investor", kind="investor")
    assert _client(investor).get("/reports/").status_code == 403


def test_province_pdf_has_thai_text(registry: dict[str, Any], coordinator_nan: Any) -> None:
    response = _client(coordinator_nan).get("/reports/provinces/55/pdf/")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert _nfkd("น่าน") in text and _nfkd("ผู้สูงอายุ") in text and _nfkd("จำนวนคน") in text
    assert AccessLog.objects.filter(user=coordinator_nan, action="export").exists()


@pytest.mark.parametrize(
    ("group", "thai"),
    [
        ("older_person", "ผู้สูงอายุ"),
        ("disability", "คนพิการ"),
        ("status_ethnic_indigenous", "สถานะ"),
    ],
)
def test_policy_brief_for_each_of_the_three_groups(analyst: Any, group: str, thai: str) -> None:
    response = _client(analyst).post(
        "/reports/brief/",
        {"group": group, "provinces": ["55", "94"], "recommendations": "ข้อเสนอที่หนึ่ง\n\nข้อสอง"},
    )
    assert response.status_code == 200, response.content[:500]
    text = _pdf_text(response.content)
    assert _nfkd(thai) in text and _nfkd("ข้อเสนอที่หนึ่ง") in text and _nfkd("น่าน") in text


def test_policy_brief_refuses_an_unknown_group(analyst: Any) -> None:
    response = _client(analyst).post("/reports/brief/", {"group": "unicorns"})
    assert response.status_code == 400
    assert 'id="brief-error"' in response.content.decode()


def test_policy_brief_command_writes_a_pdf(registry: dict[str, Any], tmp_path: Any) -> None:
    from django.core.management import call_command

    out = tmp_path / "brief.pdf"
    call_command(
        "report",
        "policy-brief",
        "--group",
        "older_person",
        "--provinces",
        "55,94",
        "--out",
        str(out),
    )
    text = _pdf_text(out.read_bytes())
    assert _nfkd("ผู้สูงอายุ") in text and _nfkd("ปัตตานี") in text


def test_policy_brief_command_refuses_bad_input(registry: dict[str, Any], tmp_path: Any) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown province"):
        call_command(
            "report",
            "policy-brief",
            "--group",
            "older_person",
            "--provinces",
            "99",
            "--out",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError):
        call_command(
            "report", "policy-brief", "--group", "nobody", "--out", str(tmp_path / "x.pdf")
        )


def test_model_areas_are_marked_compared_and_removed(
    registry: dict[str, Any], make_user: Any
) -> None:
    from saphan.reports.models import ModelArea

    coordinator = make_user(role="provincial_coordinator", provinces=("55",))
    client = _client(coordinator)
    response = client.post("/reports/model-areas/", {"province": "55", "code": "5505"})
    assert response.status_code == 302
    assert (
        client.post("/reports/model-areas/", {"province": "55", "code": "5505"}).status_code == 400
    )
    assert (
        client.post("/reports/model-areas/", {"province": "55", "code": "9401"}).status_code == 400
    )
    html = client.get("/reports/provinces/55/").content.decode()
    assert 'id="model-compare"' in html
    area = ModelArea.objects.active().get()
    client.post("/reports/model-areas/", {"province": "55", "remove": str(area.pk)})
    assert not ModelArea.objects.active().exists() and ModelArea.objects.count() == 1
    analyst = make_user(role="analyst", provinces=("55",), kind="agency")
    assert _client(analyst).get("/reports/model-areas/").status_code == 403


def test_province_pdf_with_thai_digits(registry: dict[str, Any], coordinator_nan: Any) -> None:
    response = _client(coordinator_nan).get("/reports/provinces/55/pdf/?thai_digits=1")
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert "๒๕๖" in text  # the Buddhist-Era year in Thai digits


def test_trend_and_turnaround_download_as_csv(
    registry: dict[str, Any], coordinator_nan: Any
) -> None:
    client = _client(coordinator_nan)
    trend = client.get("/reports/provinces/55/?format=csv&table=trend")
    assert trend.status_code == 200
    lines = trend.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("เดือน,") and len(lines) == 13  # header + 12 months
    turnaround = client.get("/reports/provinces/55/?format=csv&table=turnaround")
    assert turnaround.content.decode("utf-8-sig").splitlines()[0].startswith("เดือน,")
    assert client.get("/reports/provinces/55/?format=csv&table=nothing").status_code == 400


def test_dashboards_work_before_any_statistics_or_rules_exist(make_user: Any) -> None:
    from saphan.watch.models import WatchRule

    WatchRule.objects.all().delete()  # a fresh installation with no rule switched in
    coordinator = make_user(role="provincial_coordinator", provinces=("55",))
    client = _client(coordinator)
    response = client.get("/reports/provinces/55/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ยังไม่ได้คำนวณตัวเลข" in html  # "the figures have not been worked out yet"
    assert client.get("/reports/").status_code == 200
    assert client.get("/reports/provinces/55/pdf/").status_code == 200


def test_map_of_one_group_per_province(analyst: Any) -> None:
    response = _client(analyst).get(
        "/reports/?indicator=people&group=older_person&part=map", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'id="national-map"' in response.content.decode()
    response = _client(analyst).get(
        "/reports/provinces/55/?indicator=rights_gap_baht&part=map", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'id="province-map"' in response.content.decode()
