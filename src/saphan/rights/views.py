"""Pages of the rights context: one person's rights, and the gap list with its totals.
Thin: parsing in forms, rules in services and eligibility, reads in selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from saphan import policy
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.forms import apply_service_errors
from saphan.core.http import signed_in_user
from saphan.geo.models import District, Province
from saphan.people.checks import person_access_record
from saphan.people.models import Person
from saphan.rights.forms import GapFilterForm, RightStatusForm
from saphan.rights.selectors import (
    GapPage,
    GapSummary,
    person_rights,
    rights_gap_summary,
    rights_gaps,
    scheme_list,
)
from saphan.rights.services import person_right_clear, person_right_record

PAGE_SIZE = 50


def _can_record(request: HttpRequest) -> bool:
    user = signed_in_user(request)
    return policy.can(user, policy.Action.MANAGE_CASES) or policy.can(
        user, policy.Action.EDIT_PEOPLE
    )


@login_required
def person(request: HttpRequest, uid: str) -> HttpResponse:
    user = signed_in_user(request)
    target = policy.get_visible_or_404(
        Person.objects.select_related("province", "district"), user, request=request, uid=uid
    )
    language = get_language() or "th"
    form = RightStatusForm(request.POST or None, language=language)
    if request.method == "POST":
        if not _can_record(request):
            raise PermissionDenied("record_rights")
        clear = request.POST.get("clear", "")
        if clear:
            person_right_clear(user=user, person=target, scheme_code=clear, request=request)
            messages.success(request, _("The recorded status was removed."))
            return redirect("rights:person", uid=target.uid)
        if form.is_valid():
            d = form.cleaned_data
            try:
                person_right_record(
                    user=user,
                    person=target,
                    scheme_code=d["scheme"],
                    status=d["status"],
                    status_on=d["status_on"],
                    reason=d["reason"],
                    request=request,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Status recorded."))
                return redirect("rights:person", uid=target.uid)
    else:
        person_access_record(
            user=user,
            person=target,
            action=AccessAction.VIEW,
            request=request,
            detail={"page": "rights"},
        )
    rows = person_rights(user=user, person=target)
    return render(
        request,
        "rights/person.html",
        {
            "person": target,
            "rows": rows,
            "form": form,
            "can_record": _can_record(request),
            "language": language,
            "missing_total": sum(r.missing_monthly for r in rows),
        },
    )


@login_required
def gaps(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    policy.require(user, policy.Action.VIEW_PEOPLE)
    form = GapFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    province = d.get("province") or ""
    district = d.get("district") or ""
    scheme = d.get("scheme") or ""
    page_number = d.get("page") or 1
    summary: GapSummary | None = None
    page: GapPage | None = None
    error = ""
    try:
        summary = rights_gap_summary(
            user=user, province_code=province, district_code=district, scheme_code=scheme
        )
        page = rights_gaps(
            user=user,
            province_code=province,
            district_code=district,
            scheme_code=scheme,
            limit=PAGE_SIZE,
            offset=(page_number - 1) * PAGE_SIZE,
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="rights_gap",
        province_code=province,
        detail={
            "filters": {k: v for k, v in (("district", district), ("scheme", scheme)) if v},
            "results": page.total if page else 0,
        },
    )
    pages = (page.total + PAGE_SIZE - 1) // PAGE_SIZE if page else 0
    return render(
        request,
        "rights/gaps.html",
        {
            "summary": summary,
            "page": page,
            "error": error,
            "provinces": Province.objects.visible_to(user).order_by("name_th"),
            "districts": District.objects.filter(province_id=province).order_by("name_th")
            if province
            else [],
            "schemes": scheme_list(),
            "language": get_language() or "th",
            "chosen": {"province": province, "district": district, "scheme": scheme},
            "page_number": page_number,
            "pages": pages,
            "previous_page": page_number - 1 if page_number > 1 else None,
            "next_page": page_number + 1 if page_number < pages else None,
        },
    )
