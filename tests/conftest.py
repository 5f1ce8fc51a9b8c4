"""Shared fixtures and the CI rule: under CI=true nothing may be skipped.

A test that would skip because Chromium or PostgreSQL is missing fails in CI instead;
tests that only make sense on PostgreSQL are *deselected* on SQLite runs (reported as
deselected, never as passed) and run in the PostgreSQL pass of ``.ci/run``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tests.factories import OrganisationFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"Skipped under CI=true, which counts as a failure: {reason}"


@pytest.fixture(autouse=True)
def _expected_database(request: pytest.FixtureRequest) -> None:
    """``SAPHAN_EXPECT_DB=postgresql`` makes a misconfigured PostgreSQL pass fail loudly."""
    expected = os.environ.get("SAPHAN_EXPECT_DB")
    if expected and "django_db_setup" in request.fixturenames:
        assert connection.vendor == expected, f"tests ran on {connection.vendor}, not {expected}"


@pytest.fixture(autouse=True)
def _no_admin_mfa_by_default(settings: Any) -> None:
    # Tests that exercise the MFA requirement switch it back on explicitly.
    settings.SAPHAN_REQUIRE_ADMIN_MFA = False


@pytest.fixture
def make_org(db: None) -> Callable[..., Any]:
    def make(provinces: tuple[str, ...] = ("55",), **kwargs: Any) -> Any:
        org = OrganisationFactory(**kwargs)
        org.provinces.set(provinces)
        return org

    return make


@pytest.fixture
def make_user(db: None, make_org: Callable[..., Any]) -> Callable[..., Any]:
    def make(
        role: str = "field_worker",
        provinces: tuple[str, ...] = ("55",),
        organisation: Any = None,
        kind: str = "cso",
        **kwargs: Any,
    ) -> Any:
        if organisation is None and role != "administrator":
            organisation = make_org(provinces=provinces, kind=kind)
        return UserFactory(role=role, organisation=organisation, **kwargs)

    return make


@pytest.fixture
def field_worker_nan(make_user: Callable[..., Any]) -> Any:
    return make_user(role="field_worker", provinces=("55",), username="fw_nan")


@pytest.fixture
def administrator(make_user: Callable[..., Any]) -> Any:
    return make_user(role="administrator", username="the_admin", is_staff=True)
