"""Outcome claims: the provider submits, the intermediary's pre-check (the engine) runs at
once, the independent evaluator decides, and a decision can be disputed.

Separation of duties: nobody from a provider organisation of the project can verify,
and nobody can verify a claim they submitted. A claim with a blocking pre-check problem
(outside its window, a missing prerequisite, an outcome already paid…) is refused with
the reason and nothing is saved; a cap that cuts the payment is kept as a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.outcomes.checks import (
    Errors,
    is_provider_organisation,
    participant_access_record,
    require_action,
    require_party,
    require_project_open,
    text,
)
from saphan.outcomes.choices import (
    OPEN_CLAIM_STATUSES,
    ClaimStatus,
    Decision,
    DisputeOutcome,
    PartyRole,
)
from saphan.outcomes.contracts import (
    contract_of,
    counted_results,
    require_current_version,
    result_of,
)
from saphan.outcomes.models import (
    Claim,
    ClaimEvidence,
    Cohort,
    Dispute,
    Participant,
    Project,
    Verification,
)

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 10
_EVIDENCE_MAGIC = {b"%PDF": "pdf", b"\x89PNG": "png", b"\xff\xd8\xff": "jpg"}
DISPUTE_DAYS = 30
#: Which field a pre-check problem belongs to, for the form.
_PROBLEM_FIELD = {
    "outside_contract": "achieved_on",
    "outside_window": "achieved_on",
    "achieved_before_enrolment": "achieved_on",
    "not_enrolled": "participant",
    "wrong_unit": "metric",
    "unknown_metric": "metric",
    "prerequisite_missing": "metric",
    "already_paid": "metric",
    "not_achieved": "value",
    "missing_comparison": "value",
    "threshold_not_met": "value",
    "reference_zero": "value",
}
PROVIDER_CANNOT_VERIFY = _(
    "Separation of duties: staff of a service provider of this project cannot verify its claims."
)
OWN_CLAIM = _("Separation of duties: you submitted this claim, so someone else must verify it.")


# -- evidence --------------------------------------------------------------------------


def _evidence_kind(evidence: UploadedFile) -> str:
    head = evidence.read(8)
    evidence.seek(0)
    return next((kind for magic, kind in _EVIDENCE_MAGIC.items() if head.startswith(magic)), "")


def _check_evidence(errors: Errors, files: Sequence[UploadedFile]) -> None:
    if len(files) > EVIDENCE_MAX_FILES:
        errors.add("evidence", _("Attach at most %(max)s files."), max=EVIDENCE_MAX_FILES)
    for evidence in files:
        if (evidence.size or 0) > EVIDENCE_MAX_BYTES:
            errors.add("evidence", _("%(name)s is larger than 10 MB."), name=evidence.name)
        elif not _evidence_kind(evidence):
            errors.add(
                "evidence",
                _("%(name)s: only PDF, PNG or JPEG files can be attached."),
                name=evidence.name,
            )


def _save_evidence(claim: Claim, files: Sequence[UploadedFile], user: User) -> None:
    for index, evidence in enumerate(files):
        kind = _evidence_kind(evidence)
        row = ClaimEvidence(claim=claim, kind=kind, size=evidence.size or 0, uploaded_by=user)
        row.file.save(f"claim-{claim.uid}-{index}.{kind}", evidence, save=False)
        row.save()


# -- the pre-check ---------------------------------------------------------------------


def _add_problems(errors: Errors, problems: Sequence[Any]) -> list[dict[str, Any]]:
    """Blocking problems become field errors; the others are kept as warnings."""
    warnings = []
    for found in problems:
        if found.blocking:
            errors.add(_PROBLEM_FIELD.get(found.code, "claim"), found.message, **found.params)
        else:
            warnings.append(found.as_dict())
    return warnings


def claim_precheck_run(claim: Claim, *, errors: Errors) -> list[dict[str, Any]]:
    """Run the engine's pre-check of ``claim`` against the claims accepted so far."""
    from saphan.outcomes.engine.precheck import claim_precheck

    contract = contract_of(claim.contract_version)
    accepted = counted_results(claim.project, exclude=claim)
    return _add_problems(errors, claim_precheck(contract, result_of(claim), accepted))


