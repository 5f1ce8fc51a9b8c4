import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from saphan import policy
from saphan.api.auth import api_user
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.core.errors import field_error
from saphan.people import choices as c
from saphan.people.checks import person_access_record
from saphan.people.consents import ConsentData
from saphan.people.models import Person
from saphan.people.partialdate import (
    BE_OFFSET,
    EARLIEST_YEAR,
    TOO_EARLY,
    PartialDate,
    ce_date_validate,
)
from saphan.people.selectors import (
    masked_query,
    person_present,
    person_search,
    sensitive_values,
    visible_group_codes,
)
from saphan.people.services import PersonData, person_patch, person_register

router = Router(tags=["persons"])


class IdentifierOut(Schema):
    doc_type: str
    number: str
    masked: bool
    is_current: bool
    valid_from: dt.date | None
    valid_to: dt.date | None


class PersonSummaryOut(Schema):
    id: str
    title: str
    given_name: str
    family_name: str
    nickname: str
    sex: str
    birth_date: str | None = Field(
        None, description="CE, possibly partial: 1967, 1967-05 or 1967-05-12"
    )
    age: int | None
    province_code: str
    district_code: str | None
    groups: list[str]


class SensitiveOut(Schema):
    chronic_illness: bool | None
    chronic_illness_note: str
    bedridden: bool | None
    civil_status: str
    verification_stage: str
    religion: str
    ethnicity: str
    gender_identity: str
    disabilities: list[list[str]]
    disability_card_expiry: dt.date | None


class PersonOut(PersonSummaryOut):
    given_name_latin: str
    family_name_latin: str
    identifiers: list[IdentifierOut]
    phone: str
    registered_subdistrict_code: str | None
    registered_address: str
    current_subdistrict_code: str | None
    current_address: str
    no_fixed_address: bool
    last_seen_place: str
    work_status: str
    income_band: str
    dependants_under_18: int | None
    sensitive: SensitiveOut | None = Field(
        None, description="null when hidden (no consent or legal basis, or withdrawn)"
    )
    sensitive_basis: str


class PersonPage(Schema):
    count: int
    items: list[PersonSummaryOut]


class ConsentIn(Schema):
    purpose: str
    given_on: dt.date
    covers_basic: bool = True
    covers_sensitive: bool = False
    covers_sharing: bool = False
    given_by: c.ConsentGiver = c.ConsentGiver.SELF
    guardian_name: str = ""


class DocumentIn(Schema):
    doc_type: str = Field(
        description="passport, migrant_worker_card, residence_certificate or other"
    )
    number: str


class DisabilityIn(Schema):
    disability_type: c.DisabilityType
    severity: c.Severity | None = None


class PersonPatchIn(Schema):
    title: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    given_name_latin: str | None = None
    family_name_latin: str | None = None
    nickname: str | None = None
    sex: c.Sex | None = None
    birth_date: str | None = Field(None, description="Common Era: 1967, 1967-05 or 1967-05-12")
    phone: str | None = None
    national_id: str | None = None
    province_code: str | None = None
    registered_subdistrict_code: str | None = None
    registered_address: str | None = None
    current_subdistrict_code: str | None = None
    current_address: str | None = None
    no_fixed_address: bool | None = None
    last_seen_place: str | None = None
    work_status: c.WorkStatus | None = None
    income_band: c.IncomeBand | None = None
    dependants_under_18: int | None = Field(None, ge=0, le=30)
    declared_groups: list[c.PopulationGroup] | None = None
    chronic_illness: bool | None = None
    chronic_illness_note: str | None = None
    bedridden: bool | None = None
    civil_status: c.CivilStatus | None = None
    verification_stage: c.VerificationStage | None = None
    religion: c.Religion | None = None
    ethnicity: str | None = None
    gender_identity: c.GenderIdentity | None = None
    legal_basis: c.LegalBasis | None = None
    legal_basis_note: str | None = None
    other_documents: list[DocumentIn] | None = Field(
        None, description="The complete list of current documents other than the Thai ID"
    )
    disabilities: list[DisabilityIn] | None = None
    disability_card_number: str | None = None
    disability_card_expiry: dt.date | None = None


class PersonIn(PersonPatchIn):
    given_name: str
    consent: ConsentIn | None = None


def _birth(value: str | None) -> PartialDate | None:
    if not value:
        return None
    try:
        parsed = PartialDate.from_iso(value)
    except (ValueError, ValidationError) as exc:
        raise field_error("birth_date", _("Use 1967, 1967-05 or 1967-05-12 (Common Era).")) from exc
    if parsed.year > 2400:
        raise field_error(
            "birth_date",
            _(
                "This looks like a Buddhist-Era year (%(be)s); this field takes Common-Era "
                "years (%(ce)s)."
            ),
            be=parsed.year,
            ce=parsed.year - BE_OFFSET,
        )
    if parsed.year < EARLIEST_YEAR:
        raise field_error("birth_date", TOO_EARLY, year=parsed.year)
    if parsed.earliest() > timezone.localdate():
        raise field_error("birth_date", _("This date is in the future."))
    return parsed


_NULLABLE = {
    "birth_date",
    "chronic_illness",
    "bedridden",
    "dependants_under_18",
    "disability_card_expiry",
}
_LISTS = {"declared_groups", "other_documents", "disabilities"}


