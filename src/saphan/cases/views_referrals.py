"""Pages for referrals (received and sent, and the receiver's page showing only what a
referral shares) and the coordinator's "who is stuck where" table of civil steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.cases import choices as c
from saphan.cases import forms as f
from saphan.cases.checks import referral_access_record, require_manage
from saphan.cases.models import Case, Referral
from saphan.cases.referrals import (
    referral_accept,
    referral_cancel,
    referral_decline,
    referral_report,
)
from saphan.cases.selectors import referral_present, referrals_for, stuck_civil_steps
from saphan.core.forms import apply_service_errors
from saphan.core.http import signed_in_user
from saphan.geo.models import Province

DIRECTIONS = ("received", "sent")


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    require_manage(user)
    direction = request.GET.get("direction", "received")
    direction = direction if direction in DIRECTIONS else "received"
    status = request.GET.get("status", "open")
    if status not in ("open", "all", *c.ReferralStatus.values):
        status = "open"
    qs = referrals_for(user=user, direction=direction, status=None if status == "all" else status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="referral",
        detail={"direction": direction, "status": status, "results": page.paginator.count},
    )
    return render(
        request,
        "cases/referrals.html",
        {
            "page": page,
            "direction": direction,
            "status": status,
            "statuses": c.ReferralStatus.choices,
        },
    )


def _referral_or_404(request: HttpRequest, uid: Any) -> Referral:
    user = signed_in_user(request)
    require_manage(user)
    return policy.get_visible_or_404(
        Referral.objects.select_related(
            "case",
            "case__person",
            "case__person__province",
            "case__person__district",
            "case__person__current_subdistrict",
            "case__person__registered_subdistrict",
            "from_organisation",
            "to_organisation",
        ),
        user,
        request=request,
        uid=uid,
    )


def _render_referral(
    request: HttpRequest, referral: Referral, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    view = referral_present(referral=referral, user=user)
    # The sender's staff may open the case; the receiver never can (not in its scope).
    case_link = Case.objects.visible_to(user).filter(pk=referral.case_id).exists()
    context: dict[str, Any] = {
        "view": view,
        "referral": referral,
        "case_link": case_link,
        "accept_form": f.AcceptForm(),
        "decline_form": f.DeclineForm(),
        "report_form": f.ReportForm(),
        **(bound or {}),
    }
    return render(request, "cases/referral.html", context)


@login_required
def referral_detail(request: HttpRequest, uid: Any) -> HttpResponse:
    referral = _referral_or_404(request, uid)
    referral_access_record(
        user=signed_in_user(request), referral=referral, action=AccessAction.VIEW, request=request
    )
    return _render_referral(request, referral)


def _answer(
    request: HttpRequest,
    uid: Any,
    form_name: str,
    form: forms.Form,
    apply: Callable[[User, Referral, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    user = signed_in_user(request)
    referral = _referral_or_404(request, uid)
    if form.is_valid():
        try:
            apply(user, referral, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("cases:referral", uid=referral.uid)
    messages.error(request, _("Not saved: check the form below."))
    return _render_referral(request, referral, {form_name: form})


@login_required
@require_POST
def accept(request: HttpRequest, uid: Any) -> HttpResponse:
    return _answer(
        request,
        uid,
        "accept_form",
        f.AcceptForm(request.POST),
        lambda user, r, d: referral_accept(
            user=user, referral=r, due_on=d["due_on"], request=request
        ),
        _("Referral accepted."),
    )


@login_required
@require_POST
def decline(request: HttpRequest, uid: Any) -> HttpResponse:
    return _answer(
        request,
        uid,
        "decline_form",
        f.DeclineForm(request.POST),
        lambda user, r, d: referral_decline(
            user=user, referral=r, reason=d["reason"], request=request
        ),
        _("Referral declined."),
    )


@login_required
@require_POST
def report(request: HttpRequest, uid: Any) -> HttpResponse:
    return _answer(
        request,
        uid,
        "report_form",
        f.ReportForm(request.POST),
        lambda user, r, d: referral_report(
            user=user,
            referral=r,
            report=d["report"],
            completed_on=d["completed_on"],
            request=request,
        ),
        _("Report sent to the referring organisation."),
    )


@login_required
@require_POST
def cancel(request: HttpRequest, uid: Any) -> HttpResponse:
    return _answer(
        request,
        uid,
        "cancel_form",
        forms.Form(request.POST),
        lambda user, r, d: referral_cancel(user=user, referral=r, request=request),
        _("Referral cancelled."),
    )


@login_required
def civil_steps(request: HttpRequest) -> HttpResponse:
    """Who is stuck where: open civil-status steps, longest waiting first."""
    user = signed_in_user(request)
    require_manage(user)
    provinces = Province.objects.visible_to(user).filter(
        code__in=Case.objects.visible_to(user).values("person__province_id")
    )
    province = request.GET.get("province", "")
    if province and not provinces.filter(code=province).exists():
        province = ""
    report_ = stuck_civil_steps(user=user, province_code=province or None)
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="civil_step",
        province_code=province,
        detail={"results": len(report_.rows)},
    )
    return render(
        request,
        "cases/civil_steps.html",
        {"report": report_, "provinces": provinces, "province": province},
    )
