"""Report maps: bundled boundaries keyed by DOPA codes (all 77 provinces, every district of
the 25 project provinces), valid SVG under the strict CSP, suppressed areas without a
number, quantile classes in the legend, links, outlines, escaping and speed."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import geothai
import pytest
from django.conf import settings
from django.utils import translation

from saphan.reports.maps import (
    BOUNDARIES_DIR,
    BOUNDARY_CREDIT,
    NO_DATA_FILL,
    NO_DATA_LABEL,
    SCALE,
    SUPPRESSED_LABEL,
    MapValue,
    choropleth_svg,
    district_boundaries,
    district_codes_with_boundaries,
    map_classes,
    province_boundaries,
)

SVG = "{http://www.w3.org/2000/svg}"
PROJECT = list(settings.SAPHAN_PROJECT_PROVINCES)


@pytest.fixture(autouse=True)
def _thai() -> Iterator[None]:
    with translation.override("th"):
        yield


def _parse(svg: str) -> ET.Element:
    assert "style=" not in svg
    assert "<style" not in svg
    assert "<script" not in svg.lower()
    assert "foreignObject" not in svg
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert root.get("aria-labelledby") == title.get("id")
    return root


def _areas(root: ET.Element) -> dict[str, ET.Element]:
    return {
        p.get("data-code", ""): p
        for p in root.iter(f"{SVG}path")
        if (p.get("class") or "").startswith("area")
    }


def _legend_texts(root: ET.Element) -> list[str]:
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    return ["".join(t.itertext()) for t in legend.iter(f"{SVG}text")]


def _value(code: str, number: float) -> MapValue:
    return MapValue(code=code, value=number, display=f"{number:,.0f}")


# -- the data ------------------------------------------------------------------------------


def test_all_77_provinces_keyed_by_dopa_code_with_thai_names() -> None:
    expected = {p.code: p.name_th for p in geothai.provinces()}
    bounds = province_boundaries()
    assert len(expected) == 77
    assert {code: name for code, (name, _d) in bounds.areas.items()} == expected
    assert bounds.areas["55"][0] == "น่าน"
    assert bounds.areas["10"][0] == "กรุงเทพมหานคร"
    for _name, d in bounds.areas.values():
        assert re.fullmatch(r"(M[\d. ]+L[\d. ]+Z)+", d)


@pytest.mark.django_db
def test_province_codes_match_the_geography_tables() -> None:
    from saphan.geo.models import Province

    assert set(province_boundaries().areas) == set(Province.objects.values_list("code", flat=True))


@pytest.mark.parametrize("province", PROJECT)
def test_every_district_of_each_project_province_has_a_boundary(province: str) -> None:
    expected = {d.code: d.name_th for d in geothai.districts(province)}
    bounds = district_boundaries(province)
    assert bounds is not None
    assert {code: name for code, (name, _d) in bounds.areas.items()} == expected
    assert max(bounds.width, bounds.height) == pytest.approx(500, abs=0.1)
    for _name, d in bounds.areas.values():
        assert re.fullmatch(r"(M[\d. ]+L[\d. ]+Z)+", d)


def test_district_codes_with_boundaries_are_the_project_provinces_districts() -> None:
    expected = {d.code for p in PROJECT for d in geothai.districts(p)}
    assert len(expected) == 293
    assert district_codes_with_boundaries() == expected
    assert district_boundaries("50") is None  # Chiang Mai: not a project province


def test_bundled_files_stay_small() -> None:
    sizes = {p.name: p.stat().st_size for p in BOUNDARIES_DIR.glob("*.json")}
    assert set(sizes) == {"provinces.json", "districts.json"}
    assert sum(sizes.values()) < 300_000
    assert (BOUNDARIES_DIR / "README.md").exists()


def test_credit_names_both_sources_and_licences() -> None:
    for needle in ("@svg-maps/thailand", "CC BY 4.0", "OCHA", "CC BY 3.0 IGO"):
        assert needle in BOUNDARY_CREDIT


# -- classes -------------------------------------------------------------------------------


def test_quantile_classes_hold_the_values_in_order() -> None:
    values = [_value(f"{i:02d}", i * 10) for i in range(1, 11)]
    classes = map_classes(values)
    assert len(classes) == 5
    assert [c.colour for c, _codes in classes] == list(SCALE)
    assert [c.label for c, _codes in classes] == [
        "10 – 20",
        "30 – 40",
        "50 – 60",
        "70 – 80",
        "90 – 100",
    ]
    assert sorted(classes[0][1]) == ["01", "02"]


def test_equal_values_share_a_class_and_few_values_make_few_classes() -> None:
    values = [_value("a", 1), _value("b", 1), _value("c", 1), _value("d", 7)]
    classes = map_classes(values)
    assert [(c.label, sorted(codes)) for c, codes in classes] == [
        ("1", ["a", "b", "c"]),
        ("7", ["d"]),
    ]
    assert [c.colour for c, _codes in classes] == [SCALE[0], SCALE[-1]]
    single = map_classes([_value("a", 3)])
    assert [c.colour for c, _codes in single] == [SCALE[2]]


def test_suppressed_missing_and_non_finite_values_are_not_classed() -> None:
    values = [
        MapValue("a", 3, "< 5", suppressed=True),
        MapValue("b", None, "–"),
        MapValue("c", float("nan"), "?"),
        _value("d", 12),
    ]
    assert [sorted(codes) for _c, codes in map_classes(values)] == [["d"]]
    assert map_classes([]) == []


# -- the province map ----------------------------------------------------------------------


def _province_values() -> dict[str, MapValue]:
    values = {code: _value(code, 100 + i * 37) for i, code in enumerate(PROJECT)}
    values["55"] = MapValue("55", 3, "< 5", suppressed=True)
    return values


def test_province_map_is_valid_svg_with_a_title_per_area() -> None:
    svg = choropleth_svg(level="province", values=_province_values(), title="คนในทะเบียน")
    root = _parse(svg)
    areas = _areas(root)
    assert len(areas) == 77
    for code, path in areas.items():
        title = path.find(f"{SVG}title")
        assert title is not None
        assert title.text and title.text.startswith(province_boundaries().areas[code][0])
    assert areas["30"].find(f"{SVG}title").text == "นครราชสีมา: 322"  # type: ignore[union-attr]


def test_suppressed_area_is_hatched_and_shows_no_number() -> None:
    svg = choropleth_svg(level="province", values=_province_values(), title="t", chart_id="m1")
    root = _parse(svg)
    nan = _areas(root)["55"]
    assert "suppressed" in (nan.get("class") or "")
    assert nan.get("fill") == "url(#m1-hatch)"
    assert root.find(f".//{SVG}pattern[@id='m1-hatch']") is not None
    title = nan.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert "< 5" in title.text
    assert "3" not in title.text
    assert SUPPRESSED_LABEL in _legend_texts(root)


def test_areas_without_a_value_are_grey_and_in_the_legend() -> None:
    root = _parse(choropleth_svg(level="province", values=_province_values(), title="t"))
    chiang_mai = _areas(root)["50"]
    assert chiang_mai.get("fill") == NO_DATA_FILL
    assert "no-data" in (chiang_mai.get("class") or "")
    assert chiang_mai.find(f"{SVG}title").text == f"เชียงใหม่: {NO_DATA_LABEL}"  # type: ignore[union-attr]
    assert NO_DATA_LABEL in _legend_texts(root)


def test_legend_classes_contain_the_values() -> None:
    values = _province_values()
    root = _parse(choropleth_svg(level="province", values=values, title="t"))
    areas = _areas(root)
    ranges = {}
    for text in _legend_texts(root):
        if m := re.fullmatch(r"([\d,]+)(?: – ([\d,]+))?", text):
            low = float(m.group(1).replace(",", ""))
            ranges[low] = float((m.group(2) or m.group(1)).replace(",", ""))
    assert len(ranges) == 5
    fills = {}
    for code, value in values.items():
        if value.suppressed:
            continue
        assert value.value is not None
        matching = [low for low, high in ranges.items() if low <= value.value <= high]
        assert len(matching) == 1, (code, value)
        fills.setdefault(matching[0], set()).add(areas[code].get("fill"))
    assert all(len(f) == 1 for f in fills.values())  # one colour per class
    assert {f.pop() for f in fills.values()} == set(SCALE)


def test_links_only_when_a_pattern_is_given() -> None:
    plain = choropleth_svg(level="province", values={}, title="t")
    assert "<a " not in plain
    linked = choropleth_svg(
        level="province", values={}, title="t", link_pattern="/reports/provinces/{code}/"
    )
    root = _parse(linked)
    hrefs = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert len(hrefs) == 77
    assert "/reports/provinces/55/" in hrefs


def test_text_is_escaped() -> None:
    evil = '<script>alert("x")</script> & co'
    svg = choropleth_svg(
        level="province",
        values={"55": MapValue("55", 12, "<b>12</b>")},
        title=evil,
        legend_title=evil,
        chart_id='m"><script>',
    )
    assert "<script" not in svg
    assert "<b>" not in svg
    root = _parse(svg)
    assert root.find(f"{SVG}title").text == evil  # type: ignore[union-attr]
    assert _areas(root)["55"].find(f"{SVG}title").text == "น่าน: <b>12</b>"  # type: ignore[union-attr]


def test_province_map_renders_in_a_few_milliseconds() -> None:
    values = _province_values()
    choropleth_svg(level="province", values=values, title="t")  # warm the caches
    start = time.perf_counter()
    for _ in range(10):
        choropleth_svg(level="province", values=values, title="t", link_pattern="/p/{code}/")
    assert (time.perf_counter() - start) / 10 < 0.05


# -- the district map ----------------------------------------------------------------------


def test_district_map_of_nan_with_model_area_outlines() -> None:
    values = {"5501": _value("5501", 40), "5502": MapValue("5502", None, "< 5", suppressed=True)}
    svg = choropleth_svg(
        level="district",
        province_code="55",
        values=values,
        title="น่าน",
        highlight={"5501", "5507", "9999"},
        highlight_label="พื้นที่ต้นแบบ",
        link_pattern="/d/{code}/",
    )
    root = _parse(svg)
    areas = _areas(root)
    assert set(areas) == {d.code for d in geothai.districts("55")}
    assert areas["5501"].find(f"{SVG}title").text == "เมืองน่าน: 40"  # type: ignore[union-attr]
    outlines = {
        p.get("data-code") for p in root.iter(f"{SVG}path") if p.get("class") == "highlight"
    }
    assert outlines == {"5501", "5507"}
    legend = _legend_texts(root)
    assert legend[0] == "40"
    assert SUPPRESSED_LABEL in legend
    assert NO_DATA_LABEL in legend
    assert "พื้นที่ต้นแบบ" in legend
    assert "/d/5501/" in {a.get("href") for a in root.iter(f"{SVG}a")}


def test_district_map_needs_a_province() -> None:
    with pytest.raises(ValueError, match="province_code"):
        choropleth_svg(level="district", values={}, title="t")
    with pytest.raises(ValueError, match="unknown"):
        choropleth_svg(level="district", province_code="99", values={}, title="t")


def test_province_without_boundaries_gets_a_labelled_schematic_not_a_map() -> None:
    svg = choropleth_svg(
        level="district",
        province_code="50",
        values={"5001": _value("5001", 9)},
        title="เชียงใหม่",
    )
    root = _parse(svg)
    assert set(_areas(root)) == {d.code for d in geothai.districts("50")}
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert any("แผนผัง" in t or "Schematic" in t for t in texts)
    assert "เมืองเชียงใหม่" in texts
