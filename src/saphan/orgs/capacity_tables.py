"""The capacity view's blocks as tables: the same rows on the page, in the XLSX workbook
and in the CSV file (one download per table, each written to the access log by the
view). Cells keep their type (numbers, dates, shares) until they are shown: the page
formats them for the active language (Buddhist-Era dates in Thai), the workbook writes
real numbers and dates, the CSV plain ISO dates and dots for decimals.

No table holds anything about a person who is helped: only staff and counts.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from saphan.core import spreadsheets
from saphan.core.thaidate import format_date
from saphan.orgs.capacity import CapacityReport, FollowUpRow, ReferralMeasures
from saphan.outcomes.charts import pct_text

TEXT, INT, PCT, DAYS, HOURS, DATE, FLAG = "text", "int", "pct", "days", "hours", "date", "flag"
NUMERIC = {INT, PCT, DAYS, HOURS}


@dataclass(frozen=True)
class Column:
    label: str | Promise
    kind: str = TEXT

    @property
    def num(self) -> bool:
        return self.kind in NUMERIC


@dataclass(frozen=True)
class Table:
    slug: str
    title: str | Promise
    columns: list[Column]
    rows: list[list[Any]]

    def cells(self, language: str | None = None) -> list[list[dict[str, Any]]]:
        """Rows formatted for the page: ``{"text": …, "num": bool}`` per cell."""
        language = language or get_language() or "th"
        return [
            [
                {"text": cell_text(v, col.kind, language), "num": col.kind in NUMERIC}
                for v, col in zip(row, self.columns, strict=True)
            ]
            for row in self.rows
        ]


def cell_text(value: Any, kind: str, language: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == PCT:
        return pct_text(float(value), 0)
    if kind == DAYS:
        return str(number_format(round(float(value), 1), decimal_pos=1))
    if kind == HOURS:
        return str(number_format(Decimal(value), decimal_pos=1, force_grouping=True))
    if kind == INT:
        return str(number_format(int(value), force_grouping=True))
    if kind == DATE:
        return format_date(value, language=language)
    if kind == FLAG:
        return "✓" if value else ""
    return str(value)


# -- building the tables --------------------------------------------------------------------

STAFF = _("Staff member")
NO_ACTIVE_WORKER = _("No active worker")


def caseload_table(report: CapacityReport) -> Table:
    load = report.caseload
    rows: list[list[Any]] = [
        [w.name, w.role, w.open_cases, w.overdue_follow_ups] for w in load.workers
    ]
    if load.unassigned or load.unassigned_overdue:
        rows.append([str(NO_ACTIVE_WORKER), "", load.unassigned, load.unassigned_overdue])
    return Table(
        slug="caseload",
        title=_("Caseload per worker"),
        columns=[
            Column(STAFF),
            Column(_("Role")),
            Column(_("Open cases"), INT),
            Column(_("Follow-ups overdue now"), INT),
        ],
        rows=rows,
    )


def _referral_row(label: str | Promise, m: ReferralMeasures) -> list[Any]:
    return [
        str(label),
        m.total,
        m.accepted,
        m.declined,
        m.pending,
        m.cancelled,
        m.acceptance_rate,
        m.median_days,
        m.p90_days,
    ]


def referrals_table(report: CapacityReport) -> Table:
    flow = report.referrals
    rows = []
    if flow.received.total:
        rows.append(_referral_row(_("Received"), flow.received))
    if flow.sent.total:
        rows.append(_referral_row(_("Sent"), flow.sent))
    return Table(
        slug="referrals",
        title=_("Referral acceptance and turnaround"),
        columns=[
            Column(_("Referrals")),
            Column(_("Number"), INT),
            Column(_("Accepted"), INT),
            Column(_("Declined"), INT),
            Column(_("Waiting for an answer"), INT),
            Column(_("Cancelled"), INT),
            Column(_("Acceptance rate"), PCT),
            Column(_("Median days to answer"), DAYS),
            Column(_("90th percentile days to answer"), DAYS),
        ],
        rows=rows,
    )


def _follow_up_cells(name: str, r: FollowUpRow) -> list[Any]:
    return [name, r.due, r.on_time, r.late, r.missed, r.on_time_share, r.not_yet_due, r.overdue_now]


def follow_ups_table(report: CapacityReport) -> Table:
    f = report.follow_ups
    rows = [_follow_up_cells(r.name or str(NO_ACTIVE_WORKER), r) for r in f.rows]
    if rows:
        rows.append(_follow_up_cells(str(_("All staff")), f.total))
    return Table(
        slug="follow-ups",
        title=_("Follow-up timeliness"),
        columns=[
            Column(STAFF),
            Column(_("Follow-ups due"), INT),
            Column(_("Done on time"), INT),
            Column(_("Done late"), INT),
            Column(_("Not done"), INT),
            Column(_("Share on time"), PCT),
            Column(_("Due later"), INT),
            Column(_("Follow-ups overdue now"), INT),
        ],
        rows=rows,
    )


def trainings_table(report: CapacityReport) -> Table:
    return Table(
        slug="trainings",
        title=_("Trainings attended"),
        columns=[
            Column(_("Date attended"), DATE),
            Column(STAFF),
            Column(_("Training title")),
            Column(_("Topic")),
            Column(_("Provider or organiser")),
            Column(_("Hours"), HOURS),
        ],
        rows=[
            [
                t.attended_on,
                t.attendee.display_name,
                t.title,
                str(t.get_topic_display()),
                t.provider,
                t.hours,
            ]
            for t in report.trainings.items
        ],
    )


def staff_training_table(report: CapacityReport) -> Table:
    return Table(
        slug="training-hours",
        title=_("Training hours per staff member"),
        columns=[
            Column(STAFF),
            Column(_("Role")),
            Column(_("Trainings"), INT),
            Column(_("Hours"), HOURS),
            Column(_("Latest training"), DATE),
            Column(_("No training in the last 12 months"), FLAG),
        ],
        rows=[
            [s.name, s.role, s.trainings, s.hours, s.last_on, s.needs_training]
            for s in report.trainings.staff
        ],
    )


BUILDERS = {
    "caseload": caseload_table,
    "referrals": referrals_table,
    "follow-ups": follow_ups_table,
    "trainings": trainings_table,
    "training-hours": staff_training_table,
}


def capacity_tables(report: CapacityReport) -> dict[str, Table]:
    return {slug: build(report) for slug, build in BUILDERS.items()}


# -- files ------------------------------------------------------------------------------------


def table_xlsx(table: Table) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, spreadsheets.WORKBOOK_OPTIONS)
    sheet = book.add_worksheet(table.slug[:31])
    bold = book.add_format({"bold": True, "bg_color": "#eeeeee", "text_wrap": True})
    formats = {
        PCT: book.add_format({"num_format": "0.0%"}),
        DAYS: book.add_format({"num_format": "0.0"}),
        HOURS: book.add_format({"num_format": "0.0"}),
        DATE: book.add_format({"num_format": "yyyy-mm-dd"}),
    }
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, str(column.label), bold)
        sheet.set_column(col, col, 28 if column.kind == TEXT else 14)
    for n, row in enumerate(table.rows, start=1):
        for col, (value, column) in enumerate(zip(row, table.columns, strict=True)):
            kind = column.kind
            if value is None or value == "":
                sheet.write_blank(n, col, None)
            elif kind in NUMERIC:
                sheet.write_number(n, col, float(value), formats.get(kind))
            elif kind == DATE:
                sheet.write_datetime(n, col, dt.datetime.combine(value, dt.time()), formats[DATE])
            elif kind == FLAG:
                sheet.write_string(n, col, "✓" if value else "")
            else:
                # Text is written as text: a name that looks like a formula stays inert.
                sheet.write_string(n, col, str(value))
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == DATE:
        return value.isoformat()
    if kind == FLAG:
        return "1" if value else "0"
    if kind in (PCT, DAYS):
        return f"{float(value):.4f}" if kind == PCT else f"{float(value):.1f}"
    return str(value)  # text is made inert by spreadsheets.csv_bytes


def table_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read Thai correctly."""
    return spreadsheets.csv_bytes(
        [str(c.label) for c in table.columns],
        (
            [_csv_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)]
            for row in table.rows
        ),
    )
