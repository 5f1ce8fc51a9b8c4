from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from saphan.accounts.services import api_token_create
from saphan.notifications.models import Notification
from saphan.notifications.services import notification_send

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications"


class Api:
    def __init__(self, client: Client, user: Any) -> None:
        self.client = client
        _, token = api_token_create(user=user)
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str = "", language: str = "en", **params: Any) -> Any:
        return self.client.get(
            f"{URL}{path}", params, headers={**self.headers, "Accept-Language": language}
        )

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(
            f"{URL}{path}", json.dumps(body), content_type="application/json", headers=self.headers
        )


@pytest.fixture
def me(make_user: Any) -> Any:
    return make_user()


def test_needs_a_token(client: Client) -> None:
    assert client.get(URL).status_code == 401
    assert client.post(f"{URL}/read", "{}", content_type="application/json").status_code == 401


def test_list_gives_messages_in_both_languages(client: Client, me: Any, make_user: Any) -> None:
    notification_send(
        users=[me],
        kind="follow_up_overdue",
        params={"case": "C-7", "due_on": "2026-05-01"},
        link="/cases/7/",
    )
    notification_send(users=[make_user()], kind="case_assigned", params={"case": "theirs"})
    api = Api(client, me)
    body = api.get().json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["kind"] == "follow_up_overdue" and item["link"] == "/cases/7/"
    assert item["message"] == item["message_en"] == "A follow-up was due on 1 May 2026 (case C-7)"
    assert "2569" in item["message_th"]
    assert item["params"] == {"case": "C-7", "due_on": "2026-05-01"}
    assert item["read"] is False and item["created_at"]
    assert set(item) == {
        "id", "kind", "message", "message_th", "message_en", "params", "link", "created_at", "read"
    }  # fmt: skip
    assert "2569" in api.get(language="th").json()["items"][0]["message"]


def test_unread_filter_and_paging(client: Client, me: Any) -> None:
    for i in range(5):
        notification_send(users=[me], kind="case_assigned", params={"case": f"C-{i}"})
    oldest = Notification.objects.filter(user=me).order_by("created_at", "id").first()
    assert oldest is not None
    oldest.read_at = oldest.created_at
    oldest.save()
    api = Api(client, me)
    assert api.get(unread="true").json()["count"] == 4
    page = api.get(limit=2, offset=1).json()
    assert page["count"] == 5 and [i["message_en"][5:8] for i in page["items"]] == ["C-3", "C-2"]


def test_mark_read_some_or_all_and_never_anothers(client: Client, me: Any, make_user: Any) -> None:
    other = make_user()
    notification_send(users=[me, other], kind="case_assigned", params={"case": "C-1"})
    notification_send(users=[me], kind="case_assigned", params={"case": "C-2"})
    theirs = Notification.objects.get(user=other)
    mine = Notification.objects.filter(user=me).first()
    assert mine is not None
    api = Api(client, me)

    response = api.post("/read", {"ids": [theirs.pk]})
    assert response.status_code == 200 and response.json() == {"marked": 0}
    assert api.post("/read", {"ids": [mine.pk, theirs.pk]}).json() == {"marked": 1}
    assert api.post("/read", {}).json() == {"marked": 1}
    assert api.post("/read", {}).json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert api.get(unread="true").json()["count"] == 0


def test_bad_body_is_a_422(client: Client, me: Any) -> None:
    assert Api(client, me).post("/read", {"ids": ["x"]}).status_code == 422


def test_routes_are_mounted_and_schemas_describe_themselves() -> None:
    # Not the whole /openapi.json: that also depends on every other context's routers.
    from django.urls import reverse

    from saphan.notifications.api import MarkReadIn, NotificationOut

    assert reverse("api-v1:notification_list") == URL
    assert reverse("api-v1:notification_read") == f"{URL}/read"
    assert "message_th" in NotificationOut.model_json_schema()["properties"]
    assert "ids" in MarkReadIn.model_json_schema()["properties"]


@pytest.mark.parametrize(
    ("path", "params"),
    [("", {"limit": 10**30}), ("", {"offset": 10**30}), ("", {"limit": 0})],
)
def test_out_of_range_paging_is_a_422(client: Client, me: Any, path: str, params: Any) -> None:
    assert Api(client, me).get(path, **params).status_code == 422


@pytest.mark.parametrize("ids", [[10**30], [0], [-5]])
def test_out_of_range_ids_are_a_422(client: Client, me: Any, ids: list[int]) -> None:
    assert Api(client, me).post("/read", {"ids": ids}).status_code == 422
