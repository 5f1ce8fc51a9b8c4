"""Bearer-token authentication for /api/v1 (tokens from ``saphan token create``)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja.security import HttpBearer

from saphan.accounts.models import User
from saphan.accounts.services import api_token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


def api_user(request: HttpRequest) -> User:
    """The user behind the request's bearer token (set by :class:`BearerToken`)."""
    return cast(User, getattr(request, "auth"))  # noqa: B009 - ninja sets it dynamically