def _value(errors: Errors, value: Any) -> Decimal:
    if isinstance(value, float):
        errors.add("value", _("Give the value as a Decimal or a string, not a float."))
        return Decimal(0)
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        errors.add("value", _("Not a number: %(value)s."), value=value)
        return Decimal(0)
    if not number.is_finite() or number < 0:
        errors.add("value", _("The value cannot be negative."))
    return number


@transaction.atomic
def claim_submit(
    *,
    user: User,
    project: Project,
    metric: str,
    achieved_on: dt.date,
    participant: Participant | None = None,
    cohort: Cohort | None = None,
    value: Decimal | int | str = 1,
    comparison: Decimal | int | str | None = None,
    evidence: Sequence[UploadedFile] = (),
    note: str = "",
    request: Any = None,
) -> Claim:
    """The provider claims an outcome; the pre-check runs at once. Refused (nothing
    saved) when a rule blocks it; a cap that cuts it is stored as a warning."""
    require_action(user, policy.Action.SUBMIT_OUTCOME_CLAIMS)
    provider = require_party(user, project, PartyRole.PROVIDER)
    require_project_open(project)
    version = require_current_version(project)
    errors = Errors()
    number = _value(errors, value)
    compared = _value(errors, comparison) if comparison not in (None, "") else None
    if compared is not None and participant is not None:
        errors.add("comparison", _("A comparison value belongs to a cohort claim."))
    if (participant is None) == (cohort is None):
        errors.add("participant", _("Claim for one participant or for one cohort."))
    if participant is not None:
        if participant.project_id != project.pk:
            errors.add("participant", _("This participant is not enrolled in the project."))
        elif participant.comparison_group:
            errors.add(
                "participant",
                _("%(code)s is in the comparison group: no outcome is paid for them."),
                code=participant.code,
            )
        elif participant.withdrawn_on is not None and achieved_on > participant.withdrawn_on:
            errors.add(
                "achieved_on",
                _("%(code)s left the project on %(date)s."),
                code=participant.code,
                date=participant.withdrawn_on,
            )
    if cohort is not None and cohort.project_id != project.pk:
        errors.add("cohort", _("This cohort belongs to another project."))
    if achieved_on > timezone.localdate():
        errors.add("achieved_on", _("This date is in the future."))
    note = text(errors, "note", note)
    _check_evidence(errors, evidence)
    contract = contract_of(version)
    spec_metric = contract.metric(metric)
    if spec_metric is not None and spec_metric.once_per_participant and participant is not None:
        waiting = Claim.objects.filter(
            participant=participant,
            metric=metric,
            status__in=(*OPEN_CLAIM_STATUSES, ClaimStatus.QUERIED),
        ).first()
        if waiting is not None:
            errors.add(
                "metric",
                _(
                    "A claim for %(metric)s for %(code)s is already waiting for verification "
                    "(%(claim)s)."
                ),
                metric=metric,
                code=participant.code,
                claim=waiting.short_id,
            )
    claim = Claim(
        project=project,
        contract_version=version,
        participant=participant,
        cohort=cohort,
        metric=metric,
        achieved_on=achieved_on,
        value=number,
        comparison=compared,
        note=note,
        organisation=provider.organisation,
        submitted_by=user,
    )
    warnings: list[dict[str, Any]] = []
    if not errors.items:
        warnings = claim_precheck_run(claim, errors=errors)
    errors.raise_if_any()
    claim.status = ClaimStatus.PRECHECKED
    claim.problems = warnings
    claim.prechecked_at = timezone.now()
    claim.save()
    _save_evidence(claim, evidence, user)
    if participant is not None:
        participant_access_record(
            user=user,
            participant=participant,
            action=AccessAction.CREATE,
            request=request,
            detail={"event": "claim_submitted", "claim": str(claim.uid), "metric": metric},
        )
    return claim


