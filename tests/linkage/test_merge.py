"""Merging two records of the same person, and undoing it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from saphan.audit.models import AccessLog
from saphan.cases.models import Case
from saphan.cases.services import case_open
from saphan.linkage.merge import person_merge, person_merge_undo, person_relations
from saphan.linkage.models import DuplicateCandidate, PersonMerge
from saphan.linkage.services import candidates_record
from saphan.outcomes.models import Participant, Project
from saphan.people.consents import ConsentData, consent_record, consent_withdraw
from saphan.people.households import household_create
from saphan.people.models import Consent, HouseholdMember, Person, PersonGroup
from saphan.rights.models import PersonRight
from saphan.rights.services import person_right_record
from saphan.watch.models import WatchFlag
from tests.linkage.conftest import days, related_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    # The assertions match the English messages; Thai is the default language.
    with translation.override("en"):
        yield


def _enrol(user: Any, person: Person, consent: Consent, code: str, project: Any = None) -> Any:
    project = project or Project.objects.create(
        code=f"p-{code.lower()}", name_th="โครงการ", participant_prefix="HHH", created_by=user
    )
    return Participant.objects.create(
        project=project,
        person=person,
        code=code,
        enrolled_on=days(-10),
        consent=consent,
        enrolled_by=user,
        provider=user.organisation,
    )


@pytest.fixture
def world(twins: tuple[Person, Person], reviewer: Any, worker: Any) -> dict[str, Any]:
    """Both records with cases, consents, flags, rights, households, enrolments."""
    older, newer = twins
    sharing = ConsentData(purpose="ส่งต่อ", given_on=days(-30), covers_sharing=True)
    consent_newer = consent_record(user=worker, person=newer, data=sharing)
    consent_older = consent_record(user=worker, person=older, data=sharing)
    # The newer record's case moves; its household membership clashes with the older
    # record's current one and stays (ended today).
    case = case_open(user=worker, person=newer)
    household_create(user=worker, person=older)
    household_create(user=worker, person=newer)
    # Rights: the same scheme on both (kept) and one only the newer record has (moves).
    for person in (older, newer):
        person_right_record(
            user=reviewer,
            person=person,
            scheme_code="old_age_allowance",
            status="receiving",
            status_on=days(-100),
        )
    person_right_record(
        user=reviewer,
        person=newer,
        scheme_code="state_welfare_card",
        status="applied",
        status_on=days(-5),
    )
    # Outcomes: the same project on both (kept), another project only on the newer one.
    shared = Project.objects.create(
        code="hhh", name_th="บ้านแห่งความหวัง", participant_prefix="HHH", created_by=reviewer
    )
    _enrol(reviewer, older, consent_older, "HHH-AAAAA", shared)
    _enrol(reviewer, newer, consent_newer, "HHH-BBBBB", shared)
    other = _enrol(reviewer, newer, consent_newer, "JOB-CCCCC")
    pair = DuplicateCandidate.objects.get(pk=_candidate(older, newer))
    return {
        "older": older,
        "newer": newer,
        "case": case,
        "consent": consent_newer,
        "other_participation": other,
        "candidate": pair,
    }


def _candidate(a: Person, b: Person) -> int:
    candidates_record(pairs=[(b.pk, a.pk, 0.97, {})], source="dedup")
    return DuplicateCandidate.objects.get().pk


def test_relations_are_discovered_generically() -> None:
    labels = [r.label for r in person_relations()]
    assert labels[0] == "people.consent"  # the sensitive-data basis is worked out first
    for label in (
        "cases.case",
        "watch.watchflag",
        "rights.personright",
        "outcomes.participant",
        "people.personidentifier",
        "people.householdmember",
        "people.persongroup",
        "intake.importedrecord",
    ):
        assert label in labels
    assert not any(
        label.split(".")[1].startswith("historical") or label.startswith(("linkage.", "audit."))
        for label in labels
    )
    assert "people.person" not in labels  # merged_into is the chain, not a row to move


def test_merge_moves_keeps_fills_and_hides(world: dict[str, Any], reviewer: Any) -> None:
    older, newer = world["older"], world["newer"]
    newer_flags = set(WatchFlag.objects.filter(person=newer).values_list("pk", flat=True))
    assert newer_flags, "the older-person-with-no-income rule flags the newer record"
    merge = person_merge(user=reviewer, survivor=older, merged=newer, candidate=world["candidate"])

    moved = {(m["model"], m["pk"]) for m in merge.moved}
    kept = {(k["model"], k["pk"]): k["reason"] for k in merge.kept}
    assert ("cases.case", world["case"].pk) in moved
    assert ("people.consent", world["consent"].pk) in moved
    assert ("outcomes.participant", world["other_participation"].pk) in moved
    assert {("watch.watchflag", pk) for pk in newer_flags} <= moved
    welfare = PersonRight.objects.get(scheme__code="state_welfare_card")
    assert ("rights.personright", welfare.pk) in moved
    # Clashes stay on the merged record: the same right, project, group and household.
    same_right = PersonRight.objects.get(person=newer, scheme__code="old_age_allowance")
    assert kept[("rights.personright", same_right.pk)] == "duplicate"
    same_project = Participant.objects.get(code="HHH-BBBBB")
    assert kept[("outcomes.participant", same_project.pk)] == "duplicate"
    older_group = PersonGroup.objects.get(person=newer, group="older_person")
    assert kept[("people.persongroup", older_group.pk)] == "duplicate"
    membership = HouseholdMember.objects.get(person=newer)
    assert kept[("people.householdmember", membership.pk)] == "duplicate"
    assert membership.until == timezone.localdate()  # no household counts him twice

    assert Case.objects.get(pk=world["case"].pk).person_id == older.pk
    assert WatchFlag.objects.filter(pk__in=newer_flags, person=older).count() == len(newer_flags)
    # The newer record's ID (a typo) stays with the survivor, as history.
    ids = {i.number: i for i in older.identifiers.all()}
    assert len(ids) == 2 and sum(i.is_current for i in ids.values()) == 1
    retired = next(i for i in ids.values() if not i.is_current)
    assert retired.valid_to == timezone.localdate()

    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.phone == "0812345678" and older.phone_index == newer.phone_index
    assert (older.nickname, older.given_name_latin, older.income_band) == ("ชาย", "Somchai", "none")
    assert older.registered_address == "99 หมู่ 1" and older.registered_subdistrict_id == "550102"
    assert older.current_address == "12 หมู่ 3"  # not empty: kept
    assert set(merge.filled) >= {"phone", "phone_index", "nickname", "income_band"}
    assert all(v["before"] in ("", None) for k, v in merge.filled.items() if k[0] != "_")
    assert "ชาย" in older.name_search  # searchable by the nickname now

    assert newer.merged_into_id == older.pk
    assert not Person.objects.visible_to(reviewer).filter(pk=newer.pk).exists()
    assert Person.objects.visible_to(reviewer).filter(pk=older.pk).exists()
    world["candidate"].refresh_from_db()
    assert world["candidate"].status == "merged" and world["candidate"].decided_by == reviewer
    # Both histories are there, the merge named in them.
    for person in (older, newer):
        latest = person.history.first()
        assert latest is not None and latest.history_change_reason == f"merge {merge.uid}"
        assert latest.history_user == reviewer
        assert person.history.count() >= 2
    logged = AccessLog.objects.filter(action="update", detail__merge=str(merge.uid))
    assert {row.object_id for row in logged} == {str(older.uid), str(newer.uid)}


def test_undo_restores_exactly(world: dict[str, Any], reviewer: Any) -> None:
    older, newer = world["older"], world["newer"]
    before = related_rows(older, newer)
    merge = person_merge(user=reviewer, survivor=older, merged=newer)
    assert related_rows(older, newer) != before
    person_merge_undo(user=reviewer, merge=merge)

    after = related_rows(older, newer)
    assert after.keys() == before.keys()
    for key, values in before.items():
        assert after[key] == values, key
    merge.refresh_from_db()
    assert merge.undone_by == reviewer and merge.undone_at is not None
    world["candidate"].refresh_from_db()
    assert world["candidate"].status == "open"  # to be decided again
    assert Person.objects.visible_to(reviewer).filter(pk=newer.pk).exists()
    logged = AccessLog.objects.filter(detail__merge=str(merge.uid), detail__undo=True)
    assert logged.count() == 2
    with pytest.raises(ValidationError, match="already been undone"):
        person_merge_undo(user=reviewer, merge=merge)


def test_sensitive_data_moves_only_with_a_basis(register: Any, reviewer: Any, worker: Any) -> None:
    older = register()
    consent = ConsentData(purpose="ดูแล", given_on=days(-20), covers_sensitive=True)
    newer = register(consent=consent, bedridden=True, disabilities=[("movement", "severe")])
    consent_withdraw(user=worker, consent=newer.consents.get())
    merge = person_merge(user=reviewer, survivor=older, merged=newer)
    older.refresh_from_db()
    assert older.bedridden is None and older.sensitive_basis == ""
    kept = {k["model"]: k["reason"] for k in merge.kept}
    assert kept["people.disability"] == "sensitive"
    assert not older.disabilities.exists()

    # With consent on the merged record, it comes with it and so does the data.
    third = register(given_name="มาลี", consent=consent, bedridden=True)
    fourth = register(given_name="มาลี")
    person_merge(user=reviewer, survivor=fourth, merged=third)
    fourth.refresh_from_db()
    assert fourth.sensitive_basis == "consent" and fourth.bedridden is True


def test_merge_refused_without_permission_across_scopes_and_twice(
    register: Any, reviewer: Any, worker: Any, cm_worker: Any, cm_reviewer: Any
) -> None:
    a, b = register(), register()
    far = register(user=cm_worker, current_subdistrict_code="500101")
    with pytest.raises(PermissionDenied):
        person_merge(user=worker, survivor=a, merged=b)  # field workers do not review
    with pytest.raises(PermissionDenied):
        person_merge(user=reviewer, survivor=a, merged=far)  # Chiang Mai is not theirs
    with pytest.raises(PermissionDenied):
        person_merge(user=cm_reviewer, survivor=far, merged=a)
    with pytest.raises(ValidationError, match="into itself"):
        person_merge(user=reviewer, survivor=a, merged=a)
    person_merge(user=reviewer, survivor=a, merged=b)
    with pytest.raises(ValidationError, match="already been merged"):
        person_merge(user=reviewer, survivor=a, merged=b)
    assert PersonMerge.objects.count() == 1
    assert far.merged_into_id is None


def test_undo_refused_when_the_survivor_was_merged_since(register: Any, reviewer: Any) -> None:
    a, b, c = register(), register(), register()
    first = person_merge(user=reviewer, survivor=b, merged=a)
    person_merge(user=reviewer, survivor=c, merged=b)
    with pytest.raises(ValidationError, match="Undo that later merge first"):
        person_merge_undo(user=reviewer, merge=first)
    a.refresh_from_db()
    assert a.merged_into_id == b.pk


def test_undo_needs_the_merge_in_scope(register: Any, reviewer: Any, cm_reviewer: Any) -> None:
    merge = person_merge(user=reviewer, survivor=register(), merged=register())
    with pytest.raises(PermissionDenied):
        person_merge_undo(user=cm_reviewer, merge=merge)


def test_a_row_the_database_refuses_is_kept(register: Any, reviewer: Any, worker: Any) -> None:
    """An append-only table (a trigger refusing UPDATE, like the outcomes ledger) keeps
    its rows on the merged record; the rest of the merge goes through."""
    older, newer = register(), register()
    person_right_record(
        user=reviewer,
        person=newer,
        scheme_code="state_welfare_card",
        status="applied",
        status_on=days(-5),
    )
    case = case_open(user=worker, person=newer)
    table = PersonRight._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_refuse() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'append-only'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER test_refuse BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER test_refuse BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'append-only'); END"
            )
    merge = person_merge(user=reviewer, survivor=older, merged=newer)
    right = PersonRight.objects.get()
    assert {
        "model": "rights.personright",
        "pk": right.pk,
        "field": "person",
        "reason": "refused",
    } in merge.kept
    assert right.person_id == newer.pk
    assert Case.objects.get(pk=case.pk).person_id == older.pk
