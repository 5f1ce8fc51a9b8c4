import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from saphan import policy
from saphan.api.auth import api_user
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.people.checks import person_access_record
from saphan.people.models import Person
from saphan.rights.choices import RightStatus
from saphan.rights.selectors import (
    MAX_PAGE,
    RightRow,
    person_rights,
    rights_gap_summary,
    rights_gaps,
)
from saphan.rights.services import person_right_record

#: Mounted at /api/v1/persons: GET /persons/{id}/rights.
persons_router = Router(tags=["rights"])
#: Mounted at /api/v1/rights.
router = Router(tags=["rights"])


class RightOut(Schema):
    scheme: str
    name_th: str
    name_en: str
    means_tested: bool
    is_cash: bool
    agency_th: str
    agency_en: str
    eligibility: str = Field(description="eligible, not_eligible, check_income or unknown")
    unknown_reason: str = Field(description="no_basis or no_civil_status when unknown")
    status: str = Field(description="applied, receiving, refused, or '' (nothing recorded)")
    status_derived: bool = Field(description="status taken from the verification stage")
    status_on: dt.date | None
    reason: str
    monthly_amount: Decimal = Field(description="baht a month on the day (0 if not cash)")
    in_gap: bool = Field(description="eligible and not receiving")
    missing_monthly: Decimal = Field(description="baht a month missed (0 if not in gap)")


class PersonRightsOut(Schema):
    person_id: str
    day: dt.date
    missing_monthly_total: Decimal
    rights: list[RightOut]


class RightIn(Schema):
    scheme: str
    status: RightStatus
    status_on: dt.date
    reason: str = ""


class GapSummaryOut(Schema):
    province_code: str
    province_name_th: str
    province_name_en: str
    scheme: str
    people: int
    missing_monthly: Decimal


class GapItemOut(Schema):
    person_id: str
    name: str
    province_code: str
    district_code: str | None
    scheme: str
    monthly_amount: Decimal
    status: str = Field(description="'' (not applied), applied or refused")


class GapsOut(Schema):
    day: dt.date
    total_people: int = Field(description="person × scheme pairs in the gap")
    total_missing_monthly: Decimal
    summary: list[GapSummaryOut]
    count: int
    limit: int
    offset: int
    items: list[GapItemOut]


def _person(request: HttpRequest, person_id: str) -> Person:
    try:
        uid = uuid.UUID(person_id)
    except ValueError as exc:
        raise Http404 from exc
    return policy.get_visible_or_404(
        Person.objects.all(), api_user(request), request=request, uid=uid
    )


def _right(row: RightRow) -> dict[str, Any]:
    s = row.scheme
    return {
        "scheme": s.code,
        "name_th": s.name_th,
        "name_en": s.name_en,
        "means_tested": s.means_tested,
        "is_cash": s.is_cash,
        "agency_th": s.agency_th,
        "agency_en": s.agency_en,
        "eligibility": row.eligibility,
        "unknown_reason": row.unknown_reason,
        "status": row.status,
        "status_derived": row.derived,
        "status_on": row.record.status_on if row.record else None,
        "reason": row.record.reason if row.record else "",
        "monthly_amount": row.monthly_amount,
        "in_gap": row.in_gap,
        "missing_monthly": row.missing_monthly,
    }


def _rights(request: HttpRequest, person: Person) -> dict[str, Any]:
    rows = person_rights(user=api_user(request), person=person)
    return {
        "person_id": str(person.uid),
        "day": timezone.localdate(),
        "missing_monthly_total": sum((r.missing_monthly for r in rows), Decimal("0.00")),
        "rights": [_right(r) for r in rows],
    }


@persons_router.get(
    "/{person_id}/rights", response=PersonRightsOut, summary="A person's welfare rights"
)
def person_rights_get(request: HttpRequest, person_id: str) -> dict[str, Any]:
    user = api_user(request)
    person = _person(request, person_id)
    person_access_record(
        user=user,
        person=person,
        action=AccessAction.VIEW,
        request=request,
        detail={"page": "rights"},
    )
    return _rights(request, person)


@persons_router.post(
    "/{person_id}/rights",
    response=PersonRightsOut,
    summary="Record a person's status for one scheme (applied, receiving, refused)",
)
def person_rights_post(request: HttpRequest, person_id: str, payload: RightIn) -> dict[str, Any]:
    user = api_user(request)
    person = _person(request, person_id)
    person_right_record(
        user=user,
        person=person,
        scheme_code=payload.scheme,
        status=payload.status.value,
        status_on=payload.status_on,
        reason=payload.reason,
        request=request,
    )
    return _rights(request, person)


@router.get(
    "/gaps",
    response=GapsOut,
    summary="People eligible but not receiving, per province and scheme, with baht a month",
)
def gaps(
    request: HttpRequest,
    province: str = "",
    district: str = "",
    scheme: str = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    user = api_user(request)
    policy.require(user, policy.Action.VIEW_PEOPLE)
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    summary = rights_gap_summary(
        user=user, province_code=province, district_code=district, scheme_code=scheme
    )
    page = rights_gaps(
        user=user,
        province_code=province,
        district_code=district,
        scheme_code=scheme,
        limit=limit,
        offset=offset,
    )
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="rights_gap",
        province_code=province[:2],
        detail={
            "filters": {k: v for k, v in (("district", district), ("scheme", scheme)) if v},
            "results": page.total,
        },
    )
    return {
        "day": summary.day,
        "total_people": summary.people,
        "total_missing_monthly": summary.missing_monthly,
        "summary": [
            {
                "province_code": r.province.code,
                "province_name_th": r.province.name_th,
                "province_name_en": r.province.name_en,
                "scheme": r.scheme.code,
                "people": r.people,
                "missing_monthly": r.missing_monthly,
            }
            for r in summary.rows
        ],
        "count": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "items": [
            {
                "person_id": str(g.person.uid),
                "name": g.person.full_name,
                "province_code": g.person.province_id,
                "district_code": g.person.district_id,
                "scheme": g.scheme.code,
                "monthly_amount": g.monthly_amount,
                "status": g.status,
            }
            for g in page.rows
        ],
    }
