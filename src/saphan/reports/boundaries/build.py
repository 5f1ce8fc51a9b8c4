"""Rebuild ``provinces.json`` and ``districts.json`` from the downloaded boundary sources.

The sources are not kept in the repository (see ``README.md`` in this folder for where
they come from and their licences)::

    uv run python src/saphan/reports/boundaries/build.py \\
        --provinces-svg /tmp/svgmaps/package/thailand.svg \\
        --districts-geojson /tmp/th_adm2.geojson

* ``--provinces-svg``: ``thailand.svg`` from the npm package ``@svg-maps/thailand``
  2.0.0 (CC BY 4.0). Its paths are already in SVG x/y (viewBox 0 0 560 1025); they are
  made absolute, simplified with Douglas–Peucker and rounded to 0.1.
* ``--districts-geojson``: OCHA COD-AB Thailand ADM2 (CC BY 3.0 IGO) as GeoJSON, e.g.
  the simplified ``data-raw/geojson/th_adm2.geojson`` of github.com/piyayut-ch/mapthai.
  Only the project provinces are kept; longitude/latitude are truncated to 0.001°,
  projected per province (equirectangular, x scaled by cos(mid-latitude)) to fit a
  500-unit box, optionally simplified (``--tolerance``) and rounded to 0.1.

Areas are keyed by DOPA codes (the COD-AB ``ADM2_PCODE`` is ``"TH"`` + the DOPA code);
Thai names come from the ``geothai`` package (the same data as Saphan's ``saphan.geo``).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geothai

HERE = Path(__file__).resolve().parent
Point = tuple[float, float]
Ring = list[Point]

#: The 25 project provinces: the settings module holds the one list (it reads only
#: environment variables at import, so the build script can import it without Django).
from saphan.settings import SAPHAN_PROJECT_PROVINCES as PROJECT_PROVINCES  # noqa: E402

DISTRICT_BOX = 500.0
SVG_IDS_TO_SKIP = {"lksg"}  # Lake Songkhla: water, not a province


def _key(name: str) -> str:
    """'Phang-nga', 'Phangnga' → 'phangnga'; 'Buriram', 'Buri Ram' → 'buriram'."""
    return re.sub(r"[^a-z]", "", name.lower())


# -- geometry ---------------------------------------------------------------------------


def _perpendicular(p: Point, a: Point, b: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker on an open polyline (iterative, keeps both ends)."""
    if tolerance <= 0 or len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            distance = _perpendicular(points[i], points[first], points[last])
            if distance > best:
                best, index = distance, i
        if index != -1 and best > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: Ring, tolerance: float) -> Ring:
    """Simplify a closed ring, split at its first point and its farthest point."""
    if ring and ring[0] == ring[-1]:
        ring = ring[:-1]
    if tolerance <= 0 or len(ring) < 4:
        return ring
    far = max(range(len(ring)), key=lambda i: math.dist(ring[0], ring[i]))
    half1 = simplify(ring[: far + 1], tolerance)
    half2 = simplify([*ring[far:], ring[0]], tolerance)
    return half1[:-1] + half2[:-1]


