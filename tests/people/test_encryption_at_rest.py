"""Done-when of the registry: a raw SQL dump holds no plaintext identifier or phone."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest
from django.db import connection

from saphan.people.services import PersonData, person_register
from tests.people.conftest import make_national_id, sensitive_consent

NATIONAL_ID = make_national_id("123450067890")
PASSPORT = "AA7654321"
PHONE = "0867771234"
CARD = "DC55443322"


@pytest.mark.postgres_only
def test_pg_dump_contains_no_plaintext_identifier(transactional_db: None, make_user: Any) -> None:
    from saphan.geo.services import geography_load

    geography_load()  # transactional tests start from flushed tables
    worker = make_user(role="field_worker", provinces=("55",))
    person_register(
        user=worker,
        consent=sensitive_consent(),
        data=PersonData(
            given_name="สมหญิง",
            current_subdistrict_code="550101",
            national_id=NATIONAL_ID,
            other_documents=[("passport", PASSPORT)],
            phone=PHONE,
            disability_card_number=CARD,
            disabilities=[("hearing", "moderate")],
            civil_status="thai_registered",
        ),
    )
    settings = connection.settings_dict
    pg_dump = shutil.which("pg_dump") or "pg_dump"
    dump = subprocess.run(
        [
            pg_dump,
            "--data-only",
            "-h",
            str(settings["HOST"] or "127.0.0.1"),
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            str(settings["USER"] or "postgres"),
            str(settings["NAME"]),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert "สมหญิง" in dump  # the dump is real and holds the person's row
    assert "hearing" in dump and "thai_registered" in dump  # categorical data stays queryable
    for secret in (
        NATIONAL_ID,
        PASSPORT,
        PHONE,
        "086-777-1234",
        CARD,
        f"{NATIONAL_ID[0]}-{NATIONAL_ID[1:5]}-{NATIONAL_ID[5:10]}",
    ):
        assert secret not in dump, secret
