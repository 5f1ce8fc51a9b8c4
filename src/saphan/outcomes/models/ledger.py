"""The project ledger the intermediary keeps: balanced, append-only double entry.

Transactions and entries are never updated or deleted: the model and queryset refuse
it, and database triggers refuse it too (migration ``0002_ledger_append_only``). A
mistake is corrected by a reversing transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan.audit.models import AppendOnlyError
from saphan.outcomes.choices import AccountKind, TransactionKind
from saphan.outcomes.models.projects import Party, Project

if TYPE_CHECKING:
    from saphan.policy import AnyUser

_USER = settings.AUTH_USER_MODEL
APPEND_ONLY = "The ledger is append-only: post a reversing transaction instead."


class LedgerAccount(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="ledger_accounts")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_accounts"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind.choices)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["project", "kind", "party"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "party", "kind"], name="outcomes_account_once"
            ),
            models.UniqueConstraint(
                fields=["project", "kind"],
                condition=Q(party__isnull=True),
                name="outcomes_project_account_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.party.code}" if self.party is not None else str(self.kind)


class _AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(APPEND_ONLY)


class LedgerTransactionQuerySet(_AppendOnlyQuerySet):
    def visible_to(self, user: AnyUser) -> LedgerTransactionQuerySet:
        from saphan import policy

        return policy.scope_ledger(self, user)


class _AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(APPEND_ONLY)


class LedgerTransaction(_AppendOnlyModel):
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="ledger_transactions"
    )
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=TransactionKind.choices)
    #: Amounts of the entries are in THB; ``original_*`` keep a foreign amount and its rate.
    currency = models.CharField(_("original currency"), max_length=3, default="THB")
    exchange_rate = models.DecimalField(
        _("exchange rate to THB"), max_digits=18, decimal_places=8, default=Decimal(1)
    )
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    #: What the transaction is about, e.g. ``{"payment_request": "<uid>"}``.
    reference = models.JSONField(_("reference"), default=dict, blank=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = LedgerTransactionQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["project", "date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.description}"


class LedgerEntry(_AppendOnlyModel):
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    debit = models.DecimalField(
        _("debit (THB)"), default=Decimal(0), max_digits=14, decimal_places=2
    )
    credit = models.DecimalField(
        _("credit (THB)"), default=Decimal(0), max_digits=14, decimal_places=2
    )
    #: The amount in the transaction's original currency (equal to THB when THB).
    original_amount = models.DecimalField(
        _("original amount"), default=Decimal(0), max_digits=14, decimal_places=2
    )

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["transaction", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(debit=0) & Q(credit__gt=0)),
                name="outcomes_entry_one_side",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} Dr {self.debit} Cr {self.credit}"
