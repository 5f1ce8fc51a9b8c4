"""Reads for the outcomes pages and API: participants as each party may see them, the
queues (verification, approval, disputes) and the project dashboard figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.utils import timezone

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.outcomes.checks import money_sum, participant_access_record
from saphan.outcomes.choices import (
    OPEN_CLAIM_STATUSES,
    ClaimStatus,
    PartyRole,
    PaymentStatus,
)
from saphan.outcomes.contracts import contract_of, current_version
from saphan.outcomes.models import Claim, Dispute, Participant, PaymentRequest, Project

ZERO = Decimal("0.00")


def projects_list(*, user: User) -> QuerySet[Project]:
    return Project.objects.visible_to(user).order_by("code")


def participants_list(*, user: User, project: Project) -> QuerySet[Participant]:
    return Participant.objects.visible_to(user).filter(project=project).order_by("code")


@dataclass(frozen=True)
class ParticipantView:
    code: str
    enrolled_on: dt.date
    comparison_group: bool
    withdrawn_on: dt.date | None
    #: Only for the provider's staff who may see the person in the registry.
    name: str | None = None
    person_uid: str | None = None

    @property
    def identity_visible(self) -> bool:
        return self.name is not None


def participant_present(
    *, participant: Participant, user: User, request: Any = None, log: bool = True
) -> ParticipantView:
    """The participant as ``user`` may see them: the pseudonymous code for every party,
    the name only for a provider's staff who may see the person in the registry (and
    then a ``view`` row goes to the access log, by code, never by name)."""
    if not Participant.objects.visible_to(user).filter(pk=participant.pk).exists():
        raise PermissionDenied("out_of_scope")
    base = ParticipantView(
        code=participant.code,
        enrolled_on=participant.enrolled_on,
        comparison_group=participant.comparison_group,
        withdrawn_on=participant.withdrawn_on,
    )
    if not policy.participant_identity_visible(user, participant):
        return base
    if log:
        participant_access_record(
            user=user,
            participant=participant,
            action=AccessAction.VIEW,
            request=request,
            detail={"project": participant.project.code},
        )
    person = participant.person
    return dataclasses.replace(base, name=person.full_name, person_uid=str(person.uid))


# -- queues ----------------------------------------------------------------------------


def verification_queue(*, user: User, project: Project | None = None) -> QuerySet[Claim]:
    """Claims waiting for this evaluator, oldest first: in projects where the user's
    organisation is the evaluator (and no provider), never the user's own claims."""
    if not policy.can(user, policy.Action.VERIFY_OUTCOME_CLAIMS):
        return Claim.objects.none()
    evaluating = policy.outcome_party_project_ids(user, PartyRole.EVALUATOR)
    providing = policy.outcome_party_project_ids(user, PartyRole.PROVIDER)
    claims = (
        Claim.objects.visible_to(user)
        .filter(project_id__in=evaluating, status__in=(*OPEN_CLAIM_STATUSES, ClaimStatus.QUERIED))
        .exclude(project_id__in=providing)
        .exclude(submitted_by=user)
        .select_related("project", "participant", "cohort")
        .order_by("submitted_at", "pk")
    )
    return claims.filter(project=project) if project is not None else claims


def approval_queue(*, user: User, project: Project | None = None) -> QuerySet[PaymentRequest]:
    """Payment requests sent to the user's organisation as payer, oldest first."""
    if not policy.can(user, policy.Action.APPROVE_OUTCOME_PAYMENTS):
        return PaymentRequest.objects.none()
    requests = (
        PaymentRequest.objects.visible_to(user)
        .filter(status=PaymentStatus.REQUESTED, payer__organisation=user.organisation)
        .select_related("project", "payer__organisation")
        .order_by("requested_at", "pk")
    )
    return requests.filter(project=project) if project is not None else requests


def dispute_queue(*, user: User, project: Project | None = None) -> QuerySet[Dispute]:
    """Open disputes of the user's projects, the earliest deadline first."""
    disputes = (
        Dispute.objects.visible_to(user)
        .open()
        .select_related("claim__project", "claim__participant", "organisation")
        .order_by("due_on", "pk")
    )
    return disputes.filter(claim__project=project) if project is not None else disputes


# -- the dashboard ---------------------------------------------------------------------


@dataclass
class MetricProgress:
    code: str
    name_th: str
    name_en: str
    unit: str
    achieved: int
    paid_amount: Decimal
    cap: Decimal | None


