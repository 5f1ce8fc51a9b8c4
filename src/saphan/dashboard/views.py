from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from saphan import policy
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.http import signed_in_user
from saphan.dashboard.selectors import district_table, home_summary, province_summary
from saphan.geo.models import Province


@login_required
def home(request: HttpRequest) -> HttpResponse:
    summary = home_summary(user=signed_in_user(request))
    return render(
        request,
        "dashboard/home.html",
        {
            "summary": summary,
            "today": timezone.localdate(),
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
