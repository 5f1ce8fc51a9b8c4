"""The five-party project of ``tests/outcomes/app`` (imported), plus what the pages and
the API need: a signed-in client, an API caller, verified claims, another project."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from saphan.accounts.services import api_token_create
from saphan.outcomes.claims import claim_submit, claim_verify
from saphan.outcomes.services import party_add, project_create
from tests.factories import TEST_PASSWORD
from tests.outcomes.app import conftest as app

# The five-party project's fixtures, shared with tests/outcomes/app.
orgs = app.orgs
users = app.users
draft_project = app.draft_project
project = app.project
make_person = app.make_person
enrol = app.enrol
days = app.days
spec = app.spec

NAMES = ("สมชาย", "สมหญิง", "สมศักดิ์")


def quarter(day: Any) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def this_quarter() -> str:
    return quarter(timezone.localdate())


@pytest.fixture
def login(client: Client) -> Callable[[Any], Client]:
    def go(user: Any) -> Client:
        client.logout()
        assert client.login(username=user.username, password=TEST_PASSWORD)
        return client

    return go


@pytest.fixture
def call(client: Client) -> Callable[..., Any]:
    """``call(user, "get", "/outcomes/projects")``: the API with a fresh bearer token."""

    def do(user: Any, method: str, path: str, body: Any = None, **params: Any) -> Any:
        _, token = api_token_create(user=user)
        headers = {"Authorization": f"Bearer {token}"}
        if method == "get":
            return client.get(f"/api/v1{path}", params, headers=headers)
        return getattr(client, method)(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=headers
        )

    return do


@pytest.fixture
def participants(enrol: Any) -> list[Any]:
    return [enrol(name) for name in NAMES]


@pytest.fixture
def claim(project: Any, participants: list[Any], users: dict[str, Any]) -> Any:
    """One claim waiting for the evaluator."""
    return claim_submit(
        user=users["provider"],
        project=project,
        participant=participants[0],
        metric="housed",
        achieved_on=days(-90),
    )


@pytest.fixture
def verified(project: Any, participants: list[Any], users: dict[str, Any]) -> list[Any]:
    """Three people housed and verified (30 000 THB)."""
    claims = []
    for participant in participants:
        made = claim_submit(
            user=users["provider"],
            project=project,
            participant=participant,
            metric="housed",
            achieved_on=days(-90),
        )
        claim_verify(user=users["evaluator"], claim=made, decision="accept", reason="seen")
        claims.append(made)
    return claims


@pytest.fixture
def outsider(make_org: Any, make_user: Any, users: dict[str, Any]) -> Any:
    """A payer's staff whose organisation is party to another project only."""
    org = make_org(kind="outcome_payer", code="other-payer", provinces=())
    other = project_create(
        user=users["intermediary"], code="other", name_th="โครงการอื่น", participant_prefix="OTH"
    )
    party_add(user=users["intermediary"], project=other, organisation=org, role="payer")
    return make_user(role="payer", organisation=org, username="outsider")
