"""A Home Hope Hub-like project with its five parties, a signed contract and people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from saphan.outcomes.enrolment import participant_enrol
from saphan.outcomes.services import (
    contract_version_create,
    contract_version_sign,
    party_add,
    project_create,
)
from saphan.people.consents import ConsentData, consent_record
from saphan.people.partialdate import PartialDate
from saphan.people.services import PersonData, person_register


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


START = -400  # the contract started 400 days ago


def spec(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "saphan-outcomes/1",
        "code": "hhh",
        "name_th": "บ้านแห่งความหวัง",
        "name_en": "Home Hope Hub",
        "start": days(START).isoformat(),
        "end": days(400).isoformat(),
        "period": "quarter",
        "payers": [{"code": "dsdw", "name_th": "กรมพัฒนาสังคมฯ", "name_en": "DSDW"}],
        "metrics": [
            {
                "code": "housed",
                "name_th": "มีที่พักอาศัย",
                "name_en": "Housed",
                "unit": "participant",
                "window": {"from_days": 0, "to_days": 120},
            },
            {
                "code": "sustained",
                "name_th": "ไม่กลับสู่ถนน",
                "name_en": "Not back on the street",
                "unit": "participant",
                "window": {"from_days": 0, "to_days": 365},
                "requires": ["housed"],
            },
        ],
        "rate_cards": [
            {
                "version": "2025",
                "valid_from": days(START).isoformat(),
                "prices": [
                    {"metric": "housed", "price": "10000.00"},
                    {"metric": "sustained", "price": "20000.00"},
                ],
            }
        ],
        "caps": {"total": "35000.00"},
        "investment": {
            "commitments": [
                {"investor": "fund", "name_th": "กองทุน", "name_en": "Fund", "amount": "60000"},
                {"investor": "bank", "name_th": "ธนาคาร", "name_en": "Bank", "amount": "40000"},
            ],
            "tranches": [{"on": days(START).isoformat(), "amount": "50000.00"}],
            "return_cap": {"pct_of_principal": "10"},
            "remainder": "payer",
        },
    }
    data.update(overrides)
    return data


@pytest.fixture
def orgs(make_org: Any) -> dict[str, Any]:
    return {
        "intermediary": make_org(kind="intermediary", code="im", provinces=()),
        "provider": make_org(kind="cso", code="mirror", provinces=("55",)),
        "evaluator": make_org(kind="evaluator", code="eval", provinces=()),
        "payer": make_org(kind="outcome_payer", code="dsdw-org", provinces=()),
        "investor": make_org(kind="investor", code="fund-org", provinces=()),
        "bank": make_org(kind="investor", code="bank-org", provinces=()),
    }


@pytest.fixture
def users(make_user: Any, orgs: dict[str, Any]) -> dict[str, Any]:
    return {
        "intermediary": make_user(
            role="intermediary", organisation=orgs["intermediary"], username="im"
        ),
        "provider": make_user(role="case_manager", organisation=orgs["provider"], username="cm"),
        "provider2": make_user(role="case_manager", organisation=orgs["provider"], username="cm2"),
        "evaluator": make_user(role="evaluator", organisation=orgs["evaluator"], username="ev"),
        "payer": make_user(role="payer", organisation=orgs["payer"], username="pay"),
        "investor": make_user(role="investor", organisation=orgs["investor"], username="inv"),
        "analyst": make_user(role="analyst", organisation=orgs["provider"], username="an"),
    }


@pytest.fixture
def draft_project(users: dict[str, Any], orgs: dict[str, Any]) -> Any:
    im = users["intermediary"]
    project = project_create(
        user=im,
        code="hhh",
        name_th="บ้านแห่งความหวัง",
        name_en="Home Hope Hub",
        participant_prefix="HHH",
        province_codes=["55"],
        eligible_groups=["homeless"],
        starts_on=days(START),
    )
    party_add(user=im, project=project, organisation=orgs["provider"], role="provider")
    party_add(user=im, project=project, organisation=orgs["evaluator"], role="evaluator")
    party_add(user=im, project=project, organisation=orgs["payer"], role="payer", spec_code="dsdw")
    party_add(
        user=im, project=project, organisation=orgs["investor"], role="investor", spec_code="fund"
    )
    party_add(
        user=im, project=project, organisation=orgs["bank"], role="investor", spec_code="bank"
    )
    return project


@pytest.fixture
def project(draft_project: Any, users: dict[str, Any]) -> Any:
    im = users["intermediary"]
    version = contract_version_create(user=im, project=draft_project, spec=spec())
    contract_version_sign(user=im, version=version)
    draft_project.refresh_from_db()
    return draft_project


@pytest.fixture
def make_person(users: dict[str, Any]) -> Callable[..., Any]:
    def make(name: str = "สมชาย", *, consent: bool = True, homeless: bool = True) -> Any:
        person = person_register(
            user=users["provider"],
            data=PersonData(
                given_name=name,
                family_name="ทดสอบ",
                sex="male",
                current_subdistrict_code="550101",
                birth_date=PartialDate(1970, 1, 1),
                declared_groups=["homeless"] if homeless else [],
            ),
        )
        if consent:
            consent_record(
                user=users["provider"],
                person=person,
                data=ConsentData(
                    purpose="โครงการบ้านแห่งความหวัง",
                    # Given when the person joined (enrolments are back-dated up to -400).
                    given_on=days(START),
                    covers_sharing=True,
                ),
            )
        return person

    return make


@pytest.fixture
def enrol(project: Any, users: dict[str, Any], make_person: Any) -> Callable[..., Any]:
    def go(name: str = "สมชาย", *, on: int = -100, comparison: bool = False) -> Any:
        return participant_enrol(
            user=users["provider"],
            project=project,
            person=make_person(name),
            enrolled_on=days(on),
            comparison_group=comparison,
        )

    return go


D = Decimal
