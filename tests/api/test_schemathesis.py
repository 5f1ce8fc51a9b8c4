"""Property-based API tests: every operation, generated inputs, zero server errors."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from saphan.accounts.services import api_token_create
from saphan.wsgi import application


@pytest.fixture
def api_schema(db: None) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def bearer(make_user: Any) -> dict[str, str]:
    # An administrator reaches every endpoint, so every handler is exercised.
    admin = make_user(role="administrator", username="schema_admin")
    _, raw = api_token_create(user=admin)
    return {"Authorization": f"Bearer {raw}"}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@pytest.mark.django_db
def test_api_never_answers_with_a_server_error(case: Any, bearer: dict[str, str]) -> None:
    case.call_and_validate(headers=bearer,
                           checks=[not_a_server_error, response_schema_conformance])
