"""Pages of the outcomes partnerships: the project list, the dashboard, participants and
enrolment, claims (list, submission with the pre-check, the claim page). Thin: parsing in
forms, rules in services, reads in selectors. The queues (verification, disputes,
approvals) are in ``views_queues.py``; money (payments, statements, investors,
scenarios) in ``views_money.py``.

Every page needs ``view_outcomes`` (403 otherwise) and a project the user's organisation
is party to (404 otherwise). Participants appear by code; a name only where
``selectors.participant_present`` allows it (the provider's staff), which logs the view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.forms import apply_service_errors
from saphan.core.http import signed_in_user
from saphan.outcomes import charts
from saphan.outcomes import forms as f
from saphan.outcomes.choices import (
    OPEN_CLAIM_STATUSES,
    ClaimStatus,
    PartyRole,
)
from saphan.outcomes.claims import claim_evidence_add, claim_submit
from saphan.outcomes.contracts import contract_of, current_version
from saphan.outcomes.enrolment import participant_enrol
from saphan.outcomes.models import Claim, Cohort, ContractVersion, Participant, Party, Project
from saphan.outcomes.reconcile import payer_figures_of
from saphan.outcomes.selectors import (
    participant_present,
    participants_list,
    project_dashboard,
    projects_list,
)
from saphan.people.models import Person
from saphan.people.selectors import masked_query, person_search

UNDECIDED = (*OPEN_CLAIM_STATUSES, ClaimStatus.QUERIED)
#: Who may open a claim's evidence files (they may show a person's documents).
EVIDENCE_ROLES = {PartyRole.PROVIDER, PartyRole.EVALUATOR, PartyRole.INTERMEDIARY}


# -- shared by the outcomes pages -------------------------------------------------------


def english() -> bool:
    return (get_language() or "th").startswith("en")


def project_or_404(request: HttpRequest, uid: Any) -> tuple[User, Project]:
    """The signed-in user and a project their organisation is party to."""
    user = signed_in_user(request)
    policy.require(user, policy.Action.VIEW_OUTCOMES)
    project = policy.get_visible_or_404(Project.objects.all(), user, request=request, uid=uid)
    return user, project


def roles_of(user: User, project: Project) -> set[str]:
    """The roles the user's organisation holds in the project."""
    if user.organisation_id is None:
        return set()
    return set(
        Party.objects.filter(
            project=project, organisation_id=user.organisation_id or 0, organisation__is_active=True
        ).values_list("role", flat=True)
    )


def acts_as(user: User, roles: set[str], role: str) -> bool:
    """The user's organisation holds ``role`` and the user's own role may act for it."""
    action = {
        PartyRole.PROVIDER: policy.Action.SUBMIT_OUTCOME_CLAIMS,
        PartyRole.EVALUATOR: policy.Action.VERIFY_OUTCOME_CLAIMS,
        PartyRole.PAYER: policy.Action.APPROVE_OUTCOME_PAYMENTS,
        PartyRole.INTERMEDIARY: policy.Action.MANAGE_OUTCOME_PROJECTS,
        PartyRole.INVESTOR: policy.Action.VIEW_OUTCOMES,
    }[PartyRole(role)]
    return role in roles and policy.can(user, action)


def require_acting(user: User, project: Project, role: str) -> set[str]:
    """403 unless the user acts for ``role`` in the project."""
    roles = roles_of(user, project)
    if not acts_as(user, roles, role):
        raise PermissionDenied(role)
    return roles


