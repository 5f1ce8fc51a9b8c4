"""Synthetic demo people: valid, consistent with the registry's rules, searchable, and
loaded only once. Runs on SQLite and on PostgreSQL (COPY path)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q

from saphan.core.crypto import blind_index
from saphan.demo.people import (
    PERSON_MARK,
    build_context,
    demo_people_count,
    demo_people_load,
    generate_chunk,
)
from saphan.demo.seed import demo_seed_organisations_and_users
from saphan.people import choices as c
from saphan.people.consents import person_sensitive_basis_refresh
from saphan.people.groups import groups_refresh_derived
from saphan.people.identity import DocumentType, national_id_is_valid
from saphan.people.models import (
    Consent,
    Disability,
    Household,
    HouseholdMember,
    Person,
    PersonGroup,
    PersonIdentifier,
)
from saphan.people.search_text import search_text, thai_sort_key
from saphan.people.selectors import person_search
from saphan.people.services import DISABILITY_CARD_PURPOSE, PHONE_PURPOSE, identifier_index

pytestmark = pytest.mark.django_db

N = 300


@pytest.fixture(autouse=True)
def _demo_organisations(db: None, settings: Any) -> None:
    # The demo users' passwords need not be hashed slowly here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_seed_organisations_and_users()


@pytest.fixture
def loaded() -> Any:
    return demo_people_load(N)


def test_loads_the_requested_number_with_households_groups_and_consents(loaded: Any) -> None:
    assert loaded.added == N and demo_people_count() == N == Person.objects.count()
    assert loaded.rows["people_person"] == N
    for model in (PersonIdentifier, PersonGroup, Consent, Household, HouseholdMember):
        assert model.objects.exists(), model
    assert loaded.rows["people_consent"] == Consent.objects.count()
    sizes = Counter(HouseholdMember.objects.values_list("household_id", flat=True))
    assert sizes and set(sizes.values()) <= {2, 3, 4, 5, 6}
    heads = Counter(
        HouseholdMember.objects.filter(relationship=c.Relationship.HEAD).values_list(
            "household_id", flat=True
        )
    )
    assert set(heads.values()) == {1} and set(heads) == set(sizes)
    for person in Person.objects.select_related("current_subdistrict", "organisation"):
        assert person.uid.int >> 96 == PERSON_MARK
        assert person.organisation.code == f"cso-{person.province_id}"
        if person.current_subdistrict is not None:
            assert person.province_id == person.current_subdistrict.province_id
            assert person.district_id == person.current_subdistrict.district_id
        else:
            assert person.no_fixed_address and person.last_seen_place


def test_identifiers_are_valid_unique_and_indexed(loaded: Any) -> None:
    current = list(PersonIdentifier.objects.filter(is_current=True))
    national = [i for i in current if i.doc_type == DocumentType.NATIONAL_ID]
    assert len(national) > N * 0.7
    for ident in PersonIdentifier.objects.all():
        if ident.doc_type in (DocumentType.NATIONAL_ID, DocumentType.MIGRANT_WORKER_CARD):
            assert national_id_is_valid(ident.number), ident.number
        assert ident.number_index == identifier_index(ident.doc_type, ident.number)
        assert ident.last4 == ident.number[-4:]
    assert len({(i.doc_type, i.number) for i in current}) == len(current)
    assert len({(i.doc_type, i.number_index) for i in current}) == len(current)
    # One current national ID per person at most.
    assert max(Counter(i.person_id for i in national).values()) == 1


def test_names_phones_and_cards_are_stored_like_the_register_form_stores_them(
    loaded: Any,
) -> None:
    for p in Person.objects.all():
        names = (p.given_name, p.family_name, p.nickname, p.given_name_latin)
        assert p.name_search == search_text(*names, p.family_name_latin)
        assert p.name_sort == thai_sort_key(f"{p.given_name} {p.family_name}")
        assert p.phone_index == (blind_index(p.phone, purpose=PHONE_PURPOSE) if p.phone else "")
        card = p.disability_card_number
        assert p.disability_card_index == (
            blind_index(card, purpose=DISABILITY_CARD_PURPOSE) if card else ""
        )
        age = p.age
        if age is not None and age < 15:
            assert p.title in ("เด็กชาย", "เด็กหญิง")
        else:
            assert p.title in ("นาย", "นาง", "นางสาว")


def test_derived_groups_are_exactly_what_the_registry_computes(loaded: Any) -> None:
    assert groups_refresh_derived() == {"added": 0, "removed": 0}
    groups = Counter(PersonGroup.objects.values_list("group", flat=True))
    for group in (c.PopulationGroup.OLDER_PERSON, c.PopulationGroup.CHILD, "women"):
        assert groups[group] > N * 0.1, group


def test_sensitive_data_only_where_consent_or_a_legal_basis_allows_it(loaded: Any) -> None:
    withheld = Person.objects.filter(sensitive_basis="")
    assert withheld.exists() and Person.objects.exclude(sensitive_basis="").exists()
    leaks = withheld.filter(
        Q(chronic_illness=True)
        | Q(bedridden=True)
        | ~Q(chronic_illness_note="")
        | ~Q(civil_status="")
        | ~Q(verification_stage="")
        | ~Q(religion="")
        | ~Q(ethnicity="")
        | ~Q(gender_identity="")
        | ~Q(disability_card_number="")
        | Q(disability_card_expiry__isnull=False)
    )
    assert not leaks.exists()
    assert not Disability.objects.filter(person__sensitive_basis="").exists()
    # The stored basis is what the consent services would work out.
    for person in Person.objects.all():
        stored = person.sensitive_basis
        assert person_sensitive_basis_refresh(person) == stored, person.pk


def test_search_finds_a_loaded_person_by_exact_id_and_by_name(loaded: Any, make_user: Any) -> None:
    ident = PersonIdentifier.objects.filter(
        doc_type=DocumentType.NATIONAL_ID, is_current=True
    ).first()
    assert ident is not None
    person = ident.person
    user = make_user(role="provincial_coordinator", provinces=(person.province_id,))
    by_id = person_search(user=user, q=ident.number)
    assert by_id.by == "id" and [p.pk for p in by_id.people] == [person.pk]
    by_name = person_search(user=user, q=f"{person.given_name} {person.family_name}")
    assert by_name.by == "name" and person.pk in [p.pk for p in by_name.people[:10]]


def test_loading_again_adds_only_the_missing_people(loaded: Any) -> None:
    snapshot = Person.objects.count(), Consent.objects.count(), PersonGroup.objects.count()
    again = demo_people_load(N)
    assert again.added == 0 and again.existing == N
    assert snapshot == (
        Person.objects.count(),
        Consent.objects.count(),
        PersonGroup.objects.count(),
    )
    more = demo_people_load(N + 40)
    assert more.added == 40 and demo_people_count() == N + 40
    current = PersonIdentifier.objects.filter(is_current=True)
    assert len({(i.doc_type, i.number_index) for i in current}) == current.count()
    assert groups_refresh_derived() == {"added": 0, "removed": 0}


def test_worker_processes_and_chunks_give_a_consistent_registry() -> None:
    loaded = demo_people_load(250, chunk_size=100, workers=2)
    assert loaded.workers == 2 and loaded.added == 250 == Person.objects.count()
    assert groups_refresh_derived() == {"added": 0, "removed": 0}
    current = PersonIdentifier.objects.filter(is_current=True)
    assert len({(i.doc_type, i.number_index) for i in current}) == current.count()
    assert all(national_id_is_valid(i.number) for i in current.filter(doc_type="national_id"))


def test_a_seed_gives_the_same_people() -> None:
    from saphan.demo.people import ChunkTask

    ctx = build_context(seed=7)
    task = ChunkTask(1, 0, 60, tuple(range(1, 61)), tuple(range(1, 31)), as_copy=False)
    first, second = generate_chunk(ctx, task), generate_chunk(ctx, task)
    # Everything but the encrypted columns (Fernet tokens are randomised) is the same.
    plain = [i for i in range(45) if i not in (14, 35)]  # phone, disability card number
    assert [[row[i] for i in plain] for row in first.rows["people_person"]] == [
        [row[i] for i in plain] for row in second.rows["people_person"]
    ]
    other = build_context(seed=8)
    assert (
        generate_chunk(other, task).rows["people_person"][0][3:5]
        != (first.rows["people_person"][0][3:5])
        or generate_chunk(other, task).rows["people_person"][1][3:5]
        != (first.rows["people_person"][1][3:5])
    )


def _pg_schema() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'people_%%' ORDER BY 1"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text LIKE 'people_%%' ORDER BY 1"
        )
        return indexes, cursor.fetchall()


@pytest.mark.postgres_only
def test_bulk_path_drops_and_rebuilds_the_same_indexes_and_constraints() -> None:
    before = _pg_schema()
    loaded = demo_people_load(400, chunk_size=150, rebuild_indexes=True)
    assert loaded.rebuilt_indexes and loaded.added == 400
    assert _pg_schema() == before
    assert groups_refresh_derived() == {"added": 0, "removed": 0}
    ident = PersonIdentifier.objects.filter(is_current=True, doc_type="national_id").first()
    assert ident is not None
    # The trigram index answers a name search again.
    person = ident.person
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM people_person WHERE name_search %%> %s", [person.given_name]
        )
        assert cursor.fetchone()[0] >= 1
