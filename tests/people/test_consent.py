from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from saphan.audit.models import AccessLog
from saphan.people.consents import ConsentData, consent_record
from saphan.people.partialdate import PartialDate
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% consent form\n"


def test_a_child_aged_ten_or_under_cannot_consent_alone(register: Any, nan_worker: Any) -> None:
    child = register(birth_date=PartialDate(2018, 1, 1))
    alone = ConsentData(purpose="ลงทะเบียน", given_on=dt.date(2026, 11, 1))
    with pytest.raises(ValidationError) as info:
        consent_record(user=nan_worker, person=child, data=alone)
    assert "consent_given_by" in info.value.message_dict
    guardian = ConsentData(
        purpose="ลงทะเบียน",
        given_on=dt.date(2026, 11, 1),
        given_by="guardian",
        guardian_name="นางแม่ ใจดี",
    )
    assert consent_record(user=nan_worker, person=child, data=guardian).pk
    with pytest.raises(ValidationError):
        register(birth_date=PartialDate(2019), consent=alone)


def test_evidence_is_checked_stored_and_served_through_the_policy(
    client: Client, register: Any, nan_worker: Any, make_user: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    person = register()
    client.login(username=nan_worker.username, password=TEST_PASSWORD)
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    client.post(
        f"/people/{person.uid}/consents/",
        {"purpose": "ลงทะเบียน", "given_by": "self", "given_on": "2026-11-01", "evidence": fake},
    )
    assert person.consents.count() == 0
    real = SimpleUploadedFile("form.pdf", PDF, content_type="application/pdf")
    client.post(
        f"/people/{person.uid}/consents/",
        {
            "purpose": "ลงทะเบียน",
            "given_by": "self",
            "given_on": "2026-11-01",
            "covers_sensitive": "on",
            "evidence": real,
        },
    )
    consent = person.consents.get()
    assert consent.evidence.name.endswith(".pdf")
    download = client.get(f"/people/{person.uid}/consents/{consent.pk}/evidence/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AccessLog.objects.filter(object_type="consent_evidence").count() == 1
    outsider = make_user(role="case_manager", provinces=("94",))
    client.login(username=outsider.username, password=TEST_PASSWORD)
    assert client.get(f"/people/{person.uid}/consents/{consent.pk}/evidence/").status_code == 404
