"""Server-rendered SVG charts for the report pages and the PDF reports.

The same markup goes into a web page (strict Content Security Policy: no scripts, no
``style`` attributes, no ``<style>`` elements — presentation attributes only) and into a
WeasyPrint PDF. The drawing helpers and colours are the outcomes charts' own
(:mod:`saphan.outcomes.charts`); this module adds what aggregate statistics need:

* a value may be **suppressed** (a count below the threshold) or missing —
  ``Point.value is None``. It is never drawn with a length: a bar chart shows a small
  hatched, outlined marker with the display text (``"< 5"``), a line chart a gap in the
  line and a hollow marker on the axis;
* every chart says "no data" in words when there is nothing to draw;
* month labels follow the active language: ``ม.ค. 69`` (Buddhist Era) in Thai,
  ``Jan 2026`` in English.

Every chart has ``role="img"`` and a ``<title>``; each bar and point carries its own
``<title>`` (label and value) for screen readers and tooltips. Pages still show the numbers
in a table next to the chart.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from saphan.core.thaidate import BE_OFFSET, EN_MONTHS_SHORT, THAI_MONTHS_SHORT
from saphan.outcomes.charts import (
    BRAND,
    GRID,
    INK,
    MUTED,
    WIDTH,
    _join,
    _line,
    _rect,
    _svg,
    _text,
)
from saphan.reports.templatetags.report_tags import digits

#: Series colours, in order; the second and third are told apart from the first by
#: lightness too, and line series also by their marker shape.
PALETTE = (BRAND, "#c0641a", "#5a4a9c", "#8a9aa2", "#a33b00")
#: Font for the text in the charts. On web pages the stylesheet's ``svg.chart text``
#: rule (``font-family: inherit``) wins over this attribute; WeasyPrint uses it.
FONT_FAMILY = "Sarabun, 'Noto Sans Thai', sans-serif"


@dataclass(frozen=True)
class Point:
    """One bar or one point of a line.

    ``value`` is ``None`` when the number is suppressed (below the threshold) or missing;
    ``display`` is what is written next to it: ``"1,234"``, ``"12.5%"``, ``"< 5"``, ``"–"``.
    """

    label: str
    value: float | None
    display: str


# -- small helpers -------------------------------------------------------------------------


def _value(point: Point | None) -> float | None:
    """The point's value, or None when suppressed, missing or not a finite number."""
    if point is None or point.value is None:
        return None
    value = float(point.value)
    return value if math.isfinite(value) else None


def _top(values: Sequence[float | None]) -> float:
    """The largest value, never zero or negative, so scales never divide by zero."""
    top = max((v for v in values if v is not None), default=0.0)
    return top if top > 0 else 1.0


def clip(text: str, limit: int) -> str:
    """At most ``limit`` visible characters, with "…" when cut.

    Thai vowels and tone marks above and below a consonant (combining marks) take no
    width and never get cut off from their consonant: ``ผู้สูงอายุ`` counts 7.
    """
    visible = 0
    for index, char in enumerate(text):
        if unicodedata.category(char).startswith("M"):
            continue
        visible += 1
        if visible > limit:
            return text[:index].rstrip() + "…"
    return text


def _small_text(
    x: float, y: float, text: str, *, anchor: str = "start", fill: str = MUTED
) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" font-size="13" text-anchor="{}" fill="{}">{}</text>',
        f"{x:.1f}",
        f"{y:.1f}",
        anchor,
        fill,
        text,
    )


def _bold_text(x: float, y: float, text: str) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" font-size="15" font-weight="700" fill="{}">{}</text>',
        f"{x:.1f}",
        f"{y:.1f}",
        INK,
        text,
    )


def _titled(title: str, *parts: SafeString, css_class: str = "") -> SafeString:
    """A group with its own ``<title>`` (what a screen reader or a tooltip says)."""
    return format_html(
        '<g class="{}"><title>{}</title>{}</g>', css_class or "mark", title, _join(parts)
    )


