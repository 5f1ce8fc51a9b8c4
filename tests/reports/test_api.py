"""GET /api/v1/stats: suppressed for analysts, exact in the viewer's own province, and
bad input refused in Thai and English."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from saphan.accounts.services import api_token_create
from saphan.audit.models import AccessLog


def _client(user: Any) -> Client:
    _token, secret = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _cells(body: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    dims = body["by"]
    return {tuple(c["keys"][d] for d in dims): c for c in body["cells"]}


def test_analyst_gets_suppressed_cells_and_an_access_log_row(analyst: Any) -> None:
    response = _client(analyst).get("/api/v1/stats?by=province,group")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["exact"] is False
    cells = _cells(body)
    small = [c for c in cells.values() if c["display"] == "< 5"]
    assert small, "400 demo people over 25 provinces must leave small cells"
    for cell in cells.values():
        if cell["suppressed"]:
            assert cell["count"] is None and cell["amount"] is None
        else:
            assert cell["count"] == 0 or cell["count"] >= 5
    assert AccessLog.objects.filter(object_type="statistics", user=analyst).exists()


def test_coordinator_gets_exact_counts_of_their_own_province(
    registry: dict[str, Any], coordinator_nan: Any
) -> None:
    body = _client(coordinator_nan).get("/api/v1/stats?by=group&province=55").json()
    assert body["exact"] is True
    assert not any(c["suppressed"] for c in body["cells"])


@pytest.mark.parametrize(
    ("query", "english"),
    [
        ("by=province&province=50", "outside the provinces you work in"),
        ("by=province&group=unicorns", "Unknown group"),
        ("by=province,group,month", "one or two"),
        ("by=colour", "Unknown dimension"),
        ("by=province&measure=income", "Unknown measure"),
        ("by=month&month_from=2026-13", "YYYY-MM"),
    ],
)
def test_bad_input_is_refused_in_both_languages(analyst: Any, query: str, english: str) -> None:
    response = _client(analyst).get(f"/api/v1/stats?{query}")
    assert response.status_code == 422
    body = response.json()
    assert english in body["detail"] and body["detail_th"] and body["detail_th"] != body["detail"]


def test_a_filter_that_isolates_fewer_than_five_is_refused(analyst: Any) -> None:
    from saphan.reports.models import StatFact

    fact = (
        StatFact.objects.filter(measure="people", subdistrict_code="", group="")
        .exclude(district_code="")
        .filter(count__gte=1, count__lte=4)
        .first()
    )
    if fact is None:
        pytest.fail("the demo registry must hold a district with 1 to 4 people")
    response = _client(analyst).get(
        f"/api/v1/stats?by=province&province={fact.province_code}&district={fact.district_code}"
    )
    assert response.status_code == 422
    assert "fewer than 5" in response.json()["detail"]


def test_roles_without_aggregates_are_refused(make_user: Any) -> None:
    investor = make_user(role="investor", kind="investor")
    assert _client(investor).get("/api/v1/stats?by=province").status_code == 403


def test_open_data_csv_is_suppressed_for_everyone(analyst: Any) -> None:
    response = _client(analyst).get("/api/v1/stats/open-data.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "measure,province_code,province,breakdown,value,note"
    values = [line.split(",")[4] for line in text.splitlines()[1:]]
    assert "< 5" in values
    assert all(v in ("< 5", "x") or v == "0" or int(v) >= 5 for v in values)
