"""PDF reports: Thai text, the bundled Sarabun font, Buddhist-Era dates, Thai digits on
demand, and no network fetches.

Under ``CI=true`` a missing WeasyPrint or Pango fails these tests (the project rule:
nothing is skipped in CI); on a developer's machine without Pango they are skipped.

About reading Thai back with pypdf: Sarabun draws SARA AM (ำ, U+0E33) as two glyphs,
NIKHAHIT + SARA AA, so ``pdf_render`` writes it as those two characters (its Unicode
compatibility decomposition) and every glyph's text stays right. :func:`_normalise`
applies NFKD on both sides, under which "จำนวน" and "จํานวน" are the same text.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe
from pypdf import PdfReader

from saphan.reports import pdf as pdfmod
from saphan.reports.charts import Point, bar_chart_svg
from saphan.reports.pdf import (
    FONTS_DIR,
    FetchRefused,
    PdfUnavailable,
    pdf_available,
    pdf_render,
    url_allowed,
    url_fetcher_make,
)
from saphan.reports.templatetags.report_tags import digits, thai_digits
from tests.conftest import IN_CI

TEMPLATES = Path(__file__).resolve().parent / "templates"
BANGKOK = dt.timezone(dt.timedelta(hours=7))
GENERATED = dt.datetime(2026, 3, 5, 10, 30, tzinfo=BANGKOK)


@pytest.fixture
def weasy() -> None:
    if not pdf_available():
        message = "WeasyPrint/Pango cannot be loaded (apt-get install libpango-1.0-0 ...)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _test_templates(settings: Any) -> None:
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}
    ]


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKD", text)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return _normalise("\n".join(page.extract_text() for page in reader.pages))


def _render(language: str = "th", **context: Any) -> bytes:
    full: dict[str, Any] = {
        "generated_at": GENERATED,
        "total": "1,234",
        "rows": [("ผู้สูงอายุ", "1,234"), ("คนพิการ", "56"), ("ผู้ไร้รัฐ", "< 5")],
    }
    full.update(context)
    with translation.override(language):
        return pdf_render(template_name="reports_test/sample.html", context=full)


def _font_names(pdf: bytes) -> set[str]:
    """BaseFont of every font a page uses, checked to be embedded (FontFile2/3)."""
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts: Any = page["/Resources"]["/Font"]  # type: ignore[index]
        for ref in fonts.values():
            font: Any = ref.get_object()
            descendant: Any = font["/DescendantFonts"][0].get_object()
            descriptor: Any = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font
            names.add(str(font["/BaseFont"]))
    return names


def test_pdf_has_thai_text_and_embeds_sarabun(weasy: None) -> None:
    pdf = _render()
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for word in ("ผู้สูงอายุ", "คนพิการ", "ผู้ไร้รัฐ", "รายงานกลุ่มประชากรเฉพาะ"):
        assert _normalise(word) in text
    assert "Older people" in text and "0123456789" in text  # Latin letters and digits
    names = _font_names(pdf)
    assert names and all("Sarabun" in n for n in names), names
    assert any(n.endswith("Sarabun-Bold") for n in names)  # headings use the bold face


def test_title_in_heading_running_header_and_metadata(weasy: None) -> None:
    rows = [(f"แถวที่ {i} ผู้สูงอายุ", str(i)) for i in range(120)]  # several pages
    pdf = _render(rows=rows)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 1
    assert reader.metadata is not None
    assert reader.metadata.title == "รายงานกลุ่มประชากรเฉพาะ จังหวัดน่าน"
    last = _normalise(reader.pages[-1].extract_text())
    assert _normalise("รายงานกลุ่มประชากรเฉพาะ จังหวัดน่าน") in last  # running header
    assert f"{len(reader.pages)} / {len(reader.pages)}" in last  # page X / Y


def test_generation_date_in_buddhist_era_for_thai_and_ce_for_english(weasy: None) -> None:
    thai = _text(_render("th"))
    assert "5 มีนาคม 2569" in thai
    assert "2026" not in thai
    english = _text(_render("en"))
    assert "5 Mar 2026" in english


def test_thai_digits_when_asked(weasy: None) -> None:
    text = _text(_render(thai_digits=True))
    assert "๑,๒๓๔" in text  # the total through |thai_digits:thai_digits
    assert "๒๕๖๙" in text  # the generation date
    assert "< ๕" in text
    plain = _text(_render())
    assert "1,234" in plain and "๑" not in plain


def test_chart_in_pdf_with_suppressed_value(weasy: None) -> None:
    chart = bar_chart_svg(
        title="จำนวนคน",
        points=[Point("ผู้สูงอายุ", 1234, "1,234"), Point("ผู้ไร้รัฐ", None, "< 5")],
        chart_id="pdf-chart",
    )
    text = _text(_render(chart=chart, chart_title="จำนวนคนตามกลุ่ม"))
    assert "1,234" in text and "< 5" in text
    assert _normalise("จำนวนคนตามกลุ่ม") in text


def test_suppression_note_partial(weasy: None) -> None:
    text = _text(_render("en"))
    assert "Counts below 5 are shown as" in text


def test_url_allowed_only_data_and_bundled_files() -> None:
    assert not url_allowed("http://example.com/logo.png")
    assert not url_allowed("https://fonts.example.com/sarabun.woff2")
    assert not url_allowed("HTTPS://example.com/x.css")
    assert not url_allowed("ftp://example.com/x")
    assert not url_allowed("file:///etc/passwd")
    assert not url_allowed((FONTS_DIR / ".." / ".." / "settings.py").as_uri())
    assert not url_allowed("file://otherhost" + str(FONTS_DIR / "Sarabun-Regular.ttf"))
    assert url_allowed((FONTS_DIR / "Sarabun-Regular.ttf").as_uri())
    assert url_allowed("data:text/plain,hello")


def test_url_fetcher_refuses_http(weasy: None) -> None:
    fetcher = url_fetcher_make()
    for url in ("http://127.0.0.1:9/x.png", "https://example.com/x.css", "file:///etc/hosts"):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    response = fetcher.fetch((FONTS_DIR / "OFL.txt").as_uri())
    try:
        assert b"SIL Open Font License" in response.read()
    finally:
        response.close()


def test_a_template_with_a_remote_url_renders_without_fetching_it(
    weasy: None, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the PDF tried to open a network connection")

    monkeypatch.setattr("socket.create_connection", no_network)
    with caplog.at_level(logging.WARNING, logger="saphan.reports.pdf"):
        pdf = _render(remote_image="http://127.0.0.1:9/logo.png")
    assert pdf.startswith(b"%PDF-")
    assert "refused to fetch http://127.0.0.1:9/logo.png" in caplog.text


def test_missing_weasyprint_raises_a_bilingual_pdf_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint → ImportError
    assert not pdfmod.pdf_available()
    with pytest.raises(PdfUnavailable) as caught:
        pdf_render(template_name="reports_test/sample.html", context={})
    message = str(caught.value)
    assert "PDF" in message and "Pango" in message and "ไม่ได้" in message


def test_digits_helper_and_filter() -> None:
    assert digits("1,234.50") == "๑,๒๓๔.๕๐"
    assert digits("< 5", thai=False) == "< 5"
    assert digits(None) == ""
    assert thai_digits("2569", "") == "2569"  # flag unset in the context
    assert thai_digits("2569", True) == "๒๕๖๙"
    assert thai_digits(7, True) == "๗"
    markup = mark_safe('<rect x="12" y="3"></rect><text x="1">15 &#x27;a&#39;</text>')
    converted = thai_digits(markup, True)
    assert str(converted) == '<rect x="12" y="3"></rect><text x="1">๑๕ &#x27;a&#39;</text>'
    assert hasattr(converted, "__html__")  # still safe


def test_filter_follows_the_context_flag() -> None:
    template = engines["django"].from_string(
        "{% load report_tags %}{{ n|thai_digits:thai_digits }}|{{ d|thai_digits:thai_digits }}"
    )
    assert template.render({"n": 1234, "d": "< 5", "thai_digits": True}) == "๑๒๓๔|&lt; ๕"
    assert template.render({"n": 1234, "d": "< 5", "thai_digits": False}) == "1234|&lt; 5"
    tag = engines["django"].from_string("{% load report_tags %}{% digits n %}|{% digits d %}")
    assert tag.render({"n": 1234, "d": "< 5", "thai_digits": True}) == "๑๒๓๔|&lt; ๕"
    assert tag.render({"n": 1234, "d": "< 5"}) == "1234|&lt; 5"  # no flag: unchanged


def test_capture_keeps_a_block_for_later() -> None:
    template = engines["django"].from_string(
        "{% load report_tags %}{% capture as t %} <b>{{ x }}</b> {% endcapture %}[{{ t }}]"
    )
    assert template.render({"x": "a&b"}) == "[<b>a&amp;b</b>]"
