"""Money through the pages: payment requests prepared, sent, approved by the payer and
recorded; each party's statement; the investor statement; the scenario simulation."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from saphan.outcomes.models import Party, PaymentRequest
from saphan.outcomes.payments import (
    drawdown_record,
    payment_record,
    payment_request_approve,
    payment_request_send,
    payment_requests_prepare,
    repayments_distribute,
)
from saphan.outcomes.reconcile import investor_statement
from saphan.outcomes.services import contract_version_create, contract_version_sign
from tests.outcomes.web.conftest import days, quarter, spec, this_quarter

pytestmark = pytest.mark.django_db
D = Decimal


def period() -> str:
    return max(this_quarter(), quarter(days(-90)))


def test_requests_prepared_sent_approved_and_recorded(
    login: Any, users: Any, project: Any, verified: Any
) -> None:
    base = f"/outcomes/{project.uid}"
    im = login(users["intermediary"])
    assert 'id="no-requests"' in im.get(f"{base}/payments/").content.decode()
    bad = im.post(f"{base}/payments/prepare/", {"period": "2026-13"})
    assert bad.status_code == 422 and "2026-Q1" in bad.content.decode()
    assert im.post(f"{base}/payments/prepare/", {"period": period()}).status_code == 302
    request = PaymentRequest.objects.get()
    assert request.amount == D("30000.00") and request.status == "draft"
    assert im.post(f"{base}/payments/{request.uid}/send/").status_code == 302

    payer = login(users["payer"])
    queue = payer.get(f"{base}/approvals/").content.decode()
    assert "30,000.00" in queue and request.period in queue
    assert payer.post(f"{base}/approvals/{request.uid}/approve/").status_code == 302
    request.refresh_from_db()
    assert request.status == "approved" and request.approved_by == users["payer"]
    again = payer.post(f"{base}/approvals/{request.uid}/approve/", follow=True)
    assert "messages" in again.content.decode()  # refused: already approved, said why

    im = login(users["intermediary"])
    wrong = im.post(
        f"{base}/payments/{request.uid}/record/",
        {"paid_on": days(0).isoformat(), "amount": "29000.00"},
    )
    assert wrong.status_code == 422 and "30,000.00" in wrong.content.decode()
    paid = im.post(
        f"{base}/payments/{request.uid}/record/",
        {"paid_on": days(0).isoformat(), "amount": "30000.00"},
    )
    assert paid.status_code == 302
    request.refresh_from_db()
    assert request.status == "paid"
    assert 'id="reconciled"' in im.get(f"{base}/payments/").content.decode()

    statement = login(users["payer"]).get(f"{base}/statement/").content.decode()
    assert 'id="statement"' in statement and "30,000.00" in statement


def test_only_the_addressed_payer_approves(
    login: Any, users: Any, project: Any, verified: Any
) -> None:
    (request,) = payment_requests_prepare(
        user=users["intermediary"], project=project, period=period()
    )
    payment_request_send(user=users["intermediary"], request=request)
    url = f"/outcomes/{project.uid}/approvals/{request.uid}/approve/"
    assert login(users["provider"]).post(url).status_code == 403
    assert login(users["intermediary"]).post(url).status_code == 403
    request.refresh_from_db()
    assert request.status == "requested"


@pytest.fixture
def funded(project: Any, users: Any, verified: Any) -> Any:
    """50 000 drawn, 30 000 of outcome payments received and run down the waterfall."""
    im = users["intermediary"]
    drawdown_record(user=im, project=project, on=days(-300), amount=D("50000.00"))
    (request,) = payment_requests_prepare(user=im, project=project, period=period())
    payment_request_send(user=im, request=request)
    payment_request_approve(user=users["payer"], request=request)
    payment_record(user=im, request=request, paid_on=days(-1))
    repayments_distribute(user=im, project=project, on=days(0))
    return project


def _dd(html: str, name: str) -> str:
    found = re.search(rf'<dd id="{name}">(.*?)</dd>', html)
    assert found, name
    return found.group(1)


def test_investor_page_matches_the_investor_statement(login: Any, users: Any, funded: Any) -> None:
    party = Party.objects.get(project=funded, role="investor", spec_code="fund")
    figures = investor_statement(user=users["investor"], project=funded, party=party)
    html = login(users["investor"]).get(f"/outcomes/{funded.uid}/investor/").content.decode()
    assert _dd(html, "committed") == f"{figures.committed:,.2f}" == "60,000.00"
    assert _dd(html, "drawn") == f"{figures.drawn:,.2f}" == "30,000.00"
    assert _dd(html, "principal") == f"{figures.principal_repaid:,.2f}" == "18,000.00"
    assert _dd(html, "return") == f"{figures.return_paid:,.2f}"
    assert _dd(html, "multiple") == str(figures.multiple)
    irr = "—" if figures.irr is None else f"{figures.irr * 100:,.2f}%"
    assert _dd(html, "irr") == irr
    assert _dd(html, "peak") == "30,000.00"
    assert 'id="chart-flows"' in html and 'id="flows"' in html
    assert 'id="party"' not in html  # an investor reads its own statement only
    assert ' style="' not in html and "<script>" not in html
    # The intermediary reads every investor; another investor only its own.
    im = login(users["intermediary"]).get(f"/outcomes/{funded.uid}/investor/").content.decode()
    assert 'id="party"' in im


def test_statement_of_the_intermediary_chooses_a_party(login: Any, users: Any, funded: Any) -> None:
    bank = Party.objects.get(project=funded, spec_code="bank")
    html = (
        login(users["intermediary"])
        .get(f"/outcomes/{funded.uid}/statement/", {"party": bank.pk})
        .content.decode()
    )
    assert "20,000.00" in html  # the bank's 40 % of the 50 000 drawn
    own = login(users["investor"]).get(f"/outcomes/{funded.uid}/statement/", {"party": bank.pk})
    assert own.status_code == 200 and "20,000.00" not in own.content.decode()


def test_scenarios_page_renders_svg_histograms(login: Any, users: Any, project: Any) -> None:
    client = login(users["investor"])
    html = client.get(f"/outcomes/{project.uid}/scenarios/").content.decode()
    assert 'id="no-assumptions"' in html
    im = users["intermediary"]
    planned = spec(
        assumptions={
            "enrolment": [8, 14],
            "success": {"housed": [0.6, 0.85], "sustained": [0.7, 0.9]},
        }
    )
    version = contract_version_create(user=im, project=project, spec=planned, reason="plan")
    contract_version_sign(user=im, version=version)
    html = client.get(f"/outcomes/{project.uid}/scenarios/").content.decode()
    for part in (
        '<svg class="chart" id="chart-cost"',
        '<svg class="chart" id="chart-irr"',
        'id="cost-table"',
        'id="irr-table"',
        'id="multiple-table"',
        'id="loss"',
        'id="break-even"',
        "<rect ",
    ):
        assert part in html, part
    assert ' style="' not in html and "<script>" not in html


def test_drawdown_disbursement_and_repayment_forms(
    login: Any, users: Any, project: Any, verified: Any
) -> None:
    base = f"/outcomes/{project.uid}/payments"
    im = login(users["intermediary"])
    too_much = im.post(f"{base}/drawdown/", {"on": days(-300).isoformat(), "amount": "200000"})
    assert too_much.status_code == 422 and "100000" in too_much.content.decode()
    ok = im.post(f"{base}/drawdown/", {"on": days(-300).isoformat(), "amount": "50000"})
    assert ok.status_code == 302
    provider = Party.objects.get(project=project, role="provider")
    paid_out = im.post(
        f"{base}/disbursement/",
        {"provider": provider.pk, "on": days(-290).isoformat(), "amount": "20000"},
    )
    assert paid_out.status_code == 302
    nothing = im.post(f"{base}/repayments/", {"on": days(0).isoformat()})
    assert nothing.status_code == 422  # no outcome payment received yet
    statement = im.get(f"/outcomes/{project.uid}/statement/", {"party": provider.pk})
    assert "20,000.00" in statement.content.decode()
    assert login(users["payer"]).post(f"{base}/drawdown/", {}).status_code == 403


def test_charts_are_well_formed_svg(login: Any, users: Any, project: Any, verified: Any) -> None:
    from xml.etree import ElementTree

    html = login(users["intermediary"]).get(f"/outcomes/{project.uid}/").content.decode()
    charts = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(charts) >= 4
    for chart in charts:
        root = ElementTree.fromstring(chart)  # noqa: S314 - our own page
        assert root.get("role") == "img" and root.get("style") is None


def test_payer_figures_on_the_dashboard(project: Any, verified: Any, users: Any) -> None:
    """Cost per outcome, per participant, share of the maximum and remaining liability,
    for the payer and the intermediary (not for the provider)."""
    from django.test import Client

    from saphan.outcomes.reconcile import payer_figures_of
    from tests.factories import TEST_PASSWORD

    figures = payer_figures_of(project=project)
    assert figures is not None and figures.total_paid > 0
    for username, shown in (("pay", True), ("im", True), ("cm", False)):
        client = Client()
        assert client.login(username=username, password=TEST_PASSWORD)
        html = client.get(f"/outcomes/{project.uid}/").content.decode()
        assert ('id="payer-figures"' in html) is shown, username
    assert figures.remaining_liability is not None
    assert figures.total_paid + figures.remaining_liability == figures.maximum
