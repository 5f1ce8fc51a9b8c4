"""The organisation capacity view and the trainings record (``view_capacity``).

A role without the action gets 403; an organisation outside
``capacity.organisations_for_capacity`` looks like no organisation at all (404), and the
refusal is written to the access log. Every page view and every download is logged.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.forms import apply_service_errors
from saphan.core.http import signed_in_user
from saphan.orgs.capacity import (
    MAX_DAYS,
    Period,
    capacity_period,
    capacity_report,
    organisations_for_capacity,
)
from saphan.orgs.capacity_tables import BUILDERS, capacity_tables, table_csv, table_xlsx
from saphan.orgs.forms import CapacityPeriodForm, TrainingForm
from saphan.orgs.models import Organisation, Training
from saphan.orgs.services import training_delete, training_record
from saphan.outcomes.charts import Bar, bar_chart

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
TRAININGS_PER_PAGE = 50


def _require(request: HttpRequest) -> User:
    user = signed_in_user(request)
    policy.require(user, policy.Action.VIEW_CAPACITY)
    return user


def _organisation(request: HttpRequest, user: User, code: str) -> Organisation:
    """The organisation, if its capacity is the user's to see; otherwise 404, with a
    ``denied`` access-log row when the organisation exists."""
    organisation = organisations_for_capacity(user).filter(code=code).first()
    if organisation is None:
        if Organisation.objects.filter(code=code).exists():
            access_log_record(
                user=user,
                action=AccessAction.DENIED,
                request=request,
                object_type="organisation",
                object_id=code,
                detail={"what": "capacity"},
            )
        raise Http404
    return organisation


def _period(request: HttpRequest) -> tuple[Period, CapacityPeriodForm]:
    """From ``start`` / ``end`` in the query string; the last 90 days by default. The end
    is at most today, and a period longer than three years is shortened."""
    today = timezone.localdate()
    form = CapacityPeriodForm(request.GET or None)
    start: dt.date | None = None
    end: dt.date | None = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    end = min(end or today, today)
    if start is not None and start > end:
        start = None
    if start is not None and (end - start).days >= MAX_DAYS:
        start = end - dt.timedelta(days=MAX_DAYS - 1)
    period = capacity_period(start=start, end=end)
    if not form.is_bound:
        form = CapacityPeriodForm(initial={"start": period.start, "end": period.end})
    return period, form


def _period_query(period: Period) -> str:
    return urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})


@login_required
def capacity_home(request: HttpRequest) -> HttpResponse:
    """Choose an organisation (``?org=CODE``); by default the user's own."""
    user = _require(request)
    visible = organisations_for_capacity(user).order_by("code")
    code = request.GET.get("org", "").strip()
    if not code:
        own = visible.filter(pk=user.organisation_id) if user.organisation_id else visible.none()
        chosen = own.first() or visible.first()
        if chosen is None:
            return render(request, "orgs/capacity_none.html")
        code = chosen.code
    query = {k: v for k, v in request.GET.items() if k in ("start", "end") and v}
    url = reverse("capacity:detail", args=[code])
    return redirect(f"{url}?{urlencode(query)}" if query else url)


@login_required
def capacity_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _require(request)
    organisation = _organisation(request, user, code)
    period, period_form = _period(request)
    report = capacity_report(organisation=organisation, period=period)
    tables = capacity_tables(report)
    access_log_record(
        user=user,
        action=AccessAction.VIEW,
        request=request,
        object_type="organisation",
        object_id=organisation.code,
        detail={
            "what": "capacity",
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
    )
    load = report.caseload
    chart = (
        bar_chart(
            [
                Bar(label=w.name, value=Decimal(w.open_cases), text=str(w.open_cases))
                for w in load.workers
            ],
            title=_("Open cases per worker"),
            chart_id="caseload-chart",
        )
        if load.total_open
        else ""
    )
    return render(
        request,
        "orgs/capacity.html",
        {
            "organisation": organisation,
            "organisations": organisations_for_capacity(user).order_by("code"),
            "report": report,
            "period": period,
            "period_form": period_form,
            "period_query": _period_query(period),
            "tables": {slug.replace("-", "_"): (t, t.cells()) for slug, t in tables.items()},
            "caseload_chart": chart,
        },
    )


@login_required
def capacity_download(request: HttpRequest, code: str, table: str, fmt: str) -> HttpResponse:
    user = _require(request)
    if table not in BUILDERS or fmt not in CONTENT_TYPES:
        raise Http404
    organisation = _organisation(request, user, code)
    period, _form = _period(request)
    report = capacity_report(organisation=organisation, period=period)
    data = BUILDERS[table](report)
    body = table_xlsx(data) if fmt == "xlsx" else table_csv(data)
    access_log_record(
        user=user,
        action=AccessAction.EXPORT,
        request=request,
        object_type="organisation",
        object_id=organisation.code,
        detail={
            "what": "capacity",
            "table": table,
            "format": fmt,
            "rows": len(data.rows),
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
    )
    name = f"capacity-{organisation.code}-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _staff_choices(organisation: Organisation) -> list[tuple[str, str]]:
    members = User.objects.filter(organisation=organisation, is_active=True).order_by(
        "first_name", "last_name", "username"
    )
    return [(str(u.pk), u.display_name) for u in members]


@login_required
def training_list(request: HttpRequest, code: str) -> HttpResponse:
    """Every training recorded for the organisation, newest first, and the form that
    records one (POST)."""
    user = _require(request)
    organisation = _organisation(request, user, code)
    staff = _staff_choices(organisation)
    if request.method == "POST":
        form = TrainingForm(request.POST, staff=staff)
        if form.is_valid():
            data = form.cleaned_data
            attendee = (
                User.objects.filter(pk=data["attendee"]).first() if data["attendee"] else None
            )
            try:
                training_record(
                    user=user,
                    organisation=organisation,
                    attendee=attendee,
                    title=data["title"],
                    topic=data["topic"],
                    provider=data["provider"],
                    attended_on=data["attended_on"],
                    hours=data["hours"],
                    request=request,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Training recorded."))
                return redirect("capacity:trainings", code=organisation.code)
    else:
        form = TrainingForm(staff=staff, initial={"attended_on": timezone.localdate()})
    trainings = Training.objects.filter(organisation=organisation).select_related(
        "attendee", "recorded_by"
    )
    page = Paginator(trainings, TRAININGS_PER_PAGE).get_page(request.GET.get("page"))
    if request.method != "POST":
        access_log_record(
            user=user,
            action=AccessAction.VIEW,
            request=request,
            object_type="organisation",
            object_id=organisation.code,
            detail={"what": "trainings"},
        )
    context: dict[str, Any] = {"organisation": organisation, "form": form, "page": page}
    return render(request, "orgs/trainings.html", context)


@login_required
@require_POST
def training_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    user = _require(request)
    organisation = _organisation(request, user, code)
    training = Training.objects.filter(organisation=organisation, pk=pk).first()
    if training is None:
        raise Http404
    training_delete(user=user, training=training, request=request)
    messages.success(request, _("Training removed."))
    return redirect("capacity:trainings", code=organisation.code)
