"""Reading the statistics: who may see which provinces, and suppressed tables.

Every statistic that reaches a page, a file, the API or a PDF comes out of
``stats_table`` (or ``stats_series``), which applies ``suppression`` unless the viewer
may see the people behind the numbers anyway (case access to that province).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Sum
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from saphan import policy
from saphan.core.errors import field_error
from saphan.reports.models import Measure, StatFact, StatProvince
from saphan.reports.suppression import THRESHOLD, Line, grid_lines, suppress

Dimension = Literal["province", "district", "subdistrict", "group", "category", "month"]
DIMENSIONS: tuple[str, ...] = ("province", "district", "subdistrict", "group", "category", "month")
_COLUMN = {
    "province": "province_code",
    "district": "district_code",
    "subdistrict": "subdistrict_code",
    "group": "group",
    "category": "category",
    "month": "month",
}
TOTAL = "total"
#: No table may have more cells than this (a page, an export or an API answer).
MAX_CELLS = 20_000

SMALL_TEXT = "< 5"
HIDDEN_TEXT = "x"
SUPPRESSION_NOTE = gettext_lazy(
    "Counts from 1 to 4 are shown as “< 5”; “x” marks a number hidden so that a small "
    "count cannot be worked out from the totals."
)


# --- scope ------------------------------------------------------------------------------


def aggregate_provinces(user: Any) -> set[str] | None:
    """Provinces whose statistics the user may read (``None``: all). Needs
    ``view_aggregates``; the provinces are those of the user's organisation."""
    if not policy.can(user, policy.Action.VIEW_AGGREGATES):
        return set()
    return policy.province_codes_of(user)


def exact_provinces(user: Any) -> set[str]:
    """Provinces where the user has case access (may read the people): exact counts."""
    if not policy.can(user, policy.Action.VIEW_PEOPLE):
        return set()
    codes = policy.province_codes_of(user)
    if codes is None:
        from saphan.geo.models import Province

        return set(Province.objects.values_list("code", flat=True))
    return codes


def check_provinces(user: Any, codes: Iterable[str]) -> list[str]:
    """The requested provinces, or a bilingual error naming the first refused one."""
    from saphan.geo.models import Province

    wanted = sorted(set(codes))
    known = set(Province.objects.filter(code__in=wanted).values_list("code", flat=True))
    allowed = aggregate_provinces(user)
    for code in wanted:
        if code not in known:
            raise field_error("province", gettext_lazy("Unknown province “%(code)s”."), code=code)
        if allowed is not None and code not in allowed:
            raise field_error(
                "province",
                gettext_lazy("Province “%(code)s” is outside the provinces you work in."),
                code=code,
            )
    return wanted


def scope_codes(user: Any) -> list[str]:
    """Every province the user may read statistics of (project provinces for national
    users: the registry holds people only there)."""
    from saphan.geo.models import Province

    allowed = aggregate_provinces(user)
    qs = (
        Province.objects.project() if allowed is None else Province.objects.filter(code__in=allowed)
    )
    return list(qs.order_by("code").values_list("code", flat=True))


# --- raw values ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    provinces: tuple[str, ...]
    districts: tuple[str, ...] = ()
    subdistricts: tuple[str, ...] = ()
    group: str = ""
    categories: tuple[str, ...] = ()
    month_from: dt.date | None = None
    month_to: dt.date | None = None


def _fact_rows(measure: str, by: Sequence[str], f: Filters) -> Any:
    subdistrict_grain = "subdistrict" in by or bool(f.subdistricts)
    if subdistrict_grain and ("group" in by or f.group or "category" in by or f.categories):
        raise field_error(
            "by",
            gettext_lazy("Subdistrict figures are not split by group or category."),
        )
    qs = StatFact.objects.filter(measure=measure, province_code__in=f.provinces)
    qs = qs.exclude(subdistrict_code="") if subdistrict_grain else qs.filter(subdistrict_code="")
    if f.districts:
        qs = qs.filter(district_code__in=f.districts)
    if f.subdistricts:
        qs = qs.filter(subdistrict_code__in=f.subdistricts)
    qs = qs.exclude(group="") if "group" in by else qs.filter(group=f.group)
    if f.categories:
        qs = qs.filter(category__in=f.categories)
    if f.month_from:
        qs = qs.filter(month__gte=f.month_from)
    if f.month_to:
        qs = qs.filter(month__lte=f.month_to)
    return qs


