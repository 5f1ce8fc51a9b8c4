"""Posting to the project ledger: balanced, append-only double entry in THB.

Only intermediary staff of the project post (``manage_outcome_projects`` and the
intermediary party). A transaction is refused, with nothing saved, when it is empty,
has a line with both or neither side, a negative or float amount, an account of
another project, or debits and credits (in THB, after the exchange rate) that differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.outcomes.checks import CENT, Errors, money_sum, require_action, require_party
from saphan.outcomes.choices import AccountKind, PartyRole, TransactionKind
from saphan.outcomes.models import LedgerAccount, LedgerEntry, LedgerTransaction, Party, Project

ZERO = Decimal("0.00")
#: (account, debit, credit), amounts in the transaction's currency.
Line = tuple[LedgerAccount, Decimal | int | str, Decimal | int | str]

UNBALANCED = _(
    "The transaction does not balance: debits %(debit)s THB, credits %(credit)s THB. Every "
    "money movement must debit and credit the same amount."
)


def account_for(project: Project, kind: str, party: Party | None = None) -> LedgerAccount:
    """The project's account of ``kind`` (for ``party``), opened on first use."""
    if party is not None and party.project_id != project.pk:
        raise ValueError("The party belongs to another project")
    account, _created = LedgerAccount.objects.get_or_create(
        project=project, party=party, kind=AccountKind(kind)
    )
    return account


def _amount(errors: Errors, index: int, value: Any) -> Decimal:
    if isinstance(value, float):
        errors.add(f"lines[{index}]", _("Amounts are never floats: give a Decimal or a string."))
        return ZERO
    try:
        amount = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        errors.add(f"lines[{index}]", _("Not an amount: %(value)s."), value=value)
        return ZERO
    if not amount.is_finite() or amount < 0:
        errors.add(f"lines[{index}]", _("Amounts cannot be negative."))
        return ZERO
    if amount != amount.quantize(CENT):
        errors.add(f"lines[{index}]", _("Amounts have at most two decimal places."))
    return amount


def ledger_post(
    *,
    user: User,
    project: Project,
    date: dt.date,
    description: str,
    kind: str,
    lines: Sequence[Line],
    currency: str = "THB",
    exchange_rate: Decimal = Decimal(1),
    reference: dict[str, Any] | None = None,
    reverses: LedgerTransaction | None = None,
) -> LedgerTransaction:
    """Post one balanced transaction. Amounts in ``currency`` are converted to THB at
    ``exchange_rate`` (baht per unit), and the balance is checked in THB."""
    require_action(user, policy.Action.MANAGE_OUTCOME_PROJECTS)
    require_party(user, project, PartyRole.INTERMEDIARY)
    with transaction.atomic():
        return _post(
            user=user,
            project=project,
            date=date,
            description=description,
            kind=kind,
            lines=lines,
            currency=currency,
            exchange_rate=exchange_rate,
            reference=reference,
            reverses=reverses,
        )


def _post(
    *,
    user: User,
    project: Project,
    date: dt.date,
    description: str,
    kind: str,
    lines: Sequence[Line],
    currency: str,
    exchange_rate: Decimal,
    reference: dict[str, Any] | None,
    reverses: LedgerTransaction | None,
) -> LedgerTransaction:
    errors = Errors()
    description = (description or "").strip()
    if not description:
        errors.add("description", _("Describe the transaction."))
    if kind not in TransactionKind.values:
        errors.add("kind", _("Unknown kind of transaction."))
    currency = (currency or "").upper()
    if len(currency) != 3 or not currency.isalpha():
        errors.add("currency", _("A currency is a three-letter ISO code such as THB."))
    if isinstance(exchange_rate, float) or Decimal(exchange_rate) <= 0:
        errors.add("exchange_rate", _("Give the exchange rate as a positive Decimal."))
        exchange_rate = Decimal(1)
    rate = Decimal(1) if currency == "THB" else Decimal(exchange_rate)
    if currency == "THB" and Decimal(exchange_rate) != 1:
        errors.add("exchange_rate", _("An amount in THB has the exchange rate 1."))
    if not lines:
        errors.add("lines", _("A transaction needs at least one debit and one credit."))
    rows: list[tuple[LedgerAccount, Decimal, Decimal, Decimal]] = []
    for index, (account, debit, credit) in enumerate(lines):
        d, c = _amount(errors, index, debit), _amount(errors, index, credit)
        if (d > 0) == (c > 0):
            errors.add(f"lines[{index}]", _("Each line has either a debit or a credit, not both."))
        if account.project_id != project.pk:
            errors.add(f"lines[{index}]", _("The account belongs to another project."))
        original = d or c
        thb = (original * rate).quantize(CENT, rounding=ROUND_HALF_UP)
        rows.append((account, thb if d else ZERO, thb if c else ZERO, original))
    debits = sum((r[1] for r in rows), ZERO)
    credits = sum((r[2] for r in rows), ZERO)
    if lines and debits != credits:
        errors.add("lines", UNBALANCED, debit=debits, credit=credits)
    if lines and (not any(r[1] for r in rows) or not any(r[2] for r in rows)):
        errors.add("lines", _("A transaction needs at least one debit and one credit."))
    if reverses is not None and reverses.project_id != project.pk:
        errors.add("reverses", _("The transaction belongs to another project."))
    errors.raise_if_any()
    posted = LedgerTransaction.objects.create(
        project=project,
        date=date,
        description=description[:300],
        kind=kind,
        currency=currency,
        exchange_rate=rate,
        reference=reference or {},
        reverses=reverses,
        created_by=user,
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            transaction=posted, account=account, debit=d, credit=c, original_amount=original
        )
        for account, d, c, original in rows
    )
    return posted


def ledger_reverse(
    *, user: User, posted: LedgerTransaction, date: dt.date, reason: str
) -> LedgerTransaction:
    """Correct a transaction by posting its mirror image (the original stays)."""
    if LedgerTransaction.objects.filter(reverses=posted).exists():
        raise ValidationError({"reverses": _("This transaction has already been reversed.")})
    lines: list[Line] = [
        (e.account, e.credit, e.debit) for e in posted.entries.select_related("account")
    ]
    return ledger_post(
        user=user,
        project=posted.project,
        date=date,
        description=f"{_('Reversal')}: {reason}",
        kind=TransactionKind.REVERSAL,
        lines=lines,
        reverses=posted,
        reference={"reverses": posted.pk},
    )


def account_balance(account: LedgerAccount, *, until: dt.date | None = None) -> Decimal:
    """Debits minus credits (positive for a debit balance)."""
    entries = LedgerEntry.objects.filter(account=account)
    if until is not None:
        entries = entries.filter(transaction__date__lte=until)
    return money_sum(entries, "debit") - money_sum(entries, "credit")


def ledger_totals(project: Project) -> tuple[Decimal, Decimal]:
    """Total debits and total credits of the project's ledger (always equal)."""
    entries = LedgerEntry.objects.filter(transaction__project=project)
    return money_sum(entries, "debit"), money_sum(entries, "credit")