def _hatch_id(chart_id: str) -> str:
    return f"{chart_id}-hatch"


def _defs(chart_id: str) -> SafeString:
    """The diagonal hatching that fills suppressed markers."""
    return format_html(
        '<defs><pattern id="{}" patternUnits="userSpaceOnUse" width="6" height="6">'
        '<path d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5" stroke="{}" stroke-width="1.2"></path>'
        "</pattern></defs>",
        _hatch_id(chart_id),
        MUTED,
    )


def _suppressed_box(x: float, y: float, size: float, chart_id: str) -> SafeString:
    """A small hatched square with a dashed outline: "there is a number, not shown"."""
    return format_html(
        '<rect class="suppressed" x="{}" y="{}" width="{}" height="{}" fill="url(#{})" '
        'stroke="{}" stroke-width="1" stroke-dasharray="3 2"></rect>',
        f"{x:.1f}",
        f"{y:.1f}",
        f"{size:.1f}",
        f"{size:.1f}",
        _hatch_id(chart_id),
        MUTED,
    )


def _frame(height: float, title: str, body: SafeString, *, chart_id: str) -> SafeString:
    """The outcomes ``<svg>`` wrapper, with the report font and the hatching defined."""
    inner = format_html(
        '{}<g font-family="{}">{}</g>',
        _defs(chart_id),
        FONT_FAMILY,
        body,
    )
    return _svg(math.ceil(height), title, inner, chart_id=chart_id)


def no_data_svg(*, title: str, chart_id: str) -> SafeString:
    """A chart with nothing to draw: its title for screen readers and "No data" in words."""
    body = _text(WIDTH / 2, 36, _("No data"), anchor="middle", fill=MUTED)
    return _frame(56, title, body, chart_id=chart_id)


def _legend(names: Sequence[str], y: float, *, lines: bool = False) -> tuple[SafeString, float]:
    """Coloured keys with the series names, wrapped onto as many rows as needed;
    returns the markup and the y just below it."""
    parts: list[SafeString] = []
    x, row = 12.0, 0
    for i, name in enumerate(names):
        label = clip(name, 24)
        width = 30 + 8 * len(label)
        if x > 12 and x + width > WIDTH - 12:
            x, row = 12.0, row + 1
        top = y + row * 22
        colour = PALETTE[i % len(PALETTE)]
        if lines:
            parts.append(_line(x, top + 8, x + 18, top + 8, colour, 3))
            parts.append(_marker(i, x + 9, top + 8, colour))
        else:
            parts.append(_rect(x, top + 1, 14, 14, colour))
        parts.append(_small_text(x + 22, top + 13, label, fill=INK))
        x += width
    return _join(parts), y + (row + 1) * 22 + 4


# -- horizontal bars ---------------------------------------------------------------------


def bar_chart_svg(
    *,
    title: str,
    points: Sequence[Point],
    chart_id: str,
    unit: str = "",
    thai_digits: bool = False,
) -> SafeString:
    """One horizontal bar per point: the label on the left (up to 17 Thai
    characters), the bar scaled to the largest value, the display text after it. A
    suppressed point gets a hatched marker of fixed size and its text (``< 5``), no bar."""
    if not points:
        return no_data_svg(title=title, chart_id=chart_id)
    left, right, row, bar = 176, 72, 30, 18
    span = WIDTH - left - right
    top_y = 22.0 if unit else 6.0
    scale = _top([_value(p) for p in points])
    parts: list[SafeString] = []
    if unit:
        parts.append(_small_text(WIDTH - 6, 15, unit, anchor="end"))
    parts.append(_line(left, top_y, left, top_y + len(points) * row, GRID))
    for i, point in enumerate(points):
        y = top_y + i * row
        value = _value(point)
        display = digits(point.display, thai=thai_digits)
        label = _text(left - 8, y + 19, clip(point.label, 17), anchor="end")
        if value is None:
            mark = _suppressed_box(left + 2, y + 6, bar, chart_id)
            text = _text(left + bar + 10, y + 19, display, fill=MUTED)
            parts.append(
                _titled(f"{point.label}: {display}", label, mark, text, css_class="suppressed")
            )
            continue
        width = span * max(value, 0.0) / scale
        shape = format_html(
            '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
            f"{left:.1f}",
            f"{y + 6:.1f}",
            f"{width:.1f}",
            bar,
            BRAND,
        )
        text = _text(left + width + 6, y + 19, display)
        parts.append(_titled(f"{point.label}: {display}", label, shape, text))
    return _frame(top_y + len(points) * row + 6, title, _join(parts), chart_id=chart_id)


