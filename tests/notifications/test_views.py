from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory

from saphan.audit.models import AccessLog
from saphan.notifications.models import Notification
from saphan.notifications.services import notification_send
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LIST = "/notifications/"
READ = "/notifications/read/"


@pytest.fixture
def me(make_user: Any, client: Client) -> Any:
    user = make_user()
    client.login(username=user.username, password=TEST_PASSWORD)
    return user


def _send(user: Any, case: str = "C-1", link: str = "/cases/1/") -> Notification:
    notification_send(users=[user], kind="case_assigned", params={"case": case}, link=link)
    return Notification.objects.filter(user=user).first()  # type: ignore[return-value]


def test_login_is_required(client: Client) -> None:
    assert client.get(LIST).status_code == 302
    assert client.post(READ).status_code == 302


def test_empty_list(client: Client, me: Any) -> None:
    client.cookies["saphan_language"] = "en"
    response = client.get(LIST)
    assert response.status_code == 200
    assert "No notifications" in response.content.decode()


def test_list_shows_ones_own_newest_first_with_unread_highlighted(
    client: Client, me: Any, make_user: Any
) -> None:
    _send(me, "C-old")
    newest = _send(me, "C-new", link="/cases/2/")
    _send(make_user(), "C-theirs")
    Notification.objects.filter(params__case="C-old").update(read_at=newest.created_at)
    body = client.get(LIST).content.decode()
    assert "C-new" in body and "C-old" in body and "C-theirs" not in body
    assert body.index("C-new") < body.index("C-old")
    assert f'id="notification-{newest.pk}" class="notification unread"' in body
    assert 'href="/cases/2/"' in body
    assert "<script>" not in body and "style=" not in body

    unread_only = client.get(LIST, {"unread": "1"}).content.decode()
    assert "C-new" in unread_only and "C-old" not in unread_only


def test_list_is_paginated(client: Client, me: Any) -> None:
    for i in range(30):
        _send(me, f"C-{i:02d}")
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "C-29" in first and "C-00" not in first
    assert "C-00" in second and "C-29" not in second


def test_mark_one_read_with_htmx_returns_the_item(client: Client, me: Any) -> None:
    n = _send(me)
    response = client.post(READ, {"id": n.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-read"
    body = response.content.decode()
    assert f'id="notification-{n.pk}"' in body and "unread" not in body
    assert body.lstrip().startswith("<li")
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_one_read_without_htmx_redirects(client: Client, me: Any) -> None:
    n = _send(me)
    response = client.post(READ, {"id": n.pk, "next": "/notifications/?page=1"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?page=1"
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_all_read(client: Client, me: Any) -> None:
    _send(me, "C-1")
    _send(me, "C-2")
    response = client.post(READ, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()

    _send(me, "C-3")
    htmx = client.post(READ, HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == LIST
    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()


def test_cannot_mark_anothers_notification(client: Client, me: Any, make_user: Any) -> None:
    theirs = _send(make_user())
    assert client.post(READ, {"id": theirs.pk}).status_code == 404
    assert client.post(READ, {"id": "abc"}).status_code == 404
    assert client.post(READ, {"id": "²"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert AccessLog.objects.filter(action="denied", object_type="notification").exists()


def test_reading_needs_post(client: Client, me: Any) -> None:
    assert client.get(READ).status_code == 405


def test_unread_tag(me: Any, make_user: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    _send(me)
    _send(me)
    template = Template("{% load notifications %}{% unread_notifications as n %}[{{ n }}]")
    request = RequestFactory().get("/")
    request.user = me
    assert template.render(Context({"request": request})) == "[2]"
    request.user = AnonymousUser()
    assert template.render(Context({"request": request})) == "[0]"
    assert template.render(Context({})) == "[0]"


def test_an_out_of_range_id_is_a_404(client: Client, me: Any) -> None:
    assert client.post(READ, {"id": str(10**30)}).status_code == 404
