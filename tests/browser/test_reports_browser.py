"""The coordinator of Nan opens the province statistics, switches the map's indicator
(htmx swaps the map), opens a table view, and downloads the XLSX and the PDF; an analyst
then sees the national map with small numbers hidden.

``SAPHAN_SCREENSHOTS=1`` also writes the province dashboard and the national map to
``docs/screenshots/``.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def reports_world(demo_world: None, settings: Any) -> None:
    import importlib

    from django.apps import apps

    from saphan.demo.people import demo_people_load
    from saphan.demo.reports import demo_reports_load
    from saphan.watch.catalogue import watch_rules_install
    from saphan.watch.engine import watch_evaluate

    settings.SAPHAN_STATS_REFRESH_ON_WRITE = False
    # A transactional test starts from flushed tables: put back the shipped watch rules
    # and the welfare schemes that migrations load.
    watch_rules_install()
    importlib.import_module("saphan.rights.migrations.0002_seed_schemes").seed(apps, None)
    demo_people_load(500, workers=0, analyze=False)
    watch_evaluate()
    demo_reports_load(progress=lambda _line: None)


def _screenshot(page: Any, name: str) -> None:
    if os.environ.get("SAPHAN_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_province_dashboard_map_switch_and_downloads(
    page: Any, live_server: Any, reports_world: None, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    base = live_server.url
    page.set_viewport_size({"width": 1100, "height": 900})
    login(page, base, "coord.nan")
    page.locator("#nav-statistics").first.click()
    page.goto(f"{base}/reports/provinces/55/")
    assert page.locator("h1").inner_text().startswith("สถิติจังหวัด")
    assert page.locator("#province-map").count() == 1
    people_title = page.locator("#province-map title").first.text_content()

    # Switching the indicator swaps only the map (htmx), no page load.
    page.evaluate("window.__marker = 1")
    with page.expect_response(re.compile(r"part=map")):
        page.select_option("#indicator", "watch_open")
    page.wait_for_function("document.querySelector('#province-map title') !== null")
    assert page.evaluate("window.__marker") == 1
    new_title = page.locator("#province-map title").first.text_content()
    assert new_title != people_title and "เฝ้าระวัง" in new_title
    # Model areas of the demo are outlined and compared.
    assert page.locator("#model-compare").count() == 1

    page.locator("#section-people summary").click()
    assert page.locator("#table-people").is_visible()
    _screenshot(page, "reports-province.png")

    with page.expect_download() as xlsx_info:
        page.locator("#download-xlsx").click()
    xlsx_path = tmp_path / "province.xlsx"
    xlsx_info.value.save_as(xlsx_path)
    book = openpyxl.load_workbook(xlsx_path)
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "ผู้สูงอายุ" in cells

    with page.expect_download() as pdf_info:
        page.locator("#download-pdf").click()
    pdf_path = tmp_path / "province.pdf"
    pdf_info.value.save_as(pdf_path)
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    text = unicodedata.normalize("NFKD", "\n".join(p.extract_text() or "" for p in reader.pages))
    for thai in ("น่าน", "ผู้สูงอายุ", "การแจ้งเตือนเฝ้าระวัง", "จำนวนคนแยกตามกลุ่ม"):
        assert unicodedata.normalize("NFKD", thai) in text, thai


def test_analyst_national_map_hides_small_numbers(
    page: Any, live_server: Any, reports_world: None
) -> None:
    base = live_server.url
    page.set_viewport_size({"width": 1100, "height": 900})
    login(page, base, "analyst")
    page.goto(f"{base}/reports/")
    assert page.locator("#national-map").count() == 1
    side = page.locator("#side-by-side").inner_text()
    assert "< 5" in side
    # People, flags and rights gaps were counted (the rules and schemes are installed;
    # this world has no cases).
    total_row = page.locator("#side-by-side tfoot tr").inner_text().split("\t")
    assert all(cell.strip() not in ("", "0") for cell in total_row[1:5]), total_row
    with page.expect_response(re.compile(r"part=map")):
        page.select_option("#indicator", "rights_gap_baht")
    page.wait_for_function(
        "document.querySelector('#national-map title').textContent.includes('บาท')"
    )
    _screenshot(page, "reports-national.png")
    # The analyst may not open the people behind the numbers.
    page.goto(f"{base}/people/")
    assert page.locator("h1").inner_text() != "ค้นหาคน" or "403" in page.content()
