"""Server-rendered SVG charts for the outcomes pages.

The pages run under a strict Content Security Policy: no scripts, no inline styles. So
charts are plain SVG with presentation *attributes* (``fill``, ``width``…), never a
``style`` attribute, and every chart sits next to a table of the same numbers (the
table is the accessible view; the SVG has ``role="img"`` and a title). Text is escaped
with ``format_html``; numbers are formatted for the active language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from saphan.core.thaidate import format_date

INK = "#1f2d33"
MUTED = "#5b6b73"
BRAND = "#0f6e66"
LIGHT = "#b8d8d4"
WARN = "#b3261e"
GRID = "#d5dde1"
WIDTH = 520  # narrow enough that the text stays readable on a phone


def _rounded(value: Any, places: int) -> Decimal:
    # Django's number_format cuts extra decimals off; round half up first.
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money_text(value: Any, places: int = 2) -> str:
    """12,345.00: grouped, in the active language's separators."""
    return str(number_format(_rounded(value, places), decimal_pos=places, force_grouping=True))


def pct_text(value: float, places: int = 1) -> str:
    """0.07569 → 7.6%."""
    number = _rounded(value * 100, places)
    return f"{number_format(number, decimal_pos=places, force_grouping=True)}%"


def _svg(height: int, title: str, body: SafeString, *, chart_id: str) -> SafeString:
    return format_html(
        '<svg class="chart" id="{}" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{}-title" xmlns="http://www.w3.org/2000/svg" '
        'preserveAspectRatio="xMinYMin meet"><title id="{}-title">{}</title>{}</svg>',
        chart_id,
        WIDTH,
        height,
        chart_id,
        chart_id,
        title,
        body,
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" font-size="15" text-anchor="{}" fill="{}">{}</text>',
        f"{x:.1f}",
        f"{y:.1f}",
        anchor,
        fill,
        text,
    )


def _rect(x: float, y: float, w: float, h: float, fill: str) -> SafeString:
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
        f"{x:.1f}",
        f"{y:.1f}",
        f"{max(w, 0):.1f}",
        f"{max(h, 0):.1f}",
        fill,
    )


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: int = 1) -> SafeString:
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"></line>',
        f"{x1:.1f}",
        f"{y1:.1f}",
        f"{x2:.1f}",
        f"{y2:.1f}",
        stroke,
        width,
    )


def _join(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((p,) for p in parts))


# -- horizontal bars (progress against a cap) ----------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    #: The limit the bar is measured against (a cap), drawn as a marker; None: no limit.
    limit: Decimal | None = None
    text: str = ""


def bar_chart(bars: Sequence[Bar], *, title: str, chart_id: str) -> SafeString:
    """One horizontal bar per row, scaled to the largest value or limit; a limit is a
    dark marker with the bar's track drawn up to it."""
    if not bars:
        return mark_safe("")
    top = max([*(b.value for b in bars), *(b.limit for b in bars if b.limit is not None)])
    scale = float(top) if top and top > 0 else 1.0
    left, right, row = 150, 16, 34
    span = WIDTH - left - right
    parts: list[SafeString] = []
    for i, bar in enumerate(bars):
        y = 8 + i * row
        parts.append(_text(left - 8, y + 18, bar.label[:18], anchor="end"))
        if bar.limit is not None:
            parts.append(_rect(left, y + 4, span * float(bar.limit) / scale, 18, "#eef3f5"))
        width = span * float(bar.value) / scale
        over = bar.limit is not None and bar.value > bar.limit
        parts.append(_rect(left, y + 4, width, 18, WARN if over else BRAND))
        if bar.limit is not None:
            x = left + span * float(bar.limit) / scale
            parts.append(_line(x, y, x, y + 26, INK, 2))
        label = bar.text or money_text(bar.value)
        inside = width > span * 0.6
        parts.append(
            _text(
                left + width - 6 if inside else left + width + 6,
                y + 17,
                label,
                anchor="end" if inside else "start",
                fill="#ffffff" if inside else INK,
            )
        )
    height = 16 + len(bars) * row
    return _svg(height, title, _join(parts), chart_id=chart_id)


# -- vertical bars (counts per stage or age) -----------------------------------------------


