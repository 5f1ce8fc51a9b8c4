"""The problems of an import as an XLSX workbook (row, column, value, message in Thai and
English), for the person who fixes the file."""

from __future__ import annotations

import io

import xlsxwriter

from saphan.core import spreadsheets
from saphan.intake.models import ImportJob

HEADERS = (
    "แถว / Row",
    "คอลัมน์ / Column",
    "ค่า / Value",
    "ปัญหา / Problem",
    "Problem (English)",
    "ประเภท / Kind",
)


def issues_xlsx(job: ImportJob) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, spreadsheets.WORKBOOK_OPTIONS)
    sheet = book.add_worksheet("problems")
    bold = book.add_format({"bold": True, "bg_color": "#eeeeee"})
    # Values are written as text: a cell that looks like a formula must stay inert.
    for col, header in enumerate(HEADERS):
        sheet.write_string(0, col, header, bold)
    for n, issue in enumerate(job.issues.order_by("row_number", "id").iterator(), start=1):
        sheet.write_number(n, 0, issue.row_number)
        sheet.write_string(n, 1, issue.column)
        sheet.write_string(n, 2, issue.value)
        sheet.write_string(n, 3, issue.message_th)
        sheet.write_string(n, 4, issue.message_en)
        sheet.write_string(n, 5, "คำเตือน / warning" if issue.is_warning else "ผิด / error")
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 2, 22)
    sheet.set_column(3, 4, 60)
    sheet.set_column(5, 5, 16)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
