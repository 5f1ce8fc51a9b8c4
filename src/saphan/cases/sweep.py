"""The daily overdue sweep: referrals past their due date, follow-ups not made, goals
past due. Each item is found with one set-based query per kind; the notifications are
keyed per item and day, so running the sweep twice a day sends nothing new."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from saphan.cases import choices as c
from saphan.cases.checks import notify, organisation_case_users, responsible_users
from saphan.cases.models import Case, Referral
from saphan.cases.selectors import overdue_annotations


def cases_sweep_overdue(*, today: dt.date | None = None) -> dict[str, int]:
    """Alert the owners of overdue referrals, follow-ups and goals (and remind the
    receivers of overdue referrals). Returns how many items and notifications."""
    today = today or timezone.localdate()
    day = today.isoformat()
    counts = {"referrals": 0, "follow_ups": 0, "goals": 0, "notifications": 0}

    referrals = (
        Referral.objects.filter(status__in=c.OPEN_REFERRAL_STATUSES, due_on__lt=today)
        .exclude(case__stage=c.Stage.CLOSED)
        .select_related("case", "case__organisation", "case__assigned_to", "to_organisation")
        .order_by("due_on", "id")
    )
    for referral in referrals:
        counts["referrals"] += 1
        case = referral.case
        key = f"referral-overdue:{referral.uid}:{day}"
        counts["notifications"] += notify(
            users=responsible_users(case),
            kind="referral_overdue",
            params={
                "organisation": referral.to_organisation.name,
                "case": case.short_id,
                "due_on": referral.due_on.isoformat(),
            },
            link=reverse("cases:detail", args=[case.uid]),
            key=key,
        )
        counts["notifications"] += notify(
            users=organisation_case_users(referral.to_organisation_id),
            kind="referral_overdue",
            params={
                "organisation": case.organisation.name,
                "case": case.short_id,
                "due_on": referral.due_on.isoformat(),
            },
            link=reverse("cases:referral", args=[referral.uid]),
            key=key,
        )

    follow_ups = (
        overdue_annotations(Case.objects.open(), today)
        .filter(follow_up_on__lt=today)  # type: ignore[misc]
        .select_related("organisation", "assigned_to")
    )
    for case in follow_ups:
        counts["follow_ups"] += 1
        counts["notifications"] += notify(
            users=responsible_users(case),
            kind="follow_up_overdue",
            params={"case": case.short_id, "due_on": case.follow_up_on.isoformat()},  # type: ignore[attr-defined]
            link=reverse("cases:detail", args=[case.uid]),
            key=f"follow-up-overdue:{case.uid}:{day}",
        )

    # One alert per case, naming the earliest missed due date.
    goal_filter = Q(goals__status=c.GoalStatus.OPEN, goals__due_on__lt=today)
    with_goals = (
        Case.objects.open()
        .annotate(
            overdue_goals=Count("goals", filter=goal_filter),
            first_due=Min("goals__due_on", filter=goal_filter),
        )
        .filter(overdue_goals__gt=0)
        .select_related("organisation", "assigned_to")
    )
    for case in with_goals:
        counts["goals"] += int(case.overdue_goals)
        counts["notifications"] += notify(
            users=responsible_users(case),
            kind="goal_overdue",
            params={"case": case.short_id, "due_on": case.first_due.isoformat()},
            link=reverse("cases:detail", args=[case.uid]),
            key=f"goal-overdue:{case.uid}:{day}",
        )
    return counts