def column_chart(
    columns: Sequence[tuple[str, int]], *, title: str, chart_id: str, fill: str = BRAND
) -> SafeString:
    """Counts as vertical columns with the count above and the label below."""
    if not columns:
        return mark_safe("")
    top = max((n for _l, n in columns), default=0) or 1
    height, base, plot = 200, 160, 130
    step = (WIDTH - 40) / len(columns)
    parts: list[SafeString] = [_line(20, base, WIDTH - 20, base, GRID)]
    for i, (label, n) in enumerate(columns):
        x = 20 + i * step + step * 0.15
        h = plot * n / top
        parts.append(_rect(x, base - h, step * 0.7, h, fill))
        parts.append(_text(x + step * 0.35, base - h - 6, str(n), anchor="middle"))
        parts.append(_text(x + step * 0.35, base + 20, label[:14], anchor="middle", fill=MUTED))
    return _svg(height, title, _join(parts), chart_id=chart_id)


# -- histograms (scenarios) -------------------------------------------------------------------


def histogram(
    bins: Sequence[float],
    counts: Sequence[int],
    *,
    title: str,
    chart_id: str,
    label: Callable[[float], str],
    loss_below: float | None = None,
    marks: Sequence[tuple[float, str]] = (),
) -> SafeString:
    """A histogram: ``bins`` has one more edge than ``counts``. Bins whose upper edge is
    at or below ``loss_below`` are drawn in the warning colour; ``marks`` are labelled
    vertical lines (e.g. the median)."""
    if not counts or len(bins) != len(counts) + 1:
        return mark_safe("")
    height, base, plot, left, right = 230, 180, 150, 20, 20
    low, high = bins[0], bins[-1]
    span = (high - low) or 1.0
    width = WIDTH - left - right
    top = max(counts) or 1

    def x_of(value: float) -> float:
        return left + width * (value - low) / span

    parts: list[SafeString] = [_line(left, base, WIDTH - right, base, GRID)]
    for i, n in enumerate(counts):
        x0, x1 = x_of(bins[i]), x_of(bins[i + 1])
        h = plot * n / top
        loss = loss_below is not None and bins[i + 1] <= loss_below
        parts.append(_rect(x0 + 0.5, base - h, x1 - x0 - 1, h, WARN if loss else BRAND))
    for value, text in marks:
        if low <= value <= high:
            x = x_of(value)
            parts.append(_line(x, base - plot - 8, x, base, INK, 2))
            right_half = x > left + width / 2
            parts.append(
                _text(
                    x - 4 if right_half else x + 4,
                    base - plot,
                    text,
                    anchor="end" if right_half else "start",
                )
            )
    parts.append(_text(left, base + 20, label(low), fill=MUTED))
    parts.append(_text(left + width / 2, base + 20, label((low + high) / 2), anchor="middle"))
    parts.append(_text(WIDTH - right, base + 20, label(high), anchor="end", fill=MUTED))
    return _svg(height, title, _join(parts), chart_id=chart_id)


def histogram_rows(
    bins: Sequence[float], counts: Sequence[int], label: Callable[[float], str]
) -> list[dict[str, Any]]:
    """The table view of a histogram: each bin's range, count and share."""
    total = sum(counts) or 1
    return [
        {
            "low": label(bins[i]),
            "high": label(bins[i + 1]),
            "count": n,
            "share": pct_text(n / total),
        }
        for i, n in enumerate(counts)
    ]


# -- cash flows (investor) -----------------------------------------------------------------


def cash_flow_chart(
    flows: Sequence[tuple[dt.date, Decimal]], *, title: str, chart_id: str, language: str
) -> SafeString:
    """Dated flows as columns: money paid in below the axis (warning colour), money
    received above it (brand colour), dates in the Buddhist Era for Thai."""
    if not flows:
        return mark_safe("")
    height, mid, half = 240, 110, 85
    top = max(abs(float(a)) for _d, a in flows) or 1.0
    step = (WIDTH - 40) / len(flows)
    every = max(1, -(-len(flows) // 8))  # at most eight date labels
    parts: list[SafeString] = [_line(20, mid, WIDTH - 20, mid, GRID)]
    for i, (day, amount) in enumerate(flows):
        x = 20 + i * step + step * 0.2
        h = half * abs(float(amount)) / top
        y = mid - h if amount >= 0 else mid
        parts.append(_rect(x, y, step * 0.6, h, BRAND if amount >= 0 else WARN))
        parts.append(
            _text(
                x + step * 0.3,
                mid - h - 6 if amount >= 0 else mid + h + 16,
                money_text(amount, 0),
                anchor="middle",
            )
        )
        if i % every == 0:
            parts.append(
                _text(
                    x + step * 0.3,
                    height - 8,
                    format_date(day, language=language),
                    anchor="middle",
                    fill=MUTED,
                )
            )
    return _svg(height, title, _join(parts), chart_id=chart_id)
