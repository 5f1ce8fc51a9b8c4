from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import translation

from saphan.audit.models import AccessLog
from saphan.people.consents import consent_withdraw
from saphan.people.identity import national_id_mask
from saphan.people.models import Person, PersonIdentifier
from saphan.people.partialdate import PartialDate
from saphan.people.selectors import person_present
from saphan.people.services import person_data_from, person_update
from tests.factories import TEST_PASSWORD
from tests.people.conftest import make_national_id, sensitive_consent

pytestmark = pytest.mark.django_db

VALID_ID = make_national_id("110170023070")
VALID_ID_2 = make_national_id("310040012345")


def _messages(exc: ValidationError, field: str) -> str:
    with translation.override("en"):
        return " ".join(str(m) for m in exc.message_dict[field])


def test_register_person_with_id_partial_birth_and_title_split(register: Any) -> None:
    person = register(given_name="นายสมศักดิ์", national_id=VALID_ID, birth_date=PartialDate(1950))
    assert (person.title, person.given_name) == ("นาย", "สมศักดิ์")
    assert person.province_id == "55" and person.district_id == "5501"
    assert person.birth_year == 1950 and person.birth_month is None
    ident = person.identifiers.get()
    assert ident.number == VALID_ID and ident.last4 == VALID_ID[-4:]
    assert set(person.groups.values_list("group", flat=True)) == {"older_person"}
    assert AccessLog.objects.filter(action="create", object_id=str(person.uid)).exists()


