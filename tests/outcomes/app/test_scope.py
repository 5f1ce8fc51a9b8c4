"""Who sees what: parties of a project see it; a party of another project, analysts and
administrators see nothing; only the intermediary sees the ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from saphan import policy
from saphan.outcomes.claims import claim_submit
from saphan.outcomes.ledger import account_for, ledger_post
from saphan.outcomes.models import Claim, LedgerTransaction, Participant, PaymentRequest, Project
from saphan.outcomes.selectors import participant_present, project_dashboard
from saphan.outcomes.services import party_add, project_create
from tests.outcomes.app.conftest import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(project: Any, enrol: Any, users: Any) -> dict[str, Any]:
    participant = enrol()
    claim = claim_submit(
        user=users["provider"],
        project=project,
        participant=participant,
        metric="housed",
        achieved_on=days(-90),
    )
    ledger_post(
        user=users["intermediary"],
        project=project,
        date=timezone.localdate(),
        description="opening",
        kind="adjustment",
        lines=[
            (account_for(project, "cash"), Decimal("1.00"), 0),
            (account_for(project, "adjustment"), 0, Decimal("1.00")),
        ],
    )
    return {"participant": participant, "claim": claim}


def visible(user: Any) -> dict[str, int]:
    return {
        "projects": Project.objects.visible_to(user).count(),
        "participants": Participant.objects.visible_to(user).count(),
        "claims": Claim.objects.visible_to(user).count(),
        "requests": PaymentRequest.objects.visible_to(user).count(),
        "ledger": LedgerTransaction.objects.visible_to(user).count(),
    }


def test_every_party_sees_the_project_and_only_the_intermediary_the_ledger(
    world: Any, users: Any
) -> None:
    for who in ("provider", "evaluator", "payer", "investor"):
        seen = visible(users[who])
        assert (seen["projects"], seen["participants"], seen["claims"], seen["ledger"]) == (
            1,
            1,
            1,
            0,
        ), who
    assert visible(users["intermediary"])["ledger"] == 1
    assert policy.can(users["payer"], policy.Action.VIEW_OUTCOMES, world["claim"].project)


def test_a_party_of_another_project_sees_nothing(
    world: Any, users: Any, make_user: Any, make_org: Any
) -> None:
    other_im = make_user(role="intermediary", kind="intermediary")
    other = project_create(user=other_im, code="pa-starter", name_th="PA Starter")
    other_provider = make_org(kind="cso", provinces=("55",))
    party_add(user=other_im, project=other, organisation=other_provider, role="provider")
    other_cm = make_user(role="case_manager", organisation=other_provider)
    for user in (other_im, other_cm):
        assert visible(user) == {
            "projects": 1,
            "participants": 0,
            "claims": 0,
            "requests": 0,
            "ledger": 0,
        }
        assert not Project.objects.visible_to(user).filter(code="hhh").exists()
        with pytest.raises(PermissionDenied):
            participant_present(participant=world["participant"], user=user)
        with pytest.raises(PermissionDenied):
            project_dashboard(user=user, project=world["claim"].project)


def test_analysts_and_administrators_see_nothing(
    world: Any, users: Any, administrator: Any
) -> None:
    for user in (users["analyst"], administrator):
        assert visible(user) == dict.fromkeys(
            ("projects", "participants", "claims", "requests", "ledger"), 0
        )


def test_a_provider_user_outside_the_persons_province_sees_only_the_code(
    world: Any, users: Any, make_user: Any, orgs: Any
) -> None:
    # Same provider organisation, but the person is not visible to this role.
    field_worker = make_user(role="field_worker", organisation=orgs["provider"])
    assert not policy.participant_identity_visible(field_worker, world["participant"])
    view = participant_present(participant=world["participant"], user=users["intermediary"])
    assert view.name is None
    assert policy.participant_identity_visible(users["provider"], world["participant"])
