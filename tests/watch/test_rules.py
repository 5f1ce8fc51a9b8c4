"""Each shipped rule on hand-built people and households: who is flagged and who is not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from saphan.watch.engine import watch_evaluate
from saphan.watch.models import WatchFlag
from tests.watch.conftest import TODAY

pytestmark = pytest.mark.django_db


def flagged(rule: str) -> set[int]:
    return set(WatchFlag.objects.live().filter(rule__code=rule).values_list("person_id", flat=True))


def run() -> None:
    watch_evaluate(today=TODAY)


def test_older_with_disability(person: Callable[..., Any]) -> None:
    yes = person(60, disability="movement")
    too_young = person(59, disability="movement")
    no_disability = person(75)
    no_consent = person(80, disability="seeing", sensitive_basis="")
    run()
    assert flagged("older_with_disability") == {yes.pk}
    assert too_young.pk not in flagged("older_with_disability")
    assert no_disability.pk not in flagged("older_with_disability")
    assert no_consent.pk not in flagged("older_with_disability")


def test_older_raising_children(person: Callable[..., Any], household: Callable[[], Any]) -> None:
    grandparents = household()
    grandma = person(68, household=grandparents, relationship="head")
    person(9, household=grandparents, relationship="grandchild")
    person(14, household=grandparents, relationship="grandchild")

    with_parent = household()
    grandpa = person(70, household=with_parent, relationship="head")
    person(8, household=with_parent, relationship="grandchild")
    person(35, household=with_parent, relationship="child")  # a working-age adult

    no_children = household()
    alone_old = person(72, household=no_children, relationship="head")
    person(66, household=no_children, relationship="spouse")
    run()
    assert grandma.pk in flagged("older_raising_children")
    assert grandpa.pk not in flagged("older_raising_children")
    assert alone_old.pk not in flagged("older_raising_children")
    # The flag keeps the facts that matched.
    flag = WatchFlag.objects.get(rule__code="older_raising_children", person=grandma)
    assert flag.reasons["household_children"] == 2
    assert flag.reasons["household_working_age_adults"] == 0
    assert flag.reasons["age"] == 68


def test_disability_without_work(person: Callable[..., Any]) -> None:
    yes = person(30, disability="hearing", work_status="unemployed")
    unable = person(45, disability="movement", work_status="unable")
    working = person(30, disability="hearing", work_status="employed")
    older = person(60, disability="hearing", work_status="unemployed")
    child = person(17, disability="hearing", work_status="unemployed")
    run()
    got = flagged("disability_without_work")
    assert {yes.pk, unable.pk} <= got
    assert not {working.pk, older.pk, child.pk} & got


def test_disability_ill_or_bedridden(person: Callable[..., Any]) -> None:
    bedridden = person(50, disability="movement", bedridden=True)
    ill = person(50, disability="mental", chronic_illness=True)
    well = person(50, disability="mental", chronic_illness=False, bedridden=False)
    ill_no_disability = person(50, chronic_illness=True)
    run()
    got = flagged("disability_ill_or_bedridden")
    assert {bedridden.pk, ill.pk} == got - {well.pk, ill_no_disability.pk}
    assert not {well.pk, ill_no_disability.pk} & got


def test_awaiting_nationality(person: Callable[..., Any]) -> None:
    stateless = person(30, civil_status="stateless", verification_stage="documents")
    not_started = person(30, civil_status="thai_unregistered")
    approved = person(30, civil_status="stateless", verification_stage="approved")
    thai = person(30, civil_status="thai_registered")
    run()
    got = flagged("awaiting_nationality")
    assert got == {stateless.pk, not_started.pk}
    assert approved.pk not in got and thai.pk not in got


def test_homeless_chronic_illness(person: Callable[..., Any]) -> None:
    street = person(50, no_fixed_address=True, chronic_illness=True)
    housed = person(50, chronic_illness=True)
    healthy = person(50, no_fixed_address=True, chronic_illness=False)
    run()
    assert flagged("homeless_chronic_illness") == {street.pk}
    assert housed.pk not in flagged("homeless_chronic_illness")
    assert healthy.pk not in flagged("homeless_chronic_illness")


def test_child_no_adult(person: Callable[..., Any], household: Callable[[], Any]) -> None:
    children_only = household()
    elder_sibling = person(16, household=children_only, relationship="head")
    younger = person(9, household=children_only, relationship="sibling")
    with_adult = household()
    child = person(9, household=with_adult, relationship="child")
    person(40, household=with_adult, relationship="head")
    no_household = person(9)
    run()
    got = flagged("child_no_adult")
    assert got == {elder_sibling.pk, younger.pk}
    assert child.pk not in got and no_household.pk not in got


def test_disability_card_expired(person: Callable[..., Any]) -> None:
    expired = person(
        40, disability="seeing", disability_card_index="x1", disability_card_expiry=TODAY
    )
    soon = person(
        40,
        disability="seeing",
        disability_card_index="x2",
        disability_card_expiry=TODAY + dt.timedelta(days=60),
    )
    later = person(
        40,
        disability="seeing",
        disability_card_index="x3",
        disability_card_expiry=TODAY + dt.timedelta(days=61),
    )
    run()
    got = flagged("disability_card_expired")
    assert got == {expired.pk, soon.pk}
    assert later.pk not in got
    flag = WatchFlag.objects.get(rule__code="disability_card_expired", person=expired)
    assert flag.reasons["disability_card_days_left"] == TODAY.isoformat()


def test_disability_no_card(person: Callable[..., Any]) -> None:
    no_card = person(40, disability="autism")
    with_card = person(40, disability="autism", disability_card_index="x9")
    run()
    assert no_card.pk in flagged("disability_no_card")
    assert with_card.pk not in flagged("disability_no_card")


def test_older_alone_bedridden(person: Callable[..., Any], household: Callable[[], Any]) -> None:
    alone = household()
    lonely = person(82, bedridden=True, household=alone, relationship="head")
    together = household()
    cared_for = person(82, bedridden=True, household=together, relationship="head")
    person(55, household=together, relationship="child")
    unknown_household = person(82, bedridden=True)
    run()
    got = flagged("older_alone_bedridden")
    assert got == {lonely.pk}
    assert cared_for.pk not in got and unknown_household.pk not in got


def test_older_no_income(person: Callable[..., Any]) -> None:
    poor = person(61, income_band="none")
    some = person(61, income_band="lt3000")
    young = person(59, income_band="none")
    run()
    assert flagged("older_no_income") == {poor.pk}
    assert some.pk not in flagged("older_no_income") and young.pk not in flagged("older_no_income")


def test_partial_birth_date_counts_from_january(person: Callable[..., Any]) -> None:
    """Only the year known: counted from 1 January, as the derived groups do."""
    p = person(None, birth_year=TODAY.year - 60, income_band="none")
    unknown = person(None, income_band="none")
    run()
    assert p.pk in flagged("older_no_income")
    assert unknown.pk not in flagged("older_no_income")