def test_a_person_without_any_document_can_be_registered(register: Any) -> None:
    person = register(
        national_id="",
        no_fixed_address=True,
        current_subdistrict_code="",
        province_code="55",
        last_seen_place="ตลาดเช้า",
    )
    assert person.identifiers.count() == 0 and person.no_fixed_address


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        (
            {"national_id": VALID_ID[:-1] + str((int(VALID_ID[-1]) + 1) % 10)},
            "national_id",
            "check digit",
        ),
        ({"national_id": "12345"}, "national_id", "13 digits"),
        ({"birth_date": PartialDate(2030, 1, 1)}, "birth_date", "future"),
        ({"current_subdistrict_code": "999999"}, "current_subdistrict", "Unknown subdistrict"),
        ({"current_subdistrict_code": "940101"}, "province", "do not work"),
        ({"religion": "islam"}, "religion", "consent"),
        ({"declared_groups": ["older_person"]}, "groups", "worked out"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_field(
    register: Any, fields: dict[str, Any], field: str, words: str
) -> None:
    before = (Person.objects.count(), PersonIdentifier.objects.count(), AccessLog.objects.count())
    with pytest.raises(ValidationError) as info:
        register(**fields)
    assert words in _messages(info.value, field)
    with translation.override("th"):
        assert str(info.value.message_dict[field][0]) != _messages(info.value, field)
    assert (
        Person.objects.count(),
        PersonIdentifier.objects.count(),
        AccessLog.objects.count(),
    ) == before


def test_duplicate_national_id_is_refused(register: Any) -> None:
    register(national_id=VALID_ID)
    with pytest.raises(ValidationError) as info:
        register(national_id=VALID_ID)
    assert "already registered" in _messages(info.value, "national_id")


def test_identifier_history_is_kept_when_the_number_changes(register: Any, nan_worker: Any) -> None:
    person = register(national_id=make_national_id("089990012345"))
    data = person_data_from(person)
    data.national_id = VALID_ID_2
    person_update(user=nan_worker, person=person, data=data)
    rows = list(person.identifiers.order_by("pk").values_list("number", "is_current"))
    assert rows == [(make_national_id("089990012345"), False), (VALID_ID_2, True)]


def test_identifiers_and_phones_are_encrypted_at_rest(register: Any) -> None:
    person = register(
        national_id=VALID_ID,
        phone="081-234-5678",
        consent=sensitive_consent(),
        disability_card_number="DC-998877",
        disabilities=[("seeing", "mild")],
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT number, number_index FROM people_personidentifier")
        stored, index = cursor.fetchone()
        cursor.execute(
            "SELECT phone, disability_card_number FROM people_person WHERE id = %s", [person.pk]
        )
        phone, card = cursor.fetchone()
    assert VALID_ID not in stored and VALID_ID not in index
    assert "0812345678" not in phone and "DC998877" not in card
    assert person.identifiers.get().number == VALID_ID


def test_sensitive_data_needs_consent_or_legal_basis(register: Any) -> None:
    with_consent = register(consent=sensitive_consent(), religion="islam", bedridden=True)
    assert with_consent.sensitive_basis == "consent"
    with_law = register(
        civil_status="stateless",
        legal_basis="s26_5_social_welfare",
        legal_basis_note="สำนักทะเบียนอำเภอ ตาม พ.ร.บ.การทะเบียนราษฎร",
    )
    assert with_law.sensitive_basis == "legal"
    with pytest.raises(ValidationError) as info:
        register(civil_status="stateless", legal_basis="s26_5_social_welfare")
    assert "legal_basis_note" in info.value.message_dict


def test_withdrawal_hides_sensitive_data_except_from_the_dpo(
    register: Any, nan_manager: Any, make_user: Any, nan_worker: Any
) -> None:
    person = register(consent=sensitive_consent(), religion="islam")
    dpo = make_user(role="data_protection_officer", organisation=nan_worker.organisation)
    assert person_present(person=person, user=nan_manager).sensitive_visible
    consent_withdraw(user=nan_worker, consent=person.consents.get())
    person.refresh_from_db()
    assert person.sensitive_basis == ""
    assert not person_present(person=person, user=nan_manager).sensitive_visible
    assert person_present(person=person, user=dpo).sensitive_visible
    row = AccessLog.objects.get(object_type="consent", detail__event="withdrawn")
    assert row.username == nan_worker.username
    # Nothing sensitive can be added again while there is no basis.
    data = person_data_from(person)
    data.gender_identity = "woman"
    with pytest.raises(ValidationError):
        person_update(user=nan_worker, person=person, data=data)


def test_ids_are_masked_for_field_workers_and_full_for_case_managers(
    register: Any, nan_worker: Any, nan_manager: Any
) -> None:
    person = register(national_id=VALID_ID, phone="0812345678")
    worker_view = person_present(person=person, user=nan_worker)
    manager_view = person_present(person=person, user=nan_manager)
    assert worker_view.identifiers[0].number == national_id_mask(VALID_ID)
    assert worker_view.identifiers[0].number.count("x") == 9
    assert manager_view.identifiers[0].number.replace("-", "") == VALID_ID
    assert worker_view.phone.endswith("5678") and "081" not in worker_view.phone


def test_field_worker_of_another_province_gets_404(
    client: Client, register: Any, make_user: Any
) -> None:
    person = register()
    outsider = make_user(role="field_worker", provinces=("94",), username="fw_pattani")
    client.login(username=outsider.username, password=TEST_PASSWORD)
    assert client.get(f"/people/{person.uid}/").status_code == 404
    assert client.get(f"/people/{person.uid}/edit/").status_code == 404
    assert AccessLog.objects.filter(
        action="denied", username="fw_pattani", object_id=str(person.uid)
    ).exists()
    assert Person.objects.visible_to(outsider).count() == 0


def test_administrators_and_analysts_cannot_read_person_records(
    register: Any, make_user: Any, client: Client
) -> None:
    person = register()
    for role in ("administrator", "analyst"):
        user = make_user(role=role, provinces=("55",))
        assert Person.objects.visible_to(user).count() == 0
        client.login(username=user.username, password=TEST_PASSWORD)
        assert client.get(f"/people/{person.uid}/").status_code == 404


def test_detail_page_shows_the_buddhist_era_and_logs_the_view(
    client: Client, register: Any, nan_worker: Any
) -> None:
    person = register(birth_date=PartialDate(1967, 5, 12))
    client.login(username=nan_worker.username, password=TEST_PASSWORD)
    page = client.get(f"/people/{person.uid}/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "12 พ.ค. 2510" in page
    for tab in ("household", "groups", "attributes", "consent", "history"):
        assert client.get(f"/people/{person.uid}/?tab={tab}").status_code == 200
    assert AccessLog.objects.filter(action="view", object_id=str(person.uid)).count() == 6


def test_register_form_round_trip_with_be_date(client: Client, nan_worker: Any) -> None:
    client.login(username=nan_worker.username, password=TEST_PASSWORD)
    bad = client.post(
        "/people/new/",
        {"given_name": "มาลี", "birth_date": "31/2/2510", "current_subdistrict": "550101"},
    )
    assert bad.status_code == 200 and Person.objects.count() == 0
    ok = client.post(
        "/people/new/",
        {
            "given_name": "นางมาลี",
            "family_name": "ศรีสุข",
            "birth_date": "12/5/2510",
            "national_id": VALID_ID,
            "current_subdistrict": "550101",
            "consent_given": "on",
            "groups": ["women"],
        },
    )
    assert ok.status_code == 302, ok.content.decode()[:2000]
    person = Person.objects.get()
    assert (person.title, person.birth_year, person.birth_month, person.birth_day) == (
        "นาง",
        1967,
        5,
        12,
    )
    assert person.consents.count() == 1
    # Born 12 May 1967 (2510 BE): 59 in 2026, so not yet an older person.
    assert set(person.groups.values_list("group", flat=True)) == {"women"}


def test_inline_check_explains_the_id_category(client: Client, nan_worker: Any) -> None:
    client.login(username=nan_worker.username, password=TEST_PASSWORD)
    good = client.get(
        "/people/check/",
        {"field": "national_id", "national_id": VALID_ID},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "✓" in good.content.decode()
    bad = client.get("/people/check/", {"field": "national_id", "national_id": "1234567890123"})
    assert "errorlist" in bad.content.decode()
    date = client.get("/people/check/", {"field": "birth_date", "birth_date": "5/2510"})
    assert "2510" in date.content.decode()


def test_today_is_used_for_ages(register: Any) -> None:
    person = register(birth_date=PartialDate(dt.date.today().year - 60, 1, 1))
    assert person.age == 60
    assert person.groups.filter(group="older_person").exists()
