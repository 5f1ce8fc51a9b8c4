"""Outcomes by results, across four organisations: the provider submits a claim, the
independent evaluator verifies it, the payer approves the payment request, and the
investor's statement shows the money coming back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from saphan.outcomes.choices import ClaimStatus, PaymentStatus
from saphan.outcomes.ledger_db import sqlite_delete_triggers_drop, sqlite_delete_triggers_restore
from saphan.outcomes.models import Claim, PaymentRequest
from saphan.outcomes.payments import (
    drawdown_record,
    payment_record,
    payment_request_send,
    payment_requests_prepare,
    repayments_distribute,
)
from tests.factories import TEST_PASSWORD
from tests.outcomes.app.conftest import (  # noqa: F401 - fixtures
    days,
    draft_project,
    enrol,
    make_person,
    orgs,
    project,
    users,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def ledger_flushable(transactional_db: None) -> Iterator[None]:
    # The ledger refuses DELETE at the database level; the live-server test's flush
    # on SQLite deletes row by row, so the triggers step aside for the teardown only.
    yield
    sqlite_delete_triggers_drop()


@pytest.fixture(autouse=True)
def _geography_and_triggers(transactional_db: None) -> Iterator[None]:
    """Earlier live-server tests flush every table, migration data included: load the
    geography again before the organisations are made, and put the ledger's triggers
    back (they step aside only for the flush)."""
    from saphan.geo.services import geography_load

    geography_load()
    sqlite_delete_triggers_restore()
    yield


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("form[action*='login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def _quarter(day: Any) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def test_claim_verified_approved_and_repaid(
    page: Any,
    live_server: Any,
    ledger_flushable: None,
    project: Any,  # noqa: F811
    users: Any,  # noqa: F811
    enrol: Any,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    participant = enrol("สมหมาย", on=-100)
    im = users["intermediary"]
    drawdown_record(user=im, project=project, on=days(-100), amount="50000.00")

    # The investor's statement before any outcome is paid: nothing repaid.
    _login(page, base, "inv")
    page.goto(f"{base}/outcomes/{project.uid}/investor/")
    expect(page.locator("#drawn")).to_contain_text("30,000.00")  # 60 % of the tranche
    expect(page.locator("#principal")).to_contain_text("0.00")

    # 1. The provider's case manager claims "housed" for the participant.
    _login(page, base, "cm")
    page.goto(f"{base}/outcomes/{project.uid}/claims/new/")
    page.select_option("#claim-participant", participant.code)
    page.select_option("#claim-metric", "housed")
    page.fill("#claim-achieved_on", days(-60).isoformat())
    page.locator("#claim-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/claims/[0-9a-f-]{36}/$"))
    claim = Claim.objects.get(participant=participant)
    assert claim.status == ClaimStatus.PRECHECKED

    # 2. The independent evaluator accepts it from the verification queue.
    _login(page, base, "ev")
    page.goto(f"{base}/outcomes/{project.uid}/verify/")
    item = page.locator(f"#claim-{claim.short_id}")
    expect(item).to_contain_text(participant.code)
    # Other parties see only the pseudonymous code, never the name.
    assert participant.person.full_name not in page.content()
    item.locator("input[value=accept]").check()
    item.locator("input[name=reason]").fill("ตรวจสัญญาเช่าและเยี่ยมที่พักแล้ว")
    item.locator("button[type=submit]").click()
    expect(page.locator(f"#claim-{claim.short_id}")).to_have_count(0)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACCEPTED

    # The intermediary prepares and sends the payment request for the period.
    period = max(_quarter(timezone.localdate()), _quarter(days(-60)))
    (request,) = payment_requests_prepare(user=im, project=project, period=period)
    payment_request_send(user=im, request=request)

    # 3. The payer approves it from the approval queue.
    _login(page, base, "pay")
    page.goto(f"{base}/outcomes/{project.uid}/approvals/")
    page.locator(f"form[action$='/approvals/{request.uid}/approve/'] button").click()
    expect(page.locator(f"form[action$='/approvals/{request.uid}/approve/']")).to_have_count(0)
    request.refresh_from_db()
    assert request.status == PaymentStatus.APPROVED

    # The intermediary records the payment and runs the waterfall.
    payment_record(user=im, request=request, paid_on=timezone.localdate())
    repayments_distribute(user=im, project=project, on=timezone.localdate())

    # 4. The investor's statement now shows principal coming back.
    _login(page, base, "inv")
    page.goto(f"{base}/outcomes/{project.uid}/investor/")
    expect(page.locator("#principal")).not_to_have_text(re.compile(r"^\s*0\.00\s*$"))
    assert PaymentRequest.objects.get(pk=request.pk).status == PaymentStatus.PAID
