"""The pilots' organisations and the staff user acting for each party (usernames in
:mod:`saphan.demo.pilots`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from saphan.accounts.models import User
from saphan.accounts.roles import Role
from saphan.accounts.services import user_create
from saphan.demo.seed import DEMO_PASSWORD, DEMO_USERS
from saphan.geo.models import Province
from saphan.orgs.models import Organisation
from saphan.orgs.services import organisation_create
from saphan.outcomes.choices import PartyRole
from saphan.outcomes.pilots import PILOT_ORGANISATIONS, PILOTS

Progress = Callable[[str], Any]

_USER_ROLE = {
    PartyRole.PROVIDER: Role.CASE_MANAGER,
    PartyRole.INTERMEDIARY: Role.INTERMEDIARY,
    PartyRole.EVALUATOR: Role.EVALUATOR,
    PartyRole.PAYER: Role.PAYER,
    PartyRole.INVESTOR: Role.INVESTOR,
}
#: Username prefix and (invented) Thai first name of each role's demo users.
_PREFIX = {
    Role.CASE_MANAGER: ("cm", "จัดการ"),
    Role.INTERMEDIARY: ("intermediary", "ประสาน"),
    Role.EVALUATOR: ("evaluator", "ประเมิน"),
    Role.PAYER: ("payer", "จ่าย"),
    Role.INVESTOR: ("investor", "ลงทุน"),
}


def pilot_username(organisation: str, party_role: str) -> str:
    """The demo user acting for ``organisation`` in ``party_role`` (see the docstring)."""
    role = _USER_ROLE[PartyRole(party_role)]
    for user in DEMO_USERS:
        if user.organisation_code == organisation and user.role == role:
            return user.username
    return f"{_PREFIX[role][0]}.{organisation}"


def demo_pilot_logins() -> list[tuple[str, str, str, str]]:
    """(pilot code, party role, organisation code, username) for every party of every
    pilot, whether or not the user could be created."""
    return [
        (spec.code, p.role, p.organisation, pilot_username(p.organisation, p.role))
        for spec in PILOTS
        for p in spec.parties
    ]


def why(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(str(m) for m in error.messages)
    return f"refused ({error})"


def refusal_key(error: ValidationError) -> str:
    return ",".join(sorted(error.error_dict)) if hasattr(error, "error_dict") else "other"


# -- organisations and users ------------------------------------------------------------


def organisations_ensure() -> int:
    project = [p.code for p in Province.objects.project()]
    created = 0
    for spec in PILOT_ORGANISATIONS:
        if not Organisation.objects.filter(code=spec.code).exists():
            organisation_create(
                code=spec.code,
                name_th=spec.name_th,
                name_en=spec.name_en,
                kind=spec.kind,
                province_codes=spec.provinces if spec.provinces is not None else project,
            )
            created += 1
    return created


def user_for(
    organisation: Organisation, party_role: str, created: list[str], progress: Progress
) -> User | None:
    username = pilot_username(organisation.code, party_role)
    role = _USER_ROLE[PartyRole(party_role)]
    user = User.objects.filter(username=username).first()
    if user is not None:
        if user.organisation_id == organisation.pk and user.role == role and user.is_active:
            return user
        progress(f"  {username} exists but is not an active {role} of {organisation.code}")
        return None
    try:
        user = user_create(
            username=username,
            password=DEMO_PASSWORD,
            organisation=organisation,
            role=role,
            first_name=_PREFIX[role][1],
            last_name=organisation.code,
            validate=False,
        )
    except ValidationError as error:
        progress(f"  no {role} user for {organisation.code}: {why(error)}")
        return None
    created.append(username)
    return user