def stat_values(
    measure: str, by: Sequence[str], filters: Filters
) -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    """``{(dim values…): (count, amount)}`` summed from the pre-aggregates."""
    columns = [_COLUMN[d] for d in by]
    qs = _fact_rows(measure, by, filters).order_by()
    if columns:
        rows = qs.values(*columns).annotate(n=Sum("count"), a=Sum("amount"))
        return {
            tuple(r[c] for c in columns): (int(r["n"] or 0), Decimal(r["a"] or 0)) for r in rows
        }
    total = qs.aggregate(n=Sum("count"), a=Sum("amount"))
    return {(): (int(total["n"] or 0), Decimal(total["a"] or 0))}


# --- suppressed tables -----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    count: int | None  # None when hidden
    amount: Decimal | None
    display: str
    state: Literal["shown", "small", "hidden"] = "shown"

    @property
    def suppressed(self) -> bool:
        return self.state != "shown"


@dataclass
class Table:
    measure: str
    row_dim: str
    col_dim: str | None
    rows: list[tuple[Any, str]]  # (key, label)
    cols: list[tuple[Any, str]]  # [(TOTAL, label)] for a one-way table
    cells: dict[tuple[Any, Any], Cell]
    row_totals: dict[Any, Cell]
    col_totals: dict[Any, Cell]
    total: Cell
    exact: bool  # nothing hidden because the viewer may see these people
    suppressed_any: bool = False
    amount_label: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def cell(self, row: Any, col: Any = TOTAL) -> Cell:
        if col == TOTAL and self.col_dim is None:
            return self.row_totals[row]
        return self.cells[(row, col)]


def _count_text(value: int) -> str:
    return str(number_format(value, force_grouping=True))


def _make_cell(count: int, amount: Decimal, state: str) -> Cell:
    if state == "small":
        return Cell(None, None, SMALL_TEXT, "small")
    if state == "hidden":
        return Cell(None, None, HIDDEN_TEXT, "hidden")
    return Cell(count, amount, _count_text(count), "shown")


def _province_of(dim: str, key: Any) -> str | None:
    if dim in ("province", "district", "subdistrict") and key not in (None, TOTAL, ""):
        return str(key)[:2]
    return None


def stats_table(
    *,
    user: Any,
    measure: str,
    rows: Sequence[tuple[Any, str]],
    row_dim: str,
    filters: Filters,
    cols: Sequence[tuple[Any, str]] | None = None,
    col_dim: str | None = None,
    forced: Mapping[tuple[Any, Any], str] | None = None,
) -> Table:
    """A one- or two-way table of ``measure`` with totals, suppressed for this viewer.

    ``rows``/``cols`` list the keys to show (every key gets a cell, zero if absent)."""
    if measure not in Measure.values:
        raise field_error("measure", gettext_lazy("Unknown measure “%(m)s”."), m=measure)
    if len(rows) * max(1, len(cols or ())) > MAX_CELLS:
        raise field_error(
            "by",
            gettext_lazy("This table would have more than %(n)s cells; narrow it down."),
            n=MAX_CELLS,
        )
    by = [row_dim] + ([col_dim] if col_dim else [])
    values = stat_values(measure, by, filters)
    row_values = stat_values(measure, [row_dim], filters) if col_dim else values
    col_values = stat_values(measure, [col_dim], filters) if col_dim else {}
    grand = stat_values(measure, [], filters)[()]
    zero = (0, Decimal(0))

    keyed: dict[tuple[Any, Any], tuple[int, Decimal]] = {}
    col_keys = [k for k, _label in cols] if cols else []
    for r, _label in rows:
        for c in col_keys:
            keyed[(r, c)] = values.get((r, c), zero)
        keyed[(r, TOTAL)] = row_values.get((r,), zero)
    for c in col_keys:
        keyed[(TOTAL, c)] = col_values.get((c,), zero)
    keyed[(TOTAL, TOTAL)] = grand

    exact = exact_provinces(user)
    exempt: set[tuple[Any, Any]] = set()
    viewer_sees_all = set(filters.provinces) <= exact
    if viewer_sees_all:
        exempt = set(keyed)
    else:
        for key in keyed:
            province = _province_of(row_dim, key[0]) or _province_of(col_dim or "", key[1])
            if province is not None and province in exact:
                exempt.add(key)
    row_keys = [k for k, _l in rows]
    lines: list[Line[tuple[Any, Any]]]
    if col_dim:
        lines = grid_lines(row_keys, col_keys, TOTAL)
    else:
        lines = [Line(tuple((r, TOTAL) for r in row_keys), (TOTAL, TOTAL))]
    counts = {k: v[0] for k, v in keyed.items()}
    forced = {k: v for k, v in (forced or {}).items() if k in keyed and k not in exempt}
    primary, complementary = suppress(counts, lines, exempt=exempt, forced=set(forced))
    primary |= {k for k, state in forced.items() if state == "small"}

    def cell_of(key: tuple[Any, Any]) -> Cell:
        state = "small" if key in primary else "hidden" if key in complementary else "shown"
        count, amount = keyed[key]
        return _make_cell(count, amount, state)

    return Table(
        measure=measure,
        row_dim=row_dim,
        col_dim=col_dim,
        rows=list(rows),
        cols=list(cols) if cols else [(TOTAL, _("Total"))],
        cells={(r, c): cell_of((r, c)) for r in row_keys for c in col_keys},
        row_totals={r: cell_of((r, TOTAL)) for r in row_keys},
        col_totals={c: cell_of((TOTAL, c)) for c in col_keys},
        total=cell_of((TOTAL, TOTAL)),
        exact=viewer_sees_all,
        suppressed_any=bool(primary or complementary),
    )


