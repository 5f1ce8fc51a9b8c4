"""Organisations that use Saphan, the provinces they work in, and the trainings their
staff attended."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from saphan.geo.models import Province

if TYPE_CHECKING:
    from saphan.policy import AnyUser


class OrganisationKind(models.TextChoices):
    CSO = "cso", _("Civil-society organisation")
    AGENCY = "agency", _("Government agency (ministry department)")
    PROVINCIAL_OFFICE = "provincial_office", _("Provincial office")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    INVESTOR = "investor", _("Investor")
    INTERMEDIARY = "intermediary", _("Intermediary")
    EVALUATOR = "evaluator", _("Evaluator")
    OUTCOME_PAYER = "outcome_payer", _("Outcome payer")
    ACADEMIC = "academic", _("Academic institution")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: AnyUser) -> OrganisationQuerySet:
        from saphan import policy

        return policy.scope_organisations(self, user)

    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)


class Organisation(models.Model):
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short unique code, e.g. cso-nan. Used in imports and the API."),
    )
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    provinces = models.ManyToManyField(
        Province,
        related_name="organisations",
        verbose_name=_("provinces worked in"),
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[provinces])

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "th").startswith("en") and self.name_en:
            return self.name_en
        return self.name_th


class TrainingTopic(models.TextChoices):
    """What a training was about (civil-society capacity: the skills the work needs)."""

    CASE_MANAGEMENT = "case_management", _("Case management")
    DATA_PROTECTION = "data_protection", _("PDPA and data protection")
    DISABILITY_RIGHTS = "disability_rights", _("Disability rights")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    WELFARE_RIGHTS = "welfare_rights", _("Welfare rights")
    OUTCOMES_MEASUREMENT = "outcomes_measurement", _("Outcomes measurement")
    OTHER = "other", _("Other")


class TrainingQuerySet(models.QuerySet["Training"]):
    def visible_to(self, user: AnyUser) -> TrainingQuerySet:
        """Trainings of the organisations whose capacity the user may see
        (``orgs.capacity.organisations_for_capacity``)."""
        from saphan.orgs.capacity import organisations_for_capacity

        return self.filter(organisation__in=organisations_for_capacity(user))


class Training(models.Model):
    """A training a staff member of an organisation attended (dates stored in the Common
    Era, shown in the Buddhist Era in Thai). Written by ``orgs.services.training_record``."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="trainings",
        verbose_name=_("organisation"),
    )
    attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="trainings",
        verbose_name=_("staff member"),
    )
    title = models.CharField(_("training title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=30, choices=TrainingTopic.choices)
    provider = models.CharField(_("provider or organiser"), max_length=200, blank=True)
    attended_on = models.DateField(_("date attended"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TrainingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-attended_on", "-id"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="orgs_training_hours_gt_0")
        ]
        indexes = [models.Index(fields=["organisation", "attended_on"])]

    def __str__(self) -> str:
        return f"{self.title} · {self.attended_on}"
