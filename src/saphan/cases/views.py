"""Pages of case management: the case list, opening a case, and the case page with its
sections (htmx forms) and timeline. Thin: parsing in forms, rules in services, reads in
selectors. Referral and civil-step pages are in ``views_referrals.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
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
from saphan.cases import choices as c
from saphan.cases import forms as f
from saphan.cases.checks import CASE_ROLES, case_access_record, require_manage
from saphan.cases.civil import civil_step_done, civil_step_record
from saphan.cases.models import Case
from saphan.cases.referrals import RECEIVING_KINDS, referral_create, sharing_consent
from saphan.cases.selectors import case_overdue, case_timeline, cases_for, row_overdue
from saphan.cases.services import (
    OPEN_CASE_EXISTS,
    assessment_record,
    case_assign,
    case_open,
    case_stage_set,
    contact_record,
    goal_add,
    goal_set_status,
    service_record,
)
from saphan.core.forms import apply_service_errors
from saphan.core.http import is_htmx, signed_in_user
from saphan.core.thaidate import format_date
from saphan.orgs.models import Organisation
from saphan.people.models import Person

SECTIONS = ("assessment", "plan", "services", "contacts", "referrals", "civil", "manage")


def _case_or_404(request: HttpRequest, uid: Any) -> Case:
    user = signed_in_user(request)
    require_manage(user)
    return policy.get_visible_or_404(
        Case.objects.select_related(
            "person",
            "person__province",
            "person__district",
            "organisation",
            "assigned_to",
            "household",
            "source_flag",
        ),
        user,
        request=request,
        uid=uid,
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    require_manage(user)
    stage = request.GET.get("stage", "open")
    if stage not in ("open", "all", *c.Stage.values):
        stage = "open"
    overdue = request.GET.get("overdue") == "1"
    mine = request.GET.get("mine") == "1"
    qs = cases_for(
        user=user,
        stage=None if stage == "all" else stage,
        overdue=True if overdue else None,
        assigned_to_me=mine,
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(case, row_overdue(case, today)) for case in page.object_list]
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="case",
        detail={"stage": stage, "overdue": overdue, "mine": mine, "results": page.paginator.count},
    )
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "rows": rows,
            "stage": stage,
            "overdue": overdue,
            "mine": mine,
            "stages": c.Stage.choices,
        },
    )


@login_required
def case_open_view(request: HttpRequest) -> HttpResponse:
    """GET shows a small confirmation (from the person page or a watch flag); POST opens."""
    user = signed_in_user(request)
    require_manage(user)
    data = request.POST if request.method == "POST" else request.GET
    person = policy.get_visible_or_404(
        Person.objects.select_related("province", "district"),
        user,
        request=request,
        uid=_uuid_or_404(data.get("person", "")),
    )
    flag = None
    if data.get("flag"):
        from saphan.watch.models import WatchFlag

        if not str(data["flag"]).isdigit():
            raise Http404
        flag = policy.get_visible_or_404(
            WatchFlag.objects.select_related("rule"), user, request=request, pk=int(data["flag"])
        )
    existing = (
        Case.objects.open().filter(person=person, organisation_id=user.organisation_id).first()
        if user.organisation_id is not None
        else None
    )
    if request.method == "POST":
        try:
            case = case_open(user=user, person=person, flag=flag, request=request)
        except ValidationError as exc:
            first = getattr(exc, "error_dict", {}).get("person", [None])[0]
            if first is not None and first.code == OPEN_CASE_EXISTS:
                messages.info(request, " ".join(exc.messages))
                return redirect("cases:detail", uid=first.params["uid"])
            messages.error(request, " ".join(exc.messages))
            return redirect(f"{reverse('cases:open')}?person={person.uid}")
        messages.success(request, _("Case %(case)s opened.") % {"case": case.short_id})
        return redirect("cases:detail", uid=case.uid)
    return render(
        request,
        "cases/open.html",
        {"person": person, "flag": flag, "existing": existing},
    )


def _uuid_or_404(value: str) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def _colleagues(case: Case) -> list[tuple[str, str]]:
    users = User.objects.filter(
        organisation_id=case.organisation_id, is_active=True, role__in=CASE_ROLES
    ).order_by("username")
    return [(str(u.pk), u.display_name) for u in users]


def _receivers(user: User, case: Case) -> list[tuple[str, str]]:
    orgs = (
        Organisation.objects.visible_to(user)
        .active()
        .filter(provinces__code=case.person.province_id, kind__in=RECEIVING_KINDS)
        .exclude(pk=case.organisation_id)
        .distinct()
        .order_by("name_th")
    )
    return [(str(o.pk), o.name) for o in orgs]


def _goal_choices(case: Case) -> list[tuple[str, str]]:
    language = get_language() or "th"
    return [
        (str(g.pk), f"{g.get_dimension_display()} · {format_date(g.due_on, language=language)}")
        for g in case.goals.all()
    ]


def _forms(user: User, case: Case, bound: dict[str, forms.Form]) -> dict[str, forms.Form]:
    today = timezone.localdate()
    goals = _goal_choices(case)
    receivers = _receivers(user, case)
    made: dict[str, forms.Form] = {
        "stage_form": f.StageForm(after=case.stage),
        "assign_form": f.AssignForm(
            colleagues=_colleagues(case),
            initial={"assigned_to": str(case.assigned_to_id or "")},
        ),
        "assessment_form": f.AssessmentForm(initial={"assessed_on": today}),
        "goal_form": f.GoalForm(),
        "service_form": f.ServiceForm(
            organisations=[*receivers, (str(case.organisation_id), case.organisation.name)],
            goals=goals,
            initial={"delivered_on": today},
        ),
        "contact_form": f.ContactForm(initial={"contacted_on": today}),
        "referral_form": f.ReferralForm(organisations=receivers),
        "civil_form": f.CivilStepForm(initial={"started_on": today}),
    }
    made.update(bound)
    return made


def _detail_context(
    request: HttpRequest, case: Case, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = signed_in_user(request)
    order = c.STAGE_ORDER[case.stage]
    stages = [
        {"code": code, "label": label, "state": _stage_state(c.STAGE_ORDER[code], order)}
        for code, label in c.Stage.choices
    ]
    return {
        "case": case,
        "person": case.person,
        "stages": stages,
        "overdue": case_overdue(case=case),
        "assessment": case.assessments.select_related("assessed_by").first(),
        "assessments": case.assessments.count(),
        "goals": case.goals.all(),
        "services": case.services.select_related("provider_organisation", "goal"),
        "contacts": case.contacts.select_related("by"),
        "referrals": case.referrals.select_related("to_organisation"),
        "civil_steps": case.civil_steps.all(),
        "timeline": case_timeline(case=case),
        "has_sharing_consent": sharing_consent(case) is not None,
        "may_override": policy.can(user, policy.Action.OVERRIDE_REFERRAL_CONSENT),
        "civil_allowed": bool(case.person.sensitive_basis),
        "goal_statuses": c.GoalStatus.choices,
        "decisions": c.CivilDecision.choices,
        "dimensions": [(code, label) for code, label in c.Dimension.choices],
        **_forms(user, case, bound or {}),
    }


def _stage_state(index: int, current: int) -> str:
    if index < current:
        return "done"
    return "current" if index == current else "todo"


def _render_case(
    request: HttpRequest, case: Case, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    context = _detail_context(request, case, bound)
    template = "cases/_case.html" if is_htmx(request) else "cases/detail.html"
    return render(request, template, context)


@login_required
def case_detail(request: HttpRequest, uid: Any) -> HttpResponse:
    case = _case_or_404(request, uid)
    case_access_record(
        user=signed_in_user(request), case=case, action=AccessAction.VIEW, request=request
    )
    return _render_case(request, case)


def _act(
    request: HttpRequest,
    uid: Any,
    form_name: str,
    make_form: Callable[[Case], forms.Form],
    apply: Callable[[User, Case, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Run one section's form: on success back to the case (the section re-rendered for
    htmx), on refusal the form again with the service's messages on its fields."""
    user = signed_in_user(request)
    case = _case_or_404(request, uid)
    form = make_form(case)
    if form.is_valid():
        try:
            apply(user, case, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            case.refresh_from_db()
            if is_htmx(request):
                return _render_case(request, case)
            return redirect(reverse("cases:detail", args=[case.uid]))
    if not is_htmx(request):
        messages.error(request, _("Not saved: check the form below."))
    return _render_case(request, case, {form_name: form})


def _post(request: HttpRequest) -> tuple[Any, Any]:
    return request.POST, request.FILES


@login_required
@require_POST
def stage_set(request: HttpRequest, uid: Any) -> HttpResponse:
    return _act(
        request,
        uid,
        "stage_form",
        lambda case: f.StageForm(request.POST, after=case.stage),
        lambda user, case, d: case_stage_set(
            user=user, case=case, stage=d["stage"], outcome=d["outcome"], request=request
        ),
        _("Stage saved."),
    )


@login_required
@require_POST
def assign(request: HttpRequest, uid: Any) -> HttpResponse:
    def apply(user: User, case: Case, d: dict[str, Any]) -> Any:
        assignee = User.objects.filter(pk=d["assigned_to"]).first()
        return case_assign(user=user, case=case, assignee=assignee, request=request)

    return _act(
        request,
        uid,
        "assign_form",
        lambda case: f.AssignForm(request.POST, colleagues=_colleagues(case)),
        apply,
        _("Assignment saved."),
    )


@login_required
@require_POST
def assess(request: HttpRequest, uid: Any) -> HttpResponse:
    return _act(
        request,
        uid,
        "assessment_form",
        lambda case: f.AssessmentForm(request.POST),
        lambda user, case, d: assessment_record(
            user=user,
            case=case,
            scores={k: d[k] for k in c.Dimension.values},
            notes=d["notes"],
            assessed_on=d["assessed_on"],
            request=request,
        ),
        _("Assessment saved."),
    )


@login_required
@require_POST
def goal_new(request: HttpRequest, uid: Any) -> HttpResponse:
    return _act(
        request,
        uid,
        "goal_form",
        lambda case: f.GoalForm(request.POST),
        lambda user, case, d: goal_add(
            user=user,
            case=case,
            dimension=d["dimension"],
            description=d["description"],
            due_on=d["due_on"],
            request=request,
        ),
        _("Goal added."),
    )


@login_required
@require_POST
def goal_status(request: HttpRequest, uid: Any, goal_id: int) -> HttpResponse:
    def apply(user: User, case: Case, d: dict[str, Any]) -> Any:
        goal = get_object_or_404(case.goals, pk=goal_id)
        return goal_set_status(user=user, goal=goal, status=d["status"], request=request)

    return _act(
        request,
        uid,
        "goal_status_form",
        lambda case: f.GoalStatusForm(request.POST),
        apply,
        _("Goal updated."),
    )


@login_required
@require_POST
def service_new(request: HttpRequest, uid: Any) -> HttpResponse:
    user = signed_in_user(request)

    def make(case: Case) -> forms.Form:
        orgs = [*_receivers(user, case), (str(case.organisation_id), case.organisation.name)]
        goals = _goal_choices(case)
        return f.ServiceForm(request.POST, organisations=orgs, goals=goals)

    def apply(user: User, case: Case, d: dict[str, Any]) -> Any:
        provider = (
            Organisation.objects.filter(pk=d["provider_organisation"]).first()
            if d["provider_organisation"]
            else None
        )
        goal = case.goals.filter(pk=d["goal"]).first() if d["goal"] else None
        return service_record(
            user=user,
            case=case,
            what=d["what"],
            delivered_on=d["delivered_on"],
            cost=d["cost"] if d["cost"] is not None else "0",
            provider_organisation=provider,
            provider_name=d["provider_name"],
            goal=goal,
            request=request,
        )

    return _act(request, uid, "service_form", make, apply, _("Service recorded."))


@login_required
@require_POST
def contact_new(request: HttpRequest, uid: Any) -> HttpResponse:
    return _act(
        request,
        uid,
        "contact_form",
        lambda case: f.ContactForm(request.POST),
        lambda user, case, d: contact_record(
            user=user,
            case=case,
            kind=d["kind"],
            notes=d["notes"],
            contacted_on=d["contacted_on"],
            next_follow_up_on=d["next_follow_up_on"],
            request=request,
        ),
        _("Contact recorded."),
    )


@login_required
@require_POST
def refer(request: HttpRequest, uid: Any) -> HttpResponse:
    user = signed_in_user(request)

    def apply(user: User, case: Case, d: dict[str, Any]) -> Any:
        target = get_object_or_404(Organisation.objects.visible_to(user), pk=d["to_organisation"])
        return referral_create(
            user=user,
            case=case,
            to_organisation=target,
            service_kind=d["service_kind"],
            reason=d["reason"],
            due_on=d["due_on"],
            shared_summary=d["shared_summary"],
            share_phone=d["share_phone"],
            override_reason=d["override_reason"],
            request=request,
        )

    return _act(
        request,
        uid,
        "referral_form",
        lambda case: f.ReferralForm(request.POST, organisations=_receivers(user, case)),
        apply,
        _("Referral sent."),
    )


@login_required
@require_POST
def civil_new(request: HttpRequest, uid: Any) -> HttpResponse:
    return _act(
        request,
        uid,
        "civil_form",
        lambda case: f.CivilStepForm(*_post(request)),
        lambda user, case, d: civil_step_record(
            user=user,
            case=case,
            step=d["step"],
            started_on=d["started_on"],
            due_on=d["due_on"],
            note=d["note"],
            document=d["document"],
            request=request,
        ),
        _("Step recorded."),
    )


@login_required
@require_POST
def civil_done(request: HttpRequest, uid: Any, step_id: int) -> HttpResponse:
    def apply(user: User, case: Case, d: dict[str, Any]) -> Any:
        step = get_object_or_404(case.civil_steps, pk=step_id)
        return civil_step_done(
            user=user,
            step=step,
            done_on=d["done_on"],
            decision=d["decision"],
            note=d["note"],
            document=d["document"],
            request=request,
        )

    return _act(
        request,
        uid,
        "civil_done_form",
        lambda case: f.CivilDoneForm(*_post(request)),
        apply,
        _("Step done."),
    )


@login_required
def civil_document(request: HttpRequest, uid: Any, step_id: int) -> FileResponse:
    """A civil step's document, through the policy layer (media is never served)."""
    user = signed_in_user(request)
    case = _case_or_404(request, uid)
    step = get_object_or_404(case.civil_steps, pk=step_id)
    if not step.document or not case.person.sensitive_basis:
        raise Http404
    case_access_record(
        user=user,
        case=case,
        action=AccessAction.VIEW,
        request=request,
        detail={"civil_step_document": step.pk},
    )
    return FileResponse(
        step.document.open("rb"),
        as_attachment=True,
        filename=(step.document.name or "document").rsplit("/", 1)[-1],
    )
