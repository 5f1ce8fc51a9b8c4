"""Claims through the pages: submission with evidence and the pre-check, the
verification queue, separation of duties, disputes with deadlines."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saphan.outcomes.claims import claim_verify
from saphan.outcomes.models import Claim, Dispute, Party, Verification
from tests.outcomes.web.conftest import days

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def new_claim_url(project: Any) -> str:
    return f"/outcomes/{project.uid}/claims/new/"


def test_claim_submitted_with_evidence_passes_the_precheck(
    login: Any, users: Any, project: Any, participants: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = login(users["provider"])
    form = client.get(new_claim_url(project)).content.decode()
    assert participants[0].code in form and 'enctype="multipart/form-data"' in form
    response = client.post(
        new_claim_url(project),
        {
            "participant": participants[0].code,
            "metric": "housed",
            "achieved_on": days(-90).isoformat(),
            "value": "1",
            "note": "lease signed",
            "evidence": [
                SimpleUploadedFile("lease.png", PNG, content_type="image/png"),
                SimpleUploadedFile("lease.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
            ],
        },
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/outcomes/{project.uid}/claims/{claim.uid}/"
    assert claim.status == "prechecked" and claim.evidence.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert 'id="precheck-ok"' in page and 'id="evidence"' in page
    download = client.get(
        f"/outcomes/{project.uid}/claims/{claim.uid}/evidence/{claim.evidence.first().pk}/"
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    investor = login(users["investor"])
    assert (
        investor.get(
            f"/outcomes/{project.uid}/claims/{claim.uid}/evidence/{claim.evidence.first().pk}/"
        ).status_code
        == 403
    )


def test_precheck_refusal_is_shown_and_nothing_is_saved(
    login: Any, users: Any, project: Any, enrol: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    late = enrol("มานะ", on=-200)  # day 150: the housed window is days 0-120
    client = login(users["provider"])
    response = client.post(
        new_claim_url(project),
        {
            "participant": late.code,
            "metric": "housed",
            "achieved_on": days(-50).isoformat(),
            "value": "1",
            "evidence": [SimpleUploadedFile("a.png", PNG, content_type="image/png")],
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="precheck-refused"' in html and "150" in html and "120" in html
    prerequisite = client.post(
        new_claim_url(project),
        {
            "participant": late.code,
            "metric": "sustained",
            "achieved_on": days(-50).isoformat(),
            "value": "1",
        },
    )
    assert prerequisite.status_code == 422 and "housed" in prerequisite.content.decode()
    assert Claim.objects.count() == 0
    assert not list(tmp_path.rglob("*.png"))


def test_the_evaluator_works_the_queue(login: Any, users: Any, project: Any, claim: Any) -> None:
    client = login(users["evaluator"])
    queue = client.get(f"/outcomes/{project.uid}/verify/").content.decode()
    assert claim.short_id in queue and claim.participant.code in queue
    verify = f"/outcomes/{project.uid}/claims/{claim.uid}/verify/"
    no_reason = client.post(verify, {"decision": "reject", "reason": "", "next": "queue"})
    assert no_reason.status_code == 422
    assert "reason" in no_reason.content.decode().lower() or "เหตุผล" in no_reason.content.decode()
    assert Verification.objects.count() == 0
    done = client.post(verify, {"decision": "accept", "reason": "lease seen", "next": "queue"})
    assert done.status_code == 302 and done["Location"] == f"/outcomes/{project.uid}/verify/"
    claim.refresh_from_db()
    assert claim.status == "accepted"
    empty = client.get(f"/outcomes/{project.uid}/verify/").content.decode()
    assert 'id="queue-empty"' in empty


def test_the_providers_staff_cannot_verify(
    login: Any, users: Any, orgs: Any, project: Any, claim: Any
) -> None:
    verify = f"/outcomes/{project.uid}/claims/{claim.uid}/verify/"
    provider = login(users["provider"])
    assert provider.post(verify, {"decision": "accept", "reason": "x"}).status_code == 403
    # An evaluator whose organisation is also a provider of the project (set up behind
    # the services' back): the service refuses, and the page says why.
    Party.objects.create(
        project=project,
        organisation=orgs["evaluator"],
        role="provider",
        added_by=users["intermediary"],
    )
    refused = login(users["evaluator"]).post(verify, {"decision": "accept", "reason": "ok"})
    html = refused.content.decode()
    assert refused.status_code == 422
    assert "Separation of duties" in html or "แบ่งแยกหน้าที่" in html
    assert Verification.objects.count() == 0


def test_disputes_queue_with_deadlines(login: Any, users: Any, project: Any, claim: Any) -> None:
    claim_verify(user=users["evaluator"], claim=claim, decision="reject", reason="no lease")
    provider = login(users["provider"])
    page = provider.get(f"/outcomes/{project.uid}/claims/{claim.uid}/").content.decode()
    assert 'id="dispute-form"' in page
    opened = provider.post(
        f"/outcomes/{project.uid}/claims/{claim.uid}/dispute/",
        {"reason": "the lease is attached", "due_on": days(10).isoformat()},
    )
    assert opened.status_code == 302
    dispute = Dispute.objects.get()
    Dispute.objects.filter(pk=dispute.pk).update(due_on=days(-1))  # now overdue
    evaluator = login(users["evaluator"])
    queue = evaluator.get(f"/outcomes/{project.uid}/disputes/").content.decode()
    assert claim.short_id in queue and "badge overdue" in queue
    resolved = evaluator.post(
        f"/outcomes/{project.uid}/disputes/{dispute.pk}/resolve/",
        {"outcome": "overturned", "resolution": "lease found", "next": "disputes"},
    )
    assert resolved.status_code == 302
    claim.refresh_from_db()
    dispute.refresh_from_db()
    assert dispute.outcome == "overturned" and claim.status == "accepted"
    assert (
        'id="no-disputes"' in evaluator.get(f"/outcomes/{project.uid}/disputes/").content.decode()
    )


def test_queried_claim_gets_more_evidence(
    login: Any, users: Any, project: Any, claim: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    claim_verify(user=users["evaluator"], claim=claim, decision="query", reason="which lease?")
    client = login(users["provider"])
    empty = client.post(f"/outcomes/{project.uid}/claims/{claim.uid}/evidence/", {"note": "x"})
    assert empty.status_code == 422
    added = client.post(
        f"/outcomes/{project.uid}/claims/{claim.uid}/evidence/",
        {"note": "here", "evidence": [SimpleUploadedFile("l.png", PNG, content_type="image/png")]},
    )
    assert added.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "prechecked" and claim.evidence.count() == 1
