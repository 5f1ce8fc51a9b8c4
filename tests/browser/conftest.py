"""Playwright driving Debian's Chromium (``/usr/bin/chromium``; no browser download).

Outside CI a missing Chromium skips these tests; under CI=true the skip becomes a
failure (see tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("SAPHAN_CHROMIUM", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; the ORM calls our fixtures
# make are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(locale="th-TH", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def demo_world(transactional_db: None) -> None:
    """Geography and the demo organisations and users, in the live server's database."""
    from saphan.demo.seed import demo_seed_organisations_and_users
    from saphan.geo.services import geography_load

    geography_load()  # transactional tests flush tables, migration data included
    demo_seed_organisations_and_users()


def login(page: Any, base: str, username: str) -> None:
    """Sign in as a demo user through the login form and wait for the home page."""
    import re

    from saphan.demo.seed import DEMO_PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form[action*='login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
