"""Demo work on top of the demo people: watch flags, a few hand-made situations the
random generator does not produce, cases with assessments, plans, visits, referrals
between organisations, civil-status steps, and recorded welfare-rights statuses — in
Nan, Pattani and Ubon Ratchathani, through the same services the pages use (so every
row is valid and audited). Runs once; a second ``saphan demo`` only re-evaluates the
watch rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from saphan.accounts.models import User
from saphan.orgs.models import Organisation
from saphan.people.models import Consent, Household, HouseholdMember, Person
from saphan.watch.engine import watch_evaluate
from saphan.watch.models import WatchFlag
from saphan.watch.notify import notify_new_flags

#: (field worker, case manager or None, receiving organisation, receiving user)
TEAMS = (
    ("fw.nan", "cm.nan", "pso-55", "officer.nan"),
    ("fw.pattani", None, "pso-94", "officer.pattani"),
    ("fw.ubon", None, "pso-34", "officer.ubon"),
)
CASES_PER_TEAM = 8
SERVICE_FOR_RULE = {
    "disability_no_card": "disability_card",
    "disability_card_expired": "disability_card",
    "awaiting_nationality": "nationality_verification",
    "disability_ill_or_bedridden": "health",
    "homeless_chronic_illness": "housing",
    "disability_without_work": "income",
}
NOTES = {
    "health": "ติดเตียง ต้องการผู้ดูแลและอุปกรณ์",
    "living": "บ้านทรุดโทรม หลังคารั่ว",
    "income": "รายได้ไม่พอค่าใช้จ่ายรายเดือน",
}


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _hand_made_situations(province_code: str, organisation: Organisation) -> None:
    """A child-headed household and an older bedridden person living alone: rare in the
    random data, important on the watch list."""
    if Person.objects.filter(province_id=province_code, nickname="เดโม่").exists():
        return
    today = timezone.localdate()
    base = Person.objects.filter(province_id=province_code).exclude(current_subdistrict=None)
    sample = base.first()
    if sample is None:
        return
    common: dict[str, Any] = {
        "province_id": province_code,
        "district_id": sample.district_id,
        "current_subdistrict_id": sample.current_subdistrict_id,
        "organisation": organisation,
        "nickname": "เดโม่",
        "sensitive_basis": "consent",
        "family_name": "ทองดี",
    }
    with transaction.atomic():
        children = Household.objects.create(province_id=province_code, organisation=organisation)
        for given, age, rel in (("ด.ญ.ฝน", 15, "head"), ("ด.ช.ฟ้า", 9, "sibling")):
            child = Person.objects.create(
                given_name=given, birth_year=today.year - age, birth_month=3, **common
            )
            HouseholdMember.objects.create(household=children, person=child, relationship=rel)
            Consent.objects.create(
                person=child,
                purpose="ลงทะเบียนและส่งต่อความช่วยเหลือ (ผู้ปกครองโดยชอบธรรม: ผู้ใหญ่บ้าน)",
                covers_sensitive=True,
                covers_sharing=True,
                given_by="guardian",
                guardian_name="ผู้ใหญ่บ้าน",
                given_on=today - dt.timedelta(days=20),
                organisation=organisation,
            )
        alone = Household.objects.create(province_id=province_code, organisation=organisation)
        elder = Person.objects.create(
            given_name="นางบุญมี",
            birth_year=today.year - 84,
            bedridden=True,
            chronic_illness=True,
            income_band="none",
            **common,
        )
        HouseholdMember.objects.create(household=alone, person=elder, relationship="head")
        Consent.objects.create(
            person=elder,
            purpose="ลงทะเบียนและส่งต่อความช่วยเหลือ",
            covers_sensitive=True,
            covers_sharing=True,
            given_on=today - dt.timedelta(days=30),
            organisation=organisation,
        )


def _flags_to_work(worker: User, province_code: str) -> list[WatchFlag]:
    from saphan.watch.selectors import watchlist

    sharing = Consent.objects.active_on(timezone.localdate()).filter(
        person=OuterRef("person_id"), covers_sharing=True
    )
    flags = watchlist(user=worker, province_code=province_code).filter(Exists(sharing))
    chosen: list[WatchFlag] = []
    seen_people: set[int] = set()
    seen_rules: dict[int, int] = {}
    for flag in flags[:400]:
        # A spread of rules, one flag per person.
        if flag.person_id in seen_people or seen_rules.get(flag.rule_id, 0) >= 2:
            continue
        chosen.append(flag)
        seen_people.add(flag.person_id)
        seen_rules[flag.rule_id] = seen_rules.get(flag.rule_id, 0) + 1
        if len(chosen) == CASES_PER_TEAM:
            break
    return chosen


def _work_a_case(
    i: int,
    flag: WatchFlag,
    worker: User,
    receiver_org: Organisation,
    receiver: User | None,
) -> int:
    from saphan.cases.referrals import (
        referral_accept,
        referral_create,
        referral_decline,
        referral_report,
    )
    from saphan.cases.services import (
        assessment_record,
        case_close,
        case_open,
        contact_record,
        goal_add,
        service_record,
    )

    today = timezone.localdate()
    person = flag.person
    case = case_open(
        user=worker, person=person, flag=flag, opened_on=today - dt.timedelta(days=40 - i)
    )
    assessment_record(
        user=worker,
        case=case,
        scores={"health": 2 + i % 3, "living": 3, "education": 4, "income": 2, "access": 2 + i % 2},
        notes=NOTES["health"] if i % 2 else NOTES["income"],
        assessed_on=today - dt.timedelta(days=35 - i),
    )
    goal_add(
        user=worker,
        case=case,
        dimension="access" if i % 2 else "health",
        description="ได้รับสิทธิสวัสดิการที่ขาดอยู่" if i % 2 else "มีผู้ดูแลเยี่ยมบ้านทุกสัปดาห์",
        due_on=today + dt.timedelta(days=30 + i),
    )
    contact_record(
        user=worker,
        case=case,
        kind="visit" if i % 3 else "phone",
        notes="เยี่ยมบ้าน พูดคุยกับครอบครัว ตกลงแผนร่วมกัน",
        contacted_on=today - dt.timedelta(days=10 - i % 5),
        next_follow_up_on=today + dt.timedelta(days=7 + i),
    )
    if i % 4 == 3:
        service_record(
            user=worker,
            case=case,
            what="ถุงยังชีพและผ้าอ้อมผู้ใหญ่",
            delivered_on=today - dt.timedelta(days=5),
            cost="850.00",
            provider_organisation=worker.organisation,
        )
    if i >= 6:
        return 0
    service = SERVICE_FOR_RULE.get(flag.rule.code, "allowance")
    referral = referral_create(
        user=worker,
        case=case,
        to_organisation=receiver_org,
        service_kind=service,
        reason=f"{flag.rule.name_th}: ขอความช่วยเหลือตามสิทธิ",
        due_on=today + dt.timedelta(days=14 + i),
        shared_summary="ครอบครัวยินยอมให้ส่งต่อ ติดต่อผ่านผู้ใหญ่บ้านได้",
        share_phone=i % 2 == 0,
    )
    if receiver is not None:
        if i in (0, 1, 2):
            referral_accept(user=receiver, referral=referral)
        if i == 2:
            referral_report(
                user=receiver,
                referral=referral,
                report="ยื่นคำขอให้แล้ว นัดตรวจประเมินวันที่แจ้งในระบบ",
                completed_on=today,
            )
            case_close(user=worker, case=case, outcome="partly_met", closed_on=today)
        if i == 3:
            referral_decline(
                user=receiver,
                referral=referral,
                reason="ไม่อยู่ในอำนาจหน้าที่ โปรดส่งต่อองค์การบริหารส่วนตำบล",
            )
    return 1


def _civil_steps(worker: User) -> int:
    from saphan.cases.civil import civil_step_done, civil_step_record
    from saphan.cases.models import Case

    today = timezone.localdate()
    done = 0
    cases = Case.objects.visible_to(worker).filter(
        source_flag__rule__code="awaiting_nationality", closed_on__isnull=True
    )
    for case in cases[:2]:
        step = civil_step_record(
            user=worker,
            case=case,
            step="documents",
            started_on=today - dt.timedelta(days=120),
            note="สำเนาทะเบียนบ้านผู้ปกครอง สูติบัตร",
        )
        civil_step_done(user=worker, step=step, done_on=today - dt.timedelta(days=90))
        civil_step_record(
            user=worker,
            case=case,
            step="witnesses",
            started_on=today - dt.timedelta(days=85),
            due_on=today + dt.timedelta(days=20),
            note="พยานบุคคล 2 คน: ผู้ใหญ่บ้านและเพื่อนบ้าน",
        )
        done += 1
    return done


def _rights(worker: User, province_code: str) -> int:
    from saphan.rights.selectors import rights_gaps
    from saphan.rights.services import person_right_record

    today = timezone.localdate()
    recorded = 0
    plan: tuple[tuple[str, str, str], ...] = (
        ("old_age_allowance", "receiving", ""),
        ("old_age_allowance", "applied", ""),
        ("disability_card", "applied", ""),
        ("state_welfare_card", "refused", "รายได้ครัวเรือนเกินเกณฑ์ตามการสำรวจปี 2568"),
    )
    for scheme, status, reason in plan:
        page = rights_gaps(user=worker, province_code=province_code, scheme_code=scheme, limit=12)
        for row in list(page.rows)[2:5]:
            person = row.person
            try:
                person_right_record(
                    user=worker,
                    person=person,
                    scheme_code=scheme,
                    status=status,
                    status_on=today - dt.timedelta(days=14),
                    reason=reason,
                )
            except ValidationError:
                continue
            recorded += 1
    return recorded


def demo_scenarios_load(progress: Callable[[str], Any] = print) -> dict[str, int]:
    from saphan.cases.models import Case

    counts = {"cases": 0, "referrals": 0, "civil_cases": 0, "rights": 0}
    for _worker_name, _manager, receiver_code, _receiver_name in TEAMS:
        org = Organisation.objects.filter(code=receiver_code.replace("pso", "cso")).first()
        if org is not None:
            _hand_made_situations(receiver_code.split("-")[1], org)
    summary = watch_evaluate()
    notify_new_flags(summary.raised_by_province)  # as the nightly task does
    progress(
        f"Watch rules: {summary.raised:,} flags raised, {summary.resolved:,} resolved, "
        f"{summary.unchanged:,} unchanged."
    )
    if Case.objects.exists():
        return counts
    for worker_name, _manager, receiver_code, receiver_name in TEAMS:
        worker = _user(worker_name)
        receiver_org = Organisation.objects.filter(code=receiver_code).first()
        if worker is None or receiver_org is None:
            continue
        province_code = receiver_code.split("-")[1]
        receiver = _user(receiver_name)
        for i, flag in enumerate(_flags_to_work(worker, province_code)):
            try:
                with transaction.atomic():
                    counts["referrals"] += _work_a_case(i, flag, worker, receiver_org, receiver)
                    counts["cases"] += 1
            except ValidationError as exc:  # a demo person the rules refuse: skip them
                progress(f"  skipped one demo case: {'; '.join(exc.messages)}")
        counts["civil_cases"] += _civil_steps(worker)
        counts["rights"] += _rights(worker, province_code)
    progress(
        f"Demo casework: {counts['cases']} cases, {counts['referrals']} referrals, "
        f"{counts['civil_cases']} civil-status procedures, {counts['rights']} rights statuses."
    )
    return counts
