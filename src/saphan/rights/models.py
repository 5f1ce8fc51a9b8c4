"""The catalogue of national welfare schemes, their dated amounts and thresholds, and
what is recorded about each person's application.

Amounts and income limits are data (``SchemeRate``, ``SchemeThreshold``), never
constants: when the government changes a rate, an administrator closes the old row
(``valid_to``) and adds a new one in the admin; no code changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from saphan.orgs.models import Organisation
from saphan.people.models import Person
from saphan.rights.choices import RightStatus, SchemeCode, ThresholdCode


class Scheme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True, choices=SchemeCode.choices)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    agency_th = models.CharField(_("where to apply (Thai)"), max_length=300, blank=True)
    agency_en = models.CharField(_("where to apply (English)"), max_length=300, blank=True)
    means_tested = models.BooleanField(_("means-tested"), default=False)
    #: Cash schemes have monthly amounts; the others (cards, health cover, procedures)
    #: count in the gap as people, not baht.
    is_cash = models.BooleanField(_("cash benefit"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("welfare scheme")
        verbose_name_plural = _("welfare schemes")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name_en

    @property
    def label(self) -> str:
        """The name in the active language (templates)."""
        return self.name(get_language() or "th")

    @property
    def where_to_apply(self) -> str:
        return self.agency(get_language() or "th")

    def name(self, language: str) -> str:
        return self.name_th if language.lower().startswith("th") else self.name_en

    def agency(self, language: str) -> str:
        return self.agency_th if language.lower().startswith("th") else self.agency_en

    def description(self, language: str) -> str:
        return self.description_th if language.lower().startswith("th") else self.description_en


class SchemeRate(models.Model):
    """A monthly amount in force from ``valid_from`` to ``valid_to`` (both inclusive),
    for ages ``min_age`` (inclusive) to ``max_age`` (exclusive); empty = no bound."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rates")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("below age"), null=True, blank=True)
    monthly_amount = models.DecimalField(_("baht a month"), max_digits=12, decimal_places=2)
    note = models.CharField(_("source or note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheme rate")
        verbose_name_plural = _("scheme rates")
        ordering = ["scheme__sort_order", "-valid_from", "min_age"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="rights_rate_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(max_age__gt=models.F("min_age")),
                name="rights_rate_ages_in_order",
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0), name="rights_rate_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.code} {self.monthly_amount} ({self.valid_from})"


class SchemeThreshold(models.Model):
    """A dated limit of a means test, e.g. the child support grant's household income."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="thresholds")
    code = models.CharField(_("threshold"), max_length=40, choices=ThresholdCode.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    value = models.DecimalField(_("value (baht)"), max_digits=12, decimal_places=2)
    note = models.CharField(_("source or note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheme threshold")
        verbose_name_plural = _("scheme thresholds")
        ordering = ["scheme__sort_order", "code", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="rights_threshold_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.code} {self.code} {self.value} ({self.valid_from})"


class PersonRight(models.Model):
    """What is known of one person's application to one scheme."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rights")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="person_rights")
    status = models.CharField(_("status"), max_length=20, choices=RightStatus.choices)
    status_on = models.DateField(_("since"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("person's right")
        verbose_name_plural = _("people's rights")
        constraints = [
            models.UniqueConstraint(fields=["person", "scheme"], name="rights_person_scheme_once"),
        ]
        # The gap queries look up "receiving" per scheme for many people at once.
        indexes = [models.Index(fields=["scheme", "status", "person"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.scheme_id} {self.status}"
