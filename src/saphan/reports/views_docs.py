"""Documents and settings of the reports: the province PDF, policy briefs, the open-data
file and the model areas page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from saphan import policy
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.errors import in_both_languages
from saphan.core.http import signed_in_user
from saphan.people.choices import PopulationGroup
from saphan.reports import dashboards as d
from saphan.reports import exports, presenters
from saphan.reports import model_areas as areas
from saphan.reports.briefs import BRIEF_GROUPS, brief_build, brief_pdf
from saphan.reports.models import ModelArea
from saphan.reports.pdf import PdfUnavailable, pdf_render
from saphan.reports.selectors import (
    SUPPRESSION_NOTE,
    check_provinces,
    labels_for,
    scope_codes,
)
from saphan.reports.views import _province_or_refuse, _refused, _row_header


def _require_export(request: HttpRequest) -> None:
    if not policy.can(request.user, policy.Action.EXPORT_AGGREGATES):
        raise PermissionDenied


def _pdf_response(request: HttpRequest, body: bytes, stem: str, detail: dict[str, Any]) -> Any:
    access_log_record(
        user=request.user,
        action=AccessAction.EXPORT,
        request=request,
        object_type="statistics",
        object_id=stem,
        detail={"format": "pdf", **detail},
    )
    response = HttpResponse(body, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="saphan-{stem}-{stamp}.pdf"'
    return response


@login_required
def province_pdf(request: HttpRequest, code: str) -> HttpResponse:
    _require_export(request)
    try:
        _province_or_refuse(request, code)
    except ValidationError as error:
        return _refused(request, error, status=403)
    user = request.user
    board = d.province_dashboard(user=user, province_code=code)
    trend = d.trend(user=user, provinces=[code])
    sections = [
        {
            "title": title,
            "chart": presenters.table_chart(table, title=str(title), chart_id=f"pdf-{key}"),
            "table": presenters.table_view(table),
            "amounts": presenters.table_view(table, "amount") if kind == "amount" else None,
            "row_header": _row_header(key),
        }
        for key, title, table, kind in board.sections
    ]
    try:
        body = pdf_render(
            template_name="reports/pdf/province.html",
            context={
                "province": labels_for("province", [code])[0][1],
                "sections": sections,
                "trend_chart": presenters.trend_chart(
                    trend, title=str(_("Month by month")), chart_id="pdf-trend"
                ),
                "exact": board.sections[0][2].exact,
                "note": SUPPRESSION_NOTE,
                "thai_digits": request.GET.get("thai_digits") == "1",
                "organisation": getattr(user, "organisation", None),
            },
        )
    except PdfUnavailable as error:
        return _refused(request, ValidationError(str(error)), status=503)
    return _pdf_response(request, body, f"province-{code}", {"province": code})


@login_required
@require_http_methods(["GET", "POST"])
def brief(request: HttpRequest) -> HttpResponse:
    _require_export(request)
    user = request.user
    codes = scope_codes(user)
    chosen: dict[str, Any] = {
        "group": request.POST.get("group") or request.GET.get("group") or BRIEF_GROUPS[0],
        "provinces": request.POST.getlist("provinces") or request.GET.getlist("provinces"),
        "recommendations": request.POST.get("recommendations", ""),
        "thai_digits": request.POST.get("thai_digits") == "1",
    }
    error = None
    if request.method == "POST":
        try:
            wanted = check_provinces(user, chosen["provinces"] or codes)
            made = brief_build(
                user=user,
                group=chosen["group"],
                province_codes=wanted,
                recommendations=chosen["recommendations"],
            )
            body = brief_pdf(
                made,
                thai_digits=chosen["thai_digits"],
                organisation=getattr(user, "organisation", None),
            )
        except ValidationError as exc:
            error = " ".join(str(m) for m in exc.messages)
        except PdfUnavailable as exc:
            error = str(exc)
        else:
            return _pdf_response(
                request,
                body,
                f"brief-{made.group}",
                {"group": made.group, "provinces": [c for c, _l in made.provinces]},
            )
    return render(
        request,
        "reports/brief.html",
        {
            "groups": PopulationGroup.choices,
            "brief_groups": BRIEF_GROUPS,
            "provinces": labels_for("province", codes),
            "chosen": chosen,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def open_data(request: HttpRequest) -> HttpResponse:
    """People per province and group, and the other stock measures per province, with
    small cells suppressed: the file that may be published."""
    _require_export(request)
    user = request.user
    codes = scope_codes(user)
    body = exports.open_data_csv(codes)
    access_log_record(
        user=user,
        action=AccessAction.EXPORT,
        request=request,
        object_type="statistics",
        object_id="open-data",
        detail={"format": "csv", "provinces": len(codes)},
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="saphan-open-data-{stamp}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def model_area_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not policy.can(user, policy.Action.MANAGE_MODEL_AREAS):
        raise PermissionDenied
    codes = scope_codes(user)
    province = (
        request.GET.get("province") or request.POST.get("province") or (codes[0] if codes else "")
    )
    if province and province not in codes:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                area = (
                    ModelArea.objects.active()
                    .filter(pk=request.POST["remove"], province_id__in=codes)
                    .first()
                )
                if area is None:
                    raise Http404
                areas.model_area_unmark(user=user, area=area, request=request)
            else:
                areas.model_area_mark(
                    user=user,
                    code=request.POST.get("code", ""),
                    note=request.POST.get("note", ""),
                    request=request,
                )
            return redirect(f"{request.path}?province={province}")
        except ValidationError as exc:
            error = " ".join(str(m) for m in exc.messages)
    from saphan.geo.models import District, Subdistrict

    return render(
        request,
        "reports/model_areas.html",
        {
            "provinces": labels_for("province", codes),
            "province": province,
            "areas": areas.model_areas_of(province) if province else [],
            "districts": District.objects.filter(province_id=province).order_by("code"),
            "subdistricts": Subdistrict.objects.filter(province_id=province)
            .select_related("district")
            .order_by("code"),
            "error": error,
            "error_en": in_both_languages(error)["en"] if error else "",
        },
        status=400 if error else 200,
    )
