"""Outcome claims, their evidence, verifications and disputes; payment requests."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from saphan.orgs.models import Organisation
from saphan.outcomes.choices import (
    ClaimStatus,
    Decision,
    DisputeOutcome,
    PaymentStatus,
)
from saphan.outcomes.models.projects import (
    Cohort,
    ContractVersion,
    Participant,
    Party,
    Project,
)

if TYPE_CHECKING:
    from saphan.policy import AnyUser

_USER = settings.AUTH_USER_MODEL


class ClaimQuerySet(models.QuerySet["Claim"]):
    def visible_to(self, user: AnyUser) -> ClaimQuerySet:
        from saphan import policy

        return policy.scope_outcome_claims(self, user)


class Claim(models.Model):
    """The provider's statement that a participant (or a cohort) achieved an outcome."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="claims")
    contract_version = models.ForeignKey(
        ContractVersion, on_delete=models.PROTECT, related_name="claims"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    metric = models.SlugField(_("outcome metric"), max_length=60)
    achieved_on = models.DateField(_("achieved on"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, default=1)
    #: For a cohort metric measured against a comparison group: the group's result.
    comparison = models.DecimalField(
        _("comparison group's value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    #: The intermediary's pre-check: ``[{"code", "message", "params"}]`` (warnings only:
    #: a claim with a blocking problem is never saved).
    problems = models.JSONField(_("pre-check"), default=list, blank=True)
    prechecked_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome claim")
        verbose_name_plural = _("outcome claims")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(participant__isnull=False) & Q(cohort__isnull=True))
                | (Q(participant__isnull=True) & Q(cohort__isnull=False)),
                name="outcomes_claim_participant_or_cohort",
            )
        ]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["participant", "metric"]),
        ]

    def __str__(self) -> str:
        return f"{self.metric} · {self.short_id}"

    @property
    def short_id(self) -> str:
        return str(self.uid)[:8]

    @property
    def subject_code(self) -> str:
        if self.participant is not None:
            return self.participant.code
        return self.cohort.code if self.cohort is not None else ""


class ClaimEvidence(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to="outcomes/evidence/%Y/%m/")
    kind = models.CharField(_("kind"), max_length=10)  # pdf | png | jpg
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("claim evidence")
        verbose_name_plural = _("claim evidence")

    def __str__(self) -> str:
        return self.file.name or ""


class Verification(models.Model):
    """The evaluator's decision on a claim, with its reason. Never changed: a later
    decision (after a query or a dispute) is a new row."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="verifications")
    verifier = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["claim", "at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.decision}"


class DisputeQuerySet(models.QuerySet["Dispute"]):
    def visible_to(self, user: AnyUser) -> DisputeQuerySet:
        from saphan import policy

        return policy.scope_outcome_disputes(self, user)

    def open(self) -> DisputeQuerySet:
        return self.filter(resolved_at__isnull=True)


class Dispute(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="disputes")
    raised_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    raised_at = models.DateTimeField(default=timezone.now, editable=False)
    due_on = models.DateField(_("to be resolved by"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=DisputeOutcome.choices, blank=True
    )
    resolution = models.TextField(_("resolution"), blank=True)

    objects = DisputeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(resolved_at__isnull=True),
                name="outcomes_one_open_dispute",
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} due {self.due_on}"


class PaymentRequestQuerySet(models.QuerySet["PaymentRequest"]):
    def visible_to(self, user: AnyUser) -> PaymentRequestQuerySet:
        from saphan import policy

        return policy.scope_payment_requests(self, user)


class PaymentRequest(models.Model):
    """What one payer owes for verified outcomes up to a period, after caps."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="payment_requests")
    payer = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="payment_requests")
    period = models.CharField(_("period"), max_length=10)  # 2026-03 or 2026-Q1
    amount = models.DecimalField(_("amount (THB)"), max_digits=14, decimal_places=2)
    #: The engine's priced lines for this payer (claim uid, metric, amount, caps applied).
    lines = models.JSONField(_("lines"), default=list)
    claims = models.ManyToManyField(Claim, related_name="payment_requests", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.DRAFT
    )
    prepared_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(default=timezone.now, editable=False)
    requested_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_recorded_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ledger_transaction = models.ForeignKey(
        "outcomes.LedgerTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PaymentRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["project", "period", "payer"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "payer", "period"], name="outcomes_one_request_per_period"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="outcomes_request_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.period} {self.payer.code}"
