"""The watch system (ระบบเฝ้าระวัง): declarative rules over registry data and the flags
they raise.

A rule's condition is data (a small JSON language checked by ``watch.conditions``), so a
coordinator can switch it on or off and tune its thresholds per province without code.
Evaluation is set-based (``watch.engine``): one query per rule and province finds who
matches; flags are raised, kept or resolved in bulk. A flag is never deleted: its row is
its history (raised when and why, acknowledged by whom, resolved or expired when).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from saphan.geo.models import Province
from saphan.people.models import Person

if TYPE_CHECKING:
    from saphan.policy import AnyUser


class Priority(models.IntegerChoices):
    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    MEDIUM = 3, _("Medium")
    LOW = 4, _("Low")


class WatchRule(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    #: ``{"all": [{"fact": "age", "op": ">=", "value": "$min_age"}, ...]}``; see conditions.
    condition = models.JSONField(_("condition"))
    #: Default thresholds, referred to as ``$name`` in the condition.
    parameters = models.JSONField(_("thresholds"), default=dict, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    first_action_th = models.CharField(_("suggested first action (Thai)"), max_length=300)
    first_action_en = models.CharField(_("suggested first action (English)"), max_length=300)
    recheck_days = models.PositiveSmallIntegerField(_("re-check every (days)"), default=90)
    enabled = models.BooleanField(_("on by default"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("watch rule")
        verbose_name_plural = _("watch rules")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The back office edits conditions as JSON: refuse what the engine can't run.
        from saphan.watch.conditions import condition_validate, parameters_validate

        parameters_validate(self.parameters)
        condition_validate(self.condition, self.parameters)

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "th").startswith("en") else self.name_th

    @property
    def description(self) -> str:
        en = (get_language() or "th").startswith("en")
        return self.description_en if en else self.description_th

    @property
    def first_action(self) -> str:
        en = (get_language() or "th").startswith("en")
        return self.first_action_en if en else self.first_action_th


class RuleSettingQuerySet(models.QuerySet["RuleSetting"]):
    def visible_to(self, user: AnyUser) -> RuleSettingQuerySet:
        from saphan import policy

        return policy.scope_watch_rule_settings(self, user)


class RuleSetting(models.Model):
    """A province's choice for one rule: on or off, and its own thresholds."""

    rule = models.ForeignKey(WatchRule, on_delete=models.CASCADE, related_name="settings")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    enabled = models.BooleanField(_("on"), default=True)
    parameters = models.JSONField(_("thresholds"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RuleSettingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule setting for a province")
        verbose_name_plural = _("rule settings for provinces")
        constraints = [
            models.UniqueConstraint(fields=["rule", "province"], name="watch_setting_once")
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} @ {self.province_id}"

    def effective_parameters(self) -> dict[str, Any]:
        return {**self.rule.parameters, **(self.parameters or {})}


class FlagStatus(models.TextChoices):
    OPEN = "open", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    EXPIRED = "expired", _("Expired")


#: A flag in one of these states is live: at most one per rule and person.
LIVE_STATUSES = (FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED)


class Resolution(models.TextChoices):
    NO_LONGER_MATCHES = "no_longer_matches", _("The situation no longer matches the rule")
    RULE_SWITCHED_OFF = "rule_switched_off", _("The rule was switched off for the province")
    NO_SENSITIVE_BASIS = (
        "no_sensitive_basis",
        _("Consent for sensitive data was withdrawn; the rule can no longer be checked"),
    )
    MOVED = "moved", _("The person moved to another province")
    MERGED = "merged", _("The record was merged into another record of the same person")


class WatchFlagQuerySet(models.QuerySet["WatchFlag"]):
    def visible_to(self, user: AnyUser) -> WatchFlagQuerySet:
        from saphan import policy

        return policy.scope_watch_flags(self, user)

    def live(self) -> WatchFlagQuerySet:
        return self.filter(status__in=LIVE_STATUSES)


class WatchFlag(models.Model):
    rule = models.ForeignKey(WatchRule, on_delete=models.PROTECT, related_name="flags")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="watch_flags")
    #: The person's province when the flag was raised: the scope key and the list's index.
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    #: The facts that matched, e.g. ``{"age": 72, "disability": true}``.
    reasons = models.JSONField(_("why"), default=dict)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recheck_due_on = models.DateField(_("re-check due"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=30, choices=Resolution.choices, blank=True
    )

    objects = WatchFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("watch flag")
        verbose_name_plural = _("watch flags")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "person"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="watch_one_live_flag",
            )
        ]
        indexes = [
            models.Index(
                fields=["province", "status", "priority", "raised_at"], name="watch_list_idx"
            ),
            models.Index(fields=["person", "status"], name="watch_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} · {self.person_id}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES
