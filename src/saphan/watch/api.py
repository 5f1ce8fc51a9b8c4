"""GET /api/v1/watchlist: the watch list through the policy layer."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema

from saphan import policy
from saphan.api.auth import api_user
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.geo.models import Province
from saphan.watch.models import WatchFlag, WatchRule
from saphan.watch.selectors import VIEWS, flag_reasons, watchlist

router = Router(tags=["watch"])


class FlagOut(Schema):
    id: int
    rule: str = Field(description="Rule code, e.g. older_with_disability")
    rule_name_th: str
    rule_name_en: str
    priority: int = Field(description="1 urgent, 2 high, 3 medium, 4 low")
    status: str = Field(description="open, acknowledged, resolved or expired")
    raised_at: dt.datetime
    reasons: list[str] = Field(description="Each condition in words, in the active language")
    facts: dict[str, Any] = Field(description="The person's values that matched")
    first_action: str
    recheck_due_on: dt.date | None
    resolved_at: dt.datetime | None
    resolution: str
    person_id: str = Field(description="The person's id (uid) for /api/v1/persons/{id}")
    person_name: str
    province_code: str
    district_code: str | None


class FlagPage(Schema):
    count: int
    items: list[FlagOut]


def _flag(flag: WatchFlag) -> dict[str, Any]:
    return {
        "id": flag.pk,
        "rule": flag.rule.code,
        "rule_name_th": flag.rule.name_th,
        "rule_name_en": flag.rule.name_en,
        "priority": flag.priority,
        "status": flag.status,
        "raised_at": flag.raised_at,
        "reasons": flag_reasons(flag),
        "facts": flag.reasons if isinstance(flag.reasons, dict) else {},
        "first_action": flag.rule.first_action,
        "recheck_due_on": flag.recheck_due_on,
        "resolved_at": flag.resolved_at,
        "resolution": flag.resolution,
        "person_id": str(flag.person.uid),
        "person_name": flag.person.full_name,
        "province_code": flag.province_id,
        "district_code": flag.person.district_id,
    }


@router.get("", response=FlagPage, summary="People flagged by the watch rules in your provinces")
def watch_list(
    request: HttpRequest,
    province: str = "",
    rule: str = "",
    group: str = "",
    district: str = "",
    view: str = "todo",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    user = api_user(request)
    policy.require(user, policy.Action.VIEW_PEOPLE)
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    if view not in VIEWS:
        raise ValidationError({"view": _("Use todo, open, acknowledged or closed.")})
    if rule and not WatchRule.objects.filter(code=rule).exists():
        raise ValidationError({"rule": _("Unknown watch rule.")})
    if province and not Province.objects.visible_to(user).filter(code=province).exists():
        from django.http import Http404

        raise Http404
    flags = watchlist(
        user=user,
        province_code=province,
        rule_code=rule,
        group=group,
        district_code=district,
        view=view,
    )
    count = flags.count()
    items = [_flag(f) for f in flags[offset : offset + limit]]
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="watch_flag",
        province_code=province[:2],
        detail={"rule": rule, "view": view, "results": count},
    )
    return {"count": count, "items": items}
