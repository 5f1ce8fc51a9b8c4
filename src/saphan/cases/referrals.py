"""Writes for referrals: send (with the person's consent to sharing, or an audited
emergency override), and the receiver's accept, decline and report back.

A referral shares only what its sender chose (``shared_summary``, and the phone number
if ``share_phone``); the receiving organisation never sees the case itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.cases import choices as c
from saphan.cases.checks import (
    Errors,
    case_event_record,
    check_not_future,
    check_not_past,
    notify,
    organisation_case_users,
    referral_access_record,
    require_case_open,
    require_case_visible,
    require_manage,
    responsible_users,
)
from saphan.cases.models import Case, Referral
from saphan.orgs.models import Organisation, OrganisationKind
from saphan.people.models import Consent

#: An emergency override must say why, in a sentence, not a word.
OVERRIDE_REASON_MIN = 20
TEXT_MAX = 5000
#: Organisations that deliver services to people and so can receive referrals.
RECEIVING_KINDS = (
    OrganisationKind.CSO,
    OrganisationKind.AGENCY,
    OrganisationKind.PROVINCIAL_OFFICE,
    OrganisationKind.LOCAL_GOVERNMENT,
)
NO_SHARING_CONSENT = _(
    "The person has not consented to sharing their data with partner organisations. "
    "Record their consent on the person's Consent tab first."
)
NO_SHARING_CONSENT_OVERRIDE = _(
    "The person has not consented to sharing their data with partner organisations. "
    "Record their consent first or, in an emergency, give the reason for sharing without "
    "it (the override is audited)."
)


def sharing_consent(case: Case, day: dt.date | None = None) -> Consent | None:
    """The person's newest consent, active today, that covers sharing with partners."""
    return (
        Consent.objects.active_on(day or timezone.localdate())
        .filter(person_id=case.person_id, covers_sharing=True)
        .order_by("-given_on", "-id")
        .first()
    )


def _text(errors: Errors, name: str, value: str, *, required: Any = None) -> str:
    value = (value or "").strip()
    if required is not None and not value:
        errors.add(name, required)
    elif len(value) > TEXT_MAX:
        errors.add(name, _("Keep the notes under %(max)s characters."), max=TEXT_MAX)
    return value


def _link(referral: Referral) -> str:
    return reverse("cases:referral", args=[referral.uid])


def _owner_params(referral: Referral) -> dict[str, Any]:
    return {"organisation": referral.to_organisation.name, "case": referral.case.short_id}


