"""Suppressed tables as CSV and XLSX files, every download written to the access log.

A file holds exactly what the page shows: hidden cells stay "< 5" or "x", never the
number behind them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core import spreadsheets
from saphan.reports.selectors import SUPPRESSION_NOTE, TOTAL, Cell, Table


def people_export_limit() -> int:
    """At most this many rows of person-level data in one file
    (``SAPHAN_EXPORT_PEOPLE_MAX_ROWS``): a larger export is refused, not cut."""
    from django.conf import settings

    return int(getattr(settings, "SAPHAN_EXPORT_PEOPLE_MAX_ROWS", 5000))


Sheet = tuple[str, list[str], list[list[Any]]]  # (name, header, rows)


def _value(cell: Cell, kind: str) -> Any:
    if cell.suppressed:
        return cell.display
    if kind == "amount":
        return Decimal(cell.amount or 0).quantize(Decimal("0.01"))
    return cell.count


def table_sheet(table: Table, *, name: str, row_header: str, kind: str = "count") -> Sheet:
    """A table as rows: one per row key, a column per column key, then the total."""
    two_way = table.col_dim is not None
    header = [row_header]
    if two_way:
        header += [label for _k, label in table.cols]
    header.append(str(_("Total")))
    rows: list[list[Any]] = []
    for key, label in table.rows:
        line: list[Any] = [label]
        if two_way:
            line += [_value(table.cells[(key, c)], kind) for c, _l in table.cols]
        line.append(_value(table.row_totals[key], kind))
        rows.append(line)
    last: list[Any] = [str(_("Total"))]
    if two_way:
        last += [_value(table.col_totals[c], kind) for c, _l in table.cols]
    last.append(_value(table.total, kind))
    rows.append(last)
    return (name, header, rows)


def csv_bytes(sheet: Sheet) -> bytes:
    _name, header, rows = sheet
    return spreadsheets.csv_bytes(header, rows)


def xlsx_bytes(sheets: Sequence[Sheet], *, title: str) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, spreadsheets.WORKBOOK_OPTIONS)
    bold = book.add_format({"bold": True})
    note = book.add_format({"italic": True, "font_color": "#5b6b73"})
    used: set[str] = set()
    for name, header, rows in sheets:
        sheet_name = _sheet_name(name, used)
        sheet = book.add_worksheet(sheet_name)
        sheet.write_row(0, 0, [title], bold)
        sheet.write_row(1, 0, [str(SUPPRESSION_NOTE)], note)
        sheet.write_row(3, 0, header, bold)
        for i, row in enumerate(rows, start=4):
            sheet.write_row(i, 0, [float(v) if isinstance(v, Decimal) else v for v in row])
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, max(1, len(header)), 14)
    book.close()
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "sheet"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:25]}-{n}", n + 1
    used.add(candidate)
    return candidate


def export_response(
    *,
    request: HttpRequest,
    sheets: Sequence[Sheet],
    title: str,
    file_stem: str,
    fmt: str,
    province_code: str = "",
    detail: dict[str, Any] | None = None,
    object_type: str = "statistics",
) -> HttpResponse:
    """The file download, after its access-log row."""
    rows = sum(len(s[2]) for s in sheets)
    stem = slugify(file_stem) or "saphan"
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        body, content_type, ext = csv_bytes(sheets[0]), "text/csv; charset=utf-8", "csv"
    else:
        body = xlsx_bytes(sheets, title=title)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ext = "xlsx"
    access_log_record(
        user=request.user,
        action=AccessAction.EXPORT,
        request=request,
        object_type=object_type,
        object_id=stem,
        province_code=province_code,
        detail={"format": ext, "rows": rows, **(detail or {})},
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="saphan-{stem}-{stamp}.{ext}"'
    return response


def open_data_csv(province_codes: list[str]) -> bytes:
    """The publishable file: every stock measure per province and group or category,
    suppressed for everyone (no viewer is exempt, whoever downloads it)."""
    from saphan.reports.dashboards import COLUMNS, national_table

    rows: list[list[Any]] = []
    for measure in COLUMNS:
        table = national_table(user=None, measure=measure, provinces=province_codes)
        for code, label in table.rows:
            cells = [(col, table.cells[(code, col)]) for col, _l in table.cols]
            cells.append((TOTAL, table.row_totals[code]))
            for col, cell in cells:
                value = cell.display if cell.suppressed else cell.count
                note = "suppressed" if cell.suppressed else ""
                rows.append([measure, code, label, col, value, note])
    header = ["measure", "province_code", "province", "breakdown", "value", "note"]
    return spreadsheets.csv_bytes(header, rows)
