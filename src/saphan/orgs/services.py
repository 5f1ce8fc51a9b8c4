"""Writes for organisations, and the record of the trainings their staff attended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.errors import SaphanValidationError, field_error
from saphan.geo.models import Province
from saphan.orgs.models import Organisation, OrganisationKind, Training, TrainingTopic

if TYPE_CHECKING:
    from django.http import HttpRequest

    from saphan.accounts.models import User

#: The same message (and translation) as the case services use for a date in the future.
DATE_IN_FUTURE = _("This date is in the future.")


def _provinces_from_codes(codes: Iterable[str]) -> list[Province]:
    wanted = sorted({c.strip() for c in codes if c and c.strip()})
    found = {p.code: p for p in Province.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise field_error(
            "provinces", _("Unknown province code: %(codes)s"), codes=", ".join(unknown)
        )
    return [found[c] for c in wanted]


def _validate(*, code: str, name_th: str, kind: str) -> None:
    errors = {}
    if not code:
        errors["code"] = _("A code is required.")
    if not name_th.strip():
        errors["name_th"] = _("The Thai name is required.")
    if kind not in OrganisationKind.values:
        errors["kind"] = _("Unknown kind of organisation.")
    if errors:
        raise SaphanValidationError(errors)


@transaction.atomic
def organisation_create(
    *, code: str, name_th: str, name_en: str = "", kind: str, province_codes: Iterable[str] = ()
) -> Organisation:
    _validate(code=code, name_th=name_th, kind=kind)
    provinces = _provinces_from_codes(province_codes)
    if Organisation.objects.filter(code=code).exists():
        raise SaphanValidationError({"code": _("An organisation with this code already exists.")})
    organisation = Organisation.objects.create(
        code=code, name_th=name_th.strip(), name_en=name_en.strip(), kind=kind
    )
    organisation.provinces.set(provinces)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    name_th: str,
    name_en: str = "",
    kind: str,
    province_codes: Iterable[str] = (),
    is_active: bool = True,
) -> Organisation:
    _validate(code=organisation.code, name_th=name_th, kind=kind)
    provinces = _provinces_from_codes(province_codes)
    organisation.name_th = name_th.strip()
    organisation.name_en = name_en.strip()
    organisation.kind = kind
    organisation.is_active = is_active
    organisation.save()
    organisation.provinces.set(provinces)
    return organisation


# -- trainings (capacity) ------------------------------------------------------------------

TRAINING_HOURS_MAX = Decimal("999.9")
TRAINING_TEXT_MAX = 200


def _require_capacity(user: User, organisation: Organisation) -> None:
    """The role needs ``view_capacity`` (403) and the organisation must be one whose
    capacity the user may see (``capacity.organisations_for_capacity``)."""
    from saphan.orgs.capacity import organisations_for_capacity

    policy.require(user, policy.Action.VIEW_CAPACITY)
    if not organisations_for_capacity(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied("out_of_scope")


def _hours(value: Decimal | int | float | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        hours = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return hours if hours.is_finite() else None


@transaction.atomic
def training_record(
    *,
    user: User,
    organisation: Organisation,
    attendee: User | None,
    title: str,
    topic: str,
    attended_on: dt.date | None,
    hours: Decimal | int | float | str | None,
    provider: str = "",
    request: HttpRequest | None = None,
) -> Training:
    """Record that a staff member of ``organisation`` attended a training. Needs
    ``view_capacity`` for that organisation; the attendee must be one of its members, the
    date not in the future, the hours more than 0."""
    _require_capacity(user, organisation)
    errors: dict[str, ValidationError] = {}
    if attendee is None:
        errors["attendee"] = ValidationError(_("Choose the staff member who attended."))
    elif attendee.organisation_id != organisation.pk:
        errors["attendee"] = ValidationError(
            _("%(name)s is not a member of %(organisation)s."),
            # The organisation's name in the language the message is shown in.
            params={
                "name": attendee.display_name,
                "organisation": lazy(lambda: organisation.name, str)(),
            },
        )
    title = (title or "").strip()
    if not title:
        errors["title"] = ValidationError(_("Give the title of the training."))
    elif len(title) > TRAINING_TEXT_MAX:
        errors["title"] = ValidationError(
            _("Keep it under %(max)s characters."), params={"max": TRAINING_TEXT_MAX}
        )
    provider = (provider or "").strip()
    if len(provider) > TRAINING_TEXT_MAX:
        errors["provider"] = ValidationError(
            _("Keep it under %(max)s characters."), params={"max": TRAINING_TEXT_MAX}
        )
    if topic not in TrainingTopic.values:
        errors["topic"] = ValidationError(_("Choose the topic of the training."))
    if attended_on is None:
        errors["attended_on"] = ValidationError(_("Give the date the training was attended."))
    elif attended_on > timezone.localdate():
        errors["attended_on"] = ValidationError(DATE_IN_FUTURE)
    amount = _hours(hours)
    if amount is None or amount <= 0:
        errors["hours"] = ValidationError(_("The hours must be more than 0."))
    elif amount > TRAINING_HOURS_MAX or amount != amount.quantize(Decimal("0.1")):
        errors["hours"] = ValidationError(
            _("Give the hours with at most one decimal, up to %(max)s."),
            params={"max": TRAINING_HOURS_MAX},
        )
    if errors:
        raise SaphanValidationError(errors)
    assert attendee is not None and attended_on is not None and amount is not None
    training = Training.objects.create(
        organisation=organisation,
        attendee=attendee,
        title=title,
        topic=topic,
        provider=provider,
        attended_on=attended_on,
        hours=amount,
        recorded_by=user,
    )
    access_log_record(
        user=user,
        action=AccessAction.CREATE,
        request=request,
        object_type="training",
        object_id=training.pk,
        detail={"organisation": organisation.code, "attendee": attendee.username},
    )
    return training


@transaction.atomic
def training_delete(*, user: User, training: Training, request: HttpRequest | None = None) -> None:
    """Remove a training recorded by mistake (its history keeps the deleted row)."""
    organisation = training.organisation
    _require_capacity(user, organisation)
    pk = training.pk
    training.delete()
    access_log_record(
        user=user,
        action=AccessAction.UPDATE,
        request=request,
        object_type="training",
        object_id=pk,
        detail={"organisation": organisation.code, "event": "deleted"},
    )
