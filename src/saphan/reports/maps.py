"""Choropleth maps of Thailand drawn on the server as SVG — no tiles, no CDN, no script.

Two levels:

* ``level="province"``: the 77 provinces (``boundaries/provinces.json``, from the npm
  package ``@svg-maps/thailand``, CC BY 4.0);
* ``level="district"``: the districts (อำเภอ) of one province (``boundaries/districts.json``,
  OCHA COD-AB 2019 from the Royal Thai Survey Department, CC BY 3.0 IGO), for the 25
  project provinces. Any other province gets a **schematic** grid of labelled tiles that
  says in words that it is not a map — boundaries are never invented.

Areas are keyed by DOPA codes (2 digits for a province, 4 for a district). See
``boundaries/README.md`` for the sources, licences and how the files are rebuilt.

Colours: up to five **quantile classes** over the values on the map (each class holds
about the same number of areas; equal values always share a class), light to dark. The
legend shows, per class, the lowest and the highest value in it, written as the callers'
own display text (``"12"``, ``"12.5%"``). Suppressed areas are hatched and show their
display text (``"< 5"``), never a number; areas without a value are light grey.

The markup obeys the pages' Content-Security-Policy (no scripts, no ``style`` attributes
or elements: presentation attributes only), escapes every text with ``format_html``, and
uses nothing WeasyPrint cannot draw (paths, a pattern, text, links). Every area has a
``<title>`` (name and value) for tooltips and screen readers; the ``<svg>`` has
``role="img"`` and a title.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from saphan.outcomes.charts import INK, MUTED
from saphan.reports.charts import FONT_FAMILY, clip

BOUNDARIES_DIR = Path(__file__).resolve().parent / "boundaries"

#: Sequential scale, light to dark (the house teal; the darkest is near ``BRAND``).
SCALE = ("#c9e7e1", "#93cbc2", "#56a79c", "#257d72", "#0b4f48")
NO_DATA_FILL = "#eceff0"
NO_DATA_STROKE = "#c3ccd1"
AREA_STROKE = "#ffffff"
HATCH_BACKGROUND = "#f7f9fa"
#: Legend texts (the same in both languages, as on the printed reports).
SUPPRESSED_LABEL = "< 5 (ซ่อนไว้ / suppressed)"
NO_DATA_LABEL = "ไม่มีข้อมูล / no data"

#: Credit line to show under every map (CC BY requires attribution).
BOUNDARY_CREDIT = (
    "ขอบเขตจังหวัด: @svg-maps/thailand (MapSVG), CC BY 4.0; "
    "ขอบเขตอำเภอ: OCHA / กรมแผนที่ทหาร (COD-AB 2019), CC BY 3.0 IGO; ปรับให้เรียบง่าย "
    "— Boundaries: @svg-maps/thailand (MapSVG), CC BY 4.0; "
    "OCHA / Royal Thai Survey Department (COD-AB 2019), CC BY 3.0 IGO; simplified, "
    "not authoritative."
)

LEGEND_ROW = 24.0
LEGEND_WIDTH = 250.0
FONT_SIZE = 15


@dataclass(frozen=True)
class MapValue:
    """The number for one area.

    ``value`` is ``None`` when there is no number to show (suppressed or no data);
    ``display`` is the text for the tooltip and legend: ``"1,234"``, ``"< 5"``, ``"12.5%"``.
    """

    code: str
    value: float | None
    display: str
    suppressed: bool = False


@dataclass(frozen=True)
class Boundaries:
    """Areas of one map: ``areas[code] = (Thai name, SVG path data)`` in a ``width`` ×
    ``height`` box."""

    width: float
    height: float
    areas: Mapping[str, tuple[str, str]]


@dataclass(frozen=True)
class MapClass:
    """One colour class: its colour and the lowest and highest value in it."""

    colour: str
    low: MapValue
    high: MapValue

    @property
    def label(self) -> str:
        if self.low.display == self.high.display:
            return self.low.display
        return f"{self.low.display} – {self.high.display}"


# -- boundary data -------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _load(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((BOUNDARIES_DIR / name).read_text(encoding="utf-8"))
    return data


def _boundaries(raw: object) -> Boundaries:
    assert isinstance(raw, dict)
    width, height = raw["viewBox"]
    areas = {code: (str(a["name"]), str(a["d"])) for code, a in raw["areas"].items()}
    return Boundaries(width=float(width), height=float(height), areas=areas)


@lru_cache(maxsize=1)
def province_boundaries() -> Boundaries:
    """The 77 provinces, keyed by their 2-digit DOPA code."""
    return _boundaries(_load("provinces.json"))


@lru_cache(maxsize=128)
def district_boundaries(province_code: str) -> Boundaries | None:
    """The districts of one province keyed by 4-digit DOPA code, or ``None`` when the
    province has no district boundaries (it is not a project province)."""
    raw = _load("districts.json").get(province_code)
    return None if raw is None else _boundaries(raw)


@lru_cache(maxsize=1)
def district_codes_with_boundaries() -> frozenset[str]:
    """Every district code that has a real boundary."""
    data = _load("districts.json")
    return frozenset(
        code
        for province in data.values()
        if isinstance(province, dict)
        for code in province["areas"]
    )


def province_codes_with_district_boundaries() -> frozenset[str]:
    return frozenset(_load("districts.json"))


# -- classes -------------------------------------------------------------------------------


def _number(value: MapValue | None) -> float | None:
    """The value to colour by, or None when suppressed, missing or not finite."""
    if value is None or value.suppressed or value.value is None:
        return None
    number = float(value.value)
    return number if math.isfinite(number) else None


def map_classes(values: Iterable[MapValue], classes: int = 5) -> list[tuple[MapClass, set[str]]]:
    """Quantile classes (at most ``classes``) of the values that have a number.

    Returns each class with the codes in it, lowest class first. Equal values always
    share a class, so there are fewer classes when there are few distinct values; the
    colours are then spread over the whole scale.
    """
    ranked = sorted(
        ((n, v) for v in values if (n := _number(v)) is not None), key=lambda item: item[0]
    )
    if not ranked:
        return []
    count = len(ranked)
    wanted = max(1, min(classes, len({n for n, _v in ranked}), len(SCALE)))
    groups: dict[int, list[MapValue]] = {}
    first_rank: dict[float, int] = {}
    for rank, (number, value) in enumerate(ranked):
        first = first_rank.setdefault(number, rank)
        groups.setdefault(min(wanted - 1, first * wanted // count), []).append(value)
    used = [groups[key] for key in sorted(groups)]
    result = []
    for index, members in enumerate(used):
        if len(used) == 1:
            colour = SCALE[len(SCALE) // 2]
        else:
            colour = SCALE[round(index * (len(SCALE) - 1) / (len(used) - 1))]
        result.append(
            (MapClass(colour=colour, low=members[0], high=members[-1]), {m.code for m in members})
        )
    return result


# -- drawing helpers -----------------------------------------------------------------------


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _hatch_id(chart_id: str) -> str:
    return f"{chart_id}-hatch"


def _defs(chart_id: str) -> SafeString:
    """Diagonal hatching over a pale background: "there is a number, not shown"."""
    return format_html(
        '<defs><pattern id="{}" patternUnits="userSpaceOnUse" width="6" height="6">'
        '<rect x="0" y="0" width="6" height="6" fill="{}"></rect>'
        '<path d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5" stroke="{}" stroke-width="1.2"></path>'
        "</pattern></defs>",
        _hatch_id(chart_id),
        HATCH_BACKGROUND,
        MUTED,
    )


def _join(parts: Iterable[SafeString]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every part comes from format_html


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: int = FONT_SIZE,
    bold: bool = False,
    anchor: str = "start",
    fill: str = INK,
) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" font-size="{}"{} text-anchor="{}" fill="{}">{}</text>',
        _f(x),
        _f(y),
        size,
        mark_safe(' font-weight="700"') if bold else "",
        anchor,
        fill,
        text,
    )


@dataclass(frozen=True)
class _Look:
    fill: str
    stroke: str
    css_class: str
    tooltip: str


def _looks(
    bounds: Boundaries,
    values: Mapping[str, MapValue],
    colours: Mapping[str, str],
    chart_id: str,
    no_data_label: str,
) -> dict[str, _Look]:
    looks = {}
    for code, (name, _d) in bounds.areas.items():
        value = values.get(code)
        if code in colours and value is not None:
            looks[code] = _Look(colours[code], AREA_STROKE, "area", f"{name}: {value.display}")
        elif value is not None and value.suppressed:
            looks[code] = _Look(
                f"url(#{_hatch_id(chart_id)})",
                MUTED,
                "area suppressed",
                f"{name}: {value.display or '< 5'} ({_('suppressed')})",
            )
        else:
            shown = value.display if value is not None and value.display else no_data_label
            looks[code] = _Look(NO_DATA_FILL, NO_DATA_STROKE, "area no-data", f"{name}: {shown}")
    return looks


def _area(
    code: str, d: str, look: _Look, stroke_width: float, link_pattern: str | None
) -> SafeString:
    path = format_html(
        '<path class="{}" data-code="{}" d="{}" fill="{}" stroke="{}" stroke-width="{}" '
        'stroke-linejoin="round"><title>{}</title></path>',
        look.css_class,
        code,
        d,
        look.fill,
        look.stroke,
        _f(stroke_width),
        look.tooltip,
    )
    if link_pattern is None:
        return path
    return format_html('<a href="{}">{}</a>', link_pattern.format(code=code), path)


def _highlights(
    areas: Mapping[str, tuple[str, str]], highlight: Collection[str], stroke_width: float
) -> SafeString:
    return _join(
        format_html(
            '<path class="highlight" data-code="{}" d="{}" fill="none" stroke="{}" '
            'stroke-width="{}" stroke-linejoin="round" pointer-events="none"></path>',
            code,
            areas[code][1],
            INK,
            _f(stroke_width),
        )
        for code in sorted(set(highlight) & set(areas))
    )


@dataclass(frozen=True)
class _Entry:
    label: str
    fill: str
    stroke: str
    dashed: bool = False
    outline_only: bool = False


def _legend(entries: Sequence[_Entry], x: float, y: float, title: str | None) -> SafeString:
    parts: list[SafeString] = []
    if title:
        parts.append(_text(x, y + 15, clip(title, 30), bold=True))
        y += LEGEND_ROW
    for entry in entries:
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="22" height="15" fill="{}" stroke="{}" '
                'stroke-width="{}"{}></rect>',
                _f(x),
                _f(y + 3),
                "none" if entry.outline_only else entry.fill,
                entry.stroke,
                "2.2" if entry.outline_only else "1",
                mark_safe(' stroke-dasharray="3 2"') if entry.dashed else "",
            )
        )
        parts.append(_text(x + 30, y + 16, entry.label))
        y += LEGEND_ROW
    return format_html('<g class="legend">{}</g>', _join(parts))


def _frame(
    view_box: tuple[float, float, float, float],
    title: str,
    body: SafeString,
    chart_id: str,
    level: str,
) -> SafeString:
    return format_html(
        '<svg class="chart map map-{}" id="{}" viewBox="{} {} {} {}" width="100%" role="img" '
        'aria-labelledby="{}-title" xmlns="http://www.w3.org/2000/svg" '
        'preserveAspectRatio="xMidYMin meet"><title id="{}-title">{}</title>'
        '<g font-family="{}">{}</g></svg>',
        level,
        chart_id,
        *(_f(v) for v in view_box),
        chart_id,
        chart_id,
        title,
        FONT_FAMILY,
        body,
    )


# -- the map -------------------------------------------------------------------------------

TILE_W, TILE_H, TILE_GAP, TILE_COLUMNS, TILE_TOP = 128.0, 52.0, 4.0, 4, 30.0


@lru_cache(maxsize=128)
def _schematic_boundaries(province_code: str) -> Boundaries:
    """Labelled tiles in code order for a province without district boundaries."""
    import geothai

    districts = sorted(geothai.districts(province_code), key=lambda d: d.code)
    if not districts:
        raise ValueError(f"unknown province {province_code!r}")
    areas = {}
    for index, district in enumerate(districts):
        x = (index % TILE_COLUMNS) * (TILE_W + TILE_GAP)
        y = TILE_TOP + (index // TILE_COLUMNS) * (TILE_H + TILE_GAP)
        areas[district.code] = (
            district.name_th,
            f"M{_f(x)} {_f(y)}h{_f(TILE_W)}v{_f(TILE_H)}h{_f(-TILE_W)}Z",
        )
    rows = math.ceil(len(districts) / TILE_COLUMNS)
    return Boundaries(
        width=TILE_COLUMNS * (TILE_W + TILE_GAP) - TILE_GAP,
        height=TILE_TOP + rows * (TILE_H + TILE_GAP) - TILE_GAP,
        areas=areas,
    )


def _tile_labels(
    bounds: Boundaries, values: Mapping[str, MapValue], colours: Mapping[str, str]
) -> SafeString:
    parts = [
        _text(
            0,
            16,
            _("Schematic layout, not a map: no district boundaries for this province."),
            size=13,
            fill=MUTED,
        )
    ]
    for index, (code, (name, _d)) in enumerate(bounds.areas.items()):
        x = (index % TILE_COLUMNS) * (TILE_W + TILE_GAP)
        y = TILE_TOP + (index // TILE_COLUMNS) * (TILE_H + TILE_GAP)
        ink = "#ffffff" if colours.get(code) in SCALE[3:] else INK
        value = values.get(code)
        parts.append(_text(x + 6, y + 20, clip(name, 15), size=13, fill=ink))
        parts.append(_text(x + 6, y + 40, value.display if value else "–", size=13, fill=ink))
    return format_html('<g class="labels" pointer-events="none">{}</g>', _join(parts))


def choropleth_svg(
    *,
    level: Literal["province", "district"],
    values: Mapping[str, MapValue],
    title: str,
    province_code: str | None = None,
    link_pattern: str | None = None,
    highlight: Collection[str] = (),
    chart_id: str = "map",
    classes: int = 5,
    legend_title: str | None = None,
    highlight_label: str | None = None,
    suppressed_label: str = SUPPRESSED_LABEL,
    no_data_label: str = NO_DATA_LABEL,
) -> SafeString:
    """A choropleth of the provinces of Thailand, or of the districts of one province.

    ``values`` maps DOPA codes to :class:`MapValue`; areas not in it are "no data".
    ``link_pattern`` (``"/reports/provinces/{code}/"``) makes each area a link;
    ``highlight`` codes get a thick dark outline (e.g. model areas), explained in the
    legend by ``highlight_label``; ``legend_title`` is written above the legend. A
    province without district boundaries gets the schematic tiles instead of a map.
    """
    schematic = False
    if level == "province":
        bounds = province_boundaries()
    elif level == "district":
        if not province_code:
            raise ValueError("level='district' needs province_code")
        found = district_boundaries(province_code)
        schematic = found is None
        bounds = found or _schematic_boundaries(province_code)
    else:
        raise ValueError(f"unknown map level {level!r}")
    on_map = {code: v for code, v in values.items() if code in bounds.areas}
    class_list = map_classes(on_map.values(), classes)
    colours = {code: c.colour for c, codes in class_list for code in codes}
    looks = _looks(bounds, on_map, colours, chart_id, no_data_label)

    province_level = level == "province"
    stroke = 0.5 if province_level else 1.0
    areas = _join(
        _area(code, d, looks[code], stroke, link_pattern)
        for code, (_name, d) in bounds.areas.items()
    )
    shown_highlight = set(highlight) & set(bounds.areas)
    outlines = _highlights(bounds.areas, shown_highlight, 2.2 if province_level else 3.2)
    entries = [_Entry(c.label, c.colour, c.colour) for c, _codes in class_list]
    kinds = {look.css_class for look in looks.values()}
    if "area suppressed" in kinds:
        hatch = f"url(#{_hatch_id(chart_id)})"
        entries.append(_Entry(suppressed_label, hatch, MUTED, dashed=True))
    if "area no-data" in kinds:
        entries.append(_Entry(no_data_label, NO_DATA_FILL, NO_DATA_STROKE))
    if shown_highlight:
        label = highlight_label or _("Model area")
        entries.append(_Entry(label, "none", INK, outline_only=True))

    width, height = bounds.width, bounds.height
    legend_h = LEGEND_ROW * (len(entries) + (1 if legend_title else 0))
    if province_level:
        # The Gulf of Thailand, lower right of the 560 × 1025 box, is empty: legend there.
        legend = _legend(entries, 300, 630, legend_title)
        view_box = (0.0, 0.0, width, max(height, 630 + legend_h))
    elif width <= 0.8 * height:
        legend = _legend(entries, width + 20, 0, legend_title)
        view_box = (-6.0, -6.0, width + 26 + LEGEND_WIDTH, max(height, legend_h) + 12)
    else:
        legend = _legend(entries, 0, height + 16, legend_title)
        view_box = (-6.0, -6.0, max(width, LEGEND_WIDTH) + 12, height + 28 + legend_h)
    body = [_defs(chart_id), format_html('<g class="areas">{}</g>', areas), outlines, legend]
    if schematic:
        body.append(_tile_labels(bounds, on_map, colours))
    return _frame(view_box, title, _join(body), chart_id, level)
