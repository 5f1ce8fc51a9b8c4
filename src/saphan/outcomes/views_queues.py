"""The queues: the evaluator's verification queue, disputes ordered by deadline, and the
payer's approval queue, with the forms that work them. Separation of duties is the
service's: its refusal (with the reason) is shown as a message and on the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saphan import policy
from saphan.core.http import signed_in_user
from saphan.outcomes import forms as f
from saphan.outcomes.choices import PartyRole, PaymentStatus
from saphan.outcomes.claims import claim_verify, dispute_open, dispute_resolve
from saphan.outcomes.models import Dispute, PaymentRequest
from saphan.outcomes.payments import payment_request_approve
from saphan.outcomes.selectors import approval_queue, dispute_queue, verification_queue
from saphan.outcomes.views import (
    claim_or_404,
    project_or_404,
    render_claim,
    render_project,
    require_acting,
    run_service,
)


def _back(request: HttpRequest, default: str, **kwargs: Any) -> HttpResponse:
    """Back to the queue the form was on (``next=queue``), else to ``default``."""
    target = request.POST.get("next", "")
    names = {"queue": "outcomes:verify_queue", "disputes": "outcomes:disputes"}
    if target in names:
        return redirect(names[target], uid=kwargs["uid"])
    return redirect(default, **kwargs)


# -- verification ----------------------------------------------------------------------------


@login_required
def verify_queue(request: HttpRequest, uid: Any) -> HttpResponse:
    """Claims waiting for the evaluator, oldest first (never the user's own claims)."""
    user, project = project_or_404(request, uid)
    require_acting(user, project, PartyRole.EVALUATOR)
    claims = list(verification_queue(user=user, project=project).prefetch_related("evidence"))
    today = timezone.localdate()
    rows = [(c, (today - timezone.localdate(c.submitted_at)).days) for c in claims]
    return render_project(
        request, "outcomes/verify_queue.html", user, project, "verify_queue", {"rows": rows}
    )


@login_required
@require_POST
def claim_verify_view(request: HttpRequest, uid: Any, claim_uid: Any) -> HttpResponse:
    """Accept, reject or query, with a reason. Refused with the reason for anyone from a
    provider of the project, or for the claim's submitter."""
    user, project = project_or_404(request, uid)
    claim = claim_or_404(request, user, project, claim_uid)
    policy.require(user, policy.Action.VERIFY_OUTCOME_CLAIMS)
    form = f.VerifyForm(request.POST)

    def apply(d: dict[str, Any]) -> Any:
        return claim_verify(
            user=user, claim=claim, decision=d["decision"], reason=d["reason"], request=request
        )

    if run_service(request, form, apply, _("Decision recorded.")):
        return _back(request, "outcomes:claim", uid=project.uid, claim_uid=claim.uid)
    claim.refresh_from_db()
    return render_claim(request, user, project, claim, {"verify_form": form}, status=422)


# -- disputes --------------------------------------------------------------------------------


@login_required
def disputes(request: HttpRequest, uid: Any) -> HttpResponse:
    """Open disputes, the earliest deadline first; overdue ones are marked."""
    user, project = project_or_404(request, uid)
    today = timezone.localdate()
    rows = [
        (d, (d.due_on - today).days, f.ResolveForm(auto_id=f"resolve-{d.pk}-%s"))
        for d in dispute_queue(user=user, project=project)
    ]
    return render_project(
        request, "outcomes/disputes.html", user, project, "disputes", {"rows": rows}
    )


@login_required
@require_POST
def dispute_open_view(request: HttpRequest, uid: Any, claim_uid: Any) -> HttpResponse:
    user, project = project_or_404(request, uid)
    claim = claim_or_404(request, user, project, claim_uid)
    form = f.DisputeForm(request.POST)

    def apply(d: dict[str, Any]) -> Any:
        return dispute_open(user=user, claim=claim, reason=d["reason"], due_on=d["due_on"])

    if run_service(request, form, apply, _("Dispute opened.")):
        return redirect("outcomes:claim", uid=project.uid, claim_uid=claim.uid)
    claim.refresh_from_db()
    return render_claim(request, user, project, claim, {"dispute_form": form}, status=422)


@login_required
@require_POST
def dispute_resolve_view(request: HttpRequest, uid: Any, pk: int) -> HttpResponse:
    user, project = project_or_404(request, uid)
    dispute = policy.get_visible_or_404(
        Dispute.objects.select_related("claim", "claim__project"),
        user,
        request=request,
        pk=pk,
        claim__project=project,
    )
    policy.require(user, policy.Action.VERIFY_OUTCOME_CLAIMS)
    form = f.ResolveForm(request.POST)

    def apply(d: dict[str, Any]) -> Any:
        return dispute_resolve(
            user=user, dispute=dispute, outcome=d["outcome"], resolution=d["resolution"]
        )

    if run_service(request, form, apply, _("Dispute resolved.")):
        return _back(request, "outcomes:claim", uid=project.uid, claim_uid=dispute.claim.uid)
    claim = claim_or_404(request, user, project, dispute.claim.uid)
    return render_claim(request, user, project, claim, {"resolve_form": form}, status=422)


# -- approvals -------------------------------------------------------------------------------


def _request_or_404(request: HttpRequest, project: Any, request_uid: Any) -> PaymentRequest:
    return policy.get_visible_or_404(
        PaymentRequest.objects.select_related("project", "payer__organisation"),
        signed_in_user(request),
        request=request,
        uid=request_uid,
        project=project,
    )


@login_required
def approvals(request: HttpRequest, uid: Any) -> HttpResponse:
    """Payment requests addressed to the user's organisation: waiting, then the history."""
    user, project = project_or_404(request, uid)
    require_acting(user, project, PartyRole.PAYER)
    waiting = list(approval_queue(user=user, project=project))
    history = (
        PaymentRequest.objects.visible_to(user)
        .filter(project=project, payer__organisation_id=user.organisation_id or 0)
        .filter(status__in=(PaymentStatus.APPROVED, PaymentStatus.PAID))
        .select_related("payer__organisation")
        .order_by("-period")
    )
    return render_project(
        request,
        "outcomes/approvals.html",
        user,
        project,
        "approvals",
        {"waiting": waiting, "history": history},
    )


@login_required
@require_POST
def approve(request: HttpRequest, uid: Any, request_uid: Any) -> HttpResponse:
    user, project = project_or_404(request, uid)
    payment = _request_or_404(request, project, request_uid)
    try:
        payment_request_approve(user=user, request=payment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Payment request %(period)s approved.") % {"period": payment.period},
        )
    return redirect("outcomes:approvals", uid=project.uid)
