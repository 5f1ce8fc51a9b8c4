"""Payments by results: requests per payer never above the caps, approval by the payer
only, payment recorded by the intermediary into the ledger; the investor side."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from saphan.outcomes.choices import AccountKind
from saphan.outcomes.claims import claim_submit, claim_verify
from saphan.outcomes.ledger import account_balance, account_for, ledger_post, ledger_totals
from saphan.outcomes.models import Claim, LedgerTransaction, Party, PaymentRequest
from saphan.outcomes.payments import (
    disbursement_record,
    drawdown_record,
    payment_record,
    payment_request_approve,
    payment_request_send,
    payment_requests_prepare,
    repayments_distribute,
)
from saphan.outcomes.reconcile import investor_statement, ledger_reconcile, party_statement
from saphan.outcomes.selectors import approval_queue, project_dashboard
from tests.outcomes.app.conftest import days

pytestmark = pytest.mark.django_db
D = Decimal


def this_quarter() -> str:
    today = timezone.localdate()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


@pytest.fixture
def verified(project: Any, enrol: Any, users: Any) -> list[Any]:
    """Three people housed and one of them sustained: 50 000 THB gross, cap 35 000."""
    claims = []
    people = [enrol(name) for name in ("ก", "ข", "ค")]
    for participant in people:
        claims.append(
            claim_submit(
                user=users["provider"],
                project=project,
                participant=participant,
                metric="housed",
                achieved_on=days(-90),
            )
        )
    for claim in claims:
        claim_verify(user=users["evaluator"], claim=claim, decision="accept", reason="seen")
    sustained = claim_submit(
        user=users["provider"],
        project=project,
        participant=people[0],
        metric="sustained",
        achieved_on=days(-1),
    )
    claim_verify(user=users["evaluator"], claim=sustained, decision="accept", reason="seen")
    return [*claims, sustained]


def prepared(project: Any, users: Any) -> Any:
    period = max(this_quarter(), _quarter(days(-90)))
    (request,) = payment_requests_prepare(
        user=users["intermediary"], project=project, period=period
    )
    return request


def _quarter(day: Any) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def test_payment_request_is_never_above_the_cap(project: Any, verified: Any, users: Any) -> None:
    request = prepared(project, users)
    assert request.amount == D("35000.00")  # 50 000 gross, total cap 35 000
    assert request.payer.code == "dsdw" and request.status == "draft"
    assert sum(D(line["amount"]) for line in request.lines) == request.amount
    assert any(line.get("caps") for line in request.lines)
    assert request.claims.count() == 4
    # Preparing again replaces the draft; the figures do not change.
    again = prepared(project, users)
    assert again.amount == D("35000.00") and PaymentRequest.objects.count() == 1


def test_a_request_that_would_pass_a_cap_is_refused(
    project: Any, verified: Any, users: Any
) -> None:
    payer = Party.objects.get(project=project, role="payer")
    PaymentRequest.objects.create(
        project=project,
        payer=payer,
        period="2000-Q1",
        amount=D("36000.00"),
        status="requested",
        prepared_by=users["intermediary"],
    )
    with pytest.raises(ValidationError, match="above the total cap"):
        prepared(project, users)


def test_only_the_payer_approves(project: Any, verified: Any, users: Any, make_user: Any) -> None:
    request = prepared(project, users)
    with pytest.raises(ValidationError):  # not sent yet
        payment_request_approve(user=users["payer"], request=request)
    payment_request_send(user=users["intermediary"], request=request)
    assert list(approval_queue(user=users["payer"])) == [request]
    other_payer = make_user(role="payer", kind="outcome_payer")
    for user in (
        users["intermediary"],
        users["evaluator"],
        users["investor"],
        users["provider"],
        other_payer,
    ):
        with pytest.raises(PermissionDenied):
            payment_request_approve(user=user, request=request)
    assert approval_queue(user=other_payer).count() == 0
    payment_request_approve(user=users["payer"], request=request)
    request.refresh_from_db()
    assert request.status == "approved" and request.approved_by == users["payer"]


def test_payment_is_recorded_in_the_ledger_and_reconciles(
    project: Any, verified: Any, users: Any
) -> None:
    request = prepared(project, users)
    payment_request_send(user=users["intermediary"], request=request)
    payment_request_approve(user=users["payer"], request=request)
    with pytest.raises(PermissionDenied):
        payment_record(user=users["payer"], request=request, paid_on=timezone.localdate())
    with pytest.raises(ValidationError, match="approved amount"):
        payment_record(
            user=users["intermediary"],
            request=request,
            paid_on=timezone.localdate(),
            amount=D("40000.00"),
        )
    payment_record(user=users["intermediary"], request=request, paid_on=timezone.localdate())
    request.refresh_from_db()
    assert request.status == "paid" and request.ledger_transaction is not None
    assert set(Claim.objects.values_list("status", flat=True)) == {"paid"}
    assert account_balance(account_for(project, AccountKind.CASH)) == D("35000.00")
    debits, credits = ledger_totals(project)
    assert debits == credits == D("35000.00")
    assert ledger_reconcile(project=project) == []
    figures = project_dashboard(user=users["investor"], project=project)
    assert figures.paid == D("35000.00") and figures.total_cap == D("35000.00")
    assert figures.claims_by_status["paid"] == 4 and figures.enrolled == 3

    # A stray outcome payment in the ledger is found by the reconciliation.
    payer = Party.objects.get(project=project, role="payer")
    ledger_post(
        user=users["intermediary"],
        project=project,
        date=timezone.localdate(),
        description="Typed in twice",
        kind="outcome_payment",
        lines=[
            (account_for(project, "cash"), D("100.00"), 0),
            (account_for(project, "outcome_income", payer), 0, D("100.00")),
        ],
    )
    codes = {m.code for m in ledger_reconcile(project=project)}
    assert {"payment_without_request", "payer_total"} <= codes


def test_reconciliation_finds_a_paid_request_missing_from_the_ledger(
    project: Any, verified: Any, users: Any
) -> None:
    request = prepared(project, users)
    PaymentRequest.objects.filter(pk=request.pk).update(status="paid")
    codes = {m.code for m in ledger_reconcile(project=project)}
    assert {"payment_not_posted", "claims_not_paid", "payer_total"} <= codes


def test_investor_side_drawdowns_disbursements_and_the_waterfall(
    project: Any, verified: Any, users: Any
) -> None:
    im = users["intermediary"]
    drawdown_record(user=im, project=project, on=days(-300), amount=D("50000.00"))
    with pytest.raises(ValidationError, match="committed"):
        drawdown_record(user=im, project=project, on=days(-200), amount=D("60000.00"))
    provider = Party.objects.get(project=project, role="provider")
    disbursement_record(
        user=im, project=project, provider=provider, on=days(-290), amount=D("40000.00")
    )
    with pytest.raises(ValidationError, match="holds"):
        disbursement_record(
            user=im, project=project, provider=provider, on=days(-280), amount=D("20000.00")
        )
    request = prepared(project, users)
    payment_request_send(user=im, request=request)
    payment_request_approve(user=users["payer"], request=request)
    payment_record(user=im, request=request, paid_on=timezone.localdate())
    (repaid,) = repayments_distribute(user=im, project=project, on=timezone.localdate())
    assert sum(e.debit for e in repaid.entries.all()) == D("35000.00")  # all principal
    with pytest.raises(ValidationError, match="nothing new"):
        repayments_distribute(user=im, project=project, on=timezone.localdate())
    fund = Party.objects.get(project=project, spec_code="fund")
    bank = Party.objects.get(project=project, spec_code="bank")
    mine = investor_statement(user=users["investor"], project=project, party=fund)
    assert (mine.drawn, mine.principal_repaid) == (D("30000.00"), D("21000.00"))
    assert mine.statement.paid_in == D("30000.00") and mine.statement.paid_out == D("21000.00")
    with pytest.raises(PermissionDenied):
        party_statement(user=users["investor"], project=project, party=bank)
    assert party_statement(user=im, project=project, party=bank).balance == D("6000.00")
    debits, credits = ledger_totals(project)
    assert debits == credits
    assert ledger_reconcile(project=project) == []
    assert LedgerTransaction.objects.filter(project=project).count() == 4
