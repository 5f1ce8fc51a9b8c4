from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from saphan import policy
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.http import signed_in_user
from saphan.dashboard.selectors import (
    district_table,
    home_blocks,
    home_summary,
    province_summary,
)
from saphan.geo.models import Province


def optional_url(name: str, *args: Any) -> str | None:
    """The URL of a page another context may not have yet (the reports dashboards):
    ``None`` instead of an error while it is missing."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    today = timezone.localdate()
    summary = home_summary(user=user)
    blocks = home_blocks(user=user, provinces=summary.provinces, today=today)
    # The watch list and the case list name people: showing them is a read of personal
    # data, logged as their own pages log it.
    if blocks.watch is not None and blocks.watch.rows:
        access_log_record(
            user=user,
            action=AccessAction.SEARCH,
            request=request,
            object_type="watch_flag",
            detail={"page": "home", "shown": len(blocks.watch.rows), "results": blocks.watch.count},
        )
    if blocks.follow_ups is not None and blocks.follow_ups.rows:
        access_log_record(
            user=user,
            action=AccessAction.SEARCH,
            request=request,
            object_type="case",
            detail={
                "page": "home",
                "overdue": True,
                "mine": True,
                "shown": len(blocks.follow_ups.rows),
                "results": blocks.follow_ups.count,
            },
        )
    province_cards = [
        (p, optional_url("reports:province", p.code) or reverse("province", args=[p.code]))
        for p in blocks.province_cards or []
    ]
    return render(
        request,
        "dashboard/home.html",
        {
            "summary": summary,
            "blocks": blocks,
            "province_cards": province_cards,
            "national_url": optional_url("reports:national") if blocks.national else None,
            "today": today,
        },
    )


@login_required
def province_detail(request: HttpRequest, code: str) -> HttpResponse:
    province = Province.objects.visible_to(request.user).filter(code=code).first()
    if province is None:
        # Out of scope looks exactly like "no such province"; the refusal is logged.
        if Province.objects.filter(code=code).exists():
            access_log_record(
                user=request.user,
                action=AccessAction.DENIED,
                request=request,
                object_type="province",
                object_id=code,
                province_code=code,
            )
        raise Http404
    policy.require(request.user, policy.Action.VIEW_PROVINCE)
    summary = province_summary(province=province, user=signed_in_user(request))
    return render(
        request,
        "dashboard/province.html",
        {
            "summary": summary,
            "province": province,
            "districts": district_table(province=province),
        },
    )