@transaction.atomic
def claim_evidence_add(
    *, user: User, claim: Claim, evidence: Sequence[UploadedFile], note: str = ""
) -> Claim:
    """The provider answers a query with more evidence; the claim goes back to the
    evaluator (pre-checked again)."""
    require_action(user, policy.Action.SUBMIT_OUTCOME_CLAIMS)
    require_party(user, claim.project, PartyRole.PROVIDER)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    errors = Errors()
    if claim.status not in (*OPEN_CLAIM_STATUSES, ClaimStatus.QUERIED):
        errors.add("claim", _("This claim has been decided: evidence can no longer be added."))
    if not evidence:
        errors.add("evidence", _("Attach at least one file."))
    _check_evidence(errors, evidence)
    note = text(errors, "note", note)
    warnings = claim_precheck_run(claim, errors=errors) if not errors.items else []
    errors.raise_if_any()
    _save_evidence(claim, evidence, user)
    if note:
        claim.note = f"{claim.note}\n\n{note}".strip()
    claim.status = ClaimStatus.PRECHECKED
    claim.problems = warnings
    claim.prechecked_at = timezone.now()
    claim.save(update_fields=["note", "status", "problems", "prechecked_at"])
    return claim


# -- verification ----------------------------------------------------------------------


def _require_evaluator(user: User, claim: Claim) -> None:
    """The evaluator party's staff, never a provider's staff, never the submitter."""
    require_action(user, policy.Action.VERIFY_OUTCOME_CLAIMS)
    if not Claim.objects.visible_to(user).filter(pk=claim.pk).exists():
        raise PermissionDenied("out_of_scope")
    require_party(user, claim.project, PartyRole.EVALUATOR)
    if is_provider_organisation(claim.project, user.organisation_id):
        raise ValidationError(
            {"verifier": ValidationError(PROVIDER_CANNOT_VERIFY, code="separation_of_duties")}
        )
    if claim.submitted_by_id == user.pk or claim.organisation_id == user.organisation_id:
        raise ValidationError({"verifier": ValidationError(OWN_CLAIM, code="separation_of_duties")})


def _decide(claim: Claim, user: User, decision: str, reason: str) -> Verification:
    assert user.organisation is not None
    verification = Verification.objects.create(
        claim=claim,
        verifier=user,
        organisation=user.organisation,
        decision=decision,
        reason=reason,
    )
    claim.status = {
        Decision.ACCEPT: ClaimStatus.ACCEPTED,
        Decision.REJECT: ClaimStatus.REJECTED,
        Decision.QUERY: ClaimStatus.QUERIED,
    }[Decision(decision)]
    claim.decided_at = verification.at
    claim.save(update_fields=["status", "decided_at", "problems"])
    return verification


@transaction.atomic
def claim_verify(
    *, user: User, claim: Claim, decision: str, reason: str, request: Any = None
) -> Verification:
    """The evaluator accepts, rejects or queries a claim, always with a reason. On accept
    the pre-check runs again against what has been accepted since."""
    _require_evaluator(user, claim)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    errors = Errors()
    if decision not in Decision.values:
        errors.add("decision", _("Accept, reject or query the claim."))
    if claim.status not in (*OPEN_CLAIM_STATUSES, ClaimStatus.QUERIED):
        errors.add(
            "claim",
            _("This claim has already been decided (%(status)s)."),
            status=ClaimStatus(claim.status).label,
        )
    if claim.disputes.open().exists():
        errors.add("claim", _("This claim has an open dispute: resolve the dispute instead."))
    reason = text(errors, "reason", reason, required=_("Give the reason for the decision."))
    if decision == Decision.ACCEPT and not errors.items:
        claim.problems = claim_precheck_run(claim, errors=errors)
    errors.raise_if_any()
    verification = _decide(claim, user, decision, reason)
    if claim.participant is not None:
        participant_access_record(
            user=user,
            participant=claim.participant,
            action=AccessAction.UPDATE,
            request=request,
            detail={"event": f"claim_{decision}", "claim": str(claim.uid)},
        )
    return verification


