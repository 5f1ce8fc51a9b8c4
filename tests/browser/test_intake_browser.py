"""A case manager in Nan imports a survey file (upload → column matching → check → import →
problems list), then merges a duplicate the import left behind and undoes the merge.

The background worker does not run here: after each step that queues work, the test runs
the job itself with ``import_job_run`` (the live server shares the test's database).

``SAPHAN_SCREENSHOTS=1`` also writes the mapping page, the check report and the compare
page to ``docs/screenshots/``.
"""

from __future__ import annotations

import csv
import os
import re
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from saphan.accounts.models import User
from saphan.demo.seed import DEMO_PASSWORD
from saphan.intake.models import ImportJob, JobStatus
from saphan.intake.services import import_job_run
from saphan.linkage.models import CandidateStatus, DuplicateCandidate, PersonMerge
from saphan.linkage.services import candidates_record
from saphan.people.identity import national_id_check_digit
from saphan.people.models import Person
from saphan.people.partialdate import PartialDate
from saphan.people.services import PersonData, person_register

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PROGRESS = re.compile(r"/imports/[0-9a-f-]{36}/progress/$")


def _thai_id(first12: str) -> str:
    return first12 + str(national_id_check_digit(first12))


ID_SOMCHAI = _thai_id("155010023456")
BAD_ID = "155010067890" + str((national_id_check_digit("155010067890") + 1) % 10)
ROWS = [
    ["ชื่อ", "นามสกุล", "เพศ", "วันเกิด", "เลขบัตรประชาชน", "จังหวัด"],
    ["นายสมชาย", "ใจดี", "ชาย", "12/05/2510", ID_SOMCHAI, "น่าน"],
    ["นางสาวมาลี", "ศรีสุข", "หญิง", "01/02/2525", _thai_id("155010034567"), "น่าน"],
    ["นางบัวคำ", "ทองดี", "หญิง", "20/11/2490", _thai_id("155010045678"), "55"],
    ["นายปัญญา", "ผิดเลข", "ชาย", "03/03/2500", BAD_ID, "น่าน"],  # wrong check digit
]
BAD_ROW = 5  # as a spreadsheet shows it: the header is row 1
MAPPING = ["given_name", "family_name", "sex", "birth_date", "national_id", "province"]


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.SAPHAN_HOME = tmp_path / "home"
    # The duplicate pair is made by hand below; the engine's own search is tested elsewhere.
    settings.SAPHAN_IMPORT_FIND_DUPLICATES = False


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form[action*='login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def _screenshot(page: Any, name: str) -> None:
    if os.environ.get("SAPHAN_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _run_job(page: Any, job: ImportJob) -> None:
    """Do the background worker's job here while the page waits on its progress poll.

    On SQLite the live server shares this thread's in-memory database connection, so no
    request may reach it while the job runs: the page's next poll is held in the browser
    and let through once the job is done (its answer then reloads the page)."""
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)

    page.route(PROGRESS, hold)
    deadline = time.monotonic() + 10
    while not held:  # htmx polls every second
        assert time.monotonic() < deadline, "the progress fragment stopped polling"
        page.wait_for_timeout(100)
    import_job_run(job.pk)
    for route in held:
        route.continue_()
    page.unroute(PROGRESS, hold)


def test_import_a_survey_then_merge_and_unmerge_a_duplicate(
    page: Any, live_server: Any, demo_world: None, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    path = tmp_path / "survey-nan.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(ROWS)
    page.set_viewport_size({"width": 1280, "height": 900})

    # -- upload and column matching ----------------------------------------------------
    _login(page, base, "cm.nan")
    page.locator("#nav-imports").click()
    expect(page.locator("#no-imports")).to_be_visible()
    page.locator("#new-import").click()
    page.set_input_files("#file", str(path))
    page.locator("#upload-button").click()
    expect(page.locator("#mapping-form")).to_be_visible()
    expect(page.locator("h1")).to_have_text("survey-nan.csv")
    for n, field in enumerate(MAPPING):
        expect(page.locator(f"#map_{n}")).to_have_value(field)
    expect(page.locator("#mapping-form")).to_contain_text("สมชาย")  # the preview
    _screenshot(page, "import-mapping.png")

    # -- check (a dry run) ---------------------------------------------------------------
    page.locator("#check-button").click()
    expect(page.locator("#import-progress progress")).to_be_visible()
    job = ImportJob.objects.get()
    assert job.status == JobStatus.CHECKING
    _run_job(page, job)
    # The poll answers HX-Refresh: the page reloads by itself and shows the report.
    expect(page.locator("#count-rejected")).to_have_text("1")
    expect(page.locator("#count-valid")).to_have_text("3")
    expect(page.locator("#count-read")).to_have_text("4")
    expect(page.locator("#issues")).to_contain_text(BAD_ID)
    assert not Person.objects.exists()  # a check writes nothing
    _screenshot(page, "import-report.png")

    # -- import ----------------------------------------------------------------------------
    page.locator("#import-button").click()
    expect(page.locator("#import-progress progress")).to_be_visible()
    _run_job(page, job)
    expect(page.locator("#count-created")).to_have_text("3")
    expect(page.locator("#count-rejected")).to_have_text("1")
    job.refresh_from_db()
    assert (job.status, job.created, job.rejected) == (JobStatus.DONE, 3, 1)
    assert Person.objects.count() == 3

    with page.expect_download() as download_info:
        page.locator("#issues-download").click()
    download = download_info.value
    assert re.fullmatch(r"problems-[0-9a-f]{8}\.xlsx", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "แถว / Row"
    bad = [r for r in rows[1:] if r[0] == BAD_ROW]
    assert bad, rows
    assert any(r[2] == BAD_ID and r[5] == "ผิด / error" for r in bad), bad

    # -- a duplicate: the same man registered again by hand, without his ID card ---------
    manager = User.objects.get(username="cm.nan")
    imported = Person.objects.get(given_name="สมชาย")
    again = person_register(
        user=manager,
        data=PersonData(
            title="นาย",
            given_name="สมชาย",
            family_name="ใจดี",
            sex="male",
            birth_date=PartialDate(1967, 5, 12),
            phone="081-234-5678",
            current_subdistrict_code="550101",
            current_address="12 หมู่ 3",
        ),
    )
    evidence = {
        "given_name": {"level": 4, "label": "exact"},
        "family_name": {"level": 4, "label": "exact"},
        "birth_date": {"level": 4, "label": "exact"},
        "sex": {"level": 1, "label": "exact"},
        "national_id": {"level": -1, "label": "missing"},
        "location": {"level": 2, "label": "similar"},
    }
    assert candidates_record(pairs=[(imported.pk, again.pk, 0.97, evidence)], source="dedup") == 1
    candidate = DuplicateCandidate.objects.get()

    page.locator("#nav-duplicates").click()
    pair = page.locator(f"#duplicates a[href$='/duplicates/{candidate.pk}/']")
    expect(pair).to_contain_text("97%")
    pair.click()
    expect(page.locator("#compare")).to_contain_text("ใจดี")
    expect(page.locator("#pair-status")).to_have_text(candidate.get_status_display())
    # The older record (the imported one, with the ID card) is kept by default.
    expect(page.locator("input[name=survivor][value=low]")).to_be_checked()
    _screenshot(page, "duplicates-compare.png")
    page.fill("#note", "ลงทะเบียนซ้ำ: คนเดียวกัน")
    page.locator("#merge").click()
    expect(page.locator(".messages .message.success")).to_contain_text("สมชาย")
    expect(page.locator(f"#duplicates a[href$='/duplicates/{candidate.pk}/']")).to_have_count(0)
    again.refresh_from_db()
    assert again.merged_into_id == imported.pk
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.MERGED

    # -- undo ----------------------------------------------------------------------------
    page.locator("#to-merges").click()
    merge = PersonMerge.objects.get()
    undo = page.locator(f"form[action$='/duplicates/merges/{merge.uid}/undo/'] button")
    undo.click()
    expect(page.locator(".messages .message.success")).to_be_visible()
    expect(undo).to_have_count(0)
    expect(page.locator("#merges .badge")).to_have_count(1)  # "undone"
    again.refresh_from_db()
    assert again.merged_into_id is None
    merge.refresh_from_db()
    assert merge.undone_at is not None
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.OPEN  # back in the queue
