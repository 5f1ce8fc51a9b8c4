"""Reads for the organisation capacity view (civil-society capacity): caseload per
worker, referral acceptance and turnaround, follow-up timeliness, and the trainings
staff attended.

Every number is about staff and organisations, never about a person: no query here
selects a name, a case or a referral to show. Counts are set-based (``annotate`` /
``aggregate``, one query per block); only the short lists that are already aggregated —
one number per worker, the waiting times of one organisation's answered referrals — are
summarised in Python (median and 90th percentile, portable across SQLite and
PostgreSQL).

Who may look: :func:`organisations_for_capacity` (``Action.VIEW_CAPACITY``: case
managers their own organisation, coordinators the organisations of their provinces,
administrators all). Cases and referrals are then read for that one organisation
explicitly (``Case.organisation`` / ``Referral.from_organisation`` /
``to_organisation``): the figures describe the organisation's work, whoever may open
the individual records.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from saphan import policy
from saphan.accounts.models import User
from saphan.accounts.roles import Role
from saphan.cases import choices as c
from saphan.cases.checks import CASE_ROLES
from saphan.cases.models import Case, Contact, Referral
from saphan.cases.selectors import overdue_annotations
from saphan.orgs.models import Organisation, OrganisationQuerySet, Training

if TYPE_CHECKING:
    from saphan.policy import AnyUser

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366  # a longer period is refused by the page (and slow to read anyway)
TRAINING_LOOKBACK_DAYS = 365  # "no training in the last 12 months"


# -- who may look ---------------------------------------------------------------------


def organisations_for_capacity(user: AnyUser | None) -> OrganisationQuerySet:
    """The organisations whose capacity ``user`` may see (and whose trainings they may
    record): case managers (and any other role holding the action) their own
    organisation, provincial coordinators the organisations working in their provinces,
    administrators every organisation. Without ``view_capacity``: none."""
    qs = Organisation.objects.all()
    if user is None or not policy.can(user, policy.Action.VIEW_CAPACITY):
        return qs.none()
    qs = qs.visible_to(user)
    if policy.is_administrator(user):
        return qs
    own: int | None = getattr(user, "organisation_id", None)
    if own is None:
        return qs.none()
    if getattr(user, "role", "") == Role.PROVINCIAL_COORDINATOR:
        codes = policy.province_codes_of(user) or set()
        return Organisation.objects.filter(
            Q(pk__in=qs.filter(provinces__code__in=codes).values("pk")) | Q(pk=own)
        )
    return qs.filter(pk=own)


# -- the period -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Both ends included; dates in the Common Era."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def datetimes(self) -> tuple[dt.datetime, dt.datetime]:
        """[start 00:00, the day after end 00:00) in the current time zone."""
        tz = timezone.get_current_timezone()
        low = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        high = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return low, high


def capacity_period(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    days: int = DEFAULT_DAYS,
) -> Period:
    """The last ``days`` days up to ``end`` (today by default), or ``start``–``end``."""
    end = end or timezone.localdate()
    if start is None:
        start = end - dt.timedelta(days=max(days, 1) - 1)
    return Period(start=start, end=end)


# -- small statistics -------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (NumPy's default); None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


# -- caseload per worker ------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerLoad:
    user_id: int
    name: str
    role: str
    open_cases: int
    overdue_follow_ups: int


@dataclass(frozen=True)
class Caseload:
    workers: list[WorkerLoad]
    #: Open cases with no worker, or whose worker is no longer active (or no longer works
    #: on cases): nobody follows them.
    unassigned: int
    unassigned_overdue: int
    total_open: int
    mean: float | None
    median: float | None
    max: int | None


def _overdue_follow_up_case_ids(organisation: Organisation, today: dt.date) -> QuerySet[Any]:
    """Open cases whose latest contact's next follow-up has passed: the same rule as the
    overdue sweep (``cases.sweep``, ``cases.selectors.overdue_annotations``)."""
    qs = overdue_annotations(Case.objects.filter(organisation=organisation).open(), today)
    return qs.filter(follow_up_on__lt=today).values("pk")  # type: ignore[misc]


def caseload_per_worker(*, organisation: Organisation, today: dt.date | None = None) -> Caseload:
    """Open cases of the organisation assigned to each active worker (members holding a
    case-work role), with the mean, median and highest caseload over those workers, and
    the currently overdue follow-ups of each."""
    today = today or timezone.localdate()
    open_cases = Case.objects.filter(organisation=organisation).open()
    overdue_ids = _overdue_follow_up_case_ids(organisation, today)
    in_org = Q(assigned_cases__organisation=organisation) & ~Q(assigned_cases__stage=c.Stage.CLOSED)
    rows = (
        User.objects.filter(organisation=organisation, is_active=True, role__in=CASE_ROLES)
        .annotate(
            open_cases=Count("assigned_cases", filter=in_org),
            overdue=Count("assigned_cases", filter=in_org & Q(assigned_cases__in=overdue_ids)),
        )
        .order_by("-open_cases", "first_name", "last_name", "username")
    )
    workers = [
        WorkerLoad(
            user_id=u.pk,
            name=u.display_name,
            role=_role_label(u.role),
            open_cases=int(u.open_cases),
            overdue_follow_ups=int(u.overdue),
        )
        for u in rows
    ]
    totals = open_cases.aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(pk__in=overdue_ids))
    )
    loads = [w.open_cases for w in workers]
    return Caseload(
        workers=workers,
        unassigned=int(totals["total"]) - sum(loads),
        unassigned_overdue=int(totals["overdue"]) - sum(w.overdue_follow_ups for w in workers),
        total_open=int(totals["total"]),
        mean=_mean(loads),
        median=percentile(loads, 0.5),
        max=max(loads) if loads else None,
    )


# -- referrals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralMeasures:
    total: int
    accepted: int  # accepted, or accepted and since reported back
    declined: int
    pending: int  # still waiting for the receiver's answer
    cancelled: int
    acceptance_rate: float | None  # accepted / (accepted + declined)
    answered: int
    median_days: float | None  # sent → accepted or declined
    p90_days: float | None


def _referral_measures(qs: QuerySet[Referral]) -> ReferralMeasures:
    accepted_q = Q(status__in=[c.ReferralStatus.ACCEPTED, c.ReferralStatus.COMPLETED])
    counts = qs.aggregate(
        total=Count("pk"),
        accepted=Count("pk", filter=accepted_q),
        declined=Count("pk", filter=Q(status=c.ReferralStatus.DECLINED)),
        pending=Count("pk", filter=Q(status=c.ReferralStatus.PENDING)),
        cancelled=Count("pk", filter=Q(status=c.ReferralStatus.CANCELLED)),
    )
    waits = (
        qs.filter(decided_at__isnull=False)
        .annotate(
            wait=ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())
        )
        .values_list("wait", flat=True)
    )
    days = [w.total_seconds() / 86400 for w in waits if w is not None]
    accepted, declined = int(counts["accepted"]), int(counts["declined"])
    return ReferralMeasures(
        total=int(counts["total"]),
        accepted=accepted,
        declined=declined,
        pending=int(counts["pending"]),
        cancelled=int(counts["cancelled"]),
        acceptance_rate=_share(accepted, accepted + declined),
        answered=len(days),
        median_days=percentile(days, 0.5),
        p90_days=percentile(days, 0.9),
    )


@dataclass(frozen=True)
class ReferralFlow:
    received: ReferralMeasures
    sent: ReferralMeasures


def referral_flow(*, organisation: Organisation, period: Period) -> ReferralFlow:
    """Referrals the organisation received and sent in the period (by the day they were
    sent): how many were accepted, declined, are still waiting or were cancelled, the
    acceptance rate, and the median and 90th-percentile days from sending to the
    receiver's answer."""
    low, high = period.datetimes()
    in_period = Referral.objects.filter(created_at__gte=low, created_at__lt=high)
    return ReferralFlow(
        received=_referral_measures(in_period.filter(to_organisation=organisation)),
        sent=_referral_measures(in_period.filter(from_organisation=organisation)),
    )