def grouped_bar_chart_svg(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Point]]],
    chart_id: str,
    thai_digits: bool = False,
) -> SafeString:
    """Per category (e.g. an indicator) a heading line, then one bar per series (e.g.
    model areas, the rest) with the series name on the left, so colour is never the only
    key; a legend on top. ``series[k][1][i]`` is series k's point for ``categories[i]``;
    a point missing from a short series counts as missing."""
    if not categories or not series:
        return no_data_svg(title=title, chart_id=chart_id)
    names = [name for name, _points in series]
    legend, y = _legend(names, 6)
    left, right, row, bar = 150, 72, 24, 16
    span = WIDTH - left - right
    cells = [
        [points[i] if i < len(points) else None for _name, points in series]
        for i in range(len(categories))
    ]
    scale = _top([_value(p) for row_points in cells for p in row_points])
    parts: list[SafeString] = [legend]
    for category, row_points in zip(categories, cells, strict=True):
        parts.append(_bold_text(12, y + 16, clip(category, 48)))
        y += 24
        parts.append(_line(left, y, left, y + len(series) * row, GRID))
        for k, (name, point) in enumerate(zip(names, row_points, strict=True)):
            colour = PALETTE[k % len(PALETTE)]
            label = _small_text(left - 8, y + 16, clip(name, 18), anchor="end", fill=INK)
            value = _value(point)
            display = digits(point.display if point else "–", thai=thai_digits)
            tip = f"{category} · {name}: {display}"
            if value is None:
                mark = _suppressed_box(left + 2, y + 4, bar, chart_id)
                text = _small_text(left + bar + 10, y + 16, display)
                parts.append(_titled(tip, label, mark, text, css_class="suppressed"))
            else:
                width = span * max(value, 0.0) / scale
                shape = format_html(
                    '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                    f"{left:.1f}",
                    f"{y + 4:.1f}",
                    f"{width:.1f}",
                    bar,
                    colour,
                )
                text = _small_text(left + width + 6, y + 16, display, fill=INK)
                parts.append(_titled(tip, label, shape, text))
            y += row
        y += 8
    return _frame(y + 4, title, _join(parts), chart_id=chart_id)


# -- monthly lines -----------------------------------------------------------------------


def month_label(month: dt.date, *, language: str | None = None) -> str:
    """``ม.ค. 69`` (Thai short month, two-digit Buddhist-Era year) or ``Jan 2026``."""
    language = language or get_language() or "th"
    if language.startswith("th"):
        return f"{THAI_MONTHS_SHORT[month.month - 1]} {(month.year + BE_OFFSET) % 100:02d}"
    return f"{EN_MONTHS_SHORT[month.month - 1]} {month.year}"


