"""A field worker registers a person with a Buddhist-Era birth date on a phone, finds
them again with a typo in the name, and opens the record."""

from __future__ import annotations

import re
from typing import Any

import pytest

from saphan.demo.seed import DEMO_PASSWORD
from saphan.people.identity import national_id_check_digit
from saphan.people.models import Person

pytestmark = pytest.mark.browser

FIRST12 = "110170023070"
NATIONAL_ID = FIRST12 + str(national_id_check_digit(FIRST12))


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form[action*='login'] button[type=submit]").click()


def test_register_find_with_typo_and_open(page: Any, live_server: Any, demo_world: None) -> None:
    from playwright.sync_api import expect

    _login(page, live_server.url, "fw.nan")
    expect(page.locator("h1")).to_contain_text("ยินดีต้อนรับ")
    page.goto(f"{live_server.url}/people/new/")

    page.fill("#id_given_name", "นายสมปอง")
    page.fill("#id_family_name", "รักษ์ถิ่น")
    page.fill("#id_birth_date", "12/5/2500")
    # Inline validation shows the date back in the Buddhist Era before saving.
    expect(page.locator("#check-birth_date")).to_contain_text("2500")
    page.fill("#id_national_id", NATIONAL_ID[:-1] + str((int(NATIONAL_ID[-1]) + 1) % 10))
    expect(page.locator("#check-national_id .errorlist")).to_be_visible()
    page.fill("#id_national_id", NATIONAL_ID)
    expect(page.locator("#check-national_id")).to_contain_text("✓")

    # Current address: province → district → subdistrict (htmx cascades).
    page.select_option("select[name=current_subdistrict__province]", "55")
    district = page.locator("#id_current_subdistrict__district")
    expect(district.locator("option[value='5501']")).to_have_count(1)
    district.select_option("5501")
    subdistrict = page.locator("#id_current_subdistrict")
    expect(subdistrict.locator("option[value='550101']")).to_have_count(1)
    subdistrict.select_option("550101")
    page.check("#id_consent_given")
    page.locator("#save-person").click()

    expect(page).to_have_url(re.compile(r"/people/[0-9a-f-]{36}/$"))
    expect(page.locator("h1")).to_contain_text("นายสมปอง รักษ์ถิ่น")
    expect(page.locator(".facts")).to_contain_text("12 พ.ค. 2500")
    expect(page.locator(".facts")).to_contain_text("x-xxxx-xxxx")  # masked for field workers
    person = Person.objects.get()
    assert (person.birth_year, person.birth_month, person.birth_day) == (1957, 5, 12)
    assert set(person.groups.values_list("group", flat=True)) == {"older_person"}

    page.goto(f"{live_server.url}/people/")
    page.fill("#q", "สมปอน รักถิ่น")  # one letter missing, one misspelt
    result = page.locator("#results a.person-row").first
    expect(result).to_contain_text("สมปอง")
    result.click()
    expect(page.locator("h1")).to_contain_text("สมปอง")
    page.locator("#tab-attributes").click()
    expect(page.locator("#sensitive-hidden")).to_be_visible()  # no sensitive consent given


def test_field_worker_of_another_province_gets_a_404(
    page: Any, live_server: Any, demo_world: None
) -> None:
    from saphan.accounts.models import User
    from saphan.people.services import PersonData, person_register

    person = person_register(
        user=User.objects.get(username="fw.nan"),
        data=PersonData(given_name="มาลี", current_subdistrict_code="550101"),
    )
    _login(page, live_server.url, "fw.pattani")
    response = page.goto(f"{live_server.url}/people/{person.uid}/")
    assert response is not None and response.status == 404
