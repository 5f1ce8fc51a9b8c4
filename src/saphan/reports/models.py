"""Pre-aggregated statistics, their freshness per province, and model areas.

Dashboards, exports, the stats API and the PDFs read ``StatFact`` rows, never the
registry itself: one province's figures are a few thousand rows whatever the size of the
registry. ``aggregates.stats_refresh`` rebuilds the rows of the provinces marked stale.

Two grains live in the same table:

* **district rows** (``subdistrict_code = ""``): every measure by district, population
  group and category (watch rule, rights scheme, case stage, …);
* **subdistrict rows** (``subdistrict_code`` set): the same measures for everyone
  (``group = ""``, ``category = ""``), for comparing model areas with the rest.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from saphan.geo.models import District, Province, Subdistrict


class Measure(models.TextChoices):
    # Stocks: the state on the day of the refresh (``month`` is empty).
    PEOPLE = "people", _("People in the registry")
    WATCH_OPEN = "watch_open", _("Open watch flags")
    RIGHTS_GAP = "rights_gap", _("People missing a welfare right")
    CASES_ACTIVE = "cases_active", _("Open cases")
    # Flows: what happened in a month (``month`` is its first day).
    REGISTERED = "registered", _("People registered")
    FLAGS_RAISED = "flags_raised", _("Watch flags raised")
    CASES_OPENED = "cases_opened", _("Cases opened")
    CASES_CLOSED = "cases_closed", _("Cases closed")
    SERVICES = "services", _("Services delivered")
    REFERRALS_SENT = "referrals_sent", _("Referrals sent")
    REFERRALS_ANSWERED = "referrals_answered", _("Referrals answered")


STOCKS = (Measure.PEOPLE, Measure.WATCH_OPEN, Measure.RIGHTS_GAP, Measure.CASES_ACTIVE)
FLOWS = tuple(m for m in Measure if m not in STOCKS)


class StatFact(models.Model):
    """One cell of the pre-aggregated statistics. ``count`` counts people (or flags,
    cases, services, referrals); ``amount`` is baht a month for rights gaps, baht for
    services, and days from sending to answer for referrals answered."""

    measure = models.CharField(max_length=30, choices=Measure.choices)
    province_code = models.CharField(max_length=2)
    district_code = models.CharField(max_length=4, blank=True)
    subdistrict_code = models.CharField(max_length=6, blank=True)
    #: "" = everyone (not the sum of the groups: a person can be in several groups).
    group = models.CharField(max_length=30, blank=True)
    #: Watch rule code, rights scheme code, case stage or outcome, referral status.
    category = models.CharField(max_length=60, blank=True)
    month = models.DateField(null=True, blank=True)
    count = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        indexes = [
            models.Index(fields=["province_code", "measure", "subdistrict_code"]),
            models.Index(fields=["measure", "subdistrict_code", "group"]),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.province_code}{self.district_code} {self.count}"


class StatProvince(models.Model):
    """When a province's statistics were last rebuilt, and whether they are out of date."""

    province_code = models.CharField(max_length=2, primary_key=True)
    stale_since = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    refresh_seconds = models.FloatField(null=True, blank=True)
    people = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("statistics of a province")
        verbose_name_plural = _("statistics of provinces")

    def __str__(self) -> str:
        return self.province_code


class ModelAreaQuerySet(models.QuerySet["ModelArea"]):
    def active(self) -> ModelAreaQuerySet:
        return self.filter(removed_at__isnull=True)


class ModelArea(models.Model):
    """A district or subdistrict a coordinator marked as a model area (พื้นที่ต้นแบบ):
    where the project shows its results first, to scale them out later."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    since = models.DateField(_("model area since"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now, editable=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ModelAreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("model area")
        verbose_name_plural = _("model areas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(district__isnull=False) | models.Q(subdistrict__isnull=False),
                name="reports_model_area_has_place",
            ),
        ]

    def __str__(self) -> str:
        place = self.subdistrict or self.district
        return str(place)

    @property
    def code(self) -> str:
        return str(self.subdistrict_id or self.district_id)
