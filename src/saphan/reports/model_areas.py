"""Model areas (พื้นที่ต้นแบบ): marking them, and comparing them with the rest of the
province on the same indicators, per 1,000 people, suppressed like every statistic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.errors import field_error
from saphan.geo.models import District, Subdistrict
from saphan.reports.dashboards import month_list
from saphan.reports.models import Measure, ModelArea, StatFact
from saphan.reports.selectors import HIDDEN_TEXT, SMALL_TEXT, exact_provinces
from saphan.reports.suppression import Line, suppress


def _require_mark(user: Any, province_code: str) -> None:
    if not policy.can(user, policy.Action.MANAGE_MODEL_AREAS):
        raise field_error("area", _("Only provincial coordinators mark model areas."))
    codes = policy.province_codes_of(user)
    if codes is not None and province_code not in codes:
        raise field_error("area", _("This place is outside the provinces you work in."))


@transaction.atomic
def model_area_mark(
    *, user: Any, code: str, note: str = "", since: dt.date | None = None, request: Any = None
) -> ModelArea:
    """Mark a district (4 digits) or subdistrict (6 digits) as a model area."""
    code = (code or "").strip()
    district = District.objects.filter(code=code).first() if len(code) == 4 else None
    subdistrict = Subdistrict.objects.filter(code=code).first() if len(code) == 6 else None
    if district is None and subdistrict is None:
        raise field_error("area", _("“%(code)s” is not a district or subdistrict code."), code=code)
    province_code = code[:2]
    _require_mark(user, province_code)
    if len(note) > 300:
        raise field_error("note", _("Keep the note under 300 characters."))
    since = since or timezone.localdate()
    if since > timezone.localdate():
        raise field_error("since", _("This date is in the future."))
    existing = ModelArea.objects.active().filter(district=district, subdistrict=subdistrict).first()
    if existing is not None:
        raise field_error("area", _("This place is already a model area."))
    if (
        subdistrict is not None
        and ModelArea.objects.active()
        .filter(district_id=subdistrict.district_id, subdistrict__isnull=True)
        .exists()
    ):
        raise field_error("area", _("Its whole district is already a model area."))
    area = ModelArea.objects.create(
        province_id=province_code,
        district=district or (subdistrict.district if subdistrict else None),
        subdistrict=subdistrict,
        note=note,
        since=since,
        marked_by=user,
    )
    access_log_record(
        user=user,
        action=AccessAction.CREATE,
        request=request,
        object_type="model_area",
        object_id=code,
        province_code=province_code,
    )
    return area


@transaction.atomic
def model_area_unmark(*, user: Any, area: ModelArea, request: Any = None) -> ModelArea:
    _require_mark(user, area.province_id)
    area.removed_at = timezone.now()
    area.removed_by = user
    area.save(update_fields=["removed_at", "removed_by"])
    access_log_record(
        user=user,
        action=AccessAction.UPDATE,
        request=request,
        object_type="model_area",
        object_id=area.code,
        province_code=area.province_id,
        detail={"removed": True},
    )
    return area


def model_areas_of(province_code: str) -> list[ModelArea]:
    return list(
        ModelArea.objects.active()
        .filter(province_id=province_code)
        .select_related("district", "subdistrict")
        .order_by("district_id", "subdistrict_id")
    )


def model_area_district_codes(province_code: str) -> set[str]:
    """Districts to outline on the province map (a district holding a model area)."""
    return {a.district_id for a in model_areas_of(province_code) if a.district_id}


def model_subdistricts(province_code: str) -> list[str]:
    areas = model_areas_of(province_code)
    whole = [a.district_id for a in areas if a.subdistrict_id is None]
    codes = {a.subdistrict_id for a in areas if a.subdistrict_id}
    codes |= set(Subdistrict.objects.filter(district_id__in=whole).values_list("code", flat=True))
    return sorted(c for c in codes if c)


COMPARED = (
    (Measure.WATCH_OPEN, _("Open watch flags")),
    (Measure.RIGHTS_GAP, _("Rights not received")),
    (Measure.CASES_ACTIVE, _("Open cases")),
    (Measure.FLAGS_RAISED, _("Watch flags raised, last 12 months")),
    (Measure.CASES_CLOSED, _("Cases closed, last 12 months")),
)


@dataclass
class ComparedRow:
    label: str
    model: str  # count or "< 5" / "x"
    rest: str
    model_rate: str  # per 1,000 people
    rest_rate: str


@dataclass
class Comparison:
    areas: list[ModelArea]
    people_model: str
    people_rest: str
    rows: list[ComparedRow]
    months: list[dt.date]
    #: (label, model points, rest points): per month, per 1,000 people; None = hidden.
    trends: list[tuple[str, list[float | None], list[float | None]]] = field(default_factory=list)


TRENDS = (
    (Measure.FLAGS_RAISED, _("Watch flags raised per 1,000 people")),
    (Measure.CASES_OPENED, _("Cases opened per 1,000 people")),
)


def _monthly(
    measure: str, province_code: str, subdistricts: list[str] | None, since: Any
) -> dict[dt.date, int]:
    qs = StatFact.objects.filter(
        measure=measure, province_code=province_code, group="", month__gte=since
    )
    qs = (
        qs.filter(subdistrict_code="")
        if subdistricts is None
        else qs.filter(subdistrict_code__in=subdistricts)
    )
    rows = qs.order_by().values("month").annotate(n=Sum("count"))
    return {row["month"]: int(row["n"] or 0) for row in rows if row["month"] is not None}


def _trend(
    measure: str,
    province_code: str,
    subs: list[str],
    months: list[dt.date],
    people: tuple[int, int],
    exact: bool,
) -> tuple[list[float | None], list[float | None]]:
    """Month by month, model areas and the rest per 1,000 people; each month is the
    line ``model + rest = province``, suppressed like a table."""
    model = _monthly(measure, province_code, subs, months[0])
    whole = _monthly(measure, province_code, None, months[0])
    values: dict[tuple[dt.date, str], int] = {}
    lines: list[Line[tuple[dt.date, str]]] = []
    for month in months:
        m = model.get(month, 0)
        values[(month, "model")] = m
        values[(month, "rest")] = max(whole.get(month, 0) - m, 0)
        values[(month, "all")] = whole.get(month, 0)
        lines.append(Line(((month, "model"), (month, "rest")), (month, "all")))
    primary, hidden = suppress(values, lines, exempt=set(values) if exact else set())
    gone = primary | hidden

    def rate(key: tuple[dt.date, str], base: int) -> float | None:
        if key in gone or base < 5:
            return None
        return round(values[key] * 1000 / base, 2)

    return (
        [rate((m, "model"), people[0]) for m in months],
        [rate((m, "rest"), people[1]) for m in months],
    )


def _sum(measure: str, province_code: str, subdistricts: list[str] | None, since: Any) -> int:
    qs = StatFact.objects.filter(measure=measure, province_code=province_code, group="")
    if subdistricts is None:
        qs = qs.filter(subdistrict_code="")
    else:
        qs = qs.filter(subdistrict_code__in=subdistricts)
    if since is not None:
        qs = qs.filter(month__gte=since)
    return int(qs.aggregate(n=Sum("count"))["n"] or 0)


def _rate(count: int, people: int, hidden: bool) -> str:
    if hidden or people < 5:
        return ""
    return f"{(Decimal(count) * 1000 / people).quantize(Decimal('0.1'))}"


def model_area_comparison(*, user: Any, province_code: str) -> Comparison | None:
    """Model areas against the rest of the province: counts and rates per 1,000 people.
    Each indicator is the line ``model + rest = province``, suppressed as one table."""
    areas = model_areas_of(province_code)
    if not areas:
        return None
    subs = model_subdistricts(province_code)
    months = month_list(12)
    exact = province_code in exact_provinces(user)
    values: dict[tuple[str, str], int] = {}
    lines: list[Line[tuple[str, str]]] = []
    for measure, _label in ((Measure.PEOPLE, ""), *COMPARED):
        since = months[0] if measure in (Measure.FLAGS_RAISED, Measure.CASES_CLOSED) else None
        model = _sum(measure, province_code, subs, since)
        whole = _sum(measure, province_code, None, since)
        values[(measure, "model")] = model
        values[(measure, "rest")] = max(whole - model, 0)
        values[(measure, "all")] = whole
        lines.append(Line(((measure, "model"), (measure, "rest")), (measure, "all")))
    primary, hidden = suppress(values, lines, exempt=set(values) if exact else set())

    def text(key: tuple[str, str]) -> str:
        if key in primary:
            return SMALL_TEXT
        if key in hidden:
            return HIDDEN_TEXT
        return f"{values[key]:,}"

    people_model = values[(Measure.PEOPLE, "model")]
    people_rest = values[(Measure.PEOPLE, "rest")]
    rows = []
    for measure, label in COMPARED:
        m, r = (measure, "model"), (measure, "rest")
        rows.append(
            ComparedRow(
                label=str(label),
                model=text(m),
                rest=text(r),
                model_rate=_rate(values[m], people_model, m in primary | hidden),
                rest_rate=_rate(values[r], people_rest, r in primary | hidden),
            )
        )
    people = (people_model, people_rest)
    hidden_people = {(Measure.PEOPLE, "model"), (Measure.PEOPLE, "rest")} & (primary | hidden)
    trends = []
    for measure, label in TRENDS:
        model_points, rest_points = _trend(measure, province_code, subs, months, people, exact)
        if hidden_people:
            model_points, rest_points = [None] * len(months), [None] * len(months)
        trends.append((str(label), model_points, rest_points))
    return Comparison(
        areas=areas,
        people_model=text((Measure.PEOPLE, "model")),
        people_rest=text((Measure.PEOPLE, "rest")),
        rows=rows,
        months=months,
        trends=trends,
    )
