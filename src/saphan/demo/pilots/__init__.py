"""The five MSDHS outcomes pilots in the demo, built through the real services (so every
row is valid and audited): organisations, one staff user per party, the project with its
five roles and a signed contract (Home Hope Hub also with a signed amendment), participants
enrolled from the demo people, claims in every state, payments and the ledger.

Runs once per pilot: a pilot whose project already exists is skipped.

Usernames (password :data:`~saphan.demo.seed.DEMO_PASSWORD`) are ``<prefix>.<organisation
code>``, except where a demo user of :mod:`saphan.demo.seed` already holds that role in
that organisation, who is reused:

================  ==========================  ===========================================
Party role        User role                   Username
================  ==========================  ===========================================
provider          case manager                ``cm.<org>``; ``cm.nan`` for ``cso-55``
intermediary      intermediary                ``intermediary``
evaluator         evaluator                   ``evaluator``; ``evaluator.university``
payer             payer                       ``payer`` (``outcome-payer``), ``payer.<org>``
investor          investor                    ``investor`` (``impact-fund``),
                                              ``investor.<org>`` (``investor.csr-bank`` …)
================  ==========================  ===========================================

:func:`demo_pilot_logins` lists them all. A role the organisation's kind cannot hold
(``policy.ROLES_BY_ORGANISATION_KIND``) gets no user; the loader says so and goes on.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from saphan.accounts.models import User
from saphan.demo.pilots.claims import claims_make
from saphan.demo.pilots.money import funding_record, payments_make
from saphan.demo.pilots.project import (
    cohorts_create,
    contract_sign,
    participants_enrol,
    project_create_for,
)
from saphan.demo.pilots.users import (
    Progress,
    demo_pilot_logins,
    organisations_ensure,
    pilot_username,
    user_for,
    why,
)
from saphan.orgs.models import Organisation
from saphan.outcomes.choices import ClaimStatus, PartyRole, PaymentStatus
from saphan.outcomes.models import (
    Claim,
    Cohort,
    Dispute,
    LedgerTransaction,
    Participant,
    Party,
    PaymentRequest,
    Project,
)
from saphan.outcomes.pilots import PILOTS, PilotSpec, pilot_contract_parsed
from saphan.outcomes.services import party_add

__all__ = ["demo_pilot_logins", "demo_pilots_load", "pilot_username"]


def _pilot_load(
    spec: PilotSpec, today: dt.date, progress: Progress
) -> tuple[Project, list[str], Counter[str]]:
    created: list[str] = []
    orgs = {
        o.code: o
        for o in Organisation.objects.filter(code__in={p.organisation for p in spec.parties})
    }
    if missing := {p.organisation for p in spec.parties} - set(orgs):
        raise RuntimeError(f"{spec.code}: organisations missing: {', '.join(sorted(missing))}")
    contract = pilot_contract_parsed(spec.code)
    intermediary = user_for(
        orgs[spec.organisations("intermediary")[0]], "intermediary", created, progress
    )
    if intermediary is None:
        raise RuntimeError(f"{spec.code}: no intermediary user")
    project = project_create_for(spec, contract, intermediary, today, progress)

    for party in spec.parties:
        if (
            party.role == PartyRole.INTERMEDIARY
            and orgs[party.organisation] == intermediary.organisation
        ):
            continue  # project_create made it the intermediary party
        try:
            party_add(
                user=intermediary,
                project=project,
                organisation=orgs[party.organisation],
                role=party.role,
                spec_code=party.spec_code,
            )
        except ValidationError as error:
            progress(f"  {party.organisation} is not a {party.role} of {spec.code}: {why(error)}")
    cast: dict[tuple[str, str], User] = {}
    for row in Party.objects.filter(project=project).select_related("organisation"):
        user = user_for(row.organisation, row.role, created, progress)
        if user is not None:
            cast[(row.organisation.code, row.role)] = user
    contract_sign(spec, project, intermediary)
    project.refresh_from_db()  # signing made it active
    providers = {org: user for (org, role), user in cast.items() if role == PartyRole.PROVIDER}
    participants = participants_enrol(spec, project, contract, providers, today, progress)
    cohorts = cohorts_create(project, contract, participants, intermediary)
    evaluators = [cast.get((org, PartyRole.EVALUATOR)) for org in spec.organisations("evaluator")]
    evaluator = next((u for u in evaluators if u is not None), None)
    counts = claims_make(
        spec, project, participants, cohorts, providers, evaluator, today, progress
    )
    funding_record(project, contract, intermediary, today)
    payments_make(project, contract, cast, intermediary, today, progress)
    by_status = Counter(Claim.objects.filter(project=project).values_list("status", flat=True))
    requests = Counter(
        PaymentRequest.objects.filter(project=project).values_list("status", flat=True)
    )
    progress(
        f"{spec.code}: {Party.objects.filter(project=project).count()} parties, "
        f"{len(participants)} participants, {len(cohorts)} cohorts; claims "
        + ", ".join(f"{s}: {n}" for s, n in sorted(by_status.items()))
        + f" ({counts['refused']} refused at submission); payment requests "
        + ", ".join(f"{s}: {n}" for s, n in sorted(requests.items()))
        + f"; {LedgerTransaction.objects.filter(project=project).count()} ledger transactions"
    )
    if created:
        progress(f"  users created: {', '.join(created)}")
    return project, created, counts


def _project_exists(spec: PilotSpec) -> bool:
    return Project.objects.filter(code__in={spec.code, spec.code.lower()}).exists()


def demo_pilots_load(progress: Progress = print) -> dict[str, int]:
    """Build the five pilots that are not there yet; counts of what was created."""
    today = timezone.localdate()
    counts: Counter[str] = Counter()
    with transaction.atomic():
        counts["organisations_created"] = organisations_ensure()
    projects: list[Project] = []
    for spec in PILOTS:
        if _project_exists(spec):
            counts["pilots_skipped"] += 1
            continue
        try:
            with transaction.atomic():
                project, created, made = _pilot_load(spec, today, progress)
        except ValidationError as error:
            progress(f"{spec.code} not loaded: {why(error)}")
            continue
        projects.append(project)
        counts["users_created"] += len(created)
        counts["claims_refused_at_submission"] += made["refused"]
        counts["results_not_achieved"] += made["not_achieved"]
    counts["projects"] = len(projects)
    counts["parties"] = Party.objects.filter(project__in=projects).count()
    participants = Participant.objects.filter(project__in=projects)
    counts["participants"] = participants.count()
    counts["comparison_group"] = participants.filter(comparison_group=True).count()
    counts["cohorts"] = Cohort.objects.filter(project__in=projects).count()
    claims = Claim.objects.filter(project__in=projects)
    for status in ClaimStatus.values:
        counts[f"claims_{status}"] = claims.filter(status=status).count()
    counts["disputes_open"] = Dispute.objects.filter(
        claim__project__in=projects, resolved_at=None
    ).count()
    requests = PaymentRequest.objects.filter(project__in=projects)
    for status in PaymentStatus.values:
        counts[f"payment_requests_{status}"] = requests.filter(status=status).count()
    counts["ledger_transactions"] = LedgerTransaction.objects.filter(project__in=projects).count()
    return dict(counts)
