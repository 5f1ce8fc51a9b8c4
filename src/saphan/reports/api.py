"""``GET /api/v1/stats``: suppressed statistics by up to two dimensions, and the
open-data file. Thin: parsing here, everything else in ``selectors``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema

from saphan import policy
from saphan.api.auth import api_user
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.errors import field_error
from saphan.reports.dashboards import month_list
from saphan.reports.exports import open_data_csv
from saphan.reports.models import Measure
from saphan.reports.selectors import (
    DIMENSIONS,
    TOTAL,
    Cell,
    Filters,
    check_provinces,
    labels_for,
    refuse_small_selection,
    scope_codes,
    stats_table,
)

router = Router(tags=["statistics"])


class CellOut(Schema):
    keys: dict[str, str] = Field(description="dimension → key; 'total' for a margin")
    count: int | None = Field(description="null when suppressed")
    amount: Decimal | None = Field(description="baht (rights gap: a month; services: paid)")
    display: str = Field(description="the count as shown, '< 5' or 'x' when suppressed")
    suppressed: bool


class StatsOut(Schema):
    measure: str
    by: list[str]
    provinces: list[str]
    exact: bool = Field(description="true when you may see the people behind the numbers")
    suppression: str
    labels: dict[str, dict[str, str]]
    cells: list[CellOut]


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _month(value: str, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        year, month = (int(p) for p in value.split("-")[:2])
        return dt.date(year, month, 1)
    except ValueError:
        raise field_error(name, _("Give the month as YYYY-MM (Common Era).")) from None


def _cell(keys: dict[str, str], cell: Cell) -> dict[str, Any]:
    return {
        "keys": keys,
        "count": cell.count,
        "amount": cell.amount,
        "display": cell.display,
        "suppressed": cell.suppressed,
    }


@router.get("", response=StatsOut, summary="Suppressed statistics by one or two dimensions")
def stats(
    request: HttpRequest,
    by: str = "province",
    measure: str = "people",
    province: str = "",
    district: str = "",
    group: str = "",
    category: str = "",
    month_from: str = "",
    month_to: str = "",
) -> dict[str, Any]:
    """`by`: one or two of province, district, subdistrict, group, category, month.
    Counts from 1 to 4 come back as "< 5" and further cells are hidden ("x") so that
    they cannot be worked out from the totals — except in provinces where you may see
    the people. A filter that narrows the answer to fewer than 5 is refused."""
    user = api_user(request)
    if not policy.can(user, policy.Action.VIEW_AGGREGATES):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    dims = _codes(by)
    if not 1 <= len(dims) <= 2 or len(set(dims)) != len(dims):
        raise field_error("by", _("Give one or two different dimensions in “by”."))
    for dim in dims:
        if dim not in DIMENSIONS:
            raise field_error("by", _("Unknown dimension “%(d)s”."), d=dim)
    if measure not in Measure.values:
        raise field_error("measure", _("Unknown measure “%(m)s”."), m=measure)
    from saphan.people.choices import PopulationGroup

    if group and group not in PopulationGroup.values:
        raise field_error("group", _("Unknown group “%(g)s”."), g=group)
    codes = check_provinces(user, _codes(province)) if province else scope_codes(user)
    districts = _codes(district)
    if any(d[:2] not in codes for d in districts):
        raise field_error("district", _("A district is outside the provinces asked for."))
    months = month_list(12)
    start = _month(month_from, "month_from") or (months[0] if "month" in dims else None)
    end = _month(month_to, "month_to") or (months[-1] if "month" in dims else None)
    filters = Filters(
        provinces=tuple(codes),
        districts=tuple(districts),
        group=group,
        categories=tuple(_codes(category)),
        month_from=start,
        month_to=end,
    )
    axes = [_axis(dim, codes, districts, measure, start, end) for dim in dims]
    table = stats_table(
        user=user,
        measure=measure,
        rows=axes[0],
        row_dim=dims[0],
        cols=axes[1] if len(dims) == 2 else None,
        col_dim=dims[1] if len(dims) == 2 else None,
        filters=filters,
    )
    narrowed = bool(districts or group or category or month_from or month_to)
    refuse_small_selection(table, narrowed=narrowed)
    cells: list[dict[str, Any]] = []
    first = dims[0]
    for r, _l in table.rows:
        if len(dims) == 2:
            for c, _cl in table.cols:
                cells.append(_cell({first: str(r), dims[1]: str(c)}, table.cells[(r, c)]))
            cells.append(_cell({first: str(r), dims[1]: TOTAL}, table.row_totals[r]))
        else:
            cells.append(_cell({first: str(r)}, table.row_totals[r]))
    if len(dims) == 2:
        for c, _cl in table.cols:
            cells.append(_cell({first: TOTAL, dims[1]: str(c)}, table.col_totals[c]))
    cells.append(_cell({d: TOTAL for d in dims}, table.total))
    access_log_record(
        user=user,
        action=AccessAction.VIEW,
        request=request,
        object_type="statistics",
        object_id=measure,
        detail={"by": dims, "provinces": codes},
    )
    labels = {dims[0]: {str(k): v for k, v in table.rows}}
    if len(dims) == 2:
        labels[dims[1]] = {str(k): v for k, v in table.cols}
    from saphan.reports.selectors import SUPPRESSION_NOTE

    return {
        "measure": measure,
        "by": dims,
        "provinces": codes,
        "exact": table.exact,
        "suppression": str(SUPPRESSION_NOTE),
        "labels": labels,
        "cells": cells,
    }


def _axis(
    dim: str, codes: list[str], districts: list[str], measure: str, start: Any, end: Any
) -> list[tuple[Any, str]]:
    if dim == "district":
        pairs = labels_for("district", provinces=codes)
        return [p for p in pairs if not districts or p[0] in districts]
    if dim == "subdistrict":
        from saphan.geo.models import Subdistrict

        qs = Subdistrict.objects.filter(province_id__in=codes)
        if districts:
            qs = qs.filter(district_id__in=districts)
        return labels_for("subdistrict", qs.values_list("code", flat=True))
    if dim == "month":
        if start is None or end is None or start > end:
            raise field_error("month_from", _("The first month must come before the last."))
        keys, current = [], start
        while current <= end:
            keys.append(current)
            year, month = divmod(current.year * 12 + current.month, 12)
            current = dt.date(year, month + 1, 1)
        return labels_for("month", keys)
    if dim == "category":
        pairs = labels_for("category", measure=measure)
        if not pairs:
            raise field_error("by", _("This measure has no categories."))
        return pairs
    return labels_for(dim, codes if dim == "province" else None, provinces=codes)


@router.get("/open-data.csv", summary="Open data: suppressed statistics per province (CSV)")
def open_data(request: HttpRequest) -> HttpResponse:
    user = api_user(request)
    if not policy.can(user, policy.Action.EXPORT_AGGREGATES):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    codes = scope_codes(user)
    access_log_record(
        user=user,
        action=AccessAction.EXPORT,
        request=request,
        object_type="statistics",
        object_id="open-data",
        detail={"format": "csv", "provinces": len(codes)},
    )
    response = HttpResponse(open_data_csv(codes), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="saphan-open-data.csv"'
    return response
