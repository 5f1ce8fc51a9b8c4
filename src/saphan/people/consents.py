"""Writes for PDPA consent: record, withdraw, evidence files, and the sensitive-data basis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.people import choices as c
from saphan.people.checks import Errors, require_edit, require_visible
from saphan.people.followups import registry_changed
from saphan.people.models import (
    Consent,
    Person,
)
from saphan.people.partialdate import PartialDate


@dataclass
class ConsentData:
    purpose: str
    given_on: dt.date
    covers_basic: bool = True
    covers_sensitive: bool = False
    covers_sharing: bool = False
    given_by: str = c.ConsentGiver.SELF
    guardian_name: str = ""
    guardian_relationship: str = ""


def person_sensitive_basis_refresh(person: Person) -> str:
    today = timezone.localdate()
    if person.consents.active_on(today).filter(covers_sensitive=True).exists():
        basis = c.SensitiveBasis.CONSENT
    elif person.legal_basis:
        basis = c.SensitiveBasis.LEGAL
    else:
        basis = c.SensitiveBasis.NONE
    if person.sensitive_basis != basis:
        person.sensitive_basis = basis
        Person.objects.filter(pk=person.pk).update(sensitive_basis=basis)
    return basis


#: PDPA s.20: a minor aged 10 or under cannot consent alone; a guardian consents.
CHILD_CONSENT_MAX_AGE = 10
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
_EVIDENCE_MAGIC = {b"%PDF": ".pdf", b"\x89PNG": ".png", b"\xff\xd8\xff": ".jpg"}


def consent_check(errors: Errors, data: ConsentData, birth: PartialDate | None) -> None:
    if not data.purpose.strip():
        errors.add("consent_purpose", _("Say what the consent is for."))
    if data.given_on > timezone.localdate():
        errors.add("consent_given_on", _("This date is in the future."))
    if data.given_by == c.ConsentGiver.GUARDIAN and not data.guardian_name.strip():
        errors.add("guardian_name", _("Give the guardian's name."))
    if (
        data.given_by == c.ConsentGiver.SELF
        and birth is not None
        and birth.age_on(min(data.given_on, timezone.localdate())) <= CHILD_CONSENT_MAX_AGE
    ):
        errors.add(
            "consent_given_by",
            _("A child aged 10 or under cannot consent alone: record the guardian who consents."),
        )


def _evidence_suffix(evidence: UploadedFile) -> str:
    head = evidence.read(8)
    evidence.seek(0)
    return next((suffix for magic, suffix in _EVIDENCE_MAGIC.items() if head.startswith(magic)), "")


def _check_evidence(errors: Errors, evidence: UploadedFile) -> None:
    if (evidence.size or 0) > EVIDENCE_MAX_BYTES:
        errors.add("evidence", _("The file is larger than 5 MB."))
    elif not _evidence_suffix(evidence):
        errors.add("evidence", _("Only PDF, PNG or JPEG files can be attached."))


@transaction.atomic
def consent_record(
    *,
    user: User,
    person: Person,
    data: ConsentData,
    evidence: UploadedFile | None = None,
    request: Any = None,
    log: bool = True,
) -> Consent:
    errors = Errors()
    consent_check(errors, data, person.birth_date)
    if evidence is not None:
        _check_evidence(errors, evidence)
    errors.raise_if_any()
    assert user.organisation is not None
    consent = Consent.objects.create(
        person=person,
        purpose=data.purpose.strip(),
        covers_basic=data.covers_basic,
        covers_sensitive=data.covers_sensitive,
        covers_sharing=data.covers_sharing,
        given_by=data.given_by,
        guardian_name=data.guardian_name,
        guardian_relationship=data.guardian_relationship,
        given_on=data.given_on,
        recorded_by=user,
        organisation=user.organisation,
    )
    if evidence is not None:
        consent.evidence.save(f"consent-{consent.pk}{_evidence_suffix(evidence)}", evidence)
    person_sensitive_basis_refresh(person)
    registry_changed(person_ids=[person.pk])
    if log:
        access_log_record(
            user=user,
            action=AccessAction.UPDATE,
            request=request,
            object_type="consent",
            object_id=str(person.uid),
            province_code=person.province_id,
            detail={"event": "given"},
        )
    return consent


@transaction.atomic
def consent_withdraw(
    *, user: User, consent: Consent, on: dt.date | None = None, request: Any = None
) -> Consent:
    require_edit(user)
    person = consent.person
    require_visible(user, person)
    if consent.withdrawn_on is not None:
        raise ValidationError(
            {"withdrawn_on": ValidationError(_("This consent was already withdrawn."))}
        )
    consent.withdrawn_on = on or timezone.localdate()
    consent.save(update_fields=["withdrawn_on"])
    person_sensitive_basis_refresh(person)
    registry_changed(person_ids=[person.pk])
    access_log_record(
        user=user,
        action=AccessAction.UPDATE,
        request=request,
        object_type="consent",
        object_id=str(person.uid),
        province_code=person.province_id,
        detail={"event": "withdrawn", "consent": consent.pk},
    )
    return consent
