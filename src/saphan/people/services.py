"""Writes for person records. Every write checks the policy, validates everything
first, and saves inside one transaction, so a refused write leaves nothing half-saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.core.crypto import blind_index
from saphan.geo.models import Province, Subdistrict
from saphan.people import choices as c
from saphan.people.checks import Errors, person_access_record, require_edit, require_visible
from saphan.people.consents import (
    ConsentData,
    consent_check,
    consent_record,
    person_sensitive_basis_refresh,
)
from saphan.people.followups import registry_changed
from saphan.people.groups import groups_refresh_derived
from saphan.people.identity import (
    DocumentType,
    document_number_normalise,
    national_id_validate,
)
from saphan.people.models import (
    Disability,
    Person,
    PersonGroup,
    PersonIdentifier,
)
from saphan.people.names import split_title
from saphan.people.partialdate import PartialDate
from saphan.people.search_text import search_text, thai_sort_key

PHONE_PURPOSE = "phone"
SENSITIVE_NEEDS_BASIS = _(
    "Sensitive data needs the person's consent for sensitive data, or a recorded legal basis."
)
DISABILITY_CARD_PURPOSE = "disability_card"


def identifier_index(doc_type: str, number: str) -> str:
    return blind_index(number, purpose=f"id:{doc_type}")


def phone_normalise(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    if digits.startswith("66") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


@dataclass
class PersonData:
    """Everything the register and edit forms (and the API) can set on a person."""

    given_name: str = ""
    family_name: str = ""
    title: str = ""
    given_name_latin: str = ""
    family_name_latin: str = ""
    nickname: str = ""
    sex: str = ""
    birth_date: PartialDate | None = None
    phone: str = ""
    national_id: str = ""
    other_documents: list[tuple[str, str]] = field(default_factory=list)
    province_code: str = ""
    registered_subdistrict_code: str = ""
    registered_address: str = ""
    current_subdistrict_code: str = ""
    current_address: str = ""
    no_fixed_address: bool = False
    last_seen_place: str = ""
    work_status: str = ""
    income_band: str = ""
    dependants_under_18: int | None = None
    declared_groups: list[str] = field(default_factory=list)
    # Sensitive (PDPA s.26):
    chronic_illness: bool | None = None
    chronic_illness_note: str = ""
    bedridden: bool | None = None
    civil_status: str = ""
    verification_stage: str = ""
    religion: str = ""
    ethnicity: str = ""
    gender_identity: str = ""
    disabilities: list[tuple[str, str]] = field(default_factory=list)
    disability_card_number: str = ""
    disability_card_expiry: dt.date | None = None
    legal_basis: str = ""
    legal_basis_note: str = ""

    def sensitive_written(self, stored: PersonData | None) -> list[str]:
        """The sensitive fields this write sets or changes (PDPA s.26 data, including the
        declared groups that reveal religion, sexual orientation or ethnicity).

        Unchanged values are not "written": after a withdrawal the hidden values stay
        stored and the rest of the record can still be edited."""
        names = []
        for name in (*c.SENSITIVE_FIELDS, "disabilities", "disability_card_number"):
            value = getattr(self, name)
            before = getattr(stored, name) if stored is not None else None
            if value in (None, "", []) or value == before:
                continue
            names.append(name)
        groups = set(self.declared_groups) & c.SENSITIVE_GROUPS
        if groups - set(stored.declared_groups if stored is not None else []):
            names.append("groups")
        return names


def person_data_from(person: Person) -> PersonData:
    """The current values of a person, as PersonData (the base of a partial update)."""
    current_id = person.identifiers.filter(
        is_current=True, doc_type=DocumentType.NATIONAL_ID
    ).first()
    return PersonData(
        given_name=person.given_name,
        family_name=person.family_name,
        title=person.title,
        given_name_latin=person.given_name_latin,
        family_name_latin=person.family_name_latin,
        nickname=person.nickname,
        sex=person.sex,
        birth_date=person.birth_date,
        phone=person.phone,
        national_id=current_id.number if current_id else "",
        other_documents=[
            (i.doc_type, i.number)
            for i in person.identifiers.filter(is_current=True)
            .exclude(doc_type=DocumentType.NATIONAL_ID)
            .order_by("pk")
        ],
        province_code=person.province_id,
        registered_subdistrict_code=person.registered_subdistrict_id or "",
        registered_address=person.registered_address,
        current_subdistrict_code=person.current_subdistrict_id or "",
        current_address=person.current_address,
        no_fixed_address=person.no_fixed_address,
        last_seen_place=person.last_seen_place,
        work_status=person.work_status,
        income_band=person.income_band,
        dependants_under_18=person.dependants_under_18,
        declared_groups=list(
            person.groups.exclude(source=c.GroupSource.DERIVED).values_list("group", flat=True)
        ),
        chronic_illness=person.chronic_illness,
        chronic_illness_note=person.chronic_illness_note,
        bedridden=person.bedridden,
        civil_status=person.civil_status,
        verification_stage=person.verification_stage,
        religion=person.religion,
        ethnicity=person.ethnicity,
        gender_identity=person.gender_identity,
        disabilities=list(person.disabilities.values_list("disability_type", "severity")),
        disability_card_number=person.disability_card_number,
        disability_card_expiry=person.disability_card_expiry,
        legal_basis=person.legal_basis,
        legal_basis_note=person.legal_basis_note,
    )


def _choice(errors: Errors, name: str, value: str, choices: type[Any]) -> None:
    if value and value not in choices.values:
        errors.add(name, _("Unknown value “%(value)s”."), value=value)


def _subdistrict(errors: Errors, name: str, code: str) -> Subdistrict | None:
    if not code:
        return None
    found = Subdistrict.objects.select_related("district", "province").filter(code=code).first()
    if found is None:
        errors.add(name, _("Unknown subdistrict code %(code)s."), code=code)
    return found


@dataclass
class _Checked:
    registered: Subdistrict | None
    current: Subdistrict | None
    province: Province | None
    national_id: str
    national_id_index: str
    documents: list[tuple[str, str, str]]  # doc type, number, index


def _validate(
    data: PersonData, *, user: User, person: Person | None, consent: ConsentData | None
) -> _Checked:
    errors = Errors()
    if not data.title:
        data.title, data.given_name = split_title(data.given_name)
    if not data.given_name.strip():
        errors.add("given_name", _("The given name is required."))
    for name, choices in (
        ("sex", c.Sex),
        ("work_status", c.WorkStatus),
        ("income_band", c.IncomeBand),
        ("civil_status", c.CivilStatus),
        ("verification_stage", c.VerificationStage),
        ("religion", c.Religion),
        ("gender_identity", c.GenderIdentity),
        ("legal_basis", c.LegalBasis),
    ):
        _choice(errors, name, getattr(data, name), choices)
    if data.birth_date is not None and data.birth_date.earliest() > timezone.localdate():
        errors.add("birth_date", _("This date is in the future."))

    registered = _subdistrict(errors, "registered_subdistrict", data.registered_subdistrict_code)
    current = _subdistrict(errors, "current_subdistrict", data.current_subdistrict_code)
    province = None
    code = (
        (current.province_id if current else None)
        or (registered.province_id if registered else None)
        or data.province_code
    )
    if not code:
        errors.add(
            "province",
            _(
                "Give a subdistrict of the address, or the province where "
                "the person is served (for people with no fixed address)."
            ),
        )
    else:
        province = Province.objects.filter(code=code).first()
        if province is None:
            errors.add("province", _("Unknown province code %(code)s."), code=code)
        else:
            scope = policy.province_codes_of(user)
            if scope is not None and province.code not in scope:
                errors.add(
                    "province",
                    _("You do not work in the province of %(name)s."),
                    name=province.name,
                )

    national_id = ""
    national_index = ""
    if data.national_id.strip():
        try:
            national_id = national_id_validate(data.national_id, field="national_id")
        except ValidationError as exc:
            errors.absorb(exc)
        else:
            national_index = identifier_index(DocumentType.NATIONAL_ID, national_id)
            clash = PersonIdentifier.objects.filter(
                doc_type=DocumentType.NATIONAL_ID, number_index=national_index, is_current=True
            )
            if person is not None:
                clash = clash.exclude(person=person)
            if clash.exists():
                errors.add(
                    "national_id",
                    _(
                        "A person with this ID is already registered. "
                        "Search for them instead of registering again."
                    ),
                )
    documents: list[tuple[str, str, str]] = []
    for doc_type, number in data.other_documents:
        if doc_type not in DocumentType.values or doc_type == DocumentType.NATIONAL_ID:
            errors.add(
                "other_documents", _("Unknown kind of document “%(value)s”."), value=doc_type
            )
            continue
        normalised = document_number_normalise(number)
        if not normalised:
            continue
        index = identifier_index(doc_type, normalised)
        clash = PersonIdentifier.objects.filter(
            doc_type=doc_type, number_index=index, is_current=True
        )
        if person is not None:
            clash = clash.exclude(person=person)
        if clash.exists():
            errors.add(
                "other_documents", _("A person with this document number is already registered.")
            )
        documents.append((doc_type, normalised, index))

    for group in data.declared_groups:
        if group not in c.PopulationGroup.values:
            errors.add("groups", _("Unknown group “%(value)s”."), value=group)
        elif group in c.DERIVED_GROUPS:
            errors.add(
                "groups",
                _(
                    "“%(group)s” is worked out from age or disability records; "
                    "it cannot be declared."
                ),
                group=c.PopulationGroup(group).label,
            )
    for disability_type, severity in data.disabilities:
        _choice(errors, "disabilities", disability_type, c.DisabilityType)
        _choice(errors, "disabilities", severity, c.Severity)

    written = data.sensitive_written(person_data_from(person) if person is not None else None)
    if written:
        today = timezone.localdate()
        consent_now = consent is not None and consent.covers_sensitive and consent.given_on <= today
        consent_before = (
            person is not None
            and person.consents.active_on(today).filter(covers_sensitive=True).exists()
        )
        if not (consent_now or consent_before or data.legal_basis):
            for name in written:
                errors.add(name, SENSITIVE_NEEDS_BASIS)
    if data.legal_basis and not data.legal_basis_note.strip():
        errors.add("legal_basis_note", _("Name the agency and the law it acts under."))
    if consent is not None:
        consent_check(errors, consent, data.birth_date)
    errors.raise_if_any()
    return _Checked(registered, current, province, national_id, national_index, documents)


def _apply(person: Person, data: PersonData, checked: _Checked) -> None:
    simple = (
        "title",
        "given_name",
        "family_name",
        "given_name_latin",
        "family_name_latin",
        "nickname",
        "sex",
        "registered_address",
        "current_address",
        "no_fixed_address",
        "last_seen_place",
        "work_status",
        "income_band",
        "dependants_under_18",
        *c.SENSITIVE_FIELDS,
        "disability_card_expiry",
        "legal_basis",
        "legal_basis_note",
    )
    for name in simple:
        value = getattr(data, name)
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    birth = data.birth_date
    person.birth_year = birth.year if birth else None
    person.birth_month = birth.month if birth else None
    person.birth_day = birth.day if birth else None
    phone = phone_normalise(data.phone)
    person.phone = phone
    person.phone_index = blind_index(phone, purpose=PHONE_PURPOSE) if phone else ""
    card = document_number_normalise(data.disability_card_number)
    person.disability_card_number = card
    person.disability_card_index = (
        blind_index(card, purpose=DISABILITY_CARD_PURPOSE) if card else ""
    )
    person.registered_subdistrict = checked.registered
    person.current_subdistrict = checked.current
    assert checked.province is not None  # _validate refuses a missing province
    person.province = checked.province
    located = checked.current or checked.registered
    person.district_id = located.district_id if located else None
    person.name_search = search_text(
        person.given_name,
        person.family_name,
        person.nickname,
        person.given_name_latin,
        person.family_name_latin,
    )
    person.name_sort = thai_sort_key(f"{person.given_name} {person.family_name}")


def _sync_identifiers(
    person: Person, checked: _Checked, *, retire_other_documents: bool = False
) -> None:
    wanted = []
    if checked.national_id:
        wanted.append(
            (DocumentType.NATIONAL_ID.value, checked.national_id, checked.national_id_index)
        )
    wanted += checked.documents
    wanted_keys = {(t, i) for t, _n, i in wanted}
    today = timezone.localdate()
    for old in person.identifiers.filter(is_current=True):
        # A new or removed national ID (e.g. after nationality verification) retires the
        # old number; it stays in the history. Other documents are retired when removed.
        replaced = (old.doc_type, old.number_index) not in wanted_keys and (
            old.doc_type == DocumentType.NATIONAL_ID or retire_other_documents
        )
        if replaced:
            # A new number (e.g. after nationality verification): keep the old one as history.
            old.is_current = False
            old.valid_to = today
            old.save(update_fields=["is_current", "valid_to"])
    existing = set(
        person.identifiers.filter(is_current=True).values_list("doc_type", "number_index")
    )
    for doc_type, number, index in wanted:
        if (doc_type, index) not in existing:
            PersonIdentifier.objects.create(
                person=person,
                doc_type=doc_type,
                number=number,
                number_index=index,
                last4=number[-4:],
                valid_from=today,
            )


def _sync_groups_and_disabilities(person: Person, data: PersonData, user: User) -> None:
    declared = set(data.declared_groups)
    person.groups.exclude(source=c.GroupSource.DERIVED).exclude(group__in=declared).delete()
    have = set(person.groups.values_list("group", flat=True))
    PersonGroup.objects.bulk_create(
        [
            PersonGroup(person=person, group=g, source=c.GroupSource.DECLARED, recorded_by=user)
            for g in sorted(declared - have)
        ]
    )
    wanted = dict(data.disabilities)
    person.disabilities.exclude(disability_type__in=wanted).delete()
    for disability_type, severity in wanted.items():
        Disability.objects.update_or_create(
            person=person, disability_type=disability_type, defaults={"severity": severity}
        )
    groups_refresh_derived(person_ids=[person.pk])


@transaction.atomic
def person_register(
    *, user: User, data: PersonData, consent: ConsentData | None = None, request: Any = None
) -> Person:
    require_edit(user)
    checked = _validate(data, user=user, person=None, consent=consent)
    assert user.organisation is not None  # EDIT_PEOPLE roles always belong to one
    person = Person(organisation=user.organisation, created_by=user)
    _apply(person, data, checked)
    person.save()
    _sync_identifiers(person, checked)
    if consent is not None:
        consent_record(user=user, person=person, data=consent, request=request, log=False)
    _sync_groups_and_disabilities(person, data, user)
    person_sensitive_basis_refresh(person)
    registry_changed(person_ids=[person.pk])
    person_access_record(user=user, person=person, action=AccessAction.CREATE, request=request)
    return person


@transaction.atomic
def person_update(
    *,
    user: User,
    person: Person,
    data: PersonData,
    request: Any = None,
    replace_documents: bool = False,
) -> Person:
    require_edit(user)
    require_visible(user, person)
    checked = _validate(data, user=user, person=person, consent=None)
    _apply(person, data, checked)
    person.save()
    _sync_identifiers(person, checked, retire_other_documents=replace_documents)
    _sync_groups_and_disabilities(person, data, user)
    person_sensitive_basis_refresh(person)
    registry_changed(person_ids=[person.pk])
    person_access_record(user=user, person=person, action=AccessAction.UPDATE, request=request)
    return person


def person_patch(
    *, user: User, person: Person, changes: dict[str, Any], request: Any = None
) -> Person:
    """Apply only the given fields (API PATCH) on top of the person's current values."""
    data = person_data_from(person)
    known = {f.name for f in fields(PersonData)}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ValidationError({name: ValidationError(_("Unknown field.")) for name in unknown})
    for name, value in changes.items():
        setattr(data, name, value)
    return person_update(
        user=user,
        person=person,
        data=data,
        request=request,
        replace_documents="other_documents" in changes,
    )
