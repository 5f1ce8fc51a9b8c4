from django.http import HttpRequest
from ninja import Router, Schema

from saphan import policy
from saphan.api.auth import api_user

router = Router(tags=["me"])


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    organisation_code: str | None
    province_codes: list[str] | None
    actions: list[str]


@router.get("/me", response=MeOut, summary="Who the token belongs to and what they may do")
def me(request: HttpRequest) -> MeOut:
    user = api_user(request)
    codes = policy.province_codes_of(user)
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        organisation_code=user.organisation.code if user.organisation else None,
        province_codes=sorted(codes) if codes is not None else None,
        actions=sorted(a.value for a in policy.actions_of(user)),
    )
