"""Writes for users and API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import ApiToken, User, hash_token
from saphan.accounts.roles import Role
from saphan.core.errors import SaphanValidationError, field_error
from saphan.orgs.models import Organisation


def user_role_validate(*, organisation: Organisation | None, role: str) -> None:
    if role not in Role.values:
        raise SaphanValidationError({"role": _("Unknown role.")})
    if organisation is None:
        if role != Role.ADMINISTRATOR:
            raise SaphanValidationError(
                {"organisation": _("Every user except an administrator needs an organisation.")}
            )
        return
    allowed = policy.ROLES_BY_ORGANISATION_KIND.get(organisation.kind, frozenset())
    if role not in allowed:
        raise field_error(
            "role",
            _("This role cannot be held in an organisation of kind “%(kind)s”."),
            kind=organisation.get_kind_display(),
        )


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    organisation: Organisation | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    validate: bool = True,
) -> User:
    if not username.strip():
        raise SaphanValidationError({"username": _("A username is required.")})
    if User.objects.filter(username__iexact=username).exists():
        raise SaphanValidationError({"username": _("This username is taken.")})
    user_role_validate(organisation=organisation, role=role)
    user = User(
        username=username.strip(),
        organisation=organisation,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=role == Role.ADMINISTRATOR,
    )
    if password:
        if validate:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise SaphanValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    organisation: Organisation | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_active: bool = True,
) -> User:
    user_role_validate(organisation=organisation, role=role)
    user.organisation = organisation
    user.role = role
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.is_active = is_active
    user.is_staff = role == Role.ADMINISTRATOR or user.is_superuser
    user.save()
    return user


def api_token_create(
    *, user: User, name: str = "", expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token and return it with the raw secret (shown once, never stored)."""
    if not user.is_active:
        raise SaphanValidationError({"user": _("This user is deactivated.")})
    prefix = secrets.token_hex(4)
    raw = f"{settings.SAPHAN_API_TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, token_hash=hash_token(raw), expires_at=expires_at
    )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a raw bearer token, or None for anything malformed."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != settings.SAPHAN_API_TOKEN_PREFIX or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("user", "user__organisation")
        .filter(prefix=parts[1])
        .first()
    )
    if token is None or not secrets.compare_digest(token.token_hash, hash_token(raw)):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
