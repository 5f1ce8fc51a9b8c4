"""Reads of the ledger: statements per party, the investor statement, and the
reconciliation of the ledger against claims and payment requests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.outcomes.checks import money_sum
from saphan.outcomes.choices import (
    AccountKind,
    ClaimStatus,
    PartyRole,
    PaymentStatus,
    TransactionKind,
)
from saphan.outcomes.models import (
    Claim,
    LedgerEntry,
    LedgerTransaction,
    Party,
    PaymentRequest,
    Project,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class StatementLine:
    date: dt.date
    description: str
    kind: str
    account: str
    debit: Decimal
    credit: Decimal
    #: Paid in by the party minus paid out to it, after this line.
    balance: Decimal


@dataclass
class Statement:
    party: str
    role: str
    lines: list[StatementLine]
    paid_in: Decimal
    paid_out: Decimal

    @property
    def balance(self) -> Decimal:
        return self.paid_in - self.paid_out


def _may_read_statement(user: User, party: Party) -> bool:
    """The project's intermediary reads every statement; a party reads its own."""
    if not Project.objects.visible_to(user).filter(pk=party.project_id).exists():
        return False
    if (
        policy.can(user, policy.Action.MANAGE_OUTCOME_PROJECTS)
        and Party.objects.filter(
            project_id=party.project_id,
            organisation=user.organisation,
            role=PartyRole.INTERMEDIARY,
        ).exists()
    ):
        return True
    return party.organisation_id == user.organisation_id


def party_statement(*, user: User, project: Project, party: Party) -> Statement:
    """Every ledger line on the party's accounts, oldest first. A credit on a party's
    account is money it put in (capital, outcome payments); a debit is money it got."""
    if party.project_id != project.pk or not _may_read_statement(user, party):
        raise PermissionDenied("out_of_scope")
    entries = (
        LedgerEntry.objects.filter(account__party=party)
        .select_related("transaction", "account")
        .order_by("transaction__date", "transaction_id", "pk")
    )
    lines, paid_in, paid_out = [], ZERO, ZERO
    for entry in entries:
        paid_in += entry.credit
        paid_out += entry.debit
        lines.append(
            StatementLine(
                entry.transaction.date,
                entry.transaction.description,
                entry.transaction.kind,
                entry.account.kind,
                entry.debit,
                entry.credit,
                paid_in - paid_out,
            )
        )
    return Statement(party.code, party.role, lines, paid_in, paid_out)


@dataclass
class InvestorStatement:
    statement: Statement
    committed: Decimal
    drawn: Decimal
    principal_repaid: Decimal
    return_paid: Decimal
    multiple: Decimal | None
    irr: float | None


def investor_statement(*, user: User, project: Project, party: Party) -> InvestorStatement:
    """An investor's commitment, drawdowns and repayments (the engine's waterfall over
    what was recorded) and its ledger lines."""
    from saphan.outcomes.payments import investor_figures_recorded

    statement = party_statement(user=user, project=project, party=party)
    figures = investor_figures_recorded(project)
    share = next((s for s in figures.investors if s.investor == party.code), None)
    if share is None:
        return InvestorStatement(statement, ZERO, ZERO, ZERO, ZERO, None, None)
    from saphan.outcomes.engine.investor import irr

    flows = [(f.on, f.amount) for f in share.cash_flows]
    return InvestorStatement(
        statement,
        share.committed,
        share.drawn,
        share.principal_repaid,
        share.return_paid,
        share.multiple,
        irr(flows) if flows else None,
    )


# -- reconciliation --------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    code: str
    message: Any
    params: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


def _sum(qs: Any, name: str) -> Decimal:
    return money_sum(qs, name)