@transaction.atomic
def referral_create(
    *,
    user: User,
    case: Case,
    to_organisation: Organisation,
    service_kind: str,
    reason: str,
    due_on: dt.date | None,
    shared_summary: str = "",
    share_phone: bool = False,
    override_reason: str = "",
    request: Any = None,
) -> Referral:
    """Refer the person to another organisation. Needs an active consent that covers
    sharing; without one, only roles with OVERRIDE_REFERRAL_CONSENT may send it, giving
    an emergency reason — then the basis is ``emergency_override`` and the override is
    written to the access log."""
    require_manage(user)
    require_case_visible(user, case)
    require_case_open(case)
    person = case.person
    consent = sharing_consent(case)
    override = override_reason.strip()
    may_override = policy.can(user, policy.Action.OVERRIDE_REFERRAL_CONSENT)
    if consent is None and override and not may_override:
        raise PermissionDenied("override_referral_consent")

    errors = Errors()
    if service_kind not in c.ServiceKind.values:
        errors.add("service_kind", _("Choose the service the person is referred for."))
    reason = _text(errors, "reason", reason, required=_("Say why the person is referred."))
    shared_summary = _text(errors, "shared_summary", shared_summary)
    if due_on is None:
        errors.add("due_on", _("Give the date by which the receiver should act."))
    check_not_past(errors, "due_on", due_on)
    if to_organisation.pk == case.organisation_id:
        errors.add("to_organisation", _("A case cannot be referred to its own organisation."))
    elif not to_organisation.is_active:
        errors.add("to_organisation", _("This organisation is no longer active in Saphan."))
    elif to_organisation.kind not in RECEIVING_KINDS:
        errors.add(
            "to_organisation",
            _("Refer to a civil-society organisation, an agency or a local government."),
        )
    elif not to_organisation.provinces.filter(code=person.province_id).exists():
        errors.add(
            "to_organisation",
            _("%(organisation)s does not work in %(province)s, where the person is served."),
            organisation=to_organisation.name,
            province=person.province.name,
        )
    if consent is None:
        if not override:
            errors.add(
                "consent", NO_SHARING_CONSENT_OVERRIDE if may_override else NO_SHARING_CONSENT
            )
        elif len(override) < OVERRIDE_REASON_MIN:
            errors.add(
                "override_reason",
                _("Explain the emergency in at least %(min)s characters."),
                min=OVERRIDE_REASON_MIN,
            )
    errors.raise_if_any()
    assert due_on is not None

    emergency = consent is None
    referral = Referral.objects.create(
        case=case,
        from_organisation=case.organisation,
        to_organisation=to_organisation,
        service_kind=service_kind,
        reason=reason,
        shared_summary=shared_summary,
        share_phone=share_phone,
        consent_basis=c.ConsentBasis.EMERGENCY_OVERRIDE if emergency else c.ConsentBasis.CONSENT,
        consent=consent,
        override_reason=override if emergency else "",
        override_by=user if emergency else None,
        due_on=due_on,
        created_by=user,
    )
    case_event_record(
        case=case,
        kind=c.EventKind.REFERRAL_OVERRIDE if emergency else c.EventKind.REFERRAL_SENT,
        actor=user,
        referral=referral.short_id,
        to=to_organisation.code,
        service=service_kind,
        due_on=due_on,
    )
    shared = {"summary": bool(shared_summary), "phone": share_phone}
    if emergency:
        referral_access_record(
            user=user,
            referral=referral,
            action=AccessAction.OVERRIDE,
            request=request,
            purpose="emergency referral without consent",
            detail={"to": to_organisation.code, "case": str(case.uid), "service": service_kind},
        )
    referral_access_record(
        user=user,
        referral=referral,
        action=AccessAction.SHARE,
        request=request,
        detail={
            "to": to_organisation.code,
            "case": str(case.uid),
            "basis": referral.consent_basis,
            "consent": consent.pk if consent else None,
            "shared": shared,
        },
    )
    notify(
        users=organisation_case_users(to_organisation.pk),
        kind="referral_received",
        # The case reference lets both organisations name the same case on the phone;
        # the receiver still cannot open it.
        params={"organisation": case.organisation.name, "case": case.short_id},
        link=_link(referral),
        key=f"referral-received:{referral.uid}",
    )
    return referral


def _require_receiver(user: User, referral: Referral) -> None:
    require_manage(user)
    if not Referral.objects.visible_to(user).filter(pk=referral.pk).exists():
        raise PermissionDenied("out_of_scope")
    if user.organisation_id != referral.to_organisation_id:
        raise PermissionDenied("not_receiver")


def _require_status(referral: Referral, *allowed: str) -> None:
    if referral.status in allowed:
        return
    if referral.status == c.ReferralStatus.CANCELLED:
        message = _("This referral was cancelled by the sender.")
    elif referral.status == c.ReferralStatus.PENDING:
        message = _("Accept the referral before reporting back.")
    else:
        message = _("This referral has already been answered (%(status)s).")
    raise ValidationError(
        {
            "status": ValidationError(
                message, params={"status": c.ReferralStatus(referral.status).label}
            )
        }
    )


def _receiver_event(user: User, referral: Referral, kind: str, request: Any, **params: Any) -> None:
    case_event_record(
        case=referral.case,
        kind=kind,
        actor=user,
        referral=referral.short_id,
        by=referral.to_organisation.code,
        **params,
    )
    referral_access_record(
        user=user,
        referral=referral,
        action=AccessAction.UPDATE,
        request=request,
        detail={"event": kind},
    )


