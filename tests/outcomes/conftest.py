"""The outcomes tests read messages in English: the domain's wording is checked here,
the Thai catalogue by tests/core/test_i18n.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(request: pytest.FixtureRequest, settings: Any) -> Iterator[None]:
    if "/outcomes/web/" in str(request.path):
        # Pages render in the visitor's language (Thai by default), as users see them.
        yield
        return
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _ledger_triggers(request: pytest.FixtureRequest) -> None:
    """A browser test drops the SQLite DELETE triggers for its teardown flush; every
    outcomes test that uses the database gets them back (idempotent)."""
    if {"db", "transactional_db"} & set(request.fixturenames):
        from saphan.outcomes.ledger_db import sqlite_delete_triggers_restore

        request.getfixturevalue("db")
        sqlite_delete_triggers_restore()