@dataclass
class Dashboard:
    enrolled: int
    comparison: int
    withdrawn: int
    claims_by_status: dict[str, int]
    metrics: list[MetricProgress]
    #: Mean days from submission to decision and from decision to payment.
    days_to_decision: Decimal | None
    days_to_payment: Decimal | None
    #: Undecided claims by age: "0-14", "15-30", "31-60", "61+" days.
    open_by_age: dict[str, int]
    requested: Decimal
    approved: Decimal
    paid: Decimal
    total_cap: Decimal | None
    payer_caps: dict[str, tuple[Decimal, Decimal | None]] = field(default_factory=dict)
    open_disputes: int = 0
    overdue_disputes: int = 0


def _mean_days(pairs: list[tuple[Any, Any]]) -> Decimal | None:
    days = [(b - a).total_seconds() / 86400 for a, b in pairs if a and b]
    if not days:
        return None
    return Decimal(str(round(sum(days) / len(days), 1)))


def project_dashboard(*, user: User, project: Project) -> Dashboard:
    """Progress, claims ageing and payments against caps, for any party of the project
    (codes and counts only: no personal data)."""
    if not Project.objects.visible_to(user).filter(pk=project.pk).exists():
        raise PermissionDenied("out_of_scope")
    now = timezone.now()
    participants = Participant.objects.filter(project=project)
    claims = Claim.objects.filter(project=project)
    by_status = {s: 0 for s in ClaimStatus.values}
    for row in claims.values("status").annotate(n=Count("id")):
        by_status[row["status"]] = row["n"]
    version = current_version(project)
    contract = contract_of(version) if version is not None else None
    requests = PaymentRequest.objects.filter(project=project)
    paid_lines: dict[str, Decimal] = {}
    for request in requests.filter(status=PaymentStatus.PAID):
        for line in request.lines:
            metric = line.get("metric") or ""
            paid_lines[metric] = paid_lines.get(metric, ZERO) + Decimal(line["amount"])
    achieved = dict(
        claims.filter(status__in=(ClaimStatus.ACCEPTED, ClaimStatus.PAID))
        .values_list("metric")
        .annotate(n=Count("id"))
        .values_list("metric", "n")
    )
    per_metric_caps = contract.caps.per_metric if contract else {}
    metrics = [
        MetricProgress(
            m.code,
            m.name_th,
            m.name_en,
            m.unit,
            achieved.get(m.code, 0),
            paid_lines.get(m.code, ZERO),
            per_metric_caps.get(m.code),
        )
        for m in (contract.metrics if contract else ())
    ]
    decided = list(claims.exclude(decided_at=None).values_list("submitted_at", "decided_at"))
    paid = list(claims.exclude(paid_at=None).values_list("decided_at", "paid_at"))
    buckets = {"0-14": 0, "15-30": 0, "31-60": 0, "61+": 0}
    for submitted in claims.filter(
        status__in=(*OPEN_CLAIM_STATUSES, ClaimStatus.QUERIED)
    ).values_list("submitted_at", flat=True):
        age = (now - submitted).days
        key = "0-14" if age <= 14 else "15-30" if age <= 30 else "31-60" if age <= 60 else "61+"
        buckets[key] += 1

    def total(*statuses: str) -> Decimal:
        return money_sum(requests.filter(status__in=statuses), "amount")

    payer_caps = {}
    for request_payer in requests.values("payer").distinct():
        rows = requests.filter(payer_id=request_payer["payer"]).select_related(
            "payer__organisation"
        )
        first = rows.first()
        if first is None:
            continue
        code = first.payer.code
        cap = contract.caps.per_payer.get(code) if contract else None
        payer_caps[code] = (money_sum(rows, "amount"), cap)
    disputes = Dispute.objects.filter(claim__project=project).open()
    return Dashboard(
        enrolled=participants.filter(comparison_group=False).count(),
        comparison=participants.filter(comparison_group=True).count(),
        withdrawn=participants.exclude(withdrawn_on=None).count(),
        claims_by_status=by_status,
        metrics=metrics,
        days_to_decision=_mean_days(decided),
        days_to_payment=_mean_days(paid),
        open_by_age=buckets,
        requested=total(PaymentStatus.REQUESTED, PaymentStatus.APPROVED, PaymentStatus.PAID),
        approved=total(PaymentStatus.APPROVED, PaymentStatus.PAID),
        paid=total(PaymentStatus.PAID),
        total_cap=contract.caps.total if contract else None,
        payer_caps=payer_caps,
        open_disputes=disputes.count(),
        overdue_disputes=disputes.filter(due_on__lt=timezone.localdate()).count(),
    )
