"""Money pages: the intermediary's payments (requests, payments received, drawdowns,
disbursements, repayments), each party's ledger statement, the investor statement, and
the scenario simulation, with SVG charts and tables of the same numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saphan import policy
from saphan.accounts.models import User
from saphan.outcomes import charts
from saphan.outcomes import forms as f
from saphan.outcomes.choices import PartyRole
from saphan.outcomes.contracts import contract_of, current_version
from saphan.outcomes.models import Party, PaymentRequest, Project
from saphan.outcomes.payments import (
    disbursement_record,
    drawdown_record,
    investor_figures_recorded,
    payment_record,
    payment_request_send,
    payment_requests_prepare,
    repayments_distribute,
)
from saphan.outcomes.reconcile import investor_statement, ledger_reconcile, party_statement
from saphan.outcomes.views import (
    acts_as,
    project_or_404,
    render_project,
    require_acting,
    roles_of,
    run_service,
)

SCENARIOS = 20_000


# -- the intermediary's payments page ----------------------------------------------------------


def _providers(project: Project) -> list[tuple[str, str]]:
    parties = Party.objects.filter(project=project, role=PartyRole.PROVIDER)
    return [(str(p.pk), f"{p.code} · {p.organisation.name}") for p in parties.select_related()]


def _payments_page(
    request: HttpRequest,
    user: User,
    project: Project,
    bound: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    requests = (
        PaymentRequest.objects.visible_to(user)
        .filter(project=project)
        .select_related("payer__organisation")
        .order_by("-period", "payer__organisation__code")
    )
    context: dict[str, Any] = {
        "requests": requests,
        "prepare_form": f.PrepareForm(),
        "payment_form": f.PaymentForm(),
        "drawdown_form": f.DrawdownForm(),
        "disbursement_form": f.DisbursementForm(providers=_providers(project)),
        "repayment_form": f.RepaymentForm(),
        "mismatches": ledger_reconcile(project=project),
        "has_contract": current_version(project) is not None,
        "bound_request": None,
        **(bound or {}),
    }
    return render_project(
        request, "outcomes/payments.html", user, project, "payments", context, status=status
    )


@login_required
def payments(request: HttpRequest, uid: Any) -> HttpResponse:
    user, project = project_or_404(request, uid)
    require_acting(user, project, PartyRole.INTERMEDIARY)
    return _payments_page(request, user, project)


def _act(
    request: HttpRequest, uid: Any, name: str, make: Any, apply: Any, done: str
) -> HttpResponse:
    user, project = project_or_404(request, uid)
    require_acting(user, project, PartyRole.INTERMEDIARY)
    form = make(project)
    if run_service(request, form, lambda d: apply(user, project, d), done):
        return redirect("outcomes:payments", uid=project.uid)
    return _payments_page(request, user, project, {name: form}, status=422)


@login_required
@require_POST
def payments_prepare(request: HttpRequest, uid: Any) -> HttpResponse:
    return _act(
        request,
        uid,
        "prepare_form",
        lambda p: f.PrepareForm(request.POST),
        lambda user, project, d: payment_requests_prepare(
            user=user, project=project, period=d["period"].strip()
        ),
        _("Payment requests drafted."),
    )


def _payment_request(request: HttpRequest, project: Project, request_uid: Any) -> PaymentRequest:
    user = request.user
    return policy.get_visible_or_404(
        PaymentRequest.objects.select_related("project", "payer__organisation"),
        user,
        request=request,
        uid=request_uid,
        project=project,
    )


@login_required
@require_POST
def payment_send(request: HttpRequest, uid: Any, request_uid: Any) -> HttpResponse:
    user, project = project_or_404(request, uid)
    require_acting(user, project, PartyRole.INTERMEDIARY)
    payment = _payment_request(request, project, request_uid)
    try:
        payment_request_send(user=user, request=payment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Payment request sent to the payer."))
    return redirect("outcomes:payments", uid=project.uid)


@login_required
@require_POST
def payment_record_view(request: HttpRequest, uid: Any, request_uid: Any) -> HttpResponse:
    user, project = project_or_404(request, uid)
    require_acting(user, project, PartyRole.INTERMEDIARY)
    payment = _payment_request(request, project, request_uid)
    form = f.PaymentForm(request.POST)

    def apply(d: dict[str, Any]) -> Any:
        return payment_record(user=user, request=payment, paid_on=d["paid_on"], amount=d["amount"])

    if run_service(request, form, apply, _("Payment recorded in the ledger.")):
        return redirect("outcomes:payments", uid=project.uid)
    return _payments_page(
        request, user, project, {"payment_form": form, "bound_request": payment.pk}, status=422
    )


@login_required
@require_POST
def drawdown(request: HttpRequest, uid: Any) -> HttpResponse:
    return _act(
        request,
        uid,
        "drawdown_form",
        lambda p: f.DrawdownForm(request.POST),
        lambda user, project, d: drawdown_record(
            user=user, project=project, on=d["on"], amount=d["amount"]
        ),
        _("Drawdown recorded."),
    )


@login_required
@require_POST
def disbursement(request: HttpRequest, uid: Any) -> HttpResponse:
    def apply(user: User, project: Project, d: dict[str, Any]) -> Any:
        provider = get_object_or_404(Party, project=project, pk=d["provider"])
        return disbursement_record(
            user=user, project=project, provider=provider, on=d["on"], amount=d["amount"]
        )

    return _act(
        request,
        uid,
        "disbursement_form",
        lambda p: f.DisbursementForm(request.POST, providers=_providers(p)),
        apply,
        _("Disbursement recorded."),
    )


@login_required
@require_POST
def repayments(request: HttpRequest, uid: Any) -> HttpResponse:
    return _act(
        request,
        uid,
        "repayment_form",
        lambda p: f.RepaymentForm(request.POST),
        lambda user, project, d: repayments_distribute(user=user, project=project, on=d["on"]),
        _("Repayments posted."),
    )


# -- statements --------------------------------------------------------------------------------


def _readable_parties(user: User, project: Project, role: str | None = None) -> list[Party]:
    """The parties whose statement the user may read: all for the intermediary, else the
    user's own organisation's parties."""
    parties = Party.objects.filter(project=project).select_related("organisation")
    if role is not None:
        parties = parties.filter(role=role)
    if not acts_as(user, roles_of(user, project), PartyRole.INTERMEDIARY):
        parties = parties.filter(organisation_id=user.organisation_id or 0)
    return list(parties.order_by("role", "organisation__code"))


def _chosen(request: HttpRequest, parties: list[Party]) -> Party:
    if not parties:
        raise PermissionDenied("no_statement")
    wanted = request.GET.get("party", "")
    return next((p for p in parties if str(p.pk) == wanted), parties[0])


@login_required
def statement(request: HttpRequest, uid: Any) -> HttpResponse:
    """A party's ledger statement (the intermediary chooses any party)."""
    user, project = project_or_404(request, uid)
    parties = _readable_parties(user, project)
    party = _chosen(request, parties)
    found = party_statement(user=user, project=project, party=party)
    return render_project(
        request,
        "outcomes/statement.html",
        user,
        project,
        "statement",
        {"parties": parties, "party": party, "statement": found},
    )


