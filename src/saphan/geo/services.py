"""Loading Thai geography from the geothai package (GeoThai/data, CC BY 4.0)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geothai
from django.conf import settings
from django.db import transaction


@dataclass(frozen=True)
class GeographyCounts:
    provinces: int
    districts: int
    subdistricts: int
    project_provinces: int


def geography_load(
    *, province_model: Any = None, district_model: Any = None, subdistrict_model: Any = None
) -> GeographyCounts:
    """Insert or update every province, district and subdistrict; safe to run again.

    The model arguments let the data migration pass its historical models.
    """
    from saphan.geo.models import District, Province, Subdistrict

    province_model = province_model or Province
    district_model = district_model or District
    subdistrict_model = subdistrict_model or Subdistrict
    project = set(settings.SAPHAN_PROJECT_PROVINCES)

    provinces = [
        province_model(
            code=p.code, name_th=p.name_th, name_en=p.name_en, is_project_province=p.code in project
        )
        for p in geothai.provinces()
    ]
    districts = [
        district_model(
            code=d.code, name_th=d.name_th, name_en=d.name_en, province_id=d.province_code
        )
        for p in geothai.provinces()
        for d in geothai.districts(p.code)
    ]
    subdistricts = [
        subdistrict_model(
            code=s.code,
            name_th=s.name_th,
            name_en=s.name_en,
            district_id=s.district_code,
            province_id=s.province_code,
            postal_codes=",".join(s.postal_codes),
        )
        for d in districts
        for s in geothai.subdistricts(d.code)
    ]
    with transaction.atomic():
        province_model.objects.bulk_create(
            provinces,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name_th", "name_en", "is_project_province"],
        )
        district_model.objects.bulk_create(
            districts,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name_th", "name_en", "province"],
        )
        subdistrict_model.objects.bulk_create(
            subdistricts,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name_th", "name_en", "district", "province", "postal_codes"],
        )
    return geography_counts(province_model, district_model, subdistrict_model)


def geography_counts(
    province_model: Any = None, district_model: Any = None, subdistrict_model: Any = None
) -> GeographyCounts:
    from saphan.geo.models import District, Province, Subdistrict

    province_model = province_model or Province
    return GeographyCounts(
        provinces=province_model.objects.count(),
        districts=(district_model or District).objects.count(),
        subdistricts=(subdistrict_model or Subdistrict).objects.count(),
        project_provinces=province_model.objects.filter(is_project_province=True).count(),
    )
