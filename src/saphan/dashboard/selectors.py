"""What a user's organisation and provinces hold, for the home page and province pages.

Every read goes through ``visible_to``; later contexts (people, watch, cases) add their
counts here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count

from saphan.accounts.models import User
from saphan.geo.models import District, Province
from saphan.orgs.models import Organisation

if TYPE_CHECKING:
    from saphan.accounts.models import User as UserType


@dataclass
class ProvinceSummary:
    province: Province
    district_count: int
    subdistrict_count: int
    organisations: list[Organisation]
    organisations_by_kind: dict[str, int] = field(default_factory=dict)
    user_count: int = 0


@dataclass
class HomeSummary:
    organisation: Organisation | None
    provinces: list[Province]
    all_provinces: bool
    organisation_count: int
    colleague_count: int


def home_summary(*, user: UserType) -> HomeSummary:
    provinces = Province.objects.visible_to(user)
    all_provinces = provinces.count() == Province.objects.count()
    return HomeSummary(
        organisation=user.organisation,
        provinces=list(provinces.order_by("name_th") if not all_provinces else provinces.project()),
        all_provinces=all_provinces,
        organisation_count=Organisation.objects.visible_to(user).filter(is_active=True).count(),
        colleague_count=User.objects.visible_to(user).filter(is_active=True).count(),
    )


def province_summary(*, province: Province, user: UserType) -> ProvinceSummary:
    organisations = list(
        Organisation.objects.visible_to(user)
        .filter(provinces=province, is_active=True)
        .order_by("kind", "name_th")
    )
    by_kind: dict[str, int] = {}
    for org in organisations:
        label = str(org.get_kind_display())
        by_kind[label] = by_kind.get(label, 0) + 1
    return ProvinceSummary(
        province=province,
        district_count=District.objects.filter(province=province).count(),
        subdistrict_count=province.subdistricts.count(),
        organisations=organisations,
        organisations_by_kind=by_kind,
        user_count=User.objects.visible_to(user)
        .filter(organisation__in=[o.pk for o in organisations], is_active=True)
        .count(),
    )


def district_table(*, province: Province) -> list[Any]:
    return list(
        District.objects.filter(province=province)
        .annotate(subdistrict_count=Count("subdistricts"))
        .values("code", "name_th", "name_en", "subdistrict_count")
        .order_by("code")
    )
