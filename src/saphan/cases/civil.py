"""Civil-status procedures as tracked steps: nationality verification or late civil
registration (documents, witnesses, DNA test, registrar interview, decision, ID card).

Civil status is sensitive data in Saphan (``people.choices.SENSITIVE_FIELDS``), so the
steps follow the registry's rule: they are recorded only while the person's consent for
sensitive data or a legal basis holds. When a step moves the person further on, the
registry's ``verification_stage`` is updated through ``people.services.person_patch``
(its own checks and access-log row), if the user may edit people.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.cases import choices as c
from saphan.cases.checks import (
    Errors,
    case_access_record,
    case_event_record,
    check_not_future,
    check_not_past,
    require_case_open,
    require_case_visible,
    require_manage,
)
from saphan.cases.models import Case, CivilStep
from saphan.people.choices import VerificationStage
from saphan.people.consents import _check_evidence, _evidence_suffix
from saphan.people.models import Person

NOTE_MAX = 2000
NEEDS_SENSITIVE_BASIS = _(
    "Civil status is sensitive data: record the person's consent for sensitive data, or a "
    "legal basis, before tracking these steps."
)
#: How far each registry stage is; the registry is only ever moved forward by a case.
_V = VerificationStage
_RANK = {
    "": 0,
    _V.NOT_STARTED: 0,
    _V.DOCUMENTS: 1,
    _V.WITNESSES: 2,
    _V.DNA_TEST: 3,
    _V.INTERVIEW: 4,
    _V.AWAITING_DECISION: 5,
    _V.APPROVED: 6,
    _V.REJECTED: 6,
    _V.ID_CARD_ISSUED: 7,
}


def _guard(user: User, case: Case) -> None:
    require_manage(user)
    require_case_visible(user, case)
    require_case_open(case)


def _check_common(
    errors: Errors, *, note: str, document: UploadedFile | None, due_on: dt.date | None
) -> None:
    if len(note) > NOTE_MAX:
        errors.add("note", _("Keep the notes under %(max)s characters."), max=NOTE_MAX)
    if document is not None:
        _check_evidence(errors, document)
        if "evidence" in errors.items:
            errors.items["document"] = errors.items.pop("evidence")
    check_not_past(errors, "due_on", due_on)


def _save_document(step: CivilStep, document: UploadedFile | None) -> None:
    if document is not None:
        step.document.save(f"civil-step-{step.pk}{_evidence_suffix(document)}", document)


def _registry_sync(user: User, person: Person, stage: str, request: Any) -> bool:
    """Move the person's verification stage forward in the registry. Done through the
    registry's own service, inside a savepoint: if the registry refuses (role, consent),
    the case step still stands and the registry keeps its value."""
    if _RANK.get(stage, 0) <= _RANK.get(person.verification_stage, 0):
        return False
    if not person.sensitive_basis or not policy.can(user, policy.Action.EDIT_PEOPLE):
        return False
    from saphan.people.services import person_patch

    try:
        with transaction.atomic():
            person_patch(
                user=user, person=person, changes={"verification_stage": stage}, request=request
            )
    except (ValidationError, PermissionDenied):
        return False
    return True


@transaction.atomic
def civil_step_record(
    *,
    user: User,
    case: Case,
    step: str,
    started_on: dt.date | None = None,
    due_on: dt.date | None = None,
    note: str = "",
    document: UploadedFile | None = None,
    request: Any = None,
) -> CivilStep:
    """Start tracking one step (each step once per case)."""
    _guard(user, case)
    person = case.person
    errors = Errors()
    if not person.sensitive_basis:
        errors.add("step", NEEDS_SENSITIVE_BASIS)
    if step not in c.CivilStepKind.values:
        errors.add("step", _("Unknown value “%(value)s”."), value=step)
    elif case.civil_steps.filter(step=step).exists():
        errors.add("step", _("This step is already recorded on the case."))
    check_not_future(errors, "started_on", started_on)
    _check_common(errors, note=note, document=document, due_on=due_on)
    errors.raise_if_any()
    civil = CivilStep.objects.create(
        case=case,
        step=step,
        started_on=started_on or timezone.localdate(),
        due_on=due_on,
        note=note.strip(),
        recorded_by=user,
    )
    _save_document(civil, document)
    case_event_record(case=case, kind=c.EventKind.CIVIL_STEP, actor=user, step=step, due_on=due_on)
    case_access_record(
        user=user,
        case=case,
        action=AccessAction.UPDATE,
        request=request,
        detail={"event": c.EventKind.CIVIL_STEP},
    )
    _registry_sync(user, person, step, request)
    return civil


@transaction.atomic
def civil_step_done(
    *,
    user: User,
    step: CivilStep,
    done_on: dt.date | None = None,
    decision: str = "",
    note: str = "",
    document: UploadedFile | None = None,
    request: Any = None,
) -> CivilStep:
    """Mark a step done; the decision step needs its result (approved or rejected)."""
    case = step.case
    _guard(user, case)
    errors = Errors()
    if not case.person.sensitive_basis:
        errors.add("step", NEEDS_SENSITIVE_BASIS)
    if step.done_on is not None:
        errors.add("done_on", _("This step is already done."))
    check_not_future(errors, "done_on", done_on)
    day = done_on or timezone.localdate()
    if day < step.started_on:
        errors.add("done_on", _("A step cannot be done before it started."))
    if step.step == c.CivilStepKind.DECISION:
        if decision not in c.CivilDecision.values:
            errors.add("decision", _("Record the decision: approved or rejected."))
    elif decision:
        errors.add("decision", _("Only the decision step has a result."))
    _check_common(errors, note=note, document=document, due_on=None)
    errors.raise_if_any()
    step.done_on = day
    step.decision = decision
    if note.strip():
        step.note = f"{step.note}\n{note.strip()}".strip()
    step.save(update_fields=["done_on", "decision", "note"])
    _save_document(step, document)
    case_event_record(
        case=case,
        kind=c.EventKind.CIVIL_STEP_DONE,
        actor=user,
        step=step.step,
        done_on=day,
        decision=decision,
    )
    case_access_record(
        user=user,
        case=case,
        action=AccessAction.UPDATE,
        request=request,
        detail={"event": c.EventKind.CIVIL_STEP_DONE},
    )
    _registry_sync(user, case.person, decision or step.step, request)
    return step
