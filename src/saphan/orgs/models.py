"""Organisations that use Saphan, and the provinces they work in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
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
