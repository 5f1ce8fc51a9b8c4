from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from saphan.notifications.kinds import MESSAGES, PARAMS, NotificationKind, message_render
from saphan.notifications.models import Notification

ORG = {"organisation": "Nan Hospital", "case": "C-2026-0012"}


@pytest.mark.parametrize(
    ("kind", "params", "english"),
    [
        ("referral_received", ORG, "New referral from Nan Hospital (case C-2026-0012)"),
        ("referral_accepted", ORG, "Nan Hospital accepted the referral (case C-2026-0012)"),
        ("referral_declined", ORG, "Nan Hospital declined the referral (case C-2026-0012)"),
        (
            "referral_reported_back",
            ORG,
            "Nan Hospital reported back on the referral (case C-2026-0012)",
        ),
        (
            "referral_overdue",
            {**ORG, "due_on": "2026-05-01"},
            "The referral to Nan Hospital was due on 1 May 2026 (case C-2026-0012)",
        ),
        (
            "follow_up_overdue",
            {"case": "C-7", "due_on": "2026-11-25"},
            "A follow-up was due on 25 Nov 2026 (case C-7)",
        ),
        (
            "goal_overdue",
            {"case": "C-7", "due_on": "2027-01-03"},
            "A goal was due on 3 Jan 2027 (case C-7)",
        ),
        ("case_assigned", {"case": "C-7"}, "Case C-7 was assigned to you"),
        ("new_watch_flags", {"count": 3, "province": "Nan"}, "3 new watch flags in Nan"),
        ("new_watch_flags", {"count": 1, "province": "Nan"}, "1 new watch flag in Nan"),
    ],
)
def test_messages_in_english(kind: str, params: dict[str, Any], english: str) -> None:
    n = Notification(kind=kind, params=params)
    with translation.override("en"):
        assert n.message == english
    assert n.message_in("en") == english


def test_every_kind_has_a_message_and_its_params() -> None:
    assert set(MESSAGES) == set(PARAMS) == set(NotificationKind)
    for kind in NotificationKind:
        params = {name: "2026-05-01" if name == "due_on" else 2 for name in PARAMS[kind]}
        with translation.override("en"):
            text = message_render(kind, params)
        assert text != str(kind.label), kind


def test_thai_rendering_uses_the_buddhist_era() -> None:
    n = Notification(kind="follow_up_overdue", params={"case": "C-7", "due_on": "2026-05-01"})
    with translation.override("th"):
        thai = n.message
    assert "2569" in thai and "2026" not in thai and "C-7" in thai
    assert "2569" in n.message_in("th")
    assert "2026" in n.message_in("en")


@pytest.mark.django_db
def test_a_province_code_shows_as_its_name_in_each_language() -> None:
    n = Notification(kind="new_watch_flags", params={"count": 2, "province": "55"})
    assert n.message_in("en") == "2 new watch flags in Nan"
    assert "น่าน" in n.message_in("th")


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("referral_received", {}),
        ("referral_overdue", {"case": "C-1"}),
        ("new_watch_flags", {"province": "Nan"}),
        ("follow_up_overdue", {"case": "C-1", "due_on": "2026-13-45"}),
        ("case_assigned", None),
    ],
)
def test_missing_params_fall_back_to_the_label(kind: str, params: Any) -> None:
    n = Notification(kind=kind, params=params)
    for language in ("en", "th"):
        with translation.override(language):
            text = n.message
        assert text
    with translation.override("en"):
        if kind == "follow_up_overdue":  # an invalid date is shown as given
            assert "2026-13-45" in n.message
        else:
            assert n.message == str(NotificationKind(kind).label)


def test_an_unknown_stored_kind_does_not_crash() -> None:
    assert Notification(kind="retired_kind", params={}).message == "retired_kind"
