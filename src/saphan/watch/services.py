"""Writes of the watch system: acknowledging flags, provincial rule settings, and the
evaluation entry points the registry calls after a change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.geo.models import Province
from saphan.watch.conditions import condition_validate, parameters_validate
from saphan.watch.engine import Summary, watch_evaluate
from saphan.watch.models import FlagStatus, RuleSetting, WatchFlag, WatchRule


def watch_evaluate_people(*, person_ids: Iterable[int] | QuerySet[Any]) -> Summary:
    """After a change to people (register, edit, household): their flags, now.

    Called explicitly by the registry services, inside their transaction, so the flags
    never disagree with the record the worker just saved."""
    return watch_evaluate(person_ids=person_ids)


def flag_acknowledge(
    *, user: User, flag: WatchFlag, note: str = "", request: Any = None
) -> WatchFlag:
    """A worker has seen the flag and takes it on; it comes back for a re-check after
    the rule's interval if the situation still matches."""
    policy.require(user, policy.Action.MANAGE_CASES)
    if not WatchFlag.objects.visible_to(user).filter(pk=flag.pk).exists():
        raise PermissionDenied("out_of_scope")
    if len(note) > 500:
        raise ValidationError({"note": _("Keep the note under 500 characters.")})
    with transaction.atomic():
        flag = WatchFlag.objects.select_for_update().select_related("rule").get(pk=flag.pk)
        if not flag.is_live:
            raise ValidationError(
                {"flag": _("This flag is already resolved or expired; nothing to acknowledge.")}
            )
        now = timezone.now()
        flag.status = FlagStatus.ACKNOWLEDGED
        flag.acknowledged_by = user
        flag.acknowledged_at = now
        flag.recheck_due_on = timezone.localdate(now) + dt.timedelta(days=flag.rule.recheck_days)
        if note:
            flag.note = note
        flag.save(
            update_fields=[
                "status",
                "acknowledged_by",
                "acknowledged_at",
                "recheck_due_on",
                "note",
            ]
        )
        access_log_record(
            user=user,
            action=AccessAction.UPDATE,
            request=request,
            object_type="watch_flag",
            object_id=flag.pk,
            province_code=flag.province_id,
            detail={"rule": flag.rule.code, "status": "acknowledged"},
        )
    return flag


def _setting_province(user: User, province_code: str) -> Province:
    codes = policy.province_codes_of(user)
    province = Province.objects.filter(code=province_code).first()
    if province is None or (codes is not None and province_code not in codes):
        raise ValidationError({"province": _("You do not work in this province.")})
    return province


def rule_setting_update(
    *,
    user: User,
    rule: WatchRule,
    province_code: str,
    enabled: bool,
    parameters: dict[str, Any],
    request: Any = None,
    evaluate: bool = True,
) -> tuple[RuleSetting, Summary | None]:
    """Switch a rule on or off for a province and set its thresholds there.

    Thresholds must be ones the rule has, as whole numbers; the merged thresholds must
    still make a valid condition. Audited (access log + change history) and followed by
    an evaluation of that rule in that province, so the watch list reflects it at once.
    """
    policy.require(user, policy.Action.MANAGE_WATCH_RULES)
    province = _setting_province(user, province_code)
    parameters_validate(parameters, defaults=rule.parameters)
    merged = {**rule.parameters, **parameters}
    condition_validate(rule.condition, merged)
    # Thresholds equal to the defaults are not stored: a later change of the default
    # then reaches this province too.
    own = {k: v for k, v in parameters.items() if rule.parameters.get(k) != v}
    with transaction.atomic():
        setting = (
            RuleSetting.objects.select_for_update().filter(rule=rule, province=province).first()
        )
        if setting is None:
            setting = RuleSetting(rule=rule, province=province)
            before = {"enabled": rule.enabled, "parameters": {}}
        else:
            before = {"enabled": setting.enabled, "parameters": setting.parameters}
        setting.enabled = enabled
        setting.parameters = own
        setting.updated_by = user
        setting.save()
        access_log_record(
            user=user,
            action=AccessAction.UPDATE,
            request=request,
            object_type="watch_rule",
            object_id=rule.code,
            province_code=province.code,
            detail={"before": before, "after": {"enabled": enabled, "parameters": own}},
        )
    summary = None
    if evaluate:
        summary = watch_evaluate(province_code=province.code, rule_codes=[rule.code])
    return setting, summary


def effective_settings(rule: WatchRule, province_code: str) -> tuple[bool, dict[str, Any]]:
    """Whether the rule is on in the province and with which thresholds."""
    setting = RuleSetting.objects.filter(rule=rule, province_id=province_code).first()
    if setting is None:
        return rule.enabled, dict(rule.parameters)
    return setting.enabled, setting.effective_parameters()
