"""Property-based API tests: every operation, generated inputs, zero server errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from saphan.accounts.services import api_token_create
from saphan.wsgi import application


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    # Calling the WSGI handler directly fires request_finished, whose
    # close_old_connections would close the test's transaction on PostgreSQL;
    # Django's own test client disconnects it the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(make_user: Any) -> dict[str, str]:
    # An administrator reaches every endpoint, so every handler is exercised.
    admin = make_user(role="administrator", username="schema_admin")
    _, raw = api_token_create(user=admin)
    return {"Authorization": f"Bearer {raw}"}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_api_never_answers_with_a_server_error(case: Any, bearer: dict[str, str]) -> None:
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])
