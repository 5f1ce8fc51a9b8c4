"""The policy layer: roles, province scope, 404 for out-of-scope, docs in step."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from saphan import policy
from saphan.accounts.models import User
from saphan.accounts.roles import Role
from saphan.audit.models import AccessLog
from saphan.geo.models import Province
from saphan.orgs.models import Organisation
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_field_worker_sees_only_their_organisations_provinces(field_worker_nan: User) -> None:
    codes = set(Province.objects.visible_to(field_worker_nan).values_list("code", flat=True))
    assert codes == {"55"}


def test_administrator_sees_every_province(administrator: User) -> None:
    assert Province.objects.visible_to(administrator).count() == 77


def test_outcomes_roles_see_no_province(make_user: Any) -> None:
    investor = make_user(role="investor", kind="investor", provinces=("55",))
    assert Province.objects.visible_to(investor).count() == 0


def test_inactive_and_anonymous_users_see_nothing(field_worker_nan: User) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert Province.objects.visible_to(AnonymousUser()).count() == 0  # type: ignore[arg-type]
    field_worker_nan.is_active = False
    assert Province.objects.visible_to(field_worker_nan).count() == 0
    assert Organisation.objects.visible_to(field_worker_nan).count() == 0


def test_organisations_visible_are_own_and_partners_in_shared_provinces(
    make_user: Any, make_org: Any
) -> None:
    user = make_user(role="case_manager", provinces=("55",))
    partner = make_org(provinces=("55", "94"))
    elsewhere = make_org(provinces=("94",))
    visible = set(Organisation.objects.visible_to(user))
    assert user.organisation in visible and partner in visible and elsewhere not in visible


def test_users_visible_are_colleagues_only(make_user: Any) -> None:
    user = make_user(role="field_worker")
    colleague = make_user(role="case_manager", organisation=user.organisation)
    stranger = make_user(role="field_worker")
    visible = set(User.objects.visible_to(user))
    assert visible == {user, colleague} and stranger not in visible


def test_can_checks_role_and_scope(field_worker_nan: User) -> None:
    assert policy.can(field_worker_nan, policy.Action.VIEW_PEOPLE)
    assert not policy.can(field_worker_nan, policy.Action.MANAGE_USERS)
    assert not policy.can(field_worker_nan, policy.Action.VIEW_FULL_ID)
    assert policy.can(
        field_worker_nan, policy.Action.VIEW_PROVINCE, Province.objects.get(code="55")
    )
    assert not policy.can(
        field_worker_nan, policy.Action.VIEW_PROVINCE, Province.objects.get(code="94")
    )


def test_every_role_has_an_entry_and_administrators_do_not_read_people() -> None:
    assert set(policy.PERMISSIONS) == set(Role)
    assert policy.Action.VIEW_PEOPLE not in policy.PERMISSIONS[Role.ADMINISTRATOR]
    assert policy.PERMISSIONS[Role.ANALYST] <= {
        policy.Action.VIEW_PROVINCE,
        policy.Action.VIEW_AGGREGATES,
        policy.Action.EXPORT_AGGREGATES,
    }


def test_province_page_in_scope_and_404_with_audit_row_out_of_scope(
    client: Client, field_worker_nan: User
) -> None:
    client.login(username=field_worker_nan.username, password=TEST_PASSWORD)
    ok = client.get("/provinces/55/")
    assert ok.status_code == 200 and "น่าน" in ok.content.decode()
    refused = client.get("/provinces/94/")
    assert refused.status_code == 404
    row = AccessLog.objects.get(action="denied")
    assert (row.username, row.object_type, row.object_id, row.province_code) == (
        field_worker_nan.username,
        "province",
        "94",
        "94",
    )
    assert client.get("/provinces/99/").status_code == 404  # no such province: no audit row
    assert AccessLog.objects.filter(action="denied").count() == 1


def test_management_pages_are_for_administrators(
    client: Client, field_worker_nan: User, administrator: User
) -> None:
    client.login(username=field_worker_nan.username, password=TEST_PASSWORD)
    for url in ("/manage/organisations/", "/manage/users/", "/audit/"):
        assert client.get(url).status_code == 403
    client.login(username=administrator.username, password=TEST_PASSWORD)
    for url in ("/manage/organisations/", "/manage/users/", "/audit/", "/audit/changes/"):
        assert client.get(url).status_code == 200


def test_permissions_doc_matches_the_policy_table() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "permissions.md").read_text()
    lines = [ln for ln in doc.splitlines() if ln.startswith("|")]
    header_index = next(i for i, ln in enumerate(lines) if ln.startswith("| Role |"))
    header = [c.strip() for c in lines[header_index].strip("|").split("|")]
    actions = [re.sub(r"`", "", c) for c in header[1:]]
    assert set(actions) == {a.value for a in policy.Action}
    documented: dict[str, set[str]] = {}
    for line in lines[header_index + 2 :]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        match = re.search(r"`([a-z_]+)`", cells[0])
        if not match or len(cells) != len(header):
            break
        documented[match.group(1)] = {a for a, c in zip(actions, cells[1:], strict=True) if c}
    expected = {r.value: {a.value for a in acts} for r, acts in policy.PERMISSIONS.items()}
    assert documented == expected


def test_out_of_scope_organisation_is_a_404_with_an_audit_row(
    client: Client, administrator: Any, make_org: Any
) -> None:
    far = make_org(provinces=("94",))
    coordinator = User.objects.create_user(
        username="coord", password=TEST_PASSWORD, role="administrator"
    )
    # Administrators see every organisation; a partner view through the API is scoped.
    assert policy.get_visible_or_404(Organisation.objects.all(), coordinator, pk=far.pk) == far
    worker = User.objects.create_user(
        username="w", password=TEST_PASSWORD, role="case_manager", organisation=make_org()
    )
    from django.http import Http404

    with pytest.raises(Http404):
        policy.get_visible_or_404(Organisation.objects.all(), worker, pk=far.pk)
    row = AccessLog.objects.get(action="denied", username="w")
    assert (row.object_type, row.object_id) == ("organisation", str(far.pk))


def test_back_office_refuses_a_role_that_does_not_fit_the_organisation(make_org: Any) -> None:
    from django.core.exceptions import ValidationError

    investor_org = make_org(kind="investor")
    user = User(username="x", organisation=investor_org, role="field_worker")
    user.set_password(TEST_PASSWORD)
    with pytest.raises(ValidationError):
        user.full_clean()
