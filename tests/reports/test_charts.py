"""Report charts: valid SVG under the strict CSP (no style, no script), escaped text,
suppressed values without a length, words when there is no data, BE month labels."""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from django.utils import translation
from django.utils.translation import gettext

from saphan.outcomes.charts import WIDTH
from saphan.reports.charts import (
    Point,
    bar_chart_svg,
    clip,
    grouped_bar_chart_svg,
    line_chart_svg,
    month_label,
)

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]


@pytest.fixture(autouse=True)
def _thai() -> Iterator[None]:
    with translation.override("th"):
        yield


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").split()[2] == str(WIDTH)
    assert root.find(f"{SVG}title") is not None
    lowered = svg.lower()
    assert "style=" not in lowered and "<style" not in lowered
    assert "<script" not in lowered and "javascript:" not in lowered
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def _bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]


POINTS = [
    Point("ผู้สูงอายุ", 1234, "1,234"),
    Point("คนพิการ", 56, "56"),
    Point("ผู้ไร้รัฐ", None, "< 5"),
]


def test_bar_chart_is_csp_safe_svg_with_title_and_labels() -> None:
    root = _parse(bar_chart_svg(title="จำนวนคน", points=POINTS, chart_id="b1", unit="คน"))
    assert root.find(f"{SVG}title").text == "จำนวนคน"  # type: ignore[union-attr]
    texts = _texts(root)
    for expected in ("ผู้สูงอายุ", "คนพิการ", "ผู้ไร้รัฐ", "1,234", "56", "< 5", "คน"):
        assert expected in texts
    bars = _bars(root)
    assert len(bars) == 2
    widths = [float(b.get("width", "0")) for b in bars]
    assert widths[0] > widths[1] > 0


def test_suppressed_point_has_no_bar_length_but_shows_less_than_five() -> None:
    root = _parse(bar_chart_svg(title="t", points=POINTS, chart_id="b2"))
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "suppressed"]
    assert len(groups) == 1
    group = groups[0]
    assert group.find(f"{SVG}title").text == "ผู้ไร้รัฐ: < 5"  # type: ignore[union-attr]
    assert "< 5" in _texts(group)
    rects = list(group.iter(f"{SVG}rect"))
    assert [r.get("class") for r in rects] == ["suppressed"]
    assert rects[0].get("fill") == "url(#b2-hatch)"  # hatched, outlined, fixed size
    assert rects[0].get("stroke-dasharray")
    assert root.find(f".//{SVG}pattern[@id='b2-hatch']") is not None


def test_all_suppressed_or_zero_values_divide_by_nothing() -> None:
    only_suppressed = [Point("ก", None, "< 5"), Point("ข", None, "< 5")]
    root = _parse(bar_chart_svg(title="t", points=only_suppressed, chart_id="z1"))
    assert _bars(root) == [] and _texts(root).count("< 5") == 2
    zeros = [Point("ก", 0, "0"), Point("ข", 0.0, "0"), Point("ค", math.nan, "–")]
    root = _parse(bar_chart_svg(title="t", points=zeros, chart_id="z2"))
    assert [float(b.get("width", "1")) for b in _bars(root)] == [0.0, 0.0]


def test_empty_data_says_no_data_in_the_active_language() -> None:
    for svg in (
        bar_chart_svg(title="t", points=[], chart_id="e1"),
        grouped_bar_chart_svg(title="t", categories=[], series=[], chart_id="e2"),
        grouped_bar_chart_svg(title="t", categories=["ก"], series=[], chart_id="e3"),
        line_chart_svg(title="t", months=[], series=[("ก", [])], chart_id="e4"),
        line_chart_svg(title="t", months=MONTHS, series=[], chart_id="e5"),
    ):
        root = _parse(svg)
        assert _texts(root) == [gettext("No data")]
    with translation.override("en"):
        root = _parse(bar_chart_svg(title="t", points=[], chart_id="e6"))
        assert _texts(root) == ["No data"]


def test_text_is_escaped() -> None:
    evil = '<script>alert("x")</script>&'
    svg = bar_chart_svg(
        title=evil, points=[Point(evil, 1, evil)], chart_id="x1", unit="<b>"
    ) + line_chart_svg(
        title=evil, months=MONTHS[:1], series=[(evil, [Point(evil, None, evil)])], chart_id="x2"
    )
    assert "<script" not in svg and "<b>" not in svg
    root = _parse(bar_chart_svg(title=evil, points=[Point(evil, 1, evil)], chart_id="x3"))
    assert root.find(f"{SVG}title").text == evil  # type: ignore[union-attr]


