"""Case management (การช่วยเหลือเบื้องต้น): cases, their assessment and plan, services,
contacts, referrals to other organisations, civil-status steps and the timeline.

Every free-text note is encrypted at rest (``EncryptedTextField``): notes about visits
and referrals are where personal detail ends up. Every query for cases and referrals
goes through ``visible_to(user)`` (``saphan.policy.scope_cases`` / ``scope_referrals``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from saphan.cases import choices as c
from saphan.core.fields import EncryptedTextField
from saphan.orgs.models import Organisation
from saphan.people.models import Consent, Household, Person

if TYPE_CHECKING:
    from saphan.policy import AnyUser

_USER = settings.AUTH_USER_MODEL


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: AnyUser) -> CaseQuerySet:
        from saphan import policy

        return policy.scope_cases(self, user)

    def open(self) -> CaseQuerySet:
        return self.exclude(stage=c.Stage.CLOSED)


class Case(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="cases", verbose_name=_("person")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("household"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("owner")
    )
    assigned_to = models.ForeignKey(
        _USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned worker"),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=c.Stage.choices, default=c.Stage.INTAKE
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=c.Outcome.choices, blank=True)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    opened_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    source_flag = models.ForeignKey(
        "watch.WatchFlag",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("opened from watch flag"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            # The service checks it first (with a link to the open case); this is the net.
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=~Q(stage="closed"),
                name="cases_one_open_case_per_org",
            ),
            models.CheckConstraint(
                condition=~Q(stage="closed") | (~Q(outcome="") & Q(closed_on__isnull=False)),
                name="cases_closed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "stage"]),
            models.Index(fields=["assigned_to", "stage"]),
        ]

    def __str__(self) -> str:
        return f"{_('Case')} {self.short_id}"

    @property
    def short_id(self) -> str:
        """The first 8 characters of the uid: enough to tell cases apart in a message."""
        return str(self.uid)[:8]

    @property
    def is_closed(self) -> bool:
        return self.stage == c.Stage.CLOSED


class Assessment(models.Model):
    """Scores on the five TPMAP dimensions (see ``choices.Score``) and free notes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    health = models.PositiveSmallIntegerField(
        _("health"),
        choices=c.Score.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    living = models.PositiveSmallIntegerField(
        _("living conditions"),
        choices=c.Score.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    education = models.PositiveSmallIntegerField(
        _("education"),
        choices=c.Score.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    income = models.PositiveSmallIntegerField(
        _("income"),
        choices=c.Score.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    access = models.PositiveSmallIntegerField(
        _("access to public services"),
        choices=c.Score.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    assessed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{d}__gte": 1, f"{d}__lte": 5}), name=f"cases_assessment_{d}_1_5"
            )
            for d in c.Dimension.values
        ]

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.assessed_on}"

    def scores(self) -> dict[str, int]:
        return {d: getattr(self, d) for d in c.Dimension.values}


class Goal(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    dimension = models.CharField(_("dimension"), max_length=20, choices=c.Dimension.choices)
    description = EncryptedTextField(_("goal"))
    #: The dimension's score in the latest assessment when the goal was set.
    baseline_score = models.PositiveSmallIntegerField(
        _("score when set"), choices=c.Score.choices, null=True, blank=True
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=c.GoalStatus.choices, default=c.GoalStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()} · {self.due_on}"

    @property
    def is_overdue(self) -> bool:
        return self.status == c.GoalStatus.OPEN and self.due_on < timezone.localdate()


class ServiceDelivery(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="services"
    )
    what = models.CharField(_("service"), max_length=200)
    provider_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provided by (organisation)"),
    )
    provider_name = models.CharField(_("provided by"), max_length=200, blank=True)
    delivered_on = models.DateField(_("delivered on"))
    cost = models.DecimalField(_("cost (baht)"), max_digits=12, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        ordering = ["-delivered_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="cases_service_cost_not_negative")
        ]

    def __str__(self) -> str:
        return self.what


class Contact(models.Model):
    """A home visit or a phone follow-up, with notes (encrypted at rest)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=c.ContactKind.choices)
    contacted_on = models.DateField(_("date"), default=timezone.localdate)
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-contacted_on", "-id"]
        indexes = [models.Index(fields=["case", "-contacted_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.contacted_on}"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: AnyUser) -> ReferralQuerySet:
        from saphan import policy

        return policy.scope_referrals(self, user)

    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=c.OPEN_REFERRAL_STATUSES)


class Referral(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("refer to"),
    )
    service_kind = models.CharField(_("service"), max_length=30, choices=c.ServiceKind.choices)
    reason = EncryptedTextField(_("reason"))
    #: What the sender chooses to tell the receiver: the receiver sees nothing else of
    #: the case.
    shared_summary = EncryptedTextField(_("summary shared with the receiver"), blank=True)
    share_phone = models.BooleanField(_("share the person's phone number"), default=False)
    consent_basis = models.CharField(
        _("basis for sharing"), max_length=20, choices=c.ConsentBasis.choices
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    override_reason = EncryptedTextField(_("emergency reason"), blank=True, default="")
    override_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=c.ReferralStatus.choices,
        default=c.ReferralStatus.PENDING,
    )
    due_on = models.DateField(_("due on"))
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True, default="")
    report_back = EncryptedTextField(_("report back"), blank=True, default="")
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reported_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(consent_basis="consent") & Q(consent__isnull=False))
                | (Q(consent_basis="emergency_override") & Q(override_by__isnull=False)),
                name="cases_referral_has_basis",
            ),
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")),
                name="cases_referral_not_to_self",
            ),
        ]
        indexes = [
            models.Index(fields=["to_organisation", "status"]),
            models.Index(fields=["from_organisation", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{_('Referral')} {self.short_id}"

    @property
    def short_id(self) -> str:
        return str(self.uid)[:8]

    @property
    def is_open(self) -> bool:
        return self.status in c.OPEN_REFERRAL_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class CivilStep(models.Model):
    """One step of nationality verification or late civil registration, with its dates
    and a document (same type and size checks as consent evidence)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="civil_steps")
    step = models.CharField(_("step"), max_length=30, choices=c.CivilStepKind.choices)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=c.CivilDecision.choices, blank=True
    )
    note = EncryptedTextField(_("note"), blank=True, default="")
    document = models.FileField(_("document"), upload_to="civil-steps/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("civil-status step")
        verbose_name_plural = _("civil-status steps")
        ordering = ["started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="cases_civil_step_once"),
        ]
        indexes = [models.Index(fields=["done_on", "step"])]

    def __str__(self) -> str:
        return str(self.get_step_display())

    @property
    def is_overdue(self) -> bool:
        return (
            self.done_on is None and self.due_on is not None and self.due_on < timezone.localdate()
        )


class CaseEvent(models.Model):
    """One line of the case timeline, written explicitly by the service that acted.
    ``params`` holds short codes and dates only (never notes): the timeline can be shown
    to anyone who may open the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=30, choices=c.EventKind.choices)
    actor = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"
