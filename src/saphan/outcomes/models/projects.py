"""Projects, their parties, contract versions, participants and cohorts."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from saphan.geo.models import Province
from saphan.orgs.models import Organisation
from saphan.outcomes.choices import PartyRole, ProjectStatus
from saphan.people.models import Consent, Person

if TYPE_CHECKING:
    from saphan.policy import AnyUser

_USER = settings.AUTH_USER_MODEL

SIGNED_VERSION_FROZEN = _(
    "Contract version %(number)s is signed and frozen: record an amendment as a new version "
    "with a reason."
)


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user: AnyUser) -> ProjectQuerySet:
        from saphan import policy

        return policy.scope_outcome_projects(self, user)


class Project(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    target_population = models.TextField(_("target population"), blank=True)
    #: Letters that start every participant code of the project, e.g. ``HHH``.
    participant_prefix = models.CharField(_("participant code prefix"), max_length=6)
    provinces = models.ManyToManyField(
        Province, related_name="+", blank=True, verbose_name=_("provinces")
    )
    #: Eligibility for enrolment: registry population group codes (any of them) …
    eligible_groups = models.JSONField(_("eligible population groups"), default=list, blank=True)
    #: … and/or watch rule codes with a live flag (any of them). Empty: anyone consenting.
    eligible_watch_rules = models.JSONField(_("eligible watch rules"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[provinces])

    class Meta:
        verbose_name = _("outcomes project")
        verbose_name_plural = _("outcomes projects")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "th").startswith("en") and self.name_en:
            return self.name_en
        return self.name_th


class Party(models.Model):
    """An organisation holding one of the five roles in a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="outcome_parties"
    )
    role = models.CharField(_("role"), max_length=20, choices=PartyRole.choices)
    #: The name the contract uses for this party (e.g. a payer code in the spec).
    spec_code = models.SlugField(_("code in the contract"), max_length=40, blank=True)
    added_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["project", "role", "organisation__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="outcomes_party_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.code} ({self.role})"

    @property
    def code(self) -> str:
        return self.spec_code or self.organisation.code


class ContractVersionQuerySet(models.QuerySet["ContractVersion"]):
    def signed(self) -> ContractVersionQuerySet:
        return self.filter(signed_at__isnull=False)

    def update(self, **kwargs: Any) -> int:
        if self.filter(signed_at__isnull=False).exists():
            raise ValidationError(_("A signed contract version cannot be changed."))
        return super().update(**kwargs)


class ContractVersion(models.Model):
    """One version of the project's contract (the ``saphan-outcomes/1`` JSON). Frozen once
    signed: an amendment is a new version with a reason."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    spec = models.JSONField(_("contract"))
    reason = models.TextField(_("reason for the amendment"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ContractVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="outcomes_version_number"),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(signed_at__isnull=True),
                name="outcomes_one_draft_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            stored = ContractVersion.objects.filter(pk=self.pk).values("signed_at").first()
            if stored and stored["signed_at"] is not None:
                raise ValidationError(SIGNED_VERSION_FROZEN, params={"number": self.number})
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if ContractVersion.objects.filter(pk=self.pk, signed_at__isnull=False).exists():
            raise ValidationError(SIGNED_VERSION_FROZEN, params={"number": self.number})
        return super().delete(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def visible_to(self, user: AnyUser) -> ParticipantQuerySet:
        from saphan import policy

        return policy.scope_participants(self, user)

    def active(self) -> ParticipantQuerySet:
        return self.filter(withdrawn_on__isnull=True)


class Participant(models.Model):
    """A person enrolled in a project. Parties other than the provider know them only by
    ``code`` (random, not derived from any identifier)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    code = models.CharField(_("participant code"), max_length=20, unique=True)
    enrolled_on = models.DateField(_("enrolled on"))
    comparison_group = models.BooleanField(_("comparison group"), default=False)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="+", verbose_name=_("consent used")
    )
    enrolled_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("provider")
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ParticipantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["project", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="outcomes_enrol_once")
        ]

    def __str__(self) -> str:
        return self.code


class Cohort(models.Model):
    """A named group of participants, for metrics measured over a cohort."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="cohorts")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(Participant, related_name="cohorts", blank=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="outcomes_cohort_code")
        ]

    def __str__(self) -> str:
        return self.code
