"""Dashboards: all provinces side by side (ministry, analysts) and one province
(coordinators), each chart with its table and downloads; maps switch indicator with htmx."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from saphan import policy
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.errors import in_both_languages
from saphan.people.choices import PopulationGroup
from saphan.reports import dashboards as d
from saphan.reports import exports, presenters
from saphan.reports.maps import BOUNDARY_CREDIT, MapValue, choropleth_svg
from saphan.reports.models import Measure
from saphan.reports.selectors import (
    SUPPRESSION_NOTE,
    check_provinces,
    freshness,
    labels_for,
    scope_codes,
)

FORMATS = ("csv", "xlsx")


def _require_aggregates(request: HttpRequest) -> None:
    if not policy.can(request.user, policy.Action.VIEW_AGGREGATES):
        raise PermissionDenied


def _message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _refused(request: HttpRequest, error: ValidationError, status: int = 400) -> HttpResponse:
    return render(
        request,
        "reports/refused.html",
        {"message": _message(error), "both": in_both_languages(error.messages[0])},
        status=status,
    )


def _indicator(request: HttpRequest) -> d.Indicator:
    key = request.GET.get("indicator") or "people"
    if key not in d.INDICATORS:
        raise ValidationError(_("Unknown indicator “%(key)s”.") % {"key": key})
    return d.INDICATORS[key]


def _group(request: HttpRequest) -> str:
    group = request.GET.get("group") or ""
    if group and group not in PopulationGroup.values:
        raise ValidationError(_("Unknown group “%(group)s”.") % {"group": group})
    return group


# --- all provinces ---------------------------------------------------------------------


def _national_tables(user: Any, group: str = "") -> dict[str, Any]:
    return {str(m): d.national_table(user=user, measure=m, group=group) for m in d.COLUMNS}


def _side_by_side(tables: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """Provinces × indicators: each column is the province totals of its own table."""
    header = [str(i.label) for i in d.INDICATORS.values()]
    first = tables[Measure.PEOPLE]
    rows = []
    for code, label in first.rows:
        cells = [
            presenters.cell_text(tables[i.measure].row_totals[code], i.kind)
            for i in d.INDICATORS.values()
        ]
        rows.append({"code": code, "label": label, "cells": cells})
    totals = [presenters.cell_text(tables[i.measure].total, i.kind) for i in d.INDICATORS.values()]
    return header, rows, totals


def _national_map(user: Any, indicator: d.Indicator, group: str, tables: dict[str, Any]) -> Any:
    table = tables[indicator.measure] if not group or indicator.measure != Measure.PEOPLE else None
    if table is None:
        # People of one group: the group's column of the people table, per province.
        people = tables[Measure.PEOPLE]
        values = {
            str(code): MapValue(
                code=str(code),
                value=presenters.cell_number(people.cells[(code, group)]),
                display=presenters.cell_text(people.cells[(code, group)]),
                suppressed=people.cells[(code, group)].suppressed,
            )
            for code, _l in people.rows
        }
    else:
        values = presenters.map_values(d.province_totals(table), indicator.kind)
    return choropleth_svg(
        level="province",
        values=values,
        title=str(indicator.label),
        link_pattern="/reports/provinces/{code}/",
        chart_id="national-map",
    )


@login_required
def national(request: HttpRequest) -> HttpResponse:
    _require_aggregates(request)
    user = request.user
    try:
        indicator, group = _indicator(request), _group(request)
    except ValidationError as error:
        return _refused(request, error)
    if request.headers.get("HX-Request") and request.GET.get("part") == "map":
        # The map alone: only the table of its indicator.
        one = {indicator.measure: d.national_table(user=user, measure=indicator.measure)}
        the_map = _national_map(user, indicator, group, one)
        return render(request, "reports/_map.html", {"map": the_map, "credit": BOUNDARY_CREDIT})
    tables = _national_tables(user)
    codes = scope_codes(user)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return _national_export(request, tables, fmt)
    the_map = _national_map(user, indicator, group, tables)
    header, rows, totals = _side_by_side(tables)
    access_log_record(
        user=user,
        action=AccessAction.VIEW,
        request=request,
        object_type="statistics",
        object_id="national",
    )
    return render(
        request,
        "reports/national.html",
        {
            "indicators": d.INDICATORS.values(),
            "indicator": indicator,
            "groups": PopulationGroup.choices,
            "group": group,
            "map": the_map,
            "credit": BOUNDARY_CREDIT,
            "side_header": header,
            "side_rows": rows,
            "side_totals": totals,
            "people_table": presenters.table_view(tables[Measure.PEOPLE]),
            "note": SUPPRESSION_NOTE,
            "freshness": freshness(codes),
            "province_count": len(codes),
            "can_export": policy.can(user, policy.Action.EXPORT_AGGREGATES),
        },
    )


def _national_export(request: HttpRequest, tables: dict[str, Any], fmt: str) -> HttpResponse:
    if not policy.can(request.user, policy.Action.EXPORT_AGGREGATES):
        raise PermissionDenied
    header, rows, totals = _side_by_side(tables)
    side: exports.Sheet = (
        str(_("Provinces")),
        [str(_("Province")), *header],
        [[r["label"], *r["cells"]] for r in rows] + [[str(_("Total")), *totals]],
    )
    sheets = [side] + [
        exports.table_sheet(
            tables[m],
            name=str(Measure(m).label),
            row_header=str(_("Province")),
            kind="count",
        )
        for m in d.COLUMNS
    ]
    return exports.export_response(
        request=request,
        sheets=sheets,
        title=str(_("All provinces")),
        file_stem="provinces",
        fmt=fmt,
        detail={"tables": len(sheets)},
    )


# --- one province -------------------------------------------------------------------------


def _province_or_refuse(request: HttpRequest, code: str) -> str:
    try:
        check_provinces(request.user, [code])
    except ValidationError:
        access_log_record(
            user=request.user,
            action=AccessAction.DENIED,
            request=request,
            object_type="statistics",
            object_id=code,
            province_code=code[:2],
        )
        raise
    return code


def _district_map(user: Any, code: str, indicator: d.Indicator, national: Any) -> Any:
    table = d.district_table(
        user=user, measure=indicator.measure, province_code=code, national=national
    )
    from saphan.reports.model_areas import model_area_district_codes

    return choropleth_svg(
        level="district",
        province_code=code,
        values=presenters.map_values(table, indicator.kind),
        title=str(indicator.label),
        highlight=model_area_district_codes(code),
        chart_id="province-map",
    ), table


@login_required
def province(request: HttpRequest, code: str) -> HttpResponse:
    _require_aggregates(request)
    user = request.user
    try:
        _province_or_refuse(request, code)
        indicator = _indicator(request)
    except ValidationError as error:
        return _refused(request, error, status=403)
    if request.headers.get("HX-Request") and request.GET.get("part") == "map":
        # The map alone: the indicator's national table (for the linked province total)
        # and the district table.
        national = d.national_table(user=user, measure=indicator.measure)
        the_map, _table = _district_map(user, code, indicator, national)
        return render(request, "reports/_map.html", {"map": the_map, "credit": BOUNDARY_CREDIT})
    board = d.province_dashboard(user=user, province_code=code)
    the_map, district_table = _district_map(
        user, code, indicator, board.national[indicator.measure]
    )
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return _province_export(request, code, board, fmt)
    trend = d.trend(user=user, provinces=[code])
    turnaround = d.referral_turnaround(user=user, provinces=[code])
    from saphan.reports.model_areas import model_area_comparison

    comparison = model_area_comparison(user=user, province_code=code)
    sections = [
        {
            "key": key,
            "title": title,
            "chart": presenters.table_chart(
                table, title=str(title), chart_id=f"chart-{key}", kind="count"
            ),
            "table": presenters.table_view(table),
            "amounts": presenters.table_view(table, "amount") if kind == "amount" else None,
            "row_header": _row_header(key),
        }
        for key, title, table, kind in board.sections
    ]
    access_log_record(
        user=user,
        action=AccessAction.VIEW,
        request=request,
        object_type="statistics",
        object_id=code,
        province_code=code,
    )
    return render(
        request,
        "reports/province.html",
        {
            "province": labels_for("province", [code])[0],
            "code": code,
            "indicators": d.INDICATORS.values(),
            "indicator": indicator,
            "map": the_map,
            "credit": BOUNDARY_CREDIT,
            "district_table": presenters.table_view(district_table, indicator.kind),
            "sections": sections,
            "trend_chart": presenters.trend_chart(
                trend, title=str(_("Month by month")), chart_id="chart-trend"
            ),
            "trend_rows": _trend_rows(trend),
            "trend_header": [label for _m, label, _t in trend.series],
            "turnaround": _turnaround_rows(turnaround),
            "comparison": comparison,
            "comparison_charts": presenters.comparison_charts(comparison),
            "exact": board.sections[0][2].exact,
            "note": SUPPRESSION_NOTE,
            "freshness": freshness([code]),
            "can_export": policy.can(user, policy.Action.EXPORT_AGGREGATES),
            "can_mark": policy.can(user, policy.Action.MANAGE_MODEL_AREAS),
        },
    )


def _row_header(key: str) -> str:
    headers: dict[str, str] = {
        Measure.PEOPLE: _("Group"),
        Measure.WATCH_OPEN: _("Watch rule"),
        Measure.RIGHTS_GAP: _("Scheme"),
        Measure.CASES_ACTIVE: _("Stage"),
    }
    return headers.get(key, "")


def _trend_rows(trend: d.Trend) -> list[dict[str, Any]]:
    rows = []
    for month, label in labels_for("month", trend.months):
        rows.append(
            {
                "label": label,
                "cells": [presenters.cell_text(t.row_totals[month]) for _m, _l, t in trend.series],
            }
        )
    return rows


def _turnaround_rows(t: d.Turnaround) -> list[dict[str, Any]]:
    return [
        {
            "label": label,
            "sent": presenters.cell_text(t.sent.row_totals[month]),
            "answered": presenters.cell_text(t.answered.row_totals[month]),
            "mean_days": t.mean_days[month],
        }
        for month, label in labels_for("month", t.months)
    ]


def _province_export(
    request: HttpRequest, code: str, board: d.ProvinceDashboard, fmt: str
) -> HttpResponse:
    # Coordinators export the numbers of their own province; other viewers need the
    # export right for aggregates (suppressed like the page).
    if not policy.can(request.user, policy.Action.EXPORT_AGGREGATES):
        raise PermissionDenied
    wanted = request.GET.get("table", "")
    sheets = []
    for key, title, table, kind in board.sections:
        if wanted and key != wanted:
            continue
        sheets.append(
            exports.table_sheet(table, name=str(title), row_header=_row_header(key), kind="count")
        )
        if kind == "amount":
            sheets.append(
                exports.table_sheet(
                    table, name=f"{title} (บาท)", row_header=_row_header(key), kind="amount"
                )
            )
    user = request.user
    if wanted in ("", "trend"):
        trend = d.trend(user=user, provinces=[code])
        header = [str(_("Month")), *[label for _m, label, _t in trend.series]]
        rows = [[r["label"], *r["cells"]] for r in _trend_rows(trend)]
        sheets.append((str(_("Month by month")), header, rows))
    if wanted in ("", "turnaround"):
        turnaround = _turnaround_rows(d.referral_turnaround(user=user, provinces=[code]))
        header = [
            str(_("Month")),
            str(_("Referrals sent")),
            str(_("Referrals answered")),
            str(_("Mean days to answer")),
        ]
        rows = [[r["label"], r["sent"], r["answered"], r["mean_days"]] for r in turnaround]
        sheets.append((str(_("Referral turnaround")), header, rows))
    if not sheets:
        return _refused(request, ValidationError(_("Unknown table “%(t)s”.") % {"t": wanted}))
    return exports.export_response(
        request=request,
        sheets=sheets,
        title=str(labels_for("province", [code])[0][1]),
        file_stem=f"province-{code}-{wanted or 'dashboard'}",
        fmt=fmt,
        province_code=code,
        detail={"table": wanted or "all"},
    )
