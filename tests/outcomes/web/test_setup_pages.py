"""The intermediary sets a project up through the pages: a new project, its parties, the
contract drafted, checked by the engine and signed. Others get 403."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings

from saphan.outcomes.models import ContractVersion, Party, Project
from tests.outcomes.web.conftest import spec

pytestmark = pytest.mark.django_db

NEW = {
    "code": "hhh",
    "name_th": "บ้านแห่งความหวัง",
    "name_en": "Home Hope Hub",
    "description": "Housing first",
    "target_population": "People sleeping rough",
    "participant_prefix": "HHH",
    "provinces": ["55"],
    "eligible_groups": ["homeless"],
    "starts_on": "2025-01-01",
    "ends_on": "2027-12-31",
}


def english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_intermediary_creates_a_project(login: Any, users: Any, orgs: Any) -> None:
    im = login(users["intermediary"])
    assert 'id="project-new"' in im.get("/outcomes/").content.decode()
    assert im.get("/outcomes/new/").status_code == 200
    response = im.post("/outcomes/new/", NEW)
    project = Project.objects.get(code="hhh")
    assert response.status_code == 302
    assert response["Location"] == f"/outcomes/{project.uid}/contract/"
    assert project.status == "draft" and project.participant_prefix == "HHH"
    assert list(project.provinces.values_list("code", flat=True)) == ["55"]
    assert project.eligible_groups == ["homeless"]
    party = Party.objects.get(project=project)
    assert party.role == "intermediary" and party.organisation == orgs["intermediary"]
    page = im.get(response["Location"]).content.decode()
    assert 'id="tab-contract"' in page and 'id="no-versions"' in page


def test_bad_code_shows_the_error_and_saves_nothing(login: Any, users: Any) -> None:
    im = english(login(users["intermediary"]))
    response = im.post("/outcomes/new/", {**NEW, "code": "a b!"})
    assert response.status_code == 422
    assert "Use 2 to 40 letters, digits and hyphens." in response.content.decode()
    assert not Project.objects.exists() and not Party.objects.exists()


def test_intermediary_adds_a_party(login: Any, users: Any, orgs: Any) -> None:
    im = english(login(users["intermediary"]))
    im.post("/outcomes/new/", NEW)
    project = Project.objects.get(code="hhh")
    url = f"/outcomes/{project.uid}/contract/"
    response = im.post(
        url,
        {
            "action": "party",
            "organisation": orgs["payer"].pk,
            "role": "payer",
            "spec_code": "dsdw",
        },
    )
    assert response.status_code == 302
    party = Party.objects.get(project=project, role="payer")
    assert party.organisation == orgs["payer"] and party.spec_code == "dsdw"
    # The service checks the kinds: a payer organisation cannot be the evaluator.
    bad = im.post(url, {"action": "party", "organisation": orgs["payer"].pk, "role": "evaluator"})
    assert bad.status_code == 422
    assert "An evaluator is an evaluation or academic institution." in bad.content.decode()
    assert not Party.objects.filter(project=project, role="evaluator").exists()


def test_contract_drafted_and_signed(login: Any, users: Any, draft_project: Any) -> None:
    im = english(login(users["intermediary"]))
    url = f"/outcomes/{draft_project.uid}/contract/"
    response = im.post(url, {"action": "draft", "spec": json.dumps(spec())})
    assert response.status_code == 302
    version = ContractVersion.objects.get(project=draft_project)
    assert version.number == 1 and not version.is_signed
    page = im.get(url).content.decode()
    assert 'id="sign-form"' in page and "Home Hope Hub" in page
    signed = im.post(url, {"action": "sign"})
    assert signed.status_code == 302
    version.refresh_from_db()
    draft_project.refresh_from_db()
    assert version.is_signed and draft_project.status == "active"
    # After signing, a new draft is an amendment and needs a reason.
    amend = im.post(url, {"action": "draft", "spec": json.dumps(spec(name_en="HHH 2"))})
    assert amend.status_code == 422
    assert "Say why the signed contract is amended." in amend.content.decode()
    assert ContractVersion.objects.filter(project=draft_project).count() == 1


def test_contract_uploaded_as_a_file(login: Any, users: Any, draft_project: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    im = login(users["intermediary"])
    upload = SimpleUploadedFile("hhh.json", json.dumps(spec()).encode(), "application/json")
    response = im.post(
        f"/outcomes/{draft_project.uid}/contract/", {"action": "draft", "spec_file": upload}
    )
    assert response.status_code == 302
    assert ContractVersion.objects.filter(project=draft_project).count() == 1


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("{not json", "Not valid JSON"),
        (json.dumps(spec(caps={"total": 35000.5})), "caps"),
        (json.dumps(spec(code="other")), "is not the project&#x27;s code"),
    ],
)
def test_bad_contract_shows_the_problem_and_saves_nothing(
    login: Any, users: Any, draft_project: Any, body: str, problem: str
) -> None:
    im = english(login(users["intermediary"]))
    response = im.post(
        f"/outcomes/{draft_project.uid}/contract/", {"action": "draft", "spec": body}
    )
    assert response.status_code == 422
    assert problem in response.content.decode()
    assert not ContractVersion.objects.filter(project=draft_project).exists()


@pytest.mark.parametrize("who", ["payer", "provider"])
def test_other_parties_get_403(login: Any, users: Any, draft_project: Any, who: str) -> None:
    client = login(users[who])
    assert 'id="project-new"' not in client.get("/outcomes/").content.decode()
    assert client.get("/outcomes/new/").status_code == 403
    assert client.post("/outcomes/new/", {**NEW, "code": "mine"}).status_code == 403
    url = f"/outcomes/{draft_project.uid}/contract/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "draft", "spec": json.dumps(spec())}).status_code == 403
    assert 'id="tab-contract"' not in client.get(f"/outcomes/{draft_project.uid}/").content.decode()
    assert not Project.objects.filter(code="mine").exists()
    assert not ContractVersion.objects.exists()