def refuse_small_selection(table: Table, *, narrowed: bool) -> None:
    """A filtered selection that describes 1 to 4 people (or flags, cases…) is refused
    rather than shown, unless the viewer may see those people anyway."""
    if narrowed and not table.exact and table.total.state == "small":
        raise field_error(
            "filter",
            gettext_lazy(
                "This selection describes fewer than %(n)s people. Widen it (fewer filters, "
                "a larger area or a longer period)."
            ),
            n=THRESHOLD,
        )


# --- labels ------------------------------------------------------------------------------


def labels_for(
    dim: str, keys: Iterable[Any] | None = None, **context: Any
) -> list[tuple[Any, str]]:
    """(key, label) pairs of a dimension, in display order."""
    from saphan.core.thaidate import format_month
    from saphan.geo.models import District, Province, Subdistrict
    from saphan.people.choices import PopulationGroup

    wanted = list(keys) if keys is not None else None
    if dim == "province":
        qs = Province.objects.filter(code__in=wanted or context.get("provinces", []))
        return [(p.code, p.name) for p in qs.order_by("code")]
    if dim == "district":
        dq = District.objects.filter(province_id__in=context.get("provinces", []))
        if wanted is not None:
            dq = dq.filter(code__in=wanted)
        return [(d.code, d.name) for d in dq.order_by("code")]
    if dim == "subdistrict":
        sq = Subdistrict.objects.filter(code__in=wanted or [])
        return [(s.code, s.name) for s in sq.order_by("code")]
    if dim == "group":
        return [(g, str(label)) for g, label in PopulationGroup.choices]
    if dim == "month":
        return [(m, format_month(m)) for m in sorted(wanted or [])]
    if dim == "category":
        measure = context.get("measure", "")
        return category_labels(measure, wanted)
    raise field_error("by", gettext_lazy("Unknown dimension “%(d)s”."), d=dim)


def category_labels(measure: str, keys: Iterable[str] | None = None) -> list[tuple[str, str]]:
    from saphan.cases.choices import Outcome, ReferralStatus, Stage
    from saphan.rights.models import Scheme
    from saphan.watch.models import WatchRule

    pairs: list[tuple[str, str]]
    if measure in (Measure.WATCH_OPEN, Measure.FLAGS_RAISED):
        pairs = [(r.code, r.name) for r in WatchRule.objects.order_by("sort_order", "code")]
    elif measure == Measure.RIGHTS_GAP:
        language = get_language() or "th"
        pairs = [(s.code, s.name(language)) for s in Scheme.objects.order_by("sort_order", "code")]
    elif measure == Measure.CASES_ACTIVE:
        pairs = [(k, str(v)) for k, v in Stage.choices if k != Stage.CLOSED]
    elif measure == Measure.CASES_CLOSED:
        pairs = [(k, str(v)) for k, v in Outcome.choices]
    elif measure in (Measure.REFERRALS_SENT, Measure.REFERRALS_ANSWERED):
        pairs = [(k, str(v)) for k, v in ReferralStatus.choices]
    else:
        pairs = []
    if keys is not None:
        wanted = set(keys)
        pairs = [p for p in pairs if p[0] in wanted]
    return pairs


def freshness(codes: Iterable[str]) -> dict[str, Any]:
    """When the statistics of these provinces were last rebuilt, and whether any is stale."""
    states = list(StatProvince.objects.filter(province_code__in=list(codes)))
    refreshed = [s.refreshed_at for s in states if s.refreshed_at]
    return {
        "refreshed_at": min(refreshed) if refreshed else None,
        "stale": any(s.stale_since for s in states) or len(states) < len(set(codes)),
    }


def values_mapping(table: Table) -> Mapping[Any, Cell]:
    """Row key → total cell, for maps and one-way charts."""
    return table.row_totals