def _changes(payload: PersonPatchIn) -> dict[str, Any]:
    changes = payload.dict(exclude_unset=True)
    changes.pop("consent", None)
    if "birth_date" in changes:
        changes["birth_date"] = _birth(changes["birth_date"])
    for key, value in list(changes.items()):
        if value is None:
            # null clears: None for dates, numbers and yes/no; empty for lists and text
            changes[key] = None if key in _NULLABLE else ([] if key in _LISTS else "")
        elif hasattr(value, "value"):
            changes[key] = value.value
        elif key == "declared_groups":
            changes[key] = [getattr(v, "value", v) for v in value]
        elif key == "other_documents":
            changes[key] = [(d["doc_type"], d["number"]) for d in value]
        elif key == "disabilities":
            changes[key] = [
                (
                    getattr(d["disability_type"], "value", d["disability_type"]),
                    getattr(d["severity"], "value", d["severity"]) or "",
                )
                for d in value
            ]
    return changes


def _summary(p: Person, request: HttpRequest) -> dict[str, Any]:
    birth = p.birth_date
    return {
        "id": str(p.uid),
        "title": p.title,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "nickname": p.nickname,
        "sex": p.sex,
        "birth_date": birth.iso() if birth else None,
        "age": p.age,
        "province_code": p.province_id,
        "district_code": p.district_id,
        "groups": visible_group_codes(person=p, user=api_user(request)),
    }


def _detail(p: Person, request: HttpRequest) -> dict[str, Any]:
    view = person_present(person=p, user=api_user(request))
    sensitive = sensitive_values(view)
    if sensitive:
        sensitive["disabilities"] = [list(d) for d in sensitive["disabilities"]]
    return {
        **_summary(p, request),
        "given_name_latin": p.given_name_latin,
        "family_name_latin": p.family_name_latin,
        "identifiers": [i.__dict__ | {"number": i.number} for i in view.identifiers],
        "phone": view.phone,
        "registered_subdistrict_code": p.registered_subdistrict_id,
        "registered_address": p.registered_address,
        "current_subdistrict_code": p.current_subdistrict_id,
        "current_address": p.current_address,
        "no_fixed_address": p.no_fixed_address,
        "last_seen_place": p.last_seen_place,
        "work_status": p.work_status,
        "income_band": p.income_band,
        "dependants_under_18": p.dependants_under_18,
        "sensitive": sensitive or None,
        "sensitive_basis": p.sensitive_basis,
    }


@router.get("", response=PersonPage, summary="Search people in your provinces")
def person_list(
    request: HttpRequest,
    q: str = "",
    province: str = "",
    district: str = "",
    group: c.PopulationGroup | None = None,
    age_band: str = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    user = api_user(request)
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    policy.require(user, policy.Action.VIEW_PEOPLE)
    group_code = group.value if group else ""
    result = person_search(
        user=user,
        q=q,
        province=province,
        district=district,
        group=group_code,
        age_band=age_band,
        limit=limit,
        offset=offset,
    )
    access_log_record(
        user=user,
        action=AccessAction.SEARCH,
        request=request,
        object_type="person",
        province_code=province[:2],
        query=masked_query(q),
        detail={"group": group_code, "results": result.total},
    )
    return {"count": result.total, "items": [_summary(p, request) for p in result.people]}


@router.get("/{person_id}", response=PersonOut)
def person_detail(request: HttpRequest, person_id: str) -> dict[str, Any]:
    user = api_user(request)
    person = _get(request, person_id)
    person_access_record(
        user=user,
        person=person,
        action=AccessAction.VIEW,
        request=request,
    )
    return _detail(person, request)


def _get(request: HttpRequest, person_id: str) -> Person:
    import uuid

    from django.http import Http404

    try:
        uid = uuid.UUID(person_id)
    except ValueError as exc:
        raise Http404 from exc
    return policy.get_visible_or_404(
        Person.objects.all(), api_user(request), request=request, uid=uid
    )


@router.post("", response={201: PersonOut}, summary="Register a person")
def person_create(request: HttpRequest, payload: PersonIn) -> Status:
    user = api_user(request)
    policy.require(user, policy.Action.EDIT_PEOPLE)
    data = PersonData()
    for key, value in _changes(payload).items():
        setattr(data, key, value)
    consent = None
    if payload.consent is not None:
        k = payload.consent
        ce_date_validate(k.given_on, field="consent_given_on", today=timezone.localdate())
        consent = ConsentData(
            purpose=k.purpose,
            given_on=k.given_on,
            covers_basic=k.covers_basic,
            covers_sensitive=k.covers_sensitive,
            covers_sharing=k.covers_sharing,
            given_by=k.given_by.value,
            guardian_name=k.guardian_name,
        )
    person = person_register(user=user, data=data, consent=consent, request=request)
    return Status(201, _detail(person, request))


@router.patch("/{person_id}", response=PersonOut, summary="Change some fields of a person")
def person_update(request: HttpRequest, person_id: str, payload: PersonPatchIn) -> dict[str, Any]:
    user = api_user(request)
    policy.require(user, policy.Action.EDIT_PEOPLE)
    person = _get(request, person_id)
    person = person_patch(user=user, person=person, changes=_changes(payload), request=request)
    return _detail(person, request)
