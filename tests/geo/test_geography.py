from __future__ import annotations

import pytest
from django.core.management import call_command

from saphan.geo.models import District, Province, Subdistrict
from saphan.geo.services import geography_counts, geography_load

pytestmark = pytest.mark.django_db

MISSION_PROVINCES = {
    "11",
    "13",
    "15",
    "16",
    "18",
    "23",
    "30",
    "31",
    "33",
    "34",
    "35",
    "41",
    "49",
    "52",
    "54",
    "55",
    "65",
    "66",
    "76",
    "81",
    "82",
    "83",
    "85",
    "94",
    "95",
}


def test_migration_loads_all_of_thailand() -> None:
    counts = geography_counts()
    assert (counts.provinces, counts.districts, counts.subdistricts) == (77, 928, 7436)
    assert counts.project_provinces == 25


def test_the_flagged_provinces_are_the_missions_25() -> None:
    flagged = set(Province.objects.project().values_list("code", flat=True))
    assert flagged == MISSION_PROVINCES
    assert Province.objects.get(code="55").name_th == "น่าน"
    assert Province.objects.get(code="94").name_en == "Pattani"


def test_codes_nest_and_postal_codes_are_kept() -> None:
    s = Subdistrict.objects.select_related("district").get(code="550101")
    assert s.district.code == "5501" and s.province_id == "55"
    assert s.postal_codes and all(len(c) == 5 for c in s.postal_codes.split(","))


def test_every_district_code_starts_with_its_province_code() -> None:
    mismatched = [d.code for d in District.objects.all() if not d.code.startswith(d.province_id)]
    assert mismatched == []


def test_reloading_is_idempotent() -> None:
    before = geography_counts()
    Province.objects.filter(code="55").update(name_th="ผิด", is_project_province=False)
    after = geography_load()
    assert after == before
    assert Province.objects.get(code="55").name_th == "น่าน"
    call_command("geo_load", verbosity=0)
    assert geography_counts() == before
