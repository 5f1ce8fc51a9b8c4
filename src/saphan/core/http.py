"""Typed helpers for views behind ``login_required``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from saphan.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user; views call it only behind ``login_required``."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx made (django-htmx sets ``request.htmx``)."""
    return bool(getattr(request, "htmx", False))
