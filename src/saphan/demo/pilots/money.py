"""A pilot's money: drawdowns and disbursements, payment requests through to payment,
and repayments to the investors, all posted to the ledger by the services."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from decimal import Decimal

from django.core.exceptions import ValidationError

from saphan.accounts.models import User
from saphan.demo.pilots.users import Progress, why
from saphan.outcomes.choices import COUNTED_CLAIM_STATUSES, PartyRole
from saphan.outcomes.engine import Contract
from saphan.outcomes.engine.money import split
from saphan.outcomes.models import Claim, Party, PaymentRequest, Project
from saphan.outcomes.payments import (
    disbursement_record,
    drawdown_record,
    payment_record,
    payment_request_approve,
    payment_request_send,
    payment_requests_prepare,
    repayments_distribute,
)

DISBURSED = Decimal("0.85")  # share of each drawdown paid on to the providers at once
DISBURSEMENT_DELAY = dt.timedelta(days=14)


def _periods(contract: Contract, today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """(period key, first day, last day) of every contract period that ended before today."""
    days: dict[str, tuple[dt.date, dt.date]] = {}
    month = dt.date(contract.start.year, contract.start.month, 1)
    while month <= min(today, contract.end):
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        first = days.get(contract.period_key(month), (month, month))[0]
        days[contract.period_key(month)] = (first, following - dt.timedelta(days=1))
        month = following
    return [(key, first, last) for key, (first, last) in days.items() if last < today]


def funding_record(
    project: Project, contract: Contract, intermediary: User, today: dt.date
) -> None:
    """The contract's tranches up to today, most of each paid on to the providers."""
    providers = list(Party.objects.filter(project=project, role=PartyRole.PROVIDER))
    for tranche in contract.investment.tranches if contract.investment else ():
        if tranche.on > today:
            continue
        drawdown_record(user=intermediary, project=project, on=tranche.on, amount=tranche.amount)
        on = min(tranche.on + DISBURSEMENT_DELAY, today)
        parts = split(tranche.amount * DISBURSED, [Decimal(1)] * len(providers))
        for party, part in zip(providers, parts, strict=True):
            disbursement_record(
                user=intermediary, project=project, provider=party, on=on, amount=part
            )


def payments_make(
    project: Project,
    contract: Contract,
    cast: dict[tuple[str, str], User],
    intermediary: User,
    today: dt.date,
    progress: Progress,
) -> None:
    """Requests for every past period with outcomes, sent; approved by the payer's
    staff; paid (and repayments distributed) when every request of the period can be
    approved, except the last ones: one approved but unpaid, one waiting for approval."""
    counted = Claim.objects.filter(project=project, status__in=COUNTED_CLAIM_STATUSES)
    prepared: list[tuple[dt.date, list[PaymentRequest]]] = []
    for period, first, last in _periods(contract, today):
        if not counted.filter(achieved_on__range=(first, last)).exists():
            continue
        try:
            requests = payment_requests_prepare(user=intermediary, project=project, period=period)
        except ValidationError as error:
            progress(f"  payment requests for {period} refused: {why(error)}")
            break
        if due := [r for r in requests if r.amount > 0]:
            paid_on = min(last + dt.timedelta(days=contract.payment_lag_days), today)
            prepared.append((paid_on, due))
    final = prepared[-1][1] if prepared else []
    if len(final) > 1:
        held = {final[0].pk}  # approved, not yet paid
    else:
        held = {r.pk for r in prepared[-2][1]} if len(prepared) > 1 else set()
    for paid_on, requests in prepared:
        approved = 0
        for request in requests:
            payment_request_send(user=intermediary, request=request)
            payer = cast.get((request.payer.organisation.code, PartyRole.PAYER))
            if payer is None or (request in final and request.pk not in held):
                continue
            payment_request_approve(user=payer, request=request)
            approved += 1
        # A claim shared by two payers is marked paid when the first pays: pay a period
        # only when all its requests are approved.
        if approved < len(requests) or any(r.pk in held for r in requests):
            continue
        for request in requests:
            payment_record(user=intermediary, request=request, paid_on=paid_on)
        if contract.investment is not None:
            with suppress(ValidationError):  # nothing new to distribute yet
                repayments_distribute(user=intermediary, project=project, on=paid_on)