# -- follow-up timeliness ---------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpRow:
    user_id: int | None  # None: no active worker
    name: str
    due: int  # due in the period and either done or already past
    on_time: int
    late: int
    missed: int  # not done and the date has passed
    not_yet_due: int  # due later in the period (today or after), not done yet
    overdue_now: int  # the sweep's rule, today
    on_time_share: float | None


@dataclass(frozen=True)
class FollowUps:
    rows: list[FollowUpRow]
    total: FollowUpRow


def _follow_up_counts(organisation: Organisation, period: Period, today: dt.date) -> QuerySet[Any]:
    """A follow-up is the next date set on a contact (visit or call). It is done when a
    later contact is recorded on the case — on time if on or before that date. A
    follow-up whose case was closed on or before the date is no longer expected."""
    later = (
        Contact.objects.filter(case=OuterRef("case"))
        .filter(
            Q(contacted_on__gt=OuterRef("contacted_on"))
            | Q(contacted_on=OuterRef("contacted_on"), pk__gt=OuterRef("pk"))
        )
        .order_by("contacted_on", "pk")
        .values("contacted_on")[:1]
    )
    due = F("next_follow_up_on")
    not_done = Q(done_on__isnull=True)
    dropped = not_done & Q(case__stage=c.Stage.CLOSED, case__closed_on__lte=due)
    return (
        Contact.objects.filter(
            case__organisation=organisation,
            next_follow_up_on__gte=period.start,
            next_follow_up_on__lte=period.end,
        )
        .annotate(done_on=Subquery(later))
        .values("case__assigned_to")
        .annotate(
            on_time=Count("pk", filter=Q(done_on__lte=due)),
            late=Count("pk", filter=Q(done_on__gt=due)),
            missed=Count("pk", filter=not_done & Q(next_follow_up_on__lt=today) & ~dropped),
            not_yet_due=Count("pk", filter=not_done & Q(next_follow_up_on__gte=today) & ~dropped),
        )
        .order_by()
    )


