"""Forms of the registry. They only parse input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan.core.forms import DateInput
from saphan.people import choices as c
from saphan.people.consents import ConsentData
from saphan.people.identity import DocumentType
from saphan.people.names import TITLE_CHOICES
from saphan.people.partialdate import PartialDate, partial_date_parse
from saphan.people.services import PersonData

_BLANK: list[tuple[str, Any]] = [("", "—")]
REGISTRATION_PURPOSE = (
    "ลงทะเบียนในฐานข้อมูลกลุ่มประชากรเฉพาะเพื่อการช่วยเหลือเบื้องต้น / "
    "Registration in the registry of specific population groups for initial assistance"
)
_TRI = [("", _("Unknown")), ("yes", _("Yes")), ("no", _("No"))]


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class BirthDateField(forms.CharField):
    """Accepts a Buddhist-Era or Common-Era year, with or without month and day."""

    def clean(self, value: Any) -> PartialDate | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return partial_date_parse(text, today=timezone.localdate(), field="birth_date")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["birth_date"]) from exc


class PersonForm(forms.Form):
    title = forms.ChoiceField(label=_("Title"), choices=_BLANK + TITLE_CHOICES, required=False)
    given_name = forms.CharField(
        label=_("Given name"),
        max_length=100,
        help_text=_("A title typed with the name (นายสมชาย) is separated automatically."),
    )
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    nickname = forms.CharField(label=_("Nickname"), max_length=50, required=False)
    given_name_latin = forms.CharField(
        label=_("Given name (Latin letters)"), max_length=100, required=False
    )
    family_name_latin = forms.CharField(
        label=_("Family name (Latin letters)"), max_length=100, required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=_BLANK + c.Sex.choices, required=False)
    birth_date = BirthDateField(
        label=_("Date of birth"),
        required=False,
        help_text=_(
            "Day/month/year in the Buddhist Era (12/5/2510) or the Common Era; "
            "the year alone (2510) or month and year (5/2510) if that is all "
            "that is known."
        ),
    )
    national_id = forms.CharField(
        label=_("Thai personal ID (13 digits)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    other_document_type = forms.ChoiceField(
        label=_("Other document"),
        required=False,
        choices=_BLANK + [ch for ch in DocumentType.choices if ch[0] != DocumentType.NATIONAL_ID],
    )
    other_document_number = forms.CharField(
        label=_("Document number"), required=False, max_length=40
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    registered_subdistrict = forms.CharField(
        label=_("House-registration address: subdistrict"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    registered_address = forms.CharField(
        label=_("House-registration address: house and village"), required=False, max_length=300
    )
    current_subdistrict = forms.CharField(
        label=_("Current address: subdistrict"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    current_address = forms.CharField(
        label=_("Current address: house and village"), required=False, max_length=300
    )
    no_fixed_address = forms.BooleanField(label=_("No fixed address"), required=False)
    last_seen_place = forms.CharField(label=_("Last seen at"), required=False, max_length=300)
    province = forms.ChoiceField(
        label=_("Province (when there is no address)"), required=False, choices=[]
    )
    groups = forms.MultipleChoiceField(
        label=_("Groups (declared)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[ch for ch in c.PopulationGroup.choices if ch[0] not in c.DERIVED_GROUPS],
        help_text=_("Older person, child and disability are worked out automatically."),
    )
    work_status = forms.ChoiceField(
        label=_("Work"), choices=_BLANK + c.WorkStatus.choices, required=False
    )
    income_band = forms.ChoiceField(
        label=_("Income"), choices=_BLANK + c.IncomeBand.choices, required=False
    )
    dependants_under_18 = forms.IntegerField(
        label=_("Children under 18 cared for"), required=False, min_value=0, max_value=30
    )
    # Consent given at registration.
    consent_given = forms.BooleanField(
        label=_("The person (or guardian) consents to registration"), required=False
    )
    consent_sensitive = forms.BooleanField(
        label=_("…and to recording sensitive data"), required=False
    )
    consent_sharing = forms.BooleanField(
        label=_("…and to sharing with partner organisations"), required=False
    )
    consent_by_guardian = forms.BooleanField(label=_("Consent given by a guardian"), required=False)
    guardian_name = forms.CharField(label=_("Guardian's name"), required=False, max_length=200)
    # Sensitive attributes.
    chronic_illness = forms.ChoiceField(label=_("Chronic illness"), choices=_TRI, required=False)
    chronic_illness_note = forms.CharField(label=_("Illness"), required=False, max_length=200)
    bedridden = forms.ChoiceField(label=_("Bedridden"), choices=_TRI, required=False)
    disability_types = forms.MultipleChoiceField(
        label=_("Disability"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=c.DisabilityType.choices,
    )
    disability_severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=_BLANK + c.Severity.choices
    )
    disability_card_number = forms.CharField(
        label=_("Disability card number"), required=False, max_length=40
    )
    disability_card_expiry = forms.DateField(
        label=_("Disability card expiry"),
        required=False,
        widget=DateInput(),
    )
    civil_status = forms.ChoiceField(
        label=_("Civil status"), required=False, choices=_BLANK + c.CivilStatus.choices
    )
    verification_stage = forms.ChoiceField(
        label=_("Nationality verification stage"),
        required=False,
        choices=_BLANK + c.VerificationStage.choices,
    )
    religion = forms.ChoiceField(
        label=_("Religion"), required=False, choices=_BLANK + c.Religion.choices
    )
    ethnicity = forms.CharField(label=_("Ethnicity"), required=False, max_length=100)
    gender_identity = forms.ChoiceField(
        label=_("Gender identity"), required=False, choices=_BLANK + c.GenderIdentity.choices
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis for sensitive data (instead of consent)"),
        required=False,
        choices=c.LegalBasis.choices,
    )
    legal_basis_note = forms.CharField(
        label=_("Legal basis: agency and law"), required=False, max_length=300
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from saphan.geo.models import Province

        provinces = Province.objects.visible_to(user) if user is not None else Province.objects
        self.fields["province"].choices = _BLANK + [  # type: ignore[attr-defined]
            (p.code, p.name) for p in provinces.order_by("name_th")
        ]

    SECTIONS = {
        "identity": (
            "title",
            "given_name",
            "family_name",
            "nickname",
            "given_name_latin",
            "family_name_latin",
            "sex",
            "birth_date",
            "national_id",
            "other_document_type",
            "other_document_number",
            "phone",
        ),
        "address": (
            "registered_subdistrict",
            "registered_address",
            "current_subdistrict",
            "current_address",
            "no_fixed_address",
            "last_seen_place",
            "province",
        ),
        "groups": ("groups", "work_status", "income_band", "dependants_under_18"),
        "consent": (
            "consent_given",
            "consent_sensitive",
            "consent_sharing",
            "consent_by_guardian",
            "guardian_name",
        ),
        "sensitive": (
            "chronic_illness",
            "chronic_illness_note",
            "bedridden",
            "disability_types",
            "disability_severity",
            "disability_card_number",
            "disability_card_expiry",
            "civil_status",
            "verification_stage",
            "religion",
            "ethnicity",
            "gender_identity",
            "legal_basis",
            "legal_basis_note",
        ),
    }

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        titles = {
            "identity": _("Identity"),
            "address": _("Where they live"),
            "groups": _("Groups, work and care"),
            "consent": _("Consent (PDPA)"),
            "sensitive": _("Sensitive data (needs consent or a legal basis)"),
        }
        return [
            (str(titles[name]), [self[f] for f in names if f in self.fields])
            for name, names in self.SECTIONS.items()
        ]

    def person_data(self) -> PersonData:
        d = self.cleaned_data
        documents = []
        if d.get("other_document_type") and d.get("other_document_number"):
            documents.append((d["other_document_type"], d["other_document_number"]))
        severity = d.get("disability_severity") or ""
        return PersonData(
            title=d.get("title") or "",
            given_name=d["given_name"],
            family_name=d.get("family_name") or "",
            nickname=d.get("nickname") or "",
            given_name_latin=d.get("given_name_latin") or "",
            family_name_latin=d.get("family_name_latin") or "",
            sex=d.get("sex") or "",
            birth_date=d.get("birth_date"),
            national_id=d.get("national_id") or "",
            other_documents=documents,
            phone=d.get("phone") or "",
            registered_subdistrict_code=(d.get("registered_subdistrict") or "").strip(),
            registered_address=d.get("registered_address") or "",
            current_subdistrict_code=(d.get("current_subdistrict") or "").strip(),
            current_address=d.get("current_address") or "",
            no_fixed_address=bool(d.get("no_fixed_address")),
            last_seen_place=d.get("last_seen_place") or "",
            province_code=(d.get("province") or "").strip(),
            declared_groups=list(d.get("groups") or []),
            work_status=d.get("work_status") or "",
            income_band=d.get("income_band") or "",
            dependants_under_18=d.get("dependants_under_18"),
            chronic_illness=_tri(d.get("chronic_illness") or ""),
            chronic_illness_note=d.get("chronic_illness_note") or "",
            bedridden=_tri(d.get("bedridden") or ""),
            disabilities=[(t, severity) for t in d.get("disability_types") or []],
            disability_card_number=d.get("disability_card_number") or "",
            disability_card_expiry=d.get("disability_card_expiry"),
            civil_status=d.get("civil_status") or "",
            verification_stage=d.get("verification_stage") or "",
            religion=d.get("religion") or "",
            ethnicity=d.get("ethnicity") or "",
            gender_identity=d.get("gender_identity") or "",
            legal_basis=d.get("legal_basis") or "",
            legal_basis_note=d.get("legal_basis_note") or "",
        )

    def consent_data(self) -> ConsentData | None:
        d = self.cleaned_data
        if not d.get("consent_given"):
            return None
        return ConsentData(
            # Stored in both languages: a record outlives the interface language it was typed in.
            purpose=REGISTRATION_PURPOSE,
            given_on=timezone.localdate(),
            covers_basic=True,
            covers_sensitive=bool(d.get("consent_sensitive")),
            covers_sharing=bool(d.get("consent_sharing")),
            given_by=c.ConsentGiver.GUARDIAN
            if d.get("consent_by_guardian")
            else c.ConsentGiver.SELF,
            guardian_name=d.get("guardian_name") or "",
        )


def person_form_initial(data: PersonData) -> dict[str, Any]:
    """Form values for editing an existing person."""

    def tri(v: bool | None) -> str:
        return {True: "yes", False: "no"}.get(v, "") if v is not None else ""

    documents = data.other_documents[:1]
    return {
        "title": data.title,
        "given_name": data.given_name,
        "family_name": data.family_name,
        "nickname": data.nickname,
        "given_name_latin": data.given_name_latin,
        "family_name_latin": data.family_name_latin,
        "sex": data.sex,
        "birth_date": data.birth_date.format("th") if data.birth_date else "",
        "national_id": data.national_id,
        "other_document_type": documents[0][0] if documents else "",
        "other_document_number": documents[0][1] if documents else "",
        "phone": data.phone,
        "registered_subdistrict": data.registered_subdistrict_code,
        "registered_address": data.registered_address,
        "current_subdistrict": data.current_subdistrict_code,
        "current_address": data.current_address,
        "no_fixed_address": data.no_fixed_address,
        "last_seen_place": data.last_seen_place,
        "province": data.province_code,
        "groups": data.declared_groups,
        "work_status": data.work_status,
        "income_band": data.income_band,
        "dependants_under_18": data.dependants_under_18,
        "chronic_illness": tri(data.chronic_illness),
        "chronic_illness_note": data.chronic_illness_note,
        "bedridden": tri(data.bedridden),
        "disability_types": [t for t, _s in data.disabilities],
        "disability_severity": data.disabilities[0][1] if data.disabilities else "",
        "disability_card_number": data.disability_card_number,
        "disability_card_expiry": data.disability_card_expiry,
        "civil_status": data.civil_status,
        "verification_stage": data.verification_stage,
        "religion": data.religion,
        "ethnicity": data.ethnicity,
        "gender_identity": data.gender_identity,
        "legal_basis": data.legal_basis,
        "legal_basis_note": data.legal_basis_note,
    }


class ConsentForm(forms.Form):
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    covers_basic = forms.BooleanField(label=_("Basic data"), required=False, initial=True)
    covers_sensitive = forms.BooleanField(label=_("Sensitive data"), required=False)
    covers_sharing = forms.BooleanField(
        label=_("Sharing with partner organisations"), required=False
    )
    given_by = forms.ChoiceField(label=_("Given by"), choices=c.ConsentGiver.choices)
    guardian_name = forms.CharField(label=_("Guardian's name"), required=False, max_length=200)
    guardian_relationship = forms.CharField(
        label=_("Guardian's relationship"), required=False, max_length=100
    )
    given_on = forms.DateField(label=_("Given on"), widget=DateInput())
    evidence = forms.FileField(
        label=_("Evidence (signed form, photo)"),
        required=False,
        help_text=_("PDF, PNG or JPEG, up to 5 MB."),
    )

    def consent_data(self) -> ConsentData:
        d = self.cleaned_data
        return ConsentData(
            purpose=d["purpose"],
            given_on=d["given_on"],
            covers_basic=bool(d["covers_basic"]),
            covers_sensitive=bool(d["covers_sensitive"]),
            covers_sharing=bool(d["covers_sharing"]),
            given_by=d["given_by"],
            guardian_name=d.get("guardian_name") or "",
            guardian_relationship=d.get("guardian_relationship") or "",
        )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name, ID or phone"), required=False, max_length=100)
    province = forms.CharField(required=False, max_length=2)
    district = forms.CharField(required=False, max_length=4)
    group = forms.ChoiceField(required=False, choices=_BLANK + c.PopulationGroup.choices)
    age_band = forms.ChoiceField(
        required=False,
        choices=[
            *_BLANK,
            ("0-17", "0–17"),
            ("18-59", "18–59"),
            ("60-69", "60–69"),
            ("70-79", "70–79"),
            ("80+", "80+"),
        ],
    )
