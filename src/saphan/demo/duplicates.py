"""Demo duplicates: a few people of Nan registered a second time by the Nan provincial
office under a spelling variant (a title typed into the name, a typo, the birth year in
the Buddhist Era, no ID), then the duplicate search, so the review queue has work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from saphan.accounts.models import User
from saphan.people.identity import DocumentType
from saphan.people.models import Person
from saphan.people.partialdate import PartialDate
from saphan.people.services import PersonData, person_register

PROVINCE = "55"
REGISTRAR = "coord.nan"
VARIANTS = 4
MARK = "demo-duplicate"  # the nickname marks the variants, so a second run adds none


def _variant(person: Person, n: int) -> PersonData:
    given = person.given_name
    if n % 2 == 0 and len(given) > 3:
        given = given[:-1]  # a letter dropped at the end
    title = {"male": "นาย", "female": "นาง"}.get(person.sex, "")
    return PersonData(
        given_name=f"{title}{given}",  # the title typed into the name field
        family_name=person.family_name,
        sex=person.sex,
        birth_date=PartialDate(person.birth_year, None, None) if person.birth_year else None,
        province_code=person.province_id,
        current_subdistrict_code=person.current_subdistrict_id or "",
        nickname=MARK,
    )


def demo_duplicates_load(progress: Callable[[str], Any] = print) -> int:
    # A system process with no user (like the demo loader): it reads people directly and
    # writes only through person_register, acting as the Nan coordinator.
    from saphan.linkage.services import duplicates_find

    registrar = User.objects.filter(username=REGISTRAR).first()
    if registrar is None or Person.objects.filter(nickname=MARK).exists():
        return 0
    originals = (
        Person.objects.filter(
            province_id=PROVINCE,
            birth_year__isnull=False,
            identifiers__doc_type=DocumentType.NATIONAL_ID,
            identifiers__is_current=True,
        )
        .exclude(nickname=MARK)
        .order_by("pk")[:VARIANTS]
    )
    for n, person in enumerate(originals):
        person_register(user=registrar, data=_variant(person, n))
    summary = duplicates_find(province_codes=[PROVINCE])
    progress(
        f"Possible duplicates in Nan: {summary.pairs:,} found among {summary.people:,} people "
        f"(review them as {REGISTRAR} or cm.nan at /duplicates/)."
    )
    return summary.pairs
