"""Organisation management for administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from saphan import policy
from saphan.core.forms import apply_service_errors
from saphan.core.http import is_htmx
from saphan.orgs.forms import OrganisationForm
from saphan.orgs.models import Organisation, OrganisationKind
from saphan.orgs.services import organisation_create, organisation_update


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Action.MANAGE_ORGANISATIONS)
    qs = Organisation.objects.visible_to(request.user).prefetch_related("provinces")
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name_th__icontains=q) | qs.filter(code__icontains=q)
    template = "orgs/_rows.html" if is_htmx(request) else "orgs/list.html"
    return render(
        request,
        template,
        {
            "organisations": qs.order_by("code"),
            "kinds": OrganisationKind.choices,
            "kind": kind,
            "q": q,
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    policy.require(request.user, policy.Action.MANAGE_ORGANISATIONS)
    organisation = (
        policy.get_visible_or_404(Organisation.objects.all(), request.user, request=request, pk=pk)
        if pk is not None
        else None
    )
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if organisation is not None:
            form.fields["code"].disabled = True
            form.fields["code"].initial = organisation.code
        if form.is_valid():
            data = form.cleaned_data
            codes = [p.code for p in data["provinces"]]
            try:
                if organisation is None:
                    organisation = organisation_create(
                        code=data["code"],
                        name_th=data["name_th"],
                        name_en=data["name_en"],
                        kind=data["kind"],
                        province_codes=codes,
                    )
                else:
                    organisation_update(
                        organisation=organisation,
                        name_th=data["name_th"],
                        name_en=data["name_en"],
                        kind=data["kind"],
                        province_codes=codes,
                        is_active=data["is_active"],
                    )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Organisation saved."))
                return redirect("orgs:list")
    else:
        initial: dict[str, object] = {"is_active": True}
        if organisation is not None:
            initial = {
                "code": organisation.code,
                "name_th": organisation.name_th,
                "name_en": organisation.name_en,
                "kind": organisation.kind,
                "provinces": list(organisation.provinces.all()),
                "is_active": organisation.is_active,
            }
        form = OrganisationForm(initial=initial)
        if organisation is not None:
            form.fields["code"].disabled = True
    return render(request, "orgs/edit.html", {"form": form, "organisation": organisation})
