"""allauth adapter: no self sign-up, and login events written to the access log."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record


class SaphanAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by administrators for members of an organisation.
        return False

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        access_log_record(user=user, action=AccessAction.LOGIN, request=request)

    def logout(self, request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            access_log_record(user=user, action=AccessAction.LOGOUT, request=request)
        super().logout(request)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        access_log_record(
            user=None,
            action=AccessAction.LOGIN_FAILED,
            request=request,
            detail={"username": str(credentials.get("username", ""))[:150]},
        )
