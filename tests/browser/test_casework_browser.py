"""A field worker opens a flagged person from the watch list, opens a case, refers it to
the provincial office, and the office's officer accepts the referral."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from saphan.cases.models import Case, Referral
from saphan.demo.seed import DEMO_PASSWORD
from saphan.orgs.models import Organisation
from saphan.people.models import Consent, Person
from saphan.watch.engine import watch_evaluate
from saphan.watch.models import FlagStatus, WatchFlag

pytestmark = pytest.mark.browser


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form[action*='login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def _flagged_person() -> Person:
    cso = Organisation.objects.get(code="cso-55")
    today = dt.date.today()
    person = Person.objects.create(
        given_name="นางคำแปง",
        family_name="ทดสอบเฝ้าระวัง",
        birth_year=today.year - 78,
        birth_month=1,
        income_band="none",
        province_id="55",
        district_id="5501",
        organisation=cso,
    )
    Consent.objects.create(
        person=person,
        purpose="ลงทะเบียนและส่งต่อความช่วยเหลือ",
        covers_sharing=True,
        given_on=today - dt.timedelta(days=3),
        organisation=cso,
    )
    watch_evaluate()
    return person


def test_watch_list_to_case_to_accepted_referral(
    page: Any, live_server: Any, demo_world: None
) -> None:
    from playwright.sync_api import expect

    person = _flagged_person()
    flag = WatchFlag.objects.get(person=person, rule__code="older_no_income")
    base = live_server.url

    _login(page, base, "fw.nan")
    # On a phone the menu is folded: open it and follow "Watch list".
    page.locator(".nav-toggle-label").click()
    page.locator("#nav-watch").click()
    expect(page.locator(f"#flag-{flag.pk}")).to_contain_text("นางคำแปง")
    expect(page.locator(f"#flag-{flag.pk} .reasons")).to_contain_text("78")
    # Open the flagged person from the watch list: their page opens on the watch tab.
    page.locator(f"#flag-{flag.pk} a.person-row").click()
    expect(page.locator("h1")).to_contain_text("นางคำแปง")
    expect(page.locator("#tab")).to_contain_text("ผู้สูงอายุที่ไม่มีรายได้")
    page.locator(f"#open-case-{flag.pk}").click()  # one click opens the case
    expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))
    case = Case.objects.get(person=person)
    assert case.source_flag_id == flag.pk

    # Refer to the Nan provincial office.
    page.locator("#referrals summary").click()
    office = Organisation.objects.get(code="pso-55")
    page.select_option("#referral-to_organisation", str(office.pk))
    page.select_option("#referral-service_kind", "allowance")
    page.fill("#referral-reason", "ขอให้ตรวจสิทธิเบี้ยยังชีพผู้สูงอายุและบัตรสวัสดิการแห่งรัฐ")
    page.fill("#referral-due_on", (dt.date.today() + dt.timedelta(days=14)).isoformat())
    page.locator("#referrals button[type=submit]").click()
    expect(page.locator("#referrals ul.item-list, #referrals .errorlist").first).to_be_visible()
    expect(page.locator("#referrals li a").first).to_contain_text(office.name_th)
    referral = Referral.objects.get(case=case)
    assert referral.status == "pending"

    # The receiving officer logs in, finds it among received referrals, and accepts it.
    page.context.clear_cookies()
    _login(page, base, "officer.nan")
    page.goto(f"{base}/cases/referrals/?direction=received")
    page.locator(f"a[href='/cases/referrals/{referral.uid}/']").click()
    expect(page.locator("#shared")).to_contain_text("นางคำแปง")
    page.locator(f"form[action$='/cases/referrals/{referral.uid}/accept/'] button").click()
    expect(page.locator(f"form[action$='/cases/referrals/{referral.uid}/accept/']")).to_have_count(
        0
    )
    expect(page.locator(f"form[action$='/cases/referrals/{referral.uid}/report/']")).to_have_count(
        1
    )
    referral.refresh_from_db()
    assert referral.status == "accepted"
    # The officer cannot open the case itself: only what the referral shares.
    response = page.goto(f"{base}/cases/{case.uid}/")
    assert response is not None and response.status == 404
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACKNOWLEDGED
