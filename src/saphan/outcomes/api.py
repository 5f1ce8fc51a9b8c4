"""/api/v1/outcomes: projects, dashboard figures, contracts, participants (by code only,
never a name), claims and their verification, payment requests and their approval, and
the investor figures. Thin handlers over the services and selectors; every object goes
through ``visible_to(user)``. Money is a string with two decimals (``"12500.00"``).

Role refusals are 403, objects out of the user's projects 404, the services' refusals
422 with the message in English and Thai (the API's exception handlers).
"""

import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from saphan import policy
from saphan.accounts.models import User
from saphan.api.auth import api_user
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.errors import field_error
from saphan.outcomes.api_schemas import (
    ClaimDetailOut,
    ClaimIn,
    ClaimPage,
    ContractOut,
    DashboardOut,
    InvestorsOut,
    ParticipantPage,
    PaymentRequestOut,
    ProjectPage,
    VerifyIn,
)
from saphan.outcomes.choices import ClaimStatus, PartyRole
from saphan.outcomes.claims import claim_submit, claim_verify
from saphan.outcomes.contracts import current_version
from saphan.outcomes.models import (
    Claim,
    Cohort,
    ContractVersion,
    Participant,
    Party,
    PaymentRequest,
    Project,
)
from saphan.outcomes.payments import investor_figures_recorded, payment_request_approve
from saphan.outcomes.reconcile import investor_statement
from saphan.outcomes.selectors import project_dashboard, projects_list

router = Router(tags=["outcomes"])

# --- helpers ---------------------------------------------------------------------------------


def _m(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _user(request: HttpRequest) -> User:
    user = api_user(request)
    policy.require(user, policy.Action.VIEW_OUTCOMES)
    return user


def _project(request: HttpRequest, uid: uuid.UUID) -> tuple[User, Project]:
    user = _user(request)
    project = policy.get_visible_or_404(Project.objects.all(), user, request=request, uid=uid)
    return user, project


def _roles(user: User, project: Project) -> list[str]:
    if user.organisation_id is None:
        return []
    return sorted(
        set(
            Party.objects.filter(project=project, organisation_id=user.organisation_id or 0)
            .values_list("role", flat=True)
            .distinct()
        )
    )


def _project_out(project: Project, roles: list[str]) -> dict[str, Any]:
    return {
        "id": str(project.uid),
        "code": project.code,
        "name_th": project.name_th,
        "name_en": project.name_en,
        "status": project.status,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "roles": roles,
    }


def _version(version: ContractVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "signed_at": version.signed_at,
        "valid_from": version.valid_from,
        "reason": version.reason,
        "spec": version.spec,
    }


def _claim(claim: Claim) -> dict[str, Any]:
    return {
        "id": str(claim.uid),
        "project": claim.project.code,
        "participant": claim.participant.code if claim.participant else None,
        "cohort": claim.cohort.code if claim.cohort else None,
        "metric": claim.metric,
        "achieved_on": claim.achieved_on,
        "value": format(Decimal(claim.value).normalize(), "f"),
        "status": claim.status,
        "problems": [
            {"code": p.get("code", ""), "en": p.get("en", ""), "th": p.get("th", "")}
            for p in claim.problems
        ],
        "organisation": claim.organisation.code,
        "submitted_at": claim.submitted_at,
        "decided_at": claim.decided_at,
        "paid_at": claim.paid_at,
    }


def _claim_detail(claim: Claim) -> dict[str, Any]:
    return {
        **_claim(claim),
        "evidence": [
            {"kind": e.kind, "size": e.size, "uploaded_at": e.uploaded_at}
            for e in claim.evidence.order_by("uploaded_at", "pk")
        ],
        "verifications": [
            {
                "decision": v.decision,
                "reason": v.reason,
                "organisation": v.organisation.code,
                "at": v.at,
            }
            for v in claim.verifications.select_related("organisation")
        ],
        "disputes": [
            {
                "organisation": d.organisation.code,
                "reason": d.reason,
                "raised_at": d.raised_at,
                "due_on": d.due_on,
                "resolved_at": d.resolved_at,
                "outcome": d.outcome,
                "resolution": d.resolution,
            }
            for d in claim.disputes.select_related("organisation").order_by("raised_at", "pk")
        ],
    }


def _claims(user: User) -> Any:
    return Claim.objects.visible_to(user).select_related(
        "project", "participant", "cohort", "organisation"
    )


def _claim_or_404(request: HttpRequest, uid: uuid.UUID) -> tuple[User, Claim]:
    user = _user(request)
    return user, policy.get_visible_or_404(_claims(user), user, request=request, uid=uid)


def _payment(request: PaymentRequest) -> dict[str, Any]:
    return {
        "id": str(request.uid),
        "period": request.period,
        "payer": request.payer.code,
        "amount": _money(request.amount),
        "status": request.status,
        "lines": request.lines,
        "requested_at": request.requested_at,
        "approved_at": request.approved_at,
        "paid_on": request.paid_on,
    }


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, 200)), max(0, offset)