@transaction.atomic
def referral_accept(
    *, user: User, referral: Referral, due_on: dt.date | None = None, request: Any = None
) -> Referral:
    """The receiver takes the referral on, keeping the due date or setting its own."""
    _require_receiver(user, referral)
    _require_status(referral, c.ReferralStatus.PENDING)
    require_case_open(referral.case)
    errors = Errors()
    check_not_past(errors, "due_on", due_on)
    errors.raise_if_any()
    referral.status = c.ReferralStatus.ACCEPTED
    referral.decided_by = user
    referral.decided_at = timezone.now()
    if due_on is not None:
        referral.due_on = due_on
    referral.save(update_fields=["status", "decided_by", "decided_at", "due_on"])
    _receiver_event(user, referral, c.EventKind.REFERRAL_ACCEPTED, request, due_on=referral.due_on)
    notify(
        users=responsible_users(referral.case),
        kind="referral_accepted",
        params=_owner_params(referral),
        link=reverse("cases:detail", args=[referral.case.uid]),
        key=f"referral-accepted:{referral.uid}",
    )
    return referral


@transaction.atomic
def referral_decline(
    *, user: User, referral: Referral, reason: str, request: Any = None
) -> Referral:
    _require_receiver(user, referral)
    _require_status(referral, c.ReferralStatus.PENDING)
    errors = Errors()
    reason = _text(
        errors,
        "decline_reason",
        reason,
        required=_("Say why the referral is declined, so the sender can look elsewhere."),
    )
    errors.raise_if_any()
    referral.status = c.ReferralStatus.DECLINED
    referral.decided_by = user
    referral.decided_at = timezone.now()
    referral.decline_reason = reason
    referral.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    _receiver_event(user, referral, c.EventKind.REFERRAL_DECLINED, request)
    notify(
        users=responsible_users(referral.case),
        kind="referral_declined",
        params=_owner_params(referral),
        link=reverse("cases:detail", args=[referral.case.uid]),
        key=f"referral-declined:{referral.uid}",
    )
    return referral


@transaction.atomic
def referral_report(
    *,
    user: User,
    referral: Referral,
    report: str,
    completed_on: dt.date | None = None,
    request: Any = None,
) -> Referral:
    """The receiver reports what it did. Allowed after the case was closed: the report
    belongs to the receiver's referral, not to the closed case."""
    _require_receiver(user, referral)
    _require_status(referral, c.ReferralStatus.ACCEPTED)
    errors = Errors()
    report = _text(errors, "report_back", report, required=_("Say what was done."))
    check_not_future(errors, "completed_on", completed_on)
    if completed_on is not None and completed_on < timezone.localdate(referral.created_at):
        errors.add("completed_on", _("This is before the referral was sent."))
    errors.raise_if_any()
    referral.status = c.ReferralStatus.COMPLETED
    referral.report_back = report
    referral.completed_on = completed_on or timezone.localdate()
    referral.reported_by = user
    referral.save(update_fields=["status", "report_back", "completed_on", "reported_by"])
    _receiver_event(
        user, referral, c.EventKind.REFERRAL_REPORTED, request, completed_on=referral.completed_on
    )
    notify(
        users=responsible_users(referral.case),
        kind="referral_reported_back",
        params=_owner_params(referral),
        link=reverse("cases:detail", args=[referral.case.uid]),
        key=f"referral-reported:{referral.uid}",
    )
    return referral


@transaction.atomic
def referral_cancel(*, user: User, referral: Referral, request: Any = None) -> Referral:
    """The sender withdraws a referral that the receiver has not finished."""
    require_manage(user)
    case = referral.case
    require_case_visible(user, case)
    require_case_open(case)
    _require_status(referral, *c.OPEN_REFERRAL_STATUSES)
    referral.status = c.ReferralStatus.CANCELLED
    referral.save(update_fields=["status"])
    case_event_record(
        case=case,
        kind=c.EventKind.REFERRAL_CANCELLED,
        actor=user,
        referral=referral.short_id,
        to=referral.to_organisation.code,
    )
    referral_access_record(
        user=user,
        referral=referral,
        action=AccessAction.UPDATE,
        request=request,
        detail={"event": c.EventKind.REFERRAL_CANCELLED},
    )
    return referral
