"""The field survey as an XLSForm (KoBoCollect / ODK Collect, offline) and a CSV template.

Question names are the import's field names (``saphan.intake.fields``), so a KoBoToolbox
or ODK export ("XML values and headers") imports with no mapping file: the reader drops
the group paths (``consent/consent_given_on`` → ``consent_given_on``) and KoBo's metadata.

Choice values are the registry's code values; labels come from the project's catalogues
(English and Thai), so the form says what the web application says. Places are DOPA codes
of the 25 project provinces, read from the geothai package (not the database), with
cascading ``choice_filter``s.

Regenerate with ``saphan intake_forms`` after changing a code list, a label or this file;
``tests/intake/test_xlsform.py`` fails while the committed form is stale.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geothai
import xlsxwriter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from saphan.people import choices as c
from saphan.people.search_text import thai_sort_key

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FORMS_DIR = Path(__file__).resolve().parent / "forms"
XLSFORM_NAME = "registry_survey.xlsx"
CSV_TEMPLATE_NAME = "registry_template.csv"
FORM_ID = "saphan_registry"
#: Bump when the form changes: KoBo and ODK Central tell submissions apart by version.
FORM_VERSION = "2025112501"
EN, TH = "English (en)", "Thai (th)"

#: The import fields the form asks for, in the import's order (and the CSV template's).
FIELD_NAMES = (
    "given_name", "family_name", "title", "nickname", "given_name_latin", "family_name_latin",
    "sex", "birth_date", "national_id", "phone", "province", "district", "subdistrict",
    "address", "no_fixed_address", "groups", "disabilities", "chronic_illness", "bedridden",
    "civil_status", "work_status", "income_band", "consent_given_on", "consent_sensitive",
    "consent_sharing", "consent_given_by", "guardian_name",
)  # fmt: skip

SURVEY_COLUMNS = (
    "type", "name", f"label::{EN}", f"label::{TH}", f"hint::{EN}", f"hint::{TH}", "required",
    "relevant", "constraint", f"constraint_message::{EN}", f"constraint_message::{TH}",
    "choice_filter", "appearance", "default",
)  # fmt: skip
CHOICE_COLUMNS = ("list_name", "name", f"label::{EN}", f"label::{TH}", "province", "district",
                  "sensitive")  # fmt: skip

SENSITIVE_CONSENT = "${consent_sensitive} = 'yes'"
HAS_ADDRESS = "${no_fixed_address} != 'yes'"


@dataclass(frozen=True)
class Row:
    """One survey row; ``en``/``th`` are the label, ``hint`` and ``message`` (en, th) pairs."""

    type: str
    name: str = ""
    en: str = ""
    th: str = ""
    hint: tuple[str, str] = ("", "")
    required: bool = False
    relevant: str = ""
    constraint: str = ""
    message: tuple[str, str] = ("", "")
    choice_filter: str = ""
    appearance: str = ""
    default: str = ""

    def cells(self) -> list[str]:
        return [
            self.type, self.name, self.en, self.th, *self.hint, "yes" if self.required else "",
            self.relevant, self.constraint, *self.message, self.choice_filter, self.appearance,
            self.default,
        ]  # fmt: skip


# Labels are written here in both languages rather than taken from the web forms'
# msgids: interview wording differs from a data-entry screen, and the form must not
# change when a web label is reworded.
SURVEY: tuple[Row, ...] = (
    # Consent comes first: nothing else is asked before the person agrees.
    Row("begin_group", "consent", "Consent", "ความยินยอม"),
    Row(
        "note",
        "consent_note",
        "Explain why the information is collected and who will see it, then ask for consent. "
        "If the person (or their guardian) does not agree, stop here and do not submit this "
        "form.",
        "อธิบายวัตถุประสงค์ของการเก็บข้อมูลและผู้ที่จะเข้าถึงข้อมูล แล้วขอความยินยอม "
        "หากเจ้าตัว (หรือผู้ปกครอง) ไม่ยินยอม ให้หยุดและไม่ต้องส่งแบบฟอร์มนี้",
    ),
    Row(
        "date",
        "consent_given_on",
        "Date consent was given",
        "วันที่ให้ความยินยอม",
        required=True,
        constraint=". <= today()",
        message=("The date cannot be in the future.", "วันที่ต้องไม่เป็นวันในอนาคต"),
        default="today()",
    ),
    Row(
        "select_one consent_giver",
        "consent_given_by",
        "Consent given by",
        "ผู้ให้ความยินยอม",
        required=True,
        default="self",
    ),
    Row(
        "text",
        "guardian_name",
        "Guardian's name",
        "ชื่อผู้ปกครองหรือผู้อนุบาล",
        required=True,
        relevant="${consent_given_by} = 'guardian'",
    ),
    Row(
        "select_one yes_no",
        "consent_sensitive",
        "Consents to recording sensitive data (health, disability, civil status, religion, "
        "ethnicity, sexual orientation)",
        "ยินยอมให้บันทึกข้อมูลอ่อนไหว (สุขภาพ ความพิการ สถานะทางทะเบียน ศาสนา ชาติพันธุ์ ความหลากหลายทางเพศ)",
        required=True,
    ),
    Row(
        "select_one yes_no",
        "consent_sharing",
        "Consents to sharing with partner organisations",
        "ยินยอมให้เปิดเผยข้อมูลแก่องค์กรภาคี",
        required=True,
    ),
    Row("end_group", "consent"),
    Row("begin_group", "person", "Person", "ข้อมูลบุคคล"),
    Row(
        "text",
        "given_name",
        "Given name",
        "ชื่อ",
        hint=("Without the title.", "ไม่ต้องใส่คำนำหน้า"),
        required=True,
    ),
    Row("text", "family_name", "Family name", "นามสกุล"),
    Row(
        "text",
        "title",
        "Title",
        "คำนำหน้าชื่อ",
        hint=("For example นาย, นาง, นางสาว, เด็กชาย, เด็กหญิง.", "เช่น นาย นาง นางสาว เด็กชาย เด็กหญิง"),
    ),
    Row("text", "nickname", "Nickname", "ชื่อเล่น"),
    Row("text", "given_name_latin", "Given name in Latin letters", "ชื่อ (อักษรภาษาอังกฤษ)"),
    Row("text", "family_name_latin", "Family name in Latin letters", "นามสกุล (อักษรภาษาอังกฤษ)"),
    Row("select_one sex", "sex", "Sex", "เพศ"),
    Row(
        "text",
        "birth_date",
        "Date of birth",
        "วันเดือนปีเกิด",
        hint=(
            "Day/month/year in the Buddhist Era or the Common Era, or the year only, "
            "e.g. 15/03/2510 or 2510.",
            "วัน/เดือน/ปี เป็นพุทธศักราชหรือคริสต์ศักราช หรือเฉพาะปี เช่น 15/03/2510 หรือ 2510",
        ),
        constraint="regex(., '^([0-9]{1,2}/){0,2}[0-9]{4}$')",
        message=(
            "Write day/month/year, month/year or the year only, e.g. 15/03/2510 or 2510.",
            "กรอกเป็น วัน/เดือน/ปี เดือน/ปี หรือเฉพาะปี เช่น 15/03/2510 หรือ 2510",
        ),
        # No "numbers" appearance: ODK's numeric keypad has no "/".
    ),
    Row(
        "text",
        "national_id",
        "Thai personal ID (13 digits)",
        "เลขประจำตัวประชาชน (13 หลัก)",
        hint=("Leave empty if the person has none.", "เว้นว่างไว้หากไม่มี"),
        # ODK checks a constraint only on an answer, so an empty ID passes.
        constraint="regex(., '^[0-9]{13}$')",
        message=("The ID must be exactly 13 digits.", "ต้องเป็นตัวเลข 13 หลักเท่านั้น"),
        appearance="numbers",
    ),
    Row("text", "phone", "Phone", "หมายเลขโทรศัพท์", appearance="numbers"),
    Row("end_group", "person"),
    Row("begin_group", "address", "Address", "ที่อยู่"),
    # Every person is served in a province (the registry requires it), even without an address.
    Row(
        "select_one province",
        "province",
        "Province",
        "จังหวัด",
        required=True,
        appearance="minimal autocomplete",
    ),
    Row(
        "select_one district",
        "district",
        "District",
        "อำเภอ/เขต",
        choice_filter="province = ${province}",
        appearance="minimal autocomplete",
    ),
    Row("select_one yes_no", "no_fixed_address", "No fixed address", "ไม่มีที่อยู่เป็นหลักแหล่ง"),
    Row(
        "select_one subdistrict",
        "subdistrict",
        "Subdistrict",
        "ตำบล/แขวง",
        relevant=HAS_ADDRESS,
        choice_filter="district = ${district}",
        appearance="minimal autocomplete",
    ),
    Row(
        "text",
        "address",
        "House number and village",
        "บ้านเลขที่ และหมู่ที่/หมู่บ้าน",
        relevant=HAS_ADDRESS,
    ),
    Row("end_group", "address"),
    Row("begin_group", "situation", "Groups, work and income", "กลุ่มประชากร การทำงาน และรายได้"),
    Row(
        "select_multiple population_group",
        "groups",
        "Population groups",
        "กลุ่มประชากรเฉพาะ",
        hint=(
            "Older person, child and disability are worked out from the date of birth and the "
            "disability answers. Groups that reveal religion, ethnicity or sexual orientation "
            "are shown only with consent to sensitive data.",
            "ผู้สูงอายุ เด็ก และคนพิการ ระบบคำนวณจากวันเกิดและข้อมูลความพิการเอง "
            "กลุ่มที่บ่งบอกศาสนา ชาติพันธุ์ หรือความหลากหลายทางเพศ "
            "จะแสดงเฉพาะเมื่อได้รับความยินยอมให้บันทึกข้อมูลอ่อนไหว",
        ),
        # Hides the choices that are sensitive data (PDPA s.26) without consent.
        choice_filter=f"sensitive = 'no' or {SENSITIVE_CONSENT}",
    ),
    Row("select_one work_status", "work_status", "Work", "การทำงาน"),
    Row("select_one income_band", "income_band", "Monthly income", "รายได้ต่อเดือน"),
    Row("end_group", "situation"),
    # Sensitive data (PDPA s.26): asked only with explicit consent.
    Row("begin_group", "sensitive", "Sensitive data", "ข้อมูลอ่อนไหว", relevant=SENSITIVE_CONSENT),
    Row("select_multiple disability_type", "disabilities", "Disabilities", "ประเภทความพิการ"),
    Row("select_one yes_no", "chronic_illness", "Has a chronic illness", "มีโรคเรื้อรัง"),
    Row("select_one yes_no", "bedridden", "Bedridden", "ติดเตียง"),
    Row(
        "select_one civil_status",
        "civil_status",
        "Civil registration status",
        "สถานะทางทะเบียนราษฎร",
    ),
    Row("end_group", "sensitive"),
)

#: The one example row of the CSV template (address codes are added from geothai).
EXAMPLE: dict[str, str] = {
    "given_name": "สมหญิง",
    "family_name": "ใจดี",
    "title": "นาง",
    "nickname": "หญิง",
    "given_name_latin": "Somying",
    "family_name_latin": "Jaidee",
    "sex": "female",
    "birth_date": "15/03/2510",
    # Left empty: any valid-looking number could be a real person's.
    "national_id": "",
    "phone": "0812345678",
    "address": "12 หมู่ 3",
    "no_fixed_address": "no",
    "groups": "informal_worker women",  # KoBo's way: values separated by spaces
    "disabilities": "movement",
    "chronic_illness": "yes",
    "bedridden": "no",
    "civil_status": "thai_registered",
    "work_status": "informal",
    "income_band": "3000_8999",
    "consent_given_on": "2025-01-15",
    "consent_sensitive": "yes",
    "consent_sharing": "no",
    "consent_given_by": "self",
    "guardian_name": "",
}


def _both(label: StrOrPromise) -> tuple[str, str]:
    with translation.override("en"):
        en = str(label)
    with translation.override("th"):
        th = str(label)
    return en, th


def _code_list(list_name: str, items: Iterable[tuple[str, StrOrPromise]]) -> list[tuple[str, ...]]:
    return [(list_name, value, *_both(label), "", "", "") for value, label in items]


def _project_provinces() -> list[geothai.Province]:
    codes = set(settings.SAPHAN_PROJECT_PROVINCES)
    provinces = [p for p in geothai.provinces() if p.code in codes]
    if len(provinces) != len(codes):
        unknown = codes - {p.code for p in provinces}
        raise ImproperlyConfigured(f"SAPHAN_PROJECT_PROVINCES: not in geothai: {unknown}")
    return provinces


def _places() -> list[tuple[str, ...]]:
    """Project provinces, their districts and subdistricts, each level in Thai order."""
    rows: list[tuple[str, ...]] = []
    provinces = sorted(_project_provinces(), key=lambda p: thai_sort_key(p.name_th))
    rows += [("province", p.code, p.name_en, p.name_th, "", "", "") for p in provinces]
    districts = [
        d
        for p in provinces
        for d in sorted(geothai.districts(p.code), key=lambda d: thai_sort_key(d.name_th))
    ]
    rows += [("district", d.code, d.name_en, d.name_th, d.province_code, "", "") for d in districts]
    rows += [
        ("subdistrict", s.code, s.name_en, s.name_th, s.province_code, s.district_code, "")
        for d in districts
        for s in sorted(geothai.subdistricts(d.code), key=lambda s: thai_sort_key(s.name_th))
    ]
    return rows


def _declared_groups() -> list[tuple[str, ...]]:
    return [
        ("population_group", value, *_both(label), "", "", "yes" if value in c.SENSITIVE_GROUPS
         else "no")
        for value, label in c.PopulationGroup.choices
        if value not in c.DERIVED_GROUPS
    ]  # fmt: skip


def _choices_of(choices: type[models.TextChoices]) -> list[tuple[str, StrOrPromise]]:
    return [(str(value), label) for value, label in choices.choices]


def choices_rows() -> list[tuple[str, ...]]:
    """The ``choices`` sheet without its header."""
    return [
        *_code_list("yes_no", [("yes", _("Yes")), ("no", _("No"))]),
        *_code_list("sex", _choices_of(c.Sex)),
        *_code_list("consent_giver", _choices_of(c.ConsentGiver)),
        *_declared_groups(),
        *_code_list("disability_type", _choices_of(c.DisabilityType)),
        *_code_list("civil_status", _choices_of(c.CivilStatus)),
        *_code_list("work_status", _choices_of(c.WorkStatus)),
        *_code_list("income_band", _choices_of(c.IncomeBand)),
        *_places(),
    ]


def sheets() -> dict[str, list[list[str]]]:
    """Every sheet of the XLSForm as rows of text, header first."""
    return {
        "survey": [list(SURVEY_COLUMNS), *(row.cells() for row in SURVEY)],
        "choices": [list(CHOICE_COLUMNS), *(list(row) for row in choices_rows())],
        "settings": [
            ["form_title", "form_id", "version", "default_language", "instance_name"],
            [
                "ทะเบียนกลุ่มประชากรเฉพาะ (สะพาน) / Saphan registry survey",
                FORM_ID,
                FORM_VERSION,
                TH,
                "concat(${given_name}, ' ', ${family_name})",
            ],
        ],
    }


def build_xlsform(path: Path) -> None:
    """Write the XLSForm (sheets ``survey``, ``choices``, ``settings``) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path))
    # A fixed creation date keeps the committed file unchanged when nothing else changes.
    workbook.set_properties({"title": FORM_ID, "created": dt.datetime(2025, 1, 1)})
    bold = workbook.add_format({"bold": True})
    for name, rows in sheets().items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for col, value in enumerate(row):
                # Strings always: province "10" and district "1001" are codes, not numbers.
                if value:
                    sheet.write_string(r, col, value, bold if r == 0 else None)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(rows[0]) - 1, 24)
    workbook.close()


def build_csv_template(path: Path) -> None:
    """Write a CSV with the field names and one example row (UTF-8 with BOM, for Excel)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    province = min(_project_provinces(), key=lambda p: p.code)
    district = sorted(geothai.districts(province.code), key=lambda d: d.code)[0]
    subdistrict = sorted(geothai.subdistricts(district.code), key=lambda s: s.code)[0]
    example = EXAMPLE | {
        "province": province.code,
        "district": district.code,
        "subdistrict": subdistrict.code,
    }
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIELD_NAMES)
        writer.writerow([example[name] for name in FIELD_NAMES])
