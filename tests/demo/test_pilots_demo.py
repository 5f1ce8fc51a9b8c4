"""The five outcomes pilots in the demo: five roles each, participants, claims in every
state, payments, a balanced ledger, loaded once, and no participant's name in the money
trail. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from saphan import policy
from saphan.accounts.models import User
from saphan.accounts.roles import Role
from saphan.demo.people import demo_people_load
from saphan.demo.pilots import demo_pilot_logins, demo_pilots_load, pilot_username
from saphan.demo.seed import demo_seed_organisations_and_users
from saphan.outcomes.choices import ClaimStatus, PartyRole, PaymentStatus
from saphan.outcomes.models import (
    Claim,
    ContractVersion,
    LedgerTransaction,
    Participant,
    Party,
    PaymentRequest,
    Project,
)
from saphan.outcomes.pilots import PILOTS
from saphan.outcomes.reconcile import ledger_reconcile

pytestmark = pytest.mark.django_db

PEOPLE = 1500


@pytest.fixture
def loaded(db: None, settings: Any) -> dict[str, int]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_seed_organisations_and_users()
    demo_people_load(PEOPLE)
    lines: list[str] = []
    counts = demo_pilots_load(progress=lines.append)
    counts["lines"] = len(lines)
    return counts


def _payers_have_staff(project: Project) -> bool:
    """Whether every payer party's organisation may hold the payer role (the policy
    decides which kinds of organisation can have payer staff)."""
    return all(
        Role.PAYER in policy.ROLES_BY_ORGANISATION_KIND.get(p.organisation.kind, frozenset())
        for p in Party.objects.filter(project=project, role=PartyRole.PAYER)
    )


def test_the_five_pilots_with_their_parties_people_claims_and_money(
    loaded: dict[str, int],
) -> None:
    projects = list(Project.objects.order_by("code"))
    assert len(projects) == 5 == loaded["projects"]
    assert {p.code for p in projects} == {s.code.lower() for s in PILOTS}
    overall: Counter[str] = Counter()
    for project in projects:
        roles = set(Party.objects.filter(project=project).values_list("role", flat=True))
        assert roles == set(PartyRole.values), project.code
        assert project.status == "active"
        participants = Participant.objects.filter(project=project)
        assert participants.count() >= 10, project.code
        statuses = Counter(Claim.objects.filter(project=project).values_list("status", flat=True))
        overall.update(statuses)
        assert statuses[ClaimStatus.ACCEPTED] + statuses[ClaimStatus.PAID] > 0, project.code
        assert ledger_reconcile(project=project) == [], project.code
        assert LedgerTransaction.objects.filter(project=project, kind="drawdown").exists()
        paid = PaymentRequest.objects.filter(project=project, status=PaymentStatus.PAID)
        if _payers_have_staff(project):
            assert paid.exists(), project.code
    for status in (ClaimStatus.ACCEPTED, ClaimStatus.REJECTED, ClaimStatus.PRECHECKED):
        assert overall[status] > 0, status
    assert overall[ClaimStatus.QUERIED] > 0 and overall[ClaimStatus.PAID] > 0
    assert PaymentRequest.objects.filter(status=PaymentStatus.PAID).exists()
    assert loaded["claims_refused_at_submission"] > 0
    # The amendment: Home Hope Hub has a second signed version with a reason.
    versions = ContractVersion.objects.filter(project__code="hhh-2026").order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert all(v.is_signed for v in versions) and versions[1].reason
    assert Participant.objects.filter(comparison_group=True).exists()
    _users_act_for_their_party(loaded)
    _no_participant_name_in_the_money_trail()


def _users_act_for_their_party(loaded: dict[str, int]) -> None:
    assert loaded["users_created"] > 0
    for code, role, organisation, username in demo_pilot_logins():
        user = User.objects.filter(username=username).first()
        if user is None:
            continue  # a role the organisation's kind cannot hold (see the progress lines)
        assert user.organisation is not None and user.organisation.code == organisation
        assert Party.objects.filter(
            project__code=code.lower(), organisation=user.organisation, role=role
        ).exists() or (role == "provider" and user.organisation.kind == "academic")
    assert pilot_username("cso-55", "provider") == "cm.nan"
    assert pilot_username("homeless-foundation", "provider") == "cm.homeless-foundation"
    assert pilot_username("impact-fund", "investor") == "investor"
    assert pilot_username("outcome-payer", "payer") == "payer"


def _no_participant_name_in_the_money_trail() -> None:
    names = {
        n
        for p in Participant.objects.select_related("person")
        for n in (p.person.given_name, p.person.family_name)
        if n and len(n) > 2
    }
    assert names
    lines = json.dumps(
        list(PaymentRequest.objects.values_list("lines", flat=True)), ensure_ascii=False
    )
    descriptions = " ".join(LedgerTransaction.objects.values_list("description", flat=True))
    for name in names:
        assert name not in lines and name not in descriptions


def test_running_it_again_changes_nothing(loaded: dict[str, int]) -> None:
    def snapshot() -> tuple[int, ...]:
        return tuple(
            m.objects.count()
            for m in (Project, Party, Participant, Claim, PaymentRequest, LedgerTransaction, User)
        )

    before = snapshot()
    counts = demo_pilots_load(progress=lambda _line: None)
    assert snapshot() == before
    assert counts["pilots_skipped"] == 5 and counts["projects"] == 0


def test_every_pilot_pays_once_every_payer_can_have_staff(
    db: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pilots' government payers are organisations of kind ``agency``; when the
    policy lets an agency have payer staff, every pilot gets paid requests too."""
    kinds = dict(policy.ROLES_BY_ORGANISATION_KIND)
    kinds["agency"] = kinds["agency"] | {Role.PAYER}
    monkeypatch.setattr(policy, "ROLES_BY_ORGANISATION_KIND", kinds)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_seed_organisations_and_users()
    demo_people_load(PEOPLE)
    demo_pilots_load(progress=lambda _line: None)
    for project in Project.objects.all():
        statuses = Counter(
            PaymentRequest.objects.filter(project=project).values_list("status", flat=True)
        )
        assert statuses[PaymentStatus.PAID] > 0, project.code
        assert statuses[PaymentStatus.APPROVED] == 1, project.code  # approved, not yet paid
        assert statuses[PaymentStatus.REQUESTED] >= 1, project.code
        assert ledger_reconcile(project=project) == [], project.code
        assert LedgerTransaction.objects.filter(project=project, kind="repayment").exists()
