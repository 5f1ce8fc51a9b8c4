"""The audit browser: read-only, filterable, for administrators and DPOs."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saphan import policy
from saphan.audit.models import AccessAction
from saphan.audit.selectors import access_log_list
from saphan.core.http import is_htmx, signed_in_user


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Action.BROWSE_AUDIT)
    action = request.GET.get("action", "")
    filters: dict[str, object] = {
        "username": request.GET.get("username", "").strip(),
        "action": action if action in AccessAction.values else "",
        "province_code": request.GET.get("province", "").strip(),
        "date_from": _date(request.GET.get("date_from", "")),
        "date_to": _date(request.GET.get("date_to", "")),
    }
    qs = access_log_list(
        user=signed_in_user(request),
        username=str(filters["username"]),
        action=str(filters["action"]),
        province_code=str(filters["province_code"]),
        date_from=_date(request.GET.get("date_from", "")),
        date_to=_date(request.GET.get("date_to", "")),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    template = "audit/_rows.html" if is_htmx(request) else "audit/access_log.html"
    return render(
        request,
        template,
        {
            "page": page,
            "actions": AccessAction.choices,
            "filters": filters,
            "querystring": request.GET.copy(),
        },
    )


@login_required
def change_history(request: HttpRequest) -> HttpResponse:
    """Latest changes to organisations and users (django-simple-history), newest first."""
    policy.require(request.user, policy.Action.BROWSE_AUDIT)
    from saphan.audit.selectors import change_history_list

    return render(
        request,
        "audit/changes.html",
        {
            "changes": change_history_list(user=signed_in_user(request), limit=200),
        },
    )
