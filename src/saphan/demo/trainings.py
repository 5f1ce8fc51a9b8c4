"""Demo trainings: about fifteen trainings that the demo staff of the Nan, Pattani and
Ubon Ratchathani organisations attended in the last year, recorded through
``orgs.services.training_record`` (so each one is valid and written to the access log).
Runs once: when the demo organisations already have trainings, it adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from saphan.accounts.models import User
from saphan.orgs.models import Organisation, Training, TrainingTopic
from saphan.orgs.services import training_record

#: (attendee, days ago, title, topic, provider, hours). The recorder is the organisation's
#: case manager or coordinator when the demo has one, else the administrator.
TRAININGS: tuple[tuple[str, int, str, str, str, str], ...] = (
    ("fw.nan", 20, "การจัดการรายกรณีเบื้องต้น", TrainingTopic.CASE_MANAGEMENT, "พมจ.น่าน", "12"),
    (
        "fw.nan",
        75,
        "พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคลสำหรับงานภาคสนาม",
        TrainingTopic.DATA_PROTECTION,
        "สำนักงานคณะกรรมการคุ้มครองข้อมูลส่วนบุคคล",
        "3",
    ),
    ("cm.nan", 40, "การวัดผลลัพธ์ทางสังคม", TrainingTopic.OUTCOMES_MEASUREMENT, "มหาวิทยาลัยตัวอย่าง", "6"),
    (
        "cm.nan",
        200,
        "สิทธิคนพิการและการทำบัตรคนพิการ",
        TrainingTopic.DISABILITY_RIGHTS,
        "ศูนย์บริการคนพิการจังหวัดน่าน",
        "6",
    ),
    (
        "dpo",
        120,
        "การประเมินผลกระทบด้านการคุ้มครองข้อมูล (DPIA)",
        TrainingTopic.DATA_PROTECTION,
        "สมาคมผู้ควบคุมข้อมูลส่วนบุคคล",
        "7",
    ),
    (
        "coord.nan",
        30,
        "การคุ้มครองเด็กในชุมชน",
        TrainingTopic.CHILD_PROTECTION,
        "บ้านพักเด็กและครอบครัวจังหวัดน่าน",
        "6",
    ),
    (
        "coord.nan",
        150,
        "สวัสดิการแห่งรัฐและเบี้ยยังชีพ",
        TrainingTopic.WELFARE_RIGHTS,
        "กรมกิจการผู้สูงอายุ",
        "3.5",
    ),
    (
        "officer.nan",
        60,
        "การรับส่งต่อรายกรณีระหว่างหน่วยงาน",
        TrainingTopic.CASE_MANAGEMENT,
        "พมจ.น่าน",
        "4",
    ),
    (
        "fw.pattani",
        15,
        "การเยี่ยมบ้านและการติดตามผล",
        TrainingTopic.CASE_MANAGEMENT,
        "เครือข่ายภาคประชาสังคมปัตตานี",
        "8",
    ),
    (
        "fw.pattani",
        90,
        "การพิสูจน์สถานะและสัญชาติ",
        TrainingTopic.OTHER,
        "สำนักทะเบียนอำเภอเมืองปัตตานี",
        "5",
    ),
    (
        "officer.pattani",
        45,
        "สิทธิสวัสดิการสำหรับครอบครัวเปราะบาง",
        TrainingTopic.WELFARE_RIGHTS,
        "พมจ.ปัตตานี",
        "3",
    ),
    (
        "officer.pattani",
        300,
        "การคุ้มครองเด็กในสถานการณ์ความไม่สงบ",
        TrainingTopic.CHILD_PROTECTION,
        "ยูนิเซฟ ประเทศไทย (ตัวอย่าง)",
        "12",
    ),
    (
        "fw.ubon",
        10,
        "สิทธิคนพิการและอุปกรณ์ช่วยเหลือ",
        TrainingTopic.DISABILITY_RIGHTS,
        "ศูนย์สิรินธรเพื่อการฟื้นฟูฯ (ตัวอย่าง)",
        "6",
    ),
    ("fw.ubon", 400, "การจัดการรายกรณีเบื้องต้น", TrainingTopic.CASE_MANAGEMENT, "พมจ.อุบลราชธานี", "12"),
    (
        "officer.ubon",
        55,
        "การใช้ข้อมูลอย่างปลอดภัยตาม PDPA",
        TrainingTopic.DATA_PROTECTION,
        "สำนักงานพัฒนาสังคมฯ อุบลราชธานี",
        "2.5",
    ),
)
#: Who records for each organisation, first match wins.
RECORDERS = ("cm.nan", "coord.nan", "admin")
DEMO_ORG_CODES = ("cso-55", "pso-55", "cso-94", "pso-94", "cso-34", "pso-34")


def _recorder_for(organisation: Organisation) -> User | None:
    from saphan.orgs.capacity import organisations_for_capacity

    for username in RECORDERS:
        user = User.objects.filter(username=username, is_active=True).first()
        if (
            user is not None
            and organisations_for_capacity(user).filter(pk=organisation.pk).exists()
        ):
            return user
    return None


def demo_trainings_load(progress: Callable[[str], Any] = print) -> int:
    """Record the demo trainings; returns how many were recorded (0 on a second run)."""
    if Training.objects.filter(organisation__code__in=DEMO_ORG_CODES).exists():
        return 0
    today = timezone.localdate()
    recorded = 0
    with transaction.atomic():
        for username, days_ago, title, topic, provider, hours in TRAININGS:
            attendee = User.objects.filter(username=username, is_active=True).first()
            if attendee is None or attendee.organisation is None:
                continue
            recorder = _recorder_for(attendee.organisation)
            if recorder is None:
                continue
            training_record(
                user=recorder,
                organisation=attendee.organisation,
                attendee=attendee,
                title=title,
                topic=topic,
                provider=provider,
                attended_on=today - dt.timedelta(days=days_ago),
                hours=Decimal(hours),
            )
            recorded += 1
    progress(f"Demo trainings: {recorded} recorded.")
    return recorded
