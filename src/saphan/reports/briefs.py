"""Policy briefs: one population group across chosen provinces, as a PDF a ministry
meeting can use. Every number comes from the suppressed tables (``dashboards``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from saphan.core.errors import field_error
from saphan.people.choices import PopulationGroup
from saphan.reports import dashboards as d
from saphan.reports import presenters
from saphan.reports.charts import bar_chart_svg
from saphan.reports.models import Measure
from saphan.reports.selectors import (
    SMALL_TEXT,
    Cell,
    Filters,
    Table,
    category_labels,
    labels_for,
    stats_table,
)
from saphan.reports.suppression import THRESHOLD

#: The mission's objective 4: policy proposals for these three groups first.
BRIEF_GROUPS = (
    PopulationGroup.OLDER_PERSON,
    PopulationGroup.DISABILITY,
    PopulationGroup.STATUS_ETHNIC_INDIGENOUS,
)
MAX_RECOMMENDATIONS = 6000


def brief_group_check(group: str) -> str:
    if group not in PopulationGroup.values:
        raise field_error(
            "group",
            _("Unknown group “%(group)s”. Use one of: %(groups)s."),
            group=group,
            groups=", ".join(PopulationGroup.values),
        )
    return group


@dataclass
class BriefSection:
    title: str
    table: dict[str, Any]
    row_header: str
    chart: Any = None
    amounts: dict[str, Any] | None = None


@dataclass
class Brief:
    group: str
    group_label: str
    provinces: list[tuple[str, str]]
    sections: list[BriefSection]
    outcomes: list[dict[str, Any]]
    recommendations: list[str]
    month_from: dt.date
    month_to: dt.date


def _column(table: Table, col: str) -> Table:
    """One column of a provinces × groups table as a one-way provinces table."""
    return Table(
        measure=table.measure,
        row_dim="province",
        col_dim=None,
        rows=table.rows,
        cols=table.cols[:1],
        cells={},
        row_totals={r: table.cells[(r, col)] for r, _l in table.rows},
        col_totals={},
        total=table.col_totals[col],
        exact=table.exact,
        suppressed_any=table.suppressed_any,
    )


def _provinces_by_category(
    user: Any, measure: str, group: str, codes: list[str], months: list[dt.date] | None = None
) -> Table:
    filters = Filters(
        provinces=tuple(codes),
        group=group,
        month_from=months[0] if months else None,
        month_to=months[-1] if months else None,
    )
    cats = category_labels(measure)
    return stats_table(
        user=user,
        measure=measure,
        rows=labels_for("province", codes),
        row_dim="province",
        cols=cats or None,
        col_dim="category" if cats else None,
        filters=filters,
    )


def brief_build(
    *, user: Any, group: str, province_codes: list[str], recommendations: str = ""
) -> Brief:
    group = brief_group_check(group)
    if len(recommendations) > MAX_RECOMMENDATIONS:
        raise field_error(
            "recommendations",
            _("Keep the recommendations under %(n)s characters."),
            n=MAX_RECOMMENDATIONS,
        )
    codes = sorted(set(province_codes))
    if not codes:
        raise field_error("provinces", _("Choose at least one province."))
    months = d.month_list(12)
    people = d.national_table(user=user, measure=Measure.PEOPLE, provinces=codes)
    in_group = _column(people, group)
    sections = [
        BriefSection(
            title=str(_("People in the group, per province")),
            table=presenters.table_view(in_group),
            row_header=str(_("Province")),
            chart=bar_chart_svg(
                title=str(_("People in the group, per province")),
                points=presenters.table_points(in_group),
                chart_id="brief-people",
            ),
        )
    ]
    watch = _provinces_by_category(user, Measure.WATCH_OPEN, group, codes)
    sections.append(
        BriefSection(
            str(_("Open watch flags, per rule")), presenters.table_view(watch), str(_("Province"))
        )
    )
    gap = _provinces_by_category(user, Measure.RIGHTS_GAP, group, codes)
    sections.append(
        BriefSection(
            str(_("Welfare rights not received, per scheme")),
            presenters.table_view(gap),
            str(_("Province")),
            amounts=presenters.table_view(gap, "amount"),
        )
    )
    services = stats_table(
        user=user,
        measure=Measure.SERVICES,
        rows=labels_for("province", codes),
        row_dim="province",
        filters=Filters(
            provinces=tuple(codes), group=group, month_from=months[0], month_to=months[-1]
        ),
    )
    sections.append(
        BriefSection(
            str(_("Services delivered in the last 12 months")),
            presenters.table_view(services),
            str(_("Province")),
            amounts=presenters.table_view(services, "amount"),
        )
    )
    closed = _provinces_by_category(user, Measure.CASES_CLOSED, group, codes, months)
    sections.append(
        BriefSection(
            str(_("Cases closed in the last 12 months, per outcome")),
            presenters.table_view(closed),
            str(_("Province")),
        )
    )
    return Brief(
        group=group,
        group_label=str(PopulationGroup(group).label),
        provinces=labels_for("province", codes),
        sections=sections,
        outcomes=outcome_results(province_codes=codes),
        recommendations=[p.strip() for p in recommendations.split("\n\n") if p.strip()],
        month_from=months[0],
        month_to=months[-1],
    )


def outcome_results(*, province_codes: list[str]) -> list[dict[str, Any]]:
    """Outcomes projects working in these provinces: participants, outcomes verified,
    baht paid. Counts under the threshold are shown as "< 5"; no participant is named."""
    from saphan.outcomes.choices import COUNTED_CLAIM_STATUSES, PaymentStatus
    from saphan.outcomes.models import PaymentRequest, Project

    projects = (
        Project.objects.filter(provinces__code__in=province_codes)
        .distinct()
        .annotate(
            n_participants=Count("participants", distinct=True),
            n_verified=Count(
                "claims", filter=Q(claims__status__in=COUNTED_CLAIM_STATUSES), distinct=True
            ),
        )
        .order_by("code")
    )
    paid_by_project = dict(
        PaymentRequest.objects.filter(project__in=projects.values("pk"), status=PaymentStatus.PAID)
        .order_by()
        .values("project_id")
        .annotate(s=Sum("amount"))
        .values_list("project_id", "s")
    )
    rows = []
    for project in projects:
        paid = paid_by_project.get(project.pk)
        rows.append(
            {
                "code": project.code,
                "name": str(project),
                "participants": _small(project.n_participants),
                "verified": _small(project.n_verified),
                "paid": presenters.cell_text(Cell(0, Decimal(paid or 0), ""), "amount"),
            }
        )
    return rows


def _small(n: int) -> str:
    return SMALL_TEXT if 0 < n < THRESHOLD else f"{n:,}"


def brief_pdf(brief: Brief, *, thai_digits: bool = False, organisation: Any = None) -> bytes:
    """The brief as PDF (the page and ``saphan report policy-brief`` make the same file)."""
    from saphan.reports.pdf import pdf_render
    from saphan.reports.selectors import SUPPRESSION_NOTE

    return pdf_render(
        template_name="reports/pdf/brief.html",
        context={
            "brief": brief,
            "note": SUPPRESSION_NOTE,
            "thai_digits": thai_digits,
            "organisation": organisation,
        },
    )
