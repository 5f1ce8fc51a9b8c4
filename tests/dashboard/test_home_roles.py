"""The home page for each role: the watch list and overdue follow-ups of field staff,
province and national dashboard cards, and the pilot progress of outcomes parties."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from saphan.audit.models import AccessLog
from saphan.cases.models import Case, Goal
from saphan.cases.services import case_open
from saphan.dashboard.selectors import HOME_LIST_LIMIT, pilot_progress
from saphan.dashboard.views import optional_url
from saphan.geo.models import Province
from saphan.outcomes.contracts import current_version
from saphan.outcomes.models import Claim, Party, PaymentRequest
from saphan.outcomes.services import party_add, project_create
from saphan.watch.models import FlagStatus
from saphan.watch.selectors import sensitive_rule_ids
from tests.dashboard.conftest import days

pytestmark = pytest.mark.django_db

BLOCKS = ("home-watch", "home-follow-ups", "home-provinces", "home-national", "home-pilots")


def shown(body: str) -> set[str]:
    return {block for block in BLOCKS if f'id="{block}"' in body}


def page(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


# --- which blocks each role gets -------------------------------------------------------


def test_field_worker_sees_watch_list_and_follow_ups_only(fw: Any, login: Any) -> None:
    body = page(login(fw))
    assert shown(body) == {"home-watch", "home-follow-ups"}
    assert 'id="home-watch-all"' in body and reverse("watch:list") in body
    assert "/cases/?stage=open&amp;mine=1&amp;overdue=1" in body


def test_case_manager_sees_watch_list_and_follow_ups(
    make_user: Any, nan_cso: Any, login: Any
) -> None:
    manager = make_user(role="case_manager", organisation=nan_cso)
    # A case manager may see outcomes, but their organisation is no party: no block.
    assert shown(page(login(manager))) == {"home-watch", "home-follow-ups"}


def test_coordinator_sees_province_cards_and_watch_list(make_user: Any, login: Any) -> None:
    coordinator = make_user(
        role="provincial_coordinator", provinces=("55", "94"), kind="provincial_office"
    )
    body = page(login(coordinator))
    assert shown(body) == {"home-watch", "home-provinces"}
    for code in ("55", "94"):
        href = optional_url("reports:province", code) or reverse("province", args=[code])
        assert f'id="home-province-{code}"' in body
        assert f'href="{href}"' in body


def test_provincial_agency_officer_sees_province_cards(make_user: Any, login: Any) -> None:
    officer = make_user(role="agency_officer", provinces=("34",), kind="provincial_office")
    body = page(login(officer))
    assert shown(body) == {"home-watch", "home-provinces"}
    assert 'id="home-province-34"' in body


def test_national_agency_officer_gets_the_national_dashboard(make_user: Any, login: Any) -> None:
    codes = tuple(Province.objects.project().values_list("code", flat=True))
    officer = make_user(role="agency_officer", provinces=codes, kind="agency")
    body = page(login(officer))
    assert shown(body) == {"home-watch", "home-national"}
    assert 'id="home-national-card"' in body
    national = optional_url("reports:national")
    if national is not None:
        assert f'href="{national}"' in body


def test_analyst_gets_the_national_dashboard_and_no_person_names(
    make_user: Any, nan_cso: Any, citizen: Any, flag: Any, fw: Any, contact: Any, login: Any
) -> None:
    person = citizen("ลับเฉพาะ")
    flag(person)
    case = case_open(user=fw, person=person)
    contact(case, follow_up_in=-2, by=fw)
    analyst = make_user(role="analyst", organisation=nan_cso)
    body = page(login(analyst))
    assert shown(body) == {"home-national"}
    assert "ลับเฉพาะ" not in body
    assert "ทดสอบหน้าแรก" not in body  # no family name either
    assert "/people/" not in body.split("<main", 1)[1]  # no link to any person


@pytest.mark.parametrize("role", ["investor", "payer", "evaluator", "intermediary"])
def test_outcomes_staff_see_pilot_progress_only(
    role: str, users: dict[str, Any], project: Any, login: Any
) -> None:
    body = page(login(users[role]))
    assert shown(body) == {"home-pilots"}
    assert 'id="home-pilot-hhh"' in body
    assert reverse("outcomes:project", args=[project.uid]) in body


def test_administrator_gets_none_of_the_role_blocks(administrator: Any, login: Any) -> None:
    assert shown(page(login(administrator))) == set()


# --- the watch list --------------------------------------------------------------------


def test_watch_list_shows_only_the_workers_provinces_most_urgent_first(
    fw: Any, citizen: Any, flag: Any, login: Any
) -> None:
    low = citizen("นิดหน่อย")
    urgent = citizen("ด่วนมาก")
    acknowledged = citizen("รับทราบแล้ว")
    resolved = citizen("หายแล้ว")
    far = citizen("ปัตตานีไกล", province="94")
    flag(low, priority=4, days_ago=3)
    flag(urgent, priority=1, days_ago=1)
    flag(acknowledged, status=FlagStatus.ACKNOWLEDGED, priority=2)
    flag(resolved, status=FlagStatus.RESOLVED)
    flag(far, priority=1)
    body = page(login(fw, english=True))
    watch = body.split('id="home-watch"', 1)[1].split("</section>", 1)[0]
    assert "My watch list (3)" in watch
    assert watch.index("ด่วนมาก") < watch.index("รับทราบแล้ว") < watch.index("นิดหน่อย")
    assert "หายแล้ว" not in watch
    assert "ปัตตานีไกล" not in body  # never a person outside the worker's provinces
    assert "Older person with no income" in watch or "older" in watch.lower()  # rule name
    assert "3 days ago" in watch and "1 day ago" in watch and "today" in watch
    assert reverse("people:detail", args=[urgent.uid]) in watch
    log = AccessLog.objects.filter(object_type="watch_flag", action="search").latest("pk")
    assert log.detail == {"page": "home", "shown": 3, "results": 3}


def test_watch_list_stops_at_ten_and_counts_all(
    fw: Any, citizen: Any, flag: Any, login: Any
) -> None:
    for n in range(HOME_LIST_LIMIT + 2):
        flag(citizen(f"คนที่{n:02d}"), days_ago=n)
    body = page(login(fw, english=True))
    assert f"My watch list ({HOME_LIST_LIMIT + 2})" in body
    assert body.count('id="home-flag-') == HOME_LIST_LIMIT
    assert f"The {HOME_LIST_LIMIT} most urgent of {HOME_LIST_LIMIT + 2}." in body
    # Same priority: the longest waiting first, so the two newest are left out.
    assert "คนที่11" in body and "คนที่00" not in body and "คนที่01" not in body


def test_sensitive_rule_flags_hide_after_consent_withdrawal(
    fw: Any, citizen: Any, flag: Any, login: Any
) -> None:
    withdrawn = citizen("ถอนความยินยอม", sensitive_basis="")
    sensitive = flag(withdrawn, "older_with_disability")
    assert sensitive.rule_id in sensitive_rule_ids()
    flag(withdrawn, "older_no_income")  # not sensitive: still shown
    body = page(login(fw, english=True))
    assert "My watch list (1)" in body
    assert f'id="home-flag-{sensitive.pk}"' not in body


# --- overdue follow-ups ---------------------------------------------------------------


def test_overdue_follow_ups_match_the_sweep_definition(
    fw: Any, fw2: Any, citizen: Any, contact: Any, login: Any
) -> None:
    overdue = case_open(user=fw, person=citizen("เลยกำหนด"))
    contact(overdue, follow_up_in=-1, by=fw)
    not_yet = case_open(user=fw, person=citizen("ยังไม่ถึง"))
    contact(not_yet, follow_up_in=5, by=fw)
    # Assigned to another worker of the same organisation: not "mine".
    others = case_open(user=fw2, person=citizen("ของคนอื่น"))
    contact(others, follow_up_in=-3, by=fw2)
    # A goal past its due date is overdue too (the sweep's "goal_overdue").
    goal_case = case_open(user=fw, person=citizen("เป้าหมายเลย"))
    Goal.objects.create(
        case=goal_case, dimension="income", description="หางาน", due_on=days(-2), created_by=fw
    )
    # A closed case is never overdue.
    closed = case_open(user=fw, person=citizen("ปิดแล้ว"))
    contact(closed, follow_up_in=-4, by=fw)
    Case.objects.filter(pk=closed.pk).update(stage="closed", outcome="goals_met", closed_on=days(0))

    body = page(login(fw, english=True))
    block = body.split('id="home-follow-ups"', 1)[1].split("</section>", 1)[0]
    assert "My overdue follow-ups (2)" in block
    assert f'id="home-case-{overdue.short_id}"' in block
    assert f'id="home-case-{goal_case.short_id}"' in block
    assert reverse("cases:detail", args=[overdue.uid]) in block
    for name in ("ยังไม่ถึง", "ของคนอื่น", "ปิดแล้ว"):
        assert name not in block
    assert "Follow-up overdue" in block and "Goal overdue" in block
    log = AccessLog.objects.filter(object_type="case", action="search").latest("pk")
    assert log.detail["page"] == "home" and log.detail["results"] == 2
    # The other worker sees their own case only.
    other = page(login(fw2, english=True)).split('id="home-follow-ups"', 1)[1]
    assert "My overdue follow-ups (1)" in other and "ของคนอื่น" in other


# --- pilot progress -------------------------------------------------------------------


@pytest.fixture
def progress(project: Any, users: dict[str, Any], orgs: dict[str, Any], enrol: Any) -> Any:
    """Hhh: 2 enrolled (+1 comparison), 3 claims (2 verified), 30,000 approved of which
    20,000 paid (5,000 only requested); a second project without the investor."""
    first = enrol("หนึ่ง")
    second = enrol("สอง")
    enrol("เทียบ", comparison=True)
    version = current_version(project)
    for participant, metric, status in (
        (first, "housed", "accepted"),
        (second, "housed", "paid"),
        (first, "sustained", "submitted"),
    ):
        Claim.objects.create(
            project=project,
            contract_version=version,
            participant=participant,
            metric=metric,
            achieved_on=days(-30),
            status=status,
            organisation=orgs["provider"],
            submitted_by=users["provider"],
        )
    payer = Party.objects.get(project=project, role="payer")
    for period, amount, status in (
        ("2026-Q1", "20000.00", "paid"),
        ("2026-Q2", "10000.00", "approved"),
        ("2026-Q3", "5000.00", "requested"),
    ):
        PaymentRequest.objects.create(
            project=project,
            payer=payer,
            period=period,
            amount=Decimal(amount),
            status=status,
            prepared_by=users["intermediary"],
        )
    other = project_create(
        user=users["intermediary"],
        code="elsewhere",
        name_th="โครงการอื่น",
        name_en="Another project",
        participant_prefix="ELS",
        province_codes=["55"],
        eligible_groups=["homeless"],
        starts_on=days(-10),
    )
    party_add(user=users["intermediary"], project=other, organisation=orgs["bank"], role="investor")
    return project


def test_investor_sees_the_progress_of_their_projects_only(
    progress: Any, users: dict[str, Any], login: Any
) -> None:
    body = page(login(users["investor"], english=True))
    row = body.split('id="home-pilot-hhh"', 1)[1].split("</tr>", 1)[0]
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in row.split('<td class="num"')[1:]]
    assert cells == ["2", "2 / 3", "30,000.00", "20,000.00"]
    assert "Home Hope Hub" in row
    assert "elsewhere" not in body and "Another project" not in body
    # Participants stay pseudonymous: no name of an enrolled person on the page.
    assert "หนึ่ง" not in body and "สอง" not in body
    figures = pilot_progress(user=users["investor"])
    assert [(p.project.code, p.approved, p.paid) for p in figures] == [
        ("hhh", Decimal("30000.00"), Decimal("20000.00"))
    ]


def test_the_bank_sees_the_other_project_too(
    progress: Any, users: dict[str, Any], make_user: Any, orgs: dict[str, Any], login: Any
) -> None:
    banker = make_user(role="investor", organisation=orgs["bank"])
    body = page(login(banker))
    assert 'id="home-pilot-hhh"' in body and 'id="home-pilot-elsewhere"' in body


def test_provider_case_manager_sees_pilot_progress_with_the_watch_list(
    progress: Any, users: dict[str, Any], login: Any
) -> None:
    body = page(login(users["provider"]))
    assert shown(body) == {"home-watch", "home-follow-ups", "home-pilots"}


# --- empty states ----------------------------------------------------------------------


def test_empty_states_for_field_workers(fw: Any, login: Any) -> None:
    body = page(login(fw, english=True))
    assert "My watch list (0)" in body and "My overdue follow-ups (0)" in body
    assert 'id="home-watch-empty"' in body and "Nobody in your provinces is flagged now." in body
    assert 'id="home-follow-ups-empty"' in body and "Nothing overdue." in body
    assert not AccessLog.objects.filter(object_type__in=("watch_flag", "case")).exists()
    thai = page(login(fw))
    assert 'id="home-watch-empty"' in thai and "ไม่มีรายการเลยกำหนด" in thai


def test_empty_state_for_an_investor_without_projects(make_user: Any, login: Any) -> None:
    investor = make_user(role="investor", kind="investor", provinces=())
    body = page(login(investor, english=True))
    assert shown(body) == {"home-pilots"}
    assert "not a party to any outcomes project yet" in body


# --- cheap queries ---------------------------------------------------------------------


def test_the_home_page_makes_a_handful_of_queries(
    fw: Any,
    citizen: Any,
    flag: Any,
    contact: Any,
    login: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(HOME_LIST_LIMIT + 3):
        person = citizen(f"คิวรี{n}")
        flag(person)
        contact(case_open(user=fw, person=person), follow_up_in=-1, by=fw)
    client = login(fw)
    with django_assert_max_num_queries(22):
        body = page(client)
    assert body.count('id="home-flag-') == HOME_LIST_LIMIT
    assert body.count('id="home-case-') == HOME_LIST_LIMIT


def test_pilot_progress_makes_a_few_queries(
    progress: Any,
    users: dict[str, Any],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    with django_assert_max_num_queries(5):
        assert len(pilot_progress(user=users["intermediary"])) == 2