# --- projects --------------------------------------------------------------------------------


@router.get("/projects", response=ProjectPage, summary="Projects your organisation is party to")
def project_list(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    user = _user(request)
    limit, offset = _page(limit, offset)
    qs = projects_list(user=user)
    items = [_project_out(p, _roles(user, p)) for p in qs[offset : offset + limit]]
    return {"count": qs.count(), "items": items}


@router.get("/projects/{uid}", response=DashboardOut, summary="Dashboard figures")
def project_detail(request: HttpRequest, uid: uuid.UUID) -> dict[str, Any]:
    user, project = _project(request, uid)
    dash = project_dashboard(user=user, project=project)
    roles = _roles(user, project)
    payers = dash.payer_caps
    if getattr(user, "role", "") == "payer":  # a payer sees only its own requests
        mine = Party.objects.filter(project=project, role=PartyRole.PAYER)
        own = {
            p.code
            for p in mine.select_related("organisation")
            if p.organisation == user.organisation
        }
        payers = {k: v for k, v in payers.items() if k in own}
    return {
        "project": _project_out(project, roles),
        "enrolled": dash.enrolled,
        "comparison": dash.comparison,
        "withdrawn": dash.withdrawn,
        "claims_by_status": dash.claims_by_status,
        "metrics": [
            {
                "code": m.code,
                "name_th": m.name_th,
                "name_en": m.name_en,
                "unit": m.unit,
                "achieved": m.achieved,
                "paid": _money(m.paid_amount),
                "cap": _m(m.cap),
            }
            for m in dash.metrics
        ],
        "days_to_decision": None if dash.days_to_decision is None else str(dash.days_to_decision),
        "days_to_payment": None if dash.days_to_payment is None else str(dash.days_to_payment),
        "open_by_age": dash.open_by_age,
        "requested": _money(dash.requested),
        "approved": _money(dash.approved),
        "paid": _money(dash.paid),
        "total_cap": _m(dash.total_cap),
        "payers": [
            {"payer": code, "requested": _money(amount), "cap": _m(cap)}
            for code, (amount, cap) in payers.items()
        ],
        "open_disputes": dash.open_disputes,
        "overdue_disputes": dash.overdue_disputes,
    }


@router.get("/projects/{uid}/contract", response=ContractOut, summary="The signed contract")
def project_contract(request: HttpRequest, uid: uuid.UUID) -> dict[str, Any]:
    _who, project = _project(request, uid)
    current = current_version(project)
    signed = ContractVersion.objects.signed().filter(project=project).order_by("-number")
    return {
        "current": _version(current) if current is not None else None,
        "signed": [_version(v) for v in signed],
    }


@router.get(
    "/projects/{uid}/participants",
    response=ParticipantPage,
    summary="Participants by pseudonymous code (never a name)",
)
def participant_list(
    request: HttpRequest, uid: uuid.UUID, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    user, project = _project(request, uid)
    limit, offset = _page(limit, offset)
    qs = Participant.objects.visible_to(user).filter(project=project).order_by("code")
    total = qs.count()
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="participant",
        detail={"project": project.code, "results": total},
    )
    items = [
        {
            "code": p.code,
            "enrolled_on": p.enrolled_on,
            "comparison_group": p.comparison_group,
            "withdrawn_on": p.withdrawn_on,
        }
        for p in qs[offset : offset + limit]
    ]
    return {"count": total, "items": items}


# --- claims ----------------------------------------------------------------------------------


@router.get("/projects/{uid}/claims", response=ClaimPage, summary="Claims of a project")
def claim_list(
    request: HttpRequest,
    uid: uuid.UUID,
    status: str = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    user, project = _project(request, uid)
    limit, offset = _page(limit, offset)
    if status and status not in ClaimStatus.values:
        raise field_error("status", _("Unknown value “%(value)s”."), value=status)
    qs = _claims(user).filter(project=project).order_by("-submitted_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    return {"count": qs.count(), "items": [_claim(c) for c in qs[offset : offset + limit]]}


@router.post(
    "/projects/{uid}/claims",
    response={201: ClaimDetailOut},
    summary="Claim an outcome (the pre-check runs at once)",
)
def claim_create(request: HttpRequest, uid: uuid.UUID, payload: ClaimIn) -> Status:
    user, project = _project(request, uid)
    participant = cohort = None
    if payload.participant:
        participant = (
            Participant.objects.visible_to(user)
            .filter(project=project, code=payload.participant)
            .first()
        )
        if participant is None:
            raise field_error("participant", _("No participant with this code in the project."))
    if payload.cohort:
        cohort = Cohort.objects.filter(project=project, code=payload.cohort).first()
        if cohort is None:
            raise field_error("cohort", _("No cohort with this code in the project."))
    claim = claim_submit(
        user=user,
        project=project,
        metric=payload.metric,
        achieved_on=payload.achieved_on,
        participant=participant,
        cohort=cohort,
        value=payload.value,
        note=payload.note,
        request=request,
    )
    return Status(201, _claim_detail(claim))


@router.get("/claims/{uid}", response=ClaimDetailOut, summary="A claim with its history")
def claim_detail(request: HttpRequest, uid: uuid.UUID) -> dict[str, Any]:
    user, claim = _claim_or_404(request, uid)
    access_log_record(
        user=user,
        action=AccessAction.VIEW,
        request=request,
        object_type="outcome_claim",
        object_id=str(claim.uid),
        detail={"project": claim.project.code, "subject": claim.subject_code},
    )
    return _claim_detail(claim)


@router.post(
    "/claims/{uid}/verify",
    response=ClaimDetailOut,
    summary="The evaluator accepts, rejects or queries a claim",
)
def claim_verify_api(request: HttpRequest, uid: uuid.UUID, payload: VerifyIn) -> dict[str, Any]:
    user, claim = _claim_or_404(request, uid)
    claim_verify(
        user=user,
        claim=claim,
        decision=payload.decision.value,
        reason=payload.reason,
        request=request,
    )
    claim.refresh_from_db()
    return _claim_detail(claim)


# --- payments and investors ------------------------------------------------------------------


@router.get(
    "/projects/{uid}/payments",
    response=list[PaymentRequestOut],
    summary="Payment requests (a payer sees those addressed to it)",
)
def payment_list(request: HttpRequest, uid: uuid.UUID) -> list[dict[str, Any]]:
    user, project = _project(request, uid)
    qs = (
        PaymentRequest.objects.visible_to(user)
        .filter(project=project)
        .select_related("payer__organisation")
        .order_by("period", "payer__organisation__code")
    )
    return [_payment(r) for r in qs]


@router.post(
    "/payments/{uid}/approve",
    response=PaymentRequestOut,
    summary="The payer approves a payment request addressed to it",
)
def payment_approve(request: HttpRequest, uid: uuid.UUID) -> dict[str, Any]:
    user = _user(request)
    payment = policy.get_visible_or_404(
        PaymentRequest.objects.select_related("project", "payer__organisation"),
        user,
        request=request,
        uid=uid,
    )
    return _payment(payment_request_approve(user=user, request=payment))


def _peak(flows: Any) -> Decimal:
    outstanding = peak = Decimal("0.00")
    for flow in flows:
        if flow.kind in ("drawdown", "principal"):
            outstanding -= flow.amount
        peak = max(peak, outstanding)
    return peak


@router.get(
    "/projects/{uid}/investor",
    response=InvestorsOut,
    summary="Investor figures: your organisation's (the intermediary: every investor's)",
)
def investor_figures(request: HttpRequest, uid: uuid.UUID) -> dict[str, Any]:
    user, project = _project(request, uid)
    parties = Party.objects.filter(project=project, role=PartyRole.INVESTOR).select_related(
        "organisation"
    )
    intermediary = PartyRole.INTERMEDIARY in _roles(user, project) and policy.can(
        user, policy.Action.MANAGE_OUTCOME_PROJECTS
    )
    if not intermediary:
        parties = parties.filter(organisation_id=user.organisation_id or 0)
    readable = list(parties.order_by("organisation__code"))
    if not readable:
        raise PermissionDenied("investor")
    recorded = investor_figures_recorded(project)
    shares = {s.investor: s for s in recorded.investors}
    out = []
    for party in readable:
        figures = investor_statement(user=user, project=project, party=party)
        share = shares.get(party.code)
        flows = share.cash_flows if share else ()
        out.append(
            {
                "investor": party.code,
                "committed": _money(figures.committed),
                "drawn": _money(figures.drawn),
                "principal_repaid": _money(figures.principal_repaid),
                "return_paid": _money(figures.return_paid),
                "multiple": None if figures.multiple is None else str(figures.multiple),
                "irr": None if figures.irr is None else f"{figures.irr:.6f}",
                "peak_capital": _money(_peak(flows)),
                "cash_flows": [
                    {"on": f.on, "amount": _money(f.amount), "kind": f.kind} for f in flows
                ],
                "ledger": [
                    {
                        "date": line.date,
                        "description": line.description,
                        "debit": _money(line.debit),
                        "credit": _money(line.credit),
                    }
                    for line in figures.statement.lines
                ],
            }
        )
    return {"investors": out}
