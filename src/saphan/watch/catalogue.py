"""The watch rules Saphan ships with: the mission's five watch groups first, then the
ones a provincial coordinator asked for. ``watch_rules_install`` upserts them (a data
migration and ``saphan watch install-rules`` call it); coordinators then switch them on or
off and tune thresholds per province. docs/watch.md explains each one in Thai and English.
"""

from __future__ import annotations

from typing import Any

URGENT, HIGH, MEDIUM, LOW = 1, 2, 3, 4
NOT_DONE_STAGES = [
    "",
    "not_started",
    "documents",
    "witnesses",
    "dna_test",
    "interview",
    "awaiting_decision",
    "rejected",
]


def _f(fact: str, op: str, value: Any) -> dict[str, Any]:
    return {"fact": fact, "op": op, "value": value}


OLDER = _f("age", ">=", "$older_age")
HAS_DISABILITY = _f("disability", "is", True)

RULES: list[dict[str, Any]] = [
    {
        "code": "older_with_disability",
        "name_th": "ผู้สูงอายุที่มีความพิการ",
        "name_en": "Older person with a disability",
        "description_th": "อายุ 60 ปีขึ้นไป และมีความพิการที่บันทึกไว้",
        "description_en": "Aged 60 or over with a recorded disability.",
        "condition": {"all": [OLDER, HAS_DISABILITY]},
        "parameters": {"older_age": 60},
        "priority": HIGH,
        "first_action_th": "เยี่ยมบ้าน ตรวจบัตรคนพิการ เบี้ยผู้สูงอายุและเบี้ยความพิการ",
        "first_action_en": "Home visit; check the disability card and both allowances.",
        "recheck_days": 90,
    },
    {
        "code": "older_raising_children",
        "name_th": "ผู้สูงอายุที่เลี้ยงดูเด็ก",
        "name_en": "Older person raising children",
        "description_th": ("อายุ 60 ปีขึ้นไป ในครัวเรือนมีเด็กอายุต่ำกว่า 18 ปี และไม่มีผู้ใหญ่วัยทำงาน (18–59 ปี)"),
        "description_en": (
            "Aged 60 or over, in a household with children under 18 and no working-age "
            "adult (18–59)."
        ),
        "condition": {
            "all": [
                OLDER,
                _f("household_children", ">=", 1),
                _f("household_working_age_adults", "==", 0),
            ]
        },
        "parameters": {"older_age": 60},
        "priority": HIGH,
        "first_action_th": "เยี่ยมบ้าน ตรวจเงินอุดหนุนเด็กแรกเกิด การศึกษาและรายได้ของครัวเรือน",
        "first_action_en": "Home visit; check the child support grant, schooling and income.",
        "recheck_days": 90,
    },
    {
        "code": "disability_without_work",
        "name_th": "คนพิการวัยทำงานที่ไม่มีงานทำ",
        "name_en": "Person with a disability without work",
        "description_th": "คนพิการอายุ 18–59 ปี ที่ว่างงานหรือทำงานไม่ได้",
        "description_en": (
            "Person with a disability aged 18–59 who is unemployed or unable to work."
        ),
        "condition": {
            "all": [
                HAS_DISABILITY,
                _f("age", ">=", "$min_age"),
                _f("age", "<", "$max_age"),
                _f("work_status", "in", ["unemployed", "unable"]),
            ]
        },
        "parameters": {"min_age": 18, "max_age": 60},
        "priority": MEDIUM,
        "first_action_th": "ส่งต่อการฝึกอาชีพ การจ้างงานคนพิการ (ม.33/ม.35) และกองทุนคนพิการ",
        "first_action_en": (
            "Refer to vocational training, disability employment (s.33/s.35) and the "
            "disability fund loan."
        ),
        "recheck_days": 180,
    },
    {
        "code": "disability_ill_or_bedridden",
        "name_th": "คนพิการที่เจ็บป่วยหรือติดเตียง",
        "name_en": "Person with a disability who is ill or bedridden",
        "description_th": "มีความพิการ และติดเตียงหรือมีโรคเรื้อรัง",
        "description_en": "Has a disability and is bedridden or has a chronic illness.",
        "condition": {
            "all": [
                HAS_DISABILITY,
                {"any": [_f("bedridden", "is", True), _f("chronic_illness", "is", True)]},
            ]
        },
        "parameters": {},
        "priority": HIGH,
        "first_action_th": "ประสาน รพ.สต. เพื่อเยี่ยมบ้านและดูแลระยะยาว",
        "first_action_en": (
            "Ask the subdistrict health hospital for a home visit and long-term care."
        ),
        "recheck_days": 30,
    },
    {
        "code": "awaiting_nationality",
        "name_th": "ผู้ไม่มีสัญชาติหรือสิทธิ รอพิสูจน์สัญชาติ",
        "name_en": "Person without nationality or rights awaiting nationality verification",
        "description_th": (
            "ไร้รัฐ ไม่มีสถานะ หรือคนไทยตกหล่นทะเบียนราษฎร ที่ยังไม่ได้รับอนุมัติสัญชาติหรือบัตรประชาชน"
        ),
        "description_en": (
            "Stateless, without status, or Thai but missing from the civil registry, and not "
            "yet approved or issued an ID card."
        ),
        "condition": {
            "all": [
                _f(
                    "civil_status", "in", ["stateless", "thai_unregistered", "none", "non_thai_6_7"]
                ),
                _f("verification_stage", "in", NOT_DONE_STAGES),
            ]
        },
        "parameters": {},
        "priority": MEDIUM,
        "first_action_th": "เปิดกรณีและติดตามขั้นตอนพิสูจน์สัญชาติกับอำเภอ",
        "first_action_en": (
            "Open a case and track the nationality-verification steps with the district office."
        ),
        "recheck_days": 180,
    },
    {
        "code": "homeless_chronic_illness",
        "name_th": "คนไร้บ้านที่มีโรคเรื้อรัง",
        "name_en": "Homeless person with a chronic illness",
        "description_th": "ไม่มีที่อยู่เป็นหลักแหล่งหรืออยู่ในกลุ่มคนไร้บ้าน และมีโรคเรื้อรัง",
        "description_en": "No fixed address or in the homeless group, with a chronic illness.",
        "condition": {
            "all": [
                {
                    "any": [
                        _f("no_fixed_address", "is", True),
                        _f("group", "in", ["homeless"]),
                    ]
                },
                _f("chronic_illness", "is", True),
            ]
        },
        "parameters": {},
        "priority": URGENT,
        "first_action_th": "ประสานหน่วยบริการสุขภาพและที่พักพิงชั่วคราว",
        "first_action_en": "Arrange health care and a temporary shelter.",
        "recheck_days": 30,
    },
    {
        "code": "child_no_adult",
        "name_th": "เด็กในครัวเรือนที่ไม่มีผู้ใหญ่",
        "name_en": "Child in a household with no adult",
        "description_th": "อายุต่ำกว่า 18 ปี อยู่ในครัวเรือนที่ไม่มีสมาชิกอายุ 18 ปีขึ้นไป",
        "description_en": "Under 18, in a household where no member is 18 or over.",
        "condition": {
            "all": [
                _f("age", "<", "$adult_age"),
                _f("household_members", ">=", 1),
                _f("household_adults", "==", 0),
            ]
        },
        "parameters": {"adult_age": 18},
        "priority": URGENT,
        "first_action_th": "แจ้งศูนย์ช่วยเหลือสังคม 1300 และ พมจ. เพื่อจัดผู้ดูแล",
        "first_action_en": (
            "Tell the 1300 social assistance centre and the provincial social development office."
        ),
        "recheck_days": 30,
    },
    {
        "code": "disability_card_expired",
        "name_th": "บัตรคนพิการหมดอายุหรือใกล้หมดอายุ",
        "name_en": "Disability card expired or about to expire",
        "description_th": "บัตรประจำตัวคนพิการหมดอายุแล้ว หรือจะหมดอายุภายใน 60 วัน",
        "description_en": "The disability card has expired or expires within 60 days.",
        "condition": {"all": [_f("disability_card_days_left", "<=", "$days")]},
        "parameters": {"days": 60},
        "priority": MEDIUM,
        "first_action_th": "ช่วยต่ออายุบัตรที่ พมจ. หรือโรงพยาบาล เพื่อไม่ให้เบี้ยความพิการขาด",
        "first_action_en": "Help renew the card so the disability allowance does not stop.",
        "recheck_days": 30,
    },
    {
        "code": "disability_no_card",
        "name_th": "คนพิการที่ยังไม่มีบัตรคนพิการ",
        "name_en": "Person with a disability without a disability card",
        "description_th": "มีความพิการที่บันทึกไว้ แต่ไม่มีบัตรประจำตัวคนพิการ",
        "description_en": "A recorded disability but no disability card.",
        "condition": {"all": [HAS_DISABILITY, _f("disability_card", "in", ["none"])]},
        "parameters": {},
        "priority": HIGH,
        "first_action_th": "พาไปรับการประเมินที่โรงพยาบาลและยื่นขอบัตรคนพิการ",
        "first_action_en": "Arrange the hospital assessment and the disability card application.",
        "recheck_days": 60,
    },
    {
        "code": "older_alone_bedridden",
        "name_th": "ผู้สูงอายุอยู่คนเดียวและติดเตียง",
        "name_en": "Older person living alone and bedridden",
        "description_th": "อายุ 60 ปีขึ้นไป ติดเตียง และเป็นสมาชิกคนเดียวของครัวเรือน",
        "description_en": "Aged 60 or over, bedridden, and the only member of the household.",
        "condition": {
            "all": [OLDER, _f("bedridden", "is", True), _f("household_members", "==", 1)]
        },
        "parameters": {"older_age": 60},
        "priority": URGENT,
        "first_action_th": "เยี่ยมบ้านภายในสัปดาห์นี้ ประสานผู้ดูแล (Caregiver) และ อสม.",
        "first_action_en": "Visit this week; arrange a caregiver and the village health volunteer.",
        "recheck_days": 14,
    },
    {
        "code": "older_no_income",
        "name_th": "ผู้สูงอายุที่ไม่มีรายได้",
        "name_en": "Older person with no income",
        "description_th": "อายุ 60 ปีขึ้นไป และไม่มีรายได้",
        "description_en": "Aged 60 or over with no income.",
        "condition": {"all": [OLDER, _f("income_band", "in", ["none"])]},
        "parameters": {"older_age": 60},
        "priority": LOW,
        "first_action_th": "ตรวจเบี้ยยังชีพผู้สูงอายุและบัตรสวัสดิการแห่งรัฐ",
        "first_action_en": "Check the old-age allowance and the state welfare card.",
        "recheck_days": 180,
    },
]


def watch_rules_install(rule_model: Any = None) -> dict[str, int]:
    """Create or update the shipped rules (leaves each province's settings alone)."""
    from saphan.watch.conditions import condition_validate, parameters_validate

    if rule_model is None:
        from saphan.watch.models import WatchRule as rule_model
    created = updated = 0
    for order, spec in enumerate(RULES):
        parameters_validate(spec["parameters"])
        condition_validate(spec["condition"], spec["parameters"])
        defaults = {k: v for k, v in spec.items() if k != "code"}
        _rule, was_created = rule_model.objects.update_or_create(
            code=spec["code"], defaults={**defaults, "sort_order": (order + 1) * 10}
        )
        created += was_created
        updated += not was_created
    return {"created": created, "updated": updated}