def test_long_thai_labels_are_clipped_without_cutting_marks() -> None:
    assert clip("ผู้สูงอายุ", 7) == "ผู้สูงอายุ"  # 7 visible characters, marks do not count
    assert clip("ผู้สูงอายุ", 3) == "ผู้สูง…"  # never "ผู้สู…" without its consonant's marks
    assert clip("ผู้สูงอายุ", 2) == "ผู้สู…"
    label = "เด็กในครัวเรือนที่ไม่มีผู้ใหญ่ดูแลและยากจนมาก"
    root = _parse(bar_chart_svg(title="t", points=[Point(label, 3, "3")], chart_id="c1"))
    assert any(t.endswith("…") for t in _texts(root))
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert f"{label}: 3" in titles  # the full label stays in the bar's title


def test_grouped_bars_have_a_legend_and_series_names_per_bar() -> None:
    svg = grouped_bar_chart_svg(
        title="ตัวชี้วัด",
        categories=["ได้รับเบี้ยยังชีพ", "มีบัตรคนพิการ"],
        series=[
            ("พื้นที่ต้นแบบ", [Point("ก", 60, "60%"), Point("ข", None, "< 5")]),
            ("พื้นที่อื่น", [Point("ก", 45, "45%")]),  # short: the second is missing
        ],
        chart_id="g1",
    )
    root = _parse(svg)
    texts = _texts(root)
    assert texts.count("พื้นที่ต้นแบบ") == 3  # legend + one label per category
    assert "ได้รับเบี้ยยังชีพ" in texts and "มีบัตรคนพิการ" in texts
    assert {"60%", "45%", "< 5", "–"} <= set(texts)
    fills = {b.get("fill") for b in _bars(root)}
    assert len(_bars(root)) == 2 and len(fills) == 2  # one colour per series
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "suppressed"]) == 2


def test_month_labels_in_buddhist_era_for_thai_and_english_names_for_english() -> None:
    assert month_label(dt.date(2026, 1, 1)) == "ม.ค. 69"
    assert month_label(dt.date(2000, 12, 1), language="th") == "ธ.ค. 43"
    assert month_label(dt.date(2026, 1, 1), language="en") == "Jan 2026"
    series = [
        ("ผู้สูงอายุ", [Point(str(m), v, str(v)) for m, v in zip(MONTHS, (3, 9, 12, 7), strict=True)])
    ]
    thai = _texts(_parse(line_chart_svg(title="t", months=MONTHS, series=series, chart_id="l1")))
    assert {"พ.ย. 68", "ธ.ค. 68", "ม.ค. 69", "ก.พ. 69"} <= set(thai)
    with translation.override("en"):
        svg = line_chart_svg(title="t", months=MONTHS, series=series, chart_id="l2")
    assert {"Nov 2025", "Jan 2026"} <= set(_texts(_parse(svg)))


def test_line_chart_breaks_at_suppressed_months() -> None:
    points = [Point("a", 10, "10"), Point("b", 12, "12"), Point("c", None, "< 5")]
    points += [Point("d", 15, "15")]
    root = _parse(
        line_chart_svg(title="t", months=MONTHS, series=[("ผู้สูงอายุ", points)], chart_id="l3")
    )
    lines = [p for p in root.iter(f"{SVG}polyline")]
    assert len(lines) == 1  # 10 → 12, then a gap; 15 stands alone as a marker
    assert len(lines[0].get("points", "").split()) == 2
    suppressed = [g for g in root.iter(f"{SVG}g") if g.get("class") == "suppressed"]
    assert len(suppressed) == 1
    assert suppressed[0].find(f"{SVG}title").text == "ผู้สูงอายุ, ม.ค. 69: < 5"  # type: ignore[union-attr]


def test_line_chart_with_only_suppressed_or_zero_values() -> None:
    for values in ((None, None, None, None), (0, 0, 0, 0)):
        points = [Point("x", v, "< 5" if v is None else "0") for v in values]
        _parse(line_chart_svg(title="t", months=MONTHS, series=[("ก", points)], chart_id="l4"))


def test_thai_digits_change_text_but_not_coordinates() -> None:
    svg = bar_chart_svg(title="t", points=POINTS, chart_id="d1", thai_digits=True)
    root = _parse(svg)
    assert {"๑,๒๓๔", "๕๖", "< ๕"} <= set(_texts(root))
    for rect in _bars(root):
        float(rect.get("width", ""))  # still Arabic digits
    line = line_chart_svg(
        title="t",
        months=MONTHS,
        series=[("ก", [Point("x", 1200, "1,200")] * 4)],
        chart_id="d2",
        thai_digits=True,
    )
    texts = _texts(_parse(line))
    assert "ม.ค. ๖๙" in texts and "๐" in texts
