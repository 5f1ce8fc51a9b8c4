"""Payments by results and the investor side.

Verified outcomes × the rate card, after caps and cohort rules (the engine's
``evaluate``), give one payment request per payer and period; the payer approves it
and the intermediary records the payment, which posts to the ledger. Requests are
cumulative: each one asks for what the engine says is due up to the period, less what
was already requested, so a late-verified outcome is paid in the next request and the
caps hold over the life of the contract. Investors' drawdowns, disbursements to
providers and repayments (the engine's waterfall) are ledger transactions too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.outcomes.checks import (
    Errors,
    money,
    money_sum,
    require_action,
    require_party,
    require_project_open,
)
from saphan.outcomes.choices import (
    COUNTED_CLAIM_STATUSES,
    AccountKind,
    ClaimStatus,
    PartyRole,
    PaymentStatus,
    TransactionKind,
)
from saphan.outcomes.contracts import contract_of, require_current_version, result_of
from saphan.outcomes.ledger import ZERO, account_balance, account_for, ledger_post
from saphan.outcomes.models import (
    Claim,
    Dispute,
    LedgerEntry,
    LedgerTransaction,
    Party,
    PaymentRequest,
    Project,
)

_PERIOD = {"month": re.compile(r"\d{4}-(0[1-9]|1[0-2])"), "quarter": re.compile(r"\d{4}-Q[1-4]")}
ABOVE_CAP = _(
    "This would take payments to %(payer)s to %(amount)s THB, above the %(cap)s cap of "
    "%(limit)s THB."
)


def _require_intermediary(user: User, project: Project) -> Party:
    require_action(user, policy.Action.MANAGE_OUTCOME_PROJECTS)
    return require_party(user, project, PartyRole.INTERMEDIARY)


def _payer_parties(project: Project) -> dict[str, Party]:
    parties = Party.objects.filter(project=project, role=PartyRole.PAYER)
    return {p.code: p for p in parties.select_related("organisation")}


def _requested(project: Project, payer: Party, *, exclude: PaymentRequest | None = None) -> Decimal:
    requests = PaymentRequest.objects.filter(project=project, payer=payer)
    if exclude is not None:
        requests = requests.exclude(pk=exclude.pk)
    return money_sum(requests, "amount")


def _check_caps(
    errors: Errors,
    contract: Any,
    project: Project,
    payer: Party,
    amount: Decimal,
    existing: PaymentRequest | None,
) -> None:
    """The engine never prices above a cap; this is the guard at the door."""
    caps = contract.caps
    payer_total = _requested(project, payer, exclude=existing) + amount
    limit = caps.per_payer.get(payer.code)
    if limit is not None and payer_total > limit:
        errors.add(
            "amount", ABOVE_CAP, payer=payer.code, amount=payer_total, cap="per_payer", limit=limit
        )
    if caps.total is not None:
        others = PaymentRequest.objects.filter(project=project)
        if existing is not None:
            others = others.exclude(pk=existing.pk)
        total = money_sum(others, "amount") + amount
        if total > caps.total:
            errors.add(
                "amount", ABOVE_CAP, payer=payer.code, amount=total, cap="total", limit=caps.total
            )


@transaction.atomic
def payment_requests_prepare(*, user: User, project: Project, period: str) -> list[PaymentRequest]:
    """Draft one payment request per payer for outcomes verified up to ``period`` (a
    month ``2026-03`` or a quarter ``2026-Q1``, as the contract says). Claims under an
    open dispute wait. A draft for the same period is replaced; a request already sent
    for it is refused."""
    from saphan.outcomes.engine.pricing import evaluate

    _require_intermediary(user, project)
    require_project_open(project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    version = require_current_version(project)
    contract = contract_of(version)
    errors = Errors()
    if not _PERIOD[contract.period].fullmatch(period or ""):
        errors.add(
            "period",
            _("Give the period as %(example)s."),
            example="2026-03" if contract.period == "month" else "2026-Q1",
        )
        errors.raise_if_any()
    parties = _payer_parties(project)
    existing = {
        r.payer_id: r for r in PaymentRequest.objects.filter(project=project, period=period)
    }
    for request in existing.values():
        if request.status != PaymentStatus.DRAFT:
            errors.add(
                "period",
                _("A payment request for %(period)s has already been sent to %(payer)s."),
                period=period,
                payer=request.payer.code,
            )
    claims = [
        c
        for c in Claim.objects.filter(project=project, status__in=COUNTED_CLAIM_STATUSES)
        .exclude(Exists(Dispute.objects.filter(claim=OuterRef("pk"), resolved_at__isnull=True)))
        .select_related("participant", "cohort")
        if contract.period_key(c.achieved_on) <= period
    ]
    by_pk = {c.pk: c for c in claims}
    evaluation = evaluate(contract, [result_of(c) for c in claims])
    already_in = set(
        PaymentRequest.claims.through.objects.filter(paymentrequest__project=project)
        .exclude(paymentrequest__period=period, paymentrequest__status=PaymentStatus.DRAFT)
        .values_list("paymentrequest__payer_id", "claim_id")
    )
    prepared: list[tuple[Party, Decimal, list[dict[str, Any]], list[Claim]]] = []
    for payer in contract.payers:
        party = parties.get(payer.code)
        if party is None:
            errors.add("payer", _("Payer %(code)s is not a party of the project."), code=payer.code)
            continue
        due = sum(
            (
                row.get(payer.code, ZERO)
                for key, row in evaluation.payments_by_period_and_payer.items()
                if key <= period
            ),
            ZERO,
        )
        current = existing.get(party.pk)
        amount = max(ZERO, money(due - _requested(project, party, exclude=current)))
        lines: list[dict[str, Any]] = []
        included: list[Claim] = []
        for line in evaluation.lines:
            share = line.by_payer.get(payer.code, ZERO)
            claim = by_pk.get(line.result.row or 0)
            if claim is None or share <= 0 or (party.pk, claim.pk) in already_in:
                continue
            included.append(claim)
            lines.append(
                {
                    "claim": str(claim.uid),
                    "subject": line.result.subject,
                    "metric": line.result.metric,
                    "achieved_on": line.result.achieved_on.isoformat(),
                    "period": line.period,
                    "rate_card": line.rate_card,
                    "gross": str(line.gross),
                    "amount": str(share),
                    "caps": [f"{cut.cap}:{cut.key}" for cut in line.cuts],
                }
            )
        listed = sum((Decimal(x["amount"]) for x in lines), ZERO)
        if listed != amount:
            # Earlier outcomes re-priced after a late one (caps), or a claim overturned.
            lines.append(
                {
                    "claim": "",
                    "metric": "",
                    "subject": "",
                    "amount": str(amount - listed),
                    "adjustment": True,
                }
            )
        _check_caps(errors, contract, project, party, amount, current)
        prepared.append((party, amount, lines, included))
    errors.raise_if_any()
    requests = []
    for party, amount, lines, included in prepared:
        current = existing.get(party.pk)
        if current is not None:
            current.claims.clear()
            PaymentRequest.objects.filter(pk=current.pk).delete()
        request = PaymentRequest.objects.create(
            project=project,
            payer=party,
            period=period,
            amount=amount,
            lines=lines,
            prepared_by=user,
        )
        request.claims.set(included)
        requests.append(request)
    return requests


@transaction.atomic
def payment_request_send(*, user: User, request: PaymentRequest) -> PaymentRequest:
    _require_intermediary(user, request.project)
    if request.status != PaymentStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft request can be sent.")})
    request.status = PaymentStatus.REQUESTED
    request.requested_at = timezone.now()
    request.save(update_fields=["status", "requested_at"])
    return request


@transaction.atomic
def payment_request_approve(*, user: User, request: PaymentRequest) -> PaymentRequest:
    """Only the staff of the payer the request is addressed to approve it."""
    require_action(user, policy.Action.APPROVE_OUTCOME_PAYMENTS)
    party = require_party(user, request.project, PartyRole.PAYER)
    if request.payer.organisation_id != party.organisation_id:
        raise PermissionDenied("not_the_payer")
    request = PaymentRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != PaymentStatus.REQUESTED:
        raise ValidationError(
            {
                "status": ValidationError(
                    _("Only a sent request can be approved (this one is %(status)s)."),
                    params={"status": PaymentStatus(request.status).label},
                )
            }
        )
    request.status = PaymentStatus.APPROVED
    request.approved_by = user
    request.approved_at = timezone.now()
    request.save(update_fields=["status", "approved_by", "approved_at"])
    return request


@transaction.atomic
def payment_record(
    *,
    user: User,
    request: PaymentRequest,
    paid_on: dt.date,
    amount: Decimal | None = None,
    currency: str = "THB",
    exchange_rate: Decimal = Decimal(1),
) -> PaymentRequest:
    """The intermediary records the payer's payment of an approved request: the ledger
    gets Dr cash / Cr outcome payments (payer) and its claims become paid."""
    project = request.project
    _require_intermediary(user, project)
    request = PaymentRequest.objects.select_for_update().get(pk=request.pk)
    errors = Errors()
    if request.status != PaymentStatus.APPROVED:
        errors.add("status", _("Only an approved request can be recorded as paid."))
    received = request.amount if amount is None else amount
    if isinstance(received, float):
        errors.add("amount", _("Amounts are never floats."))
    elif money(Decimal(received) * (exchange_rate if currency != "THB" else 1)) != request.amount:
        errors.add(
            "amount",
            _("The payment must equal the approved amount, %(amount)s THB."),
            amount=request.amount,
        )
    if paid_on > timezone.localdate():
        errors.add("paid_on", _("This date is in the future."))
    errors.raise_if_any()
    posted = None
    if request.amount > 0:
        original = request.amount if currency == "THB" else Decimal(received)
        posted = ledger_post(
            user=user,
            project=project,
            date=paid_on,
            description=f"{_('Outcome payment')} {request.period} {request.payer.code}",
            kind=TransactionKind.OUTCOME_PAYMENT,
            lines=[
                (account_for(project, AccountKind.CASH), original, 0),
                (account_for(project, AccountKind.OUTCOME_INCOME, request.payer), 0, original),
            ],
            currency=currency,
            exchange_rate=exchange_rate if currency != "THB" else Decimal(1),
            reference={"payment_request": str(request.uid)},
            reverses=None,
        )
    request.status = PaymentStatus.PAID
    request.paid_on = paid_on
    request.paid_recorded_by = user
    request.ledger_transaction = posted
    request.save(update_fields=["status", "paid_on", "paid_recorded_by", "ledger_transaction"])
    # A claim whose price several payers share is paid once every payer's request that
    # includes it is paid, not when the first one is.
    unpaid = (PaymentStatus.DRAFT, PaymentStatus.REQUESTED, PaymentStatus.APPROVED)
    Claim.objects.filter(
        pk__in=request.claims.filter(status=ClaimStatus.ACCEPTED).values("pk")
    ).exclude(payment_requests__status__in=unpaid).update(
        status=ClaimStatus.PAID, paid_at=timezone.now()
    )
    return request


# -- the investor side ------------------------------------------------------------------


def _investors(project: Project, contract: Any) -> list[tuple[Party, Decimal]]:
    investment = contract.investment
    if investment is None:
        raise ValidationError({"investment": _("The contract has no investment.")})
    parties = {
        p.code: p
        for p in Party.objects.filter(project=project, role=PartyRole.INVESTOR).select_related(
            "organisation"
        )
    }
    return [
        (parties[c.investor], c.amount) for c in investment.commitments if c.investor in parties
    ]


def _drawn(project: Project) -> Decimal:
    entries = LedgerEntry.objects.filter(
        transaction__project=project, account__kind=AccountKind.INVESTOR_CAPITAL
    )
    credits = money_sum(entries.filter(transaction__kind=TransactionKind.DRAWDOWN), "credit")
    reversed_ = money_sum(entries.filter(transaction__kind=TransactionKind.REVERSAL), "debit")
    return credits - reversed_


@transaction.atomic
def drawdown_record(
    *,
    user: User,
    project: Project,
    on: dt.date,
    amount: Decimal,
    currency: str = "THB",
    exchange_rate: Decimal = Decimal(1),
) -> LedgerTransaction:
    """A tranche of capital paid in by the investors, pro rata to their commitments
    (never beyond what they committed)."""
    from saphan.outcomes.engine.money import split

    _require_intermediary(user, project)
    contract = contract_of(require_current_version(project))
    investors = _investors(project, contract)
    errors = Errors()
    if isinstance(amount, float) or Decimal(amount) <= 0:
        errors.add("amount", _("Give a positive amount (a Decimal)."))
        errors.raise_if_any()
    thb = money(Decimal(amount) * (exchange_rate if currency != "THB" else 1))
    committed = sum((c for _p, c in investors), ZERO)
    if _drawn(project) + thb > committed:
        errors.add(
            "amount",
            _("Drawdowns would reach %(drawn)s THB, more than the %(committed)s THB committed."),
            drawn=_drawn(project) + thb,
            committed=committed,
        )
    errors.raise_if_any()
    parts = split(money(amount), [c for _p, c in investors])
    lines = [(account_for(project, AccountKind.CASH), money(amount), ZERO)] + [
        (account_for(project, AccountKind.INVESTOR_CAPITAL, party), ZERO, part)
        for (party, _c), part in zip(investors, parts, strict=True)
        if part > 0
    ]
    return ledger_post(
        user=user,
        project=project,
        date=on,
        description=str(_("Capital drawdown")),
        kind=TransactionKind.DRAWDOWN,
        lines=lines,
        currency=currency,
        exchange_rate=exchange_rate if currency != "THB" else Decimal(1),
        reference={},
        reverses=None,
    )


@transaction.atomic
def disbursement_record(
    *, user: User, project: Project, provider: Party, on: dt.date, amount: Decimal
) -> LedgerTransaction:
    """Funds paid to a service provider out of the project account."""
    _require_intermediary(user, project)
    errors = Errors()
    if provider.project_id != project.pk or provider.role != PartyRole.PROVIDER:
        errors.add("provider", _("Choose a service provider of this project."))
    if isinstance(amount, float) or Decimal(amount) <= 0:
        errors.add("amount", _("Give a positive amount (a Decimal)."))
        errors.raise_if_any()
    cash = account_for(project, AccountKind.CASH)
    if money(amount) > account_balance(cash):
        errors.add(
            "amount",
            _("The project account holds %(cash)s THB: it cannot pay out %(amount)s THB."),
            cash=account_balance(cash),
            amount=money(amount),
        )
    errors.raise_if_any()
    return ledger_post(
        user=user,
        project=project,
        date=on,
        description=f"{_('Disbursement to provider')} {provider.code}",
        kind=TransactionKind.DISBURSEMENT,
        lines=[
            (account_for(project, AccountKind.PROVIDER_FUNDING, provider), money(amount), 0),
            (cash, 0, money(amount)),
        ],
        currency="THB",
        exchange_rate=Decimal(1),
        reference={"provider": provider.code},
        reverses=None,
    )


def _posted_debits(project: Project, kind: str, party: Party | None) -> Decimal:
    entries = LedgerEntry.objects.filter(
        transaction__project=project,
        account__kind=kind,
        transaction__kind__in=(TransactionKind.REPAYMENT, TransactionKind.REMAINDER),
    )
    entries = entries.filter(account__party=party) if party else entries
    return money_sum(entries, "debit")


def investor_figures_recorded(project: Project, *, until: dt.date | None = None) -> Any:
    """The engine's waterfall over the drawdowns and outcome payments actually recorded."""
    from saphan.outcomes.engine.investor import investor_figures
    from saphan.outcomes.engine.spec import Tranche

    contract = contract_of(require_current_version(project))
    if contract.investment is None:
        raise ValidationError({"investment": _("The contract has no investment.")})
    drawdowns = LedgerTransaction.objects.filter(project=project, kind=TransactionKind.DRAWDOWN)
    payments = PaymentRequest.objects.filter(project=project, status=PaymentStatus.PAID)
    if until is not None:
        drawdowns = drawdowns.filter(date__lte=until)
        payments = payments.filter(paid_on__lte=until)
    tranches = tuple(
        Tranche(t.date, sum((e.credit for e in t.entries.all()), ZERO))
        for t in drawdowns.prefetch_related("entries").order_by("date", "pk")
    )
    investment = dataclasses.replace(contract.investment, tranches=tranches)
    actual = dataclasses.replace(contract, investment=investment)
    received = [(p.paid_on, p.amount) for p in payments.order_by("paid_on") if p.paid_on]
    return investor_figures(actual, received)


