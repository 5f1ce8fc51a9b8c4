import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from saphan.api.auth import api_user
from saphan.notifications.models import Notification
from saphan.notifications.selectors import notifications_for
from saphan.notifications.services import notification_mark_read

router = Router(tags=["notifications"])

#: Largest value a database id (bigint) can hold: larger ones would be a server error.
ID_MAX = 2**63 - 1


class NotificationPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=2**31 - 1)


class NotificationOut(Schema):
    id: int
    kind: str
    message: str = Field(description="In the request's language (Accept-Language)")
    message_th: str
    message_en: str
    params: dict[str, Any]
    link: str = Field(description="A path on this site, or empty")
    created_at: dt.datetime
    read: bool

    @staticmethod
    def resolve_message(obj: Notification) -> str:
        return obj.message

    @staticmethod
    def resolve_message_th(obj: Notification) -> str:
        return obj.message_in("th")

    @staticmethod
    def resolve_message_en(obj: Notification) -> str:
        return obj.message_in("en")

    @staticmethod
    def resolve_link(obj: Notification) -> str:
        return obj.safe_link

    @staticmethod
    def resolve_read(obj: Notification) -> bool:
        return obj.is_read


class MarkReadIn(Schema):
    ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] | None = Field(
        None, description="Notifications to mark read; omit for all"
    )


class MarkReadOut(Schema):
    marked: int


@router.get("", response=list[NotificationOut], summary="Your notifications, newest first")
@paginate(NotificationPagination)
def notification_list(request: HttpRequest, unread: bool = False) -> Any:
    return notifications_for(user=api_user(request), unread_only=unread)


@router.post("/read", response=MarkReadOut, summary="Mark your notifications read")
def notification_read(request: HttpRequest, payload: MarkReadIn) -> Any:
    marked = notification_mark_read(user=api_user(request), notification_ids=payload.ids)
    return {"marked": marked}