def _peak(flows: Any) -> Decimal:
    """The most principal outstanding at any time, from an investor's own flows."""
    outstanding = peak = Decimal("0.00")
    for flow in flows:
        if flow.kind in ("drawdown", "principal"):  # paid in is negative, repaid positive
            outstanding -= flow.amount
        peak = max(peak, outstanding)
    return peak


@login_required
def investor(request: HttpRequest, uid: Any) -> HttpResponse:
    """An investor's statement: commitment, drawn, repaid, return, multiple, IRR, peak
    capital and the cash flows (the engine's waterfall over what was recorded)."""
    user, project = project_or_404(request, uid)
    roles = roles_of(user, project)
    if not (
        acts_as(user, roles, PartyRole.INVESTOR) or acts_as(user, roles, PartyRole.INTERMEDIARY)
    ):
        raise PermissionDenied("investor")
    parties = _readable_parties(user, project, PartyRole.INVESTOR)
    party = _chosen(request, parties)
    context: dict[str, Any] = {"parties": parties, "party": party, "figures": None}
    try:
        figures = investor_statement(user=user, project=project, party=party)
        recorded = investor_figures_recorded(project)
    except ValidationError as exc:
        context["unavailable"] = " ".join(exc.messages)
    else:
        share = next((s for s in recorded.investors if s.investor == party.code), None)
        flows = [(c.on, c.amount, c.kind) for c in share.cash_flows] if share else []
        context.update(
            figures=figures,
            flows=flows,
            peak=_peak(share.cash_flows) if share else Decimal("0.00"),
            flows_svg=charts.cash_flow_chart(
                [(on, amount) for on, amount, _k in flows],
                title=_("Cash flows of %(investor)s") % {"investor": party.code},
                chart_id="chart-flows",
                language=get_language() or "th",
            ),
        )
    return render_project(request, "outcomes/investor.html", user, project, "investor", context)


