"""A pilot's project (its eligibility widened when the demo holds too few people of the
target group), the signed contract and its amendment, participants and cohorts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Subquery, Value

from saphan.accounts.models import User
from saphan.demo.pilots.users import Progress, why
from saphan.orgs.models import Organisation
from saphan.outcomes.engine import Contract
from saphan.outcomes.enrolment import cohort_create, eligible_people, participant_enrol
from saphan.outcomes.models import Cohort, Participant, Project
from saphan.outcomes.pilots import PilotSpec, cohort_of, pilot_contract
from saphan.outcomes.services import (
    PROVIDER_KINDS,
    contract_version_create,
    contract_version_sign,
    project_create,
)
from saphan.people.models import Consent, Person, PersonGroup
from saphan.watch.models import WatchFlag

PARTICIPANTS = 16  # enrolled per pilot, outcomes claimed for them
COMPARISON = 3  # comparison-group members where a metric is measured against one
MIN_ELIGIBLE = 10  # fewer eligible demo people: the project's eligibility is widened
LAST_ENROLMENT_DAYS = 120  # enrolments stop this long before today
#: The pilot whose first contract version lacks its last rate card, added by amendment.
AMENDED = "HHH-2026"
AMENDMENT_REASON = (
    "ปรับราคาผลลัพธ์ตามงบประมาณปี 2570 (อัตรา FY2570 ตั้งแต่ 1 ต.ค. 2569) / "
    "FY2570 rate card: the price of housed_12m rises to 27,000 THB from 1 October 2026."
)


def _sharing_consent_on(day: dt.date) -> Subquery:
    """The given_on of the person's newest consent active on ``day`` covering sharing
    (the one :func:`saphan.outcomes.enrolment.sharing_consent` picks)."""
    consents = Consent.objects.active_on(day).filter(person=OuterRef("pk"), covers_sharing=True)
    return Subquery(consents.order_by("-given_on", "-id").values("given_on")[:1])


def _meets_spec(spec: PilotSpec) -> Q | None:
    """The pilot's own eligibility rule (groups or live watch flags), as ``eligible_people``
    applies it; None when the pilot has no rule."""
    rule: Q | None = None
    if spec.eligible_groups:
        rule = Q(
            Exists(
                PersonGroup.objects.filter(person=OuterRef("pk"), group__in=spec.eligible_groups)
            )
        )
    if spec.eligible_watch_rules:
        flags = WatchFlag.objects.live().filter(
            person=OuterRef("pk"), rule__code__in=spec.eligible_watch_rules
        )
        rule = Q(Exists(flags)) if rule is None else rule | Q(Exists(flags))
    return rule


def _provider_provinces(spec: PilotSpec) -> dict[str, set[str]]:
    """Provider organisation → the pilot provinces its staff see (kinds that can provide)."""
    out: dict[str, set[str]] = {}
    for org in Organisation.objects.filter(
        code__in=spec.organisations("provider"), kind__in=PROVIDER_KINDS, is_active=True
    ).prefetch_related("provinces"):
        out[org.code] = {p.code for p in org.provinces.all()} & set(spec.provinces)
    return out


def _candidates(spec: PilotSpec, today: dt.date) -> Any:
    """Demo people in the pilot's provinces that a provider sees, with an active sharing
    consent (annotated ``consent_on``) and ``meets`` (the pilot's own rule)."""
    seen = set().union(*_provider_provinces(spec).values())
    people = Person.objects.filter(province_id__in=seen).annotate(
        consent_on=_sharing_consent_on(today)
    )
    rule = _meets_spec(spec)
    meets = ExpressionWrapper(rule, output_field=BooleanField()) if rule else Value(True)
    return people.filter(consent_on__isnull=False).annotate(meets=meets)


def project_create_for(
    spec: PilotSpec, contract: Contract, intermediary: User, today: dt.date, progress: Progress
) -> Project:
    eligible = _candidates(spec, today).filter(meets=True).count()
    widen = eligible < MIN_ELIGIBLE + (COMPARISON if has_comparison(contract) else 0)
    description = f"{spec.description_th}\n\n{spec.description_en}"
    if widen:
        progress(
            f"  only {eligible} consenting demo people meet the {spec.code} rule "
            f"({', '.join((*spec.eligible_groups, *spec.eligible_watch_rules))}) where its "
            "providers work: the demo project takes everyone in its provinces"
        )
        description += (
            "\n\n(ตัวอย่าง: เปิดรับทุกคนในจังหวัดโครงการ เพราะข้อมูลตัวอย่างมีกลุ่มเป้าหมายน้อย / "
            "Demo: open to everyone in the project provinces, as the demo data holds too "
            "few people of the target group.)"
        )
    return project_create(
        user=intermediary,
        code=spec.code.lower(),
        name_th=spec.name_th,
        name_en=spec.name_en,
        description=description,
        target_population=f"{spec.target_population_th}\n\n{spec.target_population_en}",
        province_codes=spec.provinces,
        eligible_groups=() if widen else spec.eligible_groups,
        eligible_watch_rules=() if widen else spec.eligible_watch_rules,
        participant_prefix=spec.participant_prefix,
        starts_on=contract.start,
        ends_on=contract.end,
    )


def has_comparison(contract: Contract) -> bool:
    return any(m.threshold and m.threshold.against == "comparison" for m in contract.metrics)


def contract_sign(spec: PilotSpec, project: Project, intermediary: User) -> int:
    """Version 1 (and for :data:`AMENDED`, version 2: the last rate card, by amendment).
    The contract's code is the project's (project codes are lower-case)."""
    full = pilot_contract(spec.code)
    full["code"] = project.code
    first = pilot_contract(spec.code)
    first["code"] = project.code
    amend = spec.code == AMENDED and len(full["rate_cards"]) > 1
    if amend:
        first["rate_cards"] = first["rate_cards"][:-1]
    version = contract_version_create(user=intermediary, project=project, spec=first)
    contract_version_sign(user=intermediary, version=version)
    if not amend:
        return 1
    amendment = contract_version_create(
        user=intermediary,
        project=project,
        spec=full,
        reason=AMENDMENT_REASON,
        valid_from=dt.date.fromisoformat(full["rate_cards"][-1]["valid_from"]),
    )
    contract_version_sign(user=intermediary, version=amendment)
    return 2


# -- participants ----------------------------------------------------------------------


def _spread(people: list[Any], count: int) -> list[Any]:
    """``count`` people taken in turn from each province (each in the given order)."""
    by_province: dict[str, list[Any]] = {}
    for person in people:
        by_province.setdefault(person.province_id, []).append(person)
    chosen: list[Any] = []
    while len(chosen) < count and any(by_province.values()):
        for code in sorted(by_province):
            if by_province[code] and len(chosen) < count:
                chosen.append(by_province[code].pop(0))
    return chosen


def participants_enrol(
    spec: PilotSpec,
    project: Project,
    contract: Contract,
    providers: dict[str, User],
    today: dt.date,
    progress: Progress,
) -> list[Participant]:
    provinces = {k: v for k, v in _provider_provinces(spec).items() if k in providers}
    extra = COMPARISON if has_comparison(contract) else 0
    wanted = PARTICIPANTS + extra
    candidates = _candidates(spec, today).filter(
        province_id__in=set().union(*provinces.values()),
        pk__in=eligible_people(project=project, people=Person.objects.all()).values("pk"),
    )
    rows = list(candidates.order_by("-meets", "consent_on", "pk")[: wanted * 8])
    chosen = _spread([p for p in rows if p.meets], wanted)  # the pilot's own group first
    chosen += _spread([p for p in rows if not p.meets], wanted - len(chosen))
    chosen.sort(key=lambda p: (p.consent_on, p.pk))
    if len(chosen) < wanted:
        progress(f"  only {len(chosen)} people to enrol in {spec.code} (wanted {wanted})")
    last = today - dt.timedelta(days=LAST_ENROLMENT_DAYS)
    span = max((last - contract.start).days, 0)
    step = max(len(chosen) // max(extra, 1), 1)
    comparison = set(range(1, len(chosen), step)[:extra]) if extra else set()
    load: Counter[str] = Counter()
    enrolled: list[Participant] = []
    for i, person in enumerate(chosen):
        target = contract.start + dt.timedelta(days=span * i // max(len(chosen) - 1, 1))
        on = min(max(target, person.consent_on, contract.start), today)
        org = min(
            (o for o, codes in provinces.items() if person.province_id in codes),
            key=lambda o: (load[o], list(provinces).index(o)),
        )
        load[org] += 1
        try:
            enrolled.append(
                participant_enrol(
                    user=providers[org],
                    project=project,
                    person=person,
                    comparison_group=i in comparison,
                    enrolled_on=on,
                )
            )
        except (ValidationError, PermissionDenied) as error:
            progress(f"  one person not enrolled in {spec.code}: {why(error)}")
    return enrolled


def cohorts_create(
    project: Project, contract: Contract, participants: list[Participant], intermediary: User
) -> dict[str, Cohort]:
    if not any(m.unit == "cohort" for m in contract.metrics):
        return {}
    groups: dict[str, list[Participant]] = {}
    for p in participants:
        if not p.comparison_group:
            groups.setdefault(cohort_of(contract, p.enrolled_on), []).append(p)
    return {
        code: cohort_create(
            user=intermediary,
            project=project,
            code=code,
            name=f"รุ่นที่ {code[1:]} / Cohort {code[1:]}",
            participants=members,
        )
        for code, members in sorted(groups.items())
    }
