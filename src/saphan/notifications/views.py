"""The notification list and marking notifications read (htmx-friendly)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from saphan import policy
from saphan.core.http import is_htmx, signed_in_user
from saphan.notifications.models import Notification
from saphan.notifications.selectors import notifications_for, unread_count
from saphan.notifications.services import notification_mark_read

PER_PAGE = 25
#: htmx event sent after marking read, so the page can refresh the unread badge.
READ_EVENT = "notifications-read"


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(notifications_for(user=user, unread_only=unread_only), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_total": unread_count(user=user),
            "here": request.get_full_path(),
        },
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("notifications:list")


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """POST ``id`` marks one notification read, no ``id`` marks them all.

    htmx gets the updated item back (or a client redirect after "mark all"); a plain
    form post is redirected to ``next`` or the list."""
    user = signed_in_user(request)
    raw_id = request.POST.get("id", "").strip()
    if raw_id:
        if not (raw_id.isascii() and raw_id.isdigit()):
            raise Http404
        notification = policy.get_visible_or_404(
            Notification.objects.all(), user, request=request, pk=int(raw_id)
        )
        notification_mark_read(user=user, notification_ids=[notification.pk])
        if is_htmx(request):
            notification.refresh_from_db(fields=["read_at"])
            response = render(
                request,
                "notifications/_item.html",
                {"n": notification, "here": _next_url(request)},
            )
            response["HX-Trigger"] = READ_EVENT
            return response
    else:
        notification_mark_read(user=user)
        if is_htmx(request):
            response = HttpResponseClientRedirect(_next_url(request))
            response["HX-Trigger"] = READ_EVENT
            return response
    return redirect(_next_url(request))