# -- scenarios -----------------------------------------------------------------------------------


def _baht(value: float) -> str:
    return charts.money_text(Decimal(round(value)), 0)


def _rate(value: float) -> str:
    return charts.pct_text(value, 1)


def _multiple(value: float) -> str:
    return f"{value:.2f}×"


def _distribution(dist: Any, label: Any) -> dict[str, Any]:
    return {
        "mean": label(dist.mean),
        "p5": label(dist.p5),
        "p50": label(dist.p50),
        "p95": label(dist.p95),
        "rows": charts.histogram_rows(dist.bins, dist.counts, label),
    }


@login_required
def scenarios(request: HttpRequest, uid: Any) -> HttpResponse:
    """The current contract under its planning assumptions: payer cost and investor IRR
    over 20,000 scenarios, the chance investors lose money, the break-even success rate."""
    from saphan.outcomes.engine.simulate import simulate

    user, project = project_or_404(request, uid)
    version = current_version(project)
    context: dict[str, Any] = {"version": version, "sim": None, "scenarios": SCENARIOS}
    if version is not None:
        try:
            sim = simulate(contract_of(version), scenarios=SCENARIOS, seed=0)
        except ValueError:
            context["unavailable"] = _(
                "The contract has no planning assumptions (enrolment and success ranges in "
                "“assumptions”), so scenarios cannot be run."
            )
        else:
            context["sim"] = sim
            context["cost"] = _distribution(sim.payer_cost, _baht)
            context["cost_svg"] = charts.histogram(
                sim.payer_cost.bins,
                sim.payer_cost.counts,
                title=_("Payer cost over %(n)s scenarios (THB)") % {"n": f"{SCENARIOS:,}"},
                chart_id="chart-cost",
                label=_baht,
                marks=[(sim.payer_cost.p50, _("median"))],
            )
            if sim.investor_irr is not None:
                context["irr"] = _distribution(sim.investor_irr, _rate)
                context["irr_svg"] = charts.histogram(
                    sim.investor_irr.bins,
                    sim.investor_irr.counts,
                    title=_("Investors' IRR over the scenarios where it is defined"),
                    chart_id="chart-irr",
                    label=_rate,
                    loss_below=0.0,
                    marks=[(0.0, "0%")],
                )
            context["multiple"] = _distribution(sim.investor_multiple, _multiple)
            context["enrolment"] = [int(x) for x in sim.enrolment]
            context["success"] = sorted(sim.success.items())
    return render_project(request, "outcomes/scenarios.html", user, project, "scenarios", context)
