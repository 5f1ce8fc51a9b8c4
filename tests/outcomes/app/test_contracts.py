"""Contracts: validated by the engine, frozen once signed, amendments with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saphan.outcomes.models import ContractVersion, Party
from saphan.outcomes.services import (
    contract_version_create,
    contract_version_sign,
    contract_version_update,
    party_add,
    project_create,
)
from tests.outcomes.app.conftest import spec

pytestmark = pytest.mark.django_db


def test_project_creator_becomes_the_intermediary(draft_project: Any, orgs: Any) -> None:
    roles = set(
        Party.objects.filter(project=draft_project).values_list("organisation__code", "role")
    )
    assert ("im", "intermediary") in roles and ("mirror", "provider") in roles
    assert draft_project.status == "draft"


def test_only_intermediary_staff_create_projects(users: Any) -> None:
    for who in ("provider", "evaluator", "payer", "investor", "analyst"):
        with pytest.raises(PermissionDenied):
            project_create(user=users[who], code=f"p-{who}", name_th="x")


def test_a_bad_contract_is_refused_with_every_problem_and_its_path(
    draft_project: Any, users: Any
) -> None:
    bad = spec(period="fortnight", caps={"total": 0.5})
    with pytest.raises(ValidationError) as refused:
        contract_version_create(user=users["intermediary"], project=draft_project, spec=bad)
    messages = " ".join(refused.value.message_dict["spec"])
    assert "$.period" in messages and "$.caps.total" in messages
    assert not ContractVersion.objects.exists()


def test_signed_version_is_frozen_and_amendment_needs_a_reason(
    draft_project: Any, users: Any
) -> None:
    im = users["intermediary"]
    v1 = contract_version_create(user=im, project=draft_project, spec=spec())
    assert v1.valid_from is not None
    contract_version_sign(user=im, version=v1)
    draft_project.refresh_from_db()
    assert draft_project.status == "active"

    # The service refuses any change to the signed version …
    with pytest.raises(ValidationError, match="frozen"):
        contract_version_update(user=im, version=v1, spec=spec(name_en="Changed"))
    with pytest.raises(ValidationError, match="frozen"):
        contract_version_sign(user=im, version=v1)
    # … and so do the model and the queryset.
    v1.spec = spec(name_en="Changed")
    with pytest.raises(ValidationError):
        v1.save()
    with pytest.raises(ValidationError):
        ContractVersion.objects.filter(pk=v1.pk).update(reason="x")
    with pytest.raises(ValidationError):
        v1.delete()
    v1.refresh_from_db()
    assert v1.spec["name_en"] == "Home Hope Hub"

    # An amendment is a new version, and needs a reason.
    amended = spec(caps={"total": "50000.00"})
    with pytest.raises(ValidationError) as refused:
        contract_version_create(user=im, project=draft_project, spec=amended)
    assert "reason" in refused.value.message_dict
    v2 = contract_version_create(
        user=im, project=draft_project, spec=amended, reason="Payer raised the total cap"
    )
    assert v2.number == 2 and v2.reason
    # One draft at a time.
    with pytest.raises(ValidationError):
        contract_version_create(user=im, project=draft_project, spec=amended, reason="again")
    # The draft can still change.
    contract_version_update(user=im, version=v2, spec=spec(caps={"total": "45000.00"}))
    contract_version_sign(user=im, version=v2)
    assert ContractVersion.objects.filter(project=draft_project).signed().count() == 2


def test_signing_needs_the_contracts_payers_and_investors_as_parties(users: Any, orgs: Any) -> None:
    im = users["intermediary"]
    project = project_create(user=im, code="hhh", name_th="x")
    party_add(user=im, project=project, organisation=orgs["provider"], role="provider")
    party_add(user=im, project=project, organisation=orgs["evaluator"], role="evaluator")
    version = contract_version_create(user=im, project=project, spec=spec())
    with pytest.raises(ValidationError) as refused:
        contract_version_sign(user=im, version=version)
    text = " ".join(refused.value.message_dict["parties"])
    assert "dsdw" in text and "fund" in text
    version.refresh_from_db()
    assert version.signed_at is None


def test_contract_code_must_be_the_project_code(draft_project: Any, users: Any) -> None:
    with pytest.raises(ValidationError, match="project's code"):
        contract_version_create(
            user=users["intermediary"], project=draft_project, spec=spec(code="other")
        )


def test_the_evaluator_cannot_also_be_a_provider(
    draft_project: Any, users: Any, orgs: Any, make_org: Any
) -> None:
    academic = make_org(kind="academic", code="uni")
    im = users["intermediary"]
    party_add(user=im, project=draft_project, organisation=academic, role="evaluator")
    with pytest.raises(ValidationError, match=r"independent|civil-society"):
        party_add(user=im, project=draft_project, organisation=academic, role="provider")
    with pytest.raises(ValidationError, match="already holds"):
        party_add(user=im, project=draft_project, organisation=orgs["provider"], role="provider")
