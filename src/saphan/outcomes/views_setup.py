"""Pages where the intermediary sets a project up: a new project, then its parties and
the contract (drafts, amendments, signing). Thin: parsing in ``forms``, every rule in
``services`` (which check ``manage_outcome_projects`` and the intermediary party); these
pages refuse others with 403 before showing anything."""

from __future__ import annotations

import json
from typing import Any

from django import forms as dj_forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from saphan import policy
from saphan.accounts.models import User
from saphan.core.http import signed_in_user
from saphan.geo.models import Province
from saphan.orgs.models import Organisation
from saphan.outcomes import forms as f
from saphan.outcomes import services
from saphan.outcomes.choices import PartyRole, ProjectStatus
from saphan.outcomes.models import ContractVersion, Party, Project
from saphan.outcomes.views import project_or_404, render_project, require_acting, run_service

# -- a new project -------------------------------------------------------------------------


def _province_choices() -> list[tuple[str, str]]:
    return [(p.code, str(p)) for p in Province.objects.project().order_by("code")]


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    policy.require(user, policy.Action.MANAGE_OUTCOME_PROJECTS)
    form = f.ProjectForm(request.POST or None, provinces=_province_choices())
    if request.method == "POST":
        created: list[Project] = []

        def apply(d: dict[str, Any]) -> None:
            created.append(
                services.project_create(
                    user=user,
                    code=d["code"],
                    name_th=d["name_th"],
                    name_en=d["name_en"],
                    description=d["description"],
                    target_population=d["target_population"],
                    participant_prefix=d["participant_prefix"],
                    province_codes=d["provinces"],
                    eligible_groups=d["eligible_groups"],
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                )
            )

        if run_service(request, form, apply, _("Project created. Add its parties and contract.")):
            return redirect("outcomes:contract", uid=created[0].uid)
        return render(request, "outcomes/project_new.html", {"form": form}, status=422)
    return render(request, "outcomes/project_new.html", {"form": form})


# -- parties and the contract -----------------------------------------------------------


def _organisation_choices() -> list[tuple[str, str]]:
    # Not ``Organisation.objects.visible_to(user)``: it is the organisations sharing a
    # province with the user's own, and an intermediary (often without provinces) works
    # with payers, investors and evaluators anywhere. Organisation names are not personal
    # data; ``services.party_add`` checks each role's organisation kinds.
    return [
        (str(o.pk), f"{o.name} ({o.code})") for o in Organisation.objects.active().order_by("code")
    ]


def _draft(project: Project) -> ContractVersion | None:
    return ContractVersion.objects.filter(project=project, signed_at__isnull=True).first()


def _contract_page(
    request: HttpRequest,
    user: User,
    project: Project,
    forms: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    forms = forms or {}
    versions = list(ContractVersion.objects.filter(project=project).order_by("-number"))
    draft = next((v for v in versions if not v.is_signed), None)
    amendment = any(v.is_signed for v in versions)
    contract_form = forms.get("contract_form")
    if contract_form is None:
        initial: dict[str, Any] = {}
        if draft is not None:
            initial = {
                "spec": json.dumps(draft.spec, ensure_ascii=False, indent=2),
                "reason": draft.reason,
                "valid_from": draft.valid_from,
            }
        contract_form = f.ContractForm(initial=initial)
    if not amendment:
        contract_form.fields["reason"].help_text = _("Only needed to amend a signed contract.")
    context = {
        "parties": Party.objects.filter(project=project).select_related("organisation"),
        "party_form": forms.get("party_form") or f.PartyForm(organisations=_organisation_choices()),
        "versions": versions,
        "draft": draft,
        "amendment": amendment,
        "contract_form": contract_form,
        "is_open": project.status != ProjectStatus.CLOSED,
    }
    return render_project(
        request, "outcomes/contract.html", user, project, "contract", context, status=status
    )


def _intermediary(request: HttpRequest, uid: Any) -> tuple[User, Project]:
    user, project = project_or_404(request, uid)
    policy.require(user, policy.Action.MANAGE_OUTCOME_PROJECTS)
    require_acting(user, project, PartyRole.INTERMEDIARY)
    return user, project


@login_required
def contract(request: HttpRequest, uid: Any) -> HttpResponse:
    user, project = _intermediary(request, uid)
    if request.method != "POST":
        return _contract_page(request, user, project)
    action = request.POST.get("action", "")
    if action == "party":
        party_form = f.PartyForm(request.POST, organisations=_organisation_choices())

        def add(d: dict[str, Any]) -> None:
            organisation = Organisation.objects.get(pk=d["organisation"])
            services.party_add(
                user=user,
                project=project,
                organisation=organisation,
                role=d["role"],
                spec_code=d["spec_code"],
            )

        if run_service(request, party_form, add, _("Party added.")):
            return redirect("outcomes:contract", uid=project.uid)
        return _contract_page(request, user, project, {"party_form": party_form}, status=422)
    if action == "sign":
        draft = _draft(project)
        sign_form = dj_forms.Form(request.POST)  # no fields: errors become messages

        def sign(d: dict[str, Any]) -> None:
            if draft is None:
                raise ValidationError(_("There is no draft version to sign."))
            services.contract_version_sign(user=user, version=draft)

        if run_service(request, sign_form, sign, _("Contract signed.")):
            return redirect("outcomes:contract", uid=project.uid)
        return _contract_page(request, user, project, status=422)
    contract_form = f.ContractForm(request.POST, request.FILES)

    def save(d: dict[str, Any]) -> None:
        draft = _draft(project)
        if draft is None:
            services.contract_version_create(
                user=user,
                project=project,
                spec=d["spec_json"],
                reason=d["reason"],
                valid_from=d["valid_from"],
            )
        else:
            services.contract_version_update(
                user=user,
                version=draft,
                spec=d["spec_json"],
                reason=d["reason"],
                valid_from=d["valid_from"],
            )

    if run_service(request, contract_form, save, _("Draft saved.")):
        return redirect("outcomes:contract", uid=project.uid)
    return _contract_page(request, user, project, {"contract_form": contract_form}, status=422)
