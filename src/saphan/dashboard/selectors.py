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
    person_count: int | None = None
    people_by_group: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class HomeSummary:
    organisation: Organisation | None
    provinces: list[Province]
    all_provinces: bool
    organisation_count: int
    colleague_count: int
    person_count: int | None = None  # None: the role reads no person records
    people_by_group: list[tuple[str, int]] = field(default_factory=list)


def _people_counts(user: UserType, **filters: object) -> tuple[int | None, list[tuple[str, int]]]:
    from saphan import policy
    from saphan.people.choices import PopulationGroup
    from saphan.people.models import Person, PersonGroup

    if not policy.can(user, policy.Action.VIEW_PEOPLE):
        return None, []
    people = Person.objects.visible_to(user).filter(**filters)
    rows = dict(
        PersonGroup.objects.filter(person__in=people.values("pk"))
        .values_list("group")
        .annotate(n=Count("pk"))
        .values_list("group", "n")
    )
    labels = dict(PopulationGroup.choices)
    return people.count(), [(str(labels[g]), rows.get(g, 0)) for g in PopulationGroup.values]


def home_summary(*, user: UserType) -> HomeSummary:
    provinces = Province.objects.visible_to(user)
    all_provinces = provinces.count() == Province.objects.count()
    person_count, by_group = _people_counts(user)
    return HomeSummary(
        person_count=person_count,
        people_by_group=by_group,
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
    person_count, by_group = _people_counts(user, province=province)
    return ProvinceSummary(
        person_count=person_count,
        people_by_group=by_group,
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
