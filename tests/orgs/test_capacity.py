"""The organisation capacity view: numbers against a hand-computed fixture, the scope
(own organisation / provinces / all; 403 for other roles, 404 + ``denied`` row out of
scope), the trainings record's validation in both languages, and the downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import include, path
from django.utils import timezone, translation

from saphan.audit.models import AccessLog
from saphan.cases import choices as c
from saphan.cases.models import Case, Contact, Referral
from saphan.cases.sweep import cases_sweep_overdue
from saphan.orgs.capacity import (
    capacity_period,
    capacity_report,
    organisations_for_capacity,
    percentile,
)
from saphan.orgs.models import Training
from saphan.orgs.services import training_delete, training_record
from saphan.people.models import Person
from saphan.urls import urlpatterns as project_urlpatterns
from tests.factories import TEST_PASSWORD

# The capacity pages live in ``saphan.orgs.urls`` under ``/orgs/``. Until the project's
# URLconf includes them, this module's URLconf does (and adds nothing once it does).
urlpatterns = list(project_urlpatterns)
if not any(getattr(p, "namespace", None) == "capacity" for p in urlpatterns):
    urlpatterns.append(path("orgs/", include("saphan.orgs.urls")))

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

TODAY = timezone.localdate


def ago(n: int) -> dt.date:
    return TODAY() - dt.timedelta(days=n)


@pytest.fixture
def orgs(make_org: Any) -> dict[str, Any]:
    return {
        "a": make_org(provinces=("55",), code="cso-a", name_en="CSO A"),
        "b": make_org(provinces=("55",), code="pso-b", kind="provincial_office"),
        "far": make_org(provinces=("94",), code="cso-far"),
    }


@pytest.fixture
def staff(make_user: Any, orgs: dict[str, Any]) -> dict[str, Any]:
    a, b = orgs["a"], orgs["b"]
    return {
        "cm": make_user(role="case_manager", organisation=a, username="cm", first_name="ก"),
        "fw1": make_user(role="field_worker", organisation=a, username="fw1", first_name="ข"),
        "fw2": make_user(role="field_worker", organisation=a, username="fw2", first_name="ค"),
        "gone": make_user(
            role="field_worker", organisation=a, username="gone", first_name="ง", is_active=False
        ),
        "dpo": make_user(
            role="data_protection_officer", organisation=a, username="dpo", first_name="จ"
        ),
        "officer": make_user(role="agency_officer", organisation=b, username="officer"),
        "coord": make_user(role="provincial_coordinator", organisation=b, username="coord"),
        "far_cm": make_user(role="case_manager", organisation=orgs["far"], username="far_cm"),
    }


def _person(n: int, org: Any) -> Person:
    return Person.objects.create(
        given_name=f"บุคคล{n}",
        family_name="ทดสอบ",
        province_id="55",
        district_id="5501",
        organisation=org,
    )


def _case(n: int, org: Any, worker: Any, opener: Any, *, closed_on: dt.date | None = None) -> Case:
    extra: dict[str, Any] = {}
    if closed_on is not None:
        extra = {"stage": c.Stage.CLOSED, "outcome": c.Outcome.GOALS_MET, "closed_on": closed_on}
    return Case.objects.create(
        person=_person(n, org),
        organisation=org,
        assigned_to=worker,
        opened_by=opener,
        opened_on=ago(120),
        **extra,
    )


def _contact(case: Case, on: int, next_in: int | None, by: Any) -> Contact:
    """A contact ``on`` days ago with its next follow-up ``next_in`` days ago."""
    return Contact.objects.create(
        case=case,
        kind=c.ContactKind.VISIT,
        contacted_on=ago(on),
        next_follow_up_on=None if next_in is None else ago(next_in),
        by=by,
    )


def _referral(
    case: Case, to: Any, by: Any, *, days_ago: float, status: str, answer_after: float | None
) -> Referral:
    sent = timezone.now() - dt.timedelta(days=days_ago)
    return Referral.objects.create(
        case=case,
        from_organisation=case.organisation,
        to_organisation=to,
        service_kind=c.ServiceKind.HEALTH,
        reason="เหตุผล",
        consent_basis=c.ConsentBasis.EMERGENCY_OVERRIDE,
        override_by=by,
        status=status,
        due_on=TODAY(),
        created_by=by,
        created_at=sent,
        decided_at=None if answer_after is None else sent + dt.timedelta(days=answer_after),
    )


@pytest.fixture
def work(orgs: dict[str, Any], staff: dict[str, Any]) -> dict[str, Any]:
    """The hand-computed fixture (T = today, period = the last 90 days):

    caseload (active case workers cm, fw1, fw2): 0, 3, 1 → mean 4/3, median 1, max 3;
    open cases 6, two with no active worker (one of the inactive worker, one unassigned).

    follow-ups due in the period: fw1 on time 2, late 1, missed 1, due later 1 (due
    today), overdue now 1; fw2 on time 1; no active worker missed 1, overdue now 1; one
    follow-up of a case closed before its date is not counted.
    """
    a, b = orgs["a"], orgs["b"]
    cm, fw1, fw2, gone = staff["cm"], staff["fw1"], staff["fw2"], staff["gone"]
    c1, c2, c3 = (_case(n, a, fw1, cm) for n in (1, 2, 3))
    c4 = _case(4, a, fw1, cm, closed_on=ago(15))
    c5 = _case(5, a, fw2, cm)
    c6 = _case(6, a, gone, cm)
    _case(7, a, None, cm)
    # c1: due T-20 done T-18 (late); due T-10 done T-10 (on time); due T-3 not done.
    _contact(c1, 30, 20, fw1)
    _contact(c1, 18, 10, fw1)
    _contact(c1, 10, 3, fw1)
    _contact(c2, 5, 0, fw1)  # due today: not yet late
    # c3: two contacts on the same day; the second one does the first one's follow-up.
    _contact(c3, 7, 6, fw1)
    _contact(c3, 7, None, fw1)
    _contact(c4, 25, 12, fw1)  # the case was closed on T-15: no follow-up expected
    _contact(c5, 100, 95, fw2)  # due before the period
    _contact(c5, 40, 35, fw2)
    _contact(c5, 36, None, fw2)  # on time for T-35
    _contact(c6, 20, 8, gone)  # missed, overdue now, nobody active follows it

    # Referrals received by A (from B's cases) and sent by A (to B).
    b_cases = [_case(10 + n, b, staff["officer"], staff["officer"]) for n in range(6)]
    officer = staff["officer"]
    R = c.ReferralStatus
    _referral(b_cases[0], a, officer, days_ago=10, status=R.ACCEPTED, answer_after=2)
    _referral(b_cases[1], a, officer, days_ago=20, status=R.DECLINED, answer_after=4)
    _referral(b_cases[2], a, officer, days_ago=30, status=R.COMPLETED, answer_after=1)
    _referral(b_cases[3], a, officer, days_ago=5, status=R.PENDING, answer_after=None)
    _referral(b_cases[4], a, officer, days_ago=3, status=R.CANCELLED, answer_after=None)
    _referral(b_cases[5], a, officer, days_ago=100, status=R.ACCEPTED, answer_after=1)
    _referral(c1, b, cm, days_ago=12, status=R.ACCEPTED, answer_after=10)
    _referral(c2, b, cm, days_ago=40, status=R.PENDING, answer_after=None)

    record = {"user": cm, "organisation": a, "topic": "case_management", "title": "อบรม"}
    training_record(**record, attendee=fw1, attended_on=ago(10), hours=Decimal("6"))
    training_record(**record, attendee=fw1, attended_on=ago(200), hours="3")
    training_record(**record, attendee=fw2, attended_on=ago(400), hours=2)
    return {"c1": c1, "c6": c6}


def _login(client: Client, user: Any) -> None:
    assert client.login(username=user.username, password=TEST_PASSWORD)


# -- numbers ---------------------------------------------------------------------------------


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([4, 1, 2], 0.5) == 2
    assert percentile([1, 2, 4], 0.9) == pytest.approx(3.6)


def test_caseload_per_worker(orgs: dict[str, Any], staff: dict[str, Any], work: Any) -> None:
    report = capacity_report(organisation=orgs["a"], period=capacity_period())
    load = report.caseload
    assert {w.name: (w.open_cases, w.overdue_follow_ups) for w in load.workers} == {
        staff["cm"].display_name: (0, 0),
        staff["fw1"].display_name: (3, 1),
        staff["fw2"].display_name: (1, 0),
    }
    assert load.workers[0].user_id == staff["fw1"].pk  # the heaviest caseload first
    assert (load.total_open, load.unassigned, load.unassigned_overdue) == (6, 2, 1)
    assert load.mean == pytest.approx(4 / 3)
    assert (load.median, load.max) == (1, 3)


def test_referral_acceptance_and_turnaround(orgs: dict[str, Any], work: Any) -> None:
    flow = capacity_report(organisation=orgs["a"], period=capacity_period()).referrals
    got = flow.received
    assert (got.total, got.accepted, got.declined, got.pending, got.cancelled) == (5, 2, 1, 1, 1)
    assert got.acceptance_rate == pytest.approx(2 / 3)
    assert got.answered == 3
    assert got.median_days == pytest.approx(2)
    assert got.p90_days == pytest.approx(3.6)
    sent = flow.sent
    assert (sent.total, sent.accepted, sent.declined, sent.pending) == (2, 1, 0, 1)
    assert sent.acceptance_rate == 1
    assert sent.median_days == sent.p90_days == pytest.approx(10)
    # A longer period takes in the referral received 100 days ago.
    longer = capacity_report(organisation=orgs["a"], period=capacity_period(days=120))
    assert longer.referrals.received.total == 6


def test_follow_up_timeliness(orgs: dict[str, Any], staff: dict[str, Any], work: Any) -> None:
    f = capacity_report(organisation=orgs["a"], period=capacity_period()).follow_ups
    rows = {
        r.user_id: (r.due, r.on_time, r.late, r.missed, r.not_yet_due, r.overdue_now)
        for r in f.rows
    }
    assert rows == {
        staff["fw1"].pk: (4, 2, 1, 1, 1, 1),
        staff["fw2"].pk: (1, 1, 0, 0, 0, 0),
        None: (1, 0, 0, 1, 0, 1),
    }
    shares = {r.user_id: r.on_time_share for r in f.rows}
    assert shares == {staff["fw1"].pk: 0.5, staff["fw2"].pk: 1.0, None: 0.0}
    t = f.total
    assert (t.due, t.on_time, t.late, t.missed, t.not_yet_due, t.overdue_now) == (6, 3, 1, 2, 1, 2)
    assert t.on_time_share == 0.5
    # "Overdue now" is the overdue sweep's rule.
    assert cases_sweep_overdue()["follow_ups"] == t.overdue_now


def test_trainings_hours_and_staff_without_training(
    orgs: dict[str, Any], staff: dict[str, Any], work: Any
) -> None:
    t = capacity_report(organisation=orgs["a"], period=capacity_period()).trainings
    assert [(x.attendee_id, x.hours) for x in t.items] == [(staff["fw1"].pk, Decimal("6.0"))]
    by_user = {s.user_id: (s.trainings, s.hours, s.needs_training) for s in t.staff}
    assert by_user == {
        staff["cm"].pk: (0, Decimal(0), True),
        staff["fw1"].pk: (1, Decimal("6.0"), False),
        staff["fw2"].pk: (0, Decimal(0), True),  # last training 400 days ago
        staff["dpo"].pk: (0, Decimal(0), True),
    }  # the inactive worker is not staff any more
    assert t.total_hours == Decimal("6.0")
    assert {s.user_id for s in t.untrained} == {staff[k].pk for k in ("cm", "fw2", "dpo")}


def test_an_organisation_with_nothing_shows_every_empty_state(
    client: Client, orgs: dict[str, Any], staff: dict[str, Any]
) -> None:
    _login(client, staff["far_cm"])
    page = client.get("/orgs/cso-far/capacity/").content.decode()
    for block in ("referrals", "follow-ups", "trainings"):
        assert f'id="empty-{block}"' in page
    assert 'id="table-caseload"' in page  # the one worker, with no case
    assert 'id="caseload-chart"' not in page


# -- scope -------------------------------------------------------------------------------------


def test_who_sees_which_organisations(
    orgs: dict[str, Any], staff: dict[str, Any], administrator: Any
) -> None:
    def codes(user: Any) -> set[str]:
        return set(organisations_for_capacity(user).values_list("code", flat=True))

    assert codes(staff["cm"]) == {"cso-a"}
    assert codes(staff["coord"]) == {"cso-a", "pso-b"}
    assert codes(administrator) >= {"cso-a", "pso-b", "cso-far"}
    for nobody in ("fw1", "officer", "dpo"):
        assert codes(staff[nobody]) == set()


def test_case_manager_sees_own_capacity_and_404_with_audit_row_elsewhere(
    client: Client, orgs: dict[str, Any], staff: dict[str, Any], work: Any
) -> None:
    _login(client, staff["cm"])
    home = client.get("/orgs/capacity/")
    assert home.status_code == 302 and home["Location"] == "/orgs/cso-a/capacity/"
    with translation.override("en"):
        page = client.get("/orgs/cso-a/capacity/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="caseload-chart"' in html and "บุคคล1" not in html  # no person is named
    assert AccessLog.objects.filter(action="view", object_id="cso-a").exists()
    for other in ("pso-b", "cso-far"):
        assert client.get(f"/orgs/{other}/capacity/").status_code == 404
        assert client.get(f"/orgs/{other}/capacity/caseload.xlsx").status_code == 404
        assert client.get(f"/orgs/{other}/trainings/").status_code == 404
    denied = AccessLog.objects.filter(action="denied", username="cm")
    assert denied.count() == 6
    assert {(r.object_type, r.object_id) for r in denied} == {
        ("organisation", "pso-b"),
        ("organisation", "cso-far"),
    }
    assert client.get("/orgs/no-such-org/capacity/").status_code == 404
    assert denied.count() == 6  # an organisation that does not exist: no row


def test_coordinator_sees_the_organisations_of_their_provinces(
    client: Client, orgs: dict[str, Any], staff: dict[str, Any], work: Any
) -> None:
    _login(client, staff["coord"])
    assert client.get("/orgs/capacity/")["Location"] == "/orgs/pso-b/capacity/"
    page = client.get("/orgs/cso-a/capacity/")
    assert page.status_code == 200 and 'id="capacity-org"' in page.content.decode()
    assert client.get("/orgs/cso-far/capacity/").status_code == 404


@pytest.mark.parametrize("who", ["fw1", "analyst", "officer"])
def test_other_roles_get_403(
    client: Client, orgs: dict[str, Any], staff: dict[str, Any], make_user: Any, who: str
) -> None:
    user = (
        make_user(role="analyst", organisation=orgs["a"], username="analyst")
        if who == "analyst"
        else staff[who]
    )
    _login(client, user)
    for url in ("/orgs/capacity/", "/orgs/cso-a/capacity/", "/orgs/cso-a/trainings/"):
        assert client.get(url).status_code == 403
    assert client.get("/orgs/cso-a/capacity/caseload.xlsx").status_code == 403
    with pytest.raises(PermissionDenied):
        training_record(
            user=user,
            organisation=orgs["a"],
            attendee=staff["fw1"],
            title="x",
            topic="other",
            attended_on=TODAY(),
            hours=1,
        )


def test_administrator_sees_every_organisation(
    client: Client, orgs: dict[str, Any], administrator: Any
) -> None:
    _login(client, administrator)
    assert client.get("/orgs/capacity/").status_code == 302
    assert client.get("/orgs/cso-far/capacity/").status_code == 200
    assert client.get("/orgs/capacity/?org=pso-b")["Location"] == "/orgs/pso-b/capacity/"


# -- the trainings record ------------------------------------------------------------------------


def _attempt(staff: dict[str, Any], orgs: dict[str, Any], **changes: Any) -> ValidationError:
    values: dict[str, Any] = {
        "user": staff["cm"],
        "organisation": orgs["a"],
        "attendee": staff["fw1"],
        "title": "การจัดการรายกรณี",
        "topic": "case_management",
        "attended_on": TODAY(),
        "hours": "3",
    }
    values.update(changes)
    with pytest.raises(ValidationError) as info:
        training_record(**values)
    return info.value


@pytest.mark.parametrize("hours", [0, "-1", "", "abc", None])
def test_hours_must_be_more_than_zero(
    orgs: dict[str, Any], staff: dict[str, Any], hours: Any
) -> None:
    error = _attempt(staff, orgs, hours=hours)
    with translation.override("en"):
        assert error.message_dict["hours"] == ["The hours must be more than 0."]
    with translation.override("th"):
        assert error.message_dict["hours"][0]  # rendered in Thai too (msgid until translated)
    assert not Training.objects.exists()


def test_date_in_the_future_is_refused_in_both_languages(
    orgs: dict[str, Any], staff: dict[str, Any]
) -> None:
    error = _attempt(staff, orgs, attended_on=TODAY() + dt.timedelta(days=1))
    with translation.override("en"):
        assert error.message_dict["attended_on"] == ["This date is in the future."]
    with translation.override("th"):
        assert error.message_dict["attended_on"] == ["วันที่นี้ยังมาไม่ถึง (เป็นวันในอนาคต)"]


def test_attendee_must_be_a_member_of_the_organisation(
    orgs: dict[str, Any], staff: dict[str, Any]
) -> None:
    error = _attempt(staff, orgs, attendee=staff["officer"])
    with translation.override("en"):
        message = error.message_dict["attendee"][0]
        assert message == f"{staff['officer'].display_name} is not a member of CSO A."
    with translation.override("th"):
        assert orgs["a"].name_th in error.message_dict["attendee"][0]
    # Several problems are reported together, and nothing is saved.
    error = _attempt(staff, orgs, attendee=None, title=" ", topic="nope", hours=0)
    assert set(error.message_dict) == {"attendee", "title", "topic", "hours"}
    assert not Training.objects.exists()


def test_recording_for_an_organisation_out_of_scope_is_refused(
    orgs: dict[str, Any], staff: dict[str, Any]
) -> None:
    with pytest.raises(PermissionDenied):
        training_record(
            user=staff["cm"],
            organisation=orgs["b"],
            attendee=staff["officer"],
            title="x",
            topic="other",
            attended_on=TODAY(),
            hours=1,
        )


def test_record_and_remove_a_training_through_the_page(
    client: Client, orgs: dict[str, Any], staff: dict[str, Any]
) -> None:
    _login(client, staff["coord"])
    url = "/orgs/cso-a/trainings/"
    bad = client.post(url, {"attendee": staff["fw1"].pk, "title": "x", "topic": "other"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    ok = client.post(
        url,
        {
            "attendee": staff["fw1"].pk,
            "title": "สิทธิคนพิการ",
            "topic": "disability_rights",
            "provider": "ศูนย์ฯ",
            "attended_on": ago(3).isoformat(),
            "hours": "2.5",
        },
    )
    assert ok.status_code == 302
    training = Training.objects.get()
    assert (training.hours, training.recorded_by, training.organisation) == (
        Decimal("2.5"),
        staff["coord"],
        orgs["a"],
    )
    assert AccessLog.objects.filter(
        action="create", object_type="training", object_id=str(training.pk)
    ).exists()
    page = client.get(url).content.decode()
    assert "สิทธิคนพิการ" in page and str(ago(3).year + 543) in page  # Buddhist Era
    assert training.history.count() == 1
    assert client.post(f"{url}{training.pk}/delete/").status_code == 302
    assert not Training.objects.exists() and training.history.count() == 2
    assert AccessLog.objects.filter(object_type="training", action="update").exists()


def test_training_delete_checks_the_scope(orgs: dict[str, Any], staff: dict[str, Any]) -> None:
    training = training_record(
        user=staff["coord"],
        organisation=orgs["b"],
        attendee=staff["officer"],
        title="x",
        topic="other",
        attended_on=TODAY(),
        hours=1,
    )
    with pytest.raises(PermissionDenied):
        training_delete(user=staff["cm"], training=training)
    assert Training.objects.filter(pk=training.pk).exists()


# -- downloads ---------------------------------------------------------------------------------


def test_xlsx_download_has_the_rows_and_is_logged(
    client: Client, orgs: dict[str, Any], staff: dict[str, Any], work: Any
) -> None:
    _login(client, staff["cm"])
    with translation.override("en"):
        response = client.get("/orgs/cso-a/capacity/caseload.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "capacity-cso-a-caseload-" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Staff member", "Role", "Open cases", "Follow-ups overdue now"]
    body = {r[0]: (r[2], r[3]) for r in rows[1:]}
    assert body == {
        staff["fw1"].display_name: (3, 1),
        staff["fw2"].display_name: (1, 0),
        staff["cm"].display_name: (0, 0),
        "No active worker": (2, 1),
    }
    row = AccessLog.objects.get(action="export")
    assert (row.username, row.object_type, row.object_id) == ("cm", "organisation", "cso-a")
    assert row.detail["table"] == "caseload" and row.detail["rows"] == 4
    assert row.detail["format"] == "xlsx"


def test_csv_downloads_and_the_period(
    client: Client, orgs: dict[str, Any], staff: dict[str, Any], work: Any
) -> None:
    _login(client, staff["cm"])
    response = client.get("/orgs/cso-a/capacity/referrals.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3  # header, received, sent
    assert rows[1][1:6] == ["5", "2", "1", "1", "1"]
    assert rows[1][7:9] == ["2.0", "3.6"]
    start = ago(119).isoformat()
    longer = client.get(f"/orgs/cso-a/capacity/referrals.csv?start={start}")
    assert list(csv.reader(io.StringIO(longer.content.decode("utf-8-sig"))))[1][1] == "6"
    trainings = client.get("/orgs/cso-a/capacity/trainings.csv").content.decode("utf-8-sig")
    assert ago(10).isoformat() in trainings and ago(200).isoformat() not in trainings
    assert AccessLog.objects.filter(action="export").count() == 3
    assert client.get("/orgs/cso-a/capacity/nothing.csv").status_code == 404
    assert client.get("/orgs/cso-a/capacity/caseload.pdf").status_code == 404


# -- demo ----------------------------------------------------------------------------------------


def test_demo_trainings_are_recorded_once() -> None:
    from saphan.demo.seed import demo_seed_organisations_and_users
    from saphan.demo.trainings import TRAININGS, demo_trainings_load

    demo_seed_organisations_and_users()
    assert demo_trainings_load(progress=lambda _m: None) == len(TRAININGS) == 15
    assert demo_trainings_load(progress=lambda _m: None) == 0
    codes = set(Training.objects.values_list("organisation__code", flat=True))
    assert codes == {"cso-55", "pso-55", "cso-94", "pso-94", "cso-34", "pso-34"}
    assert AccessLog.objects.filter(action="create", object_type="training").count() == 15
