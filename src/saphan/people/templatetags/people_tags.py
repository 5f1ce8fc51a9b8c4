"""The province → district → subdistrict picker of the registration form."""

from __future__ import annotations

from typing import Any

from django import template

from saphan.geo.models import District, Province, Subdistrict

register = template.Library()


@register.inclusion_tag("people/_place_picker.html", takes_context=True)
def place_picker(context: dict[str, Any], field: Any, scoped: bool = False) -> dict[str, Any]:
    """``scoped``: only the user's provinces (current address); the house registration
    may be anywhere in Thailand."""
    user = context["request"].user
    provinces = Province.objects.visible_to(user) if scoped else Province.objects.all()
    code = str(field.value() or "")
    chosen = Subdistrict.objects.select_related("district").filter(code=code).first()
    province_code = chosen.province_id if chosen else ""
    district_code = chosen.district_id if chosen else ""
    return {
        "field": field,
        "provinces": provinces.order_by("name_th"),
        "districts": District.objects.filter(province_id=province_code).order_by("name_th")
        if province_code
        else [],
        "subdistricts": Subdistrict.objects.filter(district_id=district_code).order_by("name_th")
        if district_code
        else [],
        "province_code": province_code,
        "district_code": district_code,
        "code": code,
    }
