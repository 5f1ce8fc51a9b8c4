from django.http import HttpRequest
from ninja import Router, Schema

from saphan import policy
from saphan.api.auth import api_user
from saphan.orgs.models import Organisation, OrganisationKind

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    code: str
    name_th: str
    name_en: str
    kind: OrganisationKind
    province_codes: list[str]
    is_active: bool


def organisation_out(o: Organisation) -> OrganisationOut:
    return OrganisationOut(
        id=o.pk,
        code=o.code,
        name_th=o.name_th,
        name_en=o.name_en,
        kind=OrganisationKind(o.kind),
        province_codes=sorted(p.code for p in o.provinces.all()),
        is_active=o.is_active,
    )


@router.get(
    "",
    response=list[OrganisationOut],
    summary="Organisations you can see: yours and those working in your provinces",
)
def organisation_list(
    request: HttpRequest, kind: OrganisationKind | None = None, province: str | None = None
) -> list[OrganisationOut]:
    qs = Organisation.objects.visible_to(api_user(request)).prefetch_related("provinces")
    if kind:
        qs = qs.filter(kind=kind)
    if province:
        qs = qs.filter(provinces__code=province)
    return [organisation_out(o) for o in qs.distinct()]


@router.get("/{organisation_id}", response=OrganisationOut)
def organisation_detail(request: HttpRequest, organisation_id: int) -> OrganisationOut:
    org = policy.get_visible_or_404(
        Organisation.objects.prefetch_related("provinces"),
        api_user(request),
        pk=organisation_id,
    )
    return organisation_out(org)