def follow_up_timeliness(
    *,
    organisation: Organisation,
    period: Period,
    today: dt.date | None = None,
    caseload: Caseload | None = None,
) -> FollowUps:
    """Of the follow-ups due in the period, how many were done on time, late or not at
    all, per worker (the case's assigned worker), with each worker's follow-ups overdue
    today (as the overdue sweep counts them)."""
    today = today or timezone.localdate()
    caseload = caseload or caseload_per_worker(organisation=organisation, today=today)
    by_worker: dict[int | None, dict[str, int]] = {}
    for row in _follow_up_counts(organisation, period, today):
        by_worker[row["case__assigned_to"]] = row
    known = {w.user_id for w in caseload.workers}
    rows: list[FollowUpRow] = []
    nobody = {"on_time": 0, "late": 0, "missed": 0, "not_yet_due": 0}
    for key, counts in by_worker.items():
        if key not in known:  # no worker, or one who left: "no active worker"
            for name in nobody:
                nobody[name] += int(counts[name])
    for worker in caseload.workers:
        rows.append(_follow_up_row(worker.user_id, worker.name, by_worker.get(worker.user_id)))
        rows[-1] = _with_overdue(rows[-1], worker.overdue_follow_ups)
    if any(nobody.values()) or caseload.unassigned_overdue:
        rows.append(_with_overdue(_follow_up_row(None, "", nobody), caseload.unassigned_overdue))
    summed = {name: sum(getattr(r, name) for r in rows) for name in nobody}
    total = _with_overdue(_follow_up_row(None, "", summed), sum(r.overdue_now for r in rows))
    return FollowUps(rows=[r for r in rows if r.due or r.not_yet_due or r.overdue_now], total=total)


