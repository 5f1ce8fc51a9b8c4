"""Writing the access log. Call these explicitly from views, the API and commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

from saphan.audit.models import AccessAction, AccessLog

if TYPE_CHECKING:
    from django.http import HttpRequest

    from saphan.accounts.models import User


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    proxies = getattr(settings, "SAPHAN_TRUSTED_PROXY_COUNT", 0)
    forwarded = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [h for h in forwarded if h]
    if proxies and len(forwarded) >= proxies:
        # Each trusted proxy appends the address it saw; earlier entries can be forged.
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *,
    user: User | Any | None,
    action: AccessAction | str,
    request: HttpRequest | None = None,
    object_type: str = "",
    object_id: str | int = "",
    province_code: str = "",
    purpose: str = "",
    query: str = "",
    via: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AccessLog:
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    organisation = getattr(user, "organisation", None) if authenticated else None
    if via is None:
        via = (
            "api"
            if request is not None and request.path.startswith("/api/")
            else ("web" if request is not None else "cli")
        )
    return AccessLog.objects.create(
        user=user if authenticated else None,
        username=getattr(user, "username", "") if authenticated else "",
        organisation_code=getattr(organisation, "code", "") or "",
        role=getattr(user, "role", "") if authenticated else "",
        action=str(action),
        object_type=object_type,
        object_id=str(object_id),
        province_code=province_code,
        purpose=purpose[:200],
        query=query[:500],
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
        path=(request.get_full_path()[:500] if request else ""),
        via=via,
        detail=detail or {},
    )