def _tabs(project: Project, user: User, roles: set[str]) -> list[tuple[str, str, str]]:
    def url(name: str) -> str:
        return reverse(f"outcomes:{name}", args=[project.uid])

    tabs = [
        ("project", url("project"), _("Dashboard")),
        ("claims", url("claims"), _("Claims")),
        ("participants", url("participants"), _("Participants")),
    ]
    if acts_as(user, roles, PartyRole.EVALUATOR):
        tabs.append(("verify_queue", url("verify_queue"), _("To verify")))
    tabs.append(("disputes", url("disputes"), _("Disputes")))
    if acts_as(user, roles, PartyRole.PAYER):
        tabs.append(("approvals", url("approvals"), _("To approve")))
    if acts_as(user, roles, PartyRole.INTERMEDIARY):
        tabs.append(("payments", url("payments"), _("Payments")))
    tabs.append(("statement", url("statement"), _("Statement")))
    if acts_as(user, roles, PartyRole.INVESTOR) or acts_as(user, roles, PartyRole.INTERMEDIARY):
        tabs.append(("investor", url("investor"), _("Investors")))
    tabs.append(("scenarios", url("scenarios"), _("Scenarios")))
    return tabs


def render_project(
    request: HttpRequest,
    template: str,
    user: User,
    project: Project,
    tab: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    roles = roles_of(user, project)
    base = {
        "project": project,
        "roles": roles,
        "role_labels": [PartyRole(r).label for r in sorted(roles)],
        "is_provider": acts_as(user, roles, PartyRole.PROVIDER),
        "is_evaluator": acts_as(user, roles, PartyRole.EVALUATOR),
        "is_payer": acts_as(user, roles, PartyRole.PAYER),
        "is_intermediary": acts_as(user, roles, PartyRole.INTERMEDIARY),
        "is_investor": acts_as(user, roles, PartyRole.INVESTOR),
        "tab": tab,
        "tabs": _tabs(project, user, roles),
    }
    return render(request, template, {**base, **context}, status=status)


def run_service(
    request: HttpRequest, form: forms.Form, apply: Callable[[dict[str, Any]], Any], done: str
) -> bool:
    """Validate ``form`` and call the service; its refusals go onto the form's fields
    (and, when no field of the form matches, into a message). True when saved."""
    if form.is_valid():
        try:
            apply(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            for error in form.non_field_errors():
                messages.error(request, str(error))
        else:
            messages.success(request, done)
            return True
    if not form.non_field_errors():
        messages.error(request, _("Not saved: check the form below."))
    return False


# -- the project list and dashboard --------------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    policy.require(user, policy.Action.VIEW_OUTCOMES)
    projects = list(projects_list(user=user))
    held: dict[int, list[str]] = {}
    if user.organisation_id is not None:
        for party in Party.objects.filter(
            project__in=projects, organisation_id=user.organisation_id
        ).order_by("role"):
            held.setdefault(party.project_id, []).append(str(PartyRole(party.role).label))
    rows = [(p, held.get(p.pk, [])) for p in projects]
    return render(request, "outcomes/list.html", {"rows": rows})


def _own_payer_codes(user: User, project: Project, roles: set[str]) -> set[str] | None:
    """A payer sees only its own requests (``policy.scope_payment_requests``); None: all."""
    if PartyRole.INTERMEDIARY in roles or policy.can(user, policy.Action.MANAGE_OUTCOME_PROJECTS):
        return None
    if getattr(user, "role", "") != "payer":
        return None
    return {
        p.code
        for p in Party.objects.filter(
            project=project, organisation_id=user.organisation_id or 0, role=PartyRole.PAYER
        ).select_related("organisation")
    }


def dashboard_charts(dash: Any, project: Project) -> dict[str, Any]:
    stages = [
        (_("Waiting"), sum(dash.claims_by_status.get(s, 0) for s in UNDECIDED)),
        (_("Accepted"), dash.claims_by_status.get(ClaimStatus.ACCEPTED, 0)),
        (_("Paid"), dash.claims_by_status.get(ClaimStatus.PAID, 0)),
        (_("Rejected"), dash.claims_by_status.get(ClaimStatus.REJECTED, 0)),
    ]
    ages = [(_("%(span)s days") % {"span": k}, n) for k, n in dash.open_by_age.items()]
    metric_bars = [
        charts.Bar(m.name_en if english() else m.name_th, m.paid_amount, m.cap)
        for m in dash.metrics
    ]
    money_bars = [
        charts.Bar(_("Requested"), dash.requested, dash.total_cap),
        charts.Bar(_("Approved"), dash.approved, dash.total_cap),
        charts.Bar(_("Paid"), dash.paid, dash.total_cap),
    ]
    payer_bars = [charts.Bar(code, amount, cap) for code, (amount, cap) in dash.payer_caps.items()]
    return {
        "stages": stages,
        "ages": ages,
        "stages_svg": charts.column_chart(
            stages, title=_("Claims by stage"), chart_id="chart-stages"
        ),
        "ages_svg": charts.column_chart(
            ages, title=_("Undecided claims by age"), chart_id="chart-ages", fill=charts.LIGHT
        ),
        "metrics_svg": charts.bar_chart(
            metric_bars,
            title=_("Paid per outcome metric against its cap"),
            chart_id="chart-metrics",
        ),
        "money_svg": charts.bar_chart(
            money_bars, title=_("Payments against the total cap"), chart_id="chart-money"
        ),
        "payers_svg": charts.bar_chart(
            payer_bars, title=_("Requested per payer against its cap"), chart_id="chart-payers"
        ),
    }


@login_required
def project_detail(request: HttpRequest, uid: Any) -> HttpResponse:
    user, project = project_or_404(request, uid)
    dash = project_dashboard(user=user, project=project)
    roles = roles_of(user, project)
    own = _own_payer_codes(user, project, roles)
    if own is not None:
        dash.payer_caps = {k: v for k, v in dash.payer_caps.items() if k in own}
    parties = Party.objects.filter(project=project).select_related("organisation")
    by_role = [(label, [p for p in parties if p.role == code]) for code, label in PartyRole.choices]
    versions = ContractVersion.objects.filter(project=project).order_by("-number")
    return render_project(
        request,
        "outcomes/project.html",
        user,
        project,
        "project",
        {
            "dash": dash,
            "by_role": by_role,
            "versions": versions,
            "current": current_version(project),
            # Payers and the intermediary see what the outcomes cost so far.
            "payer_figures": payer_figures_of(project=project, own=own)
            if roles & {PartyRole.PAYER, PartyRole.INTERMEDIARY}
            else None,
            **dashboard_charts(dash, project),
        },
    )


# -- participants and enrolment ------------------------------------------------------------


@login_required
def participants(request: HttpRequest, uid: Any) -> HttpResponse:
    user, project = project_or_404(request, uid)
    roles = roles_of(user, project)
    provider = acts_as(user, roles, PartyRole.PROVIDER)
    form = f.EnrolForm()
    if request.method == "POST":
        if not provider:
            raise PermissionDenied("submit_outcome_claims")
        form = f.EnrolForm(request.POST)
        person = None
        if form.is_valid():
            person = policy.get_visible_or_404(
                Person.objects.all(), user, request=request, uid=form.cleaned_data["person"]
            )

        def apply(d: dict[str, Any]) -> Any:
            assert person is not None
            return participant_enrol(
                user=user,
                project=project,
                person=person,
                comparison_group=d["comparison_group"],
                enrolled_on=d["enrolled_on"],
                request=request,
            )

        if run_service(request, form, apply, _("Enrolled.")):
            return redirect("outcomes:participants", uid=project.uid)
    qs = participants_list(user=user, project=project)
    page = Paginator(qs.select_related("person", "project"), 50).get_page(request.GET.get("page"))
    rows = [participant_present(participant=p, user=user, request=request) for p in page]
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="participant",
        detail={"project": project.code, "results": page.paginator.count},
    )
    q = request.GET.get("q", "").strip() if provider else ""
    found: list[Person] = []
    if q:
        result = person_search(user=user, q=q, limit=20)
        found = list(result.people)
        access_log_record(
            user=user,
            action=AccessAction.SEARCH,
            request=request,
            object_type="person",
            query=masked_query(q),
            detail={"purpose": "outcomes_enrolment", "results": result.total},
        )
    return render_project(
        request,
        "outcomes/participants.html",
        user,
        project,
        "participants",
        {"page": page, "rows": rows, "form": form, "q": q, "found": found},
        status=422 if request.method == "POST" else 200,
    )


# -- claims --------------------------------------------------------------------------------


def claim_or_404(request: HttpRequest, user: User, project: Project, claim_uid: Any) -> Claim:
    return policy.get_visible_or_404(
        Claim.objects.select_related(
            "project", "participant", "participant__person", "cohort", "organisation"
        ),
        user,
        request=request,
        uid=claim_uid,
        project=project,
    )


@login_required
def claim_list(request: HttpRequest, uid: Any) -> HttpResponse:
    user, project = project_or_404(request, uid)
    status = request.GET.get("status", "")
    if status not in ("", "undecided", *ClaimStatus.values):
        status = ""
    qs = Claim.objects.visible_to(user).filter(project=project)
    if status == "undecided":
        qs = qs.filter(status__in=UNDECIDED)
    elif status:
        qs = qs.filter(status=status)
    qs = qs.select_related("participant", "cohort").order_by("-submitted_at", "-pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render_project(
        request,
        "outcomes/claims.html",
        user,
        project,
        "claims",
        {"page": page, "status": status, "statuses": ClaimStatus.choices},
    )


def _claim_form_choices(project: Project, user: User) -> dict[str, list[tuple[str, str]]]:
    version = current_version(project)
    metrics = []
    if version is not None:
        metrics = [
            (m.code, f"{m.name_en if english() else m.name_th} ({m.code})")
            for m in contract_of(version).metrics
        ]
    people = (
        Participant.objects.visible_to(user)
        .filter(project=project, comparison_group=False, withdrawn_on__isnull=True)
        .order_by("code")
    )
    cohorts = Cohort.objects.filter(project=project).order_by("code")
    return {
        "participants": [(p.code, p.code) for p in people],
        "cohorts": [(c.code, f"{c.code} · {c.name}") for c in cohorts],
        "metrics": metrics,
    }


@login_required
def claim_new(request: HttpRequest, uid: Any) -> HttpResponse:
    """The provider claims an outcome with its evidence; the pre-check runs at once. A
    blocking problem is shown on its field and nothing is saved."""
    user, project = project_or_404(request, uid)
    require_acting(user, project, PartyRole.PROVIDER)
    choices = _claim_form_choices(project, user)
    if request.method != "POST":
        form = f.ClaimForm(initial={"achieved_on": timezone.localdate()}, **choices)
        return render_project(
            request, "outcomes/claim_new.html", user, project, "claims", {"form": form}
        )
    form = f.ClaimForm(request.POST, request.FILES, **choices)
    made: list[Claim] = []

    def apply(d: dict[str, Any]) -> Any:
        participant = cohort = None
        if d["participant"]:
            participant = policy.get_visible_or_404(
                Participant.objects.select_related("person"),
                user,
                request=request,
                code=d["participant"],
                project=project,
            )
        if d.get("cohort"):
            cohort = get_object_or_404(Cohort, project=project, code=d["cohort"])
        claim = claim_submit(
            user=user,
            project=project,
            metric=d["metric"],
            achieved_on=d["achieved_on"],
            participant=participant,
            cohort=cohort,
            value=d["value"],
            evidence=d["evidence"],
            note=d["note"],
            request=request,
        )
        made.append(claim)
        return claim

    if run_service(request, form, apply, _("Claim submitted: it passed the pre-check.")):
        return redirect("outcomes:claim", uid=project.uid, claim_uid=made[0].uid)
    return render_project(
        request, "outcomes/claim_new.html", user, project, "claims", {"form": form}, status=422
    )


def claim_context(
    request: HttpRequest, user: User, project: Project, claim: Claim, bound: dict[str, Any]
) -> dict[str, Any]:
    """The claim page: who (code, or the name where allowed), evidence, pre-check,
    verifications, disputes, and the forms the user's role may use now."""
    roles = roles_of(user, project)
    subject = None
    if claim.participant is not None:
        subject = participant_present(participant=claim.participant, user=user, request=request)
    undecided = claim.status in UNDECIDED
    open_dispute = claim.disputes.open().first()
    may_dispute = open_dispute is None and (
        (acts_as(user, roles, PartyRole.PROVIDER) and claim.status == ClaimStatus.REJECTED)
        or (
            claim.status == ClaimStatus.ACCEPTED
            and (
                acts_as(user, roles, PartyRole.PAYER)
                or acts_as(user, roles, PartyRole.INTERMEDIARY)
            )
        )
    )
    evaluator = acts_as(user, roles, PartyRole.EVALUATOR)
    context: dict[str, Any] = {
        "claim": claim,
        "subject": subject,
        "evidence": claim.evidence.order_by("uploaded_at", "pk"),
        "may_download": bool(roles & EVIDENCE_ROLES),
        "verifications": claim.verifications.select_related("organisation"),
        "disputes": claim.disputes.select_related("organisation").order_by("raised_at", "pk"),
        "open_dispute": open_dispute,
        "today": timezone.localdate(),
        "verify_form": f.VerifyForm() if evaluator and undecided and not open_dispute else None,
        "evidence_form": (
            f.EvidenceForm() if acts_as(user, roles, PartyRole.PROVIDER) and undecided else None
        ),
        "dispute_form": f.DisputeForm() if may_dispute else None,
        "resolve_form": f.ResolveForm() if evaluator and open_dispute else None,
    }
    context.update(bound)
    return context


def render_claim(
    request: HttpRequest,
    user: User,
    project: Project,
    claim: Claim,
    bound: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    context = claim_context(request, user, project, claim, bound or {})
    return render_project(
        request, "outcomes/claim.html", user, project, "claims", context, status=status
    )


@login_required
def claim_detail(request: HttpRequest, uid: Any, claim_uid: Any) -> HttpResponse:
    user, project = project_or_404(request, uid)
    claim = claim_or_404(request, user, project, claim_uid)
    access_log_record(
        user=user,
        action=AccessAction.VIEW,
        request=request,
        object_type="outcome_claim",
        object_id=str(claim.uid),
        detail={"project": project.code, "subject": claim.subject_code},
    )
    return render_claim(request, user, project, claim)


@login_required
@require_POST
def claim_evidence(request: HttpRequest, uid: Any, claim_uid: Any) -> HttpResponse:
    """The provider answers a query with more evidence (back to the evaluator)."""
    user, project = project_or_404(request, uid)
    claim = claim_or_404(request, user, project, claim_uid)
    require_acting(user, project, PartyRole.PROVIDER)
    form = f.EvidenceForm(request.POST, request.FILES)

    def apply(d: dict[str, Any]) -> Any:
        return claim_evidence_add(user=user, claim=claim, evidence=d["evidence"], note=d["note"])

    if run_service(
        request, form, apply, _("Evidence added: the claim is back with the evaluator.")
    ):
        return redirect("outcomes:claim", uid=project.uid, claim_uid=claim.uid)
    claim.refresh_from_db()
    return render_claim(request, user, project, claim, {"evidence_form": form}, status=422)


@login_required
def evidence_file(request: HttpRequest, uid: Any, claim_uid: Any, pk: int) -> FileResponse:
    """A claim's evidence file, through the policy layer (media is never served): for the
    provider, the evaluator and the intermediary."""
    user, project = project_or_404(request, uid)
    claim = claim_or_404(request, user, project, claim_uid)
    if not roles_of(user, project) & EVIDENCE_ROLES:
        raise PermissionDenied("evidence")
    evidence = get_object_or_404(claim.evidence, pk=pk)
    access_log_record(
        user=user,
        action=AccessAction.VIEW,
        request=request,
        object_type="outcome_evidence",
        object_id=str(evidence.pk),
        detail={"claim": str(claim.uid), "project": project.code},
    )
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=f"claim-{claim.short_id}-{evidence.pk}.{evidence.kind}",
    )