def _follow_up_row(user_id: int | None, name: str, counts: dict[str, int] | None) -> FollowUpRow:
    counts = counts or {}
    on_time, late, missed = (int(counts.get(k, 0)) for k in ("on_time", "late", "missed"))
    due = on_time + late + missed
    return FollowUpRow(
        user_id=user_id,
        name=name,
        due=due,
        on_time=on_time,
        late=late,
        missed=missed,
        not_yet_due=int(counts.get("not_yet_due", 0)),
        overdue_now=0,
        on_time_share=_share(on_time, due),
    )


def _with_overdue(row: FollowUpRow, overdue: int) -> FollowUpRow:
    return FollowUpRow(**{**row.__dict__, "overdue_now": overdue})


# -- trainings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffTraining:
    user_id: int
    name: str
    role: str
    trainings: int  # in the period
    hours: Decimal  # in the period
    last_on: dt.date | None  # the latest training ever recorded for this organisation
    needs_training: bool  # none in the last 12 months


@dataclass(frozen=True)
class Trainings:
    items: list[Training]
    staff: list[StaffTraining]
    total_hours: Decimal
    untrained: list[StaffTraining] = field(default_factory=list)


def year_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=TRAINING_LOOKBACK_DAYS)


def trainings_in_period(*, organisation: Organisation, period: Period) -> QuerySet[Training]:
    return (
        Training.objects.filter(
            organisation=organisation,
            attended_on__gte=period.start,
            attended_on__lte=period.end,
        )
        .select_related("attendee")
        .order_by("-attended_on", "-id")
    )


def training_summary(
    *, organisation: Organisation, period: Period, today: dt.date | None = None
) -> Trainings:
    """The trainings attended in the period, hours per active staff member, and the
    staff with no training in the last 12 months."""
    today = today or timezone.localdate()
    here = Q(trainings__organisation=organisation)
    in_period = here & Q(
        trainings__attended_on__gte=period.start, trainings__attended_on__lte=period.end
    )
    rows = (
        User.objects.filter(organisation=organisation, is_active=True)
        .annotate(
            n=Count("trainings", filter=in_period),
            total=Sum("trainings__hours", filter=in_period),
            last_on=Max(
                "trainings__attended_on", filter=here & Q(trainings__attended_on__lte=today)
            ),
        )
        .order_by("first_name", "last_name", "username")
    )
    cutoff = year_before(today)
    staff = [
        StaffTraining(
            user_id=u.pk,
            name=u.display_name,
            role=_role_label(u.role),
            trainings=int(u.n),
            hours=Decimal(u.total or 0),
            last_on=u.last_on,
            needs_training=u.last_on is None or u.last_on <= cutoff,
        )
        for u in rows
    ]
    items = list(trainings_in_period(organisation=organisation, period=period))
    return Trainings(
        items=items,
        staff=staff,
        total_hours=sum((s.hours for s in staff), Decimal(0)),
        untrained=[s for s in staff if s.needs_training],
    )


# -- everything on the page ---------------------------------------------------------------------


@dataclass(frozen=True)
class CapacityReport:
    organisation: Organisation
    period: Period
    today: dt.date
    caseload: Caseload
    referrals: ReferralFlow
    follow_ups: FollowUps
    trainings: Trainings


def capacity_report(
    *, organisation: Organisation, period: Period, today: dt.date | None = None
) -> CapacityReport:
    """The four blocks of the capacity view for one organisation. The caller has checked
    that the organisation is in :func:`organisations_for_capacity`."""
    today = today or timezone.localdate()
    caseload = caseload_per_worker(organisation=organisation, today=today)
    return CapacityReport(
        organisation=organisation,
        period=period,
        today=today,
        caseload=caseload,
        referrals=referral_flow(organisation=organisation, period=period),
        follow_ups=follow_up_timeliness(
            organisation=organisation, period=period, today=today, caseload=caseload
        ),
        trainings=training_summary(organisation=organisation, period=period, today=today),
    )
