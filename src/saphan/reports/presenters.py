"""Turning suppressed tables into what pages, files and PDFs show: chart points, map
values, sheets. No number reaches a chart that the table would hide."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from saphan.reports.charts import Point, bar_chart_svg, line_chart_svg
from saphan.reports.dashboards import Trend
from saphan.reports.maps import MapValue
from saphan.reports.selectors import Cell, Table


def cell_number(cell: Cell, kind: str = "count") -> float | None:
    if cell.suppressed:
        return None
    if kind == "amount":
        return float(cell.amount or 0)
    return float(cell.count or 0)


def cell_text(cell: Cell, kind: str = "count") -> str:
    if cell.suppressed:
        return cell.display
    if kind == "amount":
        return str(number_format(round(cell.amount or 0), force_grouping=True))
    return cell.display


def table_points(table: Table, kind: str = "count") -> list[Point]:
    return [
        Point(
            label=label,
            value=cell_number(table.row_totals[key], kind),
            display=cell_text(table.row_totals[key], kind),
        )
        for key, label in table.rows
    ]


def table_chart(table: Table, *, title: str, chart_id: str, kind: str = "count") -> SafeString:
    return bar_chart_svg(
        title=title,
        points=table_points(table, kind),
        chart_id=chart_id,
        unit="บาท" if kind == "amount" else "",
    )


def map_values(table: Table, kind: str = "count") -> dict[str, MapValue]:
    return {
        str(key): MapValue(
            code=str(key),
            value=cell_number(table.row_totals[key], kind),
            display=cell_text(table.row_totals[key], kind),
            suppressed=table.row_totals[key].suppressed,
        )
        for key, _label in table.rows
    }


def trend_chart(trend: Trend, *, title: str, chart_id: str) -> SafeString:
    return line_chart_svg(
        title=title,
        months=trend.months,
        series=[
            (
                label,
                [
                    Point(
                        label=str(m),
                        value=cell_number(t.row_totals[m]),
                        display=cell_text(t.row_totals[m]),
                    )
                    for m in trend.months
                ],
            )
            for _measure, label, t in trend.series
        ],
        chart_id=chart_id,
    )


def table_view(table: Table, kind: str = "count") -> dict[str, Any]:
    """Rows ready for a template: label, cells (display texts), total."""
    two_way = table.col_dim is not None
    rows = []
    for key, label in table.rows:
        cells = [cell_text(table.cells[(key, c)], kind) for c, _l in table.cols] if two_way else []
        rows.append(
            {
                "key": key,
                "label": label,
                "cells": cells,
                "total": cell_text(table.row_totals[key], kind),
                "suppressed": table.row_totals[key].suppressed,
            }
        )
    footer = [cell_text(table.col_totals[c], kind) for c, _l in table.cols] if two_way else []
    return {
        "two_way": two_way,
        "columns": [label for _k, label in table.cols] if two_way else [],
        "rows": rows,
        "footer": footer,
        "total": cell_text(table.total, kind),
        "suppressed_any": table.suppressed_any,
        "exact": table.exact,
    }


def comparison_charts(comparison: Any) -> list[SafeString]:
    """Model areas against the rest, month by month: one line chart per indicator."""
    if comparison is None:
        return []
    charts = []
    for index, (label, model, rest) in enumerate(comparison.trends):

        def points(values: list[float | None]) -> list[Point]:
            return [
                Point(label=str(m), value=v, display="–" if v is None else f"{v:.2f}")
                for m, v in zip(comparison.months, values, strict=True)
            ]

        charts.append(
            line_chart_svg(
                title=label,
                months=comparison.months,
                series=[
                    (str(_("Model areas")), points(model)),
                    (str(_("Rest of the province")), points(rest)),
                ],
                chart_id=f"chart-model-{index}",
            )
        )
    return charts
