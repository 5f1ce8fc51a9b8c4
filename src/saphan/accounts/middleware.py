"""Administrators must set up two-factor authentication before doing anything else."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from saphan import policy

_ALWAYS_ALLOWED = ("/accounts/", "/static/", "/i18n/", "/healthz", "/api/")


class RequireAdministratorMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            getattr(settings, "SAPHAN_REQUIRE_ADMIN_MFA", True)
            and user is not None
            and policy.is_administrator(user)
            and not request.path.startswith(_ALWAYS_ALLOWED)
            and not is_mfa_enabled(user, types=["totp"])
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
