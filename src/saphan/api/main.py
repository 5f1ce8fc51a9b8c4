"""/api/v1: django-ninja, OpenAPI at /api/v1/openapi.json, bearer tokens.

Handlers are thin: they call selectors and services, and every read of scoped data goes
through ``visible_to(user)`` (``saphan.policy``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from saphan.api.auth import BearerToken
from saphan.core.errors import in_both_languages, validation_error_payload

api = NinjaAPI(
    title="Saphan API",
    version="1",
    description=(
        "Saphan (สะพาน) API. Authenticate with `Authorization: Bearer <token>`; create a "
        "token with `saphan token create USERNAME`. Every endpoint returns only what the "
        "token's user may see."
    ),
    auth=BearerToken(),
    urls_namespace="api-v1",
    # The interactive docs page loads Swagger UI from a CDN; Saphan serves no CDN assets.
    # The schema itself is at /api/v1/openapi.json.
    docs_url=None,
)


def _error(request: HttpRequest, status: int, code: str, message: Any) -> HttpResponse:
    both = in_both_languages(message)
    return api.create_response(
        request, {"detail": both["en"], "detail_th": both["th"], "code": code}, status=status
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _error(
        request, 401, "unauthorized", _("Missing, malformed, expired or revoked API token.")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "forbidden", _("Your role does not allow this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found, or not within your provinces."))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    body = validation_error_payload(exc)
    body["code"] = "invalid"
    return api.create_response(request, body, status=422)


@api.exception_handler(NinjaValidationError)
def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    both = in_both_languages(_("The request is not valid."))
    return api.create_response(
        request,
        {"detail": both["en"], "detail_th": both["th"], "code": "invalid", "errors": exc.errors},
        status=422,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "error", str(exc))


def _register_routers() -> None:
    from saphan.accounts.api import router as accounts_router
    from saphan.audit.api import router as audit_router
    from saphan.cases.api import referrals_router
    from saphan.cases.api import router as cases_router
    from saphan.geo.api import router as geo_router
    from saphan.notifications.api import router as notifications_router
    from saphan.orgs.api import router as orgs_router
    from saphan.outcomes.api import router as outcomes_router
    from saphan.people.api import router as people_router
    from saphan.reports.api import router as reports_router
    from saphan.rights.api import persons_router as rights_persons_router
    from saphan.rights.api import router as rights_router
    from saphan.watch.api import router as watch_router

    api.add_router("/", accounts_router)
    api.add_router("/geo", geo_router)
    api.add_router("/organisations", orgs_router)
    api.add_router("/audit", audit_router)
    api.add_router("/persons", people_router)
    # /persons/{id}/rights lives in the rights context, under the same prefix.
    api.add_router("/persons", rights_persons_router)
    api.add_router("/rights", rights_router)
    api.add_router("/watchlist", watch_router)
    api.add_router("/cases", cases_router)
    api.add_router("/referrals", referrals_router)
    api.add_router("/notifications", notifications_router)
    api.add_router("/outcomes", outcomes_router)
    api.add_router("/stats", reports_router)


_register_routers()
