"""The national and province dashboards, built from suppressed tables.

Tables that show the same cells are cut from one another, so that two views of the same
numbers hide the same cells: a province's row of the national table *is* its one-way
table, and the province's totals are forced into its district table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan.reports.aggregates import months_kept
from saphan.reports.models import Measure
from saphan.reports.selectors import (
    TOTAL,
    Cell,
    Filters,
    Table,
    category_labels,
    labels_for,
    scope_codes,
    stats_table,
)


@dataclass(frozen=True)
class Indicator:
    key: str
    measure: str
    label: Any
    kind: str = "count"  # or "amount": baht a month


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("people", Measure.PEOPLE, _("People in the registry")),
        Indicator("watch_open", Measure.WATCH_OPEN, _("Open watch flags")),
        Indicator("rights_gap", Measure.RIGHTS_GAP, _("Rights not received (person × scheme)")),
        Indicator(
            "rights_gap_baht", Measure.RIGHTS_GAP, _("Rights gap, baht a month"), kind="amount"
        ),
        Indicator("cases_active", Measure.CASES_ACTIVE, _("Open cases")),
    )
}
#: Per measure, the column dimension of its national table.
COLUMNS: dict[str, str] = {
    Measure.PEOPLE: "group",
    Measure.WATCH_OPEN: "category",
    Measure.RIGHTS_GAP: "category",
    Measure.CASES_ACTIVE: "category",
}
TREND_MEASURES = (
    Measure.REGISTERED,
    Measure.FLAGS_RAISED,
    Measure.CASES_OPENED,
    Measure.CASES_CLOSED,
    Measure.SERVICES,
)


def _columns(measure: str) -> list[tuple[Any, str]]:
    dim = COLUMNS[measure]
    return labels_for("group") if dim == "group" else category_labels(measure)


def national_table(
    *, user: Any, measure: str, group: str = "", provinces: list[str] | None = None
) -> Table:
    """Provinces × (groups or categories) of a stock measure, for every province the
    user may read: the canonical table the other views of the measure are cut from."""
    codes = provinces if provinces is not None else scope_codes(user)
    dim = COLUMNS[measure]
    group_filter = "" if dim == "group" else group
    return stats_table(
        user=user,
        measure=measure,
        rows=labels_for("province", codes),
        row_dim="province",
        cols=_columns(measure),
        col_dim=dim,
        filters=Filters(provinces=tuple(codes), group=group_filter),
    )


def row_slice(table: Table, row: Any) -> Table:
    """One row of a two-way table as a one-way table (its columns become rows). A table
    with no columns (no watch rule or scheme installed) gives an empty one."""
    cols = [(c, label) for c, label in table.cols if (row, c) in table.cells]
    return Table(
        measure=table.measure,
        row_dim=table.col_dim or "",
        col_dim=None,
        rows=cols,
        cols=[(TOTAL, "")],
        cells={},
        row_totals={c: table.cells[(row, c)] for c, _l in cols},
        col_totals={},
        total=table.row_totals[row],
        exact=table.exact,
        suppressed_any=any(table.cells[(row, c)].suppressed for c, _l in cols)
        or table.row_totals[row].suppressed,
    )


def province_totals(table: Table) -> Table:
    """The provinces' totals of a national table as a one-way table (for the map)."""
    return replace(table, col_dim=None, cols=[(TOTAL, "")], cells={}, col_totals={})


def district_table(
    *, user: Any, measure: str, province_code: str, national: Table, group: str = ""
) -> Table:
    """A province's districts, one-way, with the province total hidden exactly when the
    national table hides it."""
    dim = COLUMNS[measure]
    state = national.row_totals[province_code].state
    forced = {(TOTAL, TOTAL): state} if state != "shown" else {}
    return stats_table(
        user=user,
        measure=measure,
        rows=labels_for("district", provinces=[province_code]),
        row_dim="district",
        filters=Filters(provinces=(province_code,), group="" if dim == "group" else group),
        forced=forced,
    )


def month_list(months: int = 12, today: dt.date | None = None) -> list[dt.date]:
    today = today or timezone.localdate()
    first = max(months_kept(today), _month_back(today, months - 1))
    out, current = [], first
    while current <= today:
        out.append(current)
        current = _month_back(current, -1)
    return out


def _month_back(day: dt.date, back: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - back, 12)
    return dt.date(year, month + 1, 1)


@dataclass
class Trend:
    months: list[dt.date]
    series: list[tuple[str, str, Table]]  # (measure, label, months table)


def trend(*, user: Any, provinces: list[str], months: int = 12, group: str = "") -> Trend:
    month_keys = month_list(months)
    month_rows = labels_for("month", month_keys)
    series = []
    for measure in TREND_MEASURES:
        table = stats_table(
            user=user,
            measure=measure,
            rows=month_rows,
            row_dim="month",
            filters=Filters(
                provinces=tuple(provinces),
                group=group,
                month_from=month_keys[0],
                month_to=month_keys[-1],
            ),
        )
        series.append((str(measure), str(Measure(measure).label), table))
    return Trend(months=month_keys, series=series)


@dataclass
class Turnaround:
    months: list[dt.date]
    sent: Table
    answered: Table
    mean_days: dict[dt.date, str]  # "" when the answered count is hidden or zero


def referral_turnaround(*, user: Any, provinces: list[str], months: int = 12) -> Turnaround:
    month_keys = month_list(months)
    rows = labels_for("month", month_keys)
    filters = Filters(provinces=tuple(provinces), month_from=month_keys[0], month_to=month_keys[-1])
    sent = stats_table(
        user=user, measure=Measure.REFERRALS_SENT, rows=rows, row_dim="month", filters=filters
    )
    answered = stats_table(
        user=user, measure=Measure.REFERRALS_ANSWERED, rows=rows, row_dim="month", filters=filters
    )
    mean: dict[dt.date, str] = {}
    for month in month_keys:
        cell = answered.row_totals[month]
        mean[month] = _mean_days(cell)
    return Turnaround(months=month_keys, sent=sent, answered=answered, mean_days=mean)


def _mean_days(cell: Cell) -> str:
    if cell.suppressed or not cell.count or cell.amount is None:
        return ""
    return f"{(cell.amount / cell.count).quantize(Decimal('0.1'))}"


@dataclass
class ProvinceDashboard:
    province_code: str
    sections: list[tuple[str, Any, Table, str]] = field(default_factory=list)
    national: dict[str, Table] = field(default_factory=dict)


def province_dashboard(*, user: Any, province_code: str) -> ProvinceDashboard:
    """The coordinator's dashboard of one province: people per group, watch flags per
    rule, rights gaps per scheme (baht a month), cases per stage."""
    board = ProvinceDashboard(province_code=province_code)
    titles = {
        Measure.PEOPLE: (_("People per group"), "count"),
        Measure.WATCH_OPEN: (_("Open watch flags per rule"), "count"),
        Measure.RIGHTS_GAP: (_("Rights gaps per scheme"), "amount"),
        Measure.CASES_ACTIVE: (_("Open cases per stage"), "count"),
    }
    for measure, (title, kind) in titles.items():
        national = national_table(user=user, measure=measure)
        board.national[str(measure)] = national
        board.sections.append((str(measure), title, row_slice(national, province_code), kind))
    return board
