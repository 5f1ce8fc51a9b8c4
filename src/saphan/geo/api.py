from django.http import Http404, HttpRequest
from ninja import Router, Schema

from saphan import policy
from saphan.api.auth import api_user
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.dashboard.selectors import province_summary
from saphan.geo.models import Province, Subdistrict
from saphan.geo.selectors import district_list, subdistrict_get, subdistrict_list

router = Router(tags=["geography"])


class ProvinceOut(Schema):
    code: str
    name_th: str
    name_en: str
    is_project_province: bool


class DistrictOut(Schema):
    code: str
    name_th: str
    name_en: str
    province_code: str


class SubdistrictOut(Schema):
    code: str
    name_th: str
    name_en: str
    district_code: str
    province_code: str
    postal_codes: list[str]


class OrganisationRef(Schema):
    id: int
    code: str
    name_th: str
    kind: str


class ProvinceSummaryOut(Schema):
    province: ProvinceOut
    district_count: int
    subdistrict_count: int
    organisations: list[OrganisationRef]
    user_count: int


def _province_out(p: Province) -> ProvinceOut:
    return ProvinceOut(
        code=p.code, name_th=p.name_th, name_en=p.name_en, is_project_province=p.is_project_province
    )


@router.get("/provinces", response=list[ProvinceOut], summary="All 77 provinces (reference)")
def provinces(request: HttpRequest, project_only: bool = False) -> list[ProvinceOut]:
    qs = Province.objects.all()
    if project_only:
        qs = qs.project()
    return [_province_out(p) for p in qs]


@router.get("/provinces/{code}/districts", response=list[DistrictOut])
def districts(request: HttpRequest, code: str) -> list[DistrictOut]:
    if not Province.objects.filter(code=code).exists():
        raise Http404
    return [
        DistrictOut(code=d.code, name_th=d.name_th, name_en=d.name_en, province_code=d.province_id)
        for d in district_list(province_code=code)
    ]


@router.get("/districts/{code}/subdistricts", response=list[SubdistrictOut])
def subdistricts(request: HttpRequest, code: str) -> list[SubdistrictOut]:
    rows = list(subdistrict_list(district_code=code))
    if not rows:
        raise Http404
    return [_subdistrict_out(s) for s in rows]


@router.get("/subdistricts/{code}", response=SubdistrictOut)
def subdistrict(request: HttpRequest, code: str) -> SubdistrictOut:
    s = subdistrict_get(code=code)
    if s is None:
        raise Http404
    return _subdistrict_out(s)


def _subdistrict_out(s: Subdistrict) -> SubdistrictOut:
    return SubdistrictOut(
        code=s.code,
        name_th=s.name_th,
        name_en=s.name_en,
        district_code=s.district_id,
        province_code=s.province_id,
        postal_codes=[c for c in s.postal_codes.split(",") if c],
    )


@router.get(
    "/provinces/{code}/summary",
    response=ProvinceSummaryOut,
    summary="What the caller's organisation holds in a province (404 outside their scope)",
)
def province_summary_view(request: HttpRequest, code: str) -> ProvinceSummaryOut:
    user = api_user(request)
    province = Province.objects.visible_to(user).filter(code=code).first()
    if province is None:
        if Province.objects.filter(code=code).exists():
            access_log_record(
                user=user,
                action=AccessAction.DENIED,
                request=request,
                object_type="province",
                object_id=code,
                province_code=code,
            )
        raise Http404
    summary = province_summary(province=province, user=user)
    policy.require(user, policy.Action.VIEW_PROVINCE)
    return ProvinceSummaryOut(
        province=_province_out(province),
        district_count=summary.district_count,
        subdistrict_count=summary.subdistrict_count,
        organisations=[
            OrganisationRef(id=o.pk, code=o.code, name_th=o.name_th, kind=o.kind)
            for o in summary.organisations
        ],
        user_count=summary.user_count,
    )
