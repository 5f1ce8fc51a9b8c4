"""What a user's organisation and provinces hold, for the home page and province pages.

Every read goes through ``visible_to``; the home page's blocks per role (watch list,
overdue follow-ups, province and national dashboards, pilot progress) reuse the reads of
their own contexts (``watch.selectors``, ``cases.selectors``, ``outcomes.selectors``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils import timezone

from saphan import policy
from saphan.accounts.models import User
from saphan.accounts.roles import OUTCOMES_ROLES, Role
from saphan.cases.models import Case
from saphan.cases.selectors import cases_for
from saphan.geo.models import District, Province
from saphan.orgs.models import Organisation
from saphan.outcomes.choices import COUNTED_CLAIM_STATUSES, PaymentStatus
from saphan.outcomes.models import Claim, Participant, PaymentRequest, Project
from saphan.outcomes.selectors import projects_list
from saphan.watch.models import WatchFlag
from saphan.watch.selectors import watchlist

if TYPE_CHECKING:
    from saphan.accounts.models import User as UserType


@dataclass
class ProvinceSummary:
    province: Province
    district_count: int
    subdistrict_count: int
    organisations: list[Organisation]
    organisations_by_kind: dict[str, int] = field(default_factory=dict)
    user_count: int = 0
    person_count: int | None = None
    people_by_group: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class HomeSummary:
    organisation: Organisation | None
    provinces: list[Province]
    all_provinces: bool
    organisation_count: int
    colleague_count: int
    person_count: int | None = None  # None: the role reads no person records
    people_by_group: list[tuple[str, int]] = field(default_factory=list)


def _people_counts(user: UserType, **filters: object) -> tuple[int | None, list[tuple[str, int]]]:
    from saphan import policy
    from saphan.people.choices import PopulationGroup
    from saphan.people.models import Person, PersonGroup

    if not policy.can(user, policy.Action.VIEW_PEOPLE):
        return None, []
    people = Person.objects.visible_to(user).filter(**filters)
    rows = dict(
        PersonGroup.objects.filter(person__in=people.values("pk"))
        .values_list("group")
        .annotate(n=Count("pk"))
        .values_list("group", "n")
    )
    labels = dict(PopulationGroup.choices)
    return people.count(), [(str(labels[g]), rows.get(g, 0)) for g in PopulationGroup.values]


def home_summary(*, user: UserType) -> HomeSummary:
    provinces = Province.objects.visible_to(user)
    all_provinces = provinces.count() == Province.objects.count()
    person_count, by_group = _people_counts(user)
    return HomeSummary(
        person_count=person_count,
        people_by_group=by_group,
        organisation=user.organisation,
        provinces=list(provinces.order_by("name_th") if not all_provinces else provinces.project()),
        all_provinces=all_provinces,
        organisation_count=Organisation.objects.visible_to(user).filter(is_active=True).count(),
        colleague_count=User.objects.visible_to(user).filter(is_active=True).count(),
    )


def province_summary(*, province: Province, user: UserType) -> ProvinceSummary:
    organisations = list(
        Organisation.objects.visible_to(user)
        .filter(provinces=province, is_active=True)
        .order_by("kind", "name_th")
    )
    by_kind: dict[str, int] = {}
    for org in organisations:
        label = str(org.get_kind_display())
        by_kind[label] = by_kind.get(label, 0) + 1
    person_count, by_group = _people_counts(user, province=province)
    return ProvinceSummary(
        person_count=person_count,
        people_by_group=by_group,
        province=province,
        district_count=District.objects.filter(province=province).count(),
        subdistrict_count=province.subdistricts.count(),
        organisations=organisations,
        organisations_by_kind=by_kind,
        user_count=User.objects.visible_to(user)
        .filter(organisation__in=[o.pk for o in organisations], is_active=True)
        .count(),
    )


def district_table(*, province: Province) -> list[Any]:
    return list(
        District.objects.filter(province=province)
        .annotate(subdistrict_count=Count("subdistricts"))
        .values("code", "name_th", "name_en", "subdistrict_count")
        .order_by("code")
    )


# --- the home page's blocks per role --------------------------------------------------

#: At most this many rows in each list on the home page (the full lists are linked).
HOME_LIST_LIMIT = 10
#: A coordinator or agency officer whose organisation works in at least this many
#: provinces is national staff: the home page links to the national dashboard instead of
#: one card per province.
NATIONAL_MIN_PROVINCES = 5

#: Roles whose home page shows the watch list of their provinces.
WATCH_ROLES = frozenset(
    {Role.FIELD_WORKER, Role.CASE_MANAGER, Role.PROVINCIAL_COORDINATOR, Role.AGENCY_OFFICER}
)
#: Roles whose home page shows their own overdue cases.
FOLLOW_UP_ROLES = frozenset({Role.FIELD_WORKER, Role.CASE_MANAGER})
#: Roles whose home page links to the statistics of each province they work in.
PROVINCE_ROLES = frozenset({Role.PROVINCIAL_COORDINATOR, Role.AGENCY_OFFICER})


@dataclass
class WatchRow:
    flag: WatchFlag
    days_ago: int


@dataclass
class WatchBlock:
    rows: list[WatchRow]
    count: int


@dataclass
class FollowUpRow:
    case: Case
    #: The follow-up date of the latest contact, when it has passed.
    follow_up_on: dt.date | None
    referral_overdue: bool
    goal_overdue: bool


@dataclass
class FollowUpBlock:
    rows: list[FollowUpRow]
    count: int


@dataclass
class PilotProgress:
    """The headline figures of one outcomes project, defined as on its dashboard
    (``outcomes.selectors.project_dashboard``)."""

    project: Project
    enrolled: int
    claims_submitted: int
    claims_verified: int
    approved: Decimal
    paid: Decimal


@dataclass
class HomeBlocks:
    """What the home page shows besides the summary; ``None``: not for this role."""

    watch: WatchBlock | None = None
    follow_ups: FollowUpBlock | None = None
    #: The provinces whose statistics dashboard gets a card.
    province_cards: list[Province] | None = None
    national: bool = False
    pilots: list[PilotProgress] | None = None


def home_watch(*, user: UserType, today: dt.date | None = None) -> WatchBlock:
    """The live flags (new or acknowledged) of the user's provinces, most urgent and
    longest waiting first. Read through ``watch.selectors.watchlist``, so the person's
    scope applies and flags of sensitive rules hide after consent is withdrawn."""
    today = today or timezone.localdate()
    flags = watchlist(user=user, view="open", today=today) | watchlist(
        user=user, view="acknowledged", today=today
    )
    flags = flags.order_by("priority", "raised_at", "pk")
    rows = [
        WatchRow(flag=flag, days_ago=max(0, (today - timezone.localdate(flag.raised_at)).days))
        for flag in flags[:HOME_LIST_LIMIT]
    ]
    count = len(rows) if len(rows) < HOME_LIST_LIMIT else flags.count()
    return WatchBlock(rows=rows, count=count)


def home_follow_ups(*, user: UserType, today: dt.date | None = None) -> FollowUpBlock:
    """The user's own open cases with something overdue: a follow-up, a goal or a
    referral (``cases.selectors.overdue_q``, the overdue sweep's definition)."""
    today = today or timezone.localdate()
    cases = cases_for(user=user, stage="open", overdue=True, assigned_to_me=True)
    rows = []
    for case in cases[:HOME_LIST_LIMIT]:
        follow_up = getattr(case, "follow_up_on", None)
        rows.append(
            FollowUpRow(
                case=case,
                follow_up_on=follow_up if follow_up is not None and follow_up < today else None,
                referral_overdue=bool(getattr(case, "referrals_overdue", False)),
                goal_overdue=bool(getattr(case, "goals_overdue", False)),
            )
        )
    count = len(rows) if len(rows) < HOME_LIST_LIMIT else cases.count()
    return FollowUpBlock(rows=rows, count=count)


def pilot_progress(*, user: UserType) -> list[PilotProgress]:
    """Enrolment, claims and outcome payments of the projects the user's organisation is
    a party to (``Project.objects.visible_to``). Figures only, never a participant; a
    few grouped queries for all projects at once."""
    projects = list(projects_list(user=user)[:HOME_LIST_LIMIT])
    if not projects:
        return []
    ids = [p.pk for p in projects]
    enrolled = dict(
        Participant.objects.visible_to(user)
        .filter(project_id__in=ids, comparison_group=False)
        .values("project_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("project_id", "n")
    )
    submitted: dict[int, int] = {}
    verified: dict[int, int] = {}
    for row in (
        Claim.objects.visible_to(user)
        .filter(project_id__in=ids)
        .values("project_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        pid = row["project_id"]
        submitted[pid] = submitted.get(pid, 0) + row["n"]
        if row["status"] in COUNTED_CLAIM_STATUSES:
            verified[pid] = verified.get(pid, 0) + row["n"]
    # As on the project's dashboard: the project's totals (approved counts what was paid
    # too). Summed in Python, exactly (SQLite sums in floating point).
    zero = Decimal("0.00")
    approved: dict[int, Decimal] = {}
    paid: dict[int, Decimal] = {}
    for pid, status, amount in PaymentRequest.objects.filter(
        project_id__in=ids, status__in=(PaymentStatus.APPROVED, PaymentStatus.PAID)
    ).values_list("project_id", "status", "amount"):
        approved[pid] = approved.get(pid, zero) + amount
        if status == PaymentStatus.PAID:
            paid[pid] = paid.get(pid, zero) + amount
    return [
        PilotProgress(
            project=p,
            enrolled=enrolled.get(p.pk, 0),
            claims_submitted=submitted.get(p.pk, 0),
            claims_verified=verified.get(p.pk, 0),
            approved=approved.get(p.pk, zero),
            paid=paid.get(p.pk, zero),
        )
        for p in projects
    ]


def home_blocks(
    *, user: UserType, provinces: list[Province], today: dt.date | None = None
) -> HomeBlocks:
    """Which blocks the user's role gets on the home page, and their rows.

    ``provinces``: the provinces the user works in (from :func:`home_summary`)."""
    role = "" if getattr(user, "is_superuser", False) else user.role
    blocks = HomeBlocks()
    if role in WATCH_ROLES and policy.can(user, policy.Action.VIEW_PEOPLE):
        blocks.watch = home_watch(user=user, today=today)
    if role in FOLLOW_UP_ROLES and policy.can(user, policy.Action.MANAGE_CASES):
        blocks.follow_ups = home_follow_ups(user=user, today=today)
    if policy.can(user, policy.Action.VIEW_AGGREGATES):
        national = len(provinces) >= NATIONAL_MIN_PROVINCES
        if role == Role.ANALYST or (role in PROVINCE_ROLES and national):
            blocks.national = True
        elif role in PROVINCE_ROLES:
            blocks.province_cards = provinces
    if policy.can(user, policy.Action.VIEW_OUTCOMES):
        pilots = pilot_progress(user=user)
        # Outcomes staff always see the block; provider staff only when their
        # organisation is a party to a project.
        if pilots or role in OUTCOMES_ROLES:
            blocks.pilots = pilots
    return blocks