def _num(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def path_d(rings: Iterable[Ring]) -> str:
    """Absolute path data, ``M x y L x y … Z`` per ring, numbers rounded to 0.1."""
    parts = []
    for ring in rings:
        pts: list[str] = []
        for x, y in ring:
            pair = f"{_num(x)} {_num(y)}"
            if not pts or pts[-1] != pair:
                pts.append(pair)
        if len(pts) >= 3:
            parts.append("M" + pts[0] + "L" + " ".join(pts[1:]) + "Z")
    return "".join(parts)


def parse_relative_path(d: str) -> list[Ring]:
    """The svg-maps paths use only ``m`` (with implicit relative line-tos) and ``z``."""
    tokens = re.findall(r"[mMzZlL]|-?\d*\.?\d+(?:e-?\d+)?", d)
    rings: list[Ring] = []
    ring: Ring = []
    x = y = start_x = start_y = 0.0
    command = ""
    numbers: list[float] = []

    def flush() -> None:
        nonlocal x, y, start_x, start_y, ring
        for i in range(0, len(numbers), 2):
            dx, dy = numbers[i], numbers[i + 1]
            relative = command in "ml"
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            if i == 0 and command in "mM":
                if ring:
                    rings.append(ring)
                ring = []
                start_x, start_y = x, y
            ring.append((x, y))
        numbers.clear()

    for part in tokens:
        if part in "mMlL":
            flush()
            command = part
        elif part in "zZ":
            flush()
            if ring:
                rings.append(ring)
            ring = []
            x, y = start_x, start_y
            command = ""
        else:
            numbers.append(float(part))
    flush()
    if ring:
        rings.append(ring)
    return rings


# -- provinces --------------------------------------------------------------------------


def build_provinces(svg_path: Path, tolerance: float) -> dict[str, object]:
    by_name = {_key(p.name_en): p for p in geothai.provinces()}
    text = svg_path.read_text(encoding="utf-8")
    areas: dict[str, dict[str, str]] = {}
    for element in re.findall(r"<path\b[^>]*>", text):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', element))
        svg_id, label = attributes.get("id", ""), attributes.get("aria-label", "")
        if svg_id in SVG_IDS_TO_SKIP:
            continue
        province = by_name.get(_key(label))
        if province is None:
            raise SystemExit(f"no DOPA province for svg path {svg_id!r} ({label!r})")
        rings = [simplify_ring(r, tolerance) for r in parse_relative_path(attributes["d"])]
        areas[province.code] = {"name": province.name_th, "d": path_d(rings)}
    missing = sorted(set(by_name[k].code for k in by_name) - set(areas))
    if missing:
        raise SystemExit(f"provinces without a shape: {missing}")
    match = re.search(r'viewBox="([^"]*)"', text)
    view_box = (match.group(1) if match else "0 0 560 1025").split()
    return {
        "viewBox": [float(view_box[2]), float(view_box[3])],
        "areas": dict(sorted(areas.items())),
    }


# -- districts --------------------------------------------------------------------------


def _truncate(value: float) -> float:
    """Cut to 0.001° (what the committed files were made from); the epsilon keeps
    numbers that are already cut, e.g. 100.568, from dropping to 100.567."""
    sign = 1 if value >= 0 else -1
    return sign * math.floor(abs(value) * 1000 + 1e-6) / 1000


def _polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    coordinates = geometry["coordinates"]
    polygons = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
    return [
        [[(_truncate(float(x)), _truncate(float(y))) for x, y in ring] for ring in polygon]
        for polygon in polygons
    ]


def build_districts(
    geojson_path: Path, provinces: Sequence[str], tolerance: float
) -> dict[str, object]:
    names = {d.code: d.name_th for p in provinces for d in geothai.districts(p)}
    features = json.loads(geojson_path.read_text(encoding="utf-8"))["features"]
    shapes: dict[str, dict[str, list[list[Ring]]]] = {p: {} for p in provinces}
    for feature in features:
        code = str(feature["properties"]["ADM2_PCODE"]).removeprefix("TH")
        if code[:2] in shapes:
            shapes[code[:2]][code] = _polygons(feature["geometry"])
    result: dict[str, object] = {}
    for province, districts in sorted(shapes.items()):
        expected = {c for c in names if c[:2] == province}
        if expected - set(districts):
            raise SystemExit(
                f"{province}: districts without a shape {sorted(expected - set(districts))}"
            )
        points = [
            p for polys in districts.values() for poly in polys for ring in poly for p in ring
        ]
        west, east = min(p[0] for p in points), max(p[0] for p in points)
        south, north = min(p[1] for p in points), max(p[1] for p in points)
        x_scale = math.cos(math.radians((north + south) / 2))
        scale = DISTRICT_BOX / max((east - west) * x_scale, north - south)
        width, height = (east - west) * x_scale * scale, (north - south) * scale

        def project(
            p: Point,
            west: float = west,
            north: float = north,
            s: float = scale,
            xs: float = x_scale,
        ) -> Point:
            return ((p[0] - west) * xs * s, (north - p[1]) * s)

        areas = {}
        for code, polys in sorted(districts.items()):
            if code not in names:
                print(f"skipping {code}: not a current DOPA district", file=sys.stderr)
                continue
            rings = [
                simplify_ring([project(p) for p in ring], tolerance)
                for poly in polys
                for ring in poly
            ]
            areas[code] = {"name": names[code], "d": path_d(rings)}
        result[province] = {"viewBox": [round(width, 1), round(height, 1)], "areas": areas}
    return result


def _project_provinces() -> list[str]:
    return sorted(PROJECT_PROVINCES)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--provinces-svg", type=Path)
    parser.add_argument("--districts-geojson", type=Path)
    parser.add_argument("--province-tolerance", type=float, default=0.6)
    parser.add_argument("--tolerance", type=float, default=0.0, help="district simplification")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    outputs = []
    if args.provinces_svg:
        provinces = build_provinces(args.provinces_svg, args.province_tolerance)
        outputs.append(("provinces.json", provinces))
    if args.districts_geojson:
        districts = build_districts(args.districts_geojson, _project_provinces(), args.tolerance)
        outputs.append(("districts.json", districts))
    if not outputs:
        parser.error("give --provinces-svg and/or --districts-geojson")
    for name, data in outputs:
        path = args.out / name
        path.write_text(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
        )
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