def _nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) so that ``ticks`` steps cover ``top``."""
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _tick_text(value: float, step: float) -> str:
    places = 0 if float(step).is_integer() else 1
    return str(number_format(round(value, places), decimal_pos=places, force_grouping=True))


def _marker(index: int, x: float, y: float, colour: str) -> SafeString:
    """Circle, square or triangle by series, so lines differ by more than colour."""
    shape = index % 3
    if shape == 0:
        return format_html(
            '<circle cx="{}" cy="{}" r="4" fill="{}"></circle>', f"{x:.1f}", f"{y:.1f}", colour
        )
    if shape == 1:
        return _rect(x - 4, y - 4, 8, 8, colour)
    return format_html(
        '<path d="M{},{} L{},{} L{},{} Z" fill="{}"></path>',
        f"{x:.1f}",
        f"{y - 5:.1f}",
        f"{x + 5:.1f}",
        f"{y + 4:.1f}",
        f"{x - 5:.1f}",
        f"{y + 4:.1f}",
        colour,
    )


def _polyline(points: Sequence[tuple[float, float]], colour: str) -> SafeString:
    return format_html(
        '<polyline class="line" points="{}" fill="none" stroke="{}" stroke-width="2.5" '
        'stroke-linejoin="round"></polyline>',
        " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
        colour,
    )


def line_chart_svg(
    *,
    title: str,
    months: Sequence[dt.date],
    series: Sequence[tuple[str, Sequence[Point]]],
    chart_id: str,
    thai_digits: bool = False,
) -> SafeString:
    """Monthly values as lines, one per series (``series[k][1][i]`` belongs to
    ``months[i]``), on a y axis from zero with round ticks; at most eight month labels.
    A suppressed or missing month breaks the line and shows a hollow dashed marker on the
    axis whose ``<title>`` carries the display text (``< 5``)."""
    if not months or not series:
        return no_data_svg(title=title, chart_id=chart_id)
    language = get_language() or "th"
    legend, top_y = _legend([name for name, _points in series], 6, lines=True)
    left, right, plot = 56, 16, 170
    base = top_y + 10 + plot
    width = WIDTH - left - right
    count = len(months)
    step_x = width / count

    def x_of(i: int) -> float:
        return left + step_x * (i + 0.5)

    values = [
        [_value(points[i]) if i < len(points) else None for i in range(count)]
        for _name, points in series
    ]
    step = _nice_step(_top([v for row in values for v in row]))
    top = step * max(1, math.ceil(_top([v for row in values for v in row]) / step))

    def y_of(value: float) -> float:
        return base - plot * max(value, 0.0) / top

    parts: list[SafeString] = [legend]
    tick = 0.0
    while tick <= top + step / 2:
        y = y_of(tick)
        parts.append(_line(left, y, WIDTH - right, y, GRID))
        parts.append(
            _small_text(
                left - 6, y + 4, digits(_tick_text(tick, step), thai=thai_digits), anchor="end"
            )
        )
        tick += step
    every = max(1, math.ceil(count / 8))
    for i, month in enumerate(months):
        if i % every == 0:
            label = digits(month_label(month, language=language), thai=thai_digits)
            parts.append(_small_text(x_of(i), base + 20, label, anchor="middle"))
    for k, (name, points) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        run: list[tuple[float, float]] = []
        runs: list[list[tuple[float, float]]] = []
        marks: list[SafeString] = []
        for i, month in enumerate(months):
            point = points[i] if i < len(points) else None
            value = values[k][i]
            display = digits(point.display if point else "–", thai=thai_digits)
            tip = f"{name}, {month_label(month, language=language)}: {display}"
            if value is None:
                if run:
                    runs.append(run)
                    run = []
                hollow = format_html(
                    '<circle class="suppressed" cx="{}" cy="{}" r="4" fill="#ffffff" '
                    'stroke="{}" stroke-width="1.5" stroke-dasharray="2 2"></circle>',
                    f"{x_of(i):.1f}",
                    f"{base - 4 * (k + 1):.1f}",
                    colour,
                )
                marks.append(_titled(tip, hollow, css_class="suppressed"))
                continue
            run.append((x_of(i), y_of(value)))
            marks.append(_titled(tip, _marker(k, x_of(i), y_of(value), colour)))
        if run:
            runs.append(run)
        parts.extend(_polyline(r, colour) for r in runs if len(r) > 1)
        parts.extend(marks)
    parts.append(_line(left, base, WIDTH - right, base, INK))
    return _frame(base + 30, title, _join(parts), chart_id=chart_id)
