from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from saphan.core.thaidate import format_date

CHECK = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='saphan.settings'; django.setup()"


def _start(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAPHAN_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_mode_refuses_the_default_secret_key() -> None:
    result = _start({"SAPHAN_DEBUG": "0", "SAPHAN_ALLOWED_HOSTS": "saphan.example"})
    assert result.returncode != 0
    assert "SAPHAN_SECRET_KEY" in result.stderr


def test_production_mode_refuses_missing_allowed_hosts() -> None:
    result = _start({"SAPHAN_DEBUG": "0", "SAPHAN_SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "SAPHAN_ALLOWED_HOSTS" in result.stderr


def test_production_mode_starts_with_real_settings(tmp_path: object) -> None:
    from cryptography.fernet import Fernet

    result = _start(
        {
            "SAPHAN_DEBUG": "0",
            "SAPHAN_SECRET_KEY": "k" * 60,
            "SAPHAN_ALLOWED_HOSTS": "saphan.example",
            "SAPHAN_HOME": str(tmp_path),
            "SAPHAN_FIELD_KEYS": Fernet.generate_key().decode(),
            "SAPHAN_BLIND_INDEX_KEY": "b" * 40,
        }
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_security_headers_and_csp_without_unsafe_inline_scripts(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert b"<script>" not in response.content  # every script is a self-hosted file


@pytest.mark.django_db
def test_pages_use_no_cdn(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert "https://" not in html.split("<footer")[0]
    assert "/static/saphan/vendor/htmx" in html


@pytest.mark.django_db
def test_healthz(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_session_and_csrf_cookie_settings(settings: object) -> None:
    from django.conf import settings as s

    assert s.SESSION_COOKIE_HTTPONLY and s.CSRF_COOKIE_HTTPONLY
    assert s.SESSION_COOKIE_SAMESITE == "Lax"
    assert s.LANGUAGE_CODE == "th"


def test_thai_dates_are_buddhist_era() -> None:
    import datetime as dt

    assert format_date(dt.date(2026, 11, 25), language="th") == "25 พ.ย. 2569"
    assert format_date(dt.date(2026, 11, 25), language="th", style="long") == "25 พฤศจิกายน 2569"
    assert format_date(dt.date(2026, 11, 25), language="en") == "25 Nov 2026"


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.dates())
def test_every_date_shows_its_buddhist_era_year_in_thai(day: object) -> None:
    import datetime as dt

    assert isinstance(day, dt.date)
    thai = format_date(day, language="th")
    assert thai.endswith(str(day.year + 543))
    assert format_date(day, language="en").endswith(str(day.year))