@transaction.atomic
def repayments_distribute(*, user: User, project: Project, on: dt.date) -> list[LedgerTransaction]:
    """Run the outcome payments received up to ``on`` down the waterfall (principal, then
    return up to the cap, then the remainder recycled or to the payer) and post what has
    not been posted yet."""
    _require_intermediary(user, project)
    figures = investor_figures_recorded(project, until=on)
    parties = {p.code: p for p in Party.objects.filter(project=project, role=PartyRole.INVESTOR)}
    lines: list[tuple[Any, Decimal, Decimal]] = []
    for share in figures.investors:
        party = parties.get(share.investor)
        if party is None:
            continue
        principal = share.principal_repaid - _posted_debits(
            project, AccountKind.INVESTOR_CAPITAL, party
        )
        ret = share.return_paid - _posted_debits(project, AccountKind.INVESTOR_RETURN, party)
        if principal > 0:
            lines.append(
                (account_for(project, AccountKind.INVESTOR_CAPITAL, party), principal, ZERO)
            )
        if ret > 0:
            lines.append((account_for(project, AccountKind.INVESTOR_RETURN, party), ret, ZERO))
    remainder = figures.returned_to_payer - _posted_debits(project, AccountKind.PAYER_REFUND, None)
    cash = account_for(project, AccountKind.CASH)
    out = sum((d for _a, d, _c in lines), ZERO) + max(remainder, ZERO)
    errors = Errors()
    if out <= 0:
        errors.add("on", _("There is nothing new to distribute up to %(date)s."), date=on)
    elif out > account_balance(cash):
        errors.add(
            "on",
            _("The project account holds %(cash)s THB, less than the %(amount)s THB due."),
            cash=account_balance(cash),
            amount=out,
        )
    errors.raise_if_any()
    posted = []
    if lines:
        total = sum((d for _a, d, _c in lines), ZERO)
        posted.append(
            ledger_post(
                user=user,
                project=project,
                date=on,
                description=str(_("Repayment to investors")),
                kind=TransactionKind.REPAYMENT,
                lines=[*lines, (cash, ZERO, total)],
                currency="THB",
                exchange_rate=Decimal(1),
                reference={"until": on.isoformat()},
                reverses=None,
            )
        )
    if remainder > 0:
        posted.append(
            ledger_post(
                user=user,
                project=project,
                date=on,
                description=str(_("Remainder returned to the outcome payers")),
                kind=TransactionKind.REMAINDER,
                lines=[
                    (account_for(project, AccountKind.PAYER_REFUND), remainder, ZERO),
                    (cash, ZERO, remainder),
                ],
                currency="THB",
                exchange_rate=Decimal(1),
                reference={"until": on.isoformat()},
                reverses=None,
            )
        )
    return posted
