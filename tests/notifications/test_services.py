from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from saphan.accounts.models import User
from saphan.notifications.models import Notification
from saphan.notifications.selectors import notifications_for, unread_count
from saphan.notifications.services import notification_mark_read, notification_send

pytestmark = pytest.mark.django_db

CASE = {"organisation": "Nan Hospital", "case": "C-2026-0012"}


def test_send_creates_one_per_active_user(make_user: Any) -> None:
    a, b = make_user(), make_user()
    created = notification_send(
        users=[a, b, a], kind="referral_received", params=CASE, link="/cases/1/"
    )
    assert created == 2
    row = Notification.objects.get(user=a)
    assert row.kind == "referral_received" and row.params == CASE and row.link == "/cases/1/"
    assert row.read_at is None and row.key == ""


def test_send_accepts_a_queryset(make_user: Any) -> None:
    a, b = make_user(), make_user()
    qs = User.objects.filter(pk__in=[a.pk, b.pk])
    assert notification_send(users=qs, kind="case_assigned", params={"case": "C-1"}) == 2


def test_inactive_users_are_skipped(make_user: Any) -> None:
    active, inactive = make_user(), make_user(is_active=False)
    assert notification_send(users=[active, inactive], kind="case_assigned") == 1
    assert not Notification.objects.filter(user=inactive).exists()
    assert notification_send(users=User.objects.filter(pk=inactive.pk), kind="case_assigned") == 0


def test_a_key_deduplicates_per_user(make_user: Any) -> None:
    a, b = make_user(), make_user()
    key = "referral:7:overdue"
    params = {**CASE, "due_on": "2026-05-01"}
    assert notification_send(users=[a], kind="referral_overdue", params=params, key=key) == 1
    assert notification_send(users=[a, b], kind="referral_overdue", params=params, key=key) == 1
    assert notification_send(users=[a, b], kind="referral_overdue", params=params, key=key) == 0
    assert Notification.objects.filter(key=key).count() == 2
    # Reading it does not let the same key notify again.
    notification_mark_read(user=a)
    assert notification_send(users=[a], kind="referral_overdue", params=params, key=key) == 0
    # Without a key nothing is deduplicated.
    assert notification_send(users=[a], kind="case_assigned", params={"case": "C"}) == 1
    assert notification_send(users=[a], kind="case_assigned", params={"case": "C"}) == 1


def test_the_database_enforces_the_key_and_ignore_conflicts_skips_duplicates(
    make_user: Any,
) -> None:
    """What notification_send relies on under concurrent sends, on SQLite and PostgreSQL."""
    user = make_user()
    Notification.objects.create(user=user, kind="case_assigned", key="k")
    Notification.objects.create(user=user, kind="case_assigned", key="")
    Notification.objects.create(user=user, kind="case_assigned", key="")  # blank: no limit
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=user, kind="case_assigned", key="k")
    Notification.objects.bulk_create(
        [
            Notification(user=user, kind="case_assigned", key="k"),
            Notification(user=user, kind="case_assigned", key="other"),
        ],
        ignore_conflicts=True,
    )
    assert sorted(Notification.objects.values_list("key", flat=True)) == ["", "", "k", "other"]


def test_an_unknown_kind_raises(make_user: Any) -> None:
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notification_send(users=[make_user()], kind="birthday")
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"person_name": "สมชาย"},  # not a parameter of this kind
        {"case": ["C-1"]},
        {"case": True},
        {"case": "x" * 121},
    ],
)
def test_params_must_be_the_kinds_own_short_values(make_user: Any, params: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        notification_send(users=[make_user()], kind="case_assigned", params=params)


def test_dates_in_params_are_stored_as_iso_strings(make_user: Any) -> None:
    user = make_user()
    notification_send(
        users=[user],
        kind="follow_up_overdue",
        params={"case": "C-9", "due_on": dt.date(2026, 5, 1)},
    )
    assert Notification.objects.get().params == {"case": "C-9", "due_on": "2026-05-01"}


@pytest.mark.parametrize("link", ["", "/", "/cases/12/", "/watch/?province=55&page=2"])
def test_relative_links_are_accepted(make_user: Any, link: str) -> None:
    assert notification_send(users=[make_user()], kind="case_assigned", link=link) == 1
    Notification(user=make_user(), kind="case_assigned", link=link).full_clean()


@pytest.mark.parametrize(
    "link",
    [
        "cases/12/",
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "/cases/ 12/",
        "/cases/\n12/",
        "/" + "a" * 500,
    ],
)
def test_other_links_are_refused(make_user: Any, link: str) -> None:
    with pytest.raises(ValueError):
        notification_send(users=[make_user()], kind="case_assigned", link=link)
    with pytest.raises(ValidationError):
        Notification(user=make_user(), kind="case_assigned", link=link).full_clean()


def test_mark_read_only_reaches_ones_own(make_user: Any) -> None:
    me, other = make_user(), make_user()
    notification_send(users=[me, other], kind="case_assigned", params={"case": "C-1"})
    notification_send(users=[me], kind="case_assigned", params={"case": "C-2"})
    theirs = Notification.objects.get(user=other)
    mine = list(Notification.objects.filter(user=me))

    assert notification_mark_read(user=me, notification_ids=[theirs.pk]) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None

    assert notification_mark_read(user=me, notification_ids=[mine[0].pk, theirs.pk]) == 1
    assert notification_mark_read(user=me, notification_ids=[]) == 0
    assert unread_count(user=me) == 1
    assert notification_mark_read(user=me) == 1
    assert notification_mark_read(user=me) == 0  # already read: nothing changes
    assert unread_count(user=me) == 0 and unread_count(user=other) == 1


def test_selectors_show_only_ones_own_newest_first(make_user: Any) -> None:
    me, other = make_user(), make_user()
    notification_send(users=[me], kind="case_assigned", params={"case": "old"})
    notification_send(users=[me], kind="case_assigned", params={"case": "new"})
    notification_send(users=[other], kind="case_assigned", params={"case": "theirs"})
    cases = [n.params["case"] for n in notifications_for(user=me)]
    assert cases == ["new", "old"]
    notification_mark_read(user=me, notification_ids=[notifications_for(user=me)[0].pk])
    assert [n.params["case"] for n in notifications_for(user=me, unread_only=True)] == ["old"]


def test_inactive_or_anonymous_users_see_nothing(make_user: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    user = make_user()
    notification_send(users=[user], kind="case_assigned")
    assert unread_count(user=AnonymousUser()) == 0
    assert not notifications_for(user=AnonymousUser()).exists()
    user.is_active = False
    assert not notifications_for(user=user).exists()


def test_unread_count_is_one_query(make_user: Any, django_assert_num_queries: Any) -> None:
    user = make_user()
    notification_send(users=[user], kind="case_assigned")
    with django_assert_num_queries(1):
        assert unread_count(user=user) == 1


def test_notifications_go_with_their_user() -> None:
    # Checked on the field: deleting a real user touches other contexts' tables.
    from django.db import models

    field = Notification._meta.get_field("user")
    assert field.remote_field.on_delete is models.CASCADE