# -- disputes --------------------------------------------------------------------------


@transaction.atomic
def dispute_open(
    *, user: User, claim: Claim, reason: str, due_on: dt.date | None = None
) -> Dispute:
    """A party disputes the evaluator's decision: the provider a rejection, the payer or
    the intermediary an acceptance (before payment). Open disputes hold the claim back
    from payment requests."""
    if not Claim.objects.visible_to(user).filter(pk=claim.pk).exists():
        raise PermissionDenied("out_of_scope")
    roles = []
    if policy.can(user, policy.Action.SUBMIT_OUTCOME_CLAIMS):
        roles.append(PartyRole.PROVIDER)
    if policy.can(user, policy.Action.APPROVE_OUTCOME_PAYMENTS):
        roles.append(PartyRole.PAYER)
    if policy.can(user, policy.Action.MANAGE_OUTCOME_PROJECTS):
        roles.append(PartyRole.INTERMEDIARY)
    if not roles:
        raise PermissionDenied("dispute")
    party = require_party(user, claim.project, *roles)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    errors = Errors()
    allowed = (
        (ClaimStatus.REJECTED,) if party.role == PartyRole.PROVIDER else (ClaimStatus.ACCEPTED,)
    )
    if claim.status not in allowed:
        errors.add(
            "claim",
            _("A claim that is %(status)s cannot be disputed by this party."),
            status=ClaimStatus(claim.status).label,
        )
    if claim.disputes.open().exists():
        errors.add("claim", _("This claim already has an open dispute."))
    reason = text(errors, "reason", reason, required=_("Say what is disputed and why."))
    today = timezone.localdate()
    due_on = due_on or today + dt.timedelta(days=DISPUTE_DAYS)
    if due_on < today:
        errors.add("due_on", _("This date is in the past."))
    errors.raise_if_any()
    assert user.organisation is not None
    return Dispute.objects.create(
        claim=claim, raised_by=user, organisation=user.organisation, reason=reason, due_on=due_on
    )


@transaction.atomic
def dispute_resolve(*, user: User, dispute: Dispute, outcome: str, resolution: str) -> Dispute:
    """The evaluator resolves a dispute: the decision is upheld, or overturned (a new
    verification flips the claim between accepted and rejected)."""
    _require_evaluator(user, dispute.claim)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    claim = Claim.objects.select_for_update().get(pk=dispute.claim_id)
    errors = Errors()
    if dispute.resolved_at is not None:
        errors.add("dispute", _("This dispute has already been resolved."))
    if outcome not in DisputeOutcome.values:
        errors.add("outcome", _("Uphold or overturn the decision."))
    resolution = text(errors, "resolution", resolution, required=_("Explain the resolution."))
    flip = outcome == DisputeOutcome.OVERTURNED
    decision = Decision.REJECT if claim.status == ClaimStatus.ACCEPTED else Decision.ACCEPT
    if flip and claim.status not in (ClaimStatus.ACCEPTED, ClaimStatus.REJECTED):
        errors.add("claim", _("Only an accepted or rejected claim can be overturned."))
    if flip and decision == Decision.ACCEPT and not errors.items:
        claim.problems = claim_precheck_run(claim, errors=errors)
    errors.raise_if_any()
    dispute.resolved_at = timezone.now()
    dispute.resolved_by = user
    dispute.outcome = outcome
    dispute.resolution = resolution
    dispute.save(update_fields=["resolved_at", "resolved_by", "outcome", "resolution"])
    if flip:
        _decide(claim, user, decision, f"{_('Dispute')}: {resolution}")
    return dispute
