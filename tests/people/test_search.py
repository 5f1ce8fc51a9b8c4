"""Search by exact ID (blind index) and by name with a one-character Thai typo, on both
databases, scoped and written to the access log."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from saphan.audit.models import AccessLog
from saphan.people.partialdate import PartialDate
from saphan.people.search_text import thai_sort_key
from saphan.people.selectors import masked_query, person_search
from tests.factories import TEST_PASSWORD
from tests.people.conftest import make_national_id

pytestmark = pytest.mark.django_db

ID = make_national_id("350990012345")


@pytest.fixture
def people(register: Any) -> dict[str, Any]:
    return {
        "somchai": register(
            given_name="สมชาย", family_name="ใจดี", national_id=ID, phone="0891234567"
        ),
        "somsri": register(given_name="สมศรี", family_name="ศรีสุข", birth_date=PartialDate(1950)),
        "malee": register(
            given_name="มาลี", family_name="ทองคำ", nickname="แดง", birth_date=PartialDate(2015, 3)
        ),
        "wichai": register(given_name="วิชัย", family_name="เก่งกาจ"),
    }


def names(result: Any) -> list[str]:
    return [p.given_name for p in result.people]


def test_exact_national_id_goes_through_the_blind_index(
    people: dict[str, Any], nan_worker: Any
) -> None:
    result = person_search(user=nan_worker, q=f"{ID[0]}-{ID[1:5]}-{ID[5:10]}-{ID[10:12]}-{ID[12]}")
    assert result.by == "id" and names(result) == ["สมชาย"]
    assert names(person_search(user=nan_worker, q="089-123-4567")) == ["สมชาย"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("สมชาย", "สมชาย"),  # exact
        ("สมชาญ", "สมชาย"),  # last letter wrong
        ("สมฃาย", "สมชาย"),  # a letter in the middle wrong (a keyboard slip)
        ("สมฉาย", "สมชาย"),  # a same-sound letter in the middle
        ("ศรีสุก", "สมศรี"),  # a same-sound final consonant
        ("สมชา", "สมชาย"),  # a letter missing
        ("มาลี ทองคา", "มาลี"),  # family name with a wrong vowel
        ("แดง", "มาลี"),  # nickname
    ],
)
def test_name_search_tolerates_a_one_character_thai_typo(
    people: dict[str, Any], nan_worker: Any, typed: str, expected: str
) -> None:
    result = person_search(user=nan_worker, q=typed)
    assert result.by == "name"
    assert result.people and result.people[0].given_name == expected, names(result)


def test_name_search_does_not_return_unrelated_names(
    people: dict[str, Any], nan_worker: Any
) -> None:
    assert "วิชัย" not in names(person_search(user=nan_worker, q="สมชาญ"))


def test_search_is_scoped_to_the_users_provinces(people: dict[str, Any], make_user: Any) -> None:
    outsider = make_user(role="case_manager", provinces=("94",))
    assert person_search(user=outsider, q="สมชาย").people == []
    assert person_search(user=outsider, q=ID).people == []


def test_filters_by_group_and_age_band(people: dict[str, Any], nan_worker: Any) -> None:
    assert names(person_search(user=nan_worker, group="older_person")) == ["สมศรี"]
    assert names(person_search(user=nan_worker, age_band="0-17")) == ["มาลี"]
    assert names(person_search(user=nan_worker, district="5501", group="child")) == ["มาลี"]


def test_results_without_a_name_are_in_thai_dictionary_order(
    people: dict[str, Any], nan_worker: Any
) -> None:
    ordered = names(person_search(user=nan_worker, province="55"))
    assert ordered == sorted(ordered, key=thai_sort_key)
    assert thai_sort_key("เกม") < thai_sort_key("ไก่") < thai_sort_key("ขา")


def test_search_page_logs_searches_without_full_ids(
    client: Client, people: dict[str, Any], nan_worker: Any
) -> None:
    client.login(username=nan_worker.username, password=TEST_PASSWORD)
    page = client.get("/people/", {"q": "สมชาญ"}).content.decode()
    assert "สมชาย" in page
    client.get("/people/", {"q": ID}, HTTP_HX_REQUEST="true")
    queries = list(AccessLog.objects.filter(action="search").values_list("query", flat=True))
    assert "สมชาญ" in queries
    assert ID not in " ".join(queries) and masked_query(ID) in queries


def test_sort_key_agrees_with_pythainlp_collation() -> None:
    from pythainlp.util import collate

    words = ["ไก่", "เกิด", "กาล", "เป็ด", "หมู", "วัว", "วันที่", "สมชาย", "แสงดาว", "โสภา"]
    assert sorted(words, key=thai_sort_key) == collate(words)


def test_a_title_typed_with_the_name_is_ignored(people: dict[str, Any], nan_worker: Any) -> None:
    assert names(person_search(user=nan_worker, q="นายสมชาญ"))[0] == "สมชาย"
