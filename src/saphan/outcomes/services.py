"""Writes for projects, parties and contract versions. The intermediary runs these.

Every write checks the policy and the user's party in the project, validates everything
first, and saves inside one transaction, so a refused write leaves nothing half-saved.
A signed contract version is frozen: an amendment is a new version with a reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.geo.models import Province
from saphan.orgs.models import Organisation, OrganisationKind
from saphan.outcomes.checks import (
    Errors,
    require_action,
    require_party,
    require_project_open,
    text,
)
from saphan.outcomes.choices import PartyRole, ProjectStatus
from saphan.outcomes.contracts import contract_check
from saphan.outcomes.models import ContractVersion, Party, Project
from saphan.outcomes.models.projects import SIGNED_VERSION_FROZEN
from saphan.people.choices import PopulationGroup

_PREFIX = re.compile(r"[A-Z]{2,6}")
#: Organisations that deliver services to people, and so can be a provider.
PROVIDER_KINDS = (
    OrganisationKind.CSO,
    OrganisationKind.ACADEMIC,  # e.g. a university that trains personal assistants
    OrganisationKind.AGENCY,
    OrganisationKind.PROVINCIAL_OFFICE,
    OrganisationKind.LOCAL_GOVERNMENT,
)
EVALUATOR_KINDS = (OrganisationKind.EVALUATOR, OrganisationKind.ACADEMIC)


def _require_intermediary(user: User, project: Project) -> Party:
    require_action(user, policy.Action.MANAGE_OUTCOME_PROJECTS)
    return require_party(user, project, PartyRole.INTERMEDIARY)


def _default_prefix(code: str) -> str:
    letters = re.sub(r"[^A-Za-z]", "", code).upper()
    return (letters + "XXX")[:3]


@transaction.atomic
def project_create(
    *,
    user: User,
    code: str,
    name_th: str,
    name_en: str = "",
    description: str = "",
    target_population: str = "",
    province_codes: Iterable[str] = (),
    eligible_groups: Iterable[str] = (),
    eligible_watch_rules: Iterable[str] = (),
    participant_prefix: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Project:
    """A new project in draft; the creating intermediary's organisation becomes its
    intermediary party."""
    require_action(user, policy.Action.MANAGE_OUTCOME_PROJECTS)
    errors = Errors()
    code = (code or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{1,39}", code):
        errors.add("code", _("Use 2 to 40 letters, digits and hyphens."))
    elif Project.objects.filter(code=code).exists():
        errors.add("code", _("A project with the code %(code)s already exists."), code=code)
    name_th = text(errors, "name_th", name_th, required=_("Give the project's Thai name."))
    prefix = (participant_prefix or _default_prefix(code)).strip().upper()
    if not _PREFIX.fullmatch(prefix):
        errors.add("participant_prefix", _("Use 2 to 6 Latin capital letters, e.g. HHH."))
    codes = sorted(set(province_codes))
    provinces = list(Province.objects.filter(code__in=codes))
    if len(provinces) != len(codes):
        errors.add("provinces", _("Unknown province code."))
    groups = sorted(set(eligible_groups))
    unknown = [g for g in groups if g not in PopulationGroup.values]
    if unknown:
        errors.add("eligible_groups", _("Unknown population group %(code)s."), code=unknown[0])
    rules = sorted(set(eligible_watch_rules))
    if rules:
        from saphan.watch.models import WatchRule

        known = set(WatchRule.objects.filter(code__in=rules).values_list("code", flat=True))
        if missing := [r for r in rules if r not in known]:
            errors.add("eligible_watch_rules", _("Unknown watch rule %(code)s."), code=missing[0])
    if starts_on and ends_on and ends_on <= starts_on:
        errors.add("ends_on", _("The project must end after it starts."))
    if user.organisation is None:
        errors.add("organisation", _("You need an organisation to run a project."))
    errors.raise_if_any()
    assert user.organisation is not None
    project = Project.objects.create(
        code=code,
        name_th=name_th,
        name_en=(name_en or "").strip(),
        description=(description or "").strip(),
        target_population=(target_population or "").strip(),
        participant_prefix=prefix,
        eligible_groups=groups,
        eligible_watch_rules=rules,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=user,
    )
    project.provinces.set(provinces)
    Party.objects.create(
        project=project, organisation=user.organisation, role=PartyRole.INTERMEDIARY, added_by=user
    )
    return project


@transaction.atomic
def party_add(
    *, user: User, project: Project, organisation: Organisation, role: str, spec_code: str = ""
) -> Party:
    """Add an organisation to the project in one of the five roles. The evaluator must be
    independent: an organisation cannot be both a provider and the evaluator."""
    _require_intermediary(user, project)
    require_project_open(project)
    errors = Errors()
    if role not in PartyRole.values:
        errors.add("role", _("Choose one of the five roles."))
    if not organisation.is_active:
        errors.add("organisation", _("This organisation is no longer active in Saphan."))
    elif role == PartyRole.PROVIDER and organisation.kind not in PROVIDER_KINDS:
        errors.add(
            "organisation",
            _(
                "A service provider is a civil-society organisation, an agency or a local "
                "government."
            ),
        )
    elif role == PartyRole.EVALUATOR and organisation.kind not in EVALUATOR_KINDS:
        errors.add("organisation", _("An evaluator is an evaluation or academic institution."))
    held = set(
        Party.objects.filter(project=project, organisation=organisation).values_list(
            "role", flat=True
        )
    )
    if role in held:
        errors.add(
            "role",
            _("%(organisation)s already holds this role in the project."),
            organisation=organisation.name,
        )
    conflict: dict[str, str] = {
        PartyRole.PROVIDER: PartyRole.EVALUATOR,
        PartyRole.EVALUATOR: PartyRole.PROVIDER,
    }
    if conflict.get(role) in held:
        errors.add(
            "role",
            _(
                "The evaluator must be independent: %(organisation)s cannot be both a provider "
                "and the evaluator of the same project."
            ),
            organisation=organisation.name,
        )
    spec_code = (spec_code or "").strip()
    if spec_code and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}", spec_code):
        errors.add("spec_code", _("Codes use letters, digits, '_', '-' and '.'."))
    errors.raise_if_any()
    return Party.objects.create(
        project=project, organisation=organisation, role=role, spec_code=spec_code, added_by=user
    )


def _check_spec(errors: Errors, project: Project, spec: Any) -> Any:
    try:
        contract = contract_check(spec)
    except ValidationError as error:
        errors.absorb(error)
        return None
    if contract.code != project.code:
        errors.add(
            "spec",
            _("The contract's code %(code)s is not the project's code %(project)s."),
            code=contract.code,
            project=project.code,
        )
    return contract


@transaction.atomic
def contract_version_create(
    *,
    user: User,
    project: Project,
    spec: dict[str, Any],
    reason: str = "",
    valid_from: dt.date | None = None,
) -> ContractVersion:
    """A new draft version of the contract (validated by the engine). After a signed
    version, it is an amendment and needs a reason. One draft at a time."""
    _require_intermediary(user, project)
    require_project_open(project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    errors = Errors()
    contract = _check_spec(errors, project, spec)
    versions = ContractVersion.objects.filter(project=project)
    if versions.filter(signed_at__isnull=True).exists():
        errors.add(
            "version",
            _("A draft version is already open: change it or sign it before starting another."),
        )
    amendment = versions.signed().exists()
    reason = text(
        errors,
        "reason",
        reason,
        required=_("Say why the signed contract is amended.") if amendment else None,
    )
    errors.raise_if_any()
    if valid_from is None and contract is not None and not amendment:
        valid_from = contract.start
    number = (versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return ContractVersion.objects.create(
        project=project,
        number=number,
        spec=spec,
        reason=reason,
        valid_from=valid_from or timezone.localdate(),
        created_by=user,
    )


@transaction.atomic
def contract_version_update(
    *,
    user: User,
    version: ContractVersion,
    spec: dict[str, Any],
    reason: str | None = None,
    valid_from: dt.date | None = None,
) -> ContractVersion:
    """Change a draft version. A signed version is frozen and refused."""
    _require_intermediary(user, version.project)
    if ContractVersion.objects.filter(pk=version.pk, signed_at__isnull=False).exists():
        raise ValidationError(
            {"version": ValidationError(SIGNED_VERSION_FROZEN, params={"number": version.number})}
        )
    errors = Errors()
    _check_spec(errors, version.project, spec)
    amendment = ContractVersion.objects.filter(project=version.project).signed().exists()
    if reason is not None:
        reason = text(
            errors,
            "reason",
            reason,
            required=_("Say why the signed contract is amended.") if amendment else None,
        )
    errors.raise_if_any()
    version.spec = spec
    if reason is not None:
        version.reason = reason
    if valid_from is not None:
        version.valid_from = valid_from
    version.save()
    return version


@transaction.atomic
def contract_version_sign(*, user: User, version: ContractVersion) -> ContractVersion:
    """Sign (and so freeze) a draft version. Every payer and investor the contract names
    must be a party of the project, and the project needs a provider and an evaluator."""
    project = version.project
    _require_intermediary(user, project)
    require_project_open(project)
    version = ContractVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_signed:
        raise ValidationError(
            {"version": ValidationError(SIGNED_VERSION_FROZEN, params={"number": version.number})}
        )
    errors = Errors()
    contract = _check_spec(errors, project, version.spec)
    parties = list(Party.objects.filter(project=project).select_related("organisation"))
    by_role: dict[str, set[str]] = {}
    for party in parties:
        by_role.setdefault(party.role, set()).add(party.code)
    for role, label in ((PartyRole.PROVIDER, _("provider")), (PartyRole.EVALUATOR, _("evaluator"))):
        if not by_role.get(role):
            errors.add("parties", _("Add the %(role)s before signing."), role=label)
    if contract is not None:
        for payer in contract.payers:
            if payer.code not in by_role.get(PartyRole.PAYER, set()):
                errors.add(
                    "parties",
                    _(
                        "The contract names payer %(code)s, which is not a payer party of the "
                        "project."
                    ),
                    code=payer.code,
                )
        for commitment in contract.investment.commitments if contract.investment else ():
            if commitment.investor not in by_role.get(PartyRole.INVESTOR, set()):
                errors.add(
                    "parties",
                    _(
                        "The contract names investor %(code)s, which is not an investor party of "
                        "the project."
                    ),
                    code=commitment.investor,
                )
    errors.raise_if_any()
    # The queryset update bypasses the model's frozen check, which is for signed rows.
    now = timezone.now()
    ContractVersion.objects.filter(pk=version.pk).update(signed_at=now, signed_by=user)
    version.refresh_from_db()
    if project.status == ProjectStatus.DRAFT:
        project.status = ProjectStatus.ACTIVE
        project.save(update_fields=["status"])
    return version


@transaction.atomic
def project_close(*, user: User, project: Project) -> Project:
    _require_intermediary(user, project)
    project.status = ProjectStatus.CLOSED
    project.save(update_fields=["status"])
    return project
