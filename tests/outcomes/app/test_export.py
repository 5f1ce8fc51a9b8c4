"""``saphan outcomes indigo PROJECT``: what the app recorded, as an INDIGO document."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from saphan.audit.models import AccessLog
from saphan.outcomes.payments import payment_record, payment_request_approve, payment_request_send
from tests.outcomes.app.test_payments import prepared, verified  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_indigo_export_of_a_recorded_project(
    project: Any,
    verified: Any,  # noqa: F811
    users: Any,
    tmp_path: Path,
) -> None:
    request = prepared(project, users)
    payment_request_send(user=users["intermediary"], request=request)
    payment_request_approve(user=users["payer"], request=request)
    payment_record(user=users["intermediary"], request=request, paid_on=timezone.localdate())

    out = io.StringIO()
    call_command("outcomes", "indigo", project.code, "--csv", str(tmp_path), stdout=out)
    text = out.getvalue()
    doc = json.loads(text)
    assert doc["id"].endswith(project.code.upper()) or project.code in doc["id"]
    assert doc["data"]["name"]["value"] == "Home Hope Hub"
    # The payment the intermediary recorded, not a computed one.
    assert "35000" in text
    # Pseudonymous codes and names never leave.
    for participant in project.participants.all():
        assert participant.code not in text
        assert participant.person.full_name not in text
    tables = {p.stem for p in tmp_path.glob("*.csv")}
    assert tables and all((tmp_path / f"{t}.csv").read_text("utf-8") for t in tables)
    assert AccessLog.objects.filter(object_type="outcomes_project", action="export").exists()


def test_indigo_export_of_an_unknown_project() -> None:
    with pytest.raises(CommandError):
        call_command("outcomes", "indigo", "NOPE", stdout=io.StringIO(), stderr=io.StringIO())
