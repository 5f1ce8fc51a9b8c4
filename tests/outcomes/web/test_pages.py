"""The outcomes pages per role: who sees what, 403 for a role that may not, 404 for a
project the user's organisation is not party to; strict CSP (no inline style/script)."""

from __future__ import annotations

from typing import Any

import pytest

from saphan.audit.models import AccessLog
from saphan.outcomes.choices import PartyRole
from saphan.outcomes.models import Participant
from tests.outcomes.web.conftest import NAMES

pytestmark = pytest.mark.django_db

COMMON = ("project", "claims", "participants", "disputes", "statement", "scenarios")
BY_ROLE = {
    "provider": ("claims/new",),
    "evaluator": ("verify",),
    "payer": ("approvals",),
    "intermediary": ("payments", "investor"),
    "investor": ("investor",),
}
ALL_PAGES = (*COMMON, "claims/new", "verify", "approvals", "payments", "investor")


def url(project: Any, page: str) -> str:
    return f"/outcomes/{project.uid}/" + ("" if page == "project" else f"{page}/")


def assert_csp_clean(html: str) -> None:
    assert ' style="' not in html and "<script>" not in html


def test_list_shows_the_projects_and_the_roles(login: Any, users: Any, project: Any) -> None:
    html = login(users["provider"]).get("/outcomes/").content.decode()
    assert project.name_th in html and "no-projects" not in html
    assert str(PartyRole.PROVIDER.label) in html


def test_list_has_an_empty_state(login: Any, outsider: Any, project: Any) -> None:
    html = login(outsider).get("/outcomes/").content.decode()
    assert project.name_th not in html and "โครงการอื่น" in html


@pytest.mark.parametrize("role", list(BY_ROLE))
def test_every_role_reaches_its_pages(
    login: Any, users: Any, project: Any, claim: Any, role: str
) -> None:
    client = login(users[role])
    for page in (*COMMON, *BY_ROLE[role]):
        response = client.get(url(project, page))
        assert response.status_code == 200, (role, page, response.status_code)
        assert_csp_clean(response.content.decode())
    response = client.get(f"/outcomes/{project.uid}/claims/{claim.uid}/")
    assert response.status_code == 200
    for page in set(ALL_PAGES) - set(COMMON) - set(BY_ROLE[role]):
        if role == "intermediary" and page == "investor":
            continue
        assert client.get(url(project, page)).status_code == 403, (role, page)


def test_dashboard_shows_charts_and_tables(
    login: Any, users: Any, project: Any, verified: Any
) -> None:
    html = login(users["intermediary"]).get(url(project, "project")).content.decode()
    for part in (
        'id="chart-metrics"',
        'id="metrics-table"',
        'id="chart-stages"',
        'id="stages-table"',
        'id="chart-money"',
        'id="money-table"',
        'id="versions"',
        'id="parties"',
        "35,000.00",  # the total cap, with thousands separators
        "มีที่พักอาศัย",
        "<svg",
    ):
        assert part in html, part
    assert_csp_clean(html)


def test_another_projects_party_gets_404(
    login: Any, outsider: Any, project: Any, claim: Any
) -> None:
    client = login(outsider)
    for page in ALL_PAGES:
        assert client.get(url(project, page)).status_code == 404, page
    assert client.get(f"/outcomes/{project.uid}/claims/{claim.uid}/").status_code == 404
    assert AccessLog.objects.filter(action="denied", object_type="project").exists()


@pytest.mark.parametrize("who", ["analyst", "administrator"])
def test_analysts_and_administrators_get_403(
    login: Any, users: Any, administrator: Any, project: Any, who: str
) -> None:
    user = administrator if who == "administrator" else users[who]
    client = login(user)
    assert client.get("/outcomes/").status_code == 403
    for page in ALL_PAGES:
        assert client.get(url(project, page)).status_code == 403, page


def test_participants_names_only_for_the_provider(
    login: Any, users: Any, project: Any, participants: Any
) -> None:
    html = login(users["provider"]).get(url(project, "participants")).content.decode()
    assert all(name in html for name in NAMES)
    assert all(p.code in html for p in participants)
    assert AccessLog.objects.filter(
        action="view", object_type="participant", object_id=participants[0].code
    ).exists()
    for role in ("evaluator", "payer", "intermediary", "investor"):
        html = login(users[role]).get(url(project, "participants")).content.decode()
        assert participants[0].code in html
        assert not any(name in html for name in NAMES), role


def test_enrol_from_the_page(login: Any, users: Any, project: Any, make_person: Any) -> None:
    client = login(users["provider"])
    person = make_person("มานี")
    found = client.get(url(project, "participants"), {"q": "มานี"}).content.decode()
    assert str(person.uid) in found
    response = client.post(url(project, "participants"), {"person": str(person.uid)})
    assert response.status_code == 302
    assert Participant.objects.filter(person=person).exists()
    no_consent = make_person("ไม่ยินยอม", consent=False)
    refused = client.post(url(project, "participants"), {"person": str(no_consent.uid)})
    assert refused.status_code == 422
    assert "consent" in refused.content.decode().lower() or "ยินยอม" in refused.content.decode()
    assert not Participant.objects.filter(person=no_consent).exists()


def test_no_name_on_any_page_but_the_providers(
    login: Any, users: Any, project: Any, verified: Any
) -> None:
    claim = verified[0]
    for role in ("evaluator", "payer", "intermediary", "investor"):
        client = login(users[role])
        for page in ALL_PAGES:
            html = client.get(url(project, page)).content.decode()
            assert not any(name in html for name in NAMES), (role, page)
        html = client.get(f"/outcomes/{project.uid}/claims/{claim.uid}/").content.decode()
        assert claim.participant.code in html
        assert not any(name in html for name in NAMES), role
    provider = login(users["provider"])
    html = provider.get(f"/outcomes/{project.uid}/claims/{claim.uid}/").content.decode()
    assert NAMES[0] in html


def test_a_draft_project_has_empty_states(login: Any, users: Any, draft_project: Any) -> None:
    client = login(users["intermediary"])
    html = client.get(url(draft_project, "project")).content.decode()
    assert 'id="no-contract"' in html
    assert 'id="no-contract"' in client.get(url(draft_project, "scenarios")).content.decode()
    assert 'id="no-claims"' in client.get(url(draft_project, "claims")).content.decode()
    assert 'id="no-requests"' in client.get(url(draft_project, "payments")).content.decode()
    investor = client.get(url(draft_project, "investor")).content.decode()
    assert 'id="no-figures"' in investor
    html = login(users["provider"]).get(url(draft_project, "claims/new")).content.decode()
    assert 'id="claim-form"' in html
    client = login(users["intermediary"])
    refused = client.post(url(draft_project, "payments/prepare"), {"period": "2026-Q1"})
    assert refused.status_code == 422
