"""Idempotent demo seeding: running it again changes nothing that is already there."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from saphan.accounts.models import User
from saphan.accounts.roles import Role
from saphan.accounts.services import user_create
from saphan.geo.models import Province
from saphan.orgs.models import Organisation, OrganisationKind

#: Printed on screen by ``saphan demo``; the demo refuses to run in production mode.
DEMO_PASSWORD = "saphan-demo-2569"


@dataclass(frozen=True)
class DemoOrg:
    code: str
    name_th: str
    name_en: str
    kind: str
    provinces: tuple[str, ...] | None  # None = all 25 project provinces


@dataclass(frozen=True)
class DemoUser:
    username: str
    organisation_code: str | None
    role: str
    first_name: str
    last_name: str


NATIONAL_ORGS = (
    DemoOrg(
        "dop",
        "กรมกิจการผู้สูงอายุ (ตัวอย่าง)",
        "Department of Older Persons (demo)",
        OrganisationKind.AGENCY,
        None,
    ),
    DemoOrg(
        "msdhs-analysis",
        "กองยุทธศาสตร์และแผนงาน พม. (ตัวอย่าง)",
        "MSDHS Strategy and Planning Division (demo)",
        OrganisationKind.AGENCY,
        None,
    ),
    DemoOrg(
        "impact-fund",
        "กองทุนเพื่อสังคมตัวอย่าง",
        "Example Social Impact Fund",
        OrganisationKind.INVESTOR,
        None,
    ),
    DemoOrg(
        "intermediary",
        "องค์กรตัวกลางตัวอย่าง",
        "Example Outcomes Intermediary",
        OrganisationKind.INTERMEDIARY,
        None,
    ),
    DemoOrg(
        "evaluator",
        "สถาบันประเมินผลอิสระตัวอย่าง",
        "Example Independent Evaluator",
        OrganisationKind.EVALUATOR,
        None,
    ),
    DemoOrg(
        "outcome-payer",
        "หน่วยงานผู้จ่ายเงินตามผลลัพธ์ (ตัวอย่าง)",
        "Example Outcome Payer (government)",
        OrganisationKind.OUTCOME_PAYER,
        None,
    ),
    DemoOrg(
        "provider",
        "มูลนิธิบริการสังคมตัวอย่าง",
        "Example Social Service Foundation",
        OrganisationKind.CSO,
        ("11", "13", "83"),
    ),
    DemoOrg("university", "มหาวิทยาลัยตัวอย่าง", "Example University", OrganisationKind.ACADEMIC, None),
)

DEMO_USERS = (
    DemoUser("admin", None, Role.ADMINISTRATOR, "ผู้ดูแล", "ระบบ"),
    DemoUser("fw.nan", "cso-55", Role.FIELD_WORKER, "สมศรี", "ใจงาม"),
    DemoUser("fw.pattani", "cso-94", Role.FIELD_WORKER, "อามีนะห์", "ดาโอ๊ะ"),
    DemoUser("cm.nan", "cso-55", Role.CASE_MANAGER, "ประเสริฐ", "มีสุข"),
    DemoUser("coord.nan", "pso-55", Role.PROVINCIAL_COORDINATOR, "วันดี", "ศรีสุข"),
    # Officers of the provincial offices that receive referrals from the Nan and Pattani CSOs.
    DemoUser("officer.nan", "pso-55", Role.AGENCY_OFFICER, "สุดา", "รับเรื่อง"),
    DemoUser("officer.pattani", "pso-94", Role.AGENCY_OFFICER, "ฟาตีมะห์", "สาและ"),
    DemoUser("fw.ubon", "cso-34", Role.FIELD_WORKER, "บุญเรือน", "แก้วใส"),
    DemoUser("officer.ubon", "pso-34", Role.AGENCY_OFFICER, "สมพงษ์", "ดีงาม"),
    DemoUser("officer.dop", "dop", Role.AGENCY_OFFICER, "ชาญชัย", "บุญมา"),
    DemoUser("analyst", "msdhs-analysis", Role.ANALYST, "กมล", "วิเคราะห์"),
    DemoUser("dpo", "cso-55", Role.DATA_PROTECTION_OFFICER, "ปกป้อง", "ข้อมูล"),
    DemoUser("investor", "impact-fund", Role.INVESTOR, "ลงทุน", "เพื่อสังคม"),
    DemoUser("intermediary", "intermediary", Role.INTERMEDIARY, "ประสาน", "กลาง"),
    DemoUser("evaluator", "evaluator", Role.EVALUATOR, "ประเมิน", "อิสระ"),
    DemoUser("payer", "outcome-payer", Role.PAYER, "จ่าย", "ตามผล"),
)


def _provincial_orgs(provinces: list[Province]) -> list[DemoOrg]:
    orgs = []
    for p in provinces:
        orgs.append(
            DemoOrg(
                f"cso-{p.code}",
                f"เครือข่ายภาคประชาสังคมจังหวัด{p.name_th} (ตัวอย่าง)",
                f"{p.name_en} Civil Society Network (demo)",
                OrganisationKind.CSO,
                (p.code,),
            )
        )
        orgs.append(
            DemoOrg(
                f"pso-{p.code}",
                f"สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด{p.name_th} (ตัวอย่าง)",
                f"{p.name_en} Provincial Office of Social Development (demo)",
                OrganisationKind.PROVINCIAL_OFFICE,
                (p.code,),
            )
        )
    return orgs


@dataclass
class SeedResult:
    organisations_created: int
    users_created: int
    users: list[tuple[str, str, str, bool]]  # username, role label, organisation, created


@transaction.atomic
def demo_seed_organisations_and_users() -> SeedResult:
    project = list(Province.objects.project().order_by("code"))
    if len(project) != 25:
        raise RuntimeError("Geography is not loaded: run `saphan migrate` first.")
    project_codes = [p.code for p in project]
    created_orgs = 0
    for spec in [*_provincial_orgs(project), *NATIONAL_ORGS]:
        org, created = Organisation.objects.get_or_create(
            code=spec.code,
            defaults={"name_th": spec.name_th, "name_en": spec.name_en, "kind": spec.kind},
        )
        if created:
            org.provinces.set(
                Province.objects.filter(
                    code__in=spec.provinces if spec.provinces is not None else project_codes
                )
            )
            created_orgs += 1

    rows: list[tuple[str, str, str, bool]] = []
    created_users = 0
    for person in DEMO_USERS:
        organisation = (
            Organisation.objects.get(code=person.organisation_code)
            if person.organisation_code
            else None
        )
        created = False
        if not User.objects.filter(username=person.username).exists():
            user_create(
                username=person.username,
                password=DEMO_PASSWORD,
                organisation=organisation,
                role=person.role,
                first_name=person.first_name,
                last_name=person.last_name,
                validate=False,
            )
            created_users += 1
            created = True
        rows.append(
            (
                person.username,
                str(Role(person.role).label),
                organisation.code if organisation else "—",
                created,
            )
        )
    return SeedResult(created_orgs, created_users, rows)
