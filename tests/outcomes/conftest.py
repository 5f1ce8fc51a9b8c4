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
