"""Reads of Thai geography."""

from __future__ import annotations

from django.db.models import QuerySet

from saphan.geo.models import District, Province, Subdistrict


def province_get(*, code: str) -> Province | None:
    return Province.objects.filter(code=code).first()


def district_list(*, province_code: str) -> QuerySet[District]:
    return District.objects.filter(province_id=province_code).order_by("code")


def subdistrict_list(*, district_code: str) -> QuerySet[Subdistrict]:
    return Subdistrict.objects.filter(district_id=district_code).order_by("code")


def subdistrict_get(*, code: str) -> Subdistrict | None:
    return Subdistrict.objects.select_related("district", "province").filter(code=code).first()
