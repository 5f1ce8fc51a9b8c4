"""User management for administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from saphan import policy
from saphan.accounts.forms import UserForm
from saphan.accounts.models import User
from saphan.accounts.roles import Role
from saphan.accounts.services import user_create, user_update
from saphan.core.forms import apply_service_errors
from saphan.core.http import is_htmx


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Action.MANAGE_USERS)
    qs = User.objects.visible_to(request.user).select_related("organisation")
    role = request.GET.get("role", "")
    q = request.GET.get("q", "").strip()
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(username__icontains=q) | qs.filter(organisation__code__icontains=q)
    template = "accounts/_rows.html" if is_htmx(request) else "accounts/list.html"
    return render(
        request,
        template,
        {
            "users": qs.order_by("username")[:500],
            "roles": Role.choices,
            "role": role,
            "q": q,
        },
    )


@login_required
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    policy.require(request.user, policy.Action.MANAGE_USERS)
    target = (
        policy.get_visible_or_404(User.objects.all(), request.user, request=request, pk=pk)
        if pk is not None
        else None
    )
    if request.method == "POST":
        form = UserForm(request.POST)
        if target is not None:
            form.fields["username"].disabled = True
            form.fields["username"].initial = target.username
        elif not request.POST.get("password"):
            form.fields["password"].required = True
        if form.is_valid():
            data = form.cleaned_data
            try:
                if target is None:
                    user_create(
                        username=data["username"],
                        password=data["password"],
                        organisation=data["organisation"],
                        role=data["role"],
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        email=data["email"],
                    )
                else:
                    user_update(
                        user=target,
                        organisation=data["organisation"],
                        role=data["role"],
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        email=data["email"],
                        is_active=data["is_active"],
                    )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("User saved."))
                return redirect("accounts:list")
    else:
        initial: dict[str, object] = {"is_active": True}
        if target is not None:
            initial = {
                "username": target.username,
                "first_name": target.first_name,
                "last_name": target.last_name,
                "email": target.email,
                "organisation": target.organisation,
                "role": target.role,
                "is_active": target.is_active,
            }
        form = UserForm(initial=initial)
        if target is not None:
            form.fields["username"].disabled = True
    return render(request, "accounts/edit.html", {"form": form, "target": target})
