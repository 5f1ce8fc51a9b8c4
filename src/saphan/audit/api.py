import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from saphan import policy
from saphan.api.auth import api_user
from saphan.audit.models import AccessAction
from saphan.audit.selectors import access_log_list

router = Router(tags=["audit"])


class BoundedLimitOffset(LimitOffsetPagination):
    """Ninja's limit/offset with an upper bound on the offset: a larger number than the
    database's integer overflowed SQLite into a server error."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=2**31 - 1)


class AccessLogOut(Schema):
    id: int
    at: dt.datetime
    username: str
    organisation_code: str
    role: str
    action: str
    object_type: str
    object_id: str
    province_code: str
    purpose: str
    query: str
    ip_address: str | None
    via: str


@router.get(
    "/access-log",
    response=list[AccessLogOut],
    summary="The access log (administrators and data protection officers)",
)
@paginate(BoundedLimitOffset)
def access_log(
    request: HttpRequest,
    username: str = "",
    action: AccessAction | None = None,
    province: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    user = api_user(request)
    policy.require(user, policy.Action.BROWSE_AUDIT)
    return access_log_list(
        user=user,
        username=username,
        action=action or "",
        province_code=province,
        date_from=date_from,
        date_to=date_to,
    )
