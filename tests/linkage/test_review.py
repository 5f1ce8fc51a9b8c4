"""The review queue, decisions, pages and the access log."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import translation

from saphan.audit.models import AccessLog
from saphan.linkage.merge import person_merge
from saphan.linkage.models import DuplicateCandidate, PersonMerge
from saphan.linkage.selectors import candidate_compare, candidate_list
from saphan.linkage.services import candidate_dismiss, candidates_record
from saphan.people.consents import ConsentData, consent_withdraw
from saphan.people.models import Person
from tests.factories import TEST_PASSWORD
from tests.linkage.conftest import days

pytestmark = pytest.mark.django_db

EVIDENCE = {
    "given_name": {"level": 4, "label": "exact"},
    "family_name": {"level": 2, "label": "similar"},
    "national_id": {"level": 0, "label": "different"},
    "phone": {"level": -1, "label": "missing"},
}


def test_review_pages_are_mounted() -> None:
    from django.urls import reverse

    assert reverse("linkage:queue") == "/duplicates/"


def _login(client: Client, user: Any) -> Client:
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def _pair(a: Person, b: Person, probability: float = 0.95) -> DuplicateCandidate:
    candidates_record(pairs=[(b.pk, a.pk, probability, EVIDENCE)], source="dedup")
    low, high = sorted((a.pk, b.pk))
    return DuplicateCandidate.objects.get(person_low_id=low, person_high_id=high)


def test_candidates_record_orders_updates_and_counts(register: Any) -> None:
    a, b, c = register(), register(), register()
    new = candidates_record(
        pairs=[(b.pk, a.pk, 0.91, {}), (a.pk, b.pk, 0.93, EVIDENCE), (c.pk, c.pk, 1.0, {})],
        source="dedup",
    )
    assert new == 1
    pair = DuplicateCandidate.objects.get()
    assert (pair.person_low_id, pair.person_high_id) == (min(a.pk, b.pk), max(a.pk, b.pk))
    assert pair.match_probability == 0.93 and pair.evidence == EVIDENCE
    # An open pair found again gets the new figures; nothing new is counted.
    assert candidates_record(pairs=[(a.pk, b.pk, 0.99, {})], source="import") == 0
    pair.refresh_from_db()
    assert pair.match_probability == 0.99 and pair.source == "dedup"
    with pytest.raises(ValueError):
        candidates_record(pairs=[], source="guess")


def test_not_the_same_person_is_remembered(register: Any, reviewer: Any) -> None:
    a, b = register(), register()
    pair = _pair(a, b, 0.92)
    candidate_dismiss(user=reviewer, candidate=pair, note="พี่น้องฝาแฝด")
    assert candidates_record(pairs=[(a.pk, b.pk, 0.99, {})], source="dedup") == 0
    pair.refresh_from_db()
    assert pair.status == "not_duplicate" and pair.match_probability == 0.92
    assert pair.decided_by == reviewer and pair.decision_note == "พี่น้องฝาแฝด"
    assert not candidate_list(user=reviewer).exists()
    assert candidate_list(user=reviewer, status="not_duplicate").get() == pair
    logged = AccessLog.objects.filter(action="update", detail__decision="not_duplicate")
    assert {row.object_id for row in logged} == {str(a.uid), str(b.uid)}


def test_queue_shows_only_pairs_with_both_people_in_scope(
    register: Any, reviewer: Any, cm_worker: Any, cm_reviewer: Any, worker: Any, make_user: Any
) -> None:
    a, b = register(), register()
    far = register(user=cm_worker, current_subdistrict_code="500101")
    near = _pair(a, b)
    across = _pair(a, far)
    assert list(candidate_list(user=reviewer)) == [near]
    assert list(candidate_list(user=cm_reviewer)) == []
    assert list(candidate_list(user=worker)) == []  # field workers do not review
    admin = make_user(role="administrator", username="admin")
    assert list(candidate_list(user=admin)) == []  # administrators read no person
    with pytest.raises(Exception, match="out_of_scope"):
        candidate_dismiss(user=reviewer, candidate=across)
    # A pair whose record was merged into a third waits until that merge is undone.
    person_merge(user=reviewer, survivor=register(), merged=b)
    assert list(candidate_list(user=reviewer)) == []


def test_compare_shows_what_the_person_page_would(
    register: Any, reviewer: Any, worker: Any
) -> None:
    consent = ConsentData(purpose="ดูแล", given_on=days(-20), covers_sensitive=True)
    a = register(consent=consent, civil_status="stateless", phone="0812345678")
    b = register(phone="0812345678")
    consent_withdraw(user=worker, consent=a.consents.get())
    with translation.override("en"):
        compared = candidate_compare(user=reviewer, candidate=_pair(a, b))
        rows = {str(r.label): r for r in compared}
        assert rows["Civil status"].left == "hidden" and rows["Civil status"].same is None
    assert "stateless" not in str(rows) and "Stateless" not in str(rows)
    assert rows["Phone"].same is True and rows["Phone"].left == "0812345678"
    assert rows["Name"].same is True
    assert [key for _label, _reading, key in rows["Name"].evidence] == ["exact", "similar"]
    assert rows["National ID"].evidence[0][2] == "different"


def test_pages_render_and_decide(client: Client, register: Any, reviewer: Any) -> None:
    _login(client, reviewer)
    empty = client.get("/duplicates/")
    assert empty.status_code == 200 and 'id="no-duplicates"' in empty.content.decode()
    assert "saphan dedup" in empty.content.decode()

    older, newer = register(given_name="บุญมี"), register(given_name="บุญมี")
    pair = _pair(older, newer, 0.987)
    html = client.get("/duplicates/").content.decode()
    assert "บุญมี" in html and "98%" in html and f"/duplicates/{pair.pk}/" in html
    page = client.get(f"/duplicates/{pair.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="compare"' in html
    assert 'value="low" checked' in html  # the older record is kept by default
    assert ' style="' not in html and "<script>" not in html  # strict CSP
    viewed = AccessLog.objects.filter(action="view", detail__page="duplicate_compare")
    assert {row.object_id for row in viewed} == {str(older.uid), str(newer.uid)}

    response = client.post(
        f"/duplicates/{pair.pk}/", {"decision": "merge", "survivor": "high", "note": "ตรวจแล้ว"}
    )
    assert response.status_code == 302 and response["Location"] == "/duplicates/"
    assert any(
        "undo" in str(m).lower() or "ย้อน" in str(m) for m in get_messages(response.wsgi_request)
    )
    merge = PersonMerge.objects.get()
    assert (merge.survivor_id, merge.merged_id) == (newer.pk, older.pk)
    pair.refresh_from_db()
    assert pair.status == "merged" and pair.decision_note == "ตรวจแล้ว"

    merges = client.get("/duplicates/merges/").content.decode()
    assert f"/duplicates/merges/{merge.uid}/undo/" in merges
    undone = client.post(f"/duplicates/merges/{merge.uid}/undo/")
    assert undone.status_code == 302 and undone["Location"] == "/duplicates/merges/"
    merge.refresh_from_db()
    assert merge.undone_at is not None
    again = client.post(f"/duplicates/merges/{merge.uid}/undo/", follow=True)
    assert "already been undone" in again.content.decode() or "ย้อน" in again.content.decode()

    pair.refresh_from_db()
    assert pair.status == "open"
    client.post(f"/duplicates/{pair.pk}/", {"decision": "dismiss", "note": ""})
    pair.refresh_from_db()
    assert pair.status == "not_duplicate"
    listed = client.get("/duplicates/?status=not_duplicate").content.decode()
    assert "บุญมี" in listed
    searches = AccessLog.objects.filter(action="search", object_type="duplicate_candidate")
    assert searches.count() == 3


def test_pages_refuse_other_roles_and_scopes(
    client: Client, register: Any, worker: Any, cm_reviewer: Any
) -> None:
    pair = _pair(register(), register())
    _login(client, worker)
    assert client.get("/duplicates/").status_code == 403
    assert client.get("/duplicates/merges/").status_code == 403
    client.logout()
    _login(client, cm_reviewer)
    assert client.get(f"/duplicates/{pair.pk}/").status_code == 404
    assert client.post(f"/duplicates/{pair.pk}/", {"decision": "dismiss"}).status_code == 404
    assert AccessLog.objects.filter(
        action="denied", object_type="duplicatecandidate", object_id=str(pair.pk)
    ).exists()
    pair.refresh_from_db()
    assert pair.status == "open"


def test_merge_without_a_choice_is_refused(client: Client, register: Any, reviewer: Any) -> None:
    pair = _pair(register(), register())
    _login(client, reviewer)
    response = client.post(f"/duplicates/{pair.pk}/", {"decision": "merge"}, follow=True)
    assert response.status_code == 200 and not PersonMerge.objects.exists()