def ledger_reconcile(*, project: Project) -> list[Mismatch]:
    """Every way the ledger and the claims and payments disagree; empty when they match.

    Checks: each transaction balances; each paid request has its ledger transaction for
    its amount, credited to its payer; each payer's outcome payments in the ledger equal
    its paid requests; each request's lines add up to its amount; the claims of paid
    requests are paid and every paid claim is in a paid request; no request includes a
    claim that is no longer accepted."""
    found: list[Mismatch] = []
    entries = LedgerEntry.objects.filter(transaction__project=project)
    sides: dict[int, list[Decimal]] = {}
    for tx_id, debit, credit in entries.values_list("transaction_id", "debit", "credit"):
        pair = sides.setdefault(tx_id, [ZERO, ZERO])
        pair[0] += debit
        pair[1] += credit
    for tx_id, (debit, credit) in sorted(sides.items()):
        if debit != credit:
            found.append(
                Mismatch(
                    "unbalanced",
                    _("Transaction %(id)s does not balance: debits %(debit)s, credits %(credit)s."),
                    {"id": tx_id, "debit": debit, "credit": credit},
                )
            )
    empty = LedgerTransaction.objects.filter(project=project, entries__isnull=True)
    for posted in empty:
        found.append(Mismatch("empty", _("Transaction %(id)s has no entries."), {"id": posted.pk}))
    requests = PaymentRequest.objects.filter(project=project).select_related("payer__organisation")
    paid_by_payer: dict[int, Decimal] = {}
    for request in requests:
        listed = sum((Decimal(line["amount"]) for line in request.lines), ZERO)
        ref = {"request": f"{request.period} {request.payer.code}"}
        if listed != request.amount:
            found.append(
                Mismatch(
                    "request_lines",
                    _("Request %(request)s asks %(amount)s but its lines add up to %(lines)s."),
                    {**ref, "amount": request.amount, "lines": listed},
                )
            )
        if request.status != PaymentStatus.PAID:
            continue
        paid_by_payer[request.payer_id] = paid_by_payer.get(request.payer_id, ZERO) + request.amount
        posted = request.ledger_transaction
        if request.amount > 0 and posted is None:
            found.append(
                Mismatch(
                    "payment_not_posted",
                    _("Request %(request)s is paid but not in the ledger."),
                    ref,
                )
            )
        elif posted is not None:
            credited = _sum(
                entries.filter(
                    transaction=posted,
                    account__party=request.payer,
                    account__kind=AccountKind.OUTCOME_INCOME,
                ),
                "credit",
            )
            if credited != request.amount:
                found.append(
                    Mismatch(
                        "payment_amount",
                        _("Request %(request)s is %(amount)s but the ledger has %(posted)s."),
                        {**ref, "amount": request.amount, "posted": credited},
                    )
                )
        unpaid = request.claims.exclude(status=ClaimStatus.PAID).count()
        if unpaid:
            found.append(
                Mismatch(
                    "claims_not_paid",
                    _("Request %(request)s is paid but %(count)s of its claims are not."),
                    {**ref, "count": unpaid},
                )
            )
    for request in requests.exclude(status=PaymentStatus.PAID):
        stale = request.claims.exclude(status=ClaimStatus.ACCEPTED).count()
        if stale:
            found.append(
                Mismatch(
                    "claims_not_accepted",
                    _("Request %(request)s includes %(count)s claims no longer accepted."),
                    {"request": f"{request.period} {request.payer.code}", "count": stale},
                )
            )
    in_ledger: dict[int, Decimal] = {}
    income = entries.filter(account__kind=AccountKind.OUTCOME_INCOME)
    for party_id, debit, credit in income.values_list("account__party_id", "debit", "credit"):
        in_ledger[party_id] = in_ledger.get(party_id, ZERO) + credit - debit
    for party in Party.objects.filter(project=project, role=PartyRole.PAYER):
        expected = paid_by_payer.get(party.pk, ZERO)
        posted_total = in_ledger.get(party.pk, ZERO)
        if expected != posted_total:
            found.append(
                Mismatch(
                    "payer_total",
                    _("Payer %(payer)s: paid requests %(expected)s, ledger %(posted)s."),
                    {"payer": party.code, "expected": expected, "posted": posted_total},
                )
            )
    orphan = Claim.objects.filter(project=project, status=ClaimStatus.PAID).exclude(
        payment_requests__status=PaymentStatus.PAID
    )
    for claim in orphan:
        found.append(
            Mismatch(
                "claim_without_payment",
                _("Claim %(claim)s is marked paid but no paid request includes it."),
                {"claim": claim.short_id},
            )
        )
    stray = LedgerTransaction.objects.filter(
        project=project, kind=TransactionKind.OUTCOME_PAYMENT
    ).exclude(pk__in=requests.exclude(ledger_transaction=None).values("ledger_transaction"))
    for posted in stray:
        if LedgerTransaction.objects.filter(reverses=posted).exists():
            continue
        found.append(
            Mismatch(
                "payment_without_request",
                _("Outcome payment %(id)s on %(date)s matches no payment request."),
                {"id": posted.pk, "date": posted.date},
            )
        )
    return found


def payer_figures_of(*, project: Project, own: set[str] | None = None) -> Any:
    """The outcome payers' figures on the verified outcomes (accepted and paid claims):
    cost per outcome and per participant, % of the maximum, remaining liability. With
    ``own``, only those payers' lines (a payer sees its own)."""
    from saphan.outcomes.contracts import contract_of, counted_results, current_version
    from saphan.outcomes.engine import evaluate, payer_figures

    version = current_version(project)
    if version is None:
        return None
    contract = contract_of(version)
    figures = payer_figures(contract, evaluate(contract, counted_results(project)))
    if own is not None:
        figures = dataclasses.replace(
            figures, payers=tuple(p for p in figures.payers if p.payer in own)
        )
    return figures
