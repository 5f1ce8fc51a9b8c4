from django.contrib import admin
from django.http import HttpRequest

from saphan.audit.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the access log cannot be added to, changed or deleted here."""

    list_display = (
        "at",
        "username",
        "organisation_code",
        "action",
        "object_type",
        "object_id",
        "province_code",
        "ip_address",
        "via",
    )
    list_filter = ("action", "via")
    search_fields = ("username", "object_id", "organisation_code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
