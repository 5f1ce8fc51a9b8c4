"""Seed the catalogue of national schemes, their monthly amounts and income limits.

Idempotent: rows that already exist (by scheme code; by scheme, date and ages for
rates; by scheme, threshold and date for limits) are left as they are, so edits made
in the admin survive. Values are frozen here on purpose: later changes are new dated
rows entered in the admin, not edits of this file.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

SEEDED_FROM = dt.date(2023, 10, 1)  # start of fiscal year 2567 (BE)

SCHEMES = [
    {
        "code": "old_age_allowance",
        "sort_order": 10,
        "is_cash": True,
        "means_tested": False,
        "name_th": "เบี้ยยังชีพผู้สูงอายุ",
        "name_en": "Old-age allowance",
        "description_th": (
            "เงินรายเดือนสำหรับผู้มีสัญชาติไทยอายุ 60 ปีขึ้นไป อัตราขั้นบันไดตามช่วงอายุ "
            "(60–69 ปี 600 บาท, 70–79 ปี 700 บาท, 80–89 ปี 800 บาท, 90 ปีขึ้นไป 1,000 บาท) "
            "ไม่ได้รับเงินบำนาญหรือสวัสดิการประจำอื่นจากรัฐ"
        ),
        "description_en": (
            "Monthly allowance for Thai nationals aged 60 or over, stepped by age "
            "(600 baht at 60–69, 700 at 70–79, 800 at 80–89, 1,000 at 90+), for people "
            "without a state pension or other regular state payment."
        ),
        "agency_th": "องค์กรปกครองส่วนท้องถิ่น (อบต./เทศบาล) ตามทะเบียนบ้าน",
        "agency_en": (
            "Local government (subdistrict administrative organisation or municipality) "
            "of the house registration"
        ),
    },
    {
        "code": "disability_allowance",
        "sort_order": 20,
        "is_cash": True,
        "means_tested": False,
        "name_th": "เบี้ยความพิการ",
        "name_en": "Disability allowance",
        "description_th": (
            "เงินรายเดือนสำหรับคนพิการสัญชาติไทยที่มีบัตรประจำตัวคนพิการ "
            "800 บาท (อายุต่ำกว่า 18 ปี 1,000 บาท)"
        ),
        "description_en": (
            "Monthly allowance for Thai persons with disabilities who hold a disability ID "
            "card: 800 baht (1,000 baht under 18)."
        ),
        "agency_th": "องค์กรปกครองส่วนท้องถิ่น (อบต./เทศบาล) ตามทะเบียนบ้าน",
        "agency_en": (
            "Local government (subdistrict administrative organisation or municipality) "
            "of the house registration"
        ),
    },
    {
        "code": "disability_card",
        "sort_order": 30,
        "is_cash": False,
        "means_tested": False,
        "name_th": "บัตรประจำตัวคนพิการ",
        "name_en": "Disability ID card",
        "description_th": (
            "บัตรที่รับรองสถานะคนพิการ เป็นเงื่อนไขของเบี้ยความพิการและสิทธิอื่น "
            "ต้องมีใบรับรองความพิการจากแพทย์"
        ),
        "description_en": (
            "The card that certifies disability; needed for the disability allowance and "
            "other rights. Requires a doctor's disability certificate."
        ),
        "agency_th": (
            "โรงพยาบาล (ใบรับรองความพิการ) แล้วยื่นที่สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์"
            "จังหวัด (พมจ.) หรือหน่วยออกบัตร"
        ),
        "agency_en": (
            "A hospital (disability certificate), then the Provincial Office of Social "
            "Development and Human Security or another card-issuing unit"
        ),
    },
    {
        "code": "universal_coverage",
        "sort_order": 40,
        "is_cash": False,
        "means_tested": False,
        "name_th": "หลักประกันสุขภาพแห่งชาติ (บัตรทอง)",
        "name_en": "Universal health coverage (gold card)",
        "description_th": (
            "สิทธิรักษาพยาบาลสำหรับคนไทยที่ไม่มีสิทธิประกันสังคมหรือสวัสดิการข้าราชการ"
        ),
        "description_en": (
            "Health cover for Thai nationals who have neither social security nor civil "
            "servant medical benefits."
        ),
        "agency_th": "สำนักงานหลักประกันสุขภาพแห่งชาติ (สปสช.) ลงทะเบียนที่หน่วยบริการ หรือสายด่วน 1330",
        "agency_en": "National Health Security Office (NHSO): a health unit, or hotline 1330",
    },
    {
        "code": "status_health_fund",
        "sort_order": 50,
        "is_cash": False,
        "means_tested": False,
        "name_th": "สิทธิรักษาพยาบาลบุคคลที่มีปัญหาสถานะและสิทธิ (กองทุนคืนสิทธิ)",
        "name_en": "Health fund for people with personal-status problems",
        "description_th": (
            "สิทธิรักษาพยาบาลสำหรับบุคคลที่มีปัญหาสถานะและสิทธิซึ่งมีเลขประจำตัว 13 หลัก "
            "จากทะเบียนราษฎร (ประเภท 0, 6, 7) ตามมติคณะรัฐมนตรี 23 มีนาคม 2553"
        ),
        "description_en": (
            "Health cover for people with personal-status problems who hold a 13-digit "
            "civil-registry number (categories 0, 6, 7), under the cabinet resolution of "
            "23 March 2010."
        ),
        "agency_th": "โรงพยาบาลของกระทรวงสาธารณสุขในพื้นที่ ผ่านสำนักงานสาธารณสุขจังหวัด",
        "agency_en": "The Ministry of Public Health hospital of the area, via the provincial health office",
    },
    {
        "code": "child_support_grant",
        "sort_order": 60,
        "is_cash": True,
        "means_tested": True,
        "name_th": "เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด",
        "name_en": "Child support grant",
        "description_th": (
            "เงิน 600 บาทต่อเดือนสำหรับเด็กสัญชาติไทยตั้งแต่แรกเกิดจนอายุครบ 6 ปี "
            "ในครัวเรือนที่มีรายได้เฉลี่ยไม่เกิน 100,000 บาทต่อคนต่อปี"
        ),
        "description_en": (
            "600 baht a month for Thai children from birth to age 6 in households with an "
            "average income of at most 100,000 baht per person per year."
        ),
        "agency_th": "องค์กรปกครองส่วนท้องถิ่นที่เด็กอาศัยอยู่ (กรุงเทพฯ: สำนักงานเขต)",
        "agency_en": "Local government where the child lives (Bangkok: the district office)",
    },
    {
        "code": "state_welfare_card",
        "sort_order": 70,
        "is_cash": False,
        "means_tested": True,
        "name_th": "บัตรสวัสดิการแห่งรัฐ",
        "name_en": "State welfare card",
        "description_th": (
            "บัตรสวัสดิการสำหรับผู้มีรายได้น้อย สัญชาติไทย อายุ 18 ปีขึ้นไป "
            "รายได้ไม่เกิน 100,000 บาทต่อปี และผ่านเกณฑ์ทรัพย์สิน ลงทะเบียนตามรอบที่ประกาศ"
        ),
        "description_en": (
            "Welfare card for low-income Thai nationals aged 18 or over with income of at "
            "most 100,000 baht a year who also pass the asset test; registration opens in "
            "announced rounds."
        ),
        "agency_th": "กระทรวงการคลัง: จุดลงทะเบียนตามประกาศ (ธนาคารของรัฐ ที่ว่าการอำเภอ)",
        "agency_en": "Ministry of Finance: registration points as announced (state banks, district offices)",
    },
    {
        "code": "nationality_verification",
        "sort_order": 80,
        "is_cash": False,
        "means_tested": False,
        "name_th": "การพิสูจน์สถานะและสัญชาติ / เพิ่มชื่อในทะเบียนบ้าน",
        "name_en": "Nationality verification / late civil registration",
        "description_th": (
            "ขั้นตอนสำหรับคนไทยตกหล่น คนไร้สัญชาติ และผู้ไม่มีเอกสาร "
            "เพื่อพิสูจน์สัญชาติหรือขอเพิ่มชื่อในทะเบียนบ้าน ซึ่งเป็นประตูสู่สิทธิอื่นทั้งหมด"
        ),
        "description_en": (
            "The procedure for Thai people missing from the civil registry, stateless "
            "people and people without documents to prove nationality or be added to a "
            "house registration: the door to every other right."
        ),
        "agency_th": "สำนักทะเบียนอำเภอหรือสำนักทะเบียนท้องถิ่น",
        "agency_en": "The district (amphoe) or local registration office",
    },
]

NOTE = "Seeded by Saphan; check against the current regulation before relying on it."
RATES = {
    "old_age_allowance": [
        (60, 70, "600"),
        (70, 80, "700"),
        (80, 90, "800"),
        (90, None, "1000"),
    ],
    "disability_allowance": [(None, 18, "1000"), (18, None, "800")],
    "child_support_grant": [(None, 6, "600")],
}
THRESHOLDS = {
    "child_support_grant": [("household_income_per_person_year", "100000")],
    "state_welfare_card": [("personal_income_year", "100000")],
}


def seed(apps, schema_editor):
    Scheme = apps.get_model("rights", "Scheme")
    SchemeRate = apps.get_model("rights", "SchemeRate")
    SchemeThreshold = apps.get_model("rights", "SchemeThreshold")
    for data in SCHEMES:
        values = dict(data)
        code = values.pop("code")
        Scheme.objects.get_or_create(code=code, defaults=values)
    for code, rows in RATES.items():
        scheme = Scheme.objects.get(code=code)
        for min_age, max_age, amount in rows:
            SchemeRate.objects.get_or_create(
                scheme=scheme,
                valid_from=SEEDED_FROM,
                min_age=min_age,
                max_age=max_age,
                defaults={"monthly_amount": Decimal(amount), "note": NOTE},
            )
    for code, rows in THRESHOLDS.items():
        scheme = Scheme.objects.get(code=code)
        for threshold, value in rows:
            SchemeThreshold.objects.get_or_create(
                scheme=scheme,
                code=threshold,
                valid_from=SEEDED_FROM,
                defaults={"value": Decimal(value), "note": NOTE},
            )


class Migration(migrations.Migration):
    dependencies = [("rights", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
