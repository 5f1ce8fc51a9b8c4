"""Pages of the watch system: the watch list, acknowledging a flag, and the provincial
rule settings. Thin: reads in selectors, writes in services, scope in ``policy``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saphan import policy
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.http import is_htmx, signed_in_user
from saphan.geo.models import District, Province
from saphan.orgs.models import Organisation
from saphan.people import choices as c
from saphan.watch.models import Priority, WatchFlag, WatchRule
from saphan.watch.selectors import VIEWS, flag_reasons, watch_counts_by_rule, watchlist
from saphan.watch.services import effective_settings, flag_acknowledge, rule_setting_update

PAGE_SIZE = 50
PARAMETER_LABELS = {
    "older_age": gettext_lazy("Older-person age (years)"),
    "min_age": gettext_lazy("From age (years)"),
    "max_age": gettext_lazy("Below age (years)"),
    "adult_age": gettext_lazy("Adult age (years)"),
    "days": gettext_lazy("Days before the card expires"),
}
VIEW_LABELS = {
    "todo": gettext_lazy("To do"),
    "open": gettext_lazy("New"),
    "acknowledged": gettext_lazy("Acknowledged"),
    "closed": gettext_lazy("Resolved or expired"),
}


def _filters(request: HttpRequest) -> dict[str, str]:
    keys = ("province", "rule", "group", "district", "organisation", "view")
    return {k: request.GET.get(k, "").strip()[:60] for k in keys}


def _export(request: HttpRequest, user: Any, flags: Any, f: dict[str, str]) -> HttpResponse:
    """The watch list as a file: person-level data, so only for ``export_people``, at
    most ``people_export_limit()`` rows, and written to the access log."""
    from saphan.core.thaidate import format_date
    from saphan.reports.exports import export_response, people_export_limit

    policy.require(user, policy.Action.EXPORT_PEOPLE)
    total, limit = flags.count(), people_export_limit()
    if total > limit:
        message = _(
            "This export would hold %(total)s rows; one file may hold at most %(limit)s. "
            "Narrow the filters (a province, a district or a rule)."
        ) % {"total": f"{total:,}", "limit": f"{limit:,}"}
        return render(request, "watch/export_refused.html", {"message": message}, status=400)
    header = [
        str(_("Priority")),
        str(_("Watch rule")),
        str(_("Person")),
        str(_("District")),
        str(_("Province")),
        str(_("Status")),
        str(_("Raised")),
    ]
    rows = [
        [
            flag.get_priority_display(),
            flag.rule.name,
            flag.person.full_name,
            flag.person.district.name if flag.person.district else "",
            flag.province.name,
            flag.get_status_display(),
            format_date(timezone.localtime(flag.raised_at).date()),
        ]
        for flag in flags.select_related("rule", "person__district", "province")
    ]
    return export_response(
        request=request,
        sheets=[(str(_("Watch list")), header, rows)],
        title=str(_("Watch list")),
        file_stem="watch-list",
        fmt=request.GET["format"],
        province_code=f["province"],
        detail={"filters": {k: v for k, v in f.items() if v}},
        object_type="watch_flag",
    )


@login_required
def watch_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    policy.require(user, policy.Action.VIEW_PEOPLE)
    f = _filters(request)
    organisation_id = int(f["organisation"]) if f["organisation"].isdigit() else None
    flags = watchlist(
        user=user,
        province_code=f["province"],
        rule_code=f["rule"],
        group=f["group"],
        district_code=f["district"],
        organisation_id=organisation_id,
        view=f["view"] or "todo",
    )
    if request.GET.get("format") in ("xlsx", "csv"):
        return _export(request, user, flags, f)
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"flag": flag, "reasons": flag_reasons(flag)} for flag in page.object_list]
    # The watch list names people: each page of it is a read of personal data.
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="watch_flag",
        province_code=f["province"],
        detail={"filters": {k: v for k, v in f.items() if v}, "results": page.paginator.count},
    )
    provinces = Province.objects.visible_to(user).order_by("name_th")
    context = {
        "page": page,
        "rows": rows,
        "filters": f,
        "querystring": request.GET.copy(),
        "provinces": provinces,
        "districts": District.objects.filter(province_id=f["province"]).order_by("name_th")
        if f["province"]
        else [],
        "organisations": Organisation.objects.visible_to(user).order_by("name_th"),
        "rule_counts": watch_counts_by_rule(user=user, province_code=f["province"]),
        "groups": c.PopulationGroup.choices,
        "views": [(v, VIEW_LABELS[v]) for v in VIEWS],
        "can_act": policy.can(user, policy.Action.MANAGE_CASES),
        "priorities": Priority,
    }
    template = "watch/_results.html" if is_htmx(request) else "watch/list.html"
    return render(request, template, context)


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    policy.require(user, policy.Action.MANAGE_CASES)
    flag = policy.get_visible_or_404(
        WatchFlag.objects.select_related("rule", "person"), user, request=request, pk=pk
    )
    try:
        flag = flag_acknowledge(
            user=user, flag=flag, note=request.POST.get("note", "").strip(), request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Flag acknowledged; it comes back when a re-check is due."))
    if is_htmx(request):
        return render(
            request,
            "watch/_flag.html",
            {"row": {"flag": flag, "reasons": flag_reasons(flag)}, "can_act": True},
        )
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else "watch:list")


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """Every rule with its state in one province; coordinators switch and tune here."""
    user = signed_in_user(request)
    policy.require(user, policy.Action.MANAGE_WATCH_RULES)
    provinces = list(
        Province.objects.visible_to(user).filter(is_project_province=True).order_by("name_th")
    )
    code = request.GET.get("province") or (provinces[0].code if provinces else "")
    province = next((p for p in provinces if p.code == code), None)
    rows = []
    for rule in WatchRule.objects.order_by("sort_order", "code"):
        enabled, parameters = effective_settings(rule, code) if province else (rule.enabled, {})
        rows.append(
            {
                "rule": rule,
                "enabled": enabled,
                "parameters": [
                    (name, PARAMETER_LABELS.get(name, name), value)
                    for name, value in parameters.items()
                ],
            }
        )
    return render(
        request,
        "watch/rules.html",
        {"provinces": provinces, "province": province, "rows": rows},
    )


@login_required
@require_POST
def rule_setting(request: HttpRequest, code: str) -> HttpResponse:
    user = signed_in_user(request)
    policy.require(user, policy.Action.MANAGE_WATCH_RULES)
    rule = get_object_or_404(WatchRule, code=code)
    province_code = request.POST.get("province", "")
    parameters: dict[str, object] = {}
    errors: list[str] = []
    for name in rule.parameters:
        raw = request.POST.get(f"param_{name}", "").strip()
        if not raw.isdigit():
            errors.append(
                _("The threshold “%(name)s” must be a whole number from 0 to 10,000.")
                % {"name": name}
            )
            continue
        parameters[name] = int(raw)
    if not errors:
        try:
            _setting, summary = rule_setting_update(
                user=user,
                rule=rule,
                province_code=province_code,
                enabled=request.POST.get("enabled") == "on",
                parameters=parameters,
                request=request,
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
        else:
            assert summary is not None
            messages.success(
                request,
                _(
                    "Saved “%(rule)s”. Flags raised: %(raised)s, resolved: %(resolved)s, "
                    "expired: %(expired)s, unchanged: %(unchanged)s."
                )
                % {
                    "rule": rule.name,
                    "raised": summary.raised,
                    "resolved": summary.resolved,
                    "expired": summary.expired,
                    "unchanged": summary.unchanged,
                },
            )
    for error in errors:
        messages.error(request, error)
    return redirect(f"{reverse('watch:rules')}?province={province_code}")
