"""A demo field worker logs in, switches language, opens a province in scope and gets a
404 for one outside it — in a real Chromium, on a phone-sized screen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from saphan.audit.models import AccessLog
from saphan.demo.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_login_language_switch_and_province_scope(
    page: Any, live_server: Any, demo_world: None
) -> None:
    from playwright.sync_api import expect

    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "th")
    page.fill("input[name=login]", "fw.nan")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form[action*='login'] button[type=submit]").click()

    expect(page.locator("h1")).to_contain_text("ยินดีต้อนรับ")
    expect(page.locator("a.chip")).to_have_count(1)
    expect(page.locator("a.chip")).to_contain_text("น่าน")

    page.locator("#switch-language").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Welcome")

    page.locator("a.chip").click()
    expect(page).to_have_url(re.compile(r"/provinces/55/$"))
    expect(page.locator("h1")).to_contain_text("Nan")
    expect(page.locator("table").first).to_be_visible()

    response = page.goto(f"{live_server.url}/provinces/94/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_contain_text("Not found")
    assert AccessLog.objects.filter(action="denied", username="fw.nan", province_code="94").exists()

    page.locator("#switch-language").click()
    expect(page.locator("html")).to_have_attribute("lang", "th")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
