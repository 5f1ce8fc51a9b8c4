"""Writes for organisations."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from saphan.core.errors import SaphanValidationError, field_error
from saphan.geo.models import Province
from saphan.orgs.models import Organisation, OrganisationKind


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
