"""The five MSDHS pilots: who plays which role, whom they serve, and where.

The contracts themselves (metrics, prices, caps, investment) are the JSON files in
``data/``; this module describes what the contract format has no place for: the
organisations behind each role, the target population, the provinces and the text the
demo shows. Every name here is fictional ("ตัวอย่าง" / "demo"): real departments appear
only as the role they play, marked "(ตัวอย่าง)".

Organisation codes reuse the demo organisations of :mod:`saphan.demo.seed` where one
fits (``impact-fund``, ``intermediary``, ``evaluator``, ``outcome-payer``, ``provider``,
``university``, ``dop`` and the provincial ``cso-XX``); :data:`PILOT_ORGANISATIONS` lists
the few the pilots add.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OrgKind = Literal[
    "cso",
    "agency",
    "provincial_office",
    "local_government",
    "investor",
    "intermediary",
    "evaluator",
    "outcome_payer",
    "academic",
]
Role = Literal["investor", "provider", "intermediary", "evaluator", "payer"]
ROLES: tuple[Role, ...] = ("investor", "provider", "intermediary", "evaluator", "payer")

#: INDIGO "organisation role category" values used for investors and payers.
IMPACT_INVESTOR = "Impact Investor"
CORPORATE_GIVING = "Corporate Giving"
FOUNDATION = "Foundation/Philanthropist"

#: Organisations of :mod:`saphan.demo.seed` the pilots reuse (``cso-XX`` are per province).
SEED_ORGANISATIONS = frozenset(
    {"dop", "impact-fund", "intermediary", "evaluator", "outcome-payer", "provider", "university"}
)


@dataclass(frozen=True)
class PilotOrganisation:
    """An organisation the pilots add to the demo; ``provinces`` None means all 25."""

    code: str
    name_th: str
    name_en: str
    kind: OrgKind
    provinces: tuple[str, ...] | None = None
    #: INDIGO organisation role category when the kind alone does not say it.
    indigo_category: str = ""


@dataclass(frozen=True)
class PilotParty:
    """``organisation`` plays ``role``; ``spec_code`` is its code in the contract JSON (a
    payer code or an investor code), empty for providers, intermediaries, evaluators."""

    organisation: str
    role: Role
    spec_code: str = ""


@dataclass(frozen=True)
class PilotSpec:
    code: str  # the contract's and the project's code
    slug: str  # the contract file: data/<slug>.json
    name_th: str
    name_en: str
    participant_prefix: str
    description_th: str
    description_en: str
    target_population_th: str
    target_population_en: str
    provinces: tuple[str, ...]  # DOPA codes, among the 25 project provinces
    eligible_groups: tuple[str, ...]  # people.choices.PopulationGroup values
    eligible_watch_rules: tuple[str, ...]  # watch.catalogue rule codes
    parties: tuple[PilotParty, ...]
    policy_sector: str  # INDIGO policy sector codelist
    sdg_goal: str  # the primary UN Sustainable Development Goal, "1" to "17"
    demo_participants: int  # how many participants the demo enrols

    def roles(self) -> set[str]:
        return {p.role for p in self.parties}

    def organisations(self, role: Role) -> list[str]:
        return [p.organisation for p in self.parties if p.role == role]


PILOT_ORGANISATIONS: tuple[PilotOrganisation, ...] = (
    # Outcome payers: the departments of the mission, and ThaiHealth as co-funder.
    PilotOrganisation(
        "dsdw",
        "กรมพัฒนาสังคมและสวัสดิการ (ตัวอย่าง)",
        "Department of Social Development and Welfare (demo)",
        "agency",
    ),
    PilotOrganisation(
        "dwf",
        "กรมกิจการสตรีและสถาบันครอบครัว (ตัวอย่าง)",
        "Department of Women's Affairs and Family Development (demo)",
        "agency",
    ),
    PilotOrganisation(
        "dcy",
        "กรมกิจการเด็กและเยาวชน (ตัวอย่าง)",
        "Department of Children and Youth (demo)",
        "agency",
    ),
    PilotOrganisation(
        "dep",
        "กรมส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ (ตัวอย่าง)",
        "Department of Empowerment of Persons with Disabilities (demo)",
        "agency",
    ),
    PilotOrganisation(
        "depa",
        "สำนักงานส่งเสริมเศรษฐกิจดิจิทัล (ตัวอย่าง)",
        "Digital Economy Promotion Agency (demo)",
        "agency",
    ),
    PilotOrganisation(
        "thaihealth",
        "สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ (สสส.) (ตัวอย่าง)",
        "Thai Health Promotion Foundation (demo)",
        "outcome_payer",
    ),
    # Co-investors next to the example impact fund.
    PilotOrganisation(
        "csr-telco",
        "บริษัทสื่อสารตัวอย่าง จำกัด (มหาชน) (CSR)",
        "Example Telecom PLC (CSR)",
        "investor",
        indigo_category=CORPORATE_GIVING,
    ),
    PilotOrganisation(
        "csr-bank",
        "ธนาคารตัวอย่าง จำกัด (มหาชน) (CSR)",
        "Example Bank PLC (CSR)",
        "investor",
        indigo_category=CORPORATE_GIVING,
    ),
    PilotOrganisation(
        "csr-retail",
        "บริษัทค้าปลีกตัวอย่าง จำกัด (มหาชน) (CSR)",
        "Example Retail PLC (CSR)",
        "investor",
        indigo_category=CORPORATE_GIVING,
    ),
    PilotOrganisation(
        "csr-insurance",
        "บริษัทประกันชีวิตตัวอย่าง จำกัด (มหาชน) (CSR)",
        "Example Life Insurance PLC (CSR)",
        "investor",
        indigo_category=CORPORATE_GIVING,
    ),
    PilotOrganisation(
        "intl-foundation",
        "มูลนิธิระหว่างประเทศตัวอย่าง",
        "Example International Foundation",
        "investor",
        indigo_category=FOUNDATION,
    ),
    # Service providers (fictional; modelled on the kinds of partner the mission names).
    PilotOrganisation(
        "ecommerce-assoc",
        "สมาคมผู้ค้าออนไลน์ตัวอย่าง",
        "Example e-Commerce Association",
        "cso",
    ),
    PilotOrganisation(
        "homeless-foundation",
        "มูลนิธิตัวอย่างเพื่อคนไร้บ้าน",
        "Example Foundation for Homeless People",
        "cso",
        provinces=("11", "13", "83"),
    ),
    PilotOrganisation(
        "housing-foundation",
        "มูลนิธิบ้านมั่นคงตัวอย่าง",
        "Example Affordable Housing Foundation",
        "cso",
        provinces=("11", "13", "83"),
    ),
    PilotOrganisation(
        "anti-trafficking",
        "มูลนิธิตัวอย่างเพื่อต่อต้านการค้ามนุษย์",
        "Example Anti-Trafficking Foundation",
        "cso",
        provinces=("11", "85", "94"),
    ),
    PilotOrganisation(
        "family-se",
        "วิสาหกิจเพื่อสังคมตัวอย่าง แม่และเด็ก",
        "Example Mother and Child Social Enterprise",
        "cso",
        provinces=("31", "33", "34", "41"),
    ),
)


def _parties(
    investor: str,
    payers: dict[str, str],
    providers: tuple[str, ...],
    evaluators: tuple[str, ...] = ("evaluator",),
) -> tuple[PilotParty, ...]:
    """The example impact fund and ``investor``; ``payers`` maps organisation → spec code."""
    return (
        PilotParty("impact-fund", "investor", "impact-fund"),
        PilotParty(investor, "investor", investor),
        *(PilotParty(code, "provider") for code in providers),
        PilotParty("intermediary", "intermediary"),
        *(PilotParty(code, "evaluator") for code in evaluators),
        *(PilotParty(org, "payer", spec) for org, spec in payers.items()),
    )


PILOTS: list[PilotSpec] = [
    PilotSpec(
        code="ODW-2026",
        slug="older-digital-work",
        name_th="ผู้สูงวัย ศักยภาพใหม่ ทำงานในโลกดิจิทัล",
        name_en="Older people, new potential: work in the digital world",
        participant_prefix="ODW",
        description_th=(
            "อบรมทักษะดิจิทัลเพื่อการมีงานทำให้ผู้สูงอายุ (ขายของออนไลน์ รับชำระเงินอิเล็กทรอนิกส์ "
            "รู้เท่าทันมิจฉาชีพ) แล้วจับคู่กับงานและตลาดออนไลน์ จ่ายเมื่อผ่านการอบรมและมีรายได้ต่อเนื่อง 3 และ 6 เดือน"
        ),
        description_en=(
            "Digital skills for work for older people (online selling, e-payments, spotting "
            "scams), then matching with online work and markets; paid on completion and on "
            "income sustained at 3 and 6 months."
        ),
        target_population_th="ผู้สูงอายุ 60 ปีขึ้นไปที่ยังทำงานได้ มีรายได้น้อยกว่า 2,000 บาทต่อเดือนนอกจากเบี้ยยังชีพ",
        target_population_en=(
            "People aged 60 or over, able to work, with less than 2,000 baht a month of "
            "income besides the old-age allowance."
        ),
        provinces=("13", "30", "34", "55", "65"),
        eligible_groups=("older_person",),
        eligible_watch_rules=("older_no_income",),
        parties=_parties(
            "csr-telco", {"dop": "dop", "depa": "depa"}, ("ecommerce-assoc", "cso-55", "cso-34")
        ),
        policy_sector="Employment and training",
        sdg_goal="8",
        demo_participants=60,
    ),
    PilotSpec(
        code="HHH-2026",
        slug="home-hope-hub",
        name_th="Home Hope Hub: บ้าน งาน ชีวิตใหม่ของคนไร้บ้าน",
        name_en="Home Hope Hub: housing and work for homeless people",
        participant_prefix="HHH",
        description_th=(
            "จัดหาห้องเช่าราคาประหยัด ฝึกอาชีพและจับคู่งานให้คนไร้บ้าน พร้อมเยี่ยมบ้านต่อเนื่อง "
            "จ่ายเมื่อมีที่อยู่อาศัยและไม่กลับสู่ถนนครบ 3, 6 และ 12 เดือน"
        ),
        description_en=(
            "Affordable rooms, job training and job matching for homeless people, with regular "
            "home visits; paid when they are housed and not back on the street at 3, 6 and "
            "12 months."
        ),
        target_population_th="คนไร้บ้านที่อยู่ในที่สาธารณะหรือศูนย์พักพิงชั่วคราวอย่างน้อย 1 เดือน",
        target_population_en=(
            "Homeless people who have slept rough or in a temporary shelter for at least a month."
        ),
        provinces=("11", "13", "83"),
        eligible_groups=("homeless",),
        eligible_watch_rules=("homeless_chronic_illness",),
        parties=_parties(
            "csr-bank",
            {"dsdw": "dsdw", "thaihealth": "thaihealth"},
            ("homeless-foundation", "housing-foundation", "provider"),
        ),
        policy_sector="Homelessness",
        sdg_goal="11",
        demo_participants=45,
    ),
    PilotSpec(
        code="TIP-2026",
        slug="tip-alternative-shelter",
        name_th="TIP Alternative Shelter for Life: ติดตามผู้เสียหายจากการค้ามนุษย์ในที่พักพิงทางเลือก",
        name_en=(
            "TIP Alternative Shelter for Life: "
            "follow-up of trafficking survivors in alternative care"
        ),
        participant_prefix="TIP",
        description_th=(
            "ผู้เสียหายจากการค้ามนุษย์ได้อยู่กับครอบครัว ญาติ หรือบ้านพักขององค์กรภาคประชาสังคม "
            "แทนสถานคุ้มครองของกระทรวง พร้อมการติดตามเยี่ยมทุกเดือน "
            "จ่ายเมื่อปลอดภัยครบ 6 เดือนและกลับคืนสู่สังคมครบ 12 เดือน"
        ),
        description_en=(
            "Trafficking survivors live with family, relatives or in a CSO-run home instead of "
            "a ministry shelter, with monthly follow-up; paid when they are safe at 6 months "
            "and reintegrated at 12 months."
        ),
        target_population_th="ผู้เสียหายจากการค้ามนุษย์ที่ได้รับการคัดแยกแล้ว และประสงค์จะอยู่ในที่พักพิงทางเลือก",
        target_population_en=(
            "Identified victims of trafficking who choose alternative care outside ministry "
            "shelters."
        ),
        provinces=("11", "85", "94"),
        eligible_groups=("women", "child", "migrant_worker", "status_ethnic_indigenous"),
        eligible_watch_rules=(),
        parties=_parties(
            "intl-foundation", {"outcome-payer": "ops"}, ("anti-trafficking", "cso-85", "cso-94")
        ),
        policy_sector="Child and family welfare",
        sdg_goal="16",
        demo_participants=30,
    ),
    PilotSpec(
        code="SMSK-2026",
        slug="strong-mom-smart-kid",
        name_th=("แม่เข้มแข็ง ลูกฉลาด (Strong Mom, Smart Kid): แม่เลี้ยงเดี่ยวมีงานมั่นคง ลูกมีพัฒนาการสมวัย"),
        name_en=(
            "Strong Mom, Smart Kid: stable work for single mothers, children developing on track"
        ),
        participant_prefix="SMSK",
        description_th=(
            "แม่เลี้ยงเดี่ยวได้งานหรือเริ่มธุรกิจที่มีรายได้มั่นคง ลูกได้เข้าศูนย์พัฒนาเด็กเล็ก "
            "จ่ายเมื่อแม่มีรายได้ต่อเนื่อง 6 และ 12 เดือน และตามสัดส่วนเด็กที่มีพัฒนาการสมวัย"
        ),
        description_en=(
            "Single mothers find a job or start a business with a stable income, and their "
            "children attend a child development centre; paid on income sustained at 6 and "
            "12 months and on the share of children developing on track."
        ),
        target_population_th="แม่เลี้ยงเดี่ยวที่มีลูกอายุต่ำกว่า 6 ปี และมีรายได้ต่ำกว่าค่าแรงขั้นต่ำ",
        target_population_en=(
            "Single mothers with a child under 6 and an income below the minimum wage."
        ),
        provinces=("31", "33", "34", "41"),
        eligible_groups=("women",),
        eligible_watch_rules=(),
        parties=_parties(
            "csr-retail",
            {"dwf": "dwf", "dcy": "dcy"},
            ("family-se", "cso-41", "cso-31"),
            ("evaluator", "university"),
        ),
        policy_sector="Child and family welfare",
        sdg_goal="1",
        demo_participants=50,
    ),
    PilotSpec(
        code="PAS-2026",
        slug="pa-starter",
        name_th="PA Starter: ผู้ช่วยคนพิการ มีทักษะ มีงานทำ",
        name_en=(
            "PA Starter: personal assistants for persons with disabilities, trained and working"
        ),
        participant_prefix="PAS",
        description_th=(
            "อบรมผู้ช่วยคนพิการ (Personal Assistant) 60 ชั่วโมงร่วมกับมหาวิทยาลัย แล้วจับคู่กับคนพิการในชุมชน "
            "จ่ายเมื่อได้รับใบรับรองและทำงานต่อเนื่อง 3 และ 6 เดือน"
        ),
        description_en=(
            "A 60-hour personal assistant course run with a university, then matching with "
            "persons with disabilities in the community; paid on certification and on work "
            "sustained at 3 and 6 months."
        ),
        target_population_th="ผู้ที่ต้องการทำงานเป็นผู้ช่วยคนพิการ เช่น แรงงานนอกระบบ หรือคนพิการที่ยังไม่มีงานทำ",
        target_population_en=(
            "People who want to work as personal assistants: informal workers, and persons "
            "with disabilities without work."
        ),
        provinces=("30", "52", "54", "65"),
        eligible_groups=("informal_worker", "disability"),
        eligible_watch_rules=("disability_without_work",),
        parties=_parties(
            "csr-insurance",
            {"dep": "dep", "thaihealth": "thaihealth"},
            ("university", "cso-52", "cso-65"),
        ),
        policy_sector="Employment and training",
        sdg_goal="8",
        demo_participants=50,
    ),
]
