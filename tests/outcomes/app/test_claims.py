"""Claims: the engine's pre-check refuses what the contract does not pay, and the
evaluator's verification keeps separation of duties."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from saphan.outcomes.claims import (
    claim_evidence_add,
    claim_submit,
    claim_verify,
    dispute_open,
    dispute_resolve,
)
from saphan.outcomes.models import Claim, ClaimEvidence, Verification
from saphan.outcomes.selectors import dispute_queue, verification_queue
from tests.outcomes.app.conftest import days

pytestmark = pytest.mark.django_db


def submit(users: Any, project: Any, participant: Any, metric: str, on: int, **kw: Any) -> Any:
    return claim_submit(
        user=users["provider"],
        project=project,
        participant=participant,
        metric=metric,
        achieved_on=days(on),
        **kw,
    )


def accept(users: Any, claim: Any) -> Any:
    return claim_verify(
        user=users["evaluator"], claim=claim, decision="accept", reason="Tenancy agreement seen"
    )


def test_claim_outside_its_window_is_refused_and_nothing_saved(
    project: Any, enrol: Any, users: Any
) -> None:
    participant = enrol(on=-200)  # "housed" counts from day 0 to 120: day 190 is late
    with pytest.raises(ValidationError) as refused:
        submit(users, project, participant, "housed", -10)
    assert "day 190" in " ".join(refused.value.message_dict["achieved_on"])
    assert not Claim.objects.exists() and not ClaimEvidence.objects.exists()


def test_second_claim_for_a_once_only_outcome_is_refused(
    project: Any, enrol: Any, users: Any
) -> None:
    participant = enrol()
    first = submit(users, project, participant, "housed", -90)
    # While the first waits for the evaluator …
    with pytest.raises(ValidationError, match="already waiting"):
        submit(users, project, participant, "housed", -80)
    accept(users, first)
    # … and once it is accepted (the engine's once-only rule).
    with pytest.raises(ValidationError, match=r"once only|already been paid"):
        submit(users, project, participant, "housed", -80)
    assert Claim.objects.count() == 1


def test_claim_whose_prerequisite_is_missing_is_refused(
    project: Any, enrol: Any, users: Any
) -> None:
    participant = enrol()
    with pytest.raises(ValidationError) as refused:
        submit(users, project, participant, "sustained", -20)
    assert "housed" in " ".join(refused.value.message_dict["metric"])
    accept(users, submit(users, project, participant, "housed", -90))
    assert submit(users, project, participant, "sustained", -20).status == "prechecked"


def test_claim_for_a_comparison_group_member_is_refused(
    project: Any, enrol: Any, users: Any
) -> None:
    member = enrol(comparison=True)
    with pytest.raises(ValidationError, match="comparison group"):
        submit(users, project, member, "housed", -90)


def test_unknown_metric_is_refused(project: Any, enrol: Any, users: Any) -> None:
    with pytest.raises(ValidationError, match="no metric"):
        submit(users, project, enrol(), "employed", -90)


def test_only_provider_staff_submit(project: Any, enrol: Any, users: Any) -> None:
    participant = enrol()
    for who in ("intermediary", "evaluator", "payer", "investor"):
        with pytest.raises(PermissionDenied):
            claim_submit(
                user=users[who],
                project=project,
                participant=participant,
                metric="housed",
                achieved_on=days(-90),
            )


def test_evidence_type_and_size_are_checked(
    project: Any, enrol: Any, users: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    participant = enrol()
    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00....")
    with pytest.raises(ValidationError, match="PDF"):
        submit(users, project, participant, "housed", -90, evidence=[bad])
    assert not Claim.objects.exists()
    pdf = SimpleUploadedFile("lease.pdf", b"%PDF-1.4 lease", content_type="application/pdf")
    claim = submit(users, project, participant, "housed", -90, evidence=[pdf])
    assert claim.evidence.get().kind == "pdf"


def test_verification_by_the_providers_own_staff_is_refused(
    project: Any, enrol: Any, users: Any, make_user: Any, orgs: Any
) -> None:
    claim = submit(users, project, enrol(), "housed", -90)
    # A colleague of the submitter holds no verify action at all …
    with pytest.raises(PermissionDenied):
        claim_verify(user=users["provider2"], claim=claim, decision="accept", reason="ok")
    # … and an evaluator whose organisation is also a provider of the project is refused
    # by separation of duties (the organisation slipped in as a provider party).
    from saphan.outcomes.models import Party

    Party.objects.create(
        project=project,
        organisation=orgs["evaluator"],
        role="provider",
        added_by=users["intermediary"],
    )
    with pytest.raises(ValidationError) as refused:
        claim_verify(user=users["evaluator"], claim=claim, decision="accept", reason="ok")
    assert refused.value.error_dict["verifier"][0].code == "separation_of_duties"
    assert not Verification.objects.exists()


def test_verification_of_ones_own_claim_is_refused(
    project: Any, enrol: Any, users: Any, orgs: Any
) -> None:
    claim = submit(users, project, enrol(), "housed", -90)
    submitter = users["provider"]
    # The submitter later moved to the evaluator as evaluator staff.
    submitter.organisation = orgs["evaluator"]
    submitter.role = "evaluator"
    submitter.save()
    with pytest.raises(ValidationError, match="you submitted this claim"):
        claim_verify(user=submitter, claim=claim, decision="accept", reason="ok")
    assert claim not in verification_queue(user=submitter)


def test_the_evaluator_accepts_rejects_or_queries_with_a_reason(
    project: Any, enrol: Any, users: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    claim = submit(users, project, enrol(), "housed", -90)
    assert list(verification_queue(user=users["evaluator"])) == [claim]
    with pytest.raises(ValidationError) as refused:
        claim_verify(user=users["evaluator"], claim=claim, decision="accept", reason=" ")
    assert "reason" in refused.value.message_dict
    claim_verify(user=users["evaluator"], claim=claim, decision="query", reason="Which address?")
    claim.refresh_from_db()
    assert claim.status == "queried"
    pdf = SimpleUploadedFile("lease.pdf", b"%PDF-1.4 lease")
    claim_evidence_add(user=users["provider"], claim=claim, evidence=[pdf], note="Address")
    claim.refresh_from_db()
    assert claim.status == "prechecked"
    accept(users, claim)
    claim.refresh_from_db()
    assert claim.status == "accepted" and claim.verifications.count() == 2
    with pytest.raises(ValidationError, match="already been decided"):
        claim_verify(user=users["evaluator"], claim=claim, decision="reject", reason="no")


def test_disputes_queue_by_deadline_and_resolution(project: Any, enrol: Any, users: Any) -> None:
    a = submit(users, project, enrol("ก"), "housed", -90)
    b = submit(users, project, enrol("ข"), "housed", -90)
    claim_verify(user=users["evaluator"], claim=a, decision="reject", reason="No lease")
    accept(users, b)
    late = dispute_open(user=users["provider"], claim=a, reason="Lease attached", due_on=days(20))
    soon = dispute_open(user=users["payer"], claim=b, reason="Duplicate person?", due_on=days(5))
    with pytest.raises(ValidationError, match="cannot be disputed"):
        dispute_open(user=users["provider"], claim=b, reason="x")
    assert list(dispute_queue(user=users["intermediary"])) == [soon, late]
    assert list(dispute_queue(user=users["analyst"])) == []
    # Open disputes block new decisions.
    with pytest.raises(ValidationError):
        claim_verify(user=users["evaluator"], claim=a, decision="accept", reason="x")
    dispute_resolve(
        user=users["evaluator"], dispute=late, outcome="overturned", resolution="Lease is valid"
    )
    a.refresh_from_db()
    assert a.status == "accepted"
    dispute_resolve(
        user=users["evaluator"], dispute=soon, outcome="upheld", resolution="Different people"
    )
    assert list(dispute_queue(user=users["intermediary"])) == []
    with pytest.raises(PermissionDenied):
        dispute_resolve(user=users["provider"], dispute=soon, outcome="upheld", resolution="x")
